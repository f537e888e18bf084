"""Own reading a department workbook from disk: safely first, then fast, then typed.

Three stages, in this order, so no parser sees a hostile file:

1. Pre-checks on the raw bytes, with no parser (:func:`precheck`): the path,
   the magic bytes (old ``.xls``, password-protected OOXML, CSV or text
   renamed), the zip directory (truncated or corrupt, decompression bombs),
   every XML member unpacked once (CRC, XML entity declarations) and every
   worksheet's cell references, tag counts and declared dimension
   (python-calamine aborts the whole process on a tiny sheet that declares cell
   XFD1048576, tafia/calamine#693). The file is read once; worksheets are
   scanned as numpy byte arrays, so a 10 MB sheet of formulas costs a few
   vectorised passes, and the same pass notes the tables' input cells that hold
   a formula without a saved value or an error.
2. The package structure with a safe XML parser: defined names (kpixl
   metadata), sheets, and the Excel tables ``KPIs``, ``Measurements`` and
   ``Evaluation`` found by name on whatever sheet they live.
3. Cell values, typed through :mod:`kpixl.schema`. A clean table (each input
   column of one type, nothing below it, no cell needing a finding) is read
   column by column with fastexcel; anything else cell by cell with
   python-calamine, where values that cannot be parsed become findings (codes
   ``KPX1xx`` for the file and tables, ``KPX2xx`` for cells;
   ``docs/validation.md`` lists them) and leave the field ``None``. Both give
   the same records.

The semantic rules (duplicates, definitions, late measurements) live in
:mod:`kpixl.validate`; this module only reports what it cannot read as typed.
"""

from __future__ import annotations

import functools
import html
import io
import logging
import math
import os
import posixpath
import re
import threading
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable, Iterable

import defusedxml.ElementTree as SafeET
import numpy as np
from python_calamine import CalamineError, CalamineWorkbook

try:
    import fastexcel
except ImportError:  # pragma: no cover - optional: the exact reader alone is slower but complete
    fastexcel = None  # type: ignore[assignment]
else:
    # A blank column "falls back to string" with a logged warning; kpixl reads blanks as blanks.
    logging.getLogger("fastexcel.types.dtype").setLevel(logging.ERROR)

from kpixl import core, schema
from kpixl.errors import DefinitionError, WorkbookError
from kpixl.model import (ERROR, WARNING, DepartmentWorkbook, EvaluationRecord, Finding, KpiRecord,
                         MeasurementRecord, Place)

# ------------------------------------------------------------------ limits
# A department workbook holds a few hundred rows; these limits are generous for
# that and far below what would exhaust memory (see docs/validation.md).
# Calibrated on kpixl's own largest template (5,000 KPI rows, 100,000 measurement rows:
# 520 MB unpacked, 100,001 rows; tests/test_template.py proves it passes): about 1.5 times that.
MAX_TOTAL_UNCOMPRESSED = 800 * 1024 * 1024  # bytes, all members together
MAX_MEMBERS = 10_000
RATIO_CHECK_FROM = 1024 * 1024  # members larger than this (uncompressed) ...
MAX_RATIO = 200  # ... may compress at most 200:1
MAX_ROWS = 110_000  # the largest Measurements table is 100,001 rows with its header
MAX_COLUMNS = 200  # column GR
MAX_CELLS = 3_000_000  # cells per sheet, and rows x columns (at least 26) of its used range from A1
CHUNK = 1024 * 1024
MAX_FILE_BYTES = 200 * 1024 * 1024  # larger files are read from disk by the zip reader, not into memory

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")

_ENTITY_RE = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_DIMENSION_RE = re.compile(rb"<(?:\w+:)?dimension\s+ref\s*=\s*[\"']([^\"']*)[\"']")
_ROOT_START_RE = re.compile(rb"<[A-Za-z_]")
_CELL_TAG_RE = re.compile(rb"<(?:\w+:)?c[\s>/]")
_ROW_TAG_RE = re.compile(rb"<(?:\w+:)?row[\s>/]")
_CELL_CLOSE_RE = re.compile(rb"</(?:\w+:)?c>")
_TAG_CLOSE_RE = re.compile(rb"/?>")
_DIMENSION_WORD_RE = re.compile(rb"dimension")
_REF_TEXT_RE = re.compile(r"\s*\$?([A-Za-z]*)\$?([0-9]+)")
_SPACE_RUN_RE = re.compile(rb"[ \t\r\n]*")
_QUOTED_RE = re.compile(rb"\"([^\"]*)(?:\"|\Z)|'([^']*)(?:'|\Z)")
# A reference longer than this is far beyond every limit: only this much of it is numbered.
_REF_PART_CAP = 1000
_PREFIXED_CELL_RE = re.compile(rb"<(?:\w+:)?c\s[^>]*>\s*<(?:\w+:)?f\b|<(?:\w+:)?c\s[^>]*\bt=[\"']e[\"']")
_LT, _EQ = ord("<"), ord("=")


def _byte_set(chars: bytes) -> np.ndarray:
    table = np.zeros(256, bool)
    table[list(chars)] = True
    return table


# Byte classes as lookup tables (one gather classifies a whole array).
_QUOTE_LUT = _byte_set(b"\"'")
_SPACE_LUT = _byte_set(b" \t\r\n")
_TAG_END_LUT = _byte_set(b" \t\r\n>/")
_ALPHA_LUT = _byte_set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_DIGIT_LUT = _byte_set(b"0123456789")
_R_ATTR_RE = re.compile(rb"\br=\"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})\"")
_ERROR_TYPE_RE = re.compile(rb"\bt=\"e\"")
_FORMULA_RE = re.compile(rb"<(?:\w+:)?f[\s>/]")
_VALUE_OPEN_RE = re.compile(rb"<(?:\w+:)?v>([^<]*)")
# A formula whose cell closes with no value, or with an empty <v/>: </f></c>, <f .../></c>, </f><v /></c>.
_NO_VALUE_END_RE = re.compile(rb"(?:</(?:\w+:)?f>|<(?:\w+:)?f\b[^>]*/>)\s*(?:<(?:\w+:)?v\s*/>\s*)?</(?:\w+:)?c>")
_A1_RE = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")

NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

# Finding codes raised here; docs/validation.md describes each one.
E_MISSING = "KPX101"
E_NOT_FILE = "KPX102"
E_UNREADABLE = "KPX103"
E_EMPTY = "KPX104"
E_OLD_XLS = "KPX105"
E_ENCRYPTED = "KPX106"
E_TEXT = "KPX107"
E_NOT_ZIP = "KPX108"
E_CORRUPT = "KPX109"
E_NOT_XLSX = "KPX110"
E_TOO_BIG = "KPX111"
E_RATIO = "KPX112"
E_DIMENSION = "KPX113"
E_ENTITY = "KPX114"
E_NOT_KPIXL = "KPX115"
E_BAD_XML = "KPX117"
W_SCHEMA_VERSION = "KPX120"
E_NO_KPI_TABLE = "KPX121"
E_NO_MEASUREMENT_TABLE = "KPX122"
W_NO_EVALUATION_TABLE = "KPX123"
E_MISSING_COLUMN = "KPX130"
W_UNKNOWN_COLUMN = "KPX131"
W_BELOW_TABLE = "KPX132"
W_DUPLICATE_COLUMN = "KPX133"
W_FILE_NOT_READ = "KPX134"
W_SUBFOLDER_NOT_READ = "KPX135"
W_OUTSIDE_TABLE = "KPX136"
W_KEYLESS_ROW = "KPX137"
# Rows named one by one below a table (KPX136) before one finding sums up the rest.
MAX_OUTSIDE_LISTED = 20
E_REQUIRED = "KPX201"
E_NOT_NUMBER = "KPX202"
E_WRONG_TYPE = "KPX203"
E_NUMBER_AS_TEXT = "KPX204"
E_DATE_AS_TEXT = "KPX205"
E_NOT_DATE = "KPX206"
E_VOCABULARY = "KPX207"
E_NO_CACHED_VALUE = "KPX208"
E_ERROR_VALUE = "KPX209"
E_ID_CONVERTED = "KPX215"


# ------------------------------------------------------------------ paths

def expand_paths(paths: Iterable[Path | str], *, recursive: bool = False) -> list[Path]:
    """Return the files to read: a folder means every .xlsx/.xlsm in it, sorted; lock files skipped.

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

    A file argument is read whatever its name (the pre-check says what is wrong with it).
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
        reason = not_read_reason(entry)
        if reason is None:
            files.append(entry)
        else:
            left_out.append(Finding(W_FILE_NOT_READ, WARNING, reason, Place(str(entry))))
    return files


def _count_workbooks(folder: Path) -> int:
    """Return how many .xlsx/.xlsm files (lock files not counted) ``folder`` and its subfolders hold."""
    count = 0
    for _root, _dirs, names in os.walk(folder):
        count += sum(1 for name in names if not_read_reason(Path(name)) is None)
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
    name = path.name
    suffix = path.suffix.casefold()
    if name.startswith("~$") or (name.startswith(".~lock.") and name.endswith("#")):
        return ("an Excel or LibreOffice lock file (the workbook is open somewhere) is not read; close the "
                "workbook and save it, then the lock file goes away")
    if suffix in WORKBOOK_SUFFIXES:
        return None
    if suffix in _LEFT_OUT_REASONS:
        return _LEFT_OUT_REASONS[suffix]
    return "not an Excel workbook (.xlsx or .xlsm), so it is not read; move it out of the folder if it is not an input"


def left_out_kind(finding: Finding) -> str:
    """Return a short word for what a KPX134/KPX135 finding left out (for the summary line)."""
    if finding.code == W_SUBFOLDER_NOT_READ:
        return "subfolder"
    name = Path(finding.place.path or "").name
    if name.startswith(("~$", ".~lock.")):
        return "lock file"
    suffix = Path(name).suffix.casefold()
    return suffix if suffix in _LEFT_OUT_REASONS else "other file"


# ------------------------------------------------------------------ pre-checks

@dataclass
class _SheetScan:
    """Hold what the byte scan of one worksheet learned (input cells only; see :func:`_scan_special`)."""

    formulas_without_value: set[str] = field(default_factory=set)
    error_cells: dict[str, str] = field(default_factory=dict)


@dataclass
class Package:
    """Hold a pre-checked package: its bytes, small XML parts, and each worksheet's XML for the cell scan."""

    path: str
    names: set[str]
    parts: dict[str, bytes]
    sheets: dict[str, _SheetScan]
    data: bytes = b""  # the whole file, read once (readers and hashing reuse it)
    prefixed: dict[str, bool] = field(default_factory=dict)
    structure: Any = None  # (sheets, defined names, tables) once parsed
    infos: dict[str, zipfile.ZipInfo] = field(default_factory=dict)

    def scan(self, part: str, columns: Iterable[int]) -> _SheetScan:
        """Return the special input cells (no saved value, error) of worksheet ``part`` in ``columns``.

        The pre-check scans every table's sheet already; this only unpacks a sheet again
        when it was not (a structure the pre-check could not parse).
        """
        found = self.sheets.get(part)
        if found is None:
            info = self.infos.get(part)
            xml = (_unpack(self.data, info) or b"") if info is not None and self.data else b""
            found = self.sheets[part] = _scan_special(xml, set(columns), self.prefixed.get(part, False))
        return found


