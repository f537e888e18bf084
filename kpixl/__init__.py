"""kpixl: a disciplined KPI practice in Excel.

The package is split by responsibility: :mod:`kpixl.core` computes every number,
:mod:`kpixl.schema` describes the department workbook, :mod:`kpixl.udfs` exposes
the core to Excel through xlwings, and the command modules (template, validate,
consolidate, rollover, demo) are called by :mod:`kpixl.cli`.
"""

__version__ = "0.1.0"
