"""Own writing the company workbook (XlsxWriter): its sheets, formats, widths and the Summary chart.

Text from inputs is always written as text (``write_string``). A table longer than a
sheet continues on ``Name (2)``, ``Name (3)``... with the header repeated.
:class:`_CompanyWriter` may write the Measurements rows while the inputs are still being
read (``consolidate`` streams them in), and writes the file only when it is finished.
"""

from __future__ import annotations

import contextlib
import itertools
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from kpixl import core, schema, xlsx
from kpixl.consolidate import history_out, meeting
from kpixl.consolidate.load import Source
from kpixl.consolidate.tables import (STATUSES, SUMMARY_COLUMNS, TABLES, TEXT_KINDS, TOTAL_ROWS, Column, Consolidation,
                                      _measurement_rows, incomplete_reason, say, sheet_name,
                                      skip_reason)
from kpixl.template.layout import ROW_HEIGHT, wrapped_lines
from kpixl.vocab import is_percent_unit
# One palette and one header style for every workbook kpixl writes (kpixl.xlsx).
from kpixl.xlsx import STATUS_COLOURS as _STATUS_COLOURS

# Rows a worksheet holds, the header included (Excel's limit). Tests lower it.
MAX_SHEET_ROWS = xlsx.MAX_SHEET_ROWS

# Departments the Summary chart shows at most (the worst ones; the table lists all).
SUMMARY_CHART_DEPARTMENTS = 15
# Widest a column grows to fit its content (a path or message wraps beyond it).
_MAX_WIDTH = 90

# ------------------------------------------------------------- the xlsx file

def write_company_workbook(company: Consolidation, path: Path | str) -> None:
    """Write the company workbook to ``path`` (values, formatted; text always as text)."""
    _CompanyWriter(path, company.language).finish(company)


