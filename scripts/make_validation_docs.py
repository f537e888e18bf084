"""Write the code tables of docs/validation.md from the registry in kpixl.codes.

Each table stands between ``<!-- codes KPXnxx -->`` and ``<!-- /codes -->``;
everything else in the page is prose and is left as it is. A test
(tests/test_codes.py) checks that the page equals what this script writes.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from kpixl import codes

PAGE = Path(__file__).resolve().parent.parent / "docs" / "validation.md"
_BLOCK = re.compile(r"(<!-- codes (KPX\dxx) -->\n)(.*?)(<!-- /codes -->)", re.S)


def table(group: str) -> str:
    """Return the Markdown table of every code in ``group``."""
    lines = ["| code | severity | meaning | what to change |", "| --- | --- | --- | --- |"]
    lines += [f"| {c.id} | {c.severity} | {c.title} | {c.fix} |" for c in codes.CODES if c.group == group]
    return "\n".join(lines) + "\n"


def render(text: str) -> str:
    """Return ``text`` with every code table rewritten from the registry."""
    return _BLOCK.sub(lambda m: m.group(1) + table(m.group(2)) + m.group(4), text)


def main() -> int:
    text = PAGE.read_text(encoding="utf-8")
    missing = sorted({c.group for c in codes.CODES} - set(block_groups(text)))
    if missing:
        print(f"docs/validation.md has no table for {', '.join(missing)}: add '<!-- codes KPXnxx -->' markers")
        return 1
    PAGE.write_text(render(text), encoding="utf-8")
    print(f"Wrote {PAGE}")
    return 0


def block_groups(text: str) -> list[str]:
    return [m.group(2) for m in _BLOCK.finditer(text)]


if __name__ == "__main__":
    sys.exit(main())
