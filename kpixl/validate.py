"""Own the validation rules of department workbooks and the validation report.

:func:`check_workbook` reads one file with :mod:`kpixl.reader` (which reports
what cannot be read as typed) and applies the semantic rules: required KPI
fields, duplicate IDs, definitions checked by :mod:`kpixl.core`, SMART
warnings, measurements for unknown KPIs, duplicate or out-of-period
measurements, late (missing) periods and evaluation decisions. It never raises
for a bad file. :func:`validate` runs it over files and folders and returns a
:class:`~kpixl.model.Report`. Every code is listed in ``docs/validation.md``.
"""

from __future__ import annotations

import calendar
import dataclasses
import functools
import hashlib
from concurrent.futures import Future
from datetime import date, timedelta
from pathlib import Path
from typing import Callable, Iterable

from kpixl import commentary, copies, core, isolation, reader, schema
from kpixl.company import check_links, read_company
from kpixl.errors import DefinitionError, WorkbookError
from kpixl.core import Word
from kpixl.message import Message, Number, Period, Periods, message
from kpixl.schema import Header, HeaderOf, Headers, SheetName
from kpixl.model import (ERROR, WARNING, DepartmentWorkbook, Finding, KpiRecord, MeasurementRecord, PhasingRecord, Place,
                         Report, profile_key, said_in)
from kpixl.reader import CHECK_TASK, WHOLE_TASK, WORKBOOK_TASK, isolated_result
from kpixl.reader.worker import said_of
from kpixl.vocab import Language, is_percent_unit, kpi_key, run_language, same_kpi

E_UNEXPECTED = "KPX199"
E_EMPTY_FOLDER = "KPX116"
E_DUPLICATE_KPI = "KPX301"
E_DEFINITION = "KPX302"
E_DATES = "KPX303"
E_THRESHOLDS = "KPX304"
E_WEIGHT = "KPX305"
W_NO_DEADLINE = "KPX306"
W_SMART = "KPX307"
W_NO_PARENT = "KPX308"
E_OWN_PARENT = "KPX309"
W_THRESHOLD_SCALE = "KPX310"
W_SEVERAL_OWNERS = "KPX311"
W_OTHER_DEPARTMENT = "KPX312"
E_UNKNOWN_PROFILE = "KPX320"
E_NEGATIVE_WEIGHT = "KPX321"
E_ZERO_PROFILE = "KPX322"
E_DUPLICATE_PROFILE = "KPX323"
E_UNKNOWN_KPI = "KPX401"
E_DUPLICATE_MEASUREMENT = "KPX402"
E_BEFORE_START = "KPX403"
E_AFTER_DEADLINE = "KPX404"
W_MISSING_PERIODS = "KPX405"
W_CLOSE_OF_PERIOD = "KPX406"
W_PERCENT_SCALE = "KPX407"
W_MAGNITUDE = "KPX408"
E_EVALUATION_UNKNOWN_KPI = "KPX501"
E_ADJUST_WITHOUT_TARGET = "KPX502"
W_TARGET_IGNORED = "KPX503"
E_DUPLICATE_EVALUATION = "KPX504"

SMART_FIELDS = (("specific", "Specific"), ("measurable", "Measurable"), ("attainable", "Attainable"),
                ("relevant", "Relevant"))
_OWNER_SEPARATORS = (",", ";", "/", "&", "+", " and ", " og ")
MAX_LISTED_PERIODS = 4
# Plausibility: a % KPI's value above this while its target and baseline are at most 1 is
# probably a whole percent typed as a number (2.1 for 2.1%); a value more than MAGNITUDE
# times the larger of |target| and |baseline| is probably a typo or the wrong unit.
PERCENT_LIMIT = 1.5
MAGNITUDE = 100.0


