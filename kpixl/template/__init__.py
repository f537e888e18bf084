"""Own ``kpixl template``: write the department workbook staff fill in.

:func:`write_template` is the entry point (the CLI, demo, rollover, split and
``template --company`` call it): it checks its arguments once into a frozen
:class:`~kpixl.template.options.TemplateOptions` and writes the file through
:func:`kpixl.output.atomic_output`, so it is never half-written and an existing file is
only replaced with ``force``.

The layout comes from :mod:`kpixl.schema` (tables, headers, vocabularies), the formula
text from :mod:`kpixl.formulas` (xlwings or native mode), the cached values from
:mod:`kpixl.cache`, the example KPIs from :mod:`kpixl.examples`, the words from the
catalogue (``template.*`` in ``kpixl/locales/*.po``). One module per part, each with
``write(book, options)``:

* :mod:`~kpixl.template.guide` - the Guide sheet (and :mod:`~kpixl.template.company`,
  its section on the company's KPIs with ``template --company``);
* :mod:`~kpixl.template.kpis`, :mod:`~kpixl.template.measurements`,
  :mod:`~kpixl.template.evaluation` - the three input tables, sharing
  :mod:`~kpixl.template.tables`;
* :mod:`~kpixl.template.dashboard` - the Dashboard with the AsOf cell, the status strip
  and the charts;
* :mod:`~kpixl.template.lists` - the hidden Lists sheet (dropdown words, units,
  ``MeasurementsUsed``).

:mod:`~kpixl.template.book` holds the workbook being written (formats, cached values,
defined names), :mod:`~kpixl.template.layout` the fixed places and unit words;
:mod:`kpixl.xlsx` the XlsxWriter options, palette and subclasses.

Input cells are unlocked and tinted; computed cells and the hidden helper columns are
locked (sheet protection without a password). A protected table cannot grow, so the
tables are pre-sized: ``rows`` KPI rows and ``measurement_rows`` (default
:func:`measurement_capacity`) measurement rows. KPIs whose Unit is a percent word show
their numbers as percentages through conditional formats, so a Unit typed later works
too. ``docs/workbook.md`` describes the result.
"""

from __future__ import annotations

from pathlib import Path

from kpixl import texts
from kpixl.output import atomic_output
from kpixl.template import commentary, company as company_part, dashboard, evaluation, guide, kpis as kpis_sheet, lists
from kpixl.template import measurements as measurements_sheet, phasing as phasing_sheet
from kpixl.template.book import Book
from kpixl.template.layout import (COUNT_UNITS, CREATED, DASHBOARD_AS_OF_CELL, DASHBOARD_HEADER_ROW, DASHBOARD_TABLE,
                                   PERCENT_COLUMNS, ROW_HEIGHT, WRAP_CHARS_PER_WIDTH, ZIP_LEVEL_LARGE)
from kpixl.template.options import (MEASUREMENT_ROWS_FREE, MEASUREMENT_ROWS_LIMIT, MEASUREMENT_ROWS_MAX,
                                    MEASUREMENT_ROWS_MIN, MEASUREMENT_ROWS_PER_KPI, TemplateOptions,
                                    measurement_capacity)
# The palette and the XlsxWriter subclasses live in kpixl.xlsx; the names stay importable here.
from kpixl.xlsx import CALC_FILL, HEADER_FILL, INPUT_FILL, STATUS_COLOURS
from kpixl.xlsx import Workbook as _Workbook, Worksheet as _Worksheet  # noqa: F401

# The template's words by language (kept for code that read them here before the catalogue).
_UI = texts.catalogue("template")


def write_template(path, *, department=None, owner=None, language="en", formulas="native", start=None,
                   deadline=None, examples=False, rows=50, force=False, kpis=None, measurements=None,
                   evaluations=None, as_of=None, measurement_rows=None, company=None, comments=None,
                   phasing=None) -> Path:
    """Write a department workbook to ``path`` and return the path.

    ``rows`` sizes the KPIs, Dashboard and Evaluation tables; ``measurement_rows``
    the Measurements table (default: see :func:`measurement_capacity`).
    ``kpis``/``measurements``/``evaluations``/``phasing`` prefill the tables (canonical records);
    ``examples`` puts the example SMART KPIs first; ``as_of`` fixes the AsOf cell
    instead of ``=TODAY()``. Refuses an existing file unless ``force``.

    ``company`` (a management workbook's path, or a :class:`kpixl.company.Company`)
    makes the Parent KPI ID dropdown offer exactly the company's high-level KPI IDs,
    lists those KPIs on the Guide and records the company workbook's file name and
    SHA-256 as defined names; an invalid management workbook is refused with its
    findings, and so is a prefilled KPI whose parent is not a company KPI.
    """
    options = TemplateOptions.from_arguments(
        department=department, owner=owner, language=language, formulas=formulas, start=start, deadline=deadline,
        examples=examples, rows=rows, kpis=kpis, measurements=measurements, evaluations=evaluations, as_of=as_of,
        measurement_rows=measurement_rows, company=company, comments=comments, phasing=phasing)
    target = Path(path)
    linked = options.company
    with atomic_output(target, force=force, inputs=[linked.path] if linked else [],
                       language=options.language) as temp:
        write_workbook(temp, options)
    return target


def write_workbook(path: Path, options: TemplateOptions) -> None:
    """Write the workbook of ``options`` to ``path`` (no checks of the path: see write_template)."""
    book = Book(path, options)
    # The Lists sheet first: the other sheets' dropdowns and unit formats refer to its ranges.
    lists.write(book, options)
    book.define_names()
    guide.write(book, options)
    company_part.write(book, options)
    kpis_sheet.write(book, options)
    measurements_sheet.write(book, options)
    dashboard.write(book, options)
    evaluation.write(book, options)
    phasing_sheet.write(book, options)
    commentary.write(book, options)
    book.ws_guide.activate()
    book.wb.close()


__all__ = ["CALC_FILL", "COUNT_UNITS", "CREATED", "DASHBOARD_AS_OF_CELL", "DASHBOARD_HEADER_ROW", "DASHBOARD_TABLE",
           "HEADER_FILL", "INPUT_FILL", "MEASUREMENT_ROWS_FREE", "MEASUREMENT_ROWS_LIMIT", "MEASUREMENT_ROWS_MAX",
           "MEASUREMENT_ROWS_MIN", "MEASUREMENT_ROWS_PER_KPI", "PERCENT_COLUMNS", "ROW_HEIGHT",
           "STATUS_COLOURS", "TemplateOptions", "WRAP_CHARS_PER_WIDTH", "ZIP_LEVEL_LARGE", "measurement_capacity",
           "write_template", "write_workbook"]
