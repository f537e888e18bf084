"""Own the re-design phase: the next period's workbook from the Evaluation decisions.

:func:`rollover` reads a department workbook (it must validate with no errors),
computes each KPI's final actual with :func:`kpixl.core.evaluate` and writes a new
workbook in the same language, formula mode and department: ``Keep`` keeps the
target, ``Adjust target`` takes the new target, ``Retire`` drops the KPI; every
kept KPI's baseline becomes its final actual and its dates move to the new period.
:func:`rollover_cascade` does the same for the management workbook and every
department workbook of a folder in one run, and carries the company's decisions
(a retired or re-targeted high-level KPI) into the departments' next workbooks.

What rollover has to say is findings (codes KPX701-759, place = file, sheet,
cell; listed in docs/validation.md): warnings are returned, errors refuse the
run and nothing is written. Choices made here (see docs/walkthrough.md):
- A KPI without a decision is kept as it is, with a warning.
- A target that no longer fits its new baseline (an increase KPI whose final actual
  already reached it, a decrease KPI already below it) is an error naming the KPI
  and the Evaluation cell. Quietly writing a KPI the validator rejects, or
  inventing a target, would both hide a decision management must make.
- A KPI with no final actual (no measurement in its period) keeps its old baseline,
  with a warning; a final actual that misses periods of the KPI's frequency (the
  last month not typed yet) is a warning naming them, since it becomes a baseline.
- A ``sum`` KPI's target, baseline and tolerance are amounts for its whole period.
  When the new period is not as long as the old one (as the default dates would
  make it), they are scaled by the ratio of the day counts (deadline - start) with
  ``prorate``; without it rollover refuses and names the KPIs.
- Retiring a KPI that a kept KPI of the same workbook still rolls up to is an
  error naming the children (the next consolidate would fail with KPX602).
- Default dates: start = the old deadline + 1 day; deadline = the start plus the old
  period's length, in whole months when the old period ran from a first to a last
  day of a month (2025-01-01..2025-12-31 becomes 2026-01-01..2026-12-31), otherwise
  in days. Each KPI is moved by its own dates.
The input is only read; the output is written atomically and validated before it
is moved into place.
"""

from __future__ import annotations

import contextlib
import dataclasses
from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from kpixl import core, danish, i18n, schema, texts
from kpixl.errors import DefinitionError, OutputError, ValidationFailed
from kpixl.model import (ERROR, WARNING, DepartmentWorkbook, EvaluationRecord, Finding, KpiRecord, PhasingRecord,
                         Place, refuse_invalid)
from kpixl.output import atomic_output, check_output
from kpixl.reader import collect_inputs
from kpixl.template import write_template
from kpixl.validate import check_workbook, periods
from kpixl.vocab import FormulaMode, Language, kpi_key

# How many of the input's errors the refusal lists before "and N more".
ERRORS_SHOWN = 10

# Rollover's findings (docs/validation.md, "Rollover codes").
W_UNDECIDED = "KPX701"
W_TARGET_IGNORED = "KPX702"
W_NO_FINAL_ACTUAL = "KPX703"
W_ADJUSTED_TEXTS = "KPX704"
W_NO_DEADLINE = "KPX705"
W_RETIRED_COMPANY_KPI = "KPX706"
W_ALL_RETIRED = "KPX707"
W_MISSING_PERIODS = "KPX708"
W_PRORATED = "KPX709"
W_PARENT_RETIRED = "KPX710"
W_PARENT_RETARGETED = "KPX711"
W_NOT_A_DEPARTMENT = "KPX712"
E_ADJUST_WITHOUT_TARGET = "KPX731"
E_TARGET_REACHED = "KPX732"
E_NEW_TARGET_MISFIT = "KPX733"
E_DATES = "KPX734"
E_PERIOD_LENGTH = "KPX735"
E_RETIRED_PARENT = "KPX736"

class RolloverRefused(DefinitionError):
    """Report the Evaluation decisions that stop a rollover; ``findings`` holds them as data."""

    def __init__(self, message: str, findings: list[Finding]):
        self.findings = findings
        super().__init__(message)


