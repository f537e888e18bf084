"""Own the Summary's answers to the monthly management meeting's three questions.

1. Which company KPIs are off plan, and by how much? (:func:`company_rows`: every high-level
   KPI, worst first, its own attainment and its roll-up side by side, actual against plan.)
2. What changed since last month, including the KPIs that stay red? (:func:`still_red`: every
   KPI Off track now and at the comparison date, with how many month-ends running.)
3. Who owes an action? (:func:`owed`: per action owner the open and overdue actions.)

:func:`write_meeting` writes the three sections at the top of the Summary sheet; every number
comes from the consolidation (:mod:`kpixl.core` through :mod:`kpixl.consolidate.history`), every word from
the catalogue (``consolidate.meeting.*``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from kpixl import core, schema, texts
from kpixl.consolidate.history import SEVERITY
from kpixl.consolidate.load import KpiLine
from kpixl.consolidate.tables import Consolidation
from kpixl.template.layout import ROW_HEIGHT, wrapped_lines
from kpixl.vocab import is_percent_unit, kpi_key


def say(key: str, language: str, **values: Any) -> str:
    """Return the Summary's text ``meeting.<key>`` in ``language``."""
    return texts.text("consolidate", f"meeting.{key}", language, **values)


@dataclass(frozen=True)
class CompanyRow:
    """Hold one company KPI as the meeting sees it: status, own attainment, roll-up, actual against plan."""

    line: KpiLine
    before: float | None  # its attainment last month (as presented, with --previous)
    months_red: int

    @property
    def gap(self) -> float | None:
        """Return actual minus plan in the KPI's unit (None without both)."""
        result = self.line.result
        if result is None or result.actual is None:
            return None
        return result.actual - result.plan


@dataclass(frozen=True)
class Owed:
    """Hold one action owner's open actions: how many, how many overdue, the earliest due date."""

    owner: str
    open: int
    overdue: int
    first_due: date | None
    kpis: str


def months_red(company: Consolidation, line: KpiLine) -> int:
    """Return how many of the history's dates running, back from the as-of date, ``line`` was Off track."""
    history = company.history
    index = history.index_of(line)
    count = 0
    for day in reversed(history.dates):
        if history.at(index, day).status != core.OFF_TRACK:
            break
        count += 1
    return count


def previous_attainment(company: Consolidation, line: KpiLine) -> float | None:
    """Return the KPI's attainment last month: as presented (``--previous``), else as of the comparison date."""
    presented = company.presented
    if presented is not None:
        return presented.get((str(line.department).casefold(), kpi_key(line.record.kpi_id)))
    history = company.history
    return history.at(history.index_of(line), history.since).attainment


def company_rows(company: Consolidation) -> list[CompanyRow]:
    """Return every company (high-level) KPI, worst status first, then lowest attainment."""
    rows = [CompanyRow(line, previous_attainment(company, line), months_red(company, line))
            for line in company.kpis if line.is_high]
    rows.sort(key=lambda row: (-SEVERITY[row.line.status], _low_first(row.line.attainment)))
    return rows


def still_red(company: Consolidation) -> list[CompanyRow]:
    """Return every KPI Off track now and at the comparison date (company KPIs first, longest red first)."""
    history = company.history
    rows = [CompanyRow(line, previous_attainment(company, line), months_red(company, line))
            for line in company.kpis if line.status == core.OFF_TRACK
            and history.at(history.index_of(line), history.since).status == core.OFF_TRACK]
    rows.sort(key=lambda row: (not row.line.is_high, -row.months_red, _low_first(row.line.attainment)))
    return rows


def owed(company: Consolidation) -> list[Owed]:
    """Return per action owner the open actions (most overdue first); a blank owner is its own line."""
    by_owner: dict[str, list[tuple[Any, Any]]] = {}
    for line in company.kpis:
        for action in company.kpi_words[id(line)].open_actions:
            who = (action.action_owner or "").strip()
            by_owner.setdefault(who, []).append((line, action))
    found = []
    for who, items in by_owner.items():
        dues = [a.due_date for _, a in items if a.due_date is not None]
        late = sum(1 for d in dues if d < company.as_of)
        ids = sorted({str(line.record.kpi_id) for line, _ in items})
        found.append(Owed(who, len(items), late, min(dues) if dues else None, ", ".join(ids)))
    found.sort(key=lambda o: (-o.overdue, o.first_due or date.max, o.owner.casefold()))
    return found


def _low_first(value: float | None) -> float:
    return float("-inf") if value is None else value


# ------------------------------------------------------------------ the sheet

def write_meeting(workbook, sheet, company: Consolidation, formats: dict, lang: str, row: int) -> int:
    """Write the three answers from ``row`` of the Summary down; return the first free row below them."""
    row = _write_company(sheet, company, formats, lang, row)
    row = _write_red(sheet, company, formats, lang, row + 1)
    row = _write_owed(sheet, company, formats, lang, row + 1)
    return row + 1


def _heads(sheet, formats: dict, row: int, heads: list[tuple[str, bool]]) -> None:
    sheet.set_row(row, 30)
    for c, (head, number) in enumerate(heads):
        sheet.write_string(row, c, head, formats["header_num" if number else "header"])


def _pct(sheet, row: int, col: int, value: float | None, fmt) -> None:
    if value is not None:
        sheet.write_number(row, col, value, fmt)