def check_workbook(path: Path | str, as_of: date | None = None, *,
                   prechecked: Future | None = None, engine: str | None = None,
                   language: object = None) -> DepartmentWorkbook:
    """Return the workbook read from ``path`` with every finding attached; never raise for a bad file.

    An unreadable file gives an empty DepartmentWorkbook with one error finding.
    ``prechecked`` is a future of :func:`kpixl.reader.precheck` on ``path`` already
    started (see :func:`prechecked`); ``engine`` is :func:`kpixl.reader.read_workbook`'s.
    The findings are said in ``language`` (default: the workbook's own); runs over many
    files ask for English and say the run's one language at the end.
    """
    as_of = as_of or date.today()
    shown = str(path)
    try:
        package = prechecked.result() if prechecked is not None else None
        workbook = reader.read_workbook(path, package=package, engine=engine)
    except WorkbookError as error:
        workbook = DepartmentWorkbook(path=shown)
        workbook.findings.append(Finding(error.code, ERROR, said_of(error),
                                         Place(error.path or shown, error.sheet, error.cell)))
        return workbook
    except MemoryError:
        workbook = DepartmentWorkbook(path=shown)
        workbook.findings.append(Finding(reader.E_DIMENSION, ERROR, message("KPX113.memory"), Place(shown)))
        return workbook
    except Exception as error:  # noqa: BLE001 - a bad file must never stop the run
        workbook = DepartmentWorkbook(path=shown)
        workbook.findings.append(Finding(E_UNEXPECTED, ERROR, message("KPX199", why=f"{type(error).__name__}: {error}"),
                                         Place(shown)))
        return workbook
    _Rules(workbook, as_of).run()
    # A Danish workbook's findings are said in Danish, naming its own sheets and headers.
    workbook.findings = said_in(workbook.findings, workbook.language if language is None else language)
    return workbook


def check_whole(path: Path | str, as_of: date | None = None) -> DepartmentWorkbook:
    """Return :func:`check_workbook` of ``path`` with its findings in English (validate --company's task)."""
    return check_workbook(path, as_of, language=Language.EN)


def validate(paths: Iterable[Path | str], *, as_of: date | None = None, strict: bool = False,
             progress: Callable[[int, int, str], None] | None = None, jobs: int = 1,
             file_timeout: float | None = isolation.DEFAULT_FILE_TIMEOUT,
             memory_limit: int | None = isolation.DEFAULT_MEMORY_LIMIT, task: str = CHECK_TASK,
             recursive: bool = False, company: Path | str | None = None, language: object = None) -> Report:
    """Return the report of checking every workbook in ``paths`` (folders expanded; subfolders with ``recursive``).

    Everything in a folder that is not read is named in a finding (KPX134, KPX135, KPX138)
    and counted in the summary. A copy among the inputs is named at the copy (KPX606,
    KPX607, :mod:`kpixl.copies`) and its KPIs and measurements are not counted. Each file
    is read and checked in a worker process (:mod:`kpixl.isolation`), ``jobs`` at a time;
    a worker that crashes, runs past ``file_timeout`` seconds or past ``memory_limit``
    bytes costs that file one finding.
    ``task`` names the function run per file (``"module:function"``, called with the path
    and the as-of date). ``progress(done, total, path)`` is called after each file when given.
    ``company``, a management workbook, adds the parent-link checks of
    :func:`kpixl.company.check_links` (it is refused with its findings when it does not
    validate itself); its workers send back whole workbooks, since the links need the records.
    The report speaks one ``language`` (default: the workbooks' own when they agree, else
    English): its findings and its summary.
    """
    as_of = as_of or date.today()
    linked = None
    if company is not None:
        linked = read_company(company, as_of=as_of, file_timeout=file_timeout, memory_limit=memory_limit)
        task = WHOLE_TASK if task == CHECK_TASK else task
    report = Report(strict=strict)
    inputs = reader.collect_inputs(list(paths), recursive=recursive)
    for folder in inputs.empty_folders:
        report.findings.append(Finding(E_EMPTY_FOLDER, ERROR, message("KPX116.recursive" if recursive else "KPX116"),
                                       Place(str(folder))))
    report.findings.extend(inputs.left_out)
    report.left_out.extend(inputs.left_out)
    files = inputs.files
    checked: list[tuple[list[Finding], int, int, copies.Input]] = []
    reader.warm()  # once here, not once in every worker
    with isolation.WorkerPool(jobs, timeout=file_timeout, memory_limit=memory_limit) as pool:
        results = pool.map(task, [(str(path), as_of) for path in files])
        for done, (path, result) in enumerate(zip(files, results), start=1):
            findings, kpis, measurements, identity = _counts(path, result)
            if linked is not None and isinstance(result, DepartmentWorkbook):
                findings = list(findings) + check_links(linked, result, language=Language.EN)
            checked.append((findings, kpis, measurements, identity))
            if progress is not None:
                progress(done, len(files), str(path))
    # A copy (the same bytes, or named like a copy and holding the same department or IDs) is
    # named once, at the copy; its KPIs are not counted twice, and its own findings give way.
    found = copies.find_copies([identity for *_rest, identity in checked])
    for index, (path, (findings, kpis, measurements, identity)) in enumerate(zip(files, checked)):
        report.files.append(str(path))
        if index in found:
            report.findings.append(found[index])
            report.copies.append(str(path))
            continue
        report.findings.extend(findings)
        report.kpi_count += kpis
        report.measurement_count += measurements
    # One language per run: the findings came back in English and are said in the run's language
    # (--lang, else that of the workbooks read: those with KPIs or measurements).
    report.language = run_language(language, [identity.language for _f, kpis, measurements, identity in checked
                                              if kpis or measurements])
    # (report.left_out stays English for the machine outputs; the summary counts its kinds by their codes and keys.)
    # Every finding is data (a message key and its facts): it is only given the language it is said in.
    report.findings = said_in(report.findings, report.language)
    return report


