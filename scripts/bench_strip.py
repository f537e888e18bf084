"""Measure ``kpixl.reader.lean.strip_cells`` against the byte scans any cheaper strip would need.

Issue 23 asked whether a row-by-row strip (find each data row, cut its run of computed
cells with ``bytes.find``) could replace the exact strip, which classifies every ``<`` of a
table sheet with numpy. This script answers with figures, per table sheet of the first
workbook of each ``--kinds`` in ``--corpus`` (made by ``scripts/bench_validate.py``), best
of ``--repeat`` CPU times, interleaved:

- ``strip_cells`` as shipped (the drops the pre-check computes for that sheet), with the
  compiled tag scan (``kpixl/reader/_tagscan.c``) and with numpy's (a pure build's);
- each tag scan alone (``lean._compiled_tags``, ``lean._numpy_tags``);
- finding every ``<`` with numpy (``flatnonzero(bytes == "<")``): the one pass any exact
  strip makes, since a cell, a comment or a prefixed element can hide anywhere;
- finding each data row's ``<row r="N"`` with ``bytes.find``, one after the other: what a
  row-by-row strip spends before it has checked or cut anything;
- ``bytes.find(b"<!")``: one of the guards (no comment, no CDATA) as a plain byte search.

Usage: python scripts/bench_strip.py [--corpus DIR] [--kinds template,openpyxl,libreoffice] [--repeat N]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kpixl.reader import lean, prechecks  # noqa: E402


def sheets_with_drops(path: Path) -> list[tuple[bytes, list[lean.Drop]]]:
    """Return each table sheet of ``path`` the pre-check strips, with its drops (as the worker's pre-check sees them)."""
    found: list[tuple[bytes, list[lean.Drop]]] = []
    shipped = prechecks.strip_cells

    def record(content, drops):
        found.append((bytes(content), drops))
        return shipped(content, drops)

    prechecks.strip_cells = record
    try:
        prechecks.precheck(path, bound_sheets=False)
    finally:
        prechecks.strip_cells = shipped
    return found


def cpu_ms(work, repeat: int) -> float:
    """Return the best CPU time of ``repeat`` runs of ``work``, in milliseconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        work()
        best = min(best, time.process_time() - start)
    return best * 1000


def strip_with(scan, content: bytes, drops: list[lean.Drop]) -> bytes | None:
    """Return ``strip_cells(content, drops)`` with the tag scan ``scan``."""
    shipped = lean._tags
    lean._tags = scan
    try:
        return lean.strip_cells(content, drops)
    finally:
        lean._tags = shipped


def row_finds(content: bytes, first: int, last: int) -> int:
    """Find each data row's start tag in turn, as a row-by-row strip would; return the last offset."""
    at = 0
    for row in range(first, last + 1):
        at = content.find(b'<row r="%d"' % row, at)
    return at


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--kinds", default="template,openpyxl,libreoffice")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    compiled = lean._tagscan is not None
    print("| kind | sheet bytes | strip_cells, compiled scan | strip_cells, numpy scan | tag scan compiled "
          "| tag scan numpy | every < (numpy) | row finds | find <! |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for kind in args.kinds.split(","):
        path = sorted((args.corpus / kind).glob("*.xlsx"))[0]
        for content, drops in sheets_with_drops(path):
            first, last = min(d[0] for d in drops), max(d[1] for d in drops)
            codes = np.frombuffer(content, np.uint8)
            works = [lambda: strip_with(lean._compiled_tags, content, drops) if compiled else None,
                     lambda: strip_with(lean._numpy_tags, content, drops),
                     lambda: lean._compiled_tags(content) if compiled else None,
                     lambda: lean._numpy_tags(content), lambda: np.flatnonzero(codes == ord("<")),
                     lambda: row_finds(content, first, last), lambda: content.find(b"<!")]
            best = [float("inf")] * len(works)
            for _ in range(3):  # interleaved rounds: load from other processes hits every column alike
                best = [min(b, cpu_ms(work, max(1, args.repeat // 3))) for b, work in zip(best, works)]
            shown = [f"{b:.2f} ms" if compiled or i not in (0, 2) else "not built" for i, b in enumerate(best)]
            print(f"| {kind} | {len(content):,} | " + " | ".join(shown) + " |")


if __name__ == "__main__":
    main()
