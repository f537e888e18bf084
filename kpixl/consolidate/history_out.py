"""Own how the company's month-by-month picture is shown: the History sheet, the Summary's changes, the console table.

Layering (issue 21): above :mod:`.history` (the data) and :mod:`.tables`; :mod:`.write`
and :mod:`.command` call it. It writes the History sheet and the Summary's "changes"
section of the company workbook, and formats the company KPIs table the CLI prints
(``consolidate`` and ``demo``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Sequence

from kpixl import core, i18n, schema, xlsx
from kpixl.consolidate.history import say
from kpixl.consolidate.tables import Consolidation, sheet_name
from kpixl.template.layout import ROW_HEIGHT, wrapped_lines
from kpixl.vocab import Language, kpi_key
# The one palette and header style of every workbook kpixl writes (the company workbook's too).
from kpixl.xlsx import STATUS_COLOURS

# The History sheet's first month column (department, KPI ID, name and the roll-up now come before it).
FIRST_DATE = 4


def _header(key: str, language: str) -> str:
    """Return the department workbook's header of KPIs column ``key`` (department, kpi_id, name)."""
    return schema.KPIS.column(key).header(language)


# ------------------------------------------------------------------ the workbook

def status_cell_formats(workbook, kind: str, cache: dict) -> dict[str, Any]:
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
    history = company.history
    lang = language
    if "header_date" not in formats:
        formats["header_date"] = xlsx.header_format(workbook, num_format="yyyy-mm-dd", valign="top", align="center")
    pct = status_cell_formats(workbook, "pct", formats)
    text = status_cell_formats(workbook, "text", formats)
    limit = max_rows or xlsx.MAX_SHEET_ROWS
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
        xlsx.print_setup(ws)
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
    text = status_cell_formats(workbook, "text", formats)
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


__all__ = ["write_history_sheet", "write_changes", "status_cell_formats", "CompanyKpi", "company_kpis", "kpi_table",
           "FIRST_DATE"]
