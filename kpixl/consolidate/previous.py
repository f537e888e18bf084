"""Own ``consolidate --previous``: what changed in the past since last month's company workbook was presented.

:func:`read_previous` reads a company workbook kpixl wrote (either language): its as-of date
(Summary), every measurement (Measurements, continued sheets included) and every KPI's
attainment at each month-end (History). :func:`compare` sets on a
:class:`~kpixl.consolidate.tables.Consolidation` what was presented (each KPI's attainment
as of the previous as-of date: the change since last month is measured against it) and
every restatement: a value of a period up to the previous as-of date that differs
(corrected, added late or deleted), and a past month-end attainment that differs. Each
names the KPI, the period, the old and new value and the department file and cell.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from python_calamine import CalamineError, CalamineWorkbook

from kpixl import core
from kpixl.consolidate.load import _key, _origin
from kpixl.consolidate.tables import MEASUREMENT_COLUMNS, Consolidation, sheet_name
from kpixl.errors import WorkbookError
from kpixl.vocab import Language, kpi_key


VALUE, ATTAINMENT = "value", "attainment"
# Attainments are compared as stored (full precision); values too: a correction is any difference.
TOLERANCE = 1e-9
E_PREVIOUS = "KPX608"


@dataclass
class Previous:
    """Hold what last month's company workbook presented."""

    path: Path
    as_of: date
    values: dict[tuple[str, str, date], tuple[float, str | None, str | None]] = field(default_factory=dict)
    attainments: dict[tuple[str, str], dict[date, float | None]] = field(default_factory=dict)
    month_ends: list[date] = field(default_factory=list)

    @property
    def name(self) -> str:
        """Return the file name, as the Summary says it."""
        return self.path.name


@dataclass(frozen=True)
class Restatement:
    """Hold one past number that changed since it was presented."""

    kind: str  # value | attainment
    department: str
    kpi_id: str
    name: str | None
    period: date
    old: float | None
    new: float | None
    source: str | None
    cell: str | None

    @property
    def change(self) -> float | None:
        """Return new minus old (None when one is blank)."""
        return None if self.old is None or self.new is None else self.new - self.old


