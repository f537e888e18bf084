"""Own the builders of kpixl-shaped test workbooks (imported by several test modules).

``write_workbook(path, **knobs)`` writes, with XlsxWriter, a department workbook
holding the Excel tables ``KPIs``, ``Measurements`` and ``Evaluation`` with the
schema's headers (English or Danish) and the kpixl defined names. The default is
valid as of :data:`AS_OF`; each knob makes one thing different (sheet names,
table origin, extra or missing columns, rows below a table, text in number
cells, formulas with or without a saved value, ...). ``rezip`` edits package
parts afterwards for what no writer produces (hostile XML, lost values).

Row values are given by schema key. A vocabulary value given as its canonical
word (``increase``, ``keep``) is written in the workbook's language; anything
else is written exactly as given: a ``str`` stays text, so ``"12,5"`` in
``target`` is a number stored as text. Wrap a value in :class:`Formula` to write
a formula with a saved (cached) value, or with ``cached=None`` none at all.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable, Iterable

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from kpixl import core, schema
from kpixl.model import KpiRecord

AS_OF = date(2026, 4, 15)
START = date(2026, 1, 1)
DEADLINE = date(2026, 12, 31)
MONTH_ENDS = (date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31))


@dataclass(frozen=True)
class Formula:
    """Write ``text`` as a formula; ``cached`` is its saved value (None: no saved value)."""

    text: str
    cached: Any = None


def kpi_row(kpi_id: str = "SAL-01", **overrides: Any) -> dict[str, Any]:
    """Return a valid, SMART KPI row (increase, sum, monthly, 2026) with ``overrides`` applied."""
    row: dict[str, Any] = {
        "kpi_id": kpi_id, "name": f"Revenue {kpi_id}", "level": "high", "parent_id": None,
        "department": "Sales", "owner": "Anna Berg", "unit": "DKK", "direction": "increase",
        "aggregation": "sum", "frequency": "monthly", "baseline": 100.0, "target": 1200.0, "tolerance": None,
        "start": START, "deadline": DEADLINE, "green": 0.95, "amber": 0.85, "weight": 1.0,
        "data_source": "ERP", "specific": "Revenue from the webshop", "measurable": "Monthly ERP report",
        "attainable": "Last year grew 10%", "relevant": "Funds the growth plan",
    }
    row.update(overrides)
    return row


def kpi_record(kpi_id: str, **overrides: Any) -> KpiRecord:
    """Return a monthly sum KPI record (low level, under CO-01, 1,200 DKK in 2026) with ``overrides``."""
    fields: dict[str, Any] = dict(name=f"KPI {kpi_id}", level="low", parent_id="CO-01", owner="Bo Lund", unit="DKK",
                                  direction="increase", aggregation="sum", frequency="monthly", baseline=0.0,
                                  target=1200.0, start=date(2026, 1, 1), deadline=date(2026, 12, 31), specific="s",
                                  measurable="m", attainable="a", relevant="r")
    fields.update(overrides)
    return KpiRecord(kpi_id, **fields)


def measurement_row(kpi_id: str = "SAL-01", period_end: Any = MONTH_ENDS[0], value: Any = 100.0,
                    **overrides: Any) -> dict[str, Any]:
    """Return a Measurements row."""
    row = {"kpi_id": kpi_id, "period_end": period_end, "value": value, "entered_by": "Anna Berg", "note": None}
    row.update(overrides)
    return row


def evaluation_row(kpi_id: str = "SAL-01", decision: Any = "keep", new_target: Any = None,
                   **overrides: Any) -> dict[str, Any]:
    """Return an Evaluation row."""
    row = {"kpi_id": kpi_id, "decision": decision, "new_target": new_target, "notes": None}
    row.update(overrides)
    return row


def default_measurements(kpi_ids: Iterable[str] = ("SAL-01",)) -> list[dict[str, Any]]:
    """Return one value per month end (January to March 2026) per KPI: complete as of AS_OF."""
    return [measurement_row(k, d, 100.0 * (i + 1)) for k in kpi_ids for i, d in enumerate(MONTH_ENDS)]


@dataclass
class Layout:
    """Tell where each table was written: sheet, header row, first column, column keys (for cell refs)."""

    sheets: dict[str, str]
    origin: tuple[int, int]  # (0-based row, 0-based col) of every table's header cell
    columns: dict[str, list[str]]  # table name -> header keys (or extra header texts) in order

    def cell(self, table: str, index: int, key: str) -> str:
        """Return the A1 cell of data row ``index`` (0-based) and column ``key`` of ``table``."""
        col = self.origin[1] + self.columns[table].index(key)
        return f"{xl_col_to_name(col)}{self.origin[0] + 2 + index}"

    def place(self, table: str, index: int, key: str) -> str:
        """Return ``Sheet!A1`` of data row ``index`` and column ``key``."""
        return f"{self.sheets[table]}!{self.cell(table, index, key)}"


def write_workbook(path: Path | str, *, kpis: list[dict] | None = None, measurements: list[dict] | None = None,
                   evaluations: list[dict] | None = None, language: str = "en",
                   sheet_names: dict[str, str] | None = None, origin: tuple[int, int] = (0, 0),
                   extra_columns: dict[str, list[str]] | None = None, drop_columns: dict[str, list[str]] | None = None,
                   below: dict[str, list[dict]] | None = None, blank_rows: dict[str, list[int]] | None = None,
                   tables: Iterable[str] = ("KPIs", "Measurements", "Evaluation"), metadata: bool = True,
                   metadata_values: dict[str, str] | None = None, include_computed: bool = True,
                   header_case: Callable[[str], str] | None = None,
                   extra_at: dict[str, int] | None = None, phasing: list[dict] | None = None) -> Layout:
    """Write a kpixl-shaped workbook to ``path`` and return where the tables are.

    ``kpis``/``measurements``/``evaluations``: rows by schema key (defaults: one valid
    KPI, its three monthly values, a Keep decision). ``sheet_names``: table name ->
    sheet name. ``origin``: (row, col), 0-based, of each table's header. ``extra_columns``:
    unknown headers appended to a table (row values under the same header text).
    ``drop_columns``: schema keys left out. ``below``: rows typed just under a table.
    ``blank_rows``: indexes at which an empty row is inserted inside the table.
    ``metadata=False`` leaves out the kpixl defined names. ``header_case`` transforms header texts.
    ``extra_at``: table name -> the index among its columns where its extra columns go (default: last).
    ``phasing``: rows of a Phasing table (profile, m01..m12), written only when given.
    """
    kpis = [kpi_row()] if kpis is None else kpis
    measurements = default_measurements() if measurements is None else measurements
    evaluations = [evaluation_row()] if evaluations is None else evaluations
    rows_by_table = {"KPIs": kpis, "Measurements": measurements, "Evaluation": evaluations, "Phasing": phasing or []}
    if phasing is not None:  # a Phasing table only when asked for: older workbooks have none
        tables = tuple(tables) + ("Phasing",)
    sheet_names = dict(sheet_names or {})
    book = xlsxwriter.Workbook(str(path), {"nan_inf_to_errors": True})
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    layout = Layout(sheets={}, origin=origin, columns={})
    no_cache: list[tuple[str, str]] = []  # (sheet, cell) of formulas to strip the saved value from
    for table in schema.TABLES:
        if table.name not in tables:
            continue
        sheet = sheet_names.get(table.name, table.sheet(language))
        layout.sheets[table.name] = sheet
        ws = book.add_worksheet(sheet)
        dropped = set((drop_columns or {}).get(table.name, ()))
        columns = [c for c in table.columns if c.key not in dropped and (include_computed or not c.computed)]
        extras = list((extra_columns or {}).get(table.name, ()))
        at = (extra_at or {}).get(table.name, len(columns))
        keys = [c.key for c in columns[:at]] + extras + [c.key for c in columns[at:]]
        headers = [c.header(language) for c in columns[:at]] + extras + [c.header(language) for c in columns[at:]]
        if header_case:
            headers = [header_case(h) for h in headers]
        layout.columns[table.name] = keys
        body: list[dict | None] = list(rows_by_table[table.name])
        for index in sorted((blank_rows or {}).get(table.name, ()), reverse=True):
            body.insert(index, None)
        top, left = origin
        n_rows = max(len(body), 1)
        ws.add_table(top, left, top + n_rows, left + len(keys) - 1,
                     {"name": table.name, "columns": [{"header": h} for h in headers]})
        extra_rows = (below or {}).get(table.name, [])
        for r, row in enumerate(body + list(extra_rows)):
            if row is None:
                continue
            for c, key in enumerate(keys):
                if key not in row:
                    continue
                value = _display(table, key, row[key], language)
                cell = (top + 1 + r, left + c)
                ref = f"{xl_col_to_name(cell[1])}{cell[0] + 1}"
                if isinstance(value, Formula):
                    ws.write_formula(*cell, value.text, None, 0 if value.cached is None else value.cached)
                    if value.cached is None:
                        no_cache.append((sheet, ref))
                elif value is None:
                    continue
                elif isinstance(value, (date, datetime)):
                    ws.write_datetime(*cell, value if isinstance(value, datetime) else
                                      datetime(value.year, value.month, value.day), date_format)
                elif isinstance(value, bool):
                    ws.write_boolean(*cell, value)
                elif isinstance(value, (int, float)):
                    ws.write_number(*cell, value)
                else:
                    ws.write_string(*cell, str(value))
    if metadata:
        values = {schema.NAME_SCHEMA_VERSION: schema.SCHEMA_VERSION, schema.NAME_LANGUAGE: language,
                  schema.NAME_DEPARTMENT: "Sales", schema.NAME_FORMULAS: "native"}
        values.update(metadata_values or {})
        for name, value in values.items():
            book.define_name(name, '="' + value.replace('"', '""') + '"')
    book.close()
    if no_cache:
        _strip_cached_values(Path(path), no_cache, layout)
    return layout


def _display(table: schema.Table, key: str, value: Any, language: str) -> Any:
    """Return ``value`` as staff would see it: canonical vocabulary words in the workbook's language."""
    try:
        column = table.column(key)
    except KeyError:
        return value
    if column.kind != "vocab" or not isinstance(value, str):
        return value
    if column.vocabulary == "decision":
        return schema.DECISION_WORDS[language].get(value, value)
    if value in core.VOCABULARIES.get(column.vocabulary or "", ()):
        return core.word(column.vocabulary, value, language)
    return value


