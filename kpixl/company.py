"""Own the link between department workbooks and the company's high-level KPIs.

The company's KPIs live in the management workbook: a kpixl workbook whose
high-level KPIs (Level high) are the ones departments support.
:func:`read_company` reads it, refuses it when it does not validate, and returns
its high-level KPIs with the file's name and SHA-256. ``kpixl template --company``
(:mod:`kpixl.template`) turns them into the Parent KPI ID dropdown, a Guide
section and two defined names; :func:`check_links` is ``kpixl validate
--company``: every low-level KPI's parent, deadline, direction and unit against
the company's KPI, each finding naming the department's cell.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from kpixl import core, isolation, schema
from kpixl.errors import DefinitionError
from kpixl.message import message
from kpixl.model import ERROR, WARNING, DepartmentWorkbook, Finding, KpiRecord, Place, refuse_invalid, said_in
from kpixl.reader import WORKBOOK_TASK, isolated_result, warm
from kpixl.refs import A1_RE
from kpixl.schema import HeaderOf
from kpixl.vocab import Language, is_percent_unit, kpi_key, unit_text

E_UNKNOWN_PARENT = "KPX830"
W_LATE_DEADLINE = "KPX831"
W_DIRECTION = "KPX832"
W_UNIT = "KPX833"

# How many errors a refusal lists, and how many company IDs a KPX830 message offers.
ERRORS_SHOWN = 10
IDS_SHOWN = 8


@dataclass(frozen=True)
class Company:
    """Hold the company's high-level KPIs and the management workbook they were read from."""

    path: Path
    sha256: str
    kpis: tuple[KpiRecord, ...]  # Level high, in the workbook's order
    language: str = "en"

    @property
    def file_name(self) -> str:
        """Return the management workbook's file name (what department workbooks record)."""
        return self.path.name

    @property
    def ids(self) -> list[str]:
        """Return the company's KPI IDs as typed, in the workbook's order."""
        return [k.kpi_id for k in self.kpis]

    def find(self, kpi_id: str | None) -> KpiRecord | None:
        """Return the company KPI whose ID matches ``kpi_id``, or None."""
        key = kpi_key(kpi_id)
        for kpi in self.kpis:
            if kpi_key(kpi.kpi_id) == key:
                return kpi
        return None


def sha256_of(path: Path | str) -> str:
    """Return the SHA-256 of a file's bytes as 64 hex digits."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_company(path: Path | str, *, as_of: date | None = None,
                 file_timeout: float | None = isolation.DEFAULT_FILE_TIMEOUT,
                 memory_limit: int | None = isolation.DEFAULT_MEMORY_LIMIT, language: object = None) -> Company:
    """Return the high-level KPIs of the management workbook at ``path``.

    The workbook is read and checked in a worker process like every input of
    ``validate`` (:mod:`kpixl.isolation`). Raises :class:`ValidationFailed` (its
    findings in the message and the report) when the workbook has validation
    errors, and :class:`DefinitionError` when it holds no high-level KPI. Warnings
    do not stop it. A refusal is said in ``language`` (the run's; default: the company
    workbook's own).
    """
    source = Path(path)
    warm()  # once here, not once in the worker
    with isolation.WorkerPool(1, timeout=file_timeout, memory_limit=memory_limit) as pool:
        workbook = isolated_result(source, pool.call(WORKBOOK_TASK, (str(source), as_of or date.today())))
    said = Language.parse(workbook.language if language is None else language).value
    refuse_invalid(workbook, source, "company.invalid", ERRORS_SHOWN, language=said)
    high = tuple(k for k in workbook.kpis if k.level == "high")
    if not high:
        error = DefinitionError(message("company.no_high", source=str(source),
                                        level=HeaderOf(schema.KPIS.name, "level")))
        error.language = said
        raise error
    return Company(path=source, sha256=sha256_of(source), kpis=high, language=workbook.language)


def unknown_parents(company: Company, kpis: list[KpiRecord]) -> list[KpiRecord]:
    """Return the low-level KPIs among ``kpis`` whose parent KPI ID is not a company KPI."""
    return [k for k in kpis if k.level != "high" and k.parent_id and str(k.parent_id).strip()
            and company.find(k.parent_id) is None]


def check_links(company: Company, workbook: DepartmentWorkbook, language: object = None) -> list[Finding]:
    """Return the findings of checking ``workbook``'s parent links against ``company``.

    Per low-level KPI with a Parent KPI ID: the parent must be a company KPI
    (KPX830, error); a deadline after the parent's (KPX831), another direction
    (KPX832) or another unit (KPX833) is a warning. High-level KPIs and low-level
    KPIs without a parent are left to the per-file rules (KPX308). The company
    workbook a department workbook records (``template --company``) is not compared:
    its SHA-256 changes with every measurement typed into it, so a warning would fire
    on almost every run. The findings are said in ``language`` (default: the workbook's).
    """
    findings: list[Finding] = []
    columns = workbook.columns.get(schema.KPIS.name, {})
    listed = ", ".join(company.ids[:IDS_SHOWN]) + (", ..." if len(company.ids) > IDS_SHOWN else "")
    for kpi in workbook.kpis:
        if kpi.level == "high" or not kpi.parent_id or not str(kpi.parent_id).strip():
            continue

        def place(key: str) -> Place:
            return _cell(kpi.place, columns.get(key))

        parent = company.find(kpi.parent_id)
        if parent is None:
            findings.append(Finding(E_UNKNOWN_PARENT, ERROR, message("KPX830", pid=repr(kpi.parent_id),
                                                                     id=repr(kpi.kpi_id), file=company.file_name,
                                                                     ids=listed),
                                    place("parent_id"), kpi.kpi_id))
            continue
        if kpi.deadline and parent.deadline and kpi.deadline > parent.deadline:
            findings.append(Finding(W_LATE_DEADLINE, WARNING, message("KPX831", d=kpi.deadline.isoformat(),
                                                                      pd=parent.deadline.isoformat(),
                                                                      pid=parent.kpi_id),
                                    place("deadline"), kpi.kpi_id))
        if kpi.direction and parent.direction and kpi.direction != parent.direction:
            findings.append(Finding(W_DIRECTION, WARNING, message("KPX832", dir=core.Word(kpi.direction),
                                                                  pid=parent.kpi_id,
                                                                  pdir=core.Word(parent.direction)),
                                    place("direction"), kpi.kpi_id))
        if _unit_key(kpi.unit) and _unit_key(parent.unit) and _unit_key(kpi.unit) != _unit_key(parent.unit):
            findings.append(Finding(W_UNIT, WARNING, message("KPX833", unit=repr(kpi.unit), pid=parent.kpi_id,
                                                             punit=repr(parent.unit)),
                                    place("unit"), kpi.kpi_id))
    # The findings are data, said in the workbook's language like validate's own, unless the caller says the
    # run's one language.
    return said_in(findings, workbook.language if language is None else language)


def _cell(row_place: Place, letter: str | None) -> Place:
    """Return the place of column ``letter`` in the row of ``row_place`` (the row's first cell)."""
    match = A1_RE.match(row_place.cell or "")
    if not letter or match is None:
        return row_place
    return Place(row_place.path, row_place.sheet, f"{letter}{match.group(2)}")


def _unit_key(unit: str | None) -> str:
    """Return a unit folded for comparison: case and spaces ignored, every percent word the same."""
    return "%" if is_percent_unit(unit) else unit_text(unit)


__all__ = ["Company", "read_company", "check_links", "unknown_parents", "sha256_of", "E_UNKNOWN_PARENT",
           "W_LATE_DEADLINE", "W_DIRECTION", "W_UNIT"]