@dataclass(frozen=True)
class ParentChange:
    """Describe what happened to a KPI that others roll up to: retired, or a new target."""

    kpi_id: str
    name: str | None
    decision: str  # "retire" | "adjust"
    source: str
    old_target: float | None = None
    new_target: float | None = None


@dataclass
class RolloverResult:
    """Describe one rollover: what happened to each KPI, the new workbook and the warnings."""

    source: Path
    output: Path
    kept: list[str] = field(default_factory=list)
    adjusted: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    undecided: list[str] = field(default_factory=list)  # kept too, but nobody decided
    kpis: list[KpiRecord] = field(default_factory=list)  # the new period's definitions
    final_actuals: dict[str, float | None] = field(default_factory=dict)
    warnings: list[Finding] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)  # KPI ID -> Evaluation note of the new workbook
    changes: list[ParentChange] = field(default_factory=list)  # retired / re-targeted KPIs, for children elsewhere

    def summary_lines(self, language: object = Language.EN) -> list[str]:
        """Return the lines the CLI prints, in ``language``: counts, the period, the output and the warnings."""
        language = Language.parse(language)
        words = texts.of("rollover", language)
        total = len(self.kept) + len(self.adjusted) + len(self.retired) + len(self.undecided)
        lines = [
            words["headline"].format(source=self.source, output=self.output),
            words["decisions"].format(kpis=texts.count("rollover", "kpis", total, language),
                                      kept=_count(len(self.kept), language),
                                      adjusted=_count(len(self.adjusted), language),
                                      retired=_count(len(self.retired), language),
                                      undecided=_count(len(self.undecided), language)),
        ]
        periods = sorted({(k.start, k.deadline) for k in self.kpis}, key=lambda p: (str(p[0]), str(p[1])))
        if len(periods) == 1:
            start, deadline = periods[0]
            lines.append(words["period"].format(start=_day(start), deadline=_day(deadline)))
        elif periods:
            lines.append(words["periods"].format(count=_count(len(periods), language)))
        lines.extend(words["warning"].format(place=w.place, code=w.code, message=w.message) for w in self.warnings)
        return lines


def _count(n: int, language: Language) -> str:
    return i18n.format_number(n, language)


def workbook_formulas(workbook: DepartmentWorkbook) -> FormulaMode:
    """Return the formula mode a workbook stores; native when it stores none or one kpixl does not know.

    A read workbook is not an argument: an edited defined name must not stop a rollover
    or a split, so the next workbook gets the default mode instead.
    """
    try:
        return FormulaMode.parse(workbook.formulas)
    except DefinitionError:
        return FormulaMode.NATIVE


@dataclass
class _Prepared:
    """Hold one workbook ready to write: what was read, what was decided, what stops it."""

    workbook: DepartmentWorkbook
    result: RolloverResult
    problems: list[Finding]


@dataclass(frozen=True)
class _Options:
    start: date | None = None
    deadline: date | None = None
    as_of: date | None = None
    prorate: bool = False


def rollover(source: Path | str, output: Path | str, *, start: date | None = None, deadline: date | None = None,
             as_of: date | None = None, prorate: bool = False, force: bool = False) -> RolloverResult:
    """Write the next period's workbook ``output`` from the Evaluation decisions in ``source``.

    ``as_of`` fixes the date the final actuals are computed as of (default: each
    KPI's old deadline, else today). ``prorate`` scales a ``sum`` KPI's amounts
    when the new period's length differs. Raises ValidationFailed when ``source``
    has errors and RolloverRefused (a DefinitionError) when a decision cannot be
    carried out; the warnings are ``result.warnings``.
    """
    source, output = Path(source), Path(output)
    check_output(output, force=force, inputs=[source])
    options = _options(start, deadline, as_of, prorate)
    prepared = _prepare(source, output, options)
    _refuse([prepared])
    with atomic_output(output, force=force, inputs=[source]) as temp:
        _write(prepared, temp)
    return prepared.result


def _options(start: date | None, deadline: date | None, as_of: date | None, prorate: bool) -> _Options:
    if start is not None and deadline is not None and deadline <= start:
        raise DefinitionError(f"the new deadline {deadline.isoformat()} must be after the new start "
                              f"{start.isoformat()}; change --start or --deadline")
    return _Options(start, deadline, as_of, prorate)