def _write_company(sheet, company: Consolidation, formats: dict, lang: str, row: int) -> int:
    rows = company_rows(company)
    off = sum(1 for r in rows if r.line.status in (core.OFF_TRACK, core.AT_RISK))
    sheet.write_string(row, 0, say("q1", lang, off=off, total=len(rows)), formats["title"])
    row += 1
    before = say("presented", lang) if company.presented is not None else say("since", lang,
                                                                               day=company.history.since.isoformat())
    heads = [(say("kpi", lang), False), (schema.KPIS.column("status").header(lang), False),
             (say("own", lang), True), (say("rollup", lang), True), (say("change", lang, before=before), True),
             (schema.KPIS.column("actual").header(lang), True), (schema.KPIS.column("plan").header(lang), True),
             (say("gap", lang), True), (schema.KPIS.column("owner").header(lang), False)]
    _heads(sheet, formats, row, heads)
    for item in rows:
        row += 1
        line, result = item.line, item.line.result
        _wrapped(sheet, formats, row, [(0, _kpi_text(line), formats["first_width"])])
        sheet.write_string(row, 1, core.word("status", line.status, lang), formats["status"][line.status])
        own = result.attainment if result is not None else None
        _pct(sheet, row, 2, own, formats["pct"])
        _pct(sheet, row, 3, line.rollup_score, formats["pct"])
        if line.attainment is not None and item.before is not None:
            sheet.write_number(row, 4, (line.attainment - item.before) * 100, formats["pp"])
        number = formats["pct"] if _is_percent(line) else formats["calc"]
        if result is not None and result.actual is not None:
            sheet.write_number(row, 5, result.actual, number)
            sheet.write_number(row, 6, result.plan, number)
            sheet.write_number(row, 7, item.gap, number)
        if line.record.owner:
            sheet.write_string(row, 8, str(line.record.owner))
    if not rows:
        row += 1
        sheet.write_string(row, 0, say("no_company", lang), formats["note"])
    return row + 1


def _kpi_text(line: KpiLine) -> str:
    """Return a KPI as the meeting names it: its ID and name."""
    name = line.record.name
    return f"{line.record.kpi_id} {name}" if name else str(line.record.kpi_id)


def _wrapped(sheet, formats: dict, row: int, cells: list[tuple[int, str, float]]) -> None:
    """Write text cells (column, text, column width) wrapped, the row tall enough: no text runs into the next cell."""
    lines = max(wrapped_lines(text, width) for _, text, width in cells)
    if lines > 1:
        sheet.set_row(row, ROW_HEIGHT * lines)
    for col, text, _ in cells:
        if text:
            sheet.write_string(row, col, text, formats["wrap"])


def _is_percent(line: KpiLine) -> bool:
    return is_percent_unit(line.record.unit)


def _write_red(sheet, company: Consolidation, formats: dict, lang: str, row: int) -> int:
    rows = still_red(company)
    since = company.history.since.isoformat()
    sheet.write_string(row, 0, say("q2", lang, n=len(rows), since=since), formats["title"])
    row += 1
    if not rows:
        sheet.write_string(row, 0, say("none_red", lang, since=since), formats["note"])
        return row + 1
    before = say("presented", lang) if company.presented is not None else say("since", lang, day=since)
    heads = [(say("kpi", lang), False), (schema.KPIS.column("department").header(lang), False),
             (say("months_red", lang), True), (schema.KPIS.column("attainment").header(lang), True),
             (say("change", lang, before=before), True), (schema.KPIS.column("owner").header(lang), False),
             (say("comment", lang), False)]
    _heads(sheet, formats, row, heads)
    for item in rows:
        row += 1
        line = item.line
        word = company.kpi_words[id(line)]
        latest = word.latest
        said = (latest.comment or latest.action) if latest is not None else None
        _wrapped(sheet, formats, row, [(0, _kpi_text(line), formats["first_width"]),
                                       (1, str(line.department), 12), (5, str(line.record.owner or ""), 12)])
        # The last column: a long comment runs on to the right, over empty cells.
        sheet.write_string(row, 6, said or texts.text("consolidate", "no_comment", lang))
        sheet.write_number(row, 2, item.months_red, formats["int"])
        _pct(sheet, row, 3, line.attainment, formats["status_pct"][line.status])
        if line.attainment is not None and item.before is not None:
            sheet.write_number(row, 4, (line.attainment - item.before) * 100, formats["pp"])
    return row + 1


def _write_owed(sheet, company: Consolidation, formats: dict, lang: str, row: int) -> int:
    rows = owed(company)
    sheet.write_string(row, 0, say("q3", lang, n=sum(o.open for o in rows),
                                   late=sum(o.overdue for o in rows)), formats["title"])
    row += 1
    if not rows:
        sheet.write_string(row, 0, say("none_owed", lang), formats["note"])
        return row + 1
    heads = [(schema.COMMENTARY.column("action_owner").header(lang), False), (say("open", lang), True),
             (say("overdue", lang), True), (say("first_due", lang), True),
             (schema.KPIS.column("kpi_id").header(lang), False)]
    _heads(sheet, formats, row, heads)
    for item in rows:
        row += 1
        _wrapped(sheet, formats, row, [(0, item.owner or texts.text("consolidate", "no_owner", lang),
                                        formats["first_width"])])
        sheet.write_number(row, 1, item.open, formats["int"])
        sheet.write_number(row, 2, item.overdue, formats["late"] if item.overdue else formats["int"])
        if item.first_due is not None:
            sheet.write_number(row, 3, core.to_serial(item.first_due), formats["date_center"])
        sheet.write_string(row, 4, item.kpis)
    return row + 1


__all__ = ["CompanyRow", "Owed", "company_rows", "still_red", "owed", "months_red", "previous_attainment",
           "write_meeting"]


def restatement_line(company: Consolidation, lang: str) -> str:
    """Return the Summary's one line on past values: compared with last month's report, or how to compare."""
    previous = getattr(company, "previous", None)
    if previous is None:
        return say("no_previous", lang)
    key = "restated" if company.restatements else "no_restatement"
    return say(key, lang, file=previous.name, day=previous.as_of.isoformat(), n=len(company.restatements))
