"""Own expanding the command line's arguments into the workbooks to read.

A file argument is read whatever its name; a folder means its ``.xlsx``/``.xlsm``
files (with ``--recursive``, its subfolders' too). Everything in a folder that is not
read is named in a finding (KPX134 a file, KPX135 a subfolder, KPX138 a note for share
clutter such as a Mac's ``._Sales.xlsx`` or a lock file), so nothing is left out silently.
"""

from __future__ import annotations

import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from kpixl import schema
from kpixl.codes import NOTE
from kpixl.model import WARNING, Finding, Place
from kpixl.leftout import WORKBOOK_SUFFIXES
from kpixl.reader.clutter import clutter_reason
from kpixl.reader.findings import N_CLUTTER, W_FILE_NOT_READ, W_SUBFOLDER_NOT_READ



def expand_paths(paths: Iterable[Path | str], *, recursive: bool = False) -> list[Path]:
    """Return the files to read: a folder means every .xlsx/.xlsm in it, sorted; lock files and clutter skipped.

    Paths that do not exist are kept so the caller can report them; a path given
    twice is read once. :func:`collect_inputs` also says what a folder held that is not read.
    """
    return collect_inputs(paths, recursive=recursive).files


@dataclass
class Inputs:
    """Hold the files to read and one finding per file or subfolder of a folder argument that is not read."""

    files: list[Path] = field(default_factory=list)
    left_out: list[Finding] = field(default_factory=list)
    empty_folders: list[Path] = field(default_factory=list)  # folders holding no workbook at all


def collect_inputs(paths: Iterable[Path | str], *, recursive: bool = False) -> Inputs:
    """Return the workbooks named by ``paths`` and a finding for everything in their folders that is not read.

    A file argument is read whatever its name (the pre-check says what is wrong with it),
    except share clutter such as Excel's ``~$Sales.xlsx``, which ``*.xlsx`` matches too: a note.
    A folder means its .xlsx/.xlsm files, sorted; every other file in it is named with the
    reason (KPX134), and so is each subfolder holding workbooks when not ``recursive``
    (KPX135). With ``recursive`` the subfolders are read too, in sorted order.
    """
    seen: set[Path] = set()
    result = Inputs()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = _folder_inputs(path, recursive, result.left_out, set())
            if not found:
                result.empty_folders.append(path)
        elif path.is_file() and clutter_reason(path) is not None:
            # A shell's *.xlsx matches Excel's ~$Sales.xlsx too: clutter is a note wherever it is named.
            if path not in seen:
                seen.add(path)
                result.left_out.append(Finding(N_CLUTTER, NOTE, clutter_reason(path) or "", Place(str(path))))
            continue
        else:
            found = [path]
        for item in found:
            if item not in seen:
                seen.add(item)
                result.files.append(item)
    return result


def workbooks_in(folder: Path, *, recursive: bool = False) -> list[Path]:
    """Return the .xlsx/.xlsm files of ``folder`` (with ``recursive``, of its subfolders too), sorted."""
    return _folder_inputs(folder, recursive, [], set())


def _folder_inputs(folder: Path, recursive: bool, left_out: list[Finding], visited: set[Path]) -> list[Path]:
    """Return the workbooks of ``folder``; append a finding for each file or subfolder not read.

    ``visited`` holds the folders already read (resolved), so a link back up the tree is read once.
    """
    try:
        real = folder.resolve()
    except OSError:
        real = folder
    if real in visited:
        return []
    visited.add(real)
    try:
        entries = sorted(folder.iterdir())
    except OSError as error:
        left_out.append(Finding(W_FILE_NOT_READ, WARNING, f"the folder cannot be listed ({error.strerror or error}); "
                                                          "its files are not read; check the folder's permissions",
                                Place(str(folder))))
        return []
    files: list[Path] = []
    for entry in entries:
        if entry.is_dir():
            if recursive:
                files.extend(_folder_inputs(entry, True, left_out, visited))
                continue
            count = _count_workbooks(entry)
            if count:
                left_out.append(Finding(W_SUBFOLDER_NOT_READ, WARNING, f"subfolder holds {count} workbook(s) that "
                                                                       "are not read; give the subfolder too, or use "
                                                                       "--recursive to read subfolders",
                                        Place(str(entry))))
            continue
        clutter = clutter_reason(entry)
        if clutter is not None:
            # Synced shares fill folders with these: a note, never an error nor "move it out".
            left_out.append(Finding(N_CLUTTER, NOTE, clutter, Place(str(entry))))
            continue
        reason = not_read_reason(entry)
        if reason is None:
            files.append(entry)
        else:
            left_out.append(Finding(W_FILE_NOT_READ, WARNING, reason, Place(str(entry))))
    return files


def _count_workbooks(folder: Path) -> int:
    """Return how many .xlsx/.xlsm files (lock files not counted) ``folder`` and its subfolders hold."""
    count = 0
    for root, _dirs, names in os.walk(folder):
        # The whole path: not_read_reason looks inside a workbook (a company workbook is not counted).
        count += sum(1 for name in names if not_read_reason(Path(root, name)) is None)
    return count


# What each kind of file left out of a folder is, and what to do to have it read.
_LEFT_OUT_REASONS = {
    ".ods": "an OpenDocument spreadsheet (.ods) is not read; save it as an Excel Workbook (.xlsx) to include it",
    ".xls": "an old Excel 97-2003 workbook (.xls) is not read; save it as an Excel Workbook (.xlsx) to include it",
    ".xlsb": "an Excel binary workbook (.xlsb) is not read; save it as an Excel Workbook (.xlsx) to include it",
    ".csv": "a CSV text file is not read; kpixl reads the department workbook (.xlsx), not CSV exports",
}


def not_read_reason(path: Path) -> str | None:
    """Return why a file found in a folder is not read (None: it is a workbook that is read)."""
    suffix = path.suffix.casefold()
    if clutter_reason(path) is not None:
        return "share clutter (a lock file, a Mac's ._ file, Thumbs.db, ...), not a workbook"
    if suffix in WORKBOOK_SUFFIXES:
        return _COMPANY_REASON if written_as_company(path) else None
    if suffix in _LEFT_OUT_REASONS:
        return _LEFT_OUT_REASONS[suffix]
    return "not an Excel workbook (.xlsx or .xlsm), so it is not read; move it out of the folder if it is not an input"


_COMPANY_REASON = ("a company workbook kpixl consolidate wrote is not a department workbook, so it is not read; "
                   "keep the company workbook outside the departments' folder")
_COMPANY_MARK = re.compile(rb'name="' + schema.PROPERTY_WORKBOOK.encode() + rb'"[^>]*>\s*<vt:lpwstr>company<')


def written_as_company(path: Path) -> bool:
    """Return True for a company workbook kpixl wrote (its custom property says so).

    Only ``docProps/custom.xml`` is read, and only when it is small: anything unreadable is
    False here and is then checked like every other input.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("docProps/custom.xml")
            if info.file_size > 65536 or info.compress_size > 65536:
                return False
            return _COMPANY_MARK.search(archive.read(info)) is not None
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, NotImplementedError, RuntimeError, EOFError):
        return False