def _strip_cached_values(path: Path, cells: list[tuple[str, str]], layout: Layout) -> None:
    """Remove the saved value of the given formula cells (as openpyxl-written files have none)."""
    sheet_parts = _sheet_parts(path)
    by_part: dict[str, set[str]] = {}
    for sheet, ref in cells:
        by_part.setdefault(sheet_parts[sheet], set()).add(ref)

    def edit(name: str, data: bytes) -> bytes | None:
        refs = by_part.get(name)
        if not refs:
            return None
        for ref in refs:
            data = re.sub(rb'(<c r="' + ref.encode() + rb'"[^>]*>)(<f>.*?</f>)<v>[^<]*</v>', rb"\1\2", data)
        return data

    rezip(path, edit)


def _sheet_parts(path: Path) -> dict[str, str]:
    """Return sheet name -> worksheet part name (XlsxWriter numbers sheets in order)."""
    with zipfile.ZipFile(path) as archive:
        workbook = archive.read("xl/workbook.xml").decode("utf-8")
    names = re.findall(r'<sheet name="([^"]*)"', workbook)
    return {_unescape(n): f"xl/worksheets/sheet{i}.xml" for i, n in enumerate(names, start=1)}


def _unescape(text: str) -> str:
    return text.replace("&apos;", "'").replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">") \
        .replace("&amp;", "&")