def _prepare(source: Path, output: Path, options: _Options,
             parents: dict[str, ParentChange] | None = None) -> _Prepared:
    workbook = _read_valid(source, options.as_of)
    result, problems = _plan(workbook, source, output, options, parents or {})
    return _Prepared(workbook, result, problems)


def _refuse(prepared: list[_Prepared]) -> None:
    """Raise RolloverRefused listing every problem of every workbook, if there is any."""
    problems = [f for p in prepared for f in p.problems]
    if not problems:
        return
    if len(problems) == 1:
        raise RolloverRefused(str(problems[0]), problems)
    sources = [str(p.result.source) for p in prepared if p.problems]
    where = ", ".join(sources) if len(sources) <= 3 else f"{len(sources)} workbooks"
    head = f"{where}: {len(problems)} Evaluation decision(s) must be fixed before rollover"
    raise RolloverRefused(head + ":\n  " + "\n  ".join(str(f) for f in problems), problems)


def _write(prepared: _Prepared, temp: Path) -> None:
    workbook, result = prepared.workbook, prepared.result
    language = Language.parse(workbook.language)  # the reader's: en or da already
    formulas = workbook_formulas(workbook)
    periods = {(k.start, k.deadline) for k in result.kpis}
    common_start, common_deadline = periods.pop() if len(periods) == 1 else (None, None)
    evaluations = [EvaluationRecord(kpi_id=k.kpi_id, notes=result.notes[k.kpi_id]) for k in result.kpis
                   if k.kpi_id in result.notes]
    write_template(temp, department=workbook.department, language=language, formulas=formulas,
                   start=common_start, deadline=common_deadline, rows=max(50, len(result.kpis) + 10),
                   force=True, kpis=result.kpis, measurements=[], evaluations=evaluations,
                   phasing=[PhasingRecord(p.profile, p.weights) for p in workbook.phasing])  # the profiles carry over
    _check_written(temp, result.output)


# ---------------------------------------------------------------- the cascade

@dataclass
class CascadeResult:
    """Describe a rollover of the management workbook and the department workbooks of a folder."""

    management: RolloverResult
    departments: list[RolloverResult] = field(default_factory=list)
    skipped: list[Finding] = field(default_factory=list)

    @property
    def warnings(self) -> list[Finding]:
        """Return every warning of the run, management's first."""
        return [w for r in [self.management, *self.departments] for w in r.warnings] + self.skipped

    def summary_lines(self, language: object = Language.EN) -> list[str]:
        """Return the management workbook's summary, then one block per department workbook, in ``language``."""
        language = Language.parse(language)
        lines = self.management.summary_lines(language)
        for result in self.departments:
            lines.extend(result.summary_lines(language))
        lines.extend(str(f) for f in self.skipped)
        flagged = sum(len(r.notes) for r in self.departments)
        lines.append(texts.text("rollover", "cascade", language,
                                workbooks=texts.count("rollover", "workbooks", 1 + len(self.departments), language),
                                flagged=texts.count("rollover", "flagged", flagged, language)))
        return lines


