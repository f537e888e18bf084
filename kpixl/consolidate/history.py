"""Own the company's month-by-month picture: KPI history, what changed, and the console table.

:func:`compute_history` evaluates every KPI of a :class:`~kpixl.consolidate.Consolidation`
as of each month-end from the earliest start to the as-of date (and as of the comparison
date ``since``), with the same definitions as the KPIs sheet: the window of measurements
that count (``start <= period end <= D``) is found for every KPI and date at once by
``numpy.searchsorted`` over the measurements sorted once per file; actual, plan,
attainment and status are then the core's own functions on that window
(:func:`kpixl.core.combine`, :func:`~kpixl.core.attainment`, ...), so every cell equals
:func:`kpixl.core.evaluate` as of its date exactly (``tests/test_history.py`` proves it).
The core's ``math.fsum`` is kept on purpose: running sums (``cumsum``) differ from it in
the last bits, which could flip a status at a threshold between the History and KPIs
sheets. Roll-up per date follows the KPIs sheet's rule (an unmeasured high-level KPI takes
its roll-up score).

It also writes the History sheet and the Summary's "changes" section of the company
workbook, and formats the company KPIs table the CLI prints (``consolidate`` and ``demo``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Iterator, Sequence

import numpy as np

from kpixl import core, i18n, schema, texts
from kpixl.errors import DefinitionError
from kpixl.vocab import Language, kpi_key
# The one palette and header colour of every workbook kpixl writes (the company workbook's too).
from kpixl.xlsx import HEADER_FILL, STATUS_COLOURS

if TYPE_CHECKING:  # kpixl.consolidate imports this module
    from kpixl.consolidate.load import KpiLine
    from kpixl.consolidate.tables import Consolidation

# Worst first: how bad a status is, for sorting the changes and calling them better or worse.
SEVERITY = {core.ON_TRACK: 0, core.NOT_STARTED: 1, core.NO_DATA: 2, core.AT_RISK: 3, core.OFF_TRACK: 4}
WORSE, BETTER = "worse", "better"
# The History sheet's first month column (department, KPI ID, name and the roll-up now come before it).
FIRST_DATE = 4

def say(key: str, language: str, **values: Any) -> str:
    """Return the text ``key`` in ``language`` (en or da; kpixl/texts/history.py), with ``values`` filled in."""
    return texts.text("history", key, language, **values)


def _header(key: str, language: str) -> str:
    """Return the department workbook's header of KPIs column ``key`` (department, kpi_id, name)."""
    return schema.KPIS.column(key).header(language)


# ------------------------------------------------------------------ the dates

def previous_month_end(day: date) -> date:
    """Return the last month-end strictly before ``day``."""
    return day.replace(day=1) - timedelta(days=1)


def month_ends(first: date, last: date) -> list[date]:
    """Return every month-end from ``first`` (included if a month-end) to before ``last``, then ``last``."""
    ends = []
    cursor = first.replace(day=1)
    while True:
        following = (cursor.replace(day=28) + timedelta(days=4)).replace(day=1)
        end = following - timedelta(days=1)
        if end >= last:
            break
        ends.append(end)
        cursor = following
    return ends + [last]


def first_date(company: Consolidation) -> date:
    """Return where the history begins: the earliest start, else the earliest measurement, else the as-of date."""
    starts = [line.record.start for line in company.kpis if line.record.start is not None]
    if starts:
        return min(min(starts), company.as_of)
    ends = [end for source in company.included for end in _columns(source.measurements)[1]]
    return min([company.as_of, *ends])


# ------------------------------------------------------------------ computing

@dataclass(frozen=True)
class Point:
    """Hold one KPI as of one date: actual, plan, attainment (own, or roll-up), status and roll-up score."""

    actual: float | None
    plan: float | None
    attainment: float | None
    status: str
    rollup_score: float | None = None


_BLANK = Point(None, None, None, core.NO_DATA)