def _fail(path: str, code: str, message: str, sheet: str | None = None, cell: str | None = None):
    raise WorkbookError(message, path=path, sheet=sheet, cell=cell, code=code)


def precheck(path: Path | str) -> Package:
    """Return the pre-checked package of ``path`` or raise WorkbookError naming why it cannot be read.

    Looks only at raw bytes (the standard library and numpy, no parser), so it is safe on any input.
    """
    shown = str(path)
    p = Path(path)
    try:
        if not p.exists():
            _fail(shown, E_MISSING, "no such file or folder; check the path")
        if not p.is_file():
            _fail(shown, E_NOT_FILE, "is not a regular file; give an .xlsx workbook")
        handle = open(p, "rb")  # noqa: SIM115 - closed below
    except PermissionError:
        _fail(shown, E_UNREADABLE, "cannot be read (permission denied); ask for read access or copy the file")
    except OSError as error:
        _fail(shown, E_UNREADABLE, f"cannot be read ({error.strerror or error}); check the file")
    with handle:
        try:
            head = handle.read(8)
            if head.startswith(ZIP_MAGICS) and p.stat().st_size <= MAX_FILE_BYTES:
                # One read of the whole (small) package: the zip checks, the reader and the hash reuse it.
                data = head + handle.read()
            else:
                data = b""
        except OSError as error:
            _fail(shown, E_UNREADABLE, f"cannot be read ({error.strerror or error}); check the file")
        if not head:
            _fail(shown, E_EMPTY, "is empty (0 bytes); save the workbook again from Excel")
        if head.startswith(OLE_MAGIC):
            handle.seek(0)
            _ole_failure(shown, handle)
        if not head.startswith(ZIP_MAGICS):
            handle.seek(0)
            _not_zip_failure(shown, handle.read(4096))
        if not data:
            handle.seek(0)
            return _check_zip(shown, handle, b"")
    return _check_zip(shown, io.BytesIO(data), data)


def _ole_failure(shown: str, handle) -> None:
    carry = b""
    while True:
        block = handle.read(CHUNK)
        if not block:
            break
        if ENCRYPTED_STREAM in carry + block:
            _fail(shown, E_ENCRYPTED, "is password-protected (encrypted); remove the password in Excel "
                                      "(File > Info > Protect Workbook) and save again")
        carry = block[-len(ENCRYPTED_STREAM):]
    _fail(shown, E_OLD_XLS, "is an old Excel 97-2003 (.xls) or other binary Office file; "
                            "open it in Excel and save it as an Excel Workbook (.xlsx)")


def _not_zip_failure(shown: str, sample: bytes) -> None:
    text = _as_text(sample)
    if text is not None:
        folded = text.lstrip("\ufeff \t\r\n").casefold()
        if folded.startswith(("<html", "<!doctype html", "<table")):
            _fail(shown, E_TEXT, "is an HTML page with an Excel name, not a workbook; "
                                 "open it in Excel and save it as an Excel Workbook (.xlsx)")
        if folded.startswith("<?xml"):
            _fail(shown, E_TEXT, "is an XML text file (e.g. Excel 2003 XML), not an .xlsx workbook; "
                                 "open it in Excel and save it as an Excel Workbook (.xlsx)")
        if any(sep in text for sep in (",", ";", "\t")) or "\n" in text:
            _fail(shown, E_TEXT, "is a text/CSV file renamed to a workbook name, not a workbook; "
                                 "open it in Excel and save it as an Excel Workbook (.xlsx)")
        _fail(shown, E_TEXT, "is a text file, not a workbook; give the .xlsx workbook")
    _fail(shown, E_NOT_ZIP, "is not an Excel workbook (not a zip package); give the .xlsx workbook")


def _as_text(sample: bytes) -> str | None:
    for encoding in ("utf-8", "utf-16"):
        try:
            text = sample.decode(encoding)
        except UnicodeDecodeError:
            # A cut multi-byte character at the end of the sample is fine.
            try:
                text = sample[:-3].decode(encoding)
            except UnicodeDecodeError:
                continue
        if text and sum(ch.isprintable() or ch in "\r\n\t" for ch in text) >= 0.95 * len(text):
            return text
    return None


def _is_xml_member(name: str) -> bool:
    lowered = name.casefold()
    return lowered.endswith((".xml", ".rels", ".vml"))


def _check_zip(shown: str, handle, data: bytes) -> Package:
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError):
        _fail(shown, E_CORRUPT, "is truncated or corrupt (not a complete zip package); "
                                "get a fresh copy or save it again from Excel")
    with archive:
        infos = archive.infolist()
        names = {info.filename for info in infos}
        _check_is_xlsx(shown, names)
        _check_sizes(shown, infos)
        pkg = Package(path=shown, names=names, parts={}, sheets={}, data=data,
                      infos={info.filename: info for info in infos})
        # Other parts first: the structure (workbook, relationships, tables) then names each
        # sheet's input columns, so one pass over a sheet both bounds it and finds odd input cells.
        sheets: list[zipfile.ZipInfo] = []
        for info in infos:
            if info.is_dir() or not _is_xml_member(info.filename):
                continue
            if info.filename.startswith("xl/worksheets/") and info.filename.count("/") == 2:
                sheets.append(info)
            else:
                _check_member(pkg, archive, info)
        # A worksheet the workbook points to outside xl/worksheets/*.xml is still a sheet
        # calamine will parse: check it as one too.
        for rel_type, target in _relationships(pkg, "xl/workbook.xml").values():
            if rel_type.endswith("/worksheet") and target in pkg.infos and pkg.infos[target] not in sheets:
                sheets.append(pkg.infos[target])
        columns = _input_columns_by_sheet(pkg)
        for info in sheets:
            _check_sheet(pkg, archive, info, columns.get(info.filename))
        return pkg


def _check_is_xlsx(shown: str, names: set[str]) -> None:
    """Reject a zip package that is no .xlsx workbook, naming what it is when known (.xlsb, Word, .ods)."""
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        if "xl/workbook.bin" in names:
            _fail(shown, E_NOT_XLSX, "is an Excel binary workbook (.xlsb); save it as an Excel Workbook (.xlsx)")
        if "word/document.xml" in names or "ppt/presentation.xml" in names:
            _fail(shown, E_NOT_XLSX, "is a Word or PowerPoint file, not an Excel workbook")
        if "content.xml" in names:
            _fail(shown, E_NOT_XLSX, "is an OpenDocument spreadsheet (.ods); save it as an Excel Workbook (.xlsx)")
        _fail(shown, E_NOT_XLSX, "is a zip file but not an Excel workbook (no xl/workbook.xml); "
                                 "give the .xlsx workbook")


def _check_sizes(shown: str, infos: list[zipfile.ZipInfo]) -> None:
    """Reject a package with too many parts, too much unpacked, or a part packed too tightly (a zip bomb)."""
    if len(infos) > MAX_MEMBERS:
        _fail(shown, E_TOO_BIG, f"holds {len(infos)} parts (limit {MAX_MEMBERS}); "
                                "this is not a department workbook")
    total = sum(info.file_size for info in infos)
    if total > MAX_TOTAL_UNCOMPRESSED:
        _fail(shown, E_TOO_BIG, f"unpacks to {total / 2**20:.0f} MB (limit {MAX_TOTAL_UNCOMPRESSED // 2**20} MB); "
                                "this is far beyond a department workbook (possible decompression bomb)")
    for info in infos:
        if info.file_size > RATIO_CHECK_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            _fail(shown, E_RATIO, f"part {info.filename} unpacks {info.file_size // max(info.compress_size, 1)} "
                                  f"times its packed size (limit {MAX_RATIO}:1); possible decompression bomb")


def _input_columns_by_sheet(pkg: Package) -> dict[str, set[int]]:
    """Read the package's structure into ``pkg.structure`` and return each sheet part's input columns.

    A structure that cannot be read leaves ``pkg.structure`` None: the reader reports it,
    after the sheets are known to be safe.
    """
    columns: dict[str, set[int]] = {}
    try:
        pkg.structure = _structure(pkg)
        for table in pkg.structure[2]:
            table_schema = next((t for t in schema.TABLES if t.name.casefold() == table.name.casefold()), None)
            if table_schema is not None:
                columns.setdefault(table.sheet_part, set()).update(_input_columns(table_schema, table))
    except WorkbookError:
        pkg.structure = None  # the reader reports it, after the sheets are known to be safe
    return columns


def _read_member(pkg: Package, archive: zipfile.ZipFile, info: zipfile.ZipInfo, reuse: bool = False):
    """Return one member unpacked whole (its size is bounded above; the CRC is checked).

    With ``reuse``, a deflated member is unpacked into this thread's scratch buffer (a view
    valid until the next call): fresh 10 MB buffers cost more in page faults than inflating.
    """
    try:
        content = (_unpack_into_scratch(pkg.data, info) if reuse else _unpack(pkg.data, info)) if pkg.data else None
        return archive.read(info) if content is None else content
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError, RuntimeError,
            zlib.error) as error:
        _fail(pkg.path, E_CORRUPT, f"is truncated or corrupt (part {info.filename}: {error}); "
                                   "get a fresh copy or save it again from Excel")


