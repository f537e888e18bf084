"""Own the cached results the template stores with every formula cell.

Excel's Protected View, file previewers (Outlook, Teams, Finder, phones) and
LibreOffice with its default settings show the value stored with a formula, without
recalculating. So every formula cell the template writes carries the value its
formula computes, and :mod:`kpixl.core` computes it (``core.evaluate`` and friends):
one definition, the same numbers as validate, consolidate and the UDFs.

What is not a KPI number (the hidden helper columns of :mod:`kpixl.formulas`: which
measurement counts, its position, the points of the trend and forecast lines) is
derived from the same core functions (``core.window``, ``core.in_window``,
``core.to_serial``) the way the helper formulas lay them out. A formula that shows
nothing caches an empty text (``""``), never 0, so an empty row shows no red dot.

``tests/test_cache.py`` proves the cached values equal LibreOffice's recalculation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Sequence

from kpixl import core, formulas as fx, schema, vocab
from kpixl.errors import DefinitionError
from kpixl.vocab import Language
from kpixl.model import EvaluationRecord, KpiRecord, MeasurementRecord

BLANK = ""  # what a formula showing nothing caches
NA = "#N/A"  # Excel's error value (XlsxWriter stores it as an error, not as text)
Value = object  # a float, a text, or BLANK


def _match_key(kpi_id: object) -> str | None:
    """Return the key the formulas match a KPI ID by (:func:`kpixl.vocab.kpi_key`; None for a blank cell)."""
    if kpi_id is None or kpi_id == "":
        return None
    return vocab.kpi_key(kpi_id)


def _error_key(k: KpiRecord, direction: str) -> str | None:
    """Return the key of the native formulas' ``#VALUE!`` text for an invalid definition (None when valid).

    The order is the order of the formula's checks (formulas.kpi_formulas, calc_error).
    """
    try:
        k.definition().check()
        return None
    except DefinitionError:
        pass
    t, b, tol = k.target, k.baseline, k.tolerance
    green = core.DEFAULT_GREEN if k.green is None else k.green
    amber = core.DEFAULT_AMBER if k.amber is None else k.amber
    checks = [
        (t is None, "target"),
        (direction == core.INCREASE and b is None and t is not None and t <= 0, "increase_zero"),
        (direction == core.INCREASE and b is not None and t is not None and t <= b, "increase"),
        (direction == core.DECREASE and b is None, "decrease_blank"),
        (direction == core.DECREASE and b is not None and t is not None and t >= b, "decrease"),
        (direction == core.MAINTAIN and tol is None and t == 0, "maintain_zero"),
        (direction == core.MAINTAIN and tol is not None and tol <= 0, "tolerance"),
        (k.start is not None and k.deadline is not None and k.deadline <= k.start, "dates"),
        (green < amber, "thresholds"),
        *_phasing_checks(k),
    ]
    return next((key for failed, key in checks if failed), "target")


def _phasing_checks(k: KpiRecord) -> list[tuple[bool, str]]:
    """Return the phasing checks of calc_error (formulas.phasing_error_checks), in its order."""
    if not k.phasing:
        return []
    bad = k.weights is not None and any(w is None or w < 0 for w in k.weights)
    zero = False
    if k.weights is not None and not bad and k.start is not None and k.deadline is not None \
            and k.deadline > k.start:
        try:
            core.phase_span(k.start, k.deadline, k.weights)  # type: ignore[arg-type]
        except DefinitionError:
            zero = True
    return [(k.weights is None, "phasing_unknown"), (bad, "phasing_weights"), (zero, "phasing_zero")]


def _phase_helpers(k: KpiRecord) -> dict[str, Value]:
    """Return the cached calc_phase_base and calc_phase_total (formulas.phase_helper_formulas)."""
    w = k.weights
    if not k.phasing or w is None or any(x is None or x < 0 for x in w) or k.start is None or k.deadline is None:
        return {"calc_phase_base": BLANK, "calc_phase_total": BLANK}
    weights: list[float] = [x for x in w if x is not None]
    base = core.phase_density(k.start - timedelta(days=1), weights, k.start.year)
    return {"calc_phase_base": base,
            "calc_phase_total": core.phase_density(k.deadline, weights, k.start.year) - base}


@dataclass
class KpiValues:
    """Hold the cached value of every computed KPIs column of one row, by column key."""

    values: dict[str, Value] = field(default_factory=dict)

    def get(self, key: str) -> Value:
        return self.values.get(key, BLANK)


def _is_number(x: object) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _number(x: float | None) -> Value:
    return BLANK if x is None else x


@dataclass
class WorkbookValues:
    """The cached values of one department workbook, computed once by :func:`compute`."""

    as_of: date
    kpis: list[KpiValues]
    measurements: dict[str, list[Value]]  # helper column key -> one value per prefilled row
    measurements_used: int
    kpi_rows: dict[str | None, int]  # match key -> 1-based KPIs table row (first match, as MATCH)

    def kpi_row_values(self, n: int) -> KpiValues:
        """Return the values of KPIs table row ``n`` (0-based; rows past the prefilled ones are blank)."""
        # An empty row's ID key is one space (formulas.kpi_formulas: no ID's key can be).
        return self.kpis[n] if n < len(self.kpis) else KpiValues({"calc_key": " "})

    def measurement_blank(self, key: str, sheet_row: int) -> Value:
        """Return a helper column's value on an empty Measurements row (``sheet_row`` 1-based)."""
        if key == "calc_row":
            return sheet_row
        return BLANK if key in ("calc_kpi_row", "calc_key") else 0

    def measurement(self, key: str, index: int, sheet_row: int) -> Value:
        """Return helper ``key`` of Measurements data row ``index`` (0-based) at 1-based ``sheet_row``."""
        column = self.measurements.get(key)
        if column is None or index >= len(column):
            return self.measurement_blank(key, sheet_row)
        return column[index]

    def dashboard(self, n: int) -> dict[str, Value]:
        """Return the Dashboard row showing KPIs row ``n`` (0-based), by Dashboard column key."""
        row = self.kpi_row_values(n)
        if row.get("kpi_id") == BLANK:
            shown: dict[str, Value] = {key: BLANK for key, *_ in fx.DASHBOARD_COLUMNS}
        else:
            shown = {key: row.get(source) for key, source in fx.DASHBOARD_COLUMNS if source}
        actual, planned = row.get("actual"), row.get("plan")
        against = None
        if _is_number(actual) and _is_number(planned):
            against = core.against_plan(actual, planned, str(row.get("calc_direction")))  # type: ignore[arg-type]
        shown["calc_vs_plan"] = NA if against is None else against
        goals: dict[str, Value] = row.values.get("_goals", {})  # type: ignore[assignment]
        shown.update({key: goals.get(key, BLANK) for key in fx.GOAL_KEYS})
        return shown

    def strip(self, n: int, language: str) -> list[dict[str, Value]]:
        """Return the status strip of the Dashboard row showing KPIs row ``n`` (0-based), month by month.

        One dict per month-end of :func:`strip_month_ends` (oldest first), by
        :data:`kpixl.formulas.STRIP_KEYS`: the count of measurements counted, the elapsed
        fraction, actual, plan, attainment and status word as of that month-end from
        ``core``; for an invalid definition the ``#VALUE!`` text, and blank elapsed, plan
        and attainment.
        """
        row = self.kpi_row_values(n)
        record = row.values.get("_record")
        months = strip_month_ends(self.as_of)
        if row.get("kpi_id") == BLANK or not isinstance(record, KpiRecord):
            return [dict.fromkeys(fx.STRIP_KEYS, BLANK) for _ in months]
        points: list[tuple[date, float]] = row.values.get("_points", [])  # type: ignore[assignment]
        aggregation = record.aggregation or core.LAST
        error = row.get("calc_error")
        out: list[dict[str, Value]] = []
        for month_end in months:
            counted = [x for _, x in core.window(points, month_end, record.start)]
            actual = _number(core.combine(counted, aggregation))
            if error != BLANK:
                out.append({"calc_count": len(counted), "calc_elapsed": BLANK, "calc_actual": actual,
                            "calc_plan": BLANK, "calc_attainment": BLANK, "status": error})
                continue
            result = core.evaluate(record.definition(), points, month_end)
            out.append({"calc_count": len(counted),
                        "calc_elapsed": record.definition().phase(month_end),
                        "calc_actual": actual, "calc_plan": result.plan,
                        "calc_attainment": _number(result.attainment),
                        "status": core.word("status", result.status, language)})
        return out

    def evaluation(self, kpi_id: object, language: str) -> dict[str, Value]:
        """Return the computed Evaluation cells of the row for ``kpi_id``, by column key."""
        key = _match_key(kpi_id)
        n = None if key is None else self.kpi_rows.get(key)
        if n is None:  # blank, or MATCH fails: IFERROR gives ""
            return {"calc_kpi_row": BLANK, "final_actual": BLANK, "attainment": BLANK, "met_target": BLANK}
        row = self.kpis[n - 1]
        final = row.get("actual")
        met: Value = BLANK
        record = row.values.get("_record")
        if row.get("calc_error") == BLANK and _is_number(final) and isinstance(record, KpiRecord):
            yes, no = schema.YES_NO[Language.parse(language)]
            reached = core.met_target(final, record.target,  # type: ignore[arg-type]
                                      record.direction or core.INCREASE, record.tolerance)
            met = yes if reached else no
        return {"calc_kpi_row": n, "final_actual": final, "attainment": row.get("attainment"), "met_target": met}