class _CompanyWriter:
    """Write one company workbook; measurement rows may be streamed in while inputs are still read.

    :meth:`stream` writes an input's measurement rows as soon as it is loaded (with
    ``--jobs N`` the inputs are read in other processes meanwhile); :meth:`finish`
    writes the rest. The workbook file is only written by :meth:`finish`: a writer whose
    streamed inputs do not turn out to be exactly the included ones is dropped unwritten.
    """

    def __init__(self, path: Path | str, language: str, *, streaming: bool = False):
        self.lang = language
        self.workbook = xlsx.new_workbook(path, {"constant_memory": True})
        workbook = self.workbook
        workbook.worksheet_class = xlsx.Worksheet  # a typed text shaped like rich-text XML stays text
        workbook.set_custom_property(schema.PROPERTY_WORKBOOK, "company")
        self.formats = {
            "header": xlsx.header_format(workbook, text_wrap=True, valign="top"),
            # Over a column of numbers the header sits right, above them.
            "header_num": xlsx.header_format(workbook, text_wrap=True, valign="top", align="right"),
            "number": workbook.add_format({"num_format": "#,##0.00##"}),
            "measure": workbook.add_format({"num_format": "#,##0.00##"}),
            "pct": workbook.add_format({"num_format": "0.0%"}),
            "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
            "int": workbook.add_format({"num_format": "0"}),
            "title": workbook.add_format({"bold": True, "font_size": 14}),
            "bold": workbook.add_format({"bold": True}),
            "bold_int": workbook.add_format({"bold": True, "num_format": "0"}),
            "note": workbook.add_format({"italic": True, "font_color": "#595959"}),
        }
        # The tables with long text (kind "note": a comment, an action, wrapped in its column) grow tall rows:
        # every cell of theirs reads from the top, level with the first line of the text.
        self.top_formats = {kind: workbook.add_format({**props, "valign": "top"}) for kind, props in (
            ("note", {"text_wrap": True}), ("text", {}), ("status", {}), ("number", {"num_format": "#,##0.00##"}),
            ("measure", {"num_format": "#,##0.00##"}), ("pct", {"num_format": "0.0%"}),
            ("date", {"num_format": "yyyy-mm-dd", "align": "center"}), ("int", {"num_format": "0"}))}
        self.status_formats = {s: workbook.add_format({"bg_color": fill, "font_color": font})
                               for s, (fill, font) in _STATUS_COLOURS.items()}
        self.streamed: list[Source] | None = None
        self.summary = None
        self.history = None
        self.tables: dict[str, _TableStream] = {}
        if streaming:
            # Sheets keep their order: the ones written at the end are added first, empty.
            self.summary = workbook.add_worksheet(sheet_name("summary", language))
            for table in ("comments", "actions", "restatements"):
                self.tables[table] = self._table(table)
                self.tables[table].open()
            self.history = workbook.add_worksheet(sheet_name("history", language))
            for table in ("kpis", "rollup", "measurements", "evaluation"):
                self.tables[table] = self._table(table)
                self.tables[table].open()
            self.streamed = []

    def _table(self, table: str, columns: tuple[Column, ...] | None = None) -> _TableStream:
        columns = columns if columns is not None else TABLES[table].columns
        notes = any(col.kind == "note" for col in columns)
        return _TableStream(self.workbook, table, {**self.formats, **self.top_formats} if notes else self.formats,
                            self.status_formats, self.lang, columns)

    def stream(self, source: Source) -> None:
        """Write the measurement rows of ``source`` (the next input, in input order) if it can be included."""
        if self.streamed is None:
            return
        if source.errors or source.measurements.extras:
            # Skipped or a failed run; or extra columns, known only when all inputs are read:
            # this writer is not used.
            self.streamed = None
            return
        self.tables["measurements"].write(_measurement_rows(source))
        self.streamed.append(source)

    def fits(self, company: Consolidation) -> bool:
        """Return True if what was streamed is exactly what ``company`` includes (so :meth:`finish` may go on)."""
        if self.streamed is None:
            return False
        included = company.included
        # KPI and roll-up rows continuing on a second sheet would land after Measurements.
        small = 2 * len(company.kpis) + 1 < MAX_SHEET_ROWS - 1
        # The tables opened at the start have only their own columns: an extra column any
        # input adds to one of them (known only now) needs a writer that starts afresh.
        same_columns = all(stream.columns == company.columns(table) for table, stream in self.tables.items())
        return small and same_columns and self.lang == company.language and len(self.streamed) == len(included) and all(
            a is b for a, b in zip(self.streamed, included))

    def finish(self, company: Consolidation, path: Path | str | None = None) -> None:
        """Write the tables not streamed and close the workbook (this writes the file, to ``path`` if given)."""
        if path is not None:
            self.workbook.filename = str(path)
        lang = self.lang
        try:
            summary, free_row = _write_summary(self.workbook, company, list(company.rows("summary")), self.formats,
                                               lang, self.summary)
            free_row = _write_incomplete(summary, company, self.formats, lang, free_row)
            history_out.write_changes(self.workbook, summary, company, self.formats, lang, free_row)
            for table in ("comments", "actions", "restatements"):
                stream = self.tables.get(table) or self._table(table)
                stream.write(company.rows(table))
                stream.close()
            history_out.write_history_sheet(self.workbook, company, self.formats, lang, self.history, MAX_SHEET_ROWS)
            for table in ("kpis", "rollup", "measurements", "evaluation", "findings", "sources"):
                stream = self.tables.get(table) or self._table(table, company.columns(table))
                if table == "measurements":
                    # A million rows are not measured for widths: the columns' values are known.
                    stream.fit_to({"department": [s.department for s in company.included],
                                   "source": [s.path for s in company.included],
                                   "kpi_id": [line.record.kpi_id for line in company.kpis]})
                if not (table == "measurements" and self.streamed is not None):
                    stream.write(company.rows(table))
                stream.close()
        except BaseException:
            # Close what was started so temp files are released; the caller discards the output.
            with contextlib.suppress(Exception):
                self.workbook.close()
            raise
        self.workbook.close()



