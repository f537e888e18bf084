"""Own the re-design phase: the next period's workbook from the Evaluation decisions.

:func:`rollover` reads a department workbook (it must validate with no errors),
computes each KPI's final actual with :func:`kpixl.core.evaluate` and writes a new
workbook in the same language, formula mode and department: ``Keep`` keeps the
target, ``Adjust target`` takes the new target, ``Retire`` drops the KPI; every
kept KPI's baseline becomes its final actual and its dates move to the new period.

Choices made here (see docs/walkthrough.md):
- A KPI without a decision is kept as it is, and a warning lists it.
- A target that no longer fits its new baseline (an increase KPI whose final actual
  already reached it, a decrease KPI already below it) is an error naming the KPI
  and the Evaluation cell; nothing is written. Quietly writing a KPI the validator
  rejects, or inventing a target, would both hide a decision management must make.
- A KPI with no final actual (no measurement in its period) keeps its old baseline,
  with a warning.
- Default dates: start = the old deadline + 1 day; deadline = the start plus the old
  period's length, in whole months when the old period ran from a first to a last
  day of a month (2025-01-01..2025-12-31 becomes 2026-01-01..2026-12-31), otherwise
  in days. Each KPI is moved by its own dates.
The input is only read; the output is written atomically and validated before it
is moved into place.
"""

from __future__ import annotations

import dataclasses
from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from kpixl import core, schema
from kpixl.errors import DefinitionError, ValidationFailed
from kpixl.model import ERROR, DepartmentWorkbook, EvaluationRecord, KpiRecord, Place, Report
from kpixl.output import atomic_output, check_output
from kpixl.vocab import kpi_key

# How many of the input's errors the refusal lists before "and N more".
ERRORS_SHOWN = 10


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
    warnings: list[str] = field(default_factory=list)

    def summary_lines(self) -> list[str]:
        """Return the lines the CLI prints: counts, the period, the output and the warnings."""
        total = len(self.kept) + len(self.adjusted) + len(self.retired) + len(self.undecided)
        lines = [
            f"Rolled over {self.source} into {self.output}",
            f"{total} KPI(s): {len(self.kept)} kept, {len(self.adjusted)} adjusted, {len(self.retired)} retired, "
            f"{len(self.undecided)} without a decision (kept)",
        ]
        periods = sorted({(k.start, k.deadline) for k in self.kpis}, key=lambda p: (str(p[0]), str(p[1])))
        if len(periods) == 1:
            start, deadline = periods[0]
            lines.append(f"New period: {_day(start)} to {_day(deadline)}")
        elif periods:
            lines.append(f"New periods: {len(periods)} different periods (see the KPIs sheet)")
        lines.extend(f"Warning: {w}" for w in self.warnings)
        return lines


def rollover(source: Path | str, output: Path | str, *, start: date | None = None, deadline: date | None = None,
             as_of: date | None = None, force: bool = False) -> RolloverResult:
    """Write the next period's workbook ``output`` from the Evaluation decisions in ``source``.

    ``as_of`` fixes the date the final actuals are computed as of (default: each
    KPI's old deadline, else today). Raises ValidationFailed when ``source`` has
    errors and DefinitionError when a decision cannot be carried out.
    """
    source, output = Path(source), Path(output)
    check_output(output, force=force, inputs=[source])
    if start is not None and deadline is not None and deadline <= start:
        raise DefinitionError(f"the new deadline {deadline.isoformat()} must be after the new start "
                              f"{start.isoformat()}; change --start or --deadline")
    workbook = _read_valid(source, as_of)
    result, problems = _plan(workbook, source, output, start=start, deadline=deadline, as_of=as_of)
    if problems:
        head = f"{source}: {len(problems)} Evaluation decision(s) must be fixed before rollover"
        raise DefinitionError(problems[0] if len(problems) == 1 else head + ":\n  " + "\n  ".join(problems))

    from kpixl.template import write_template

    language = workbook.language if workbook.language in schema.LANGUAGES else "en"
    formulas = workbook.formulas if workbook.formulas in ("xlwings", "native") else "xlwings"
    periods = {(k.start, k.deadline) for k in result.kpis}
    common_start, common_deadline = periods.pop() if len(periods) == 1 else (start, deadline)
    with atomic_output(output, force=force, inputs=[source]) as temp:
        write_template(temp, department=workbook.department, language=language, formulas=formulas,
                       start=common_start, deadline=common_deadline, rows=max(50, len(result.kpis) + 10),
                       force=True, kpis=result.kpis, measurements=[], evaluations=[])
        _check_written(temp, output)
    return result


# ---------------------------------------------------------------- reading

