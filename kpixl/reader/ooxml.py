"""Own the structure of a pre-checked package, read with a safe XML parser (defusedxml).

The workbook's sheets and their parts (through the relationships), its defined
names (kpixl's metadata), its custom properties, and the Excel tables ``KPIs``,
``Measurements`` and ``Evaluation``, found by name on whatever sheet they live
(:class:`TableInfo`: range, headers, header and totals rows).
"""

from __future__ import annotations

import functools
import posixpath
from dataclasses import dataclass

import defusedxml.ElementTree as SafeET

from kpixl import schema
from kpixl.message import message
from kpixl.reader.findings import E_BAD_XML, _fail
from kpixl.reader.package import Package
from kpixl.refs import parse_ref

NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


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
        _fail(pkg.path, E_BAD_XML, message("KPX117.part", part=part))
    try:
        return SafeET.fromstring(data)
    except Exception as error:  # noqa: BLE001 - defusedxml and expat raise several types
        _fail(pkg.path, E_BAD_XML, message("KPX117.xml", part=part, why=str(error)))


def _relationships(pkg: Package, part: str) -> dict[str, tuple[str, str]]:
    """Return rId -> (type, resolved part name) for ``part``'s relationships (none: empty)."""
    folder, name = posixpath.split(part)
    rels_part = posixpath.join(folder, "_rels", name + ".rels")
    if rels_part not in pkg.parts:
        return {}
    data = pkg.parts[rels_part]
    try:
        return dict(_relationships_of(folder, data))
    except Exception:  # noqa: BLE001 - not well-formed: _parse words the finding
        _parse(pkg, rels_part)
        raise


# The relationship and table parts of department workbooks made from one template are the
# same bytes in every file: each is parsed once per process (a third of reading the
# structure; the workbook part, which names the department, is parsed every time).
@functools.lru_cache(maxsize=256)
def _relationships_of(folder: str, data: bytes) -> tuple[tuple[str, tuple[str, str]], ...]:
    """Return the (rId, (type, resolved part name)) pairs of one relationships part in ``folder``."""
    result = {}
    for rel in SafeET.fromstring(data):
        if _local(rel.tag) != "Relationship" or rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target") or ""
        resolved = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        result[rel.get("Id") or ""] = (rel.get("Type") or "", resolved)
    return tuple(result.items())


@functools.lru_cache(maxsize=256)
def _table_of(data: bytes) -> tuple[str, str, tuple[str, ...], str | None, str | None]:
    """Return (name, range, column headers, header row count, totals row count as written) of one table part."""
    table = SafeET.fromstring(data)
    columns = tuple(c.get("name") or "" for c in table.iter() if _local(c.tag) == "tableColumn")
    return (table.get("displayName") or table.get("name") or "", table.get("ref") or "", columns,
            table.get("headerRowCount"), table.get("totalsRowCount"))


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
            try:
                name, ref, columns, header_rows, totals_rows = _table_of(pkg.parts[target])
            except Exception:  # noqa: BLE001 - not well-formed: _parse words the finding
                _parse(pkg, target)
                raise
            tables.append(TableInfo(name=name, sheet=sheet_name, ref=ref, columns=list(columns),
                                    header_rows=int(header_rows or 1), totals_rows=int(totals_rows or 0),
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


def _schema_columns(table: schema.Table, info: TableInfo) -> dict[int, schema.Column]:
    """Return the 1-based sheet column of each of ``info``'s headers the schema knows, with its column.

    Empty when the table's range cannot be read.
    """
    try:
        left = parse_ref(info.ref)[1]
    except ValueError:
        return {}
    # Every department workbook made from one template has the same headers: matched once per process.
    key = (id(table), left, tuple(info.columns))
    known = _MATCHED.get(key)
    if known is None or known[0] is not table:
        lookup = table.by_header
        known = _MATCHED[key] = (table, {left + offset: column for offset, header in enumerate(info.columns)
                                         if (column := lookup.get(schema.normalise_header(header))) is not None})
        if len(_MATCHED) > 1024:
            _MATCHED.clear()
            _MATCHED[key] = known
    return dict(known[1])


# The schema columns of a table's headers, by (the schema table's id, first column, headers); the table is
# kept with them, so an id reused by another table is never taken for it.
_MATCHED: dict[tuple[int, int, tuple[str, ...]], tuple[schema.Table, dict[int, schema.Column]]] = {}


def _input_columns(table: schema.Table, info: TableInfo) -> set[int]:
    """Return the 1-based sheet columns of ``info`` that hold the table's input (typed) columns."""
    return {n for n, column in _schema_columns(table, info).items() if not column.computed and not column.helper}
