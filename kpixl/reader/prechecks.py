"""Own the pre-checks of a package's raw bytes, with no parser: what may be read at all.

:func:`precheck` looks at the path, the magic bytes (an old ``.xls``, a
password-protected OOXML, CSV or text renamed), the zip directory (truncated or
corrupt, decompression bombs: the package-level limits below), every XML member
unpacked once (:mod:`kpixl.reader.zipparts`; CRC, XML entity declarations) and every
worksheet through :mod:`kpixl.reader.sheetscan`; each table sheet, unpacked anyway, is
made lean for the engines (:mod:`kpixl.reader.lean`). The file is read once; the
immutable :class:`Package` it returns carries its bytes, the small XML parts
:mod:`kpixl.reader.ooxml` parses, what the sheet scan found and the lean sheets.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType
from typing import AbstractSet, Any, Callable

from kpixl import isolation, schema
from kpixl.errors import WorkbookError
from kpixl.message import Number, message
from kpixl.reader import zipparts
from kpixl.reader.findings import (E_CORRUPT, E_EMPTY, E_ENCRYPTED, E_ENTITY, E_MISSING, E_NOT_FILE, E_NOT_XLSX,
                                   E_NOT_ZIP, E_OLD_XLS, E_RATIO, E_TEXT, E_TOO_BIG, E_UNREADABLE, _fail)
from kpixl.reader.lean import Drop, strip_cells, table_drop
from kpixl.reader.ooxml import _input_columns, _relationships, _structure
from kpixl.reader.package import _EMPTY, Package
from kpixl.reader.route import lean_route
from kpixl.reader.sheetscan import (MAX_CELLS, MAX_COLUMNS, MAX_ROWS, _check_declared_dimension,  # noqa: F401
                                    _check_sheet_extent, _scan_special, _SheetScan, _TagCounter)

# ------------------------------------------------------------------ limits
# The per-sheet limits (MAX_ROWS, MAX_COLUMNS, MAX_CELLS) are kpixl.reader.sheetscan's,
# imported above so the package's limits can be read in one place.
# A department workbook holds a few hundred rows; these limits are generous for
# that and far below what would exhaust memory (see docs/validation.md).
# Calibrated on kpixl's own largest template (5,000 KPI rows, 100,000 measurement rows:
# 715 MB unpacked since the phasing helpers (issue 19), 100,001 rows; tests/test_template.py proves
# it passes): about 1.5 times that.
MAX_TOTAL_UNCOMPRESSED = 1024 * 1024 * 1024  # bytes, all members together
MAX_MEMBERS = 10_000
RATIO_CHECK_FROM = 1024 * 1024  # members larger than this (uncompressed) ...
MAX_RATIO = 200  # ... may compress at most 200:1
CHUNK = 1024 * 1024
MAX_FILE_BYTES = 200 * 1024 * 1024  # larger files are read from disk by the zip reader, not into memory
# A worksheet declared larger than this is unpacked piece by piece, its rows and cells counted
# as they come (a decompression bomb stops at the sheet limits); a smaller one is unpacked whole,
# bounded by its declared size. kpixl's templates with a few thousand rows are 10-15 MB.
WATCH_FROM = 64 * 1024 * 1024
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_ENTITY_RE = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_ROOT_START_RE = re.compile(rb"<[A-Za-z_]")
_HEAD_BYTES = 64 * 1024  # what is read of a sheet before it is unpacked whole
def precheck(path: Path | str, *, bound_sheets: bool | None = None) -> Package:
    """Return the pre-checked package of ``path`` or raise WorkbookError naming why it cannot be read.

    Looks only at raw bytes (the standard library and numpy, no parser), so it is safe on any input.
    ``bound_sheets`` (default: unless in an isolated worker, :func:`kpixl.isolation.in_worker`)
    scans every worksheet whole for the sheet limits (KPX113), which keeps a parser from
    aborting the process. Without it, only each sheet's prolog is read (entities, declared
    dimension) and the table sheets' input cells scanned (KPX208, KPX209): where a parser's
    crash costs one finding, the whole-sheet scan costs more than it saves (see README,
    Performance); :func:`kpixl.reader.read_workbook` runs it after a parser error.
    """
    if bound_sheets is None:
        bound_sheets = not isolation.in_worker()
    shown = str(path)
    p = Path(path)
    try:
        if not p.exists():
            _fail(shown, E_MISSING, message("KPX101"))
        if not p.is_file():
            _fail(shown, E_NOT_FILE, message("KPX102"))
        handle = open(p, "rb")  # noqa: SIM115 - closed below
    except PermissionError:
        _fail(shown, E_UNREADABLE, message("KPX103.permission"))
    except OSError as error:
        _fail(shown, E_UNREADABLE, message("KPX103.os", why=str(error.strerror or error)))
    with handle:
        try:
            head = handle.read(8)
            if head.startswith(ZIP_MAGICS) and p.stat().st_size <= MAX_FILE_BYTES:
                # One read of the whole (small) package: the zip checks, the reader and the hash reuse it.
                data = head + handle.read()
            else:
                data = b""
        except OSError as error:
            _fail(shown, E_UNREADABLE, message("KPX103.os", why=str(error.strerror or error)))
        if not head:
            _fail(shown, E_EMPTY, message("KPX104"))
        if head.startswith(OLE_MAGIC):
            handle.seek(0)
            _ole_failure(shown, handle)
        if not head.startswith(ZIP_MAGICS):
            handle.seek(0)
            _not_zip_failure(shown, handle.read(4096))
        if not data:
            handle.seek(0)
            return _check_zip(shown, handle, b"", bound_sheets)
    return _check_zip(shown, io.BytesIO(data), data, bound_sheets)


def _ole_failure(shown: str, handle) -> None:
    carry = b""
    while True:
        block = handle.read(CHUNK)
        if not block:
            break
        if ENCRYPTED_STREAM in carry + block:
            _fail(shown, E_ENCRYPTED, message("KPX106"))
        carry = block[-len(ENCRYPTED_STREAM):]
    _fail(shown, E_OLD_XLS, message("KPX105"))


def _not_zip_failure(shown: str, sample: bytes) -> None:
    text = _as_text(sample)
    if text is not None:
        folded = text.lstrip("\ufeff \t\r\n").casefold()
        if folded.startswith(("<html", "<!doctype html", "<table")):
            _fail(shown, E_TEXT, message("KPX107.html"))
        if folded.startswith("<?xml"):
            _fail(shown, E_TEXT, message("KPX107.xml"))
        if any(sep in text for sep in (",", ";", "\t")) or "\n" in text:
            _fail(shown, E_TEXT, message("KPX107.csv"))
        _fail(shown, E_TEXT, message("KPX107.text"))
    _fail(shown, E_NOT_ZIP, message("KPX108"))


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


def _check_zip(shown: str, handle, data: bytes, bound_sheets: bool = True) -> Package:
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError):
        _fail(shown, E_CORRUPT, message("KPX109.zip"))
    with archive:
        infos = archive.infolist()
        names = frozenset(info.filename for info in infos)
        _check_is_xlsx(shown, names)
        _check_sizes(shown, infos)
        by_name = MappingProxyType({info.filename: info for info in infos})
        parts: dict[str, bytes] = {}
        # Other parts first: the structure (workbook, relationships, tables) then names each
        # sheet's input columns, so one pass over a sheet both bounds it and finds odd input cells.
        sheets: list[zipfile.ZipInfo] = []
        for info in infos:
            if info.is_dir() or not _is_xml_member(info.filename):
                continue
            if info.filename.startswith("xl/worksheets/") and info.filename.count("/") == 2:
                sheets.append(info)
            else:
                _check_member(shown, data, archive, info, parts)
        pkg = Package(path=shown, names=names, parts=MappingProxyType(parts), sheets=_EMPTY, data=data,
                      infos=by_name)
        # A worksheet the workbook points to outside xl/worksheets/*.xml is still a sheet
        # calamine will parse: check it as one too.
        for rel_type, target in _relationships(pkg, "xl/workbook.xml").values():
            if rel_type.endswith("/worksheet") and target in by_name and by_name[target] not in sheets:
                sheets.append(by_name[target])
        structure, columns, drops = _input_columns_by_sheet(pkg)
        scans: dict[str, _SheetScan] = {}
        prefixed: dict[str, bool] = {}
        lean: dict[str, bytes] = {}
        check = _check_sheet if bound_sheets or not data else _check_sheet_prolog
        for info in sheets:
            prefixed[info.filename], found, stripped = check(shown, data, archive, info, columns.get(info.filename),
                                                             drops.get(info.filename, []) if data else [])
            if found is not None:
                scans[info.filename] = found
            if stripped is not None:
                lean[info.filename] = stripped
        return replace(pkg, sheets=MappingProxyType(scans), prefixed=MappingProxyType(prefixed), structure=structure,
                       bounded=bound_sheets or not data, lean=MappingProxyType(lean))


def _check_is_xlsx(shown: str, names: AbstractSet[str]) -> None:
    """Reject a zip package that is no .xlsx workbook, naming what it is when known (.xlsb, Word, .ods)."""
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        if "xl/workbook.bin" in names:
            _fail(shown, E_NOT_XLSX, message("KPX110.xlsb"))
        if "word/document.xml" in names or "ppt/presentation.xml" in names:
            _fail(shown, E_NOT_XLSX, message("KPX110.office"))
        if "content.xml" in names:
            _fail(shown, E_NOT_XLSX, message("KPX110.ods"))
        _fail(shown, E_NOT_XLSX, message("KPX110.zip"))


def _check_sizes(shown: str, infos: list[zipfile.ZipInfo]) -> None:
    """Reject a package with too many parts, too much unpacked, or a part packed too tightly (a zip bomb)."""
    if len(infos) > MAX_MEMBERS:
        _fail(shown, E_TOO_BIG, message("KPX111.parts", n=len(infos), limit=MAX_MEMBERS))
    total = sum(info.file_size for info in infos)
    if total > MAX_TOTAL_UNCOMPRESSED:
        _fail(shown, E_TOO_BIG, message("KPX111.size", mb=Number(total / 2**20, ".0f"),
                                        limit=MAX_TOTAL_UNCOMPRESSED // 2**20))
    for info in infos:
        if info.file_size > RATIO_CHECK_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            _fail(shown, E_RATIO, message("KPX112", part=info.filename,
                                              n=info.file_size // max(info.compress_size, 1), limit=MAX_RATIO))


def _input_columns_by_sheet(pkg: Package) -> tuple[Any, dict[str, set[int]], dict[str, list[Drop]]]:
    """Return the package's structure, each sheet part's input columns and what its lean copy drops.

    A structure that cannot be read is None: the reader reports it, after the sheets
    are known to be safe.
    """
    columns: dict[str, set[int]] = {}
    drops: dict[str, list[Drop]] = {}
    try:
        structure = _structure(pkg)
    except WorkbookError:
        return None, columns, drops  # the reader reports it, after the sheets are known to be safe
    for table in structure[2]:
        table_schema = next((t for t in schema.TABLES if t.name.casefold() == table.name.casefold()), None)
        if table_schema is not None:
            columns.setdefault(table.sheet_part, set()).update(_input_columns(table_schema, table))
            drop = table_drop(table_schema, table)
            if drop is not None:
                drops.setdefault(table.sheet_part, []).append(drop)
    return structure, columns, drops


def _read_member(shown: str, data: bytes, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes | bytearray:
    """Return one member unpacked whole, its size and CRC checked (its declared size is bounded above)."""
    try:
        content = zipparts.unpack(data, info) if data else None
        return archive.read(info) if content is None else content
    except zipparts.UNPACK_ERRORS as error:
        _fail(shown, E_CORRUPT, message("KPX109.part", part=info.filename, why=str(error)))


def _reject_utf16(shown: str, member: str, content) -> None:
    head = bytes(content[:4])
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or (len(head) > 1 and b"\x00" in head):
        # UTF-16 XML would hide declarations from a byte scan; Excel never writes it.
        _fail(shown, E_ENTITY, message("KPX114.utf16", part=member))


def _check_member(shown: str, data: bytes, archive: zipfile.ZipFile, info: zipfile.ZipInfo,
                  parts: dict[str, bytes]) -> None:
    """Check one XML member that is no worksheet: no entity declarations; keep it in ``parts`` if needed."""
    content = _read_member(shown, data, archive, info)
    _reject_utf16(shown, info.filename, content)
    # "<!" is rare in Excel's XML (no comments, no CDATA): a C-speed test first.
    if b"<!" in content and _ENTITY_RE.search(content):
        _fail(shown, E_ENTITY, message("KPX114.entities", part=info.filename))
    if info.file_size <= CHUNK and not info.filename.startswith(
            ("xl/sharedStrings", "xl/styles", "xl/theme/", "xl/drawings/", "xl/charts/", "xl/printerSettings")):
        parts[info.filename] = bytes(content)  # the package is immutable: no bytearray in it


def _check_sheet(shown: str, data: bytes, archive: zipfile.ZipFile, info: zipfile.ZipInfo,
                 columns: set[int] | None, drops: list[Drop]) -> tuple[bool, _SheetScan | None, bytes | None]:
    """Check one worksheet: entity-free prolog, extent within the limits; note its odd input cells.

    Returns (whether its elements carry a namespace prefix, its odd input cells when
    ``columns`` is given, the sheet without the cells ``drops`` names or None: see
    :mod:`kpixl.reader.lean`).
    """
    prefixed = _check_sheet_head(shown, data, archive, info)
    content = _read_sheet(shown, data, archive, info, prefixed)
    found = _check_sheet_extent(shown, info.filename, content, prefixed, columns)
    return prefixed, found, None if prefixed or not lean_route(len(content), drops) else strip_cells(content, drops)


def _check_sheet_prolog(shown: str, data: bytes, archive: zipfile.ZipFile, info: zipfile.ZipInfo,
                        columns: set[int] | None, drops: list[Drop]) -> tuple[bool, _SheetScan | None, bytes | None]:
    """Check one worksheet's prolog and declared dimension; scan a table sheet's input cells (KPX208, KPX209).

    The sheet's cells are not bounded (see :func:`precheck`), except a large sheet's rows
    and cells while it is unpacked (:func:`_read_sheet`). A table sheet is unpacked
    whole, made lean (:mod:`kpixl.reader.lean`) and its input cells scanned in the lean
    copy, which holds them all; any other sheet is unpacked only as far as its prolog.
    """
    if columns is None:
        return _check_sheet_head(shown, data, archive, info), None, None
    if data and info.file_size <= WATCH_FROM:
        # A table sheet is unpacked whole anyway, bounded by its declared size: its prolog is read
        # from that, not unpacked a second time.
        content = _read_member(shown, data, archive, info)
        prefixed = _check_head(shown, info, _first_bytes(lambda size: content[:size], info.file_size))
    else:
        prefixed = _check_sheet_head(shown, data, archive, info)
        content = _read_sheet(shown, data, archive, info, prefixed)
    stripped = None if prefixed or not lean_route(len(content), drops) else strip_cells(content, drops)
    return prefixed, _scan_special(content if stripped is None else stripped, columns, prefixed), stripped


def _check_sheet_head(shown: str, data: bytes, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Check a worksheet's prolog and declared dimension from its first bytes only; return whether it is prefixed.

    Runs before any sheet is unpacked whole: a sheet declaring a range beyond the limits
    is refused from its first 64 KB.
    """
    try:
        head = _first_bytes(lambda size: _head(data, archive, info, size), info.file_size)
    except zipparts.UNPACK_ERRORS as error:
        _fail(shown, E_CORRUPT, message("KPX109.part", part=info.filename, why=str(error)))
    return _check_head(shown, info, head)


