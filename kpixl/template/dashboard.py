"""Own the Dashboard sheet: where every KPI stands against plan, as of the AsOf date.

The title, the AsOf cell (``B2``, a date or ``=TODAY()``) and the period; the
``KPIDashboard`` table (:func:`kpixl.formulas.dashboard_formulas`, row n showing KPIs row
n) with status colours, traffic-light icons and unit formats; the status strip (each
KPI's status at the last month-ends, :func:`kpixl.formulas.strip_formulas`) with its
hidden helpers; and the two charts (attainment, against plan) right of them. Every
formula caches the value :mod:`kpixl.cache` computed.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Callable

from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from kpixl import cache, core, formulas as fx, schema, texts, xlsx
from kpixl.template import commentary, tables
from kpixl.template.book import Book
from kpixl.template.layout import DASHBOARD_AS_OF_CELL, DASHBOARD_HEADER_ROW, DASHBOARD_TABLE, sheet_ref
from kpixl.template.options import TemplateOptions
from kpixl.xlsx import CALC_FILL

NUMBER_FORMATS = {"target": schema.NUM, "actual": schema.CALC_NUM, "plan": schema.CALC_NUM, "attainment": schema.PCT,
                  "forecast": schema.CALC_NUM, "calc_vs_plan": schema.PCT, "month_goal": schema.CALC_NUM,
                  "needed_month": schema.CALC_NUM, "needed_day": schema.CALC_NUM}
# The goal columns in the KPI's unit; for a decrease KPI "still needed" is the allowance left.
GOAL_COLUMNS = ("month_goal", "needed_month", "needed_day")
# Wide enough for 13,200,000.00 without Excel showing ###; the goals show two decimals, as the computed columns do.
WIDTHS = {"kpi_id": 12, "name": 30, "owner": 18, "status": 13, "trend": 12, "attainment": 13, "target": 16,
          "actual": 16, "plan": 16, "forecast": 16, "month_goal": 17, "needed_month": 20, "needed_day": 16}


def write(book: Book, options: TemplateOptions) -> None:
    """Write the Dashboard: heading, table, status strip and charts."""
    ws = book.ws_dash
    header_row = DASHBOARD_HEADER_ROW
    first_data = header_row + 2  # 1-based sheet row of the first KPI
    _heading(book, options)
    keys = _table(book, options, header_row, first_data)
    # Right of the table: what the Commentary says, the status strip, its hidden helpers, then the charts.
    strip_col = commentary.dashboard_columns(book, options, header_row, first_data, len(keys), keys.index("status"))
    chart_col = status_strip(book, options, header_row, first_data, strip_col)
    _charts(book, options, keys, header_row, chart_col)
    ws.freeze_panes(header_row + 1, 2)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(header_row)
    ws.protect("", {"format_columns": True, "format_rows": True})


def _heading(book: Book, options: TemplateOptions) -> None:
    """Write the title, the AsOf cell with its label and note, and the period."""
    ws, words = book.ws_dash, book.texts
    ws.write_string(0, 0, words["title"] + (f" - {options.department}" if options.department else ""), book.f_title)
    ws.set_row(0, 24)
    r, c = DASHBOARD_AS_OF_CELL
    ws.write_string(r, c - 1, words["as_of"], book.f_label)
    if options.as_of is not None:
        ws.write_datetime(r, c, datetime.combine(options.as_of, datetime.min.time()), book.f_asof)
    else:
        ws.write_formula(r, c, "=TODAY()", book.f_asof, core.to_serial(book.values.as_of))
    ws.data_validation(r, c, r, c, {"validate": "date", "criteria": "between", "minimum": date(1900, 1, 1),
                                    "maximum": date(9999, 12, 31), "input_title": words["as_of"],
                                    "input_message": words["as_of_note"][:255],
                                    "error_message": words["date_error"]})
    # The self-check's message (the Guide's, kpixl.template.guide): OK, or the constructs
    # this program gets wrong, which is why the KPI cells show #N/A.
    ws.write_formula(3, 0, "=" + fx.SELF_CHECK_MESSAGE, book.f_self_check,
                     texts.text("formulas", "check.ok", options.language))
    ws.conditional_format(3, 0, 3, 0, {"type": "formula", "criteria": f"=NOT({fx.SELF_CHECK_OK})",
                                       "format": book.wb.add_format({"bold": True, "font_color": "#9C0006"})})
    if options.start or options.deadline:
        period = " - ".join(d.isoformat() if d else "" for d in (options.start, options.deadline))
        ws.write_string(2, 0, words["period"], book.f_label)
        ws.write_string(2, 1, period)


def _table(book: Book, options: TemplateOptions, header_row: int, first_data: int) -> list[str]:
    """Write the KPIDashboard table and its conditional formats; return its column keys."""
    ws, lang, n = book.ws_dash, options.language, options.kpi_rows
    formulas = fx.dashboard_formulas(options.mode, lang, first_data_row=first_data, kpi_rows=n)
    columns = []
    for key, *_ in fx.DASHBOARD_COLUMNS:
        helper = key in fx.DASHBOARD_HELPERS
        columns.append({"header": fx.dashboard_header(key, lang), "formula": formulas[key],
                        "format": book.fmt(number_format=NUMBER_FORMATS.get(key), helper=helper),
                        "header_format": book.f_helper_header if helper else book.f_header})

    def cached(key: str) -> Callable[[int], object]:
        return lambda row: book.values.dashboard(row - header_row - 1)[key]

    for i, (key, *_) in enumerate(fx.DASHBOARD_COLUMNS):
        ws.cache_values(header_row + 1, header_row + n, i, cached(key))
    ws.add_table(header_row, 0, header_row + n, len(columns) - 1,
                 {"name": DASHBOARD_TABLE, "columns": columns, "style": "Table Style Light 1", "autofilter": False})
    keys = [c[0] for c in fx.DASHBOARD_COLUMNS]
    for i, key in enumerate(keys):
        ws.set_column(i, i, WIDTHS.get(key, 12), None, {"hidden": True} if key in fx.DASHBOARD_HELPERS else {})
    first, last = header_row + 1, header_row + n
    att_col = keys.index("attainment")
    tables.status_formats(book, ws, first, last, keys.index("status"))
    # Dashboard row n shows KPIs row n: the unit is on the same row of the KPIs sheet.
    unit = f"{sheet_ref(schema.KPIS.sheet(lang))}!${book.kpi_letter('unit')}2"
    tables.percent_format(book, ws, first, last, [keys.index(key) for key in ("target", "actual", "plan", "forecast",
                                                                               *GOAL_COLUMNS)], unit)
    _allowance_format(book, first, last, [keys.index("needed_month"), keys.index("needed_day")])
    ws.conditional_format(first, att_col, last, att_col, {
        "type": "icon_set", "icon_style": "3_traffic_lights", "icons": [
            {"criteria": ">=", "type": "number", "value": core.DEFAULT_GREEN},
            {"criteria": ">=", "type": "number", "value": core.DEFAULT_AMBER},
        ]})
    return keys


def _allowance_format(book: Book, first: int, last: int, cols: list[int]) -> None:
    """Word a decrease KPI's "still needed" as the allowance left: the number reads ``left 1,234.00``."""
    lang = book.lang
    direction = f"{sheet_ref(schema.KPIS.sheet(lang))}!${book.kpi_letter('calc_direction')}2"
    prefix = book.texts["allowance_left"].replace('"', "")
    ranges = " ".join(xl_col_to_name(c) + f"{first + 1}:" + xl_col_to_name(c) + f"{last + 1}" for c in cols)
    book.ws_dash.conditional_format(first, cols[0], last, cols[0], {
        "type": "formula", "criteria": f'={direction}="{core.DECREASE}"', "multi_range": ranges,
        "format": book.wb.add_format({"num_format": f'"{prefix} "{schema.CALC_NUM}'})})