def _writers(sheet, columns: Sequence[Column], formats: dict | None = None, percent: bool = False) -> list[Callable]:
    """Return one cell writer per column: text always via write_string, dates as day serials.

    ``percent``: the row is a ``%`` KPI's, its measure columns get the percent format.
    """
    # The undecorated methods skip XlsxWriter's A1-notation check per cell (~10% of the write time).
    write_string = getattr(sheet, "_write_string", sheet.write_string)
    write_number = getattr(sheet, "_write_number", sheet.write_number)
    formats = formats or {}
    pct, day_format = formats.get("pct"), formats.get("date")

    # The writers run once per cell (a million times for the Measurements sheet): the common
    # type is tested first, by identity, and a date's serial is computed once per date.
    serials: dict[date, int] = {}

    def text(r, c, v):
        write_string(r, c, v if type(v) is str else str(v))

    def day(r, c, v):
        serial = serials.get(v)
        if serial is None:
            serial = serials[v] = core.to_serial(v)
        write_number(r, c, serial)

    def number(r, c, v):
        if type(v) is float:
            write_number(r, c, v)
        elif isinstance(v, (date, datetime)):
            write_number(r, c, core.to_serial(v))
        elif isinstance(v, str):
            write_string(r, c, v)
        else:
            write_number(r, c, v)

    def measure(r, c, v):
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            write_number(r, c, v, pct)
        else:
            number(r, c, v)

    def value(r, c, v):  # an extra column: as the department typed it
        if isinstance(v, bool):
            sheet.write_boolean(r, c, v)
        elif isinstance(v, (int, float)):
            write_number(r, c, v)
        elif isinstance(v, (date, datetime)):
            write_number(r, c, core.to_serial(v), day_format)
        else:
            text(r, c, v)

    def boolean(r, c, v):
        sheet.write_boolean(r, c, bool(v))

    by_kind = {"date": day, "text": text, "status": text, "value": value, "measure": measure if percent else number,
               "bool": boolean}
    return [by_kind.get(col.kind, number) for col in columns]


