"""Write docs/consolidate.schema.json, the JSON Schema of ``kpixl consolidate --format json``.

The schema is built from the company tables' columns (:func:`kpixl.consolidate.export.json_schema`),
so a new column is one regeneration away. A test (tests/test_export.py) checks that the
file equals what this script writes.
"""

from __future__ import annotations

import json
from pathlib import Path

from kpixl.consolidate.export import json_schema

PAGE = Path(__file__).resolve().parent.parent / "docs" / "consolidate.schema.json"


def render() -> str:
    """Return the schema file's text."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


def main() -> int:
    PAGE.write_text(render(), encoding="utf-8")
    print(f"Wrote {PAGE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
