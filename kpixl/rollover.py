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

from kpixl import core, i18n, schema, texts
from kpixl.errors import DefinitionError, OutputError, ValidationFailed
from kpixl.message import AREA, Message, Number, Period, Periods, message, render_fact
from kpixl.model import (ERROR, WARNING, DepartmentWorkbook, EvaluationRecord, Finding, KpiRecord, PhasingRecord,
                         Place, refuse_invalid)
from kpixl.output import atomic_output, check_output
from kpixl.schema import Amounts, Decision, HeaderOf, SheetName
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

    def __init__(self, message: object, findings: list[Finding]):
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
    language: str = "en"  # the workbook's, which the run speaks (its findings and what the CLI prints)

    def summary_lines(self, language: object = None) -> list[str]:
        """Return the lines the CLI prints, in ``language`` (default: the workbook's): counts, period, warnings."""
        language = Language.parse(self.language if language is None else language)
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
        raise DefinitionError(message("rollover.dates", deadline=deadline.isoformat(), start=start.isoformat()))
    return _Options(start, deadline, as_of, prorate)


def _prepare(source: Path, output: Path, options: _Options,
             parents: dict[str, ParentChange] | None = None) -> _Prepared:
    workbook = _read_valid(source, options.as_of)
    result, problems = _plan(workbook, source, output, options, parents or {})
    return _Prepared(workbook, result, problems)


@dataclass(frozen=True)
class _Refusal:
    """Say why a rollover is refused, in a language: a head when there are several problems, then each problem."""

    problems: tuple[Finding, ...]
    sources: tuple[str, ...]  # the workbooks that have problems

    def render(self, language: object) -> str:
        """Return the refusal in ``language``: each problem as its console line (its severity said in ``language``).

        Each problem's message is in its own language, the workbook's, which the CLI's run speaks.
        """
        lines = [f.said(language) for f in self.problems]
        if len(lines) == 1:
            return lines[0]
        where = ", ".join(self.sources) if len(self.sources) <= 3 else \
            texts.text(AREA, "rollover.workbooks", language, n=len(self.sources))
        head = message("rollover.refused", where=where, n=len(lines),
                       sheet=SheetName(schema.EVALUATION.name)).render(language)
        return head + ":\n  " + "\n  ".join(lines)


def _refuse(prepared: list[_Prepared]) -> None:
    """Raise RolloverRefused listing every problem of every workbook, if there is any.

    The refusal is data (:class:`_Refusal`): ``str()`` says it in English, ``said(language)`` in the run's
    language (the CLI's: the first workbook's, the management workbook's in a cascade).
    """
    problems = [f for p in prepared for f in p.problems]
    if not problems:
        return
    sources = tuple(str(p.result.source) for p in prepared if p.problems)
    raise RolloverRefused(_Refusal(tuple(problems), sources), problems)


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
    _check_written(temp, result.output, language)


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

    def summary_lines(self, language: object = None) -> list[str]:
        """Return the management workbook's summary, then one block per department workbook, in ``language``.

        The default is the management workbook's language, which the run speaks.
        """
        language = Language.parse(self.management.language if language is None else language)
        lines = self.management.summary_lines(language)
        for result in self.departments:
            lines.extend(result.summary_lines(language))
        lines.extend(f.in_language(language).said(language) for f in self.skipped)
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
        raise OutputError(message("rollover.not_a_folder", folder=str(folder)))
    if out_folder.exists() and out_folder.resolve() == folder.resolve():
        raise OutputError(message("rollover.same_folder", folder=str(out_folder)))
    if out_folder.exists() and not out_folder.is_dir():
        raise OutputError(message("rollover.folder_is_file", folder=str(out_folder)))
    options = _options(start, deadline, as_of, prorate)
    check_output(output, force=force, inputs=[management])
    inputs = collect_inputs([folder])
    # What the folder holds that is not a workbook (KPX134) or is a subfolder (KPX135) is named, never skipped silently.
    files, skipped = [], list(inputs.left_out)
    for path in inputs.files:
        if path.resolve() == management.resolve():
            skipped.append(Finding(W_NOT_A_DEPARTMENT, WARNING, message("KPX712"), Place(str(path))))
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
    refuse_invalid(workbook, source, "rollover.invalid", ERRORS_SHOWN)
    return workbook


