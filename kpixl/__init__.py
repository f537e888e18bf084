"""kpixl: a disciplined KPI practice in Excel.

The package is split by responsibility: :mod:`kpixl.core` computes every number,
:mod:`kpixl.schema` describes the department workbook, :mod:`kpixl.udfs` exposes
the core to Excel through xlwings, and the command modules (template, validate,
consolidate, rollover, demo) are called by :mod:`kpixl.cli`.

The Python API for analysts (docs/python-api.md) is here: :func:`read_workbook`,
:func:`validate`, :func:`consolidate`, :func:`write_template`, the :class:`Workbook`,
:class:`Report` and :class:`Company` they return, and the exceptions
:class:`WorkbookError` and :class:`DefinitionError`. They live in :mod:`kpixl.api` and
are imported on first use, so ``import kpixl`` stays cheap (no pandas until asked).
``kpixl.validate`` and ``kpixl.consolidate`` are also the modules of those commands: the
modules are callable, and calling them calls the API function.
"""

from __future__ import annotations

from typing import Any

from kpixl.errors import DefinitionError, KpixlError, OutputError, ValidationFailed, WorkbookError

__version__ = "0.1.0"

_API = ("read_workbook", "write_template", "Workbook", "Report", "Company")


def __getattr__(name: str) -> Any:
    """Import the API on first use (pandas is only imported then)."""
    if name in _API or name in ("validate", "consolidate"):
        if name in ("validate", "consolidate"):
            import importlib

            return importlib.import_module(f"kpixl.{name}")  # a callable module (see kpixl.api)
        from kpixl import api

        return getattr(api, name)
    raise AttributeError(f"module 'kpixl' has no attribute {name!r}")


__all__ = ["read_workbook", "validate", "consolidate", "write_template", "Workbook", "Report", "Company",
           "KpixlError", "WorkbookError", "DefinitionError", "ValidationFailed", "OutputError", "__version__"]