def _reject_utf16(shown: str, member: str, content) -> None:
    head = bytes(content[:4])
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or (len(head) > 1 and b"\x00" in head):
        # UTF-16 XML would hide declarations from a byte scan; Excel never writes it.
        _fail(shown, E_ENTITY, f"part {member} is UTF-16 XML, which Excel never writes; "
                               "save the workbook again from Excel")


def _check_member(pkg: Package, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Check one XML member that is no worksheet: no entity declarations; keep it if the reader needs it."""
    content = _read_member(pkg, archive, info)
    _reject_utf16(pkg.path, info.filename, content)
    # "<!" is rare in Excel's XML (no comments, no CDATA): a C-speed test first.
    if b"<!" in content and _ENTITY_RE.search(content):
        _fail(pkg.path, E_ENTITY, f"part {info.filename} declares XML entities (<!DOCTYPE/<!ENTITY), "
                                  "which Excel never writes; the file was tampered with")
    if info.file_size <= CHUNK and not info.filename.startswith(
            ("xl/sharedStrings", "xl/styles", "xl/theme/", "xl/drawings/", "xl/charts/", "xl/printerSettings")):
        pkg.parts[info.filename] = content


def _check_sheet(pkg: Package, archive: zipfile.ZipFile, info: zipfile.ZipInfo, columns: set[int] | None) -> None:
    """Check one worksheet: entity-free prolog, extent within the limits; note its odd input cells."""
    shown = pkg.path
    content = _read_member(pkg, archive, info, reuse=True)
    _reject_utf16(shown, info.filename, content)
    # A DOCTYPE can only come before the root element; sheets are large, so only
    # their prolog is searched (the rest cannot declare entities).
    root = _ROOT_START_RE.search(content, 0, CHUNK + 1)
    if root is None and len(content) > CHUNK:
        _fail(shown, E_ENTITY, f"part {info.filename} has no root element in its first {CHUNK} bytes; "
                               "the file was tampered with")
    prefixed = False
    if root is not None:
        name = re.match(rb"<([^\s>/]*)", content[root.start():root.start() + 200])
        prefixed = name is not None and b":" in name.group(1)
        if _ENTITY_RE.search(content, 0, root.start()):
            _fail(shown, E_ENTITY, f"part {info.filename} declares XML entities (<!DOCTYPE/<!ENTITY), which "
                                   "Excel never writes; the file was tampered with")
    pkg.prefixed[info.filename] = prefixed
    found = _check_sheet_extent(shown, info.filename, content, prefixed, columns)
    if found is not None:
        pkg.sheets[info.filename] = found


_LOCAL = threading.local()


def _scratch(name: str, size: int, kind: str = "bytes"):
    """Return this thread's reusable buffer ``name`` of at least ``size`` items (grown as needed)."""
    buffer = getattr(_LOCAL, name, None)
    if buffer is None or len(buffer) < size:
        size = max(size, 2 * len(buffer) if buffer is not None else 0)
        buffer = bytearray(size) if kind == "bytes" else np.empty(size, dtype=bool)
        setattr(_LOCAL, name, buffer)
    return buffer


def _unpack_into_scratch(data: bytes, info: zipfile.ZipInfo) -> memoryview | None:
    """Return a deflated member unpacked into this thread's scratch buffer (CRC and size checked)."""
    if info.flag_bits & 0x1 or info.compress_type != zipfile.ZIP_DEFLATED:
        return None
    packed = _packed(data, info)
    buffer = _scratch("xml", info.file_size)
    view = memoryview(buffer)
    inflater = zlib.decompressobj(-15)
    done = 0
    while not inflater.eof:
        piece = inflater.decompress(packed, CHUNK)
        packed = inflater.unconsumed_tail
        if not piece and not packed:
            break  # the stream ends early: the size check below reports it
        if done + len(piece) > info.file_size:
            raise zipfile.BadZipFile(f"part {info.filename!r} is longer than its directory entry says")
        view[done:done + len(piece)] = piece
        done += len(piece)
    content = view[:done]
    if done != info.file_size or zlib.crc32(content) != info.CRC:
        raise zipfile.BadZipFile(f"Bad CRC-32 for file {info.filename!r}")
    return content


def _packed(data: bytes, info: zipfile.ZipInfo) -> bytes:
    """Return the packed bytes of a member, located through its local header."""
    offset = info.header_offset
    header = data[offset:offset + 30]
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile("bad local file header")
    start = offset + 30 + int.from_bytes(header[26:28], "little") + int.from_bytes(header[28:30], "little")
    packed = data[start:start + info.compress_size]
    if len(packed) != info.compress_size:
        raise zipfile.BadZipFile("truncated part")
    return packed


def _unpack(data: bytes, info: zipfile.ZipInfo) -> bytes | None:
    """Return a stored or deflated member unpacked in one call (CRC and size checked); None: let zipfile do it.

    zipfile's streaming reader inflates in small steps; one zlib call is several times faster.
    """
    if info.flag_bits & 0x1 or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return None
    packed = _packed(data, info)
    content = packed if info.compress_type == zipfile.ZIP_STORED else zlib.decompress(packed, -15, info.file_size)
    if len(content) != info.file_size or zlib.crc32(content) != info.CRC:
        raise zipfile.BadZipFile(f"Bad CRC-32 for file {info.filename!r}")
    return content


def _check_sheet_extent(shown: str, member: str, content: bytes, prefixed: bool,
                        columns: set[int] | None = None) -> _SheetScan | None:
    """Reject a worksheet reaching beyond the row, column or cell limits (what would abort calamine).

    Works on the bytes as one numpy array (vectorised, and numpy releases the GIL): only the
    few references that could be near a limit, and the few input cells of ``columns`` that
    hold a formula or an error, are looked at in Python. With ``columns``, returns those
    cells (see :class:`_SheetScan`); without, None.
    """
    _check_declared_dimension(shown, member, content)
    data = np.frombuffer(content if len(content) else b"\0", dtype=np.uint8)
    last = data.size - 1
    hits = _scratch("hits", data.size, "bool")[:data.size]  # reused: fresh 10 MB arrays cost page faults
    # Every tag starts with "<"; every attribute value follows "=".
    tags = np.flatnonzero(np.equal(data, _LT, out=hits))
    equals = np.flatnonzero(np.equal(data, _EQ, out=hits))
    # Looking ahead of a mark near the end of the part reads its last byte instead (">" in XML).
    near_end = max(int(tags[-1]) if tags.size else 0, int(equals[-1]) if equals.size else 0) + 9 > last

    def at(positions: np.ndarray, offset: int) -> np.ndarray:
        return data[np.minimum(positions + offset, last)] if near_end else data[positions + offset]

    # The counts of tags beginning "<row" and "<c" bound the rows and cells (upper bounds:
    # <rowBreaks>, <col>, <cfRule>... count too).
    first = at(tags, 1)
    if prefixed:
        rows = len(_ROW_TAG_RE.findall(content)) if tags.size > MAX_ROWS else int(tags.size)
        cells = len(_CELL_TAG_RE.findall(content)) if tags.size > MAX_CELLS else int(tags.size)
    else:
        row_like = tags[first == ord("r")]
        rows = int(np.count_nonzero((at(row_like, 2) == ord("o")) & (at(row_like, 3) == ord("w"))))
        cells = int(np.count_nonzero(first == ord("c")))
    # References: any attribute named r (r="..." or r='...'). Only those with two or more
    # column letters or five or more row digits can be near a limit (9999 rows x 200 columns
    # is within MAX_CELLS); those, and any "=" with a space beside it, are read with the
    # regular expression.
    before, quote = data[equals - 1], at(equals, 1)  # "=" never starts a sheet; index -1 is harmless
    quoted = _QUOTE_LUT[quote]
    max_row, max_col = _largest_reference(content, data, equals, before, quote, quoted, at)
    if max_row > MAX_ROWS or max_col > MAX_COLUMNS or cells > MAX_CELLS or rows > MAX_ROWS \
            or max_row * max(max_col, 26) > MAX_CELLS:
        _too_big(shown, member, max_row, max_col, cells)
    if columns is None:
        return None
    if prefixed:
        return _classify_special(content, [m.start() for m in _PREFIXED_CELL_RE.finditer(content)], columns)
    return _special_input_cells(content, tags, equals, first, before, quoted, at, columns)


def _check_declared_dimension(shown: str, member: str, content: bytes) -> None:
    """Reject a worksheet whose <dimension ref="..."> declares a range beyond the limits."""
    word = _DIMENSION_WORD_RE.search(content)
    if word is not None:
        found = word.start()
        match = _DIMENSION_RE.search(content, max(0, found - 64), found + 4096)
        if match:
            _check_dimension(shown, member, _unescape(match.group(1)))


def _largest_reference(content: bytes, data: np.ndarray, equals: np.ndarray, before: np.ndarray, quote: np.ndarray,
                       quoted: np.ndarray, at: Callable[[np.ndarray, int], np.ndarray]) -> tuple[int, int]:
    """Return (largest row, largest column) among a sheet's cell references that could be near a limit.

    Smaller references (one column letter, four row digits) are left at 0: they cannot reach one.
    """
    refs = equals[(before == ord("r")) & quoted] + 2
    spaced = equals[_SPACE_LUT[before] | _SPACE_LUT[quote]]
    start = refs + (at(refs, 0) == ord("$"))
    letter = _ALPHA_LUT[at(start, 0)]
    two_letters = letter & _ALPHA_LUT[at(start, 1)]
    digits_from = start + letter
    digits_from = digits_from + (at(digits_from, 0) == ord("$"))
    five_digits = _DIGIT_LUT[at(digits_from, 4)]  # a superset: checked exactly below
    # Two upper-case letters and a digit (AA1..ZZ9999, e.g. the KPIs sheet's columns) are
    # numbered here; anything else near a limit goes through the regular expression.
    second_letter = at(start, 1)
    plain = two_letters & ~five_digits & (at(start, 0) <= ord("Z")) & (second_letter <= ord("Z")) \
        & _DIGIT_LUT[at(start, 2)]
    max_col = int(((at(start[plain], 0).astype(np.int64) - 64) * 26 + second_letter[plain] - 64).max(initial=0))
    near = refs[(two_letters & ~plain) | five_digits] - 2
    max_row = 0
    values = [_quoted_value(content, position + 1) for position in near.tolist()]
    for position in spaced.tolist():
        # XML allows any amount of whitespace around "=": the name before it may be far back.
        name_end = _solid_before(data, position)
        if name_end >= 0 and content[name_end] == ord("r"):
            run = _SPACE_RUN_RE.match(content, position + 1)
            values.append(_quoted_value(content, run.end() if run else position + 1))
    for value in values:
        for letters, digit_text in _refs_in(value):
            if len(letters) >= 2:
                max_col = max(max_col, _column_number(letters[:_REF_PART_CAP]))
            if len(digit_text) >= 5:
                max_row = max(max_row, int(digit_text[:_REF_PART_CAP]))
    return max_row, max_col


def _special_input_cells(content: bytes, tags: np.ndarray, equals: np.ndarray, first: np.ndarray, before: np.ndarray,
                         quoted: np.ndarray, at: Callable[[np.ndarray, int], np.ndarray],
                         columns: set[int]) -> _SheetScan:
    """Return the input cells (of ``columns``) holding a formula or an error, from the tag and "=" marks."""
    # Input cells holding a formula (<f) or an error (t="e"): each such mark is traced back to
    # the cell holding it. The column is read from r when it comes first (Excel's order);
    # other cells are all looked at.
    tag_end = _TAG_END_LUT[at(tags, 2)]
    cell_starts = tags[(first == ord("c")) & tag_end]
    formulas = tags[(first == ord("f")) & tag_end]
    maybe_error = equals[(before == ord("t")) & quoted]
    errors = maybe_error[(at(maybe_error, 2) == ord("e")) & _QUOTE_LUT[at(maybe_error, 3)]]
    if not cell_starts.size or not (formulas.size or errors.size):
        return _SheetScan()
    standard = np.ones(cell_starts.size, bool)
    for offset, byte in enumerate(b'c r="', start=1):
        standard &= at(cell_starts, offset) == byte
    codes = [at(cell_starts, offset).astype(np.int64) for offset in (6, 7, 8)]
    upper = [(x >= ord("A")) & (x <= ord("Z")) for x in codes]
    one = codes[0] - 64
    two = one * 26 + codes[1] - 64
    three = two * 26 + codes[2] - 64
    number = np.where(upper[1], np.where(upper[2], three, two), one)
    look = ~standard | (np.isin(number, np.fromiter(columns, np.int64)) & upper[0])
    owner = np.searchsorted(cell_starts, np.concatenate([formulas, errors])) - 1
    owner = owner[owner >= 0]
    owner = np.unique(owner[look[owner]])
    return _classify_special(content, cell_starts[owner].tolist(), columns)


def _solid_before(data: np.ndarray, position: int) -> int:
    """Return the index of the last byte before ``position`` that is not whitespace (-1 if none)."""
    end, size = position, 64
    while end > 0:
        start = max(0, end - size)
        solid = np.flatnonzero(~_SPACE_LUT[data[start:end]])
        if solid.size:
            return start + int(solid[-1])
        end, size = start, size * 4  # a long run of whitespace: look further back, ever larger steps
    return -1


def _quoted_value(content: bytes, at: int) -> bytes:
    """Return the attribute value whose opening quote is at ``at`` (empty when there is no quote)."""
    found = _QUOTED_RE.match(content, at)
    return b"" if found is None else found.group(1) if found.group(1) is not None else found.group(2)


def _refs_in(value: bytes) -> list[tuple[str, str]]:
    """Return the (letters, digits) of a cell reference attribute value (entities resolved), if it is one."""
    found = _REF_TEXT_RE.match(_unescape(value))
    return [(found.group(1), found.group(2))] if found else []


def _unescape(raw: bytes) -> str:
    """Return an attribute value as an XML parser reads it (character and entity references resolved)."""
    text = raw.decode("utf-8", "replace")
    return html.unescape(text) if "&" in text else text


def _too_big(shown: str, member: str, max_row: int, max_col: int, cells: int) -> None:
    _fail(shown, E_DIMENSION, f"part {member} reaches cell {column_letter(max(max_col, 1))}{max(max_row, 1)} "
                              f"({cells} cells; limit {MAX_ROWS} rows, {MAX_COLUMNS} columns, {MAX_CELLS} cells); "
                              "this is far beyond a department workbook (possible decompression bomb)")


def _check_dimension(shown: str, member: str, ref: str) -> None:
    last = ref.split(":")[-1]
    match = _REF_TEXT_RE.fullmatch(last.strip())
    if not match or not match.group(1):
        return
    col, row = _column_number(match.group(1)[:_REF_PART_CAP]), int(match.group(2)[:_REF_PART_CAP])
    if row > MAX_ROWS or col > MAX_COLUMNS or row * col > MAX_CELLS:
        _fail(shown, E_DIMENSION, f"part {member} declares the range {ref} (limit {MAX_ROWS} rows, {MAX_COLUMNS} "
                                  "columns); this is far beyond a department workbook (possible decompression bomb)")


def _scan_special(xml: bytes, columns: set[int], prefixed: bool) -> _SheetScan:
    """Return the cells of ``columns`` holding a formula with no saved value, or an error value."""
    if not xml or not columns:
        return _SheetScan()
    return _check_sheet_extent("", "", xml, prefixed, columns) or _SheetScan()


def _classify_special(xml: bytes, starts: list[int], columns: set[int]) -> _SheetScan:
    """Sort the candidate cells starting at ``starts`` into formulas without value and error cells."""
    scan = _SheetScan()
    for start in starts:
        cell = bytes(xml[start:_cell_end(xml, start)])
        head = cell[:cell.find(b">") + 1]
        ref_match = _R_ATTR_RE.search(head)
        if not ref_match or _column_number(ref_match.group(1).decode("ascii")) not in columns:
            continue
        ref = (ref_match.group(1) + ref_match.group(2)).decode("ascii").upper()
        if _ERROR_TYPE_RE.search(head):
            value = _VALUE_OPEN_RE.search(cell)
            scan.error_cells[ref] = value.group(1).decode("utf-8", "replace") if value and value.group(1) \
                else "#VALUE!"
        elif _FORMULA_RE.search(cell) and _NO_VALUE_END_RE.search(cell):
            scan.formulas_without_value.add(ref)
    return scan


def _cell_end(xml, start: int) -> int:
    """Return the end of the cell element starting at ``start`` (self-closing or closed by </c>)."""
    tag = _TAG_CLOSE_RE.search(xml, start)
    if tag is None:
        return len(xml)
    if tag.group() == b"/>":
        return tag.end()
    close = _CELL_CLOSE_RE.search(xml, tag.end())
    return close.end() if close else len(xml)


# ------------------------------------------------------------------ cell references

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


# ------------------------------------------------------------------ package structure

@dataclass
class TableInfo:
    """Describe one Excel table found in the package."""

    name: str
    sheet: str
    ref: str
    columns: list[str]
    header_rows: int = 1
    totals_rows: int = 0
    sheet_part: str = ""


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _attr(element, name: str) -> str | None:
    for key, value in element.attrib.items():
        if _local(key) == name:
            return value
    return None


def _parse(pkg: Package, part: str):
    data = pkg.parts.get(part)
    if data is None:
        _fail(pkg.path, E_BAD_XML, f"part {part} is missing or too large; save the workbook again from Excel")
    try:
        return SafeET.fromstring(data)
    except Exception as error:  # noqa: BLE001 - defusedxml and expat raise several types
        _fail(pkg.path, E_BAD_XML, f"part {part} is not well-formed XML ({error}); save the workbook again from Excel")


def _relationships(pkg: Package, part: str) -> dict[str, tuple[str, str]]:
    """Return rId -> (type, resolved part name) for ``part``'s relationships (none: empty)."""
    folder, name = posixpath.split(part)
    rels_part = posixpath.join(folder, "_rels", name + ".rels")
    if rels_part not in pkg.parts:
        return {}
    result = {}
    for rel in _parse(pkg, rels_part):
        if _local(rel.tag) != "Relationship" or rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target") or ""
        resolved = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        result[rel.get("Id") or ""] = (rel.get("Type") or "", resolved)
    return result


def _structure(pkg: Package) -> tuple[list[tuple[str, str]], dict[str, str], list[TableInfo]]:
    """Return (sheets as (name, part), defined names, tables) of a pre-checked package."""
    root = _parse(pkg, "xl/workbook.xml")
    rels = _relationships(pkg, "xl/workbook.xml")
    sheets: list[tuple[str, str]] = []
    defined: dict[str, str] = {}
    for element in root.iter():
        tag = _local(element.tag)
        if tag == "sheet":
            rid = _attr(element, "id") or ""
            part = rels.get(rid, ("", ""))[1]
            sheets.append((element.get("name") or "", part))
        elif tag == "definedName" and element.get("localSheetId") is None:
            defined[(element.get("name") or "").casefold()] = (element.text or "").strip()
    tables: list[TableInfo] = []
    for sheet_name, part in sheets:
        for rel_type, target in _relationships(pkg, part).values():
            if not rel_type.endswith("/table") or target not in pkg.parts:
                continue
            table = _parse(pkg, target)
            columns = [c.get("name") or "" for c in table.iter() if _local(c.tag) == "tableColumn"]
            tables.append(TableInfo(
                name=table.get("displayName") or table.get("name") or "", sheet=sheet_name,
                ref=table.get("ref") or "", columns=columns,
                header_rows=int(table.get("headerRowCount") or 1), totals_rows=int(table.get("totalsRowCount") or 0),
                sheet_part=part))
    return sheets, defined, tables


def _custom_properties(pkg: Package) -> dict[str, str]:
    if "docProps/custom.xml" not in pkg.parts:
        return {}
    props = {}
    for prop in _parse(pkg, "docProps/custom.xml"):
        name = (prop.get("name") or "").casefold()
        values = [child.text for child in prop if child.text is not None]
        if name.startswith("kpixl_") and values:
            props[name] = values[0].strip()
    return props


# ------------------------------------------------------------------ reading

def read_workbook(path: Path | str, *, package: Package | None = None) -> DepartmentWorkbook:
    """Return the records and reading findings of one department workbook.

    Raises WorkbookError (with path, and sheet/cell where there is one) when the
    file cannot be read as a kpixl workbook at all. ``package`` is the result of
    :func:`precheck` on the same path when the caller ran it already.
    """
    pkg = package if package is not None else precheck(path)
    _sheets, defined, tables = pkg.structure or _structure(pkg)
    props = _custom_properties(pkg)
    by_name = {t.name.casefold(): t for t in tables}
    has_meta = any(key in defined or key in props for key in (schema.NAME_SCHEMA_VERSION, schema.NAME_LANGUAGE))
    kpi_table = by_name.get(schema.KPIS.name.casefold())
    if kpi_table is None:
        if not has_meta:
            _fail(pkg.path, E_NOT_KPIXL, "is not a kpixl workbook (no table named KPIs and no kpixl metadata); "
                                         "start from a workbook made by `kpixl template`")
        _fail(pkg.path, E_NO_KPI_TABLE, "has no Excel table named KPIs; the KPI definitions must stay in the "
                                        "table named KPIs (Table Design > Table Name)")
    workbook = DepartmentWorkbook(path=pkg.path)
    reader = _Reader(pkg, str(path), workbook)
    reader.tables = tables
    try:
        _read_metadata(reader, defined, props)
        found = [(t, by_name.get(t.name.casefold())) for t in schema.TABLES]
        # The input columns of every table on a sheet, so each sheet is scanned once for odd cells.
        for table_schema, info in found:
            if info is not None:
                reader.input_columns.setdefault(info.sheet_part, set()).update(_input_columns(table_schema, info))
        for table_schema, info in found:
            if info is None:
                reader.missing_table(table_schema)
                continue
            workbook.sheets[table_schema.name] = info.sheet
            reader.read_table(table_schema, info)
    finally:
        reader.close()
    return workbook


def _inside(ranges: list[tuple[int, int, int, int]], row: int, col: int) -> bool:
    """Return True when cell (row, col) lies in one of ``ranges`` (first row, first col, last row, last col)."""
    return any(top <= row <= bottom and left <= col <= right for top, left, bottom, right in ranges)


def _input_columns(table: schema.Table, info: TableInfo) -> set[int]:
    """Return the 1-based sheet columns of ``info`` that hold the table's input (typed) columns."""
    try:
        left = parse_ref(info.ref)[1]
    except ValueError:
        return set()
    lookup = _header_lookup(table)
    result = set()
    for offset, header in enumerate(info.columns):
        column = lookup.get(schema.normalise_header(header))
        if column is not None and not column.computed and not column.helper:
            result.add(left + offset)
    return result


def _read_metadata(reader: "_Reader", defined: dict[str, str], props: dict[str, str]) -> None:
    workbook = reader.workbook

    def meta(name: str) -> str | None:
        raw = defined.get(name.casefold())
        if raw is not None:
            return reader.defined_value(raw)
        return props.get(name.casefold())

    version = meta(schema.NAME_SCHEMA_VERSION)
    language = meta(schema.NAME_LANGUAGE)
    workbook.schema_version = version
    workbook.department = meta(schema.NAME_DEPARTMENT) or None
    workbook.formulas = meta(schema.NAME_FORMULAS) or None
    workbook.company_file = meta(schema.NAME_COMPANY_FILE) or None
    workbook.company_sha256 = meta(schema.NAME_COMPANY_SHA256) or None
    try:
        workbook.language = core.parse_language(language)
    except DefinitionError:
        workbook.language = "en"
    if version is not None and version.strip() not in ("", schema.SCHEMA_VERSION):
        reader.finding(W_SCHEMA_VERSION, WARNING, f"the workbook has kpixl schema version {version!r}; this kpixl "
                                                  f"reads version {schema.SCHEMA_VERSION}; results may be incomplete")


def _nice_label(header: str) -> str:
    """Return an English header as a message label: ``Target`` -> ``target``, ``KPI ID`` stays."""
    first = header.split(" ", 1)[0]
    return header if first.isupper() else header[:1].lower() + header[1:]


def _fmt_number(value: float) -> str:
    text = f"{value:.15g}"
    if "e" in text:
        text = f"{value:f}".rstrip("0").rstrip(".")
    return text


def fmt_number(value: float) -> str:
    """Return a number as a message shows it: up to 15 significant digits, no exponent."""
    return _fmt_number(value)


_SPACES = "\u00a0\u202f\u2009 "


def interpret_number_text(text: str) -> tuple[list[float], str]:
    """Return (possible numbers, a note) for a number typed as text; empty list when it is no number.

    ``"12,5"`` gives [12.5]; ``"1.234"`` gives [1234, 1.234] (Danish thousands or a decimal point);
    ``"12%"`` gives [0.12]. Nothing is guessed silently: callers show every reading.
    """
    sign, raw, scale, note = _undecorated_number(text)
    if not raw or not re.fullmatch(r"[0-9.,]+", raw) or not any(ch.isdigit() for ch in raw):
        return [], ""
    readings = _separator_readings(raw)
    if not readings:
        return [], ""
    try:
        values = [float(sign + r) * scale for r in readings]
    except ValueError:
        return [], ""
    return values, note


def _undecorated_number(text: str) -> tuple[str, str, float, str]:
    """Strip what surrounds a number typed as text: spaces, a percent sign, a currency, a sign, a quote.

    Returns (sign, the digits and separators left, scale, note).
    """
    raw = text.strip()
    for space in _SPACES:
        raw = raw.replace(space, "")
    note = ""
    scale = 1.0
    if raw.endswith("%"):
        raw, scale, note = raw[:-1], 0.01, "percent"
    for unit in ("kr.", "kr", "dkk", "eur", "usd", "€", "$"):
        if raw.casefold().endswith(unit):
            raw = raw[: -len(unit)]
        elif raw.casefold().startswith(unit):
            raw = raw[len(unit):]
    sign = ""
    if raw and raw[0] in "+-\u2212":
        sign, raw = ("-" if raw[0] != "+" else ""), raw[1:]
    if raw.startswith("'"):
        raw = raw[1:]
    return sign, raw, scale, note


def _separator_readings(raw: str) -> list[str]:
    """Return each reading of digits with "," and "." as a Python number text (empty when none fits).

    Owns the separator rules: both present means the last one is the decimal; one kind
    repeated means thousands; a single one before three digits is either.
    """
    commas, dots = raw.count(","), raw.count(".")
    if commas == 0 and dots == 0:
        return [raw]
    if commas and dots:
        decimal = "," if raw.rfind(",") > raw.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        if raw.count(decimal) > 1:
            return []
        return [raw.replace(thousands, "").replace(decimal, ".")]
    sep = "," if commas else "."
    parts = raw.split(sep)
    if len(parts) > 2:
        if all(len(p) == 3 for p in parts[1:]) and parts[0]:
            return [raw.replace(sep, "")]
        return []
    if len(parts[1]) == 3 and parts[0] and parts[0] != "0":
        # 1.234 / 1,234: thousands separator or decimal separator; say both.
        return [raw.replace(sep, ""), raw.replace(sep, ".")]
    return [raw.replace(sep, ".")]


def number_text_message(label: str, text: str) -> str | None:
    """Return the KPX204 message for number-like text (None when the text is no number)."""
    values, note = interpret_number_text(text)
    if not values:
        return None
    shown = f'{label} "{text}" is text'
    if len(values) == 1:
        if note == "percent":
            return f"{shown}; type the number {_fmt_number(values[0] * 100)}% (the value {_fmt_number(values[0])})"
        return f"{shown}; type the number {_fmt_number(values[0])}"
    sep = "," if "," in text else "."
    return (f"{shown}; it could mean {_fmt_number(values[0])} ({sep!r} as thousands separator) or "
            f"{_fmt_number(values[1])} ({sep!r} as decimal separator); type the number you mean")


_DATE_TEXT_RES = (
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), ("y", "m", "d")),
    (re.compile(r"^(\d{1,2})[.\-](\d{1,2})[.\-](\d{4})$"), ("d", "m", "y")),
)