def _read_valid(source: Path, as_of: date | None) -> DepartmentWorkbook:
    from kpixl.validate import check_workbook

    workbook = check_workbook(source, as_of=as_of)
    errors = [f for f in workbook.findings if f.severity == ERROR]
    if errors:
        report = Report(findings=list(workbook.findings), files=[str(source)], kpi_count=len(workbook.kpis),
                        measurement_count=len(workbook.measurements))
        shown = [str(f) for f in errors[:ERRORS_SHOWN]]
        if len(errors) > ERRORS_SHOWN:
            shown.append(f"... and {len(errors) - ERRORS_SHOWN} more (run kpixl validate {source})")
        raise ValidationFailed(f"{source}: cannot roll over a workbook with {len(errors)} error(s); fix them "
                               f"and run again:\n  " + "\n  ".join(shown), report=report)
    return workbook


def _check_written(temp: Path, output: Path) -> None:
    from kpixl.validate import check_workbook

    written = check_workbook(temp)
    errors = [f for f in written.findings if f.severity == ERROR]
    if errors:
        # A bug in kpixl, not in the user's input: say so and write nothing.
        raise ValidationFailed(f"{output}: the new workbook would not validate, so it was not written "
                               f"(please report this): " + "; ".join(f"{f.code}: {f.message}" for f in errors))


# ---------------------------------------------------------------- deciding

def _plan(workbook: DepartmentWorkbook, source: Path, output: Path, *, start: date | None,
          deadline: date | None, as_of: date | None) -> tuple[RolloverResult, list[str]]:
    result = RolloverResult(source=source, output=output)
    problems: list[str] = []
    words = schema.DECISION_WORDS[workbook.language if workbook.language in schema.LANGUAGES else "en"]
    # Validation has already refused unknown and duplicate Evaluation rows (KPX501, KPX504)
    # and Adjust target without a new target (KPX502); IDs match by kpixl.vocab.kpi_key there too.
    evaluations: dict[str, EvaluationRecord] = {}
    for ev in workbook.evaluations:
        evaluations.setdefault(kpi_key(ev.kpi_id), ev)
    measurements: dict[str, list[tuple[date, float]]] = {}
    for m in workbook.measurements:
        measurements.setdefault(kpi_key(m.kpi_id), []).append((m.period_end, m.value))
    today = date.today()

    for kpi in workbook.kpis:
        ev = evaluations.get(kpi_key(kpi.kpi_id))
        decision = ev.decision if ev is not None else None
        closing = as_of or kpi.deadline or today
        final = core.evaluate(kpi.definition(), measurements.get(kpi_key(kpi.kpi_id), []), closing).actual
        result.final_actuals[kpi.kpi_id] = final
        if decision == "retire":
            result.retired.append(kpi.kpi_id)
            continue

        target = kpi.target
        if decision == "adjust":
            if ev is None or ev.new_target is None:
                problems.append(f"{_cell(workbook, ev, 'new_target')}: KPI {kpi.kpi_id} is marked "
                                f"{words['adjust']} but has no new target; type the new target, or choose "
                                f"{words['keep']} or {words['retire']}")
                continue
            target = ev.new_target
        elif decision == "keep" and ev is not None and ev.new_target is not None \
                and ev.new_target != kpi.target:
            result.warnings.append(f"{_cell(workbook, ev, 'new_target')}: KPI {kpi.kpi_id} is marked "
                                   f"{words['keep']}, so its new target {_num(ev.new_target)} is ignored; "
                                   f"choose {words['adjust']} to use it")

        baseline = kpi.baseline
        if final is None:
            result.warnings.append(f"KPI {kpi.kpi_id} has no final actual as of {closing.isoformat()} "
                                   f"(no measurements in its period); its baseline stays "
                                   f"{_num(kpi.baseline)}")
        else:
            baseline = final

        problem = _target_problem(workbook, kpi, ev, decision, target, baseline, words)
        if problem:
            problems.append(problem)
            continue

        new_start, new_deadline, date_problem = _new_dates(kpi, start, deadline)
        if date_problem:
            problems.append(date_problem)
            continue
        if new_start is not None and new_deadline is None:
            result.warnings.append(f"KPI {kpi.kpi_id} has a start date but no deadline; give --deadline to "
                                   f"make it time-bound")

        result.kpis.append(dataclasses.replace(
            kpi, target=target, baseline=baseline, start=new_start, deadline=new_deadline,
            place=Place(), valid=True, extra=dict(kpi.extra)))
        {"keep": result.kept, "adjust": result.adjusted}.get(decision, result.undecided).append(kpi.kpi_id)

    if result.undecided:
        result.warnings.append(f"{len(result.undecided)} KPI(s) had no decision and were kept as they were: "
                               + ", ".join(result.undecided))
    if result.adjusted:
        result.warnings.append(f"the adjusted KPIs {', '.join(result.adjusted)} have new targets; check that their "
                               f"SMART texts (Specific, Attainable) do not still name the old ones")
    retired = {kpi_key(kpi_id) for kpi_id in result.retired}
    for kpi in result.kpis:
        if kpi.parent_id and kpi_key(kpi.parent_id) in retired:
            result.warnings.append(f"KPI {kpi.kpi_id} rolls up to {kpi.parent_id}, which was retired; change "
                                   f"its Parent KPI ID")
    retired_high = [k.kpi_id for k in workbook.kpis if k.kpi_id in result.retired and k.level == "high"]
    if retired_high:
        # Children usually live in other departments' workbooks, which this run cannot see;
        # consolidate reports their dangling Parent KPI ID as an error next period.
        result.warnings.append(f"the retired company KPIs {', '.join(retired_high)} may have department KPIs in "
                               f"other workbooks; give those a new Parent KPI ID or retire them too")
    if workbook.kpis and not result.kpis:
        result.warnings.append("every KPI was retired; the new workbook has no KPIs yet")
    return result, problems


