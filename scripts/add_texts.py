"""Add or change texts in the catalogue files from a small Python table, keeping them sorted.

    python scripts/add_texts.py NEW.py    # NEW.py defines TEXTS = {"en": {"area.key": ...}, "da": {...}}

Full keys (``<area>.<key>``). The pseudo-locale is regenerated afterwards. It is how
the moves of words out of the code into the catalogue were made; editing the ``.po``
files by hand (kept sorted) works as well.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import make_pseudo_locale  # noqa: E402
import texts_to_po  # noqa: E402
from kpixl import locales  # noqa: E402


def add(table: dict[str, dict[str, str]]) -> None:
    """Merge ``table`` (``{language: {full key: text}}``) into the .po files and regenerate en_XA.po."""
    for language, words in table.items():
        entries = texts_to_po.read(locales.path(language))
        for key, text in words.items():
            entries[key] = (text, entries.get(key, ("", []))[1])
        texts_to_po.write(locales.path(language), language, entries)
    make_pseudo_locale.main([])


if __name__ == "__main__":
    add(runpy.run_path(sys.argv[1])["TEXTS"])
