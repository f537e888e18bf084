"""Own how numbers, percentages and month names read in each language, through Babel (CLDR).

Each registered language (:class:`kpixl.vocab.Language`) names a Babel locale; English
writes 1,234.5 and 12.5%, Danish 1.234,5 and 12,5%. Every text a person reads that
shows a number (console output, the workbook's Guide) formats it here, so the
languages cannot drift apart.

The patterns are given explicitly, not taken from the locale's defaults:

- a fixed number of decimals, rounded half to even on the float's exact value (what
  Python's ``format`` does), so a number reads the same as before Babel;
- the percent sign follows the number without a space in every language. CLDR's Danish
  pattern puts a no-break space before it (``114,0 %``), but Excel's ``0.0%`` format
  shows ``114,0%`` in English and Danish Excel alike: the console then reads the same
  as the workbook.

Month names are CLDR's abbreviated stand-alone names without CLDR's abbreviation dot
(Danish ``jan.`` is ``jan``), as the Dashboard's status strip shows them. A pseudo-locale's
names are pseudo-transformed like its catalogue (:mod:`kpixl.locales.pseudo`).
"""

from __future__ import annotations

import functools
import math
from decimal import Decimal

from babel.dates import get_month_names
from babel.numbers import format_decimal, get_decimal_symbol, get_group_symbol

from kpixl.locales import pseudo
from kpixl.vocab import Language


def _pattern(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


def format_number(value: float, language: object = Language.EN, decimals: int = 0) -> str:
    """Return ``value`` rounded to ``decimals`` places with the language's separators.

    ``format_number(1234.5, "da", 1)`` is ``"1.234,5"``. A value that is not finite
    (NaN, infinity) is returned as Python writes it, since no separator applies.
    An unknown language raises :class:`~kpixl.errors.DefinitionError` (:meth:`Language.parse`).
    """
    language = Language.parse(language)
    if not math.isfinite(value):
        return str(value)
    # Decimal(float) is the float's exact value: rounding it half to even is what format() does.
    exact = Decimal(value)
    if round(exact, decimals) == 0:
        exact = abs(exact)  # -0.04 rounds to 0.0: no minus sign
    return format_decimal(exact, format=_pattern(decimals), locale=language.locale, decimal_quantization=True)


def separators(language: object) -> tuple[str, str]:
    """Return the language's decimal mark and thousands separator (CLDR's): ``(",", ".")`` in Danish."""
    locale = Language.parse(language).locale
    return get_decimal_symbol(locale), get_group_symbol(locale)


def localize(text: str, language: object) -> str:
    """Return a number Python wrote with ``,`` and ``.`` (``f"{x:,.10g}"``) with the language's separators."""
    decimal, thousands = separators(language)
    return text.translate(str.maketrans(",.", thousands + decimal))


def format_percent(fraction: float, language: object = Language.EN, decimals: int = 1) -> str:
    """Return the fraction as a percentage: ``format_percent(1.14, "da")`` is ``"114,0%"`` (no space, see above)."""
    return format_number(fraction * 100, language, decimals) + "%"


@functools.cache
def month_abbreviations(language: object) -> tuple[str, ...]:
    """Return the twelve short month names of ``language``, January first: ``jan`` ... ``dec`` in Danish."""
    language = Language.parse(language)
    names = get_month_names("abbreviated", context="stand-alone", locale=language.locale)
    short = tuple(names[month].rstrip(".") for month in range(1, 13))
    return tuple(pseudo.transform(name) for name in short) if language.pseudo else short


__all__ = ["format_number", "format_percent", "localize", "month_abbreviations", "separators"]