def date_text_meanings(text: str) -> list[date]:
    """Return the dates a text could mean (ISO, Danish d-m-yyyy / d.m.yyyy, and both readings of a/b/yyyy)."""
    raw = text.strip()
    results: list[date] = []
    for pattern, order in _DATE_TEXT_RES:
        match = pattern.match(raw)
        if match:
            parts = dict(zip(order, (int(g) for g in match.groups())))
            _add_date(results, parts["y"], parts["m"], parts["d"])
    match = re.match(r"^(\d{1,2})/(\d{1,2})/(\d{4})$", raw)
    if match:
        a, b, y = (int(g) for g in match.groups())
        _add_date(results, y, b, a)  # day/month (Danish)
        _add_date(results, y, a, b)  # month/day (US)
    return results


def _add_date(results: list[date], y: int, m: int, d: int) -> None:
    try:
        value = date(y, m, d)
    except ValueError:
        return
    if value not in results:
        results.append(value)


class _Reader:
    """Read the tables of one opened workbook into typed records, collecting findings."""

    def __init__(self, pkg: Package, path: str, workbook: DepartmentWorkbook):
        self.pkg = pkg
        self.path = path
        self.workbook = workbook
        self.grids: dict[str, list[list[Any]]] = {}
        self.input_columns: dict[str, set[int]] = {}
        self.tables: list[TableInfo] = []
        self._book: CalamineWorkbook | None = None
        self._fast: Any = None

    def close(self) -> None:
        if self._book is not None:
            self._book.close()

    # -- helpers
    def finding(self, code: str, severity: str, message: str, sheet: str | None = None, cell: str | None = None,
                kpi_id: str | None = None) -> None:
        self.workbook.findings.append(Finding(code, severity, message, Place(self.pkg.path, sheet, cell), kpi_id))

    @property
    def book(self) -> CalamineWorkbook:
        """Return the python-calamine workbook (the exact cell-by-cell reader), opened on first use."""
        if self._book is None:
            try:
                self._book = CalamineWorkbook.from_path(self.path)
            except CalamineError as error:
                _fail(self.pkg.path, E_CORRUPT, f"cannot be read as a workbook ({type(error).__name__}: {error}); "
                                                "save it again from Excel")
        assert self._book is not None  # _fail raised otherwise
        return self._book

    def fast_book(self) -> Any:
        """Return the fastexcel reader of the package bytes (columns in bulk), or None if unavailable."""
        if self._fast is None:
            self._fast = False
            if fastexcel is not None:
                try:
                    self._fast = fastexcel.read_excel(self.pkg.data or self.path)
                except Exception:  # noqa: BLE001 - any trouble: the exact reader decides
                    self._fast = False
        return self._fast or None

    def grid(self, sheet: str) -> list[list[Any]]:
        if sheet not in self.grids:
            try:
                self.grids[sheet] = self.book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
            except CalamineError as error:
                _fail(self.pkg.path, E_CORRUPT, f"the sheet cannot be read ({type(error).__name__}: {error}); "
                                                "save the workbook again from Excel", sheet=sheet)
        return self.grids[sheet]

    def defined_value(self, raw: str) -> str | None:
        """Return a defined name's value: a quoted constant, or the value of the one cell it refers to."""
        text = raw.strip().lstrip("=")
        if len(text) >= 2 and text[0] == text[-1] == '"':
            return text[1:-1].replace('""', '"')
        sheet, _, ref = text.rpartition("!")
        sheet = sheet.strip("'").replace("''", "'")
        match = _A1_RE.match(ref.strip())
        if not sheet or not match:
            return text or None
        row, col = int(match.group(2)), _column_number(match.group(1))
        try:
            value = self._cell(self.grid(sheet), row, col)
        except WorkbookError:
            return None
        if core.is_blank(value):
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip()

    @staticmethod
    def _cell(grid: list[list[Any]], row: int, col: int) -> Any:
        if row - 1 < len(grid):
            line = grid[row - 1]
            if col - 1 < len(line):
                return line[col - 1]
        return None

    def missing_table(self, table: schema.Table) -> None:
        if table is schema.MEASUREMENTS:
            self.finding(E_NO_MEASUREMENT_TABLE, ERROR, "the workbook has no Excel table named Measurements; "
                                                        "keep the measurements in the table named Measurements")
        elif table is schema.EVALUATION:
            self.finding(W_NO_EVALUATION_TABLE, WARNING, "the workbook has no Excel table named Evaluation; "
                                                         "rollover needs it at the end of the period")

    # -- tables
    def read_table(self, table: schema.Table, info: TableInfo) -> None:
        """Read one Excel table into the workbook's records: column by column when clean, else cell by cell."""
        sheet = info.sheet
        try:
            top, left, bottom, right = parse_ref(info.ref)
        except ValueError:
            _fail(self.pkg.path, E_BAD_XML, f"the table {info.name} has no valid range ({info.ref!r}); "
                                            "save the workbook again from Excel", sheet=sheet)
        mapping, extras, seen = self._map_headers(table, info, top, left)
        # Where each input column is, so later checks can name a record's cell (validate --company).
        self.workbook.columns[table.name] = {key: column_letter(c) for key, c in seen.items()}
        missing_keys = self._missing_columns(table, info, seen, top, left)
        first_data = top + info.header_rows
        last_data = bottom - info.totals_rows
        scan = self.pkg.scan(info.sheet_part, self.input_columns.get(info.sheet_part) or set(mapping))
        if not extras and not missing_keys and not scan.formulas_without_value and not scan.error_cells \
                and info.header_rows == 1 and self._read_rows_fast(table, info, mapping, top, first_data, last_data):
            return
        grid = self.grid(sheet)
        others = self._other_tables(info)
        below = self._rows_below(grid, bottom, left, right, others)
        rows: list[tuple[int, bool]] = [(r, False) for r in range(first_data, last_data + 1)] + [
            (r, True) for r in range(bottom + 1, below)]
        self._read_rows_exact(table, info, grid, rows, mapping, extras, missing_keys, scan, (left, bottom))
        # Rows after a blank one are not read (the spec reads only rows just below): name each value.
        self._outside_values(grid, info, sheet, below, (left, bottom, right), others)

    def _map_headers(self, table: schema.Table, info: TableInfo, header_row: int,
                     left: int) -> tuple[dict[int, schema.Column], dict[int, str], dict[str, int]]:
        """Map the table's header cells to ``table``'s columns, naming unknown and repeated headers.

        Returns (input column by column number, unknown header by column number, column number
        by key of each column read); computed and helper columns are left out.
        """
        sheet = info.sheet
        lookup = _header_lookup(table)
        mapping: dict[int, schema.Column] = {}
        extras: dict[int, str] = {}
        seen: dict[str, int] = {}
        for offset, header in enumerate(info.columns):
            col_number = left + offset
            cell = f"{column_letter(col_number)}{header_row}"
            column = lookup.get(schema.normalise_header(header))
            if column is None:
                extras[col_number] = header
                self.finding(W_UNKNOWN_COLUMN, WARNING, f"unknown column {header!r} in table {info.name}; "
                                                        f"{_EXTRA_FATE.get(table.name, _EXTRA_FATE[''])} (rename it "
                                                        "to a known header if it should be one)", sheet, cell)
                continue
            if column.computed or column.helper:
                continue
            if column.key in seen:
                self.finding(W_DUPLICATE_COLUMN, WARNING, f"column {header!r} repeats column "
                                                          f"{column_letter(seen[column.key])}{header_row} of table "
                                                          f"{info.name}; only the first is read", sheet, cell)
                continue
            seen[column.key] = col_number
            mapping[col_number] = column
        return mapping, extras, seen

    def _missing_columns(self, table: schema.Table, info: TableInfo, seen: dict[str, int], header_row: int,
                         left: int) -> set[str]:
        """Name each required input column the table lacks (KPX130); return their keys."""
        missing = [c for c in table.input_columns if c.required and not c.helper and c.key not in seen]
        for column in missing:
            self.finding(E_MISSING_COLUMN, ERROR, f"table {info.name} has no column {column.header(self.workbook.language)!r}"
                                                  f" ({column.en}); add the column to the table", info.sheet,
                         f"{column_letter(left)}{header_row}")
        return {c.key for c in missing}

    def _read_rows_exact(self, table: schema.Table, info: TableInfo, grid: list[list[Any]],
                         rows: list[tuple[int, bool]], mapping: dict[int, schema.Column], extras: dict[int, str],
                         missing_keys: set[str], scan: _SheetScan, corner: tuple[int, int]) -> None:
        """Read ``rows`` (number, below the table?) cell by cell: each row with a row key is a record, checked.

        ``corner`` is the table's (first column, last row). A row without a row key is named,
        not counted (KPX137); a row just below the table is read and named (KPX132).
        """
        sheet = info.sheet
        left, bottom = corner
        letters, columns, row_key_index, other_index = _row_layout(table, mapping, extras, left)
        special = scan.formulas_without_value or scan.error_cells
        blank = core.is_blank
        for row, outside in rows:
            line = grid[row - 1] if row - 1 < len(grid) else []
            width = len(line)
            bad_cells = _bad_cells(columns, row, scan) if special else set()
            # Most template rows are empty: decide presence from the row keys before anything else.
            if not any(table.column(k).key in table.row_keys for k in bad_cells) and not any(
                    i < width and not blank(line[i]) for i in row_key_index):
                self._keyless_row(table, info, row, line, other_index, outside, bottom, bad_cells=bad_cells)
                continue
            raw = {key: (None if key in bad_cells else (line[index] if index < width else None))
                   for index, key, _letter in columns}
            cells = {key: f"{letter}{row}" for _index, key, letter in columns}
            first_cell = f"{letters[left]}{row}"
            if outside:
                self.finding(W_BELOW_TABLE, WARNING, f"row {row} is below the table {info.name} (which ends at row "
                                                     f"{bottom}); kpixl reads it, but the workbook's own formulas do not "
                                                     "count it until you resize the table to include it (Table Design "
                                                     "> Resize Table)", sheet, first_cell)
            extra = {header: line[c - 1] for c, header in extras.items() if c - 1 < width and not blank(line[c - 1])}
            self._read_row(table, sheet, row, first_cell, raw, cells, bad_cells, missing_keys, extra, scan)

    def _rows_below(self, grid: list[list[Any]], bottom: int, left: int, right: int,
                    others: list[tuple[int, int, int, int]]) -> int:
        """Return the first row after the rows typed just below the table (a blank row, or another table)."""
        below = bottom + 1
        while below <= len(grid) and not _inside(others, below, left) and any(
                not core.is_blank(self._cell(grid, below, c)) for c in range(left, right + 1)):
            below += 1
        return below

    def _other_tables(self, info: TableInfo) -> list[tuple[int, int, int, int]]:
        """Return the ranges of the other Excel tables on ``info``'s sheet (their cells are theirs, not stray)."""
        ranges = []
        for other in self.tables:
            if other is not info and other.sheet == info.sheet:
                try:
                    ranges.append(parse_ref(other.ref))
                except ValueError:
                    continue
        return ranges

    def _outside_values(self, grid: list[list[Any]], info: TableInfo, sheet: str, start: int,
                        box: tuple[int, int, int], others: list[tuple[int, int, int, int]]) -> None:
        """Name each row from ``start`` down holding a value in the table's columns: it is not counted (KPX136)."""
        left, bottom, right = box
        blank = core.is_blank
        named: list[str] = []
        for row in range(start, len(grid) + 1):
            line = grid[row - 1]
            for col in range(left, min(right, len(line)) + 1):
                if not blank(line[col - 1]) and not _inside(others, row, col):
                    named.append(f"{column_letter(col)}{row}")
                    break
        for cell in named[:MAX_OUTSIDE_LISTED]:
            self.finding(W_OUTSIDE_TABLE, WARNING, f"a value outside the {info.name} table (which ends at row {bottom}, "
                                                   f"with a blank row between): not counted; extend the table to "
                                                   "include its row (Table Design > Resize Table) or delete it",
                         sheet, cell)
        if len(named) > MAX_OUTSIDE_LISTED:
            self.finding(W_OUTSIDE_TABLE, WARNING, f"{len(named) - MAX_OUTSIDE_LISTED} more row(s) down to "
                                                   f"{named[-1]} hold values outside the {info.name} table: not "
                                                   "counted; extend the table to include them or delete them",
                         sheet, named[MAX_OUTSIDE_LISTED])

    def _keyless_row(self, table: schema.Table, info: TableInfo, row: int, line: list[Any], indexes: list[int],
                     outside: bool, bottom: int, bad_cells: set[str] | frozenset[str] = frozenset()) -> None:
        """Name a row that holds values but none of the table's row keys: it is not counted (KPX137).

        Most such rows are the template's empty rows: nothing typed, nothing said.
        """
        blank = core.is_blank
        filled = [i for i in indexes if i < len(line) and not blank(line[i])]
        if not filled and not bad_cells:
            return
        column = (filled[0] + 1) if filled else None
        if column is None:
            # Only an error or a formula without a value: name that cell.
            left = parse_ref(info.ref)[1]
            offsets = {schema.normalise_header(h): n for n, h in enumerate(info.columns)}
            lookup = _header_lookup(table)
            for header, offset in offsets.items():
                found = lookup.get(header)
                if found is not None and found.key in bad_cells:
                    column = left + offset
                    break
        keys = [_nice_label(table.column(k).en) for k in table.row_keys]
        where = f"row {row}, just below the {info.name} table (which ends at row {bottom})," if outside else \
            f"row {row} of the {info.name} table"
        self.finding(W_KEYLESS_ROW, WARNING, f"{where} has a value here but no {', '.join(keys[:-1])} or {keys[-1]}: "
                                             "not counted; complete the row or clear it", info.sheet,
                     f"{column_letter(column or parse_ref(info.ref)[1])}{row}")

    def _read_rows_fast(self, table: schema.Table, info: TableInfo, mapping: dict[int, schema.Column], top: int,
                        first_data: int, last_data: int) -> bool:
        """Read a clean table column by column with fastexcel; return False to leave it to the exact reader.

        Only used when every input column has one expected type (strict dtypes, all rows
        sampled), nothing lies below the table, and no row needs a finding; the records are
        then the ones the cell-by-cell reader would make.
        """
        fast = self.fast_book()
        if fast is None or not mapping:
            return False
        numbers = sorted(mapping)
        batch = _load_fast_columns(fast, info, numbers, top, first_data, last_data)
        if batch is None:
            return False
        typed = _typed_fast_columns(mapping, numbers, batch)
        if typed is None:
            return False
        values, height = typed
        rows = _fast_record_rows(table, values, height)
        if rows is None:
            return False
        self._append_fast_records(table, info, values, rows, first_data, height)
        return True

    def _append_fast_records(self, table: schema.Table, info: TableInfo, values: dict[str, list[Any]],
                             rows: list[int], first_data: int, height: int) -> None:
        """Add the records of ``rows`` (indexes into the typed columns ``values``) to the workbook."""
        path, sheet_name, first_letter = self.pkg.path, info.sheet, column_letter(parse_ref(info.ref)[1])
        ordered = list(values.items())
        if table is schema.MEASUREMENTS:
            kpi_ids, ends, amounts = values["kpi_id"], values["period_end"], values["value"]
            by = values.get("entered_by") or [None] * height
            notes = values.get("note") or [None] * height
            record, place = MeasurementRecord, Place
            self.workbook.measurements.extend([
                record(kpi_ids[i], ends[i], amounts[i], by[i], notes[i],
                       place(path, sheet_name, f"{first_letter}{first_data + i}")) for i in rows])
        elif table is schema.KPIS:
            for i in rows:
                fields = {key: column_values[i] for key, column_values in ordered}
                self.workbook.kpis.append(KpiRecord(place=Place(path, sheet_name, f"{first_letter}{first_data + i}"),
                                                    **fields))
        else:
            for i in rows:
                fields = {key: column_values[i] for key, column_values in ordered}
                self.workbook.evaluations.append(EvaluationRecord(
                    kpi_id=fields["kpi_id"], decision=fields.get("decision"), new_target=fields.get("new_target"),
                    notes=fields.get("notes"), place=Place(path, sheet_name, f"{first_letter}{first_data + i}")))

    def _read_row(self, table: schema.Table, sheet: str, row: int, first_cell: str, raw: dict[str, Any],
                  cells: dict[str, str], bad_cells: set[str], missing_keys: set[str], extra: dict[str, Any],
                  scan: _SheetScan) -> None:
        kpi_id = _text(raw.get("kpi_id"))
        values: dict[str, Any] = {}
        ok = True
        errors_in: set[str] = set()
        by_key = _columns_by_key(table)
        for key, value in raw.items():
            column = by_key[key]
            ref = cells[key]
            if key in bad_cells:
                ok = False
                errors_in.add(key)
                if ref in scan.formulas_without_value:
                    self.finding(E_NO_CACHED_VALUE, ERROR, f"{_nice_label(column.en)} holds a formula with no saved "
                                                           "value; open and save the workbook in Excel (which "
                                                           "calculates it) or type the value", sheet, ref, kpi_id)
                else:
                    self.finding(E_ERROR_VALUE, ERROR, f"{_nice_label(column.en)} shows the error "
                                                       f"{scan.error_cells.get(ref, '#VALUE!')}; fix the formula or "
                                                       "type the value", sheet, ref, kpi_id)
                values[key] = None
                continue
            try:
                values[key] = self._typed(column, value, sheet, ref, kpi_id)
            except _CellProblem:
                values[key] = None
                errors_in.add(key)
                ok = False
        for column in _required_columns(table):
            if column.key not in missing_keys and column.key not in errors_in \
                    and column.key in cells and values.get(column.key) is None:
                self.finding(E_REQUIRED, ERROR, f"{_nice_label(column.en)} is blank; {_required_hint(column)}",
                             sheet, cells[column.key], kpi_id)
                errors_in.add(column.key)
                ok = False
        place = Place(self.pkg.path, sheet, first_cell)
        if table is schema.KPIS:
            if not kpi_id:
                return
            numbers_ok = not (errors_in & {"target", "baseline", "tolerance", "direction", "aggregation", "start",
                                           "deadline", "green", "amber", "weight"}) and not (
                missing_keys & {"target", "direction", "aggregation"})
            record = KpiRecord(kpi_id=kpi_id, extra=extra, place=place, valid=numbers_ok,
                               **{k: v for k, v in values.items() if k != "kpi_id"})
            self.workbook.kpis.append(record)
        elif table is schema.MEASUREMENTS:
            if ok and kpi_id and values.get("period_end") is not None and values.get("value") is not None:
                self.workbook.measurements.append(MeasurementRecord(
                    kpi_id=kpi_id, period_end=values["period_end"], value=values["value"],
                    entered_by=values.get("entered_by"), note=values.get("note"), place=place, extra=extra))
        else:
            if kpi_id:
                self.workbook.evaluations.append(EvaluationRecord(
                    kpi_id=kpi_id, decision=values.get("decision"), new_target=values.get("new_target"),
                    notes=values.get("notes"), place=place))

    def _typed(self, column: schema.Column, value: Any, sheet: str, ref: str, kpi_id: str | None) -> Any:
        """Return the typed value of one cell, or report a finding and raise _CellProblem."""
        kind = column.kind
        if kind == "text" and type(value) is str:
            return value.strip() or None
        if kind == "number" and type(value) is float and math.isfinite(value):
            return value
        if kind == "date" and type(value) is date:
            return value
        try:
            return type_cell(column, value)
        except _CellFinding as found:
            self.finding(found.code, ERROR, found.message, sheet, ref, kpi_id)
            raise _CellProblem from None


