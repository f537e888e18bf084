"""Own the lookup of kpixl's words: every text it writes into a workbook or prints, in each language.

The words themselves live in one catalogue per language, ``kpixl/locales/<code>.po``
(:mod:`kpixl.locales`), under keys ``<area>.<key>``: the area is the part of kpixl
that speaks (``template``, ``console``, ``schema``, ...). Code asks for a language's
texts of an area with :func:`of` or for one text with :func:`text`;
``tests/test_texts.py`` checks that every key exists in every language with the same
``{placeholders}``. Adding a text is adding it to every ``.po`` file (en.po first,
then ``scripts/make_pseudo_locale.py``). A counted noun is two keys,
``<key>.one`` and ``<key>.many`` (both with ``{n}``), which :func:`count` picks from:
English console lines keep the library's ``file(s)`` style in both, Danish needs its
two forms (``1 fil``, ``3 filer``).
"""

from __future__ import annotations

import functools
from types import MappingProxyType
from typing import Mapping

from kpixl import i18n, locales
from kpixl.vocab import Language


def areas() -> list[str]:
    """Return the names of the catalogue's areas (the first part of every key), sorted."""
    return sorted({key.split(".", 1)[0] for key in locales.messages(Language.EN.value)})


@functools.cache
def _area(area: str, code: str) -> Mapping[str, str]:
    prefix = f"{area}."
    return MappingProxyType({key[len(prefix):]: value for key, value in locales.messages(code).items()
                             if key.startswith(prefix)})


def catalogue(area: str) -> Mapping[str, Mapping[str, str]]:
    """Return an area's whole table, ``{"en": {...}, "da": {...}, ...}``: one entry per registered language."""
    return {language.value: _area(area, language.value) for language in Language}


def of(area: str, language: object) -> Mapping[str, str]:
    """Return the texts of ``area`` in ``language`` (anything :meth:`Language.parse` accepts)."""
    return _area(area, Language.parse(language).value)


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
