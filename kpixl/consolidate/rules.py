"""Own consolidate's cross-file rules and the roll-up: which files are included, and the company they make.

:func:`consolidate_sources` adds the findings no single file can show (a KPI ID or a
department in two files, a parent ID that is no high-level KPI), decides which files are
included (all, or with ``skip_invalid`` the valid ones), rolls the KPIs up to their
high-level parents and returns the :class:`~kpixl.consolidate.tables.Consolidation`.
:func:`consolidate_workbooks` does the same from in-memory workbooks.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Iterable, Sequence

from kpixl import copies, core, texts
from kpixl.consolidate.load import INCLUDED, SKIPPED, KpiLine, Source, _key, source_from_workbook
from kpixl.consolidate.tables import Consolidation, skip_reason
from kpixl.errors import ValidationFailed
from kpixl.message import Message, message
from kpixl.schema import Header
from kpixl.model import ERROR, DepartmentWorkbook, Finding, KpiRecord, Place
from kpixl.vocab import Language, kpi_key, run_language

# How many errors the ValidationFailed message lists before "and N more".
ERRORS_SHOWN = 10

CODE_DUPLICATE_ID = "KPX601"
CODE_UNKNOWN_PARENT = "KPX602"
CODE_DUPLICATE_DEPARTMENT = "KPX603"


def _where(record: KpiRecord, source: Source) -> str:
    place = record.place
    if place.path is None:
        place = Place(source.path, place.sheet, place.cell)
    return str(place)


def _cross_file_rules(sources: list[Source], skip_invalid: bool) -> None:
    """Add the consolidation's error findings to ``sources`` and mark the skipped ones.

    Without ``skip_invalid`` every file is compared with every earlier file (all
    errors are reported at once). With it, no file wins by its name or place in the
    input order: every file that claims a department or KPI ID another valid file
    claims is skipped, each naming the others (:func:`_shared_claims`); then files
    whose parent IDs lose their high-level KPI are skipped until nothing changes.
    """
    named = _copies(sources)
    for source in sources:
        if source.errors:
            source.status = SKIPPED
    pool = [s for s in sources if s.status == INCLUDED] if skip_invalid else \
        [s for s in sources if id(s) not in named]
    if skip_invalid:
        _shared_claims(pool)
    else:
        _earlier_claims(pool)
    _orphans(sources, pool, skip_invalid)
    # The findings stay in English (the machine outputs hold them so); the run's language is
    # said on the way out: the Findings sheet, the console, the error of a refused run.


def _copies(sources: list[Source]) -> set[int]:
    """Name each copy among ``sources`` at the copy (:mod:`kpixl.copies`); return their ids.

    A copy's findings become that one finding (its own are the original's again, or a stale
    version's), and it claims nothing: the original is not blamed for a duplicate department
    or KPI ID, and nobody is told to rename IDs.
    """
    found = copies.find_copies([copies.Input(s.path, s.sha256, s.department, tuple(l.record.kpi_id for l in s.kpis),
                                             s.language) for s in sources])
    for index, finding in found.items():
        sources[index].findings = [finding]
    return {id(sources[index]) for index in found}


def _earlier_claims(pool: list[Source]) -> None:
    """Add an error to each file that claims a department or KPI ID of an earlier file (naming that file)."""
    seen_ids: dict[str, tuple[KpiRecord, Source]] = {}
    seen_departments: dict[str, Source] = {}
    for source in pool:
        conflicts: list[Finding] = []
        other = seen_departments.get(_key(source.department))
        if other is not None:
            conflicts.append(Finding(CODE_DUPLICATE_DEPARTMENT, ERROR, message(
                "KPX603.earlier", dept=repr(source.department), other=other.path), Place(source.path)))
        local_ids: dict[str, tuple[KpiRecord, Source]] = {}
        for line in source.kpis:
            key = kpi_key(line.record.kpi_id)
            first = seen_ids.get(key)
            if first is not None:
                conflicts.append(Finding(
                    CODE_DUPLICATE_ID, ERROR, message("KPX601.earlier", id=repr(line.record.kpi_id),
                                                      where=_where(*first)), line.record.place if line.record.place.path else
                    Place(source.path, line.record.place.sheet, line.record.place.cell), line.record.kpi_id))
            local_ids.setdefault(key, (line.record, source))
        source.findings.extend(conflicts)
        seen_departments.setdefault(_key(source.department), source)
        for key, first in local_ids.items():
            seen_ids.setdefault(key, first)


def _shared_claims(pool: list[Source]) -> None:
    """Skip every file of ``pool`` that shares its department or a KPI ID with another; each names the others.

    Which of ``sales.xlsx`` and ``Sales-backup.XLSX`` is the right one is for a person
    to decide: neither is preferred for its name or its place in the input order.
    """
    _shared_departments(pool)
    _shared_ids(pool)
    for source in pool:
        if source.errors:
            source.status = SKIPPED


def _shared_departments(pool: list[Source]) -> None:
    """Add KPX603 to every file of ``pool`` whose department another file of it claims too, naming the others."""
    by_department: dict[str, list[Source]] = {}
    for source in pool:
        by_department.setdefault(_key(source.department), []).append(source)
    for claimants in by_department.values():
        for source in claimants if len(claimants) > 1 else ():
            others = ", ".join(o.path for o in claimants if o is not source)
            source.findings.append(Finding(CODE_DUPLICATE_DEPARTMENT, ERROR, message(
                "KPX603.shared", dept=repr(source.department), others=others), Place(source.path)))


def _shared_ids(pool: list[Source]) -> None:
    """Add KPX601 to every file of ``pool`` for each KPI ID another file of it has too, naming the others."""
    by_id: dict[str, list[tuple[KpiRecord, Source]]] = {}
    for source in pool:
        local: dict[str, KpiRecord] = {}
        for line in source.kpis:
            local.setdefault(kpi_key(line.record.kpi_id), line.record)
        for key, record in local.items():
            by_id.setdefault(key, []).append((record, source))
    for id_claimants in by_id.values():
        for record, source in id_claimants if len(id_claimants) > 1 else ():
            others = ", ".join(_where(r, o) for r, o in id_claimants if o is not source)
            source.findings.append(Finding(
                CODE_DUPLICATE_ID, ERROR, message("KPX601.shared", id=repr(record.kpi_id), where=others),
                record.place if record.place.path else Place(source.path, record.place.sheet, record.place.cell),
                record.kpi_id))


def _orphans(sources: list[Source], pool: list[Source], skip_invalid: bool) -> None:
    """Add an error for each parent ID that matches no high-level KPI; with skip_invalid, skip until stable."""
    while True:
        accepted = [s for s in pool if s.status == INCLUDED or not skip_invalid]
        high = {kpi_key(line.record.kpi_id) for s in accepted for line in s.kpis if line.is_high}
        newly_bad = False
        for source in accepted:
            if _add_orphan_findings(source, accepted, high) and skip_invalid:
                source.status = SKIPPED
                newly_bad = True
        if not newly_bad:
            break

    for source in sources:
        if source.errors:
            source.status = SKIPPED
            source.reason = source.reason or skip_reason(source, "en")


def _add_orphan_findings(source: Source, accepted: list[Source], high: set[str]) -> bool:
    """Add KPX602 for each KPI of ``source`` whose parent ID is in no ``high`` key; return whether there was one."""
    orphans = [line for line in source.kpis if not line.is_high and line.record.parent_id
               and str(line.record.parent_id).strip() and kpi_key(line.record.parent_id) not in high]
    for line in orphans:
        record = line.record
        place = record.place if record.place.path else Place(source.path, record.place.sheet, record.place.cell)
        finding = Finding(CODE_UNKNOWN_PARENT, ERROR, _list_files(accepted, source, parent=repr(record.parent_id),
                                                                   id=repr(record.kpi_id),
                                                                   parent_id=Header("parent KPI ID")),
                          place, record.kpi_id)
        if finding not in source.findings:
            source.findings.append(finding)
    return bool(orphans)


def _list_files(sources: list[Source], this: Source, **facts: object) -> Message:
    """Return KPX602 naming the inputs searched: the first three, and how many more."""
    names = [this.path] + [s.path for s in sources if s is not this]
    if len(names) <= 3:
        return message("KPX602", files=", ".join(names), **facts)
    return message("KPX602.more", files=", ".join(names[:3]), n=len(names) - 3, **facts)


# ----------------------------------------------------------------- roll-up

def _rollup(lines: list[KpiLine]) -> dict[str, list[KpiLine]]:
    """Set score, coverage, attainment and status of high-level KPIs; return children per high-level ID."""
    children: dict[str, list[KpiLine]] = {kpi_key(l.record.kpi_id): [] for l in lines if l.is_high}
    for line in lines:
        if not line.is_high and line.record.parent_id and kpi_key(line.record.parent_id) in children:
            children[kpi_key(line.record.parent_id)].append(line)
    for line in lines:
        result = line.result
        line.attainment = result.attainment if result else None
        line.status = result.status if result else core.NO_DATA
        line.basis = "own" if line.measured else None
        if not line.is_high:
            continue
        kids = children[kpi_key(line.record.kpi_id)]
        if kids:
            attainments = [k.result.attainment if k.result else None for k in kids]
            line.rollup_score = core.rollup(attainments, [k.record.effective_weight for k in kids])
            line.rollup_coverage = sum(a is not None for a in attainments) / len(kids)
        if not line.measured and line.rollup_score is not None:
            definition = line.record.definition()
            line.attainment = line.rollup_score
            line.status = core.status_of(line.rollup_score, definition.green, definition.amber)
            line.basis = "rollup"
    return children



def sources_language(sources: Sequence[Source], language: object = None) -> Language:
    """Return the run's one language: ``language`` when given, else the language of the workbooks read."""
    return run_language(language, [s.language for s in sources if s.kpis or s.measurements])


