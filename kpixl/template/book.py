"""Own the department workbook being written: :class:`Book`, which every sheet writer gets.

It opens the XlsxWriter workbook (:func:`kpixl.xlsx.new_workbook`) with its properties and
sheets in their order, holds the cell formats (:meth:`Book.fmt`: input cells unlocked
and tinted, computed ones grey), the cached value of every formula cell
(:func:`kpixl.cache.compute`, from :mod:`kpixl.core`), the template's words in the
workbook's language, the defined names, and the references into the KPIs table and the
Lists sheet that other sheets' formulas and dropdowns use.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name

from kpixl import cache, formulas as fx, schema, texts, vocab, xlsx
from kpixl.xlsx import CALC_FILL, HEADER_FILL, INPUT_FILL, Worksheet
from kpixl.template.layout import CREATED, DASHBOARD_AS_OF_CELL, ZIP_LEVEL_LARGE, sheet_ref, str_constant
from kpixl.template.options import MEASUREMENT_ROWS_MAX, TemplateOptions


class Book:
    """One department workbook being written: the XlsxWriter workbook, its sheets and formats."""

    def __init__(self, path: Path, options: TemplateOptions) -> None:
        self.options = options
        self.lang = options.language
        self.texts = texts.of("template", options.language)
        # Every formula cell caches what it computes (kpixl.cache; AsOf =TODAY() as of the writing day).
        self.values = cache.compute(list(options.kpis), list(options.measurements), options.as_of or date.today(),
                                    options.language)
        self.wb = xlsx.new_workbook(path, {
            "use_future_functions": True,   # MAXIFS, MINIFS (Excel 2019) and IFNA get their _xlfn. prefix
            "in_memory": False,  # parts go to temporary files: a 100,000-row sheet never sits in memory
        }, workbook_class=xlsx.Workbook)
        self.wb.worksheet_class = Worksheet
        if options.measurement_rows > MEASUREMENT_ROWS_MAX:
            self.wb.zip_level = ZIP_LEVEL_LARGE
        self.wb.set_properties({
            "title": "kpixl department workbook",
            "subject": options.department or "",
            "author": "kpixl",
            "company": "",
            "comments": "Written by kpixl template",
            "created": CREATED,
        })
        self._formats()
        lang = self.lang
        self.ws_guide: Worksheet = self.wb.add_worksheet(schema.SHEET_GUIDE[lang])
        self.ws_kpis: Worksheet = self.wb.add_worksheet(schema.KPIS.sheet(lang))
        self.ws_meas: Worksheet = self.wb.add_worksheet(schema.MEASUREMENTS.sheet(lang))
        self.ws_dash: Worksheet = self.wb.add_worksheet(schema.SHEET_DASHBOARD[lang])
        self.ws_eval: Worksheet = self.wb.add_worksheet(schema.EVALUATION.sheet(lang))
        self.ws_phasing: Worksheet = self.wb.add_worksheet(schema.PHASING.sheet(lang))
        self.ws_lists: Worksheet = self.wb.add_worksheet(schema.SHEET_LISTS[lang])
        # Written by the Lists sheet (kpixl.template.lists): the dropdown sources by
        # vocabulary, the ranges of the unit words, the first free column.
        self.list_ranges: dict[str, str] = {}
        self.percent_units = ""
        self.count_units = ""
        self.lists_free_col = 0
        # The Parent KPI ID dropdown's source with template --company (kpixl.template.company).
        self.company_source = ""
        # Where the Lists sheet put the self-check's known data: sheet, column letter by
        # formulas.SELF_CHECK_COLUMNS, first row (1-based), an empty cell.
        self.self_check_data: tuple[str, dict[str, str], int, str] = ("", {}, 0, "")

    # -------------------------------------------------------------- formats

    def _formats(self) -> None:
        add = self.wb.add_format
        self.f_header = add(xlsx.header_style(text_wrap=True, valign="top", border=1, border_color="#BFBFBF"))
        self.f_helper_header = add({"bold": True, "font_color": "#595959", "bg_color": "#D9D9D9",
                                    "text_wrap": True, "valign": "top"})
        self.f_title = add({"bold": True, "font_size": 16, "font_color": HEADER_FILL})
        self.f_h2 = add({"bold": True, "font_size": 12, "font_color": HEADER_FILL})
        self.f_wrap = add({"text_wrap": True, "valign": "top"})
        self.f_label = add({"bold": True})
        self.f_percent = add({"num_format": schema.PCT})
        self.f_count = add({"num_format": schema.COUNT})
        self.f_asof = add({"num_format": schema.DATE, "locked": False, "bg_color": INPUT_FILL, "border": 1,
                           "align": "left"})
        self.f_self_check = add({"italic": True, "font_color": "#595959"})
        self._cache: dict[tuple, Format] = {}

    def fmt(self, *, number_format: str | None = None, locked: bool = True, helper: bool = False,
            wrap: bool = False) -> Format:
        """Return a (cached) cell format: input cells unlocked and tinted, computed ones grey."""
        key = (number_format, locked, helper, wrap)
        if key not in self._cache:
            props: dict[str, object] = {"locked": locked}
            if number_format:
                props["num_format"] = number_format
            if wrap:
                props["text_wrap"] = True
            if not locked:
                props["bg_color"] = INPUT_FILL
            elif helper:
                props["font_color"] = "#7F7F7F"
            else:
                props["bg_color"] = CALC_FILL
            # Top, also for numbers: a row grown for wrapped text reads along its first line.
            props["valign"] = "top"
            self._cache[key] = self.wb.add_format(props)
        return self._cache[key]

    def column_format(self, col: schema.Column) -> Format:
        """Return the format of a table column's cells."""
        return self.fmt(number_format=col.number_format, locked=col.computed, helper=col.helper, wrap=col.wrap)

    # ---------------------------------------------------------------- names

    def define_names(self) -> None:
        """Define AsOf (the Dashboard's cell) and the names that record the workbook's schema, language,
        department and formula mode (also as custom properties)."""
        row, col = DASHBOARD_AS_OF_CELL
        dash = sheet_ref(schema.SHEET_DASHBOARD[self.lang])
        self.wb.define_name(schema.NAME_AS_OF, f"={dash}!${xl_col_to_name(col)}${row + 1}")
        stored = {
            schema.NAME_SCHEMA_VERSION: schema.SCHEMA_VERSION,
            schema.NAME_LANGUAGE: self.lang.value,
            schema.NAME_DEPARTMENT: self.options.department or "",
            schema.NAME_FORMULAS: self.options.mode.value,
        }
        for name, value in stored.items():
            self.wb.define_name(name, str_constant(value))
            if value:
                self.wb.set_custom_property(name, value)

    # ----------------------------------------------- references to the KPIs table

    def kpi_letter(self, key: str) -> str:
        """Return the column letter of a KPIs table column."""
        return xl_col_to_name(schema.KPIS.columns.index(schema.KPIS.column(key)))

    def kpi_range(self, key: str) -> str:
        """Return the absolute range of a KPIs table column's data rows (with its sheet)."""
        sheet = sheet_ref(schema.KPIS.sheet(self.lang))
        letter = self.kpi_letter(key)
        return f"{sheet}!${letter}$2:${letter}${self.options.kpi_rows + 1}"

    def phasing_source(self) -> str:
        """Return the Phasing dropdown's source: the Phasing table's profile names."""
        names, _ = fx.phasing_ranges(self.lang)
        return "=" + names

    def kpi_id_source(self) -> str:
        """Return the KPI ID dropdown's source: the KPIs table's KPI ID cells."""
        return "=" + self.kpi_range("kpi_id")

    def unit_of(self, kpi_id_cell: str) -> str:
        """Return a formula for the Unit of the KPI whose ID is in ``kpi_id_cell`` (relative reference)."""
        # Matched by the ID key (kpixl.vocab), as every other lookup of an ID.
        key = vocab.excel_lookup_value(vocab.excel_key(kpi_id_cell))
        return f"INDEX({self.kpi_range('unit')},MATCH({key},{self.kpi_range('calc_key')},0))"
