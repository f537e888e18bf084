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
from kpixl.template import tables
from kpixl.template.book import Book
from kpixl.template.layout import DASHBOARD_AS_OF_CELL, DASHBOARD_HEADER_ROW, DASHBOARD_TABLE, sheet_ref
from kpixl.template.options import TemplateOptions
from kpixl.xlsx import CALC_FILL

NUMBER_FORMATS = {"target": schema.NUM, "actual": schema.NUM, "plan": schema.NUM, "attainment": schema.PCT,
                  "forecast": schema.NUM, "calc_vs_plan": schema.PCT, "month_goal": schema.NUM,
                  "needed_month": schema.NUM, "needed_day": schema.NUM}
# The goal columns in the KPI's unit; for a decrease KPI "still needed" is the allowance left.
GOAL_COLUMNS = ("month_goal", "needed_month", "needed_day")
# Wide enough for 13,200,000.00 or 6,580,273.9726 (#,##0.00##) without Excel showing ###.
WIDTHS = {"kpi_id": 12, "name": 30, "owner": 18, "status": 13, "trend": 12, "attainment": 13, "target": 16,
          "actual": 16, "plan": 16, "forecast": 16, "month_goal": 17, "needed_month": 20, "needed_day": 16}


def write(book: Book, options: TemplateOptions) -> None:
    """Write the Dashboard: heading, table, status strip and charts."""
    ws = book.ws_dash
    header_row = DASHBOARD_HEADER_ROW
    first_data = header_row + 2  # 1-based sheet row of the first KPI
    _heading(book, options)
    keys = _table(book, options, header_row, first_data)
    # Right of the table: the status strip, then its hidden helpers, then the charts.
    chart_col = status_strip(book, options, header_row, first_data, len(keys))
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
        "format": book.wb.add_format({"num_format": f'"{prefix} "{schema.NUM}'})})


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
    """Insert the attainment chart and the against-plan chart from ``chart_col``."""
    ws, lang, words = book.ws_dash, options.language, book.texts
    first = header_row + 1
    # Prefilled KPIs size the charts to them; a blank template charts every row.
    shown = len(options.kpis) or options.kpi_rows
    sheet = sheet_ref(schema.SHEET_DASHBOARD[lang])

    def rng(col: int) -> str:
        return f"={sheet}!${xl_col_to_name(col)}${first + 1}:${xl_col_to_name(col)}${first + shown}"

    id_col = keys.index("kpi_id")
    chart = book.wb.add_chart({"type": "bar"})
    chart.add_series({"name": fx.dashboard_header("attainment", lang), "categories": rng(id_col),
                      "values": rng(keys.index("attainment")), "fill": {"color": "#2E75B6"}, "gap": 60})
    chart.set_title({"name": words["chart_attainment"]})
    chart.set_x_axis({"num_format": "0%", "min": 0, "major_gridlines": {"visible": True}})
    chart.set_y_axis({"reverse": True})
    chart.set_legend({"none": True})
    chart.show_blanks_as("gap")
    chart.set_size({"width": 620, "height": 420})
    ws.insert_chart(header_row, chart_col, chart)
    # Actual against plan, unit-free (core.against_plan: Actual / Plan, mirrored for a
    # decrease KPI), so a revenue in millions and a rate of 2% share one axis. The bars
    # start at the 100% line (the KPI axis crosses there): whatever the direction, a bar
    # to the left falls short of the plan, one to the right beats it, and its length is
    # the gap, however close to 100% all KPIs are.
    chart2 = book.wb.add_chart({"type": "bar"})
    chart2.add_series({"name": words["series_actual"], "categories": rng(id_col),
                       "values": rng(keys.index("calc_vs_plan")), "fill": {"color": "#2E75B6"}, "gap": 60})
    chart2.set_title({"name": words["chart_actual_plan"]})
    # One decimal: the ratios sit close to 100%, and whole percents label ticks half a
    # point apart "99%, 100%, 100%".
    chart2.set_x_axis({"num_format": "0.0%", "crossing": 1, "major_gridlines": {"visible": True}})
    chart2.set_y_axis({"reverse": True, "label_position": "low", "line": {"color": "#404040", "width": 1.5}})
    chart2.set_legend({"none": True})
    chart2.show_blanks_as("gap")
    chart2.show_hidden_data()  # its data are a hidden helper column
    chart2.set_size({"width": 620, "height": 420})
    ws.insert_chart(header_row + 23, chart_col, chart2)