def rollover_cascade(management: Path | str, output: Path | str, departments: Path | str,
                     departments_out: Path | str, *, start: date | None = None, deadline: date | None = None,
                     as_of: date | None = None, prorate: bool = False, force: bool = False) -> CascadeResult:
    """Roll over ``management`` into ``output`` and every workbook in ``departments`` into ``departments_out``.

    Department outputs keep their input file names. Each department KPI whose
    parent was retired or given a new target in the management workbook gets an
    Evaluation note in its next workbook and a warning. Nothing is written unless
    every workbook can be rolled over; then all are written together.
    """
    management, output = Path(management), Path(output)
    folder, out_folder = Path(departments), Path(departments_out)
    if not folder.is_dir():
        raise OutputError(f"{folder}: is not a folder; give the folder that holds the department workbooks")
    if out_folder.exists() and out_folder.resolve() == folder.resolve():
        raise OutputError(f"{out_folder}: is the folder of the department workbooks; give another folder for "
                          f"their next workbooks")
    if out_folder.exists() and not out_folder.is_dir():
        raise OutputError(f"{out_folder}: is a file; give a folder for the departments' next workbooks")
    options = _options(start, deadline, as_of, prorate)
    check_output(output, force=force, inputs=[management])
    inputs = collect_inputs([folder])
    # What the folder holds that is not a workbook (KPX134) or is a subfolder (KPX135) is named, never skipped silently.
    files, skipped = [], list(inputs.left_out)
    for path in inputs.files:
        if path.resolve() == management.resolve():
            skipped.append(Finding(W_NOT_A_DEPARTMENT, WARNING, "is the management workbook, so it is rolled over "
                                   "once, into the management output", Place(str(path))))
        else:
            files.append(path)
    targets = [out_folder / path.name for path in files]
    if out_folder.exists():
        for path, target in zip(files, targets):
            check_output(target, force=force, inputs=[path, management])

    head = _prepare(management, output, options)
    # This run sees the departments: their children are flagged below instead of "may have children".
    head.result.warnings = [w for w in head.result.warnings if w.code != W_RETIRED_COMPANY_KPI]
    changes = {_id_key(c.kpi_id): c for c in head.result.changes}
    prepared = [head] + [_prepare(path, target, options, changes) for path, target in zip(files, targets)]
    _refuse(prepared)

    created = not out_folder.exists()
    if created:
        out_folder.mkdir(parents=True)
    try:
        with contextlib.ExitStack() as stack:
            # Every workbook is written and checked before the first one is moved into place.
            for item, source in zip(prepared, [management, *files]):
                temp = stack.enter_context(atomic_output(item.result.output, force=force, inputs=[source]))
                _write(item, temp)
    except BaseException:
        if created:
            with contextlib.suppress(OSError):
                out_folder.rmdir()
        raise
    return CascadeResult(head.result, [p.result for p in prepared[1:]], skipped)


# ---------------------------------------------------------------- reading

def _read_valid(source: Path, as_of: date | None) -> DepartmentWorkbook:
    workbook = check_workbook(source, as_of=as_of)
    refuse_invalid(workbook, source, "cannot roll over a workbook with {n} error(s)", ERRORS_SHOWN)
    return workbook


def _check_written(temp: Path, output: Path) -> None:
    written = check_workbook(temp)
    errors = [f for f in written.findings if f.severity == ERROR]
    if errors:
        # A bug in kpixl, not in the user's input: say so and write nothing.
        raise ValidationFailed(f"{output}: the new workbook would not validate, so it was not written "
                               f"(please report this): " + "; ".join(f"{f.code}: {f.message}" for f in errors))


def _id_key(kpi_id: str | None) -> str:
    # Every KPI ID match goes through the one key function (case and surrounding spaces ignored).
    return kpi_key(kpi_id or "")


# ---------------------------------------------------------------- deciding