def check_counts(path: Path | str, as_of: date | None = None) -> tuple[list[Finding], int, int, copies.Input]:
    """Return (English findings, KPI count, measurement count, copy identity) of :func:`check_workbook`.

    What validate keeps: a worker sends back only these, not every record, so the hand-over
    costs little; the identity (SHA-256, department, KPI IDs, language) lets validate name
    copies among the inputs and find the run's language.
    """
    # The pre-check reads the whole file once; its bytes give the hash without reading it again.
    package: Future = Future()
    try:
        package.set_result(reader.precheck(path))
    except Exception as error:  # noqa: BLE001 - check_workbook words it, as it would its own
        package.set_exception(error)
    workbook = check_workbook(path, as_of, prechecked=package, language=Language.EN)
    data = package.result().data if package.exception() is None else b""
    sha = hashlib.sha256(data).hexdigest() if data else file_facts(path)[1]
    return workbook.findings, len(workbook.kpis), len(workbook.measurements), copies.input_of(workbook, sha)


def _counts(path: Path | str, result: object) -> tuple[list[Finding], int, int, copies.Input]:
    if isinstance(result, DepartmentWorkbook):
        return (result.findings, len(result.kpis), len(result.measurements),
                copies.input_of(result, file_facts(path)[1]))
    if isinstance(result, isolation.Fault):
        return isolated_result(path, result).findings, 0, 0, copies.Input(str(path), file_facts(path)[1])
    assert isinstance(result, tuple), type(result)
    return result  # type: ignore[return-value]


def file_facts(path: Path | str) -> tuple[int | None, str | None]:
    """Return (size in bytes, SHA-256 hex) of a file, streamed; (None, None) when it cannot be read."""
    digest = hashlib.sha256()
    size = 0
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
                size += len(block)
    except OSError:
        return None, None
    return size, digest.hexdigest()


# ------------------------------------------------------------------ rules