def strip_month_ends(as_of: date, count: int = fx.STRIP_MONTHS) -> list[date]:
    """Return the last ``count`` month-ends on or before ``as_of``, oldest first.

    As :func:`kpixl.formulas.strip_month_end` computes them: ``as_of`` itself when it is a
    month-end.
    """
    newest = as_of + timedelta(days=1)
    year, month = newest.year, newest.month
    ends = []
    for _ in range(count):
        ends.append(date(year, month, 1) - timedelta(days=1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return ends[::-1]


def compute(kpis: Sequence[KpiRecord], measurements: Sequence[MeasurementRecord], as_of: date,
            language: str = "en") -> WorkbookValues:
    """Return the cached values of a workbook prefilled with ``kpis`` and ``measurements`` as of ``as_of``."""
    lang = Language.parse(language)
    rows: dict[str | None, int] = {}
    for n, k in enumerate(kpis, start=1):
        rows.setdefault(_match_key(k.kpi_id), n)
    rows.pop(None, None)
    # Measurements per KPIs row, in table order, with their table index.
    owner: list[int | None] = [rows.get(_match_key(m.kpi_id)) for m in measurements]
    by_row: dict[int, list[int]] = {}
    for i, found in enumerate(owner):
        if found is not None:
            by_row.setdefault(found, []).append(i)

    in_window, position, running = _windows(kpis, measurements, by_row, as_of)
    helpers, used = _measurement_helpers(kpis, measurements, owner, (in_window, position, running), as_of)

    values = [_kpi_values(k, [(measurements[i].period_end, measurements[i].value)
                              for i in by_row.get(rows.get(_match_key(k.kpi_id), n), [])], as_of, lang)
              for n, k in enumerate(kpis, start=1)]
    for n, (k, row) in enumerate(zip(kpis, values), start=1):
        # The KPI's own row is the first row with its key, as MATCH finds it.
        row.values.update({"calc_key": vocab.kpi_key(k.kpi_id), "calc_kpi_row": rows.get(_match_key(k.kpi_id),
                                                                                           BLANK)})
        # The measurements the row's formulas count (its own row's), for the status strip.
        row.values["_points"] = [(measurements[i].period_end, measurements[i].value)
                                 for i in by_row.get(rows.get(_match_key(k.kpi_id), n), [])]
    return WorkbookValues(as_of=as_of, kpis=values, measurements=helpers, measurements_used=max(1, used),
                          kpi_rows=rows)


def _measurement_helpers(kpis: Sequence[KpiRecord], measurements: Sequence[MeasurementRecord],
                         owner: list[int | None], windows: tuple[list[bool], list[int], list[float]],
                         as_of: date) -> tuple[dict[str, list[Value]], int]:
    """Return the Measurements helper columns' values, and the last counted row (MeasurementsUsed)."""
    helpers: dict[str, list[Value]] = {key: [] for key in ("calc_key", "calc_kpi_row", "calc_row", "calc_in_window",
                                                            "calc_position", "calc_day", "calc_y", "calc_tv")}
    in_window, position, running = windows
    used = 0
    for i, m in enumerate(measurements):
        row_of = owner[i]
        sheet_row = i + 2
        key = _match_key(m.kpi_id)
        helpers["calc_key"].append(BLANK if key is None else key)
        helpers["calc_kpi_row"].append(BLANK if row_of is None else row_of)
        helpers["calc_row"].append(sheet_row)
        if not in_window[i] or row_of is None:
            for key in ("calc_in_window", "calc_position", "calc_day", "calc_y", "calc_tv"):
                helpers[key].append(0)
            continue
        used = i + 1
        k = kpis[row_of - 1]
        aggregation = k.aggregation or core.LAST
        direction = k.direction or core.INCREASE
        helpers["calc_in_window"].append(1)
        helpers["calc_position"].append(position[i])
        helpers["calc_day"].append(core.to_serial(m.period_end) - core.to_serial(as_of))
        helpers["calc_y"].append(running[i] if core.is_cumulative(aggregation) else m.value)
        if position[i] > fx.TREND_WINDOW:
            tv: Value = 0
        elif direction == core.MAINTAIN:
            tv = 0 if k.target is None else abs(m.value - k.target)
        else:
            tv = m.value
        helpers["calc_tv"].append(tv)
    return helpers, used


def _windows(kpis: Sequence[KpiRecord], measurements: Sequence[MeasurementRecord], by_row: dict[int, list[int]],
             as_of: date) -> tuple[list[bool], list[int], list[float]]:
    """Return, per measurement, whether it counts as of ``as_of``, its position from the newest, and the running sum."""
    in_window = [False] * len(measurements)
    position = [0] * len(measurements)
    running = [0.0] * len(measurements)
    for n, indexes in by_row.items():
        k = kpis[n - 1]
        # core.window keeps the rows that count, in period order (ties keep row order); the
        # value it carries along is the row's index.
        counted = core.window([(measurements[i].period_end, i) for i in indexes], as_of, k.start)
        total = 0.0
        for place, (_d, index) in enumerate(counted):
            i = int(index)
            in_window[i] = True
            position[i] = len(counted) - place
            total += measurements[i].value
            running[i] = total
    return in_window, position, running


def _kpi_values(k: KpiRecord, points: list[tuple[date, float]], as_of: date, lang: str) -> KpiValues:
    """Return the cached values of one KPIs row from ``core.evaluate``."""
    if _match_key(k.kpi_id) is None:
        return KpiValues()
    direction = k.direction or core.INCREASE
    aggregation = k.aggregation or core.LAST
    counted = core.window(points, as_of, k.start)
    v: dict[str, Value] = {
        "_record": k,
        "kpi_id": k.kpi_id, "name": k.name or BLANK, "owner": k.owner or BLANK,
        "target": _number(k.target),
        "calc_direction": direction, "calc_aggregation": aggregation, "calc_count": len(counted),
    }
    if k.start is not None and k.deadline is not None and k.deadline <= k.start:
        v["calc_elapsed"] = "#VALUE!"
    else:
        v["calc_elapsed"] = core.elapsed_fraction(k.start, k.deadline, as_of)
    v["actual"] = _number(core.combine([x for _, x in counted], aggregation))
    v.update(_phase_helpers(k))
    error = _error_key(k, direction)
    if k.phasing:  # calc_elapsed holds Φ (formulas.phase_formula); "#VALUE!" for an invalid definition
        v["calc_elapsed"] = "#VALUE!" if error is not None else k.definition().phase(as_of)
    if error is not None:
        text = fx.error_text(error, lang)
        v.update({"calc_error": text, "plan": text, "attainment": text, "status": text,
                  "calc_trend_rel": BLANK, "calc_trend": BLANK, "calc_forecast": BLANK, "calc_phase_last": BLANK})
        return KpiValues(v)
    result = core.evaluate(k.definition(), points, as_of)
    values = [x for _, x in counted][-fx.TREND_WINDOW:]
    v.update({
        "calc_error": BLANK,
        "plan": result.plan,
        "attainment": _number(result.attainment),
        "status": core.word("status", result.status, lang),
        "calc_trend_rel": _number(core.trend_slope(values, direction, k.target)),
        "calc_trend": core.word("trend", result.trend, lang),
        "calc_forecast": _number(result.forecast),
        "calc_phase_last": (k.definition().phase(max(p for p, _ in counted))
                            if k.phasing and aggregation == core.SUM and counted else BLANK),
        "_goals": _goals(k.definition(), result.goals, as_of),
    })
    return KpiValues(v)


def _goals(d: core.KpiDefinition, goals: core.Goals | None, as_of: date) -> dict[str, Value]:
    """Return the Dashboard's goal cells (formulas.goals_formulas) from core.goals."""
    if goals is None:
        return {}
    return {
        "month_goal": _number(goals.month_goal),
        "needed_month": _number(goals.needed_month),
        "needed_day": _number(goals.needed_day),
        "calc_phase_month_end": d.phase(core.month_end(as_of)),
        "calc_phase_prev_end": d.phase(core.month_end(as_of, -1)),
        "calc_phase_tomorrow": d.phase(as_of + timedelta(days=1)),
    }