@dataclass
class History:
    """Hold every KPI line's points: one per date of ``dates`` (month-ends, then the as-of date) and ``since``."""

    dates: list[date]
    since: date
    lines: list[KpiLine]
    points: list[dict[date, Point]]  # per line, by date

    def at(self, index: int, day: date) -> Point:
        """Return line ``index`` as of ``day`` (one of the dates or ``since``)."""
        return self.points[index][day]

    @property
    def as_of(self) -> date:
        """Return the as-of date (the last column)."""
        return self.dates[-1]

    def changes(self) -> list[Change]:
        """Return the KPIs whose status differs between ``since`` and the as-of date, worst first."""
        found = []
        for index, line in enumerate(self.lines):
            before, after = self.at(index, self.since), self.at(index, self.as_of)
            if before.status != after.status:
                found.append(Change(index, line, before, after))
        found.sort(key=lambda c: (-SEVERITY[c.after.status], SEVERITY[c.before.status], c.index))
        return found

    def change_counts(self) -> list[tuple[str | None, int, int, int]]:
        """Return (department, changed, worse, better) per department in input order, then the company (None)."""
        counts: dict[str | None, list[int]] = {line.department: [0, 0, 0] for line in self.lines}
        total = [0, 0, 0]
        for change in self.changes():
            for row in (counts[change.line.department], total):
                row[0] += 1
                row[1 if change.direction == WORSE else 2] += 1
        return [(d, c[0], c[1], c[2]) for d, c in counts.items()] + [(None, total[0], total[1], total[2])]


@dataclass(frozen=True)
class Change:
    """Hold one KPI whose status changed: its line and its points at the comparison and as-of dates."""

    index: int
    line: KpiLine
    before: Point
    after: Point

    @property
    def direction(self) -> str:
        """Return ``worse`` or ``better`` (by status severity)."""
        return WORSE if SEVERITY[self.after.status] > SEVERITY[self.before.status] else BETTER


def compute_history(company: Consolidation, since: date | None = None) -> History:
    """Return every KPI line of ``company`` as of each month-end, the as-of date and ``since``.

    ``since`` defaults to the month-end before the as-of date; it must be before the as-of date.
    """
    as_of = company.as_of
    since = since or previous_month_end(as_of)
    if since >= as_of:
        raise DefinitionError(f"the comparison date {since.isoformat()} is not before the as-of date "
                              f"{as_of.isoformat()}; give an earlier --since")
    dates = month_ends(first_date(company), as_of)
    every = sorted(set(dates) | {since})
    lines = company.kpis
    index_of = {id(line): i for i, line in enumerate(lines)}
    own: list[list[Point]] = [[_BLANK] * len(every) for _ in lines]
    for source in company.included:
        for line, found in _source_points(source, every):
            own[index_of[id(line)]] = found
    return History(dates=dates, since=since, lines=lines,
                   points=_with_rollup(company, lines, own, every, index_of))


def _columns(measurements: Any) -> tuple[Sequence, Sequence, Sequence]:
    """Return (KPI IDs, period ends, values) of a source's measurement rows (compact or tuples)."""
    if hasattr(measurements, "kpi_ids"):
        return measurements.kpi_ids, measurements.ends, measurements.values
    rows = list(measurements)
    return [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]


def _source_points(source, every: list[date]) -> Iterator[tuple[KpiLine, list[Point]]]:
    """Yield (line, points per date) for each evaluated KPI of one source."""
    lines = [line for line in source.kpis if line.result is not None]
    if not lines:
        return
    # The same grouping as the evaluation: DepartmentWorkbook.measurements_by_kpi (by KPI ID as read).
    code: dict[str, int] = {}
    for line in lines:
        code.setdefault(line.record.kpi_id, len(code))
    kpi_ids, ends, values = _columns(source.measurements)
    serial_of = {d: core.to_serial(d) for d in set(ends)}
    keys = (np.array([code.get(k, -1) for k in kpi_ids], np.int64) << 32) | \
        np.array(list(map(serial_of.__getitem__, ends)), np.int64)
    # Stable: measurements of one period end keep their input order, as core.window keeps them ("last").
    order = np.argsort(keys, kind="stable")
    keys = keys[order]
    ordered = order.tolist()
    sorted_values = [values[i] for i in ordered]
    days = np.array([core.to_serial(d) for d in every], np.int64)
    heads = np.array([code[line.record.kpi_id] for line in lines], np.int64) << 32
    starts = np.array([core.to_serial(line.record.start) if line.record.start else 0 for line in lines], np.int64)
    low = np.searchsorted(keys, heads | starts, side="left")
    high = np.searchsorted(keys, heads[:, None] | days[None, :], side="right")
    high = np.maximum(high, low[:, None])  # a date before the start: an empty window
    for i, line in enumerate(lines):
        yield line, _points(line.record.definition(), sorted_values, int(low[i]), high[i].tolist(), every)


