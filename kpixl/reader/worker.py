"""Own what a worker process runs to read a department workbook, and what comes back from it.

Workbooks are read and checked in worker processes (:mod:`kpixl.isolation`, ground
floor: it knows nothing of workbooks). A task is named ``"module:function"`` so the worker
imports it itself; the tasks that read and check one workbook are :mod:`kpixl.validate`'s
functions, named here so that every caller (validate, ``--company``'s
:func:`kpixl.company.read_company`, consolidate) takes them from the reader without
importing validate. :func:`isolated_result` turns what a worker sent back, a workbook or
the worker's fault, into a workbook whose findings name the fault.
"""

from __future__ import annotations

from pathlib import Path

from kpixl import isolation, schema
from kpixl.errors import WorkbookError
from kpixl.message import Message, message
from kpixl.model import ERROR, DepartmentWorkbook, Finding, Place
from kpixl.reader.prechecks import precheck

# The function each worker runs per file (see validate()).
CHECK_TASK = "kpixl.validate:check_counts"
# The whole workbook, records included, its findings in its own language (read_company).
WORKBOOK_TASK = "kpixl.validate:check_workbook"
# The same with findings in English: what validate --company needs to check the parent links.
WHOLE_TASK = "kpixl.validate:check_whole"


def warm() -> None:
    """Fill, in this process, what every worker fills on its first file; call it before the workers start.

    Forked workers inherit it (:mod:`kpixl.isolation`), so it is paid once a run, not once
    a worker: each table's headers in every language (the Phasing table's months come from
    CLDR's locale data, about 30 ms).
    """
    for table in schema.TABLES:
        table.by_header  # noqa: B018 - computed once and kept (a cached property)


def said_of(error: WorkbookError) -> Message:
    """Return what a file's WorkbookError says (every reader error is a message; another one names its text)."""
    return error.wording if isinstance(error.wording, Message) else message("KPX199", why=error.reason)


def isolated_result(path: Path | str, result: object) -> DepartmentWorkbook:
    """Return the workbook a worker sent back, or one holding the finding of the worker's fault.

    A worker does not scan whole worksheets before parsing them (see
    :func:`kpixl.reader.precheck`); after a fault this process does, with no parser, so a
    file the scan refuses (a sheet beyond the limits, KPX113) is named for that reason.
    """
    if isinstance(result, isolation.Fault):
        try:
            precheck(path, bound_sheets=True)
        except WorkbookError as error:
            return DepartmentWorkbook(path=str(path), findings=[Finding(error.code, ERROR, said_of(error),
                                                                        Place(error.path or str(path), error.sheet,
                                                                              error.cell))])
        except Exception:  # noqa: BLE001 - the fault is what the user learns then
            pass
        return DepartmentWorkbook(path=str(path), findings=[Finding(result.code, ERROR, result.message,
                                                                    Place(str(path)))])
    assert isinstance(result, DepartmentWorkbook), type(result)
    return result


__all__ = ["CHECK_TASK", "WORKBOOK_TASK", "WHOLE_TASK", "isolated_result", "said_of", "warm"]