class _Planner:
    """Decide one workbook's next period, KPI by KPI, collecting findings."""

    def __init__(self, workbook: DepartmentWorkbook, source: Path, output: Path, options: _Options,
                 parents: dict[str, ParentChange]):
        self.wb = workbook
        self.options = options
        self.parents = parents
        self.result = RolloverResult(source=source, output=output)
        self.problems: list[Finding] = []
        self.language = Language.parse(workbook.language)  # the reader's: en or da already
        self.words = schema.DECISION_WORDS[self.language]
        # Validation has already refused unknown and duplicate Evaluation rows (KPX501, KPX504)
        # and Adjust target without a new target (KPX502); IDs match case-insensitively there too.
        self.evaluations: dict[str, EvaluationRecord] = {}
        for ev in workbook.evaluations:
            self.evaluations.setdefault(_id_key(ev.kpi_id), ev)
        self.measurements: dict[str, list[tuple[date, float]]] = {}
        for m in workbook.measurements:
            self.measurements.setdefault(_id_key(m.kpi_id), []).append((m.period_end, m.value))

    def warn(self, code: str, message: str, place: Place, kpi_id: str | None = None) -> None:
        self.result.warnings.append(Finding(code, WARNING, message, place, kpi_id))

    def problem(self, code: str, message: str, place: Place, kpi_id: str | None = None) -> None:
        self.problems.append(Finding(code, ERROR, message, place, kpi_id))

    def place(self, kpi: KpiRecord) -> Place:
        """Return the KPI's row on the KPIs sheet (its first cell)."""
        place = kpi.place
        return Place(place.path or self.wb.path, place.sheet or self.wb.sheets.get(schema.KPIS.name), place.cell)

    def run(self) -> None:
        today = date.today()
        for kpi in self.wb.kpis:
            ev = self.evaluations.get(_id_key(kpi.kpi_id))
            decision = ev.decision if ev is not None else None
            closing = self.options.as_of or kpi.deadline or today
            series = self.measurements.get(_id_key(kpi.kpi_id), [])
            final = core.evaluate(kpi.definition(), series, closing).actual
            self.result.final_actuals[kpi.kpi_id] = final
            if decision == "retire":
                self.result.retired.append(kpi.kpi_id)
                self.ignored_target(kpi, ev, "retire")
                self.result.changes.append(ParentChange(kpi.kpi_id, kpi.name, "retire", str(self.result.source)))
                continue
            record = self.next_record(kpi, ev, decision, final, closing, series)
            if record is None:
                continue
            self.result.kpis.append(record)
            {"keep": self.result.kept, "adjust": self.result.adjusted}.get(
                decision, self.result.undecided).append(kpi.kpi_id)  # type: ignore[arg-type]
        self.after()

    def ignored_target(self, kpi: KpiRecord, ev: EvaluationRecord | None, decision: str) -> None:
        """Warn that a New target typed beside Keep or Retire is not used (nothing typed goes unmentioned)."""
        if ev is None or ev.new_target is None or (decision == "keep" and ev.new_target == kpi.target):
            return
        words = self.words
        self.warn(W_TARGET_IGNORED, f"KPI {kpi.kpi_id} is marked {words[decision]}, so its new target "
                  f"{_num(ev.new_target)} is ignored; choose {words['adjust']} to use it",
                  _eval_place(self.wb, ev, "new_target"), kpi.kpi_id)

    def next_record(self, kpi: KpiRecord, ev: EvaluationRecord | None, decision: str | None,
                    final: float | None, closing: date, series: list[tuple[date, float]]) -> KpiRecord | None:
        """Return the KPI's next-period record, or None after recording why it cannot be written."""
        words = self.words
        target = kpi.target
        if decision == "adjust":
            if ev is None or ev.new_target is None:
                self.problem(E_ADJUST_WITHOUT_TARGET, f"KPI {kpi.kpi_id} is marked {words['adjust']} but has no new "
                             f"target; type the new target, or choose {words['keep']} or {words['retire']}",
                             _eval_place(self.wb, ev, "new_target"), kpi.kpi_id)
                return None
            target = ev.new_target
            self.result.changes.append(ParentChange(kpi.kpi_id, kpi.name, "adjust", str(self.result.source),
                                                    kpi.target, target))
            self.warn(W_ADJUSTED_TEXTS, f"KPI {kpi.kpi_id} has a new target {_num(target)} (was "
                      f"{_num(kpi.target)}); check that its SMART texts (Specific, Attainable) do not still name the "
                      f"old one", self.place(kpi), kpi.kpi_id)
        elif decision == "keep":
            self.ignored_target(kpi, ev, "keep")
        elif decision is None:
            self.warn(W_UNDECIDED, f"KPI {kpi.kpi_id} has no decision, so it was kept as it was; choose "
                      f"{words['keep']}, {words['adjust']} or {words['retire']} on the Evaluation sheet",
                      _eval_place(self.wb, ev, "decision"), kpi.kpi_id)

        baseline = kpi.baseline
        if final is None:
            self.warn(W_NO_FINAL_ACTUAL, f"KPI {kpi.kpi_id} has no final actual as of {closing.isoformat()} (no "
                      f"measurements in its period); its baseline stays {_num(kpi.baseline)}", self.place(kpi),
                      kpi.kpi_id)
        else:
            baseline = final
            self.check_periods(kpi, final, closing, series)

        new_start, new_deadline, date_problem = _new_dates(kpi, self.options.start, self.options.deadline)
        if date_problem:
            self.problem(E_DATES, date_problem, self.place(kpi), kpi.kpi_id)
            return None
        if new_start is not None and new_deadline is None:
            self.warn(W_NO_DEADLINE, f"KPI {kpi.kpi_id} has a start date but no deadline; give --deadline to make "
                      f"it time-bound", self.place(kpi), kpi.kpi_id)
        scaled = self.prorate(kpi, decision, target, baseline, new_start, new_deadline, ev)
        if scaled is None:
            return None
        target, baseline, tolerance = scaled

        problem = _target_problem(kpi, decision, target, baseline, words)
        if problem:
            code, key, message = problem
            self.problem(code, message, _eval_place(self.wb, ev, key), kpi.kpi_id)
            return None
        return dataclasses.replace(kpi, target=target, baseline=baseline, tolerance=tolerance, start=new_start,
                                   deadline=new_deadline, place=Place(), valid=True, extra=dict(kpi.extra))

    def prorate(self, kpi: KpiRecord, decision: str | None, target: float | None, baseline: float | None,
                new_start: date | None, new_deadline: date | None, ev: EvaluationRecord | None
                ) -> tuple[float | None, float | None, float | None] | None:
        """Return (target, baseline, tolerance) for the new period; None after a refusal.

        Only a ``sum`` KPI whose new period is not as long as its old one (by the default
        rule) is touched: its amounts are for the whole period. An adjusted target is
        management's number for the new period and is not scaled.
        """
        tolerance = kpi.tolerance
        old_start, old_deadline = kpi.start, kpi.deadline
        if (kpi.aggregation != core.SUM or None in (old_start, old_deadline, new_start, new_deadline)
                or new_deadline == next_deadline(old_start, old_deadline, new_start)):  # type: ignore[arg-type]
            return target, baseline, tolerance
        old_days = (old_deadline - old_start).days  # type: ignore[operator]
        new_days = (new_deadline - new_start).days  # type: ignore[operator]
        amounts = [f"baseline {_num(baseline)}"] if baseline is not None else []
        if decision != "adjust":
            amounts.insert(0, f"target {_num(target)}")
        if tolerance is not None:
            amounts.append(f"tolerance {_num(tolerance)}")
        if not amounts:
            return target, baseline, tolerance
        old_period = f"{old_days} days ({_day(old_start)} to {_day(old_deadline)})"
        new_period = f"{new_days} days ({_day(new_start)} to {_day(new_deadline)})"
        if not self.options.prorate:
            self.problem(E_PERIOD_LENGTH, f"KPI {kpi.kpi_id} adds up over its period (sum): its "
                         f"{_and(amounts)} are for {old_period}, but the new period has {new_period}; run rollover "
                         f"with --prorate to scale them by {new_days}/{old_days}, or give a --deadline that keeps the "
                         f"period's length", self.place(kpi), kpi.kpi_id)
            return None
        ratio = new_days / old_days
        new_target = target if decision == "adjust" or target is None else target * ratio
        new_baseline = None if baseline is None else baseline * ratio
        new_tolerance = None if tolerance is None else tolerance * ratio
        after = [f"baseline {_num(new_baseline)}"] if new_baseline is not None else []
        if decision != "adjust":
            after.insert(0, f"target {_num(new_target)}")
        if new_tolerance is not None:
            after.append(f"tolerance {_num(new_tolerance)}")
        self.warn(W_PRORATED, f"KPI {kpi.kpi_id} adds up over its period (sum): its {_and(amounts)} for "
                  f"{old_period} are scaled by {new_days}/{old_days} to {_and(after)} for {new_period}",
                  self.place(kpi), kpi.kpi_id)
        return new_target, new_baseline, new_tolerance

    def check_periods(self, kpi: KpiRecord, final: float, closing: date, series: list[tuple[date, float]]) -> None:
        """Warn when the final actual (the new baseline) misses periods of the KPI's frequency."""
        if not kpi.frequency or kpi.start is None:
            return
        expected = periods(kpi.frequency, kpi.start, kpi.deadline, closing + timedelta(days=1))
        ends = [end for end, _ in series]
        missing = [label for first, last, label in expected if not any(first <= end <= last for end in ends)]
        if not missing:
            return
        shown = ", ".join(missing[:4]) + (", ..." if len(missing) > 4 else "")
        self.warn(W_MISSING_PERIODS, f"KPI {kpi.kpi_id}'s final actual {_num(final)}, its new baseline, has no "
                  f"measurement for {len(missing)} of {len(expected)} {kpi.frequency} period(s) up to "
                  f"{closing.isoformat()}: {shown}; it is the {kpi.aggregation or core.LAST} of the other "
                  f"{len(expected) - len(missing)}; enter the missing values and roll over again, or correct the "
                  f"new baseline", self.place(kpi), kpi.kpi_id)

    def after(self) -> None:
        """Add the findings about the workbook as a whole: links to retired or changed parents."""
        result, language = self.result, self.language
        retired = {_id_key(k): k for k in result.retired}
        records = {_id_key(k.kpi_id): k for k in self.wb.kpis}
        own = {_id_key(c.kpi_id): c for c in result.changes if c.decision == "adjust"}
        for record in result.kpis:
            key = _id_key(record.parent_id)
            if not record.parent_id:
                continue
            if key in retired:
                parent = records[key]
                self.problem(E_RETIRED_PARENT, f"KPI {parent.kpi_id} is retired, but KPI {record.kpi_id} "
                             f"({_short(self.place(_original(self.wb, record)))}) still rolls up to it; retire "
                             f"{record.kpi_id} too, or give it another Parent KPI ID (the next consolidate would "
                             f"fail with KPX602)", _eval_place(self.wb, self.evaluations.get(key), "decision"),
                             parent.kpi_id)
                continue
            change = self.parents.get(key) or own.get(key)
            if change is None:
                continue
            values = dict(parent=change.kpi_id, name=change.name or "", file=Path(change.source).name,
                          old=_num(change.old_target), new=_num(change.new_target))
            result.notes[record.kpi_id] = texts.text("rollover", f"parent.{change.decision}", language, **values)
            code = W_PARENT_RETIRED if change.decision == "retire" else W_PARENT_RETARGETED
            # The finding is English here; kpixl.danish words it for a Danish workbook.
            self.warn(code, f"KPI {record.kpi_id}: " + texts.text("rollover", f"parent.{change.decision}",
                                                                  Language.EN, **values)
                      + " The note is in its next Evaluation.", self.place(_original(self.wb, record)),
                      record.kpi_id)
        for kpi in self.wb.kpis:
            if kpi.kpi_id in result.retired and kpi.level == "high":
                # Children usually live in other departments' workbooks, which this run cannot see
                # (rollover --departments DIR can); consolidate reports their dangling Parent KPI ID.
                self.warn(W_RETIRED_COMPANY_KPI, f"the retired company KPI {kpi.kpi_id} may have department KPIs "
                          f"in other workbooks; give those a new Parent KPI ID or retire them too (rollover "
                          f"--departments DIR flags them in their next workbooks)", self.place(kpi), kpi.kpi_id)
        if self.wb.kpis and not result.kpis:
            self.warn(W_ALL_RETIRED, "every KPI was retired; the new workbook has no KPIs yet",
                      Place(self.wb.path, self.wb.sheets.get(schema.EVALUATION.name)))