def _check_written(temp: Path, output: Path, language: Language) -> None:
    written = check_workbook(temp)
    errors = [f for f in written.findings if f.severity == ERROR]
    if errors:
        # A bug in kpixl, not in the user's input: say so and write nothing.
        raise ValidationFailed(message("rollover.not_written", output=str(output),
                                       errors="; ".join(f"{f.code}: {f.in_language(language).message}"
                                                        for f in errors)), language=language)


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
        self.language = Language.parse(workbook.language)  # the reader's: en or da already
        self.result = RolloverResult(source=source, output=output, language=self.language.value)
        self.problems: list[Finding] = []
        # Validation has already refused unknown and duplicate Evaluation rows (KPX501, KPX504)
        # and Adjust target without a new target (KPX502); IDs match case-insensitively there too.
        self.evaluations: dict[str, EvaluationRecord] = {}
        for ev in workbook.evaluations:
            self.evaluations.setdefault(_id_key(ev.kpi_id), ev)
        self.measurements: dict[str, list[tuple[date, float]]] = {}
        for m in workbook.measurements:
            self.measurements.setdefault(_id_key(m.kpi_id), []).append((m.period_end, m.value))

    def warn(self, code: str, said: Message, place: Place, kpi_id: str | None = None) -> None:
        self.result.warnings.append(Finding(code, WARNING, said, place, kpi_id, self.language.value))

    def problem(self, code: str, said: Message, place: Place, kpi_id: str | None = None) -> None:
        self.problems.append(Finding(code, ERROR, said, place, kpi_id, self.language.value))

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
        self.warn(W_TARGET_IGNORED, message("KPX702", id=kpi.kpi_id, marked=Decision(decision),
                                            t=_amount(ev.new_target), adjust=Decision("adjust")),
                  _eval_place(self.wb, ev, "new_target"), kpi.kpi_id)

    def next_record(self, kpi: KpiRecord, ev: EvaluationRecord | None, decision: str | None,
                    final: float | None, closing: date, series: list[tuple[date, float]]) -> KpiRecord | None:
        """Return the KPI's next-period record, or None after recording why it cannot be written."""
        target = kpi.target
        if decision == "adjust":
            if ev is None or ev.new_target is None:
                self.problem(E_ADJUST_WITHOUT_TARGET, message("KPX731", id=kpi.kpi_id, **_DECISIONS),
                             _eval_place(self.wb, ev, "new_target"), kpi.kpi_id)
                return None
            target = ev.new_target
            self.result.changes.append(ParentChange(kpi.kpi_id, kpi.name, "adjust", str(self.result.source),
                                                    kpi.target, target))
            self.warn(W_ADJUSTED_TEXTS, message("KPX704", id=kpi.kpi_id, t=_amount(target), o=_amount(kpi.target),
                                                specific=HeaderOf(schema.KPIS.name, "specific"),
                                                attainable=HeaderOf(schema.KPIS.name, "attainable")),
                      self.place(kpi), kpi.kpi_id)
        elif decision == "keep":
            self.ignored_target(kpi, ev, "keep")
        elif decision is None:
            self.warn(W_UNDECIDED, message("KPX701", id=kpi.kpi_id, sheet=SheetName(schema.EVALUATION.name),
                                           **_DECISIONS),
                      _eval_place(self.wb, ev, "decision"), kpi.kpi_id)

        baseline = kpi.baseline
        if final is None:
            said = message("KPX703.blank", id=kpi.kpi_id, d=closing.isoformat()) if kpi.baseline is None else \
                message("KPX703.baseline", id=kpi.kpi_id, d=closing.isoformat(), b=_amount(kpi.baseline))
            self.warn(W_NO_FINAL_ACTUAL, said, self.place(kpi), kpi.kpi_id)
        else:
            baseline = final
            self.check_periods(kpi, final, closing, series)

        new_start, new_deadline, date_problem = _new_dates(kpi, self.options.start, self.options.deadline)
        if date_problem:
            self.problem(E_DATES, date_problem, self.place(kpi), kpi.kpi_id)
            return None
        if new_start is not None and new_deadline is None:
            self.warn(W_NO_DEADLINE, message("KPX705", id=kpi.kpi_id), self.place(kpi), kpi.kpi_id)
        scaled = self.prorate(kpi, decision, target, baseline, new_start, new_deadline, ev)
        if scaled is None:
            return None
        target, baseline, tolerance = scaled

        problem = _target_problem(kpi, decision, target, baseline)
        if problem:
            code, key, said = problem
            self.problem(code, said, _eval_place(self.wb, ev, key), kpi.kpi_id)
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
        amounts = _amounts(None if decision == "adjust" else target, baseline, tolerance)
        if not amounts.pairs:
            return target, baseline, tolerance
        periods = dict(id=kpi.kpi_id, od=old_days, os=_day(old_start), oe=_day(old_deadline), nd=new_days,
                       ns=_day(new_start), ne=_day(new_deadline), r=f"{new_days}/{old_days}")
        if not self.options.prorate:
            self.problem(E_PERIOD_LENGTH, message("KPX735", amounts=amounts, **periods), self.place(kpi), kpi.kpi_id)
            return None
        ratio = new_days / old_days
        new_target = target if decision == "adjust" or target is None else target * ratio
        new_baseline = None if baseline is None else baseline * ratio
        new_tolerance = None if tolerance is None else tolerance * ratio
        after = _amounts(None if decision == "adjust" else new_target, new_baseline, new_tolerance)
        self.warn(W_PRORATED, message("KPX709", amounts=amounts, new=after, **periods), self.place(kpi), kpi.kpi_id)
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
        shown = Periods(tuple(Period(label) for label in missing[:4]) + (("...",) if len(missing) > 4 else ()))
        self.warn(W_MISSING_PERIODS, message("KPX708", id=kpi.kpi_id, v=_amount(final), n=len(missing),
                                             m=len(expected), f=core.Word(kpi.frequency), d=closing.isoformat(),
                                             listed=shown, agg=core.Word(kpi.aggregation or core.LAST),
                                             o=len(expected) - len(missing)),
                  self.place(kpi), kpi.kpi_id)

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
                self.problem(E_RETIRED_PARENT, message("KPX736", parent=parent.kpi_id, child=record.kpi_id,
                                                       where=_short(self.place(_original(self.wb, record))),
                                                       parent_id=HeaderOf(schema.KPIS.name, "parent_id")),
                             _eval_place(self.wb, self.evaluations.get(key), "decision"), parent.kpi_id)
                continue
            change = self.parents.get(key) or own.get(key)
            if change is None:
                continue
            # The note is written into the workbook: its numbers carry the workbook language's decimal mark.
            values = dict(parent=change.kpi_id, name=change.name or "", file=Path(change.source).name,
                          old=render_fact(_amount(change.old_target), language),
                          new=render_fact(_amount(change.new_target), language))
            result.notes[record.kpi_id] = texts.text("rollover", f"parent.{change.decision}", language, **values)
            facts = dict(id=record.kpi_id, parent=change.kpi_id, name=change.name or "", file=Path(change.source).name,
                         sheet=SheetName(schema.EVALUATION.name))
            if change.decision == "retire":
                code, said = W_PARENT_RETIRED, message("KPX710", parent_id=HeaderOf(schema.KPIS.name, "parent_id"),
                                                       **facts)
            else:
                code, said = W_PARENT_RETARGETED, message("KPX711", old=_amount(change.old_target),
                                                          new=_amount(change.new_target), **facts)
            self.warn(code, said, self.place(_original(self.wb, record)), record.kpi_id)
        for kpi in self.wb.kpis:
            if kpi.kpi_id in result.retired and kpi.level == "high":
                # Children usually live in other departments' workbooks, which this run cannot see
                # (rollover --departments DIR can); consolidate reports their dangling Parent KPI ID.
                self.warn(W_RETIRED_COMPANY_KPI, message("KPX706", id=kpi.kpi_id,
                                                         parent_id=HeaderOf(schema.KPIS.name, "parent_id")),
                          self.place(kpi), kpi.kpi_id)
        if self.wb.kpis and not result.kpis:
            self.warn(W_ALL_RETIRED, message("KPX707"),
                      Place(self.wb.path, self.wb.sheets.get(schema.EVALUATION.name)))


