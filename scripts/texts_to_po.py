"""Move the texts of any ``kpixl/texts/<area>.py`` module into the catalogue files, then delete the module.

Re-runnable: every module of ``kpixl/texts/`` (but ``__init__``) that defines
``TEXTS = {"en": {...}, "da": {...}}`` is imported, its entries are merged into
``kpixl/locales/<language>.po`` as ``<area>.<key>`` (an entry the module has replaces
the file's), the files are written back sorted by key, the module is deleted, and the
pseudo-locale is regenerated from the new en.po (``scripts/make_pseudo_locale.py``).
A branch that still adds an area in dict form is merged by running this once more.

    python scripts/texts_to_po.py            # convert and delete
    python scripts/texts_to_po.py --check    # exit 1 if any area module is left
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from babel.messages.catalog import Catalog  # noqa: E402
from babel.messages.pofile import read_po, write_po  # noqa: E402

import make_pseudo_locale  # noqa: E402
from kpixl import locales  # noqa: E402

TEXTS_DIR = ROOT / "kpixl" / "texts"
HEADER = "kpixl's words in {language}: msgid is <area>.<key>, msgstr the text. Sorted by key; see docs/languages.md."


def read(path: Path) -> dict[str, tuple[str, list[str]]]:
    """Return a .po file's entries, ``{key: (text, auto comments)}``; a missing file is empty."""
    if not path.exists():
        return {}
    with path.open("rb") as file:
        catalog = read_po(file, charset="utf-8")
    return {str(m.id): (str(m.string), list(m.auto_comments)) for m in catalog if m.id}


def write(path: Path, language: str, entries: dict[str, tuple[str, list[str]]]) -> None:
    """Write ``entries`` sorted by key, with a fixed header (no dates: the output is stable)."""
    catalog = Catalog(locale=None, header_comment=f"# {HEADER.format(language=language)}", project="kpixl",
                      charset="utf-8", fuzzy=False)
    for key in sorted(entries):
        text, comments = entries[key]
        catalog.add(key, text, auto_comments=comments)
    with path.open("wb") as file:
        write_po(file, catalog, width=0, omit_header=False, sort_output=True)
    # Babel's header names its own version and the build time: keep only what does not change.
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    keep = [line for line in lines if not line.startswith(('"Generated-By:', '"POT-Creation-Date:',
                                                            '"PO-Revision-Date:', '"Report-Msgid-Bugs-To:'))]
    path.write_text("".join(keep), encoding="utf-8")


def area_modules() -> list[str]:
    """Return the area modules still in ``kpixl/texts/``, sorted."""
    return sorted(info.name for info in pkgutil.iter_modules([str(TEXTS_DIR)]) if not info.name.startswith("_"))


def convert() -> list[str]:
    """Merge every area module into the .po files and delete it; return the areas moved."""
    moved = area_modules()
    merged: dict[str, dict[str, tuple[str, list[str]]]] = {}
    for area in moved:
        table = importlib.import_module(f"kpixl.texts.{area}").TEXTS
        for language, words in table.items():
            entries = merged.setdefault(language, read(locales.path(language)))
            for key, text in words.items():
                old = entries.get(f"{area}.{key}", ("", []))
                entries[f"{area}.{key}"] = (text, old[1])
    for language, entries in merged.items():
        write(locales.path(language), language, entries)
    for area in moved:
        (TEXTS_DIR / f"{area}.py").unlink()
    if moved:
        make_pseudo_locale.main([])
    return moved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if an area module is left to convert")
    args = parser.parse_args(argv)
    if args.check:
        left = area_modules()
        print("left to convert: " + ", ".join(left) if left else "nothing left to convert")
        return 1 if left else 0
    moved = convert()
    print("moved into the catalogue: " + ", ".join(moved) if moved else "nothing to convert")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