def _plan(workbook: DepartmentWorkbook, source: Path, output: Path, options: _Options,
          parents: dict[str, ParentChange]) -> tuple[RolloverResult, list[Finding]]:
    planner = _Planner(workbook, source, output, options, parents)
    planner.run()
    # Made in English where the facts are; a Danish workbook's findings are then said in Danish.
    planner.result.warnings = danish.localize(planner.result.warnings, planner.language)
    return planner.result, danish.localize(planner.problems, planner.language)


def _original(workbook: DepartmentWorkbook, record: KpiRecord) -> KpiRecord:
    """Return the KPI as read (with its place) for a next-period record."""
    for kpi in workbook.kpis:
        if kpi.kpi_id == record.kpi_id:
            return kpi
    return record


def _target_problem(kpi: KpiRecord, decision: str | None, target: float | None, baseline: float | None,
                    words: dict[str, str]) -> tuple[str, str, str] | None:
    """Return (code, Evaluation column, message) when ``target`` does not fit the new ``baseline``, else None."""
    direction = kpi.direction or core.INCREASE
    try:
        core.check_definition(target, baseline, direction, kpi.tolerance)
    except DefinitionError as error:
        reason = str(error)
    else:
        return None
    label = f"KPI {kpi.kpi_id} ({kpi.name})" if kpi.name else f"KPI {kpi.kpi_id}"
    if decision == "adjust":
        side = "below" if direction == core.DECREASE else "above"
        return (E_NEW_TARGET_MISFIT, "new_target",
                f"{label} new target {_num(target)} does not fit its new baseline {_num(baseline)} (the final "
                f"actual): {reason}; type a new target {side} {_num(baseline)}")
    kept = "kept" if decision == "keep" else "has no decision, so it keeps"
    if direction == core.DECREASE and baseline is not None and target is not None and target >= baseline:
        return (E_TARGET_REACHED, "decision",
                f"{label} {kept} its target {_num(target)}, but its final actual {_num(baseline)} is already at "
                f"or below it; choose {words['adjust']} with a new target below {_num(baseline)}, or "
                f"{words['retire']}")
    if direction == core.INCREASE and baseline is not None and target is not None and target <= baseline:
        return (E_TARGET_REACHED, "decision",
                f"{label} {kept} its target {_num(target)}, but its final actual {_num(baseline)} already reached "
                f"it; choose {words['adjust']} with a new target above {_num(baseline)}, or {words['retire']}")
    return (E_TARGET_REACHED, "decision",
            f"{label}: {reason}; choose {words['adjust']} or {words['retire']}")