def _plan(workbook: DepartmentWorkbook, source: Path, output: Path, options: _Options,
          parents: dict[str, ParentChange]) -> tuple[RolloverResult, list[Finding]]:
    planner = _Planner(workbook, source, output, options, parents)
    planner.run()
    # The findings are data said in the workbook's language (_Planner.warn), like the summary.
    return planner.result, planner.problems


def _original(workbook: DepartmentWorkbook, record: KpiRecord) -> KpiRecord:
    """Return the KPI as read (with its place) for a next-period record."""
    for kpi in workbook.kpis:
        if kpi.kpi_id == record.kpi_id:
            return kpi
    return record


def _target_problem(kpi: KpiRecord, decision: str | None, target: float | None,
                    baseline: float | None) -> tuple[str, str, Message] | None:
    """Return (code, Evaluation column, message) when ``target`` does not fit the new ``baseline``, else None."""
    direction = kpi.direction or core.INCREASE
    try:
        core.check_definition(target, baseline, direction, kpi.tolerance)
    except DefinitionError as error:
        # The core's rule, nested as data so it is said in the finding's language (plain text if it has none).
        reason = error.wording if error.wording is not None else str(error)
    else:
        return None
    label = f"KPI {kpi.kpi_id} ({kpi.name})" if kpi.name else f"KPI {kpi.kpi_id}"
    amounts = dict(label=label, t=_amount(target), b=_amount(baseline))
    if decision == "adjust":
        key = "KPX733.below" if direction == core.DECREASE else "KPX733.above"
        return E_NEW_TARGET_MISFIT, "new_target", message(key, inner=reason, **amounts)
    kept = decision == "keep"
    if direction == core.DECREASE and baseline is not None and target is not None and target >= baseline:
        key = "KPX732.kept_below" if kept else "KPX732.undecided_below"
        return E_TARGET_REACHED, "decision", message(key, **amounts, **_DECISIONS)
    if direction == core.INCREASE and baseline is not None and target is not None and target <= baseline:
        key = "KPX732.kept_reached" if kept else "KPX732.undecided_reached"
        return E_TARGET_REACHED, "decision", message(key, **amounts, **_DECISIONS)
    return E_TARGET_REACHED, "decision", message("KPX732.rule", label=label, inner=reason, **_DECISIONS)