def _day(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return None


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _fail(path: Path, reason: str) -> None:
    raise WorkbookError(f"--previous {reason}; give the company workbook kpixl consolidate wrote last month",
                        path=str(path), code=E_PREVIOUS)


def _sheets(book: CalamineWorkbook, table: str) -> tuple[Language, list[str]]:
    """Return the language and the sheets of company ``table`` (its first sheet, then ``Name (2)``...)."""
    names = book.sheet_names
    for language in Language:
        base = sheet_name(table, language)
        if base in names:
            return language, [base] + [n for n in names if n.startswith(f"{base} (")]
    return Language.EN, []


def read_previous(path: Path | str | None) -> Previous | None:
    """Return what the company workbook at ``path`` presented (None without one); raise WorkbookError if it is none."""
    if path is None:
        return None
    path = Path(path)
    try:
        book = CalamineWorkbook.from_path(str(path))
    except (CalamineError, OSError, ValueError) as error:
        _fail(path, f"cannot be read as a workbook ({type(error).__name__}: {error})")
    language, summary = _sheets(book, "summary")
    _, history = _sheets(book, "history")
    _, measurements = _sheets(book, "measurements")
    if not summary or not history or not measurements:
        _fail(path, "is not a company workbook (no Summary, History and Measurements sheets)")
    grid = book.get_sheet_by_name(summary[0]).to_python(skip_empty_area=False)
    as_of = _day(grid[1][1]) if len(grid) > 1 and len(grid[1]) > 1 else None
    if as_of is None:
        _fail(path, f"has no as-of date in {summary[0]}!B2")
    assert as_of is not None
    previous = Previous(path, as_of)
    _read_measurements(book, measurements, language, previous)
    _read_history(book, history, language, previous)
    return previous


def _columns(header: list[Any], keys: dict[str, str]) -> dict[str, int]:
    """Return the column index of each key whose header (either language) is in ``header``."""
    folded = [" ".join(str(h).split()).casefold() if h is not None else "" for h in header]
    found = {}
    for key, head in keys.items():
        if head.casefold() in folded:
            found[key] = folded.index(head.casefold())
    return found


def _read_measurements(book: CalamineWorkbook, sheets: list[str], language: Language, previous: Previous) -> None:
    keys = {col.key: col.header(language) for col in MEASUREMENT_COLUMNS}
    for name in sheets:
        rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        at = _columns(rows[0] if rows else [], keys)
        if not {"department", "kpi_id", "period_end", "value"} <= set(at):
            _fail(previous.path, f"has no Department, KPI ID, Period end and Value columns on {name}")
        for row in rows[1:]:
            end, value = _day(row[at["period_end"]]), _number(row[at["value"]])
            if end is None or value is None:
                continue
            key = (_key(str(row[at["department"]])), kpi_key(row[at["kpi_id"]]), end)
            previous.values[key] = (value, _text(row, at.get("source")), _text(row, at.get("origin")))


def _text(row: list[Any], index: int | None) -> str | None:
    if index is None or index >= len(row) or core.is_blank(row[index]):
        return None
    return str(row[index])


def _read_history(book: CalamineWorkbook, sheets: list[str], language: Language, previous: Previous) -> None:
    top = 3  # kpixl.consolidate.history_out.write_history_sheet: title, as of, legend, then the header row
    for name in sheets:
        rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        if len(rows) <= top:
            continue
        # The month-ends head the columns after the KPI's own (an older workbook has no Roll-up now column).
        dates = [(c, _day(v)) for c, v in enumerate(rows[top]) if c >= 3 and _day(v) is not None]
        previous.month_ends = [d for _, d in dates if d is not None]
        for row in rows[top + 1:]:
            key = (_key(str(row[0])), kpi_key(row[1]))
            if core.is_blank(row[1]) or key in previous.attainments:
                continue  # a roll-up row of an older workbook repeats its KPI: the first is the KPI's own
            previous.attainments[key] = {d: _number(row[c]) if c < len(row) else None for c, d in dates
                                         if d is not None}


def _differs(old: float | None, new: float | None) -> bool:
    if old is None or new is None:
        return (old is None) != (new is None)
    return not math.isclose(old, new, rel_tol=TOLERANCE, abs_tol=TOLERANCE)


def compare(company: Consolidation, previous: Previous | None) -> None:
    """Set what ``previous`` presented and every restatement since on ``company`` (nothing without it)."""
    if previous is None:
        return
    company.previous = previous
    company.presented = {key: points.get(previous.as_of) for key, points in previous.attainments.items()}
    lines = {(_key(line.department), kpi_key(line.record.kpi_id)): line for line in company.kpis}
    found: list[Restatement] = []
    current: dict[tuple[str, str, date], tuple[float, str | None, str | None]] = {}
    for source in company.included:
        rows = source.measurements
        for kpi_id, end, value, origin in zip(rows.column("kpi_id"), rows.column("period_end"), rows.column("value"),
                                              rows.column("origin")):
            if end <= previous.as_of:
                current[(_key(source.department), kpi_key(kpi_id), end)] = (value, source.path, origin)
    # Only the periods the report covered: a value dated after it (typed ahead) was not presented.
    shown = {key for key in previous.values if key[2] <= previous.as_of}
    for key in sorted(set(current) | shown, key=lambda k: (k[0], k[1], k[2])):
        old, new = previous.values.get(key), current.get(key)
        if _differs(old[0] if old else None, new[0] if new else None):
            where = new or old
            assert where is not None
            line = lines.get(key[:2])
            found.append(Restatement(VALUE, line.department if line else key[0], _kpi_id(line, key[1]),
                                     line.record.name if line else None, key[2], old[0] if old else None,
                                     new[0] if new else None, where[1], where[2]))
    found.extend(_attainments(company, previous, lines))
    company.restatements = found


def _kpi_id(line: Any, key: str) -> str:
    return str(line.record.kpi_id) if line is not None else key


def _attainments(company: Consolidation, previous: Previous, lines: dict) -> list[Restatement]:
    """Return the month-ends up to the previous as-of date whose attainment changed."""
    history = company.history
    index = {id(line): i for i, line in enumerate(history.lines)}
    shared = [d for d in previous.month_ends if d <= previous.as_of and d in history.dates]
    found = []
    for key, points in previous.attainments.items():
        line = lines.get(key)
        if line is None:
            continue
        for day in shared:
            new = history.at(index[id(line)], day).attainment
            if _differs(points.get(day), new):
                found.append(Restatement(ATTAINMENT, line.department, str(line.record.kpi_id), line.record.name,
                                         day, points.get(day), new, line.source, _origin(line.record.place)))
    return found


__all__ = ["Previous", "Restatement", "read_previous", "compare", "VALUE", "ATTAINMENT"]