# ---------------------------------------------------------------- dates

def _new_dates(kpi: KpiRecord, start: date | None, deadline: date | None) -> tuple[date | None, date | None,
                                                                                  str | None]:
    """Return (new start, new deadline, problem) of one KPI."""
    new_start = start if start is not None else (kpi.deadline + timedelta(days=1) if kpi.deadline else None)
    new_deadline = deadline
    if new_deadline is None and new_start is not None and kpi.start is not None and kpi.deadline is not None:
        new_deadline = next_deadline(kpi.start, kpi.deadline, new_start)
    if new_start is not None and new_deadline is not None and new_deadline <= new_start:
        return None, None, (f"KPI {kpi.kpi_id}: the new deadline {new_deadline.isoformat()} is not after its new "
                            f"start {new_start.isoformat()}; give a later --deadline or an earlier --start")
    return new_start, new_deadline, None


def next_deadline(old_start: date, old_deadline: date, new_start: date) -> date:
    """Return the deadline of a period starting ``new_start`` as long as the old one.

    A period of whole months (first day to last day of a month) stays whole months;
    any other period keeps its length in days.
    """
    whole_months = old_start.day == 1 and old_deadline.day == monthrange(old_deadline.year, old_deadline.month)[1]
    if whole_months and new_start.day == 1:
        months = (old_deadline.year - old_start.year) * 12 + old_deadline.month - old_start.month
        total = new_start.month - 1 + months
        year, month = new_start.year + total // 12, total % 12 + 1
        return date(year, month, monthrange(year, month)[1])
    return new_start + (old_deadline - old_start)


