"""Own what kind of file or folder a folder argument left out, from a finding's code and the file's name.

The summary line (``3 files not read: 1 company workbook, 2 .ods``) counts what
:func:`kpixl.reader.collect_inputs` left out by kind. The kind follows from facts, never
from a finding's wording: its code (KPX134 a file not read, KPX135 a subfolder, KPX138
share clutter) and the name of the file. A workbook (``.xlsx``/``.xlsm``) a folder left
out is a company workbook kpixl wrote, the only workbook the reader does not read.
Ground floor: imports nothing of kpixl, so the model (its :func:`kpixl.model.left_out_summary`)
and the reader can both use it.
"""

from __future__ import annotations

from pathlib import Path

# The codes of what a folder argument leaves out (kpixl.reader.findings names the same; tests check).
FILE_NOT_READ, SUBFOLDER_NOT_READ, CLUTTER = "KPX134", "KPX135", "KPX138"
# The workbooks the reader reads, and the other files a finding names by their suffix.
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
NAMED_SUFFIXES = (".ods", ".xls", ".xlsb", ".csv")


def is_lock_file(name: str) -> bool:
    """Return True for an Excel owner file or a LibreOffice lock file name."""
    return name.startswith("~$") or (name.startswith(".~lock.") and name.endswith("#"))


def left_out_kind(code: str, path: str | None) -> str:
    """Return a short word for what a KPX134/KPX135/KPX138 finding on ``path`` left out (for the summary line)."""
    if code == SUBFOLDER_NOT_READ:
        return "subfolder"
    name = Path(path or "").name
    if code == CLUTTER:
        return "lock file" if is_lock_file(name) else "share clutter file"
    suffix = Path(name).suffix.casefold()
    if suffix in WORKBOOK_SUFFIXES:
        return "company workbook"
    return suffix if suffix in NAMED_SUFFIXES else "other file"


__all__ = ["FILE_NOT_READ", "SUBFOLDER_NOT_READ", "CLUTTER", "WORKBOOK_SUFFIXES", "NAMED_SUFFIXES", "is_lock_file",
           "left_out_kind"]
