"""Own the Guide sheet: how to fill in the workbook, in the workbook's language.

:data:`SECTIONS` orders the Guide's headings and paragraphs; their words are the
catalogue's (``kpixl/texts/template.py``, keys ``guide_*``). The section on the formulas
differs by formula mode. :func:`paragraph` is how the Guide writes a paragraph, also for
the company section of ``template --company`` (:mod:`kpixl.template.company`).
"""

from __future__ import annotations

from kpixl import i18n
from kpixl.template.book import Book
from kpixl.template.options import TemplateOptions
from kpixl.xlsx import Worksheet

# (kind, text key): "h1" the title, "h2" a heading, "p" a paragraph, "mode:<mode>" a
# paragraph shown only in formula mode <mode>.
SECTIONS = (
    ("h1", "guide_title"),
    ("p", "guide_intro"),
    ("h2", "guide_phases_title"),
    ("p", "guide_phases"),
    ("h2", "guide_smart_title"),
    ("p", "guide_smart"),
    ("h2", "guide_levels_title"),
    ("p", "guide_levels"),
    ("h2", "guide_owner_title"),
    ("p", "guide_owner"),
    ("h2", "guide_where_title"),
    ("p", "guide_where"),
    ("h2", "guide_numbers_title"),
    ("p", "guide_numbers"),
    ("h2", "guide_phasing_title"),
    ("p", "guide_phasing"),
    ("h2", "guide_formulas_title"),
    ("mode:xlwings", "guide_formulas_xlwings"),
    ("mode:native", "guide_formulas_native"),
    ("h2", "guide_more_title"),
    ("p", "guide_more_rows"),
    ("p", "guide_more_running_out"),
    ("p", "guide_more_units"),
)
# Row heights are not auto-fitted on load by every app: a paragraph's row is sized for
# about this many characters a line (column width 110).
CHARS_PER_LINE = 105


def write(book: Book, options: TemplateOptions) -> None:
    """Write the Guide's sections, locked, one column wide."""
    ws, words = book.ws_guide, book.texts
    ws.set_column(0, 0, 110)
    ws.hide_gridlines(2)
    department = f" - {options.department}" if options.department else ""
    mode_name = words[f"mode_{options.mode.value}"]
    row = 0
    for kind, key in SECTIONS:
        if kind.startswith("mode:") and kind != f"mode:{options.mode.value}":
            continue
        text = words[key].format(department=department, mode=mode_name,
                                 kpi_rows=i18n.format_number(options.kpi_rows, options.language),
                                 measurement_rows=i18n.format_number(options.measurement_rows, options.language))
        if kind == "h1":
            ws.write_string(row, 0, text, book.f_title)
            ws.set_row(row, 24)
            row += 2
        elif kind == "h2":
            ws.write_string(row, 0, text, book.f_h2)
            row += 1
        else:
            paragraph(book, ws, row, text)
            row += 2
    ws.protect("", {"format_columns": True, "format_rows": True})
    ws.set_landscape()
    ws.fit_to_pages(1, 0)


def paragraph(book: Book, ws: Worksheet, row: int, text: str) -> None:
    """Write a wrapped paragraph in ``row``, the row tall enough for its lines."""
    ws.write_string(row, 0, text, book.f_wrap)
    ws.set_row(row, 15 * (len(text) // CHARS_PER_LINE + 1))