def _points(d: core.KpiDefinition, values: list, low: int, highs: list[int], every: list[date]) -> list[Point]:
    """Return the KPI's point per date from its windows values[low:high] (the core's functions, as evaluate)."""
    out: list[Point] = []
    last: tuple | None = None
    for day, high in zip(every, highs):
        try:
            f = d.phase(day)  # Φ: the profile's share of the plan by that day (f without a profile)
            if (high, f) == last:  # the same window and elapsed fraction: the same numbers
                out.append(out[-1])
                continue
            last = (high, f)
            act = core.combine(values[low:high], d.aggregation)
            att = core.attainment(act, d.target, d.baseline, d.direction, f, d.aggregation, d.tolerance)
            stat = core.status_of(att, d.green, d.amber, started=not core.not_started(f, d.direction, d.aggregation))
            out.append(Point(act, core.plan(d.target, d.baseline, d.direction, f, d.aggregation, d.tolerance),
                             att, stat))
        except DefinitionError:  # as evaluate would raise on that date: nothing to show (the KPIs sheet says why)
            out.append(_BLANK)
    return out


def _with_rollup(company: Consolidation, lines: list[KpiLine], own: list[list[Point]], every: list[date],
                 index_of: dict[int, int]) -> list[dict[date, Point]]:
    """Return the points with the roll-up per date, by the KPIs sheet's rule (kpixl.consolidate.rules._rollup)."""
    out = []
    for i, line in enumerate(lines):
        points = own[i]
        kids = company.children.get(kpi_key(line.record.kpi_id), []) if line.is_high else []
        if kids:
            weights = [k.record.effective_weight for k in kids]
            rows = [own[index_of[id(k)]] for k in kids]
            definition = line.record.definition()
            rolled = []
            for j, point in enumerate(points):
                score = core.rollup([r[j].attainment for r in rows], weights)
                if not line.measured and score is not None:
                    point = Point(point.actual, point.plan, score,
                                  core.status_of(score, definition.green, definition.amber), score)
                else:
                    point = Point(point.actual, point.plan, point.attainment, point.status, score)
                rolled.append(point)
            points = rolled
        out.append(dict(zip(every, points)))
    return out


# ------------------------------------------------------------------ the workbook

def _status_cell_formats(workbook, kind: str, cache: dict) -> dict[str, Any]:
    """Return per status a cell format of ``kind`` (pct or text) in the status colours (made once)."""
    key = ("history-status", kind)
    if key not in cache:
        extra = {"num_format": "0.0%"} if kind == "pct" else {}
        cache[key] = {s: workbook.add_format({"bg_color": fill, "font_color": font, "border": 1,
                                              "border_color": "#FFFFFF", **extra})
                      for s, (fill, font) in STATUS_COLOURS.items()}
    return cache[key]