def type_cell(column: schema.Column, value: Any) -> Any:
    """Return the typed value of one cell of ``column`` (None when blank); raise _CellFinding when it does not fit.

    Pure: the caller names the place. Each kind of column has its own function below.
    """
    if core.is_blank(value):
        return None
    label = _nice_label(column.en)
    if column.kind == "text":
        return _text_cell(column, label, value)
    if column.kind == "number":
        return _number_cell(label, value)
    if column.kind == "date":
        return _date_cell(label, value)
    if column.kind == "vocab":
        return _vocab_cell(column, label, value)
    return value


def _text_cell(column: schema.Column, label: str, value: Any) -> str | None:
    """Type a text cell: an ID Excel turned into a number or date is a finding (KPX215)."""
    converted = _converted_id_message(column, label, value)
    if converted:
        raise _CellFinding(E_ID_CONVERTED, converted)
    return _text(value)


def _number_cell(label: str, value: Any) -> float | None:
    """Type a number cell: TRUE/FALSE, a date, or text (even number-like text) is a finding."""
    if isinstance(value, bool):
        raise _CellFinding(E_WRONG_TYPE, f"{label} is {'TRUE' if value else 'FALSE'}, not a number; type a number")
    if isinstance(value, (int, float)):
        try:
            return core.to_number(value, label)
        except DefinitionError as error:
            raise _CellFinding(E_NOT_NUMBER, f"{error}; type a number") from None
    if isinstance(value, (date, datetime)):
        raise _CellFinding(E_WRONG_TYPE, f"{label} is a date ({_iso(value)}), not a number; type a number "
                                         "(and use a number format, not a date format)")
    text = str(value)
    message = number_text_message(label, text.strip())
    if message:
        raise _CellFinding(E_NUMBER_AS_TEXT, message)
    raise _CellFinding(E_NOT_NUMBER, f'{label} "{text.strip()}" is not a number; type a number')