# ---------------------------------------------------------------- messages

def _num(value: float | None) -> str:
    if value is None:
        return "blank"
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.10g}"


def _day(value: date | None) -> str:
    return value.isoformat() if value is not None else "(none)"


def _eval_place(workbook: DepartmentWorkbook, ev: EvaluationRecord | None, key: str) -> Place:
    """Return the Evaluation cell of ``key`` in the row of ``ev`` (file, sheet, cell).

    Without a row (the KPI has no Evaluation row) the sheet is named instead.
    """
    sheet = workbook.sheets.get(schema.EVALUATION.name) or schema.EVALUATION.sheet(workbook.language)
    if ev is None:
        return Place(workbook.path, sheet)
    place = ev.place
    # The reader noted where each Evaluation column is (whatever its order or first column).
    cell = workbook.cell_in_row(schema.EVALUATION.name, key, place)
    return Place(place.path or workbook.path, place.sheet or sheet, cell or place.cell)


def _short(place: Place) -> str:
    """Return ``Sheet!A3`` of a place (the file is named elsewhere in the message)."""
    return f"{place.sheet}!{place.cell}" if place.sheet and place.cell else str(place)


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


__all__ = ["RolloverResult", "RolloverRefused", "CascadeResult", "ParentChange", "rollover", "rollover_cascade",
           "next_deadline"]