def _target_problem(workbook: DepartmentWorkbook, kpi: KpiRecord, ev: EvaluationRecord | None,
                    decision: str | None, target: float | None, baseline: float | None,
                    words: dict[str, str]) -> str | None:
    """Return why ``target`` does not fit the new ``baseline``, as an error line, or None."""
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
        return (f"{_cell(workbook, ev, 'new_target')}: {label} new target {_num(target)} does not fit its new "
                f"baseline {_num(baseline)} (the final actual): {reason}; type a new target {side} "
                f"{_num(baseline)}")
    kept = "kept" if decision == "keep" else "has no decision, so it keeps"
    if direction == core.DECREASE and baseline is not None and target is not None and target >= baseline:
        return (f"{_cell(workbook, ev, 'decision')}: {label} {kept} its target {_num(target)}, but its final "
                f"actual {_num(baseline)} is already at or below it; choose {words['adjust']} with a new target "
                f"below {_num(baseline)}, or {words['retire']}")
    if direction == core.INCREASE and baseline is not None and target is not None and target <= baseline:
        return (f"{_cell(workbook, ev, 'decision')}: {label} {kept} its target {_num(target)}, but its final "
                f"actual {_num(baseline)} already reached it; choose {words['adjust']} with a new target "
                f"above {_num(baseline)}, or {words['retire']}")
    return f"{_cell(workbook, ev, 'decision')}: {label}: {reason}; choose {words['adjust']} or {words['retire']}"


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


def _cell(workbook: DepartmentWorkbook, ev: EvaluationRecord | None, key: str) -> str:
    """Return ``file:Sheet!E7``: the Evaluation cell of ``key`` in the row of ``ev``.

    Without a row (the KPI has no Evaluation row) the sheet is named instead.
    """
    sheet = workbook.sheets.get(schema.EVALUATION.name) or schema.EVALUATION.sheet(workbook.language)
    if ev is None:
        return f"{workbook.path}:{sheet}"
    place = ev.place
    row = _row_of(place.cell)
    column = _column_letter(workbook.path, place.sheet or sheet, key)
    if row is not None and column is not None:
        return str(Place(place.path or workbook.path, place.sheet or sheet, f"{column}{row}"))
    return str(Place(place.path or workbook.path, place.sheet or sheet, place.cell))


def _row_of(cell: str | None) -> int | None:
    digits = "".join(ch for ch in (cell or "") if ch.isdigit())
    return int(digits) if digits else None


def _column_letter(path: str, sheet: str, key: str) -> str | None:
    """Return the column letter of ``key`` in the Evaluation table (only on the error path)."""
    try:
        from openpyxl import load_workbook
        from openpyxl.utils import get_column_letter, range_boundaries

        book = load_workbook(path, data_only=True)
        try:
            for ws in book.worksheets:
                table = ws.tables.get(schema.EVALUATION.name)
                if table is None:
                    continue
                min_col, min_row, max_col, _ = range_boundaries(table.ref)
                lookup = schema.EVALUATION.header_lookup()
                for col in range(min_col, max_col + 1):
                    found = lookup.get(schema.normalise_header(ws.cell(min_row, col).value))
                    if found is not None and found.key == key:
                        return get_column_letter(col)
        finally:
            book.close()
    except Exception:  # noqa: BLE001 - a message detail must never hide the real error
        return None
    return None


__all__ = ["RolloverResult", "rollover", "next_deadline"]