def rezip(path: Path | str, edit: Callable[[str, bytes], bytes | None], out: Path | str | None = None,
          add: dict[str, bytes] | None = None, compression: int = zipfile.ZIP_DEFLATED) -> Path:
    """Rewrite a zip package: ``edit(name, data)`` returns new bytes (None keeps, b"" too) per part.

    ``add`` appends parts; ``out`` writes elsewhere (default: in place).
    """
    source = Path(path)
    with zipfile.ZipFile(source) as archive:
        parts = [(info.filename, archive.read(info)) for info in archive.infolist()]
    target = Path(out) if out else source
    with zipfile.ZipFile(target, "w", compression) as archive:
        for name, data in parts:
            new = edit(name, data)
            archive.writestr(name, data if new is None else new)
        for name, data in (add or {}).items():
            archive.writestr(name, data)
    return target


def drop_table(path: Path | str, name: str) -> str:
    """Remove the Excel table ``name`` from a package as LibreOffice does, its cells left on the sheet; return the sheet part.

    The table part, its relationship, the sheet's ``<tablePart>`` and its content type go.
    """
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        target = next(n for n in names if n.startswith("xl/tables/") and re.search(
            rb'displayName="' + re.escape(name.encode()) + rb'"', archive.read(n)))
        base = target.rsplit("/", 1)[1].encode()
        rels = next(n for n in names if n.startswith("xl/worksheets/_rels/") and base in archive.read(n))
        relation = re.search(rb"<Relationship [^>]*" + re.escape(base) + rb'"[^>]*/>', archive.read(rels))
    assert relation is not None
    rid = re.search(rb'Id="([^"]+)"', relation.group(0))
    assert rid is not None
    sheet = rels.replace("_rels/", "").removesuffix(".rels")

    def edit(part: str, data: bytes) -> bytes | None:
        if part == rels:
            return data.replace(relation.group(0), b"")
        if part == sheet:
            data = re.sub(rb'<tablePart r:id="' + re.escape(rid.group(1)) + rb'"/>', b"", data)
            return re.sub(rb'<tableParts count="1">\s*</tableParts>', b"", data)
        if part == "[Content_Types].xml":
            return re.sub(rb'<Override PartName="/' + re.escape(target.encode()) + rb'"[^>]*/>', b"", data)
        return None

    rezip(path, edit)
    with zipfile.ZipFile(path) as archive:
        parts = [(info.filename, archive.read(info)) for info in archive.infolist() if info.filename != target]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, data in parts:
            archive.writestr(part, data)
    return sheet