def _first_bytes(first: Callable[[int], bytes | bytearray], size: int) -> bytes | bytearray:
    """Return the first bytes of a sheet of ``size`` unpacked bytes that its prolog checks read; ``first(n)`` gives n.

    Excel's prolog is a few hundred bytes: the first 4 KB nearly always reach the cells (all a
    prolog and a declared dimension can be is before them), the first 64 KB the root element.
    """
    head = first(4096)
    if b"<sheetData" not in head and len(head) < size:
        head = first(_HEAD_BYTES)
    if _ROOT_START_RE.search(head) is None and len(head) < size:
        head = first(CHUNK + 1)
    return head


def _check_head(shown: str, info: zipfile.ZipInfo, head: bytes | bytearray) -> bool:
    """Check a worksheet's first bytes (its prolog, declared dimension); return whether it is prefixed."""
    prefixed = _check_prolog(shown, info.filename, head, info.file_size)
    _check_declared_dimension(shown, info.filename, head)
    return prefixed


def _head(data: bytes, archive: zipfile.ZipFile, info: zipfile.ZipInfo, size: int) -> bytes:
    """Return the first ``size`` unpacked bytes of a part (at most)."""
    head = zipparts.unpack_head(data, info, size) if data else None
    if head is None:
        with archive.open(info) as stream:
            head = stream.read(size)
    return head