class _TableStream:
    """Write one table's rows as they come; beyond a sheet's capacity they continue on ``Name (2)``...

    Rows are streamed: a million-row table is never held in memory. Text columns get
    the width of their longest text (measured as rows are written, or given by
    :meth:`fit_to` for the Measurements table); the measure columns of a ``%`` KPI's
    row are shown as percentages.
    """

    def __init__(self, workbook, table: str, formats: dict, status_formats: dict, lang: str,
                 columns: tuple[Column, ...] | None = None):
        self.workbook, self.formats, self.status_formats, self.lang = workbook, formats, status_formats, lang
        self.columns = columns if columns is not None else TABLES[table].columns
        self.table = table
        self.base = sheet_name(table, lang)
        self.number = 0
        self.sheet: Any = None
        self.row = 0  # the last row written on the current sheet (0: the header)
        # A header may wrap onto two lines, but not inside a word (Oprulningsdækning).
        self.longest = [max(len(col.header(lang)) // 2, *map(len, col.header(lang).split()))
                        for col in self.columns]
        # A note (a comment) wraps in its column's own width instead of widening it.
        self.measured = [c for c, col in enumerate(self.columns) if col.kind in TEXT_KINDS + ("value",)
                         and col.kind != "note"]
        if table == "measurements":
            self.measured = [c for c in self.measured if self.columns[c].kind == "value"]
        # Long text (comments, actions) wraps: its rows are made tall enough (LibreOffice keeps a stored height).
        self.notes = [(c, col.width) for c, col in enumerate(self.columns) if col.kind == "note"]
        keys = [col.key for col in self.columns]
        has_measures = any(col.kind == "measure" for col in self.columns)
        self.unit = keys.index("unit") if has_measures and "unit" in keys else None

    def fit_to(self, texts: dict[str, Iterable[Any]]) -> None:
        """Widen the columns keyed in ``texts`` to their longest value (for a table not measured row by row)."""
        for c, col in enumerate(self.columns):
            for value in texts.get(col.key, ()):
                self.longest[c] = max(self.longest[c], len(str(value)))

    def open(self) -> None:
        """Add the next sheet of the table, with its header row."""
        self.number += 1
        sheet = self.sheet = self.workbook.add_worksheet(self.base if self.number == 1
                                                         else f"{self.base} ({self.number})")
        for c, col in enumerate(self.columns):
            sheet.set_column(c, c, col.width, self.formats.get(col.kind))
        xlsx.print_setup(sheet)
        sheet.repeat_rows(0)
        sheet.set_row(0, 30)
        for c, col in enumerate(self.columns):
            header = self.formats["header" if col.kind in TEXT_KINDS else "header_num"]
            sheet.write_string(0, c, col.header(self.lang), header)
        self.writers = _writers(sheet, self.columns, self.formats)
        self.texts = frozenset(c for c, col in enumerate(self.columns) if col.kind in TEXT_KINDS)
        self.write_string = getattr(sheet, "_write_string", sheet.write_string)  # see _writers()
        self.percent_writers = _writers(sheet, self.columns, self.formats, percent=True)
        # Plain rows (texts, numbers, dates: nearly all) go straight to the sheet's XML; the
        # writers above take the rest, as the columns' kinds say (see _writers()).
        kinds = [col.kind for col in self.columns]
        self.plain = xlsx.PlainRows(sheet, numbers=[k not in TEXT_KINDS + ("date", "bool") for k in kinds],
                                    dates=[k == "date" for k in kinds],
                                    texts=[k not in ("date", "bool") for k in kinds],
                                    booleans=[k in ("bool", "value") for k in kinds])
        self.number_styles = self.plain.styles({})
        self.percent_styles = self.plain.styles({c: self.formats.get("pct") for c, k in enumerate(kinds)
                                                 if k == "measure"})
        self.row = 0

    def write(self, rows: Iterable[tuple]) -> None:
        """Write ``rows`` after those already written."""
        capacity = MAX_SHEET_ROWS - 1
        rows = iter(rows)
        while True:
            if self.sheet is None:
                self.open()
            room = capacity - self.row
            if room <= 0:
                following = next(rows, None)
                if following is None:
                    return
                self.close()
                self.open()
                rows = itertools.chain((following,), rows)
                continue
            measured, longest, unit = self.measured, self.longest, self.unit
            r = self.row
            notes, plain = self.notes, self.plain
            for r, row in enumerate(itertools.islice(rows, room), start=self.row + 1):
                lines = max(wrapped_lines(row[c], width) for c, width in notes) if notes else 1
                percent = unit is not None and is_percent_unit(row[unit])
                if lines > 1 or not plain.row(r, row, self.percent_styles if percent else self.number_styles):
                    plain.flush()
                    self._write_row(r, row, percent, lines)
                for c in measured:
                    value = row[c]
                    if value is not None and len(str(value)) > longest[c]:
                        longest[c] = len(str(value))
            plain.flush()
            written = r - self.row
            self.row = r
            if written < room:
                return

    def _write_row(self, r: int, row: tuple, percent: bool, lines: int) -> None:
        """Write a row that is not plain (a tall one, or a value only a column's writer can write)."""
        if lines > 1:
            self.sheet.set_row(r, ROW_HEIGHT * lines)
        row_writers = self.percent_writers if percent else self.writers
        texts, write_string = self.texts, self.write_string
        for c, value in enumerate(row):
            if value is not None:
                if type(value) is str and c in texts:
                    write_string(r, c, value)
                else:
                    row_writers[c](r, c, value)

    def _print_columns(self, sheet, last_row: int) -> None:
        """Print the columns a reader needs (:data:`PRINT_UNTIL`, :data:`PRINT_REPEAT`)."""
        keys = [col.key for col in self.columns]
        until, repeat = PRINT_UNTIL.get(self.table), PRINT_REPEAT.get(self.table)
        if until in keys:
            sheet.print_area(0, 0, max(last_row, 1), keys.index(until))
        if repeat in keys:
            sheet.fit_to_pages(0, 0)
            sheet.set_print_scale(PRINT_SCALE)
            sheet.repeat_columns(0, keys.index(repeat))

    def close(self) -> None:
        """Finish the current sheet: frozen header, autofilter, status colours (an empty table keeps its sheet)."""
        if self.sheet is None:
            self.open()
        sheet, r, lang = self.sheet, self.row, self.lang
        for c, col in enumerate(self.columns):
            # XlsxWriter writes the column widths on closing, so they may follow the rows.
            width = min(_MAX_WIDTH, max(col.width, self.longest[c] * 1.1 + 2))
            if width > col.width:
                sheet.set_column(c, c, width, self.formats.get(col.kind))
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(r, 1), len(self.columns) - 1)
        self._print_columns(sheet, r)
        for c, col in enumerate(self.columns):
            if col.kind == "status" and r:
                for status, fmt in self.status_formats.items():
                    sheet.conditional_format(1, c, r, c, {"type": "cell", "criteria": "==",
                                                          "value": _quoted(core.word("status", status, lang)),
                                                          "format": fmt})
        self.sheet = None


