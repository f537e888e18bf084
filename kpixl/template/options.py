"""Own what one department workbook holds: :class:`TemplateOptions`, checked once.

:meth:`TemplateOptions.from_arguments` turns ``write_template``'s keyword arguments into
typed options, refusing bad ones with a :class:`~kpixl.errors.DefinitionError` before
anything is written: the language and formula mode (parsed by :mod:`kpixl.vocab`), the
table sizes (:func:`measurement_capacity`), the period, the prefilled records (unique
KPI IDs, the example KPIs first) and the company workbook of ``template --company``.
Below this module the sheet writers only read the options.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Sequence

from kpixl import examples as example_set
from kpixl.company import Company, read_company, unknown_parents
from kpixl.errors import DefinitionError
from kpixl.model import (CommentRecord, EvaluationRecord, KpiRecord, MeasurementRecord, PhasingRecord, profile_key,
                         resolve_phasing)
from kpixl.vocab import FormulaMode, Language, kpi_key

# Measurements capacity: a protected table cannot grow, so it is pre-sized. By default
# 60 rows per KPIs row (a year of weekly values and some), at least 3,000 and, unless
# asked for, at most 20,000; prefilled measurements always leave 1,000 rows free.
MEASUREMENT_ROWS_MIN = 3000
MEASUREMENT_ROWS_PER_KPI = 60
MEASUREMENT_ROWS_MAX = 20000
MEASUREMENT_ROWS_FREE = 1000
MEASUREMENT_ROWS_LIMIT = 100_000
# The Commentary table (a comment a KPI a month, with room for the year): pre-sized as the others.
COMMENT_ROWS_MIN = 200
COMMENT_ROWS_PER_KPI = 4
COMMENT_ROWS_FREE = 100
COMMENT_ROWS_MAX = 2000


@dataclass(frozen=True)
class TemplateOptions:
    """The checked contents of one department workbook (see ``write_template``).

    ``kpi_rows`` sizes the KPIs, Dashboard and Evaluation tables (at least the prefilled
    KPIs and evaluations), ``measurement_rows`` the Measurements table. ``kpis`` starts
    with the example KPIs when they were asked for. ``as_of`` None means ``=TODAY()``.
    """

    language: Language = Language.EN
    mode: FormulaMode = FormulaMode.NATIVE
    department: str | None = None
    owner: str | None = None
    start: date | None = None
    deadline: date | None = None
    kpis: tuple[KpiRecord, ...] = ()
    measurements: tuple[MeasurementRecord, ...] = ()
    evaluations: tuple[EvaluationRecord, ...] = ()
    comments: tuple[CommentRecord, ...] = ()
    as_of: date | None = None
    kpi_rows: int = 50
    measurement_rows: int = MEASUREMENT_ROWS_MIN
    company: Company | None = None
    phasing: tuple[PhasingRecord, ...] = ()

    @property
    def comment_rows(self) -> int:
        """Return the number of data rows of the Commentary table: four a KPIs row, 200 to 2,000, 100 free."""
        sized = min(max(COMMENT_ROWS_MIN, self.kpi_rows * COMMENT_ROWS_PER_KPI), COMMENT_ROWS_MAX)
        return max(sized, len(self.comments) + COMMENT_ROWS_FREE)

    @classmethod
    def from_arguments(cls, *, department: str | None = None, owner: str | None = None, language: object = "en",
                       formulas: object = "native", start: date | None = None, deadline: date | None = None,
                       examples: bool = False, rows: Any = 50, kpis: Sequence[KpiRecord] | None = None,
                       measurements: Sequence[MeasurementRecord] | None = None,
                       evaluations: Sequence[EvaluationRecord] | None = None, as_of: date | None = None,
                       measurement_rows: Any = None, company: Any = None,
                       comments: Sequence[CommentRecord] | None = None,
                       phasing: Sequence[PhasingRecord] | None = None) -> TemplateOptions:
        """Return the options of ``write_template``'s arguments; raise DefinitionError for a bad one."""
        lang = Language.parse(language)
        mode = FormulaMode.parse(formulas)
        if rows is None or int(rows) < 1:
            raise DefinitionError(f"rows must be at least 1 (rows {rows!r})")
        if measurement_rows is not None and not 1 <= int(measurement_rows) <= MEASUREMENT_ROWS_LIMIT:
            raise DefinitionError(f"measurement rows must be between 1 and {MEASUREMENT_ROWS_LIMIT} "
                                  f"(measurement rows {measurement_rows!r})")
        if start is not None and deadline is not None and deadline <= start:
            raise DefinitionError(f"the deadline must be after the start date (start {start.isoformat()}, "
                                  f"deadline {deadline.isoformat()})")
        records: list[KpiRecord] = []
        if examples:
            start, deadline = example_set.default_period(start, deadline)
            records.extend(example_set.example_kpis(lang, owner, department, start, deadline))
        records.extend(kpis or [])
        profiles = list(phasing or [])
        if examples:
            known = {profile_key(p.profile) for p in profiles}
            profiles += [p for p in example_set.example_profiles(lang) if profile_key(p.profile) not in known]
        # The cached values follow the profiles written (the KPIs' weights are the Phasing table's).
        resolve_phasing(records, profiles)
        _check_records(records)
        linked = _company(company, records)
        measured = tuple(measurements or [])
        evaluated = tuple(evaluations or [])
        return cls(language=lang, mode=mode, department=department, owner=owner, start=start, deadline=deadline,
                   kpis=tuple(records), measurements=measured, evaluations=evaluated,
                   comments=tuple(comments or []), as_of=as_of,
                   kpi_rows=max(int(rows), len(records), len(evaluated)),
                   measurement_rows=measurement_capacity(int(rows), len(measured),
                                                         None if measurement_rows is None else int(measurement_rows)),
                   company=linked, phasing=tuple(profiles))


def measurement_capacity(rows: int = 50, prefilled: int = 0, measurement_rows: int | None = None) -> int:
    """Return the number of data rows of the Measurements table.

    ``measurement_rows`` when given, else 60 per KPIs row between 3,000 and 20,000;
    with ``prefilled`` measurements, never fewer than those plus 1,000 free rows.
    """
    if measurement_rows is None:
        measurement_rows = min(max(MEASUREMENT_ROWS_MIN, rows * MEASUREMENT_ROWS_PER_KPI), MEASUREMENT_ROWS_MAX)
    if prefilled:
        return max(measurement_rows, prefilled + MEASUREMENT_ROWS_FREE)
    return measurement_rows


def _check_records(kpis: Sequence[KpiRecord]) -> None:
    seen: set[str] = set()
    for k in kpis:
        if not k.kpi_id or not str(k.kpi_id).strip():
            raise DefinitionError("a KPI to prefill has no KPI ID; give every KPI an ID")
        if kpi_key(k.kpi_id) in seen:
            raise DefinitionError(f"KPI ID {k.kpi_id!r} is given twice; KPI IDs must be unique")
        seen.add(kpi_key(k.kpi_id))


def _company(company: Any, records: Sequence[KpiRecord]) -> Company | None:
    """Return the company of ``template --company`` (None without), checking the prefilled parents."""
    if company is None:
        return None
    linked = company if isinstance(company, Company) else read_company(company)
    unknown = unknown_parents(linked, list(records))
    if unknown:
        names = ", ".join(f"{k.kpi_id} (parent {k.parent_id})" for k in unknown)
        raise DefinitionError(f"{len(unknown)} KPI(s) name a parent that is not a high-level KPI of "
                              f"{linked.file_name}: {names}; use one of {', '.join(linked.ids)}")
    return linked