# ---------------------------------------------------------------- dates

def _new_dates(kpi: KpiRecord, start: date | None, deadline: date | None) -> tuple[date | None, date | None,
                                                                                  Message | None]:
    """Return (new start, new deadline, problem) of one KPI."""
    new_start = start if start is not None else (kpi.deadline + timedelta(days=1) if kpi.deadline else None)
    new_deadline = deadline
    if new_deadline is None and new_start is not None and kpi.start is not None and kpi.deadline is not None:
        new_deadline = next_deadline(kpi.start, kpi.deadline, new_start)
    if new_start is not None and new_deadline is not None and new_deadline <= new_start:
        return None, None, message("KPX734", id=kpi.kpi_id, d=new_deadline.isoformat(), s=new_start.isoformat())
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


def _amount(value: float | None) -> object:
    """Fact: an amount as rollover writes it (a whole number without ``.0``), or the word blank."""
    return message("word.blank") if value is None else Number(_num(value))


def _amounts(target: float | None, baseline: float | None, tolerance: float | None) -> Amounts:
    """Fact: the amounts a period-length change touches, ``target 1300, baseline 1200 and tolerance 50``."""
    pairs = (("target", target), ("baseline", baseline), ("tolerance", tolerance))
    return Amounts(tuple((label, _amount(value)) for label, value in pairs if value is not None))


# The decision words a finding offers, said as the dropdown's words in the finding's language.
_DECISIONS = {"keep": Decision("keep"), "adjust": Decision("adjust"), "retire": Decision("retire")}


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


__all__ = ["RolloverResult", "RolloverRefused", "CascadeResult", "ParentChange", "rollover", "rollover_cascade",
           "next_deadline"]