# What a printed page of a wide table shows. "until": the last column printed (the files and cells kpixl
# reads from stay on screen, not on paper); "repeat": the columns repeated left on every page of a
# table too wide for one (the rest follows on the next pages, at a size people can read).
PRINT_UNTIL = {"comments": "overdue_actions", "actions": "comment", "evaluation": "notes"}
PRINT_REPEAT = {"kpis": "name", "history": "name"}
PRINT_SCALE = 70


def _meeting_formats(workbook, formats: dict, lang: str, first_width: float) -> dict:
    """Return the formats of the Summary's meeting sections (made once per workbook)."""
    if "pp" not in formats:
        unit = meeting.say("pp", lang)
        formats["pp"] = workbook.add_format({"num_format": f'+0.0" {unit}";-0.0" {unit}";0.0" {unit}"'})
        formats["late"] = workbook.add_format({"num_format": "0", "bold": True, "font_color": "#9C0006"})
        formats["wrap"] = workbook.add_format({"text_wrap": True, "valign": "top"})
        formats["date_center"] = workbook.add_format({"num_format": "yyyy-mm-dd", "align": "center"})
        # Actual, plan and their gap with two decimals (a plan of 7.6799 reads 7.68).
        formats["calc"] = workbook.add_format({"num_format": "#,##0.00"})
    return {**formats, "first_width": first_width, "status": history_out.status_cell_formats(workbook, "text", formats),
            "status_pct": history_out.status_cell_formats(workbook, "pct", formats)}


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _write_incomplete(sheet, company: Consolidation, formats: dict, lang: str, row: int) -> int:
    """Write, from ``row`` of the Summary down, each left-out file and why, and each incomplete company KPI.

    With ``--skip-invalid`` the company picture lacks those files: the Summary says so
    above the changes, so no number reads as complete. Return the next free row.
    """
    skipped = company.skipped
    if not skipped:
        return row
    sheet.write_string(row, 0, say("left_out_title", lang), formats["title"])
    row += 1
    sheet.write_string(row, 0, say("left_out_file", lang), formats["header"])
    sheet.write_string(row, 1, say("left_out_reason", lang), formats["header"])
    for source in skipped:
        row += 1
        sheet.write_string(row, 0, source.path)
        sheet.write_string(row, 1, skip_reason(source, lang) or "")  # in the run's language
    incomplete = [line for line in company.kpis if line.incomplete]
    if incomplete:
        row += 2
        sheet.write_string(row, 0, say("incomplete_title", lang), formats["title"])
        row += 1
        sheet.write_string(row, 0, schema.KPIS.column("kpi_id").header(lang), formats["header"])
        sheet.write_string(row, 1, say("column.incomplete_reason", lang), formats["header"])
        for line in incomplete:
            row += 1
            sheet.write_string(row, 0, str(line.record.kpi_id))
            sheet.write_string(row, 1, incomplete_reason(line, lang) or "")
    return row + 2


