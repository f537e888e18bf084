"""Own how numbers read in each language: the decimal mark and the thousands separator.

English writes 1,234.5 and 12.5%; Danish writes 1.234,5 and 12,5%. Every text a
person reads that shows a number (console output, the workbook's Guide) formats it
here, so the two languages cannot drift apart. The percent sign follows the number
without a space in both languages, as Excel's ``0.0%`` format shows it in English and
Danish Excel alike: the console then reads the same as the workbook.
"""

from __future__ import annotations

import math

from kpixl.vocab import Language

# language -> (decimal mark, thousands separator)
SEPARATORS = {Language.EN: (".", ","), Language.DA: (",", ".")}


def format_number(value: float, language: object = Language.EN, decimals: int = 0) -> str:
    """Return ``value`` rounded to ``decimals`` places with the language's separators.

    ``format_number(1234.5, "da", 1)`` is ``"1.234,5"``. A value that is not finite
    (NaN, infinity) is returned as Python writes it, since no separator applies.
    An unknown language raises :class:`~kpixl.errors.DefinitionError` (:meth:`Language.parse`).
    """
    decimal, thousands = SEPARATORS[Language.parse(language)]
    if not math.isfinite(value):
        return str(value)
    text = f"{value:,.{decimals}f}"
    if text.startswith("-") and float(text.replace(",", "")) == 0:
        text = text[1:]  # -0.0 after rounding reads as 0.0
    return text.translate(str.maketrans(",.", thousands + decimal))


def format_percent(fraction: float, language: object = Language.EN, decimals: int = 1) -> str:
    """Return the fraction as a percentage: ``format_percent(1.14, "da")`` is ``"114,0%"``."""
    return format_number(fraction * 100, language, decimals) + "%"


__all__ = ["SEPARATORS", "format_number", "format_percent"]