def write_history_sheet(workbook, company: Consolidation, formats: dict, language: str, sheet=None,
                        max_rows: int | None = None) -> None:
    """Write the History sheet: one row per KPI (and per high-level roll-up), one column per month-end.

    Each cell is the attainment as of that date, coloured by its status; a blank cell in a
    status colour means Not started or No data (the legend says which colour is which).
    Beyond ``max_rows`` the rows continue on ``History (2)``... with the header repeated.
    """
    # Imported here: kpixl.consolidate imports this module.
    from kpixl.consolidate.tables import sheet_name
    from kpixl.consolidate.write import MAX_SHEET_ROWS, _print_setup, wrapped_lines
    from kpixl.template.layout import ROW_HEIGHT

    history = company.history
    lang = language
    if "header_date" not in formats:
        formats["header_date"] = workbook.add_format({"bold": True, "bg_color": HEADER_FILL, "font_color": "#FFFFFF",
                                                      "num_format": "yyyy-mm-dd", "valign": "top",
                                                      "align": "center"})
    pct = _status_cell_formats(workbook, "pct", formats)
    text = _status_cell_formats(workbook, "text", formats)
    limit = max_rows or MAX_SHEET_ROWS
    if "history_wrap" not in formats:
        formats["history_wrap"] = workbook.add_format({"text_wrap": True, "valign": "top"})
    # Names wrap in a column as wide as the longest (up to 40): a Danish name is not cut at the next cell.
    name_width = min(40.0, max([30.0] + [len(str(line.record.name or "")) * 1.1 + 2 for line in history.lines]))
    base = sheet_name("history", lang)
    state = {"sheet": sheet, "number": 0, "row": 0}
    top = 3

    def open_sheet():
        state["number"] += 1
        if state["sheet"] is None or state["number"] > 1:
            state["sheet"] = workbook.add_worksheet(base if state["number"] == 1 else f"{base} ({state['number']})")
        ws = state["sheet"]
        _print_setup(ws)
        ws.set_column(0, 0, 16)
        ws.set_column(1, 1, 12)
        ws.set_column(2, 2, name_width, formats["history_wrap"])
        ws.set_column(3, 3, 11)
        ws.set_column(FIRST_DATE, FIRST_DATE + len(history.dates) - 1, 10.5)
        ws.write_string(0, 0, say("title", lang), formats["title"])
        ws.write_string(1, 0, say("as_of", lang), formats["bold"])
        ws.write_number(1, 1, core.to_serial(history.as_of), formats["date"])
        ws.write_string(1, 2, say("legend", lang) + ":", formats["bold"])
        for c, status in enumerate((core.ON_TRACK, core.AT_RISK, core.OFF_TRACK, core.NOT_STARTED, core.NO_DATA)):
            ws.write_string(1, FIRST_DATE + c, core.word("status", status, lang), text[status])
        ws.set_row(top, 30)
        for c, head in enumerate((_header("department", lang), _header("kpi_id", lang), _header("name", lang),
                                  say("rollup_now", lang))):
            ws.write_string(top, c, head, formats["header"])
        for c, day in enumerate(history.dates, start=FIRST_DATE):
            ws.write_number(top, c, core.to_serial(day), formats["header_date"])
        ws.freeze_panes(top + 1, FIRST_DATE)
        ws.repeat_rows(top)
        # A year of months is too wide for one page at a readable size: 70%, the KPI repeated on every page.
        ws.fit_to_pages(0, 0)
        ws.set_print_scale(70)
        ws.repeat_columns(0, FIRST_DATE - 1)
        state["row"] = top

    def write_row(head: tuple, rollup: tuple[float | None, str] | None, cells: list[tuple[float | None, str]]):
        if state["row"] + 1 >= limit:
            open_sheet()
        r = state["row"] = state["row"] + 1
        ws = state["sheet"]
        name = head[2]
        lines = wrapped_lines(name, name_width)
        if lines > 1:
            ws.set_row(r, ROW_HEIGHT * lines)
        for c, value in enumerate(head):
            if value is not None:
                ws.write_string(r, c, str(value))
        if rollup is not None and rollup[0] is not None:
            ws.write_number(r, 3, rollup[0], pct[rollup[1]])
        for c, (value, status) in enumerate(cells, start=FIRST_DATE):
            if value is None:
                ws.write_blank(r, c, None, text[status])
            else:
                ws.write_number(r, c, value, pct[status])

    open_sheet()
    for index, line in enumerate(history.lines):
        record = line.record
        points = [history.at(index, day) for day in history.dates]
        # One row per KPI: a company KPI's roll-up as of now sits beside its own month-by-month attainment.
        rollup = None
        if line.is_high and company.children.get(kpi_key(record.kpi_id)):
            definition = record.definition()
            rollup = (line.rollup_score, core.status_of(line.rollup_score, definition.green, definition.amber))
        write_row((line.department, record.kpi_id, record.name), rollup,
                  [(p.attainment, p.status) for p in points])


def write_changes(workbook, sheet, company: Consolidation, formats: dict, language: str, row: int) -> None:
    """Write, from ``row`` of the Summary sheet down, the status changes since the comparison date.

    First the counts per department (changed, worse, better), then each changed KPI,
    worst first (from -> to, with its attainment on both dates).
    """
    history = company.history
    lang = language
    since, as_of = history.since.isoformat(), history.as_of.isoformat()
    text = _status_cell_formats(workbook, "text", formats)
    if "indent" not in formats:
        formats["indent"] = workbook.add_format({"indent": 1})
    sheet.write_string(row, 0, say("changes", lang, since=since), formats["title"])
    row += 2
    for c, head in enumerate((_header("department", lang), say("changed", lang), say("worse", lang),
                              say("better", lang))):
        sheet.write_string(row, c, head, formats["header_num" if c else "header"])  # numbers' heads to the right
    counts = history.change_counts()
    for department, changed, worse, better in counts:
        row += 1
        total = department is None
        name = say("company", lang) if total else str(department)
        sheet.write_string(row, 0, name, formats["bold"] if total else None)
        for c, value in enumerate((changed, worse, better), start=1):
            sheet.write_number(row, c, value, formats["bold_int"] if total else None)
    row += 2
    changes = history.changes()
    if not changes:
        sheet.write_string(row, 0, say("none", lang, since=since))
        return
    # The name comes last: the Summary's columns are narrow, and a long name may run on to the right.
    heads = (_header("department", lang), _header("kpi_id", lang), say("status_on", lang, day=since),
             say("status_on", lang, day=as_of), say("attainment_on", lang, day=since),
             say("attainment_on", lang, day=as_of), _header("name", lang))
    sheet.set_row(row, 30)
    for c, head in enumerate(heads):
        sheet.write_string(row, c, head, formats["header_num" if c in (4, 5) else "header"])
    for change in changes:
        row += 1
        line = change.line
        sheet.write_string(row, 0, str(line.department))
        sheet.write_string(row, 1, str(line.record.kpi_id))
        sheet.write_string(row, 2, core.word("status", change.before.status, lang), text[change.before.status])
        sheet.write_string(row, 3, core.word("status", change.after.status, lang), text[change.after.status])
        for c, shown in ((4, change.before.attainment), (5, change.after.attainment)):
            if shown is not None:
                sheet.write_number(row, c, shown, formats["pct"])
        name = str(line.record.name or "")
        if line.incomplete:  # children may be missing: this is no normal movement
            name = say("not_comparable", lang, name=name).strip()
        if name:
            # Indented: a right-aligned attainment beside it must not read as one word ("86.2%Revenue").
            sheet.write_string(row, 6, name, formats["indent"])