def _write_summary(workbook, company: Consolidation, rows: list[tuple], formats: dict, lang: str,
                   sheet=None) -> tuple[Any, int]:
    """Write the Summary: departments worst first, the company total, and a chart of the worst ones beside them.

    Return the sheet and the first free row below both the table and the chart (the status
    changes of kpixl.consolidate.history go there).
    """
    if sheet is None:
        sheet = workbook.add_worksheet(sheet_name("summary", lang))
    columns = SUMMARY_COLUMNS
    xlsx.print_setup(sheet)
    # The first column holds departments, and the meeting's KPIs (ID and name, wrapped beyond 36).
    names = [len(f"{line.record.kpi_id} {line.record.name or ''}") for line in company.kpis]
    width = min(36.0, max([24] + [len(str(row[0])) * 1.1 + 2 for row in rows] + [n * 1.1 + 2 for n in names]))
    sheet.set_column(0, 0, width)
    # Wide enough for a header word ("målopfyldelse") and the meeting's Owner column beyond the counts.
    sheet.set_column(1, len(columns) + 1, 14)
    sheet.write_string(0, 0, meeting.say("title", lang), formats["title"])
    sheet.write_string(1, 0, say("as_of", lang), formats["bold"])
    sheet.write_number(1, 1, core.to_serial(company.as_of), formats["date"])
    sheet.write_string(2, 0, meeting.restatement_line(company, lang), formats["note"])
    # The meeting's three questions first; the status counts per department below them.
    heading = meeting.write_meeting(workbook, sheet, company, _meeting_formats(workbook, formats, lang, width), lang, 4)
    sheet.write_string(heading, 0, say("title", lang), formats["title"])
    top = heading + 2
    sheet.repeat_rows(top)
    sheet.write_string(top - 1, 0, say("sorted", lang), formats["note"])
    # The rows are worst first: the chart shows the first ones, so it stays readable with 200 departments.
    departments = len(rows) - TOTAL_ROWS  # the last rows are the company's and the departments' KPIs
    shown = min(departments, SUMMARY_CHART_DEPARTMENTS)
    chart_col = len(columns) + 1
    if shown < departments:  # written before the rows below it (constant_memory writes rows in order)
        sheet.write_string(top - 1, chart_col, say("chart_worst", lang, n=shown, total=departments),
                           formats["note"])
    sheet.set_row(top, 30)
    for c, col in enumerate(columns):
        sheet.write_string(top, c, col.header(lang), formats["header" if col.kind in TEXT_KINDS else "header_num"])
    for i, row in enumerate(rows, start=top + 1):
        total = i > top + len(rows) - TOTAL_ROWS
        sheet.write_string(i, 0, str(row[0]), formats["bold"] if total else None)
        for c, value in enumerate(row[1:], start=1):
            sheet.write_number(i, c, value, formats["bold_int"] if total else None)
    sheet.freeze_panes(top + 1, 1)
    if departments < 1:
        return sheet, top + len(rows) + 2
    chart = workbook.add_chart({"type": "bar", "subtype": "stacked"})
    name = sheet.get_name()
    first, last = top + 1, top + shown
    fills: set[str] = set()
    for c, status in enumerate(STATUSES, start=1):
        fill, font = _STATUS_COLOURS[status]
        series = {
            "name": [name, top, c],
            "categories": [name, first, 0, last, 0],
            "values": [name, first, c, last, c],
            "fill": {"color": fill},
            "border": {"color": font},
        }
        if fill in fills:  # two statuses share a colour (Not started, No data): hatch the second
            series["pattern"] = {"pattern": "wide_upward_diagonal", "fg_color": font, "bg_color": fill}
            del series["fill"]
        fills.add(fill)
        chart.add_series(series)
    chart.set_title({"name": say("title", lang)})
    # Counts of KPIs: whole numbers on the axis, about ten steps whatever the size.
    largest = max([row[-1] for row in rows[:shown]] + [1])
    chart.set_x_axis({"num_format": "0", "min": 0, "major_unit": max(1, -(-largest // 10)),
                      "major_gridlines": {"visible": True}})
    chart.set_y_axis({"reverse": True})
    chart.set_legend({"position": "bottom"})
    height = max(288, 30 * shown + 150)
    chart.set_size({"width": 720, "height": height})
    # Below the header row: LibreOffice prints what overlaps a repeated row on every page.
    sheet.insert_chart(top + 1, chart_col, chart)
    # The chart spans columns the changes below use too: they start under its bottom (rows are 20 pixels high).
    return sheet, max(top + len(rows) + 1, top + 1 + -(-height // 20)) + 1


