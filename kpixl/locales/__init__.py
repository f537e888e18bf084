"""Own the catalogue files: one gettext ``.po`` file per language, read with Babel.

``kpixl/locales/<code>.po`` (``en.po``, ``da.po``, the pseudo-locale ``en_XA.po``) holds
every word kpixl writes into a workbook or prints in that language. Each entry's
msgid is a key ``<area>.<key>`` (``console.validate.summary``), its msgstr the text
with ``{placeholders}`` for :meth:`str.format`. The files are sorted by key, so two
branches that each add texts merge without a conflict.

This module is on the ground floor: it imports Babel and nothing of kpixl, so
:mod:`kpixl.vocab` (the languages' names) and :mod:`kpixl.texts` (the areas) can both
read the catalogues. A file is read once per process (Babel reads 2,000 entries in
about 40 ms).
"""

from __future__ import annotations

import functools
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

from babel.messages.pofile import read_po

FOLDER = Path(__file__).resolve().parent


def path(code: str) -> Path:
    """Return the catalogue file of a language code: ``en-XA`` is ``en_XA.po`` (gettext's spelling)."""
    return FOLDER / f"{code.replace('-', '_')}.po"


@functools.cache
def messages(code: str) -> Mapping[str, str]:
    """Return a language's whole catalogue, ``{key: text}`` (read-only; read once per process).

    An entry without a text (a key not yet translated) is left out, so a lookup of it
    fails loudly instead of printing an empty string; ``tests/test_texts.py`` checks that
    every key has a text in every language.
    """
    with path(code).open("rb") as file:
        catalog = read_po(file, locale=None, charset="utf-8")
    return MappingProxyType({str(message.id): str(message.string) for message in catalog
                             if message.id and isinstance(message.id, str) and message.string})


__all__ = ["FOLDER", "messages", "path"]