# ------------------------------------------------------------------ the console

@dataclass(frozen=True)
class CompanyKpi:
    """Hold one high-level KPI's line of the console table (statuses canonical, in English)."""

    kpi_id: str
    name: str
    attainment: float | None
    status: str
    rollup_score: float | None
    previous_attainment: float | None = None
    previous_status: str | None = None
    incomplete: bool = False  # children may be missing (--skip-invalid): the change is not comparable


def company_kpis(company: Consolidation) -> list[CompanyKpi]:
    """Return the high-level KPIs with their attainment now and at the comparison date."""
    history = company.history
    out = []
    for index, line in enumerate(history.lines):
        if not line.is_high:
            continue
        before = history.at(index, history.since)
        attainment = before.attainment
        if company.presented is not None:  # consolidate --previous: against what was presented
            attainment = company.presented.get((" ".join(str(line.department).split()).casefold(),
                                                kpi_key(line.record.kpi_id)))
        out.append(CompanyKpi(line.record.kpi_id, line.record.name or line.record.kpi_id, line.attainment,
                              line.status, line.rollup_score, attainment, before.status, line.incomplete))
    return out


def _pct(value: float | None, language: str) -> str:
    return "-" if value is None else i18n.format_percent(value, Language.parse(language))


def _change(kpi: CompanyKpi, language: str) -> str:
    if kpi.previous_status is None:
        return "-"
    parts = []
    if kpi.attainment is not None and kpi.previous_attainment is not None:
        points = (kpi.attainment - kpi.previous_attainment) * 100
        sign = "+" if round(points, 1) >= 0 else "-"
        parts.append(f"{sign}{i18n.format_number(abs(points), Language.parse(language), 1)} "
                     f"{say('pp', language)}")
    if kpi.previous_status != kpi.status:
        parts.append(f"{say('was', language)} {core.word('status', kpi.previous_status, language)}")
    return ", ".join(parts) or "-"


def kpi_table(kpis: Sequence[CompanyKpi], language: str, since: date | None = None) -> list[str]:
    """Return the company KPIs as aligned text rows: ID, name, attainment, status, roll-up and change.

    The change column (attainment in percentage points, and the status before if it
    differs) is shown when ``since`` is given.
    """
    keys = ("id", "kpi", "attainment", "status", "rollup_head")
    head = tuple(say(k, language) for k in keys)
    if since is not None:
        head += (say("change", language, since=since.isoformat()),)
    rows = [head]
    for k in kpis:
        row = (k.kpi_id, k.name, _pct(k.attainment, language), core.word("status", k.status, language),
               _pct(k.rollup_score, language))
        # An incomplete KPI's change is marked: it compares a picture lacking children with a whole one.
        change = _change(k, language) + (" *" if k.incomplete else "")
        rows.append(row + ((change,) if since is not None else ()))
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    right = {2, 4}  # numbers are right-aligned
    return ["  ".join(cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
                      for i, cell in enumerate(row)).rstrip() for row in rows]


__all__ = ["compute_history", "History", "Point", "Change", "CompanyKpi", "company_kpis", "kpi_table",
           "month_ends", "previous_month_end", "write_history_sheet",
           "write_changes", "SEVERITY"]