class _Rules:
    """Apply the semantic rules to one read workbook."""

    def __init__(self, workbook: DepartmentWorkbook, as_of: date):
        self.wb = workbook
        self.as_of = as_of
        self.repeated_profiles: set[str] = set()  # keys of profile names given twice (KPX323)

    def add(self, code: str, severity: str, said: Message, place: Place, kpi_id: str | None = None) -> None:
        self.wb.findings.append(Finding(code, severity, said, place, kpi_id))

    def run(self) -> None:
        self.check_phasing()
        kpis = self.check_kpis()
        self.check_measurements(kpis)
        self.check_evaluations(kpis)
        self.wb.findings.extend(commentary.check(self.wb, self.as_of))

    # -- phasing profiles
    def check_phasing(self) -> None:
        """Name a repeated profile name and every negative weight (blank and text weights the reader names)."""
        seen: dict[str, PhasingRecord] = {}
        for profile in self.wb.phasing:
            key = profile_key(profile.profile)
            if key in seen:
                first = seen[key].place
                self.add(E_DUPLICATE_PROFILE, ERROR, message("KPX323", name=repr(profile.profile),
                                                             first=f"{first.sheet}!{first.cell}"), profile.place)
                self.repeated_profiles.add(key)
            else:
                seen[key] = profile
            for month, (column, weight) in enumerate(zip(schema.MONTH_KEYS, profile.weights), 1):
                if weight is not None and weight < 0:
                    cell = self.wb.cell_in_row(schema.PHASING.name, column, profile.place)
                    self.add(E_NEGATIVE_WEIGHT, ERROR, message(
                        "KPX321", name=repr(profile.profile), month=Header(schema.MONTH_HEADERS["en"][month - 1]),
                        w=Number(weight, "g")), dataclasses.replace(profile.place, cell=cell or profile.place.cell))

    def check_kpi_phasing(self, kpi: KpiRecord) -> None:
        """Name a KPI's unknown profile, or one weighing 0 in every month of its period, at its Phasing cell."""
        if not kpi.phasing:
            return
        cell = self.wb.cell_in_row(schema.KPIS.name, "phasing", kpi.place)
        place = dataclasses.replace(kpi.place, cell=cell or kpi.place.cell)
        if kpi.weights is None:
            names = ", ".join(repr(p.profile) for p in self.wb.phasing)
            facts = dict(name=repr(kpi.phasing), sheet=SheetName("Phasing"), column=HeaderOf("KPIs", "phasing"))
            said = message("KPX320.profiles", names=names, **facts) if names else message("KPX320.none", **facts)
            self.add(E_UNKNOWN_PROFILE, ERROR, said, place, kpi.kpi_id)
            kpi.valid = False
            return
        if any(w is None or w < 0 for w in kpi.weights) or profile_key(kpi.phasing) in self.repeated_profiles:
            kpi.valid = False  # the Phasing sheet's finding names the weight or the repeated name
            return
        if kpi.start is None or kpi.deadline is None or kpi.deadline <= kpi.start:
            return
        try:
            core.phase_span(kpi.start, kpi.deadline, kpi.weights, kpi.phasing)  # type: ignore[arg-type]
        except DefinitionError:
            self.add(E_ZERO_PROFILE, ERROR, message("KPX322", name=repr(kpi.phasing), start=kpi.start.isoformat(),
                                                    deadline=kpi.deadline.isoformat(), sheet=SheetName("Phasing")),
                     place, kpi.kpi_id)
            kpi.valid = False

    # -- KPI definitions
    def check_kpis(self) -> dict[str, KpiRecord]:
        by_id: dict[str, KpiRecord] = {}
        for kpi in self.wb.kpis:
            key = kpi_key(kpi.kpi_id)
            if key in by_id:
                first = by_id[key]
                self.add(E_DUPLICATE_KPI, ERROR, message("KPX301", id=repr(kpi.kpi_id),
                                                         where=f"{first.place.sheet}!{first.place.cell}"),
                         kpi.place, kpi.kpi_id)
                kpi.valid = False
                first.valid = False
                continue
            by_id[key] = kpi
            self.check_definition(kpi)
            self.check_kpi_phasing(kpi)
            self.check_smart(kpi)
            self.check_department(kpi)
        return by_id

    def check_department(self, kpi: KpiRecord) -> None:
        """Warn when a row's typed Department is not the workbook's: the KPI counts for the workbook's department.

        Consolidate counts every KPI of a workbook under the workbook's department; a
        different typed one must not be overridden without a word.
        """
        stored = (self.wb.department or "").strip()
        typed = (kpi.department or "").strip()
        if not stored or not typed or " ".join(typed.split()).casefold() == " ".join(stored.split()).casefold():
            return
        cell = self.wb.cell_in_row(schema.KPIS.name, "department", kpi.place)
        place = dataclasses.replace(kpi.place, cell=cell) if cell else kpi.place
        self.add(W_OTHER_DEPARTMENT, WARNING, message("KPX312", header=HeaderOf("KPIs", "department"), typed=repr(typed),
                                                      department=repr(stored)), place, kpi.kpi_id)

    def check_definition(self, kpi: KpiRecord) -> None:
        place = kpi.place
        if kpi.target is not None and kpi.direction is not None:
            try:
                core.check_definition(kpi.target, kpi.baseline, kpi.direction, kpi.tolerance)
            except DefinitionError as error:
                self.add(E_DEFINITION, ERROR, message("KPX302", inner=error.as_fact()), place, kpi.kpi_id)
                kpi.valid = False
        try:
            core.check_dates(kpi.start, kpi.deadline)
        except DefinitionError as error:
            self.add(E_DATES, ERROR, message("KPX303", inner=error.as_fact()), place, kpi.kpi_id)
            kpi.valid = False
        green = core.DEFAULT_GREEN if kpi.green is None else kpi.green
        amber = core.DEFAULT_AMBER if kpi.amber is None else kpi.amber
        try:
            core.check_thresholds(green, amber)
        except DefinitionError as error:
            self.add(E_THRESHOLDS, ERROR, message("KPX304", inner=error.as_fact(), green=HeaderOf("KPIs", "green"),
                                                  amber=HeaderOf("KPIs", "amber")), place, kpi.kpi_id)
            kpi.valid = False
        for name, value in (("green from", kpi.green), ("amber from", kpi.amber)):
            if value is not None and (value > 2 or value < 0):
                self.add(W_THRESHOLD_SCALE, WARNING, message("KPX310", name=Header(name), v=Number(value, "g"),
                                                             p=Number(value * 100, "g")), place, kpi.kpi_id)
        if kpi.weight is not None and kpi.weight < 0:
            self.add(E_WEIGHT, ERROR, message("KPX305", w=Number(kpi.weight, "g")), place, kpi.kpi_id)
            kpi.valid = False
        if kpi.parent_id and same_kpi(kpi.parent_id, kpi.kpi_id):
            self.add(E_OWN_PARENT, ERROR, message("KPX309", id=repr(kpi.kpi_id)), place, kpi.kpi_id)

    def check_smart(self, kpi: KpiRecord) -> None:
        place = kpi.place
        if kpi.deadline is None:
            self.add(W_NO_DEADLINE, WARNING, message("KPX306"), place, kpi.kpi_id)
        empty = [label for key, label in SMART_FIELDS if core.is_blank(getattr(kpi, key))]
        if empty:
            self.add(W_SMART, WARNING, message("KPX307", fields=Headers(tuple(empty)),
                                               how=Headers(tuple(e.lower() for e in empty), lower=True)),
                     place, kpi.kpi_id)
        if kpi.level == "low" and not kpi.parent_id:
            self.add(W_NO_PARENT, WARNING, message("KPX308", parent_id=Header("parent KPI ID")), place, kpi.kpi_id)
        owner = f" {kpi.owner.casefold()} " if kpi.owner else ""
        if owner and any(sep in owner for sep in _OWNER_SEPARATORS):
            self.add(W_SEVERAL_OWNERS, WARNING, message("KPX311", who=repr(kpi.owner)), place, kpi.kpi_id)

    # -- measurements
    def check_measurements(self, kpis: dict[str, KpiRecord]) -> None:
        seen: dict[tuple[str, date], Place] = {}
        dates: dict[str, list[date]] = {kpi.kpi_id: [] for kpi in kpis.values()}
        # A KPI's window and date list once per KPI ID as typed, not per measurement (a
        # workbook holds thousands of values for a few dozen KPIs).
        windows: dict[str, tuple] = {}
        nothing = (None, None, None, None, None)
        for m in self.wb.measurements:
            window = windows.get(m.kpi_id)
            if window is None:
                kpi = kpis.get(kpi_key(m.kpi_id))
                window = windows[m.kpi_id] = nothing if kpi is None else (
                    kpi, kpi.start or date.min, kpi.deadline or date.max, dates[kpi.kpi_id], _plausible_scale(kpi))
            kpi, start, deadline, kpi_dates, scale = window
            if kpi is None:
                self.add(E_UNKNOWN_KPI, ERROR, message("KPX401", id=repr(m.kpi_id), sheet=SheetName("KPIs")), m.place,
                         m.kpi_id)
                continue
            period = m.period_end
            key = (kpi.kpi_id, period)
            if key in seen:
                first = seen[key]
                self.add(E_DUPLICATE_MEASUREMENT, ERROR, message("KPX402", id=repr(kpi.kpi_id), d=period.isoformat(),
                                                                 where=f"{first.sheet}!{first.cell}"), m.place, kpi.kpi_id)
                continue
            seen[key] = m.place
            kpi_dates.append(period)
            if abs(m.value) > scale[0]:
                self.check_plausible(kpi, m, scale)
            if start <= period <= deadline:
                continue
            if kpi.start is not None and m.period_end < kpi.start:
                self.add(E_BEFORE_START, ERROR, message("KPX403", d=m.period_end.isoformat(), s=kpi.start.isoformat()),
                         m.place, kpi.kpi_id)
            if kpi.deadline is not None and m.period_end > kpi.deadline:
                self.add(E_AFTER_DEADLINE, ERROR, message("KPX404", d=m.period_end.isoformat(),
                                                          e=kpi.deadline.isoformat()), m.place, kpi.kpi_id)
        for kpi in kpis.values():
            self.check_missing_periods(kpi, dates.get(kpi.kpi_id, []))

    def check_plausible(self, kpi: KpiRecord, m: MeasurementRecord, scale: tuple[float, float, bool]) -> None:
        """Warn for a value that is implausible for its KPI: a whole percent typed as a number, or 100x off."""
        _limit, reference, percent = scale
        value = m.value
        shown = Number(reader.fmt_number(value))
        place = self.value_place(m)
        if percent and value > PERCENT_LIMIT:
            self.add(W_PERCENT_SCALE, WARNING, message(
                "KPX407", v=shown, t=Number(reader.fmt_number((kpi.target or 0.0) * 100)),
                p=Number(reader.fmt_number(value * 100)), x=Number(reader.fmt_number(value / 100))), place, kpi.kpi_id)
        elif reference > 0 and abs(value) > MAGNITUDE * reference:
            facts = dict(v=shown, m=Number(MAGNITUDE, "g"), t=Number(reader.fmt_number(kpi.target or 0)))
            said = message("KPX408.baseline", b=Number(reader.fmt_number(kpi.baseline)), **facts) if kpi.baseline \
                else message("KPX408", **facts)
            self.add(W_MAGNITUDE, WARNING, said, place, kpi.kpi_id)

    def value_place(self, m: MeasurementRecord) -> Place:
        """Return the Value cell of a measurement's row (the row's place when the reader noted no column)."""
        cell = self.wb.cell_in_row(schema.MEASUREMENTS.name, "value", m.place)
        return dataclasses.replace(m.place, cell=cell) if cell else m.place

    def check_missing_periods(self, kpi: KpiRecord, period_ends: list[date]) -> None:
        if not kpi.frequency:
            return
        closing = kpi.deadline is not None and self.as_of >= kpi.deadline
        if not self.rolled_up_only(kpi, period_ends):
            self.check_late_periods(kpi, period_ends, closing)
        if closing:
            self.check_close_of_period(kpi, period_ends)

    def rolled_up_only(self, kpi: KpiRecord, period_ends: list[date]) -> bool:
        """Return True for a company KPI measured only through its children (management's roll-up KPIs).

        A high-level KPI with no measurement of its own: its number is the roll-up of the
        department KPIs that name it as parent, so it has no periods to enter.
        """
        return kpi.level == "high" and not period_ends

    def check_late_periods(self, kpi: KpiRecord, period_ends: list[date], closing: bool) -> None:
        """Warn for the periods before the as-of date (the final one excluded at close) without a measurement."""
        assert kpi.frequency
        start = kpi.start or (min(period_ends) if period_ends else None)
        if start is None:
            return
        ends = sorted(period_ends)
        # Periods and dates are both in order: one walk finds the periods without a date.
        # Labels only for the periods listed: most KPIs have none missing.
        missing = []
        index, count = 0, len(ends)
        for first, last, full_last in _bounds(kpi.frequency, start, kpi.deadline, self.as_of):
            if closing and last == kpi.deadline:
                break  # the final period is the close-of-period check's (KPX406)
            while index < count and ends[index] < first:
                index += 1
            if index == count or ends[index] > last:
                missing.append((first, full_last))
        if not missing:
            return
        listed = tuple(Period(_label(kpi.frequency, first, full_last)) for first, full_last in
                       missing[:MAX_LISTED_PERIODS]) + (("...",) if len(missing) > MAX_LISTED_PERIODS else ())
        self.add(W_MISSING_PERIODS, WARNING, message("KPX405", n=len(missing), f=Word(kpi.frequency),
                                                     d=self.as_of.isoformat(), listed=Periods(listed),
                                                     sheet=SheetName("Measurements")), kpi.place, kpi.kpi_id)

    def check_close_of_period(self, kpi: KpiRecord, period_ends: list[date]) -> None:
        """Warn when, on or after the deadline, the KPI's last period (by its frequency) has no measurement."""
        deadline = kpi.deadline
        assert deadline is not None and kpi.frequency
        first = final_period_start(kpi.frequency, deadline)
        if first is None:
            return
        if kpi.start is not None and kpi.start > first:
            first = kpi.start
        # The rows are in table order, the final period's usually last: looked for from the end.
        if any(first <= end <= deadline for end in reversed(period_ends)):
            return
        label = _final_label(kpi.frequency, first, deadline)
        self.add(W_CLOSE_OF_PERIOD, WARNING, message("KPX406", f=Word(kpi.frequency), label=Period(label),
                                                     d=deadline.isoformat(), sheet=SheetName("Measurements")),
                 kpi.place, kpi.kpi_id)

    # -- evaluation
    def check_evaluations(self, kpis: dict[str, KpiRecord]) -> None:
        seen: dict[str, Place] = {}
        for ev in self.wb.evaluations:
            if kpi_key(ev.kpi_id) not in kpis:
                self.add(E_EVALUATION_UNKNOWN_KPI, ERROR, message("KPX501", id=repr(ev.kpi_id), sheet=SheetName("KPIs")),
                         ev.place, ev.kpi_id)
                continue
            key = kpi_key(ev.kpi_id)
            if key in seen:
                self.add(E_DUPLICATE_EVALUATION, ERROR, message("KPX504", id=repr(ev.kpi_id),
                                                                where=f"{seen[key].sheet}!{seen[key].cell}"),
                         ev.place, ev.kpi_id)
                continue
            seen[key] = ev.place
            if ev.decision == "adjust" and ev.new_target is None:
                self.add(E_ADJUST_WITHOUT_TARGET, ERROR, message("KPX502", column=HeaderOf("Evaluation", "new_target")),
                         ev.place, ev.kpi_id)
            elif ev.decision in ("keep", "retire") and ev.new_target is not None:
                self.add(W_TARGET_IGNORED, WARNING, message("KPX503", t=Number(ev.new_target, "g"),
                                                            d=Word(ev.decision.capitalize())), ev.place, ev.kpi_id)