def read_both_ways(path: Path, monkeypatch: Any) -> tuple:
    """Return (fast read, exact read, tables the fast engine read by column) of ``path``, with validate's findings.

    The fast engine reads a clean table column by column (``FastEngine._read_rows_fast``);
    the exact engine reads every table cell by cell with python-calamine.
    """
    from kpixl.reader import engines
    from kpixl.validate import check_workbook

    fast_tables: list[str] = []
    real = engines.FastEngine._read_rows_fast

    def spy(self, table, *args, **kwargs):
        done = real(self, table, *args, **kwargs)
        if done:
            fast_tables.append(table.name)
        return done

    with monkeypatch.context() as patch:
        patch.setattr(engines.FastEngine, "_read_rows_fast", spy)
        fast = check_workbook(path, AS_OF, engine="fast")
        fast_count = len(fast_tables)
        exact = check_workbook(path, AS_OF, engine="exact")
        assert len(fast_tables) == fast_count, "the exact engine read columns with fastexcel"
    return fast, exact, fast_tables


def assert_same_reads(fast: Any, exact: Any) -> None:
    """Assert two reads of one workbook agree: records (value and type), findings and metadata."""
    assert fast.kpis == exact.kpis
    assert fast.measurements == exact.measurements
    assert fast.evaluations == exact.evaluations
    assert fast.phasing == exact.phasing
    assert fast.findings == exact.findings
    assert (fast.language, fast.department, fast.sheets) == (exact.language, exact.department, exact.sheets)
    # Records of the same type, cell for cell (dataclass equality would hide 1 == 1.0 or True == 1).
    for a, b in zip(fast.kpis + fast.measurements + fast.evaluations + fast.phasing,
                    exact.kpis + exact.measurements + exact.evaluations + exact.phasing):
        assert [type(v) for v in vars(a).values()] == [type(v) for v in vars(b).values()]


def sheet_part(path: Path | str, sheet: str) -> str:
    """Return the worksheet part name (``xl/worksheets/sheetN.xml``) of ``sheet`` in an XlsxWriter file."""
    return _sheet_parts(Path(path))[sheet]


__all__ = ["AS_OF", "START", "DEADLINE", "MONTH_ENDS", "Formula", "Layout", "kpi_row", "measurement_row",
           "evaluation_row", "default_measurements", "write_workbook", "rezip", "drop_table", "sheet_part", "read_both_ways",
           "assert_same_reads"]
