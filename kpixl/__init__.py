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
modules are callable, and calling them calls the API function (this package makes them so
as they are imported, see ``_Package``).

Layers. A module imports modules of its own floor or below, never one above, and at
the top of the file: a function imports nothing of kpixl, except cli's commands loaded
when they run (start-up speed) and the API loaded on first use here. Whatever two
modules share moves down to where both can import it. ``tests/test_imports.py`` reads
the floors below and fails on an import upwards, on any import circle and on an import
inside a function. A package's modules (reader, template, consolidate, texts) stand on
its floor, and within it on each other without a circle (the reader's docstring orders
its stages, the consolidate package's its modules: history and export are among them).

0. ground: errors, codes, locales, vocab, refs, leftout, isolation, i18n, texts, core, schema, xlsx, output
1. model: model, formulas, cache, commentary, copies, danish, examples, sample_data, udfs
2. reader: reader
3. rules: company, validate
4. template: template
5. commands: rollover, split, consolidate
6. api: api, demo
7. entry: cli, __main__, kpixl

Ground floor is vocabulary and plumbing (the words and keys of a KPI, finding codes,
A1 references, the worker pool, the core's numbers, the workbook's schema). The model
holds records and findings and what computes on them without reading a file. The
reader (whose stages are layered in its own docstring) reads one workbook; validate
applies the rules (company: the ``--company`` links, read in a worker through the
reader's tasks). The template writes a department workbook; the commands above it
roll over, split and consolidate; the API wraps them for Python, the CLI for people.
"""

from __future__ import annotations

import sys
import types
from typing import Any

from kpixl.errors import DefinitionError, KpixlError, OutputError, ValidationFailed, WorkbookError

__version__ = "0.1.0"

_API = ("read_workbook", "write_template", "Workbook", "Report", "Company")
# The commands' modules that are the API functions of the same name, too.
_CALLABLE_MODULES = ("validate", "consolidate")


def __getattr__(name: str) -> Any:
    """Import the API on first use (pandas is only imported then)."""
    if name in _API or name in _CALLABLE_MODULES:
        if name in _CALLABLE_MODULES:
            import importlib

            return importlib.import_module(f"kpixl.{name}")  # a callable module (see _Package)
        from kpixl import api

        return getattr(api, name)
    raise AttributeError(f"module 'kpixl' has no attribute {name!r}")


class _ApiModule(types.ModuleType):
    """A command's module that, called, calls the API function of its last name (kpixl.api)."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from kpixl import api

        return getattr(api, self.__name__.rsplit(".", 1)[-1])(*args, **kwargs)


class _Package(types.ModuleType):
    """This package: Python binds an imported submodule here, and validate and consolidate become callable then.

    ``kpixl.validate`` and ``kpixl.consolidate`` are modules (the commands' code) and, by
    the API's fixed names, functions too. The package, on the top floor, makes them
    callable as they are bound to it, so the commands' modules know nothing of the API
    above them.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _CALLABLE_MODULES and type(value) is types.ModuleType:
            value.__class__ = _ApiModule
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

__all__ = ["read_workbook", "validate", "consolidate", "write_template", "Workbook", "Report", "Company",
           "KpixlError", "WorkbookError", "DefinitionError", "ValidationFailed", "OutputError", "__version__"]