# ------------------------------------------------------------------ plausibility and periods

def _plausible_scale(kpi: KpiRecord) -> tuple[float, float, bool]:
    """Return (values above this need a look, the target/baseline magnitude, whether the KPI is a % KPI)."""
    reference = max(abs(kpi.target or 0.0), abs(kpi.baseline or 0.0))
    percent = is_percent_unit(kpi.unit) and kpi.target is not None and reference <= 1
    limit = PERCENT_LIMIT if percent else (MAGNITUDE * reference if reference > 0 else float("inf"))
    return limit, reference, percent


_MONTHS = {"monthly": 1, "quarterly": 3, "yearly": 12}


def final_period_start(frequency: str, deadline: date) -> date | None:
    """Return the first day of the last period before ``deadline``: one period length that ends on it.

    Weekly: the 7 days up to the deadline. Monthly, quarterly, yearly: when the deadline is a
    month's last day, whole calendar months (a 31 December deadline gives December, Q4, the
    year); otherwise the same day 1, 3 or 12 months earlier, plus one day.
    """
    if frequency == "weekly":
        return deadline - timedelta(days=6)
    months = _MONTHS.get(frequency)
    if months is None:
        return None
    month_index = deadline.year * 12 + deadline.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    if deadline.day == calendar.monthrange(deadline.year, deadline.month)[1]:
        return date(year, month, 1) + timedelta(days=calendar.monthrange(year, month)[1])
    return date(year, month, min(deadline.day, calendar.monthrange(year, month)[1])) + timedelta(days=1)


