"""Own A1 cell references: column letters and numbers, cells like ``C12`` and ranges like ``B2:D9``.

The one implementation of column letters: the reader decodes the references a workbook
holds with it, the native formulas (:mod:`kpixl.formulas`) and the findings name cells
with it. Ground floor: the standard library only (the UDFs run in xlwings Lite's
Pyodide), so every floor may import it. The byte scanners of the reader
(:mod:`kpixl.reader.sheetscan`, :mod:`kpixl.reader.lean`) decode letters the same way
vectorised with numpy over whole sheets; their tests compare them with this module.
"""

from __future__ import annotations

import re

A1_RE = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")


def column_number(letters: str) -> int:
    """Return the 1-based column number of column ``letters`` (A -> 1, AA -> 27; case ignored)."""
    number = 0
    for ch in letters.upper():
        number = number * 26 + (ord(ch) - 64)
    return number


def column_letter(number: int) -> str:
    """Return the column letters of 1-based column ``number`` (1 -> A, 27 -> AA)."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def parse_ref(ref: str) -> tuple[int, int, int, int]:
    """Return (first_row, first_col, last_row, last_col), 1-based, of an A1 range like ``B2:D9``."""
    first, _, last = ref.partition(":")
    a, b = A1_RE.match(first.strip()), A1_RE.match((last or first).strip())
    if not a or not b:
        raise ValueError(ref)
    return int(a.group(2)), column_number(a.group(1)), int(b.group(2)), column_number(b.group(1))


def split_cell(cell: str) -> tuple[str, int] | None:
    """Return (column letters, row) of a plain cell like ``C12``; None unless ``letters + str(row)`` is ``cell``.

    So ``$C$12``, ``c12`` and ``C012`` are None: a cell given back as letters and row
    number prints as it was.
    """
    match = A1_RE.match(cell)
    if match is None:
        return None
    letters, row = match.group(1), int(match.group(2))
    return (letters, row) if row > 0 and f"{letters}{row}" == cell and letters.isupper() else None


__all__ = ["A1_RE", "column_number", "column_letter", "parse_ref", "split_cell"]