def _date_cell(label: str, value: Any) -> date | None:
    """Type a date cell: a serial number is read as Excel's date; TRUE/FALSE or text is a finding."""
    if isinstance(value, (date, datetime)):
        return value.date() if isinstance(value, datetime) else value
    if isinstance(value, bool):
        raise _CellFinding(E_NOT_DATE, f"{label} is {'TRUE' if value else 'FALSE'}, not a date; type a date")
    if isinstance(value, (int, float)):
        try:
            return core.to_date(value)
        except DefinitionError:
            raise _CellFinding(E_NOT_DATE, f"{label} {_fmt_number(float(value))} is not a date; type a date "
                                           "(e.g. 2026-06-30)") from None
    text = str(value).strip()
    meanings = date_text_meanings(text)
    if len(meanings) == 1:
        raise _CellFinding(E_DATE_AS_TEXT, f'{label} "{text}" is text; type it as a date ({meanings[0].isoformat()})')
    if meanings:
        options = " or ".join(d.isoformat() for d in meanings)
        raise _CellFinding(E_DATE_AS_TEXT, f'{label} "{text}" is text; it could mean {options}; type the date you '
                                           "mean as a date")
    raise _CellFinding(E_NOT_DATE, f'{label} "{text}" is not a date; type a date (e.g. 2026-06-30)')