def status_strip(book: Book, options: TemplateOptions, header_row: int, first_data: int, first_col: int) -> int:
    """Write the status strip from ``first_col`` and its hidden helpers; return the next free column.

    One narrow column per month-end (formulas.strip_formulas), headed by the month's
    name, coloured as the Status column. Right of the strip, per month, the hidden
    helper columns of formulas.STRIP_KEYS, with the month-end above the first one. A
    month's formulas are the same text on every row, so kpixl.xlsx.Worksheet writes each once.
    """
    ws, lang, words = book.ws_dash, options.language, book.texts
    months = fx.STRIP_MONTHS
    helpers = fx.STRIP_KEYS[:-1]
    helper_col = first_col + months
    last = header_row + options.kpi_rows
    strip_format = book.wb.add_format({"bg_color": CALC_FILL, "font_size": 9, "shrink": True, "align": "center",
                                       "valign": "top", "border": 1, "border_color": "#FFFFFF"})
    header_format = xlsx.header_format(book.wb, align="center", valign="top", border=1, border_color="#BFBFBF")
    formats = {"calc_count": book.fmt(helper=True), "calc_elapsed": book.fmt(number_format=schema.PCT, helper=True),
               "calc_actual": book.fmt(helper=True), "calc_plan": book.fmt(helper=True),
               "calc_attainment": book.fmt(number_format=schema.PCT, helper=True), "status": strip_format}
    month_format = book.fmt(number_format=schema.DATE, helper=True)
    ws.write_string(header_row - 1, first_col, words["strip_title"], book.f_label)
    strips = [book.values.strip(j, lang) for j in range(options.kpi_rows)]
    month_names = fx.MONTH_NAMES[lang]
    for i, month_end in enumerate(cache.strip_month_ends(book.values.as_of)):
        first = helper_col + len(helpers) * i
        cols = {key: first + h for h, key in enumerate(helpers)}
        cols["status"] = first_col + i
        # The month-end, once per month: above the month's first helper (hidden).
        end_cell = xl_rowcol_to_cell(header_row - 1, first, row_abs=True, col_abs=True)
        ws.write_formula(header_row - 1, first, fx.strip_month_end_formula(i), month_format,
                         core.to_serial(month_end))
        ws.write_formula(header_row, cols["status"], fx.strip_header_formula(end_cell, lang), header_format,
                         month_names[month_end.month - 1])
        for key in helpers:
            ws.write_string(header_row, cols[key], words["strip_" + key].format(month=i + 1), book.f_helper_header)
        formulas = fx.strip_formulas(lang, first_data_row=first_data, month_end=end_cell,
                                     columns={key: xl_col_to_name(cols[key]) for key in helpers})
        for row in range(header_row + 1, last + 1):
            cached = strips[row - header_row - 1][i]
            for key in fx.STRIP_KEYS:
                ws.write_formula(row, cols[key], formulas[key], formats[key], cached[key])
        ws.set_column(cols["status"], cols["status"], 8)
        ws.set_column(first, first + len(helpers) - 1, 12, None, {"hidden": True})
    tables.status_formats(book, ws, header_row + 1, last, first_col, first_col + months - 1)
    return helper_col + len(helpers) * months