def mark_incomplete(sources: list[Source], lines: list[KpiLine], children: dict[str, list[KpiLine]]) -> None:
    """Mark every company KPI that may have lost children to a left-out file (``--skip-invalid``).

    A left-out file whose KPI rows could be read marks the parents they name, and counts
    them in the roll-up coverage as not covered; one that could not be read at all marks
    every company KPI that rolls up children or has no measurements of its own (it may have
    lost any), and its coverage is unknown. A copy (KPX606/607) loses nothing: the
    original holds its KPIs.
    """
    high = {kpi_key(line.record.kpi_id): line for line in lines if line.is_high}
    for source in sources:
        if source.status == SKIPPED and not _is_copy(source):
            _mark_lost(source, high, children)
    for key, line in high.items():
        if not line.incomplete:
            continue
        kids = children.get(key, [])
        covered = sum(1 for k in kids if k.result is not None and k.result.attainment is not None)
        # Children may be missing: the coverage counts them when known, and is unknown otherwise (never 100%).
        lost = line.lost_children
        line.rollup_coverage = None if lost is None else covered / (len(kids) + lost)


def _is_copy(source: Source) -> bool:
    return any(f.code in (copies.E_IDENTICAL_COPY, copies.E_LIKELY_COPY) for f in source.findings)