def _vocab_cell(column: schema.Column, label: str, value: Any) -> Any:
    """Type a cell of a closed vocabulary (direction, aggregation, decision...): another word is a finding."""
    word = _text(value)
    try:
        if column.vocabulary == "decision":
            return schema.parse_decision(word)
        return core.parse_word(column.vocabulary or "", word)
    except DefinitionError as error:
        raise _CellFinding(E_VOCABULARY, f"{label}: {error}") from None


def _load_fast_columns(fast: Any, info: TableInfo, numbers: list[int], top: int, first_data: int,
                       last_data: int) -> Any | None:
    """Return the table's columns ``numbers`` as one Arrow batch from fastexcel, strictly typed.

    None when fastexcel cannot (mixed types, odd headers...) or when something lies below
    the table: the exact reader decides and reports those.
    """
    letters = [column_letter(c) for c in numbers]
    try:
        sheet = fast.load_sheet(info.sheet, header_row=top - 1, use_columns=",".join(letters),
                                dtype_coercion="strict", schema_sample_rows=None)
        if sheet.height > last_data - first_data + 1:
            return None  # something below the table: the exact reader reports it
        names = [c.name for c in sheet.selected_columns]
        batch = sheet.to_arrow()
    except Exception:  # noqa: BLE001 - mixed types, odd headers...: the exact reader decides
        return None
    left = parse_ref(info.ref)[1]
    if names != [info.columns[c - left] for c in numbers] or batch.num_columns != len(numbers):
        return None
    return batch