def _charts(book: Book, options: TemplateOptions, keys: list[str], header_row: int, chart_col: int) -> None:
    """Insert the attainment chart and the against-plan chart from ``chart_col``.

    Both are column charts growing from zero, one series per status in its traffic-light
    colour (hidden helper columns hold each KPI's value under its status only, so a bar
    changes colour with the data), with the plan as a line at 100%.
    """
    ws, lang, words = book.ws_dash, options.language, book.texts
    first = header_row + 1
    # Prefilled KPIs size the charts to them; a blank template charts every row.
    shown = len(options.kpis) or options.kpi_rows
    sheet = sheet_ref(schema.SHEET_DASHBOARD[lang])
    helpers = chart_helpers(book, options, keys, header_row, chart_col)

    def rng(col: int) -> str:
        return f"={sheet}!${xl_col_to_name(col)}${first + 1}:${xl_col_to_name(col)}${first + shown}"

    id_col = keys.index("kpi_id")
    place = helpers["next"]
    for n, (source, title) in enumerate((("attainment", words["chart_attainment"]),
                                         ("calc_vs_plan", words["chart_actual_plan"]))):
        chart = book.wb.add_chart({"type": "column"})
        for status in CHART_STATUSES:
            fill, font = xlsx.STATUS_COLOURS[status]
            chart.add_series({"name": core.word("status", status, lang), "categories": rng(id_col),
                              "values": rng(helpers[(source, status)]), "fill": {"color": fill},
                              "border": {"color": font}, "gap": 60, "overlap": 100})
        line = book.wb.add_chart({"type": "line"})
        line.add_series({"name": words["series_plan"], "categories": rng(id_col), "values": rng(helpers["plan"]),
                         "line": {"color": "#404040", "width": 1.5, "dash_type": "dash"}, "marker": {"type": "none"}})
        chart.combine(line)
        chart.set_title({"name": title})
        # One decimal on the against-plan axis: the ratios sit close to 100%.
        chart.set_y_axis({"num_format": "0%" if n == 0 else "0.0%", "min": 0, "major_gridlines": {"visible": True}})
        chart.set_x_axis({"num_font": {"rotation": -45}})
        chart.set_legend({"position": "bottom"})
        chart.show_blanks_as("gap")
        chart.show_hidden_data()  # its data are hidden helper columns
        chart.set_size({"width": 620, "height": 420})
        ws.insert_chart(header_row + 23 * n, place, chart)