def _read_sheet(shown: str, data: bytes, archive: zipfile.ZipFile, info: zipfile.ZipInfo,
                prefixed: bool) -> bytes | bytearray:
    """Return one worksheet unpacked whole; a large one piece by piece, its rows and cells counted on the way.

    A sheet declared larger than :data:`WATCH_FROM` stops at the first piece that takes it
    past the sheet limits (KPX113) or past its declared size (a lying directory, KPX109):
    a decompression bomb is refused in a fraction of a second, holding a few MB.
    """
    if info.file_size <= WATCH_FROM:
        return _read_member(shown, data, archive, info)
    try:
        return zipparts.unpack_watched(data, archive, info, _TagCounter(shown, info.filename, prefixed))
    except zipparts.UNPACK_ERRORS as error:
        _fail(shown, E_CORRUPT, message("KPX109.part", part=info.filename, why=str(error)))


def _check_prolog(shown: str, member: str, content, size: int) -> bool:
    """Reject UTF-16 XML and entity declarations before a sheet's root element; return whether it is prefixed."""
    _reject_utf16(shown, member, content)
    # A DOCTYPE can only come before the root element; sheets are large, so only
    # their prolog is searched (the rest cannot declare entities).
    root = _ROOT_START_RE.search(content, 0, CHUNK + 1)
    if root is None and size > CHUNK:
        _fail(shown, E_ENTITY, message("KPX114.root", part=member, n=CHUNK))
    prefixed = False
    if root is not None:
        name = re.match(rb"<([^\s>/]*)", content[root.start():root.start() + 200])
        prefixed = name is not None and b":" in name.group(1)
        if _ENTITY_RE.search(content, 0, root.start()):
            _fail(shown, E_ENTITY, message("KPX114.entities", part=member))
    return prefixed