def _typed_fast_columns(mapping: dict[int, schema.Column], numbers: list[int],
                        batch: Any) -> tuple[dict[str, list[Any]], int] | None:
    """Return (each column's typed values by key, the rows kept), a whole column at a time.

    None when any cell needs a finding: the exact reader words it.
    """
    # Template tables are pre-sized with blank formula rows: rows after the last one with a
    # row key cannot hold a record, so they are not converted at all.
    used = 0
    for number, array in zip(numbers, batch.columns):
        if array.null_count < len(array):
            used = max(used, int(np.flatnonzero(array.is_valid().to_numpy(zero_copy_only=False))[-1]) + 1)
    batch = batch.slice(0, used)
    values: dict[str, list[Any]] = {}
    for number, array in zip(numbers, batch.columns):
        column = mapping[number]
        typed = _typed_column(column, array)
        if typed is None:
            return None
        values[column.key] = typed
    return values, batch.num_rows


def _fast_record_rows(table: schema.Table, values: dict[str, list[Any]], height: int) -> list[int] | None:
    """Return the indexes of the rows with a row key; None when a row needs a finding (the exact reader words it)."""
    keys = [k for k in table.row_keys if k in values]
    required = [c.key for c in _required_columns(table) if c.key in values]
    nothing = (None,) * len(keys)
    rows = [i for i, key_values in enumerate(zip(*(values[k] for k in keys))) if key_values != nothing]
    if len(rows) < height and _values_outside(values, rows):
        return None  # a row with values but no row key needs a finding (KPX137): the exact reader words it
    for key in required:
        column_values = values[key]
        if None in column_values and any(column_values[i] is None for i in rows):
            return None  # a required blank: the exact reader words the finding
    return rows


def _row_layout(table: schema.Table, mapping: dict[int, schema.Column], extras: dict[int, str],
                left: int) -> tuple[dict[int, str], list[tuple[int, str, str]], list[int], list[int]]:
    """Return where the exact reader looks in a row of the grid.

    (letter by column number, (index, key, letter) of each input column, indexes of the
    row-key columns, indexes of the other input and extra columns).
    """
    letters = {c: column_letter(c) for c in list(mapping) + list(extras) + [left]}
    columns = [(c - 1, column.key, letters[c]) for c, column in mapping.items()]
    row_key_index = [c - 1 for c, column in mapping.items() if column.key in table.row_keys]
    # Input and extra columns that are no row key: a value there in a row without a key is not counted.
    other_index = [c - 1 for c in sorted(set(mapping) | set(extras)) if c - 1 not in row_key_index]
    return letters, columns, row_key_index, other_index


def _bad_cells(columns: list[tuple[int, str, str]], row: int, scan: _SheetScan) -> set[str]:
    """Return the keys of ``row``'s input cells holding a formula without a saved value or an error."""
    bad_cells: set[str] = set()
    for _index, key, letter in columns:
        ref = f"{letter}{row}"
        if ref in scan.formulas_without_value or ref in scan.error_cells:
            bad_cells.add(key)
    return bad_cells


def _values_outside(values: dict[str, list[Any]], rows: list[int]) -> bool:
    """Return True when a row not in ``rows`` (the rows with a row key) holds any value."""
    everything = (None,) * len(values)
    kept = set(rows)
    return any(row_values != everything for i, row_values in enumerate(zip(*values.values())) if i not in kept)


# What happens to an unknown column's values (KPX131), per table: the message must be true.
_EXTRA_FATE = {
    "KPIs": "its values are kept with each KPI and carried into the company workbook and CSV, but not checked",
    "Measurements": "its values are kept with each measurement and carried into the company workbook and CSV, but "
                    "not checked",
    "": "kpixl does not use it (rollover reads Decision, New target and Notes)",
}

# Columns holding KPI IDs: a spreadsheet must not have turned their text into a date or a number.
_ID_KEYS = frozenset({"kpi_id", "parent_id"})


def _converted_id_message(column: schema.Column, label: str, value: Any) -> str | None:
    """Return the KPX215 message when a KPI ID cell holds a date or number (the spreadsheet converted it), else None."""
    if column.key not in _ID_KEYS or isinstance(value, bool) or not isinstance(value, (date, datetime, int, float)):
        return None
    fix = f"format the {label} column as Text (Format Cells > Text) and type the ID again"
    if isinstance(value, (date, datetime)):
        return (f"{label} is the date {_iso(value)}, not text: the spreadsheet turned an ID like MAR-01 into a date "
                f"when it was typed; {fix}")
    return (f"{label} is the number {_fmt_number(float(value))}, not text: the spreadsheet turned the ID into a number "
            f"when it was typed (007 becomes 7, 1E3 becomes 1000); {fix}")


def _typed_column(column: schema.Column, array: Any) -> list[Any] | None:
    """Return one fastexcel column as the values ``_Reader._typed`` gives; None if any cell needs it."""
    kind = column.kind
    type_name = str(array.type)
    if array.null_count == len(array):
        return [None] * len(array)
    raw = array.to_pylist()
    if kind in ("text", "vocab"):
        if type_name not in ("string", "large_string", "string_view"):
            return None
        stripped = [v.strip() or None if v is not None else None for v in raw]
        if kind == "text":
            return stripped
        vocabulary = column.vocabulary or ""
        known = _VOCABULARY_CACHE.setdefault(vocabulary, {})
        result = []
        for word in stripped:
            if word is not None:
                canon = known.get(word)
                if canon is None:
                    try:
                        canon = known[word] = (schema.parse_decision(word) if vocabulary == "decision"
                                               else core.parse_word(vocabulary, word))
                    except DefinitionError:
                        return None
                word = canon
            result.append(word)
        return result
    if kind == "number":
        if type_name != "double":
            return None
        numbers = array.to_numpy(zero_copy_only=False)  # nulls become NaN
        if np.isinf(numbers).any() or np.count_nonzero(np.isnan(numbers)) != array.null_count:
            return None  # infinite or NaN values: the exact reader decides
        return raw
    if kind == "date":
        if type_name.startswith("timestamp"):
            return [None if v is None else v.date() for v in raw]
        if type_name.startswith("date"):
            return raw
        return None
    return None


# vocabulary -> typed word -> canonical value; words are few, so parsing each once is enough.
_VOCABULARY_CACHE: dict[str, dict[str, str | None]] = {}


# Per table, keyed by its name: hashing a Table dataclass (all its columns) per row is slow.
_BY_KEY: dict[str, dict[str, schema.Column]] = {}
_REQUIRED: dict[str, tuple[schema.Column, ...]] = {}


_LOOKUPS: dict[str, dict[str, schema.Column]] = {}


def _header_lookup(table: schema.Table) -> dict[str, schema.Column]:
    found = _LOOKUPS.get(table.name)
    if found is None:
        found = _LOOKUPS[table.name] = table.header_lookup()
    return found


def _columns_by_key(table: schema.Table) -> dict[str, schema.Column]:
    found = _BY_KEY.get(table.name)
    if found is None:
        found = _BY_KEY[table.name] = {c.key: c for c in table.columns}
    return found


def _required_columns(table: schema.Table) -> tuple[schema.Column, ...]:
    found = _REQUIRED.get(table.name)
    if found is None:
        found = _REQUIRED[table.name] = tuple(c for c in table.input_columns if c.required)
    return found


class _CellFinding(Exception):
    """A cell that does not fit its column: the finding's code and message (the caller adds the place)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


class _CellProblem(Exception):
    """Signal that a cell produced a finding and has no typed value."""


def _text(value: Any) -> str | None:
    if core.is_blank(value):
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return _fmt_number(value)
    if isinstance(value, (date, datetime)):
        return _iso(value)
    return str(value).strip()


def _iso(value: date | datetime) -> str:
    return (value.date() if isinstance(value, datetime) else value).isoformat()


def _required_hint(column: schema.Column) -> str:
    hints = {
        "kpi_id": "type a short unique code, e.g. SAL-01",
        "name": "type what is measured",
        "owner": "type the one person responsible",
        "target": "type the value to reach by the deadline",
        "direction": "choose increase, decrease or maintain",
        "aggregation": "choose sum, average, last, min or max",
        "period_end": "type the last day of the measured period",
        "value": "type the measured value",
    }
    return hints.get(column.key, "fill it in")


__all__ = ["read_workbook", "expand_paths", "collect_inputs", "Inputs", "not_read_reason", "left_out_kind",
           "workbooks_in", "precheck", "Package", "TableInfo",
           "interpret_number_text", "number_text_message", "fmt_number", "date_text_meanings", "column_letter", "parse_ref",
           "MAX_TOTAL_UNCOMPRESSED", "MAX_RATIO", "RATIO_CHECK_FROM", "MAX_ROWS", "MAX_COLUMNS", "MAX_CELLS",
           "MAX_MEMBERS"]