# The statuses a bar is coloured by (Not started and No data have no attainment to show).
CHART_STATUSES = (core.ON_TRACK, core.AT_RISK, core.OFF_TRACK)


def chart_helpers(book: Book, options: TemplateOptions, keys: list[str], header_row: int,
                  first_col: int) -> dict:
    """Write the charts' hidden helper columns from ``first_col``: per chart and status the KPI's value when it
    has that status (else #N/A, which a chart leaves out), and the plan's 100%; return their columns and the
    next free one (under "next")."""
    ws, lang, n = book.ws_dash, options.language, options.kpi_rows
    status_letter = xl_col_to_name(keys.index("status"))
    columns: dict = {}
    col = first_col
    fmt = book.fmt(number_format=schema.PCT, helper=True)
    rows = [book.values.dashboard(j) for j in range(n)]
    for source in ("attainment", "calc_vs_plan"):
        letter = xl_col_to_name(keys.index(source))
        for status in CHART_STATUSES:
            word = core.word("status", status, lang)
            ws.write_string(header_row, col, f"{fx.dashboard_header(source, lang)} - {word}", book.f_helper_header)
            for j, row in enumerate(rows):
                r = header_row + 1 + j
                value = row.get(source)
                cached = value if row.get("status") == word and isinstance(value, (int, float)) else cache.NA
                ws.write_formula(r, col, f'=IF(AND({status_letter}{r + 1}="{word}",ISNUMBER({letter}{r + 1})),'
                                         f'{letter}{r + 1},NA())', fmt, cached)
            columns[(source, status)] = col
            col += 1
    ws.write_string(header_row, col, book.texts["series_plan"], book.f_helper_header)
    id_letter = xl_col_to_name(keys.index("kpi_id"))
    for j, row in enumerate(rows):
        r = header_row + 1 + j
        shown = row.get("kpi_id") not in (None, "")
        ws.write_formula(r, col, f'=IF({id_letter}{r + 1}="",NA(),1)', fmt, 1 if shown else cache.NA)
    columns["plan"] = col
    ws.set_column(first_col, col, 8, None, {"hidden": True})
    columns["next"] = col + 1
    return columns
