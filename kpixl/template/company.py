"""Own the company part of ``template --company``: its KPI IDs, Guide section and names.

The company's high-level KPI IDs go into a column of the Lists sheet (the source of the
Parent KPI ID dropdown, see :func:`kpixl.template.tables.validations`); the Guide gets a
section describing those KPIs (locked, like all of it); the company workbook's file name
and SHA-256 are recorded as defined names and custom properties. The company itself is
read and checked by :class:`~kpixl.template.options.TemplateOptions`.
"""

from __future__ import annotations

from xlsxwriter.utility import xl_col_to_name

from kpixl import core, i18n, schema
from kpixl.template import guide
from kpixl.template.book import Book
from kpixl.template.layout import sheet_ref, str_constant
from kpixl.template.options import TemplateOptions
from kpixl.vocab import is_percent_unit


def write(book: Book, options: TemplateOptions) -> None:
    """Write the company's KPI IDs on the Lists sheet, its section on the Guide, and its names."""
    company, words, lang = options.company, book.texts, options.language
    if company is None:
        return
    ws, col = book.ws_lists, book.lists_free_col
    ws.write_string(1, col, words["company_list_title"], book.f_header)
    for i, kpi_id in enumerate(company.ids):
        ws.write_string(2 + i, col, kpi_id)
    ws.set_column(col, col, 16)
    letter = xl_col_to_name(col)
    book.company_source = f"={sheet_ref(schema.SHEET_LISTS[lang])}!${letter}$3:${letter}${2 + len(company.ids)}"
    ws = book.ws_guide
    row = ws.dim_rowmax + 2  # below the Guide's text, one row apart
    ws.write_string(row, 0, words["company_h2"].format(file=company.file_name), book.f_h2)
    guide.paragraph(book, ws, row + 1, words["company_p"].format(file=company.file_name, sha=company.sha256))
    none = words["company_none"]
    for i, kpi in enumerate(company.kpis):
        ws.write_string(row + 2 + i, 0, words["company_kpi"].format(
            kpi_id=kpi.kpi_id, name=kpi.name or "", owner=kpi.owner or none,
            target=target_text(kpi.target, kpi.unit, book), deadline=kpi.deadline.isoformat() if kpi.deadline
            else none, direction=core.word("direction", kpi.direction or core.INCREASE, lang)), book.f_wrap)
    for name, value in ((schema.NAME_COMPANY_FILE, company.file_name), (schema.NAME_COMPANY_SHA256, company.sha256)):
        book.wb.define_name(name, str_constant(value))
        book.wb.set_custom_property(name, value)


def target_text(value: float | None, unit: str | None, book: Book) -> str:
    """Return a target as a reader sees it: 10% for a percent unit, else 1,200 DKK (Danish: 1.200)."""
    if value is None:
        return book.texts["company_none"]
    percent = is_percent_unit(unit)
    text = f"{value * 100:,.10g}%" if percent else f"{value:,.10g}"
    text = i18n.localize(text, book.lang)
    return text if percent or not unit else f"{text} {unit}"
