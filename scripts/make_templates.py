"""Write the blank department workbook templates checked in under ``workbook_templates/``.

Run from the repository root: ``python scripts/make_templates.py [OUT_DIR]``. It
writes ``kpixl-department-{en,da}-{xlwings,native}.xlsx`` (AsOf = ``=TODAY()``, fixed
creation date, so a rerun only changes zip timestamps); ``tests/test_template.py``
checks the checked-in files against a fresh run.
"""

from __future__ import annotations

import sys
from pathlib import Path

from kpixl import formulas, schema
from kpixl.template import write_template

DEFAULT_DIR = Path(__file__).resolve().parent.parent / "workbook_templates"


def template_name(language: str, mode: str) -> str:
    """Return the file name of the blank template for ``language`` and formula ``mode``."""
    return f"kpixl-department-{language}-{mode}.xlsx"


def make_templates(out_dir: Path = DEFAULT_DIR) -> list[Path]:
    """Write every blank template into ``out_dir`` (overwriting); return the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for language in schema.LANGUAGES:
        for mode in formulas.MODES:
            written.append(write_template(out_dir / template_name(language, mode), language=language,
                                          formulas=mode, force=True))
    return written


def main(argv: list[str]) -> None:
    """Write the templates into argv[0] or workbook_templates/ and list them."""
    out_dir = Path(argv[0]) if argv else DEFAULT_DIR
    for path in make_templates(out_dir):
        print(path)


if __name__ == "__main__":
    main(sys.argv[1:])
