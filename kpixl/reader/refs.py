"""Own A1 cell references: column letters and numbers, and ranges like ``B2:D9``."""

from __future__ import annotations

import re

_A1_RE = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")


def _column_number(letters: str) -> int:
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
    a, b = _A1_RE.match(first.strip()), _A1_RE.match((last or first).strip())
    if not a or not b:
        raise ValueError(ref)
    return int(a.group(2)), _column_number(a.group(1)), int(b.group(2)), _column_number(b.group(1))