def _final_label(frequency: str, first: date, deadline: date) -> str:
    """Return the final period's label: the calendar label when it is a whole calendar period, else its dates."""
    whole = first.day == 1 and deadline.day == calendar.monthrange(deadline.year, deadline.month)[1] and (
        frequency == "monthly" or (frequency == "quarterly" and deadline.month % 3 == 0 and first.month % 3 == 1)
        or (frequency == "yearly" and first.month == 1 and deadline.month == 12))
    if whole:
        return _label(frequency, first, deadline)
    return f"{first.isoformat()}..{deadline.isoformat()}"


# ------------------------------------------------------------------ periods

def periods(frequency: str, start: date, deadline: date | None, as_of: date) -> list[tuple[date, date, str]]:
    """Return the (first day, last day, label) of each period that ended before ``as_of``.

    Weekly periods are 7-day windows from the start (each holds every weekday once,
    whatever day staff date their values); monthly, quarterly and yearly periods are
    calendar periods clipped to the start. Periods starting after the deadline are left out.
    """
    return [(first, last, _label(frequency, first, full_last))
            for first, last, full_last in _bounds(frequency, start, deadline, as_of)]


@functools.lru_cache(maxsize=256)
def _bounds(frequency: str, start: date, deadline: date | None, as_of: date) -> tuple[tuple[date, date, date], ...]:
    """Return (first day, last day clipped to the deadline, last day unclipped) of each ended period.

    Cached: the KPIs of a company mostly share frequency, start and deadline.
    """
    result: list[tuple[date, date, date]] = []
    cursor = start
    limit = 2000  # a 40-year weekly KPI; guards against absurd dates
    week = timedelta(days=6)
    day = timedelta(days=1)
    while len(result) < limit:
        if frequency == "weekly":
            full_last = cursor + week
        elif frequency == "monthly":
            full_last = date(cursor.year, cursor.month, calendar.monthrange(cursor.year, cursor.month)[1])
        elif frequency == "quarterly":
            quarter_end_month = ((cursor.month - 1) // 3 + 1) * 3
            full_last = date(cursor.year, quarter_end_month, calendar.monthrange(cursor.year, quarter_end_month)[1])
        elif frequency == "yearly":
            full_last = date(cursor.year, 12, 31)
        else:
            return ()
        last = full_last
        if deadline is not None:
            if cursor > deadline:
                break
            last = min(last, deadline)
        if last >= as_of:
            break
        result.append((cursor, last, full_last))
        cursor = last + day
    return tuple(result)


def _label(frequency: str, first: date, full_last: date) -> str:
    """Return the label of the period from ``first`` (its unclipped last day ``full_last``)."""
    if frequency == "weekly":
        return f"week {first.isoformat()}..{full_last.isoformat()}"
    if frequency == "monthly":
        return f"{first.year}-{first.month:02d}"
    if frequency == "quarterly":
        return f"{first.year}-Q{(first.month - 1) // 3 + 1}"
    return f"{first.year}"


__all__ = ["check_workbook", "check_whole", "validate", "prechecked", "periods", "final_period_start"]
