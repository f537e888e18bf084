"""Own the one text catalogue: every word kpixl writes into a workbook or prints, in English and Danish.

One module per area (``kpixl/texts/<area>.py``: the template, the company workbook, the
demo, the formulas' messages, ...). Each defines ``TEXTS = {"en": {...}, "da": {...}}``
with the same keys and the same ``{placeholders}`` in both languages;
``tests/test_texts.py`` checks every area, so a text cannot exist in one language only.
Code asks for a language's texts of an area with :func:`of`; adding an area is adding a
module here. A counted noun is two keys, ``<key>.one`` and ``<key>.many`` (both with
``{n}``), which :func:`count` picks from: English console lines keep the library's
``file(s)`` style in both, Danish needs its two forms (``1 fil``, ``3 filer``).
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from typing import Mapping

from kpixl import i18n
from kpixl.vocab import Language


def areas() -> list[str]:
    """Return the names of the catalogue's areas (its modules), sorted."""
    return sorted(info.name for info in pkgutil.iter_modules(__path__) if not info.name.startswith("_"))


@functools.cache
def catalogue(area: str) -> Mapping[str, Mapping[str, str]]:
    """Return an area's whole table, ``{"en": {...}, "da": {...}}``."""
    return importlib.import_module(f"{__name__}.{area}").TEXTS


def of(area: str, language: object) -> Mapping[str, str]:
    """Return the texts of ``area`` in ``language`` (anything :meth:`Language.parse` accepts)."""
    return catalogue(area)[Language.parse(language).value]


def text(area: str, key: str, language: object, /, **values: object) -> str:
    """Return one text, with ``{placeholders}`` filled from ``values`` when given.

    The first three are positional-only, so a text may have a ``{language}`` or ``{key}`` placeholder.
    """
    template = of(area, language)[key]
    return template.format(**values) if values else template


def count(area: str, key: str, n: int, language: object, /) -> str:
    """Return ``n`` with its noun, ``<key>.one`` or ``<key>.many``: "3 filer", "1.200 målinger".

    The number is written with the language's separators (:mod:`kpixl.i18n`).
    """
    language = Language.parse(language)
    return text(area, f"{key}.{'one' if n == 1 else 'many'}", language, n=i18n.format_number(n, language))


__all__ = ["areas", "catalogue", "count", "of", "text"]