def _mark_lost(source: Source, high: dict[str, KpiLine], children: dict[str, list[KpiLine]]) -> None:
    """Add the left-out ``source`` to the company KPIs it may have held children of."""
    name = Path(source.path).name
    if source.kpis:
        named = Counter(kpi_key(k.record.parent_id) for k in source.kpis
                        if not k.is_high and k.record.parent_id and kpi_key(k.record.parent_id) in high)
        for key, count in named.items():
            high[key].lost_from += ((name, count),)
        return
    for key, line in high.items():
        if children.get(key) or not line.measured:
            line.lost_from += ((name, None),)


def consolidate_sources(sources: list[Source], as_of: date, *, skip_invalid: bool = False,
                        language: object = None) -> Consolidation:
    """Apply the cross-file rules and roll up; raise ValidationFailed on errors unless ``skip_invalid``.

    ``language`` is the run's (default: the workbooks' own, see :func:`kpixl.vocab.run_language`):
    of the company workbook and of every word the run says, the refusal's findings included.
    """
    language = sources_language(sources, language)
    _cross_file_rules(sources, skip_invalid)
    if not skip_invalid:
        errors = [(s, f) for s in sources for f in s.errors]
        if errors:
            raise ValidationFailed(_failure_message(errors, len(sources), language), language=language)
    if not any(s.status == INCLUDED for s in sources):
        raise ValidationFailed(texts.text("console", "no_valid", language, n=len(sources)) + "\n"
                               + "\n".join(f"  {s.path}: {skip_reason(s, language)}"
                                           for s in sources[:ERRORS_SHOWN]), language=language)
    lines = [line for s in sources if s.status == INCLUDED for line in s.kpis]
    # Company (high-level) KPIs first everywhere (KPIs, History, changes), then the departments' in input order.
    lines.sort(key=lambda line: not line.is_high)
    children = _rollup(lines)
    mark_incomplete(sources, lines, children)
    return Consolidation(as_of=as_of, language=language, sources=sources, kpis=lines, children=children)


def _failure_message(errors: list[tuple[Source, Finding]], n_files: int, language: object = "en") -> str:
    bad_files = len({id(s) for s, _ in errors})
    lines = [texts.text("console", "failed", language, errors=len(errors), bad=bad_files, files=n_files)]
    for source, finding in errors[:ERRORS_SHOWN]:
        place = finding.place if finding.place.path else Place(source.path, finding.place.sheet, finding.place.cell)
        said = dataclasses.replace(finding, place=place).in_language(language)
        lines.append(f"  {said.said(language)}")
    if len(errors) > ERRORS_SHOWN:
        lines.append(texts.text("console", "more", language, n=len(errors) - ERRORS_SHOWN))
    return "\n".join(lines)


def consolidate_workbooks(workbooks: Iterable[DepartmentWorkbook], as_of: date | None = None, *,
                          skip_invalid: bool = False, language: object = "en") -> Consolidation:
    """Consolidate in-memory workbooks (no file facts): the numbers without any file I/O."""
    as_of = as_of or date.today()
    sources = [source_from_workbook(w, as_of) for w in workbooks]
    return consolidate_sources(sources, as_of, skip_invalid=skip_invalid, language=language)


