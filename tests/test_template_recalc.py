"""Test that the template's native formulas, recalculated by LibreOffice, agree with kpixl.core.

Randomized KPI tables (seeded, so CI is reproducible) are written with
``write_template(formulas="native")``, recalculated by a real headless LibreOffice
(see ``tests/libreoffice.py``), read back with openpyxl and compared, KPI by KPI,
with ``kpixl.core.evaluate`` to 1e-9: the KPIs table's Actual, Plan, Attainment and
Status and the Dashboard's Actual, Plan, Attainment, Status, Trend and Forecast.
All workbooks are recalculated in one soffice run per session.

The xlwings-mode check needs no Excel: its computed cells must call the kpixl UDFs
in the same cells where the native mode has formulas.
"""

from __future__ import annotations

import itertools
import math
import random
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import libreoffice
from kpixl import core, schema
from kpixl.model import KpiRecord, MeasurementRecord, PhasingRecord, resolve_phasing

DIRECTIONS = core.VOCABULARIES["direction"]
AGGREGATIONS = core.VOCABULARIES["aggregation"]
SCALES = (0.05, 1.0, 100.0, 25_000.0, 3_000_000.0)


# ---------------------------------------------------------------- random KPIs

@dataclass
class Case:
    """Hold one workbook to generate: its KPIs, measurements, language and as-of date."""

    name: str
    language: str
    as_of: date
    kpis: list[KpiRecord] = field(default_factory=list)
    measurements: list[MeasurementRecord] = field(default_factory=list)
    phasing: list[PhasingRecord] = field(default_factory=list)

    def series(self, kpi_id: str) -> list[tuple[date, float]]:
        """Return the (period_end, value) pairs of one KPI, in table order."""
        return [(m.period_end, m.value) for m in self.measurements if m.kpi_id == kpi_id]


def _value(rng: random.Random, scale: float) -> float:
    # Rounded like typed numbers; 4 significant decimals keep tiny scales non-zero.
    return round(rng.uniform(0.0, 1.0) * scale, 4 if scale < 1 else 2)


def random_definition(rng: random.Random, kpi_id: str, direction: str, aggregation: str,
                      as_of: date) -> KpiRecord:
    """Return one random, valid KPI definition with the given direction and aggregation."""
    scale = rng.choice(SCALES)
    baseline = tolerance = None
    if direction == core.INCREASE:
        if rng.random() < 0.6:
            baseline = _value(rng, scale) - (scale * 0.2 if rng.random() < 0.15 else 0)
            target = round(baseline + scale * rng.uniform(0.05, 1.0), 4)
        else:
            target = round(scale * rng.uniform(0.2, 2.0), 4)
        if rng.random() < 0.2:  # ignored outside maintain; the formulas must ignore it too
            tolerance = round(scale * rng.uniform(0.01, 0.3), 4)
    elif direction == core.DECREASE:
        baseline = round(scale * rng.uniform(0.3, 2.0), 4)
        # Now and then a target below zero (net cost, balance) to keep signs honest.
        target = round(baseline - scale * rng.uniform(0.05, 1.0 if rng.random() < 0.8 else 3.0), 4)
        if rng.random() < 0.2:
            tolerance = round(scale * rng.uniform(0.01, 0.3), 4)
    else:
        target = 0.0 if rng.random() < 0.1 else round(scale * rng.uniform(-0.5, 2.0), 4)
        if target == 0 or rng.random() < 0.5:
            tolerance = round(scale * rng.uniform(0.02, 0.4), 4)
        if rng.random() < 0.3:  # maintain ignores the baseline
            baseline = _value(rng, scale)
    start = deadline = None
    dates = rng.random()
    if dates < 0.6:
        start = as_of + timedelta(days=rng.randint(-400, 45))  # some start after as_of: Not started
        deadline = start + timedelta(days=rng.randint(20, 420))
    elif dates < 0.7:
        start = as_of + timedelta(days=rng.randint(-200, 30))
    elif dates < 0.8:
        deadline = as_of + timedelta(days=rng.randint(-60, 200))
    green = amber = None
    thresholds = rng.random()
    if thresholds < 0.25:
        green = rng.choice((0.9, 1.0, 0.8, 0.97))
        amber = rng.choice((0.6, 0.75, green))
    elif thresholds < 0.32:
        green = 0.9  # amber left blank: default 0.85
    elif thresholds < 0.39:
        amber = 0.5  # green left blank: default 0.95
    record = KpiRecord(
        kpi_id=kpi_id, name=f"Random KPI {kpi_id}", level=rng.choice(("high", "low")), owner="Tester",
        unit=rng.choice(("DKK", "%", "count", None)), direction=direction, aggregation=aggregation,
        frequency=rng.choice(("weekly", "monthly", "quarterly")), baseline=baseline, target=target,
        tolerance=tolerance, start=start, deadline=deadline, green=green, amber=amber,
    )
    record.definition().check()  # constructed valid; a failure here is a bug in this generator
    return record


def random_measurements(rng: random.Random, record: KpiRecord, as_of: date) -> list[MeasurementRecord]:
    """Return measurements around the KPI's plan so statuses vary, some outside the window."""
    shape = rng.random()
    if shape < 0.08:
        return []  # no data at all
    d = record.definition()
    first = (d.start or as_of - timedelta(days=240)) - timedelta(days=rng.randint(0, 60))
    last = as_of + timedelta(days=rng.randint(0, 60))
    if shape < 0.13:
        # Only measurements that do not count: after the as-of date (or before the start).
        first = as_of + timedelta(days=1)
    span = max((last - first).days, 1)
    count = rng.randint(1, min(12, span + 1))
    days = sorted(rng.sample(range(span + 1), count))  # distinct dates: 'last' has no ties to break
    scale = max(abs(d.target), abs(d.baseline or 0), d.tolerance or 0, 1e-3)
    level_goal = d.target if d.baseline is None or d.direction == core.MAINTAIN else d.baseline + (
        d.target - d.baseline) * rng.uniform(0.3, 1.1)
    drift = rng.uniform(-0.3, 0.3)
    per_period = (d.target if d.direction != core.DECREASE else d.baseline) / max(count, 1)
    out = []
    for i, offset in enumerate(days):
        if d.aggregation == core.SUM:
            value = per_period * rng.uniform(0.5, 1.4) * (1 + drift * i / count)
        else:
            value = level_goal * rng.uniform(0.8, 1.2) + scale * (drift * i / count + rng.uniform(-0.1, 0.1))
        out.append(MeasurementRecord(kpi_id=d.kpi_id, period_end=first + timedelta(days=offset),
                                     value=round(value, 4 if scale < 1 else 2), entered_by="Tester"))
    return out


def random_case(name: str, seed: int, language: str, as_of: date, count: int, *, shuffle: bool) -> Case:
    """Return a workbook case of ``count`` random KPIs covering every direction x aggregation."""
    rng = random.Random(seed)
    case = Case(name=name, language=language, as_of=as_of)
    combos = list(itertools.product(DIRECTIONS, AGGREGATIONS))
    for i in range(count):
        direction, aggregation = combos[i % len(combos)]
        record = random_definition(rng, f"{name.upper()}-{i:03d}", direction, aggregation, as_of)
        case.kpis.append(record)
        case.measurements.extend(random_measurements(rng, record, as_of))
    if shuffle:
        rng.shuffle(case.measurements)  # staff type rows in any order
    else:
        case.measurements.sort(key=lambda m: m.period_end)
    return case


# Phasing profiles (issue 19): retail (Q4 heavy), one that weighs 0 in winter, 12 equal weights,
# and random ones; periods from whole fiscal years (July-June) to a few weeks and over a year.
PROFILES = (("Retail", (6, 6, 7, 7, 8, 7, 6, 7, 8, 10, 12, 16)), ("Summer", (0, 0, 0, 1, 2, 3, 3, 2, 1, 0, 0, 0)),
            ("Flat", (1,) * 12))


def phased_case(name: str, seed: int, language: str, as_of: date, count: int) -> Case:
    """Return a workbook case of random KPIs, most of them phased by a profile of the Phasing table."""
    rng = random.Random(seed)
    case = Case(name=name, language=language, as_of=as_of)
    case.phasing = [PhasingRecord(n, tuple(float(w) for w in ws)) for n, ws in PROFILES]
    case.phasing += [PhasingRecord(f"Random {i}", tuple(round(rng.uniform(0, 50), 2) for _ in range(12)))
                     for i in range(3)]
    names = [p.profile for p in case.phasing]
    combos = list(itertools.product(DIRECTIONS, AGGREGATIONS))
    for i in range(count):
        direction, aggregation = combos[i % len(combos)]
        record = random_definition(rng, f"{name.upper()}-{i:03d}", direction, aggregation, as_of)
        shape = rng.random()
        if shape < 0.35:  # a fiscal year from July (or another month) around the as-of date
            first = date(as_of.year - rng.choice((0, 1)), rng.choice((7, 7, 4, 10, 1)), 1)
            record.start, record.deadline = first, date(first.year + 1, first.month, 1) - timedelta(days=1)
        profile = rng.choice(names + [None])
        record.phasing = None if profile is None else (profile.upper() if rng.random() < 0.2 else profile)
        resolve_phasing([record], case.phasing)
        try:
            record.definition().check()
        except Exception:  # noqa: BLE001 - e.g. Summer over a winter period: no plan at all; stay linear
            record.phasing, record.weights = None, None
        case.kpis.append(record)
        case.measurements.extend(random_measurements(rng, record, as_of))
    rng.shuffle(case.measurements)
    return case


def edge_case() -> Case:
    """Return hand-picked KPIs at the rules' edges: the spec's worked examples and boundaries."""
    as_of = date(2026, 3, 31)
    start, deadline = date(2026, 1, 1), date(2026, 12, 31)
    case = Case(name="edge", language="en", as_of=as_of)

    def add(kpi_id: str, values: list[tuple[date, float]], **fields: Any) -> None:
        fields.setdefault("direction", core.INCREASE)
        fields.setdefault("aggregation", core.LAST)
        case.kpis.append(KpiRecord(kpi_id=kpi_id, name=kpi_id, owner="Edge", **fields))
        case.measurements.extend(MeasurementRecord(kpi_id=kpi_id, period_end=p, value=v) for p, v in values)

    day = date(2026, 2, 28)
    # The spec's worked examples (no dates, f = 1).
    add("EX-1", [(day, 95)], target=100)
    add("EX-2", [(day, 1050)], target=1100, baseline=1000)
    add("EX-3", [(day, 120)], target=100, baseline=200, direction=core.DECREASE)
    add("EX-4", [(day, 103)], target=100, direction=core.MAINTAIN)
    # Boundaries: exactly green, exactly amber, a hair below green after rounding to 9 places.
    add("EDGE-GREEN", [(day, 95)], target=100, green=0.95, amber=0.85)
    add("EDGE-AMBER", [(day, 85)], target=100)
    add("EDGE-ROUND", [(day, 0.1 + 0.2)], target=0.3 / 0.95)
    add("EDGE-BELOW", [(day, 94.9999)], target=100)
    # Window edges: on the start, on the as-of date (both count), a day before/after (neither).
    add("EDGE-WINDOW", [(start - timedelta(days=1), 1000), (start, 10), (as_of, 20),
                        (as_of + timedelta(days=1), 1000)],
        target=100, aggregation=core.SUM, start=start, deadline=deadline)
    # Not started: the start is after as_of, with and without data.
    add("EDGE-NOTSTARTED", [(day, 5)], target=100, start=date(2026, 4, 1), deadline=deadline)
    add("EDGE-NOTSTARTED-EMPTY", [], target=100, baseline=10, start=as_of, deadline=deadline)
    # Maintain level ignores f even before the start; cumulative maintain does not.
    add("EDGE-MAINTAIN-EARLY", [(day, 50)], target=50, direction=core.MAINTAIN, start=date(2026, 6, 1),
        deadline=deadline)
    add("EDGE-MAINTAIN-SUM", [(date(2026, 1, 31), 30), (day, 30), (as_of, 31)], target=400,
        tolerance=20, direction=core.MAINTAIN, aggregation=core.SUM, start=start, deadline=deadline)
    # The spec's cumulative examples at f = 0.5.
    add("EX-5", [(date(2026, 2, 1), 250), (date(2026, 3, 1), 300)], target=1100, baseline=1000,
        aggregation=core.SUM, start=date(2025, 10, 1), deadline=date(2026, 6, 30))
    add("EX-6", [(date(2026, 2, 1), 200), (date(2026, 3, 1), 250)], target=800, baseline=1000,
        direction=core.DECREASE, aggregation=core.SUM, start=date(2025, 10, 1), deadline=date(2026, 6, 30))
    # Past the deadline: f clamps to 1.
    add("EDGE-LATE", [(date(2025, 11, 30), 40), (date(2025, 12, 31), 60)], target=80, baseline=20,
        start=date(2025, 1, 1), deadline=date(2025, 12, 31), aggregation=core.AVERAGE)
    # Trend: flat values (Stable), all zeros (s = 0 uses 1), a maintain series closing in.
    add("EDGE-FLAT", [(date(2026, 1, d), 7.0) for d in (5, 12, 19, 26)], target=10)
    add("EDGE-ZEROS", [(date(2026, 1, 5), 0.0), (date(2026, 1, 12), 0.0)], target=1, baseline=-1)
    add("EDGE-CLOSING", [(date(2026, m, 1), v) for m, v in ((1, 80), (2, 90), (3, 97))], target=100,
        direction=core.MAINTAIN, tolerance=5)
    # Trend window: the last six of eight values count; the first two would flip it.
    add("EDGE-WINDOW6", [(date(2025, 12, 1), 1000), (date(2025, 12, 15), 900)]
        + [(date(2026, 1, 1) + timedelta(days=7 * k), 100 + k) for k in range(6)], target=200,
        direction=core.INCREASE)
    # Forecast on a cumulative KPI uses the running sum; the deadline lies ahead.
    add("EDGE-FORECAST", [(date(2026, 1, 31), 10), (date(2026, 2, 28), 12), (as_of, 15)], target=150,
        aggregation=core.SUM, start=start, deadline=deadline)
    # The spec's reasoning example (kpi-semantics.md, Forecast), four months earlier: the line through
    # the running sums reaches 67,382 at the deadline, below the 70,000 achieved; the forecast adds
    # the line's rate for the 10 days from the last period end (76,201).
    add("EX-FORECAST-SUM", [(date(2025, 10, 31), 10_000), (date(2025, 11, 30), 10_000),
                            (date(2025, 12, 31), 10_000), (date(2026, 1, 31), 40_000)],
        target=100_000, aggregation=core.SUM, start=date(2025, 10, 1), deadline=date(2026, 2, 10))
    # Ties on a period end: 'last' takes the row given last; a forecast over one date is blank.
    add("EDGE-TIE", [(date(2026, 1, 31), 10), (day, 30), (day, 20), (date(2026, 3, 15), 5),
                     (date(2026, 3, 15), 25)], target=40)
    add("EDGE-TIE-SUM", [(day, 4), (date(2026, 1, 31), 3), (day, 6), (as_of, 2)], target=50, aggregation=core.SUM,
        start=start, deadline=deadline)
    add("EDGE-ONE-DAY", [(day, 12), (day, 14)], target=20, deadline=deadline)
    return case


CASES = (
    random_case("ra", 20240611, "en", date(2026, 5, 15), 90, shuffle=False),
    random_case("rb", 77, "da", date(2026, 9, 30), 90, shuffle=True),
    random_case("rc", 314159, "en", date(2027, 2, 1), 45, shuffle=True),
    edge_case(),
    phased_case("ph", 1907, "en", date(2026, 11, 20), 60),
    phased_case("pd", 2606, "da", date(2027, 1, 31), 45),
)
KPI_FIELDS = ("actual", "plan", "attainment", "status")
EVALUATION_FIELDS = ("final_actual", "attainment", "met_target")
DASHBOARD_FIELDS = ("actual", "plan", "attainment", "status", "trend", "forecast", "month_goal", "needed_month",
                    "needed_day")
ALL_KPIS = [pytest.param(case, kpi, id=f"{case.name}-{case.language}-{kpi.kpi_id}")
            for case in CASES for kpi in case.kpis]


def test_the_random_cases_cover_the_brief():
    """Guard the generator: every combination and edge the brief lists is really generated."""
    kpis = [(case, k) for case in CASES for k in case.kpis]
    assert len(kpis) >= 200
    seen = {(k.direction, k.aggregation) for _, k in kpis}
    assert seen == set(itertools.product(DIRECTIONS, AGGREGATIONS))
    for direction in DIRECTIONS:
        mine = [(c, k) for c, k in kpis if k.direction == direction]
        assert {k.tolerance is None for _, k in mine} == {True, False}
        assert {(k.start is None, k.deadline is None) for _, k in mine} == {(True, True), (False, False),
                                                                             (False, True), (True, False)}
        assert {k.green is None and k.amber is None for _, k in mine} == {True, False}
        if direction != core.DECREASE:
            assert {k.baseline is None for _, k in mine} == {True, False}
    results = [(c, k, core.evaluate(k.definition(), c.series(k.kpi_id), c.as_of)) for c, k in kpis]
    assert {r.status for *_, r in results} == {core.ON_TRACK, core.AT_RISK, core.OFF_TRACK, core.NOT_STARTED,
                                              core.NO_DATA}
    assert {r.trend for *_, r in results} == {core.IMPROVING, core.STABLE, core.WORSENING, core.NO_DATA}
    assert any(not c.series(k.kpi_id) for c, k, _ in results)  # no measurements at all
    assert any(c.series(k.kpi_id) and r.actual is None for c, k, r in results)  # none in the window
    outside = [(c, k) for c, k in kpis for p, _ in c.series(k.kpi_id) if p > c.as_of or (k.start and p < k.start)]
    assert {c.name for c, _ in outside} >= {"ra", "rb", "rc"}
    assert any(k.start and k.start > c.as_of for c, k in kpis)
    # Cumulative forecasts both with days left and with the deadline already passed (nothing added).
    sums = [(c, k, r) for c, k, r in results if k.aggregation == core.SUM and r.forecast is not None]
    latest = {(c.name, k.kpi_id): max(p for p, _ in core.window(c.series(k.kpi_id), c.as_of, k.start))
              for c, k, _ in sums}
    assert any(k.deadline > latest[c.name, k.kpi_id] for c, k, _ in sums)
    assert any(k.deadline < latest[c.name, k.kpi_id] for c, k, _ in sums)
    example = next(r for c, k, r in results if k.kpi_id == "EX-FORECAST-SUM")
    assert example.actual == 70_000 and example.forecast == pytest.approx(76_201.26, abs=0.01)
    assert {case.language for case in CASES} == {"en", "da"}


# ------------------------------------------------------------ the harness itself

@pytest.mark.libreoffice
def test_recalculate_replaces_cached_values_and_keeps_tables(tmp_path, recalc):
    import xlsxwriter

    source = tmp_path / "stale.xlsx"
    wb = xlsxwriter.Workbook(source, {"use_future_functions": True})
    ws = wb.add_worksheet("Data")
    ws.add_table(0, 0, 3, 2, {"name": "Numbers", "data": [[1, 2], [3, 4], [5, 6]], "columns": [
        {"header": "A"}, {"header": "B"},
        {"header": "Sum", "formula": "=Numbers[[#This Row],[A]]+Numbers[[#This Row],[B]]"}]})
    # Deliberately wrong cached values: only a real recalculation can replace them.
    ws.write_formula("E1", "=SUM(Numbers[Sum])", None, 999)
    ws.write_formula("E2", '=MAXIFS(Numbers[B],Numbers[A],"<5")', None, 999)
    wb.close()
    (out,) = recalc(source)
    book = openpyxl.load_workbook(out, data_only=True)
    ws, table = libreoffice.find_table(book, "numbers")
    assert ws.title == "Data" and table.ref == "A1:C4"
    assert [[c.value for c in row] for row in ws["C2:C4"]] == [[3], [7], [11]]
    assert (ws["E1"].value, ws["E2"].value) == (21, 4)


@pytest.mark.libreoffice
def test_recalculate_reports_a_file_soffice_cannot_load(tmp_path, soffice, lo_profile):
    bad = tmp_path / "garbage.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(libreoffice.LibreOfficeError, match=r"(?s)missing outputs: \['garbage.xlsx'\].*"
                                                            r"stdout:.*could not be loaded"):
        libreoffice.recalculate(bad, tmp_path / "out", profile=lo_profile, soffice=soffice)


def test_the_soffice_fixture_skips_locally_but_fails_under_ci(monkeypatch):
    import conftest

    monkeypatch.setattr(libreoffice, "find_soffice", lambda: None)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true: the LibreOffice tests must run in CI"):
        conftest.require_soffice()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="LibreOffice .soffice. not found"):
        conftest.require_soffice()


# ------------------------------------------------------------- native vs core

@dataclass
class Recalculated:
    """Hold what LibreOffice computed in one case's workbook, by KPI ID."""

    path: Path
    kpis_sheet: str
    kpis: dict[str, dict[str, Any]]
    dashboard_sheet: str
    dashboard: dict[str, dict[str, Any]]
    evaluation_sheet: str
    evaluation: dict[str, dict[str, Any]]


def dashboard_headers() -> dict[str, tuple[str, str]]:
    """Return the Dashboard header texts (English, Danish) of the columns compared, by key."""
    from kpixl import formulas

    wanted = ("kpi_id",) + DASHBOARD_FIELDS
    return {key: (formulas.dashboard_header(key, "en"), formulas.dashboard_header(key, "da"))
            for key, _source in formulas.DASHBOARD_COLUMNS if key in wanted}


def write_case(case: Case, folder: Path, mode: str) -> Path:
    """Write ``case`` as a department workbook in formula ``mode``; return its path."""
    from kpixl.template import write_template

    return write_template(folder / f"{case.name}-{mode}.xlsx", department=f"Dept {case.name}", owner="Tester",
                          language=case.language, formulas=mode, kpis=case.kpis,
                          measurements=case.measurements, as_of=case.as_of, phasing=case.phasing)


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory, recalc) -> dict[str, Recalculated]:
    """Write every case natively, recalculate all in one soffice run, read the values back."""
    folder = tmp_path_factory.mktemp("native")
    sources = [write_case(case, folder, "native") for case in CASES]
    headers = dashboard_headers()
    out: dict[str, Recalculated] = {}
    for case, path in zip(CASES, recalc(*sources)):
        book = openpyxl.load_workbook(path, data_only=True)
        kpis_ws, _ = libreoffice.find_table(book, schema.KPIS.name)
        kpis = {str(row["kpi_id"]): row for row in libreoffice.read_table(book, schema.KPIS)
                if row["kpi_id"] not in (None, "")}
        dash_ws = book[schema.SHEET_DASHBOARD[case.language]]
        dash = {str(row["kpi_id"]): row for row in libreoffice.read_header_block(dash_ws, headers)}
        eval_ws, _ = libreoffice.find_table(book, schema.EVALUATION.name)
        evaluation = {str(row["kpi_id"]): row for row in libreoffice.read_table(book, schema.EVALUATION)
                      if row["kpi_id"] not in (None, "")}
        out[case.name] = Recalculated(path, kpis_ws.title, kpis, dash_ws.title, dash, eval_ws.title, evaluation)
    return out


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def agrees(got: object, expected: object) -> bool:
    """Return True when a recalculated cell equals the core's value: blanks as blanks, numbers to 1e-9."""
    if expected is None:
        return _blank(got)
    if isinstance(expected, str):
        return got == expected
    return (isinstance(got, (int, float)) and not isinstance(got, bool)
            and math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-9))


def met_target(definition: core.KpiDefinition, final: float | None, language: str) -> str | None:
    """Return Evaluation's Met target as kpixl/formulas.py documents it (the spec leaves it open).

    Yes when the actual reached the target: increase a >= t, decrease a <= t, maintain
    |a - t| <= tolerance; blank without an actual.
    """
    if final is None:
        return None
    d = definition
    if d.direction == core.INCREASE:
        met = final >= d.target
    elif d.direction == core.DECREASE:
        met = final <= d.target
    else:
        met = abs(final - d.target) <= core.maintain_tolerance(d.target, d.tolerance)
    return schema.YES_NO[language][0 if met else 1]


def expected_cells(case: Case, kpi: KpiRecord) -> tuple[core.KpiResult, dict[str, object]]:
    """Return the core's result for one KPI and the cell values it means, in the workbook's language."""
    result = core.evaluate(kpi.definition(), case.series(kpi.kpi_id), case.as_of)
    return result, {
        "final_actual": result.actual,
        "met_target": met_target(kpi.definition(), result.actual, case.language),
        "actual": result.actual,
        "plan": result.plan,
        "attainment": result.attainment,
        "status": core.word("status", result.status, case.language),
        "trend": core.word("trend", result.trend, case.language),
        "forecast": result.forecast,
        "month_goal": result.goals.month_goal if result.goals else None,
        "needed_month": result.goals.needed_month if result.goals else None,
        "needed_day": result.goals.needed_day if result.goals else None,
    }


def describe(case: Case, kpi: KpiRecord, result: core.KpiResult, problems: list[str]) -> str:
    """Return the whole story of one disagreement: what differs, the definition, the data, the core."""
    series = ", ".join(f"({p.isoformat()}, {v!r})" for p, v in case.series(kpi.kpi_id)) or "none"
    return "\n".join([
        f"KPI {kpi.kpi_id} in {case.name} ({case.language}, as of {case.as_of.isoformat()}) "
        f"disagrees with kpixl.core:",
        *(f"  {p}" for p in problems),
        f"definition: {kpi.definition()}",
        f"measurements (table order): {series}",
        f"core: {result}",
    ])


@pytest.mark.libreoffice
def test_every_kpi_is_on_the_kpis_table_and_the_dashboard(recalculated):
    for case in CASES:
        got = recalculated[case.name]
        ids = [k.kpi_id for k in case.kpis]
        assert sorted(got.kpis) == sorted(ids), case.name
        assert sorted(got.dashboard) == sorted(ids), case.name
        assert sorted(got.evaluation) == sorted(ids), case.name


@pytest.mark.libreoffice
@pytest.mark.parametrize(("case", "kpi"), ALL_KPIS)
def test_native_formulas_agree_with_core_after_libreoffice_recalculation(recalculated, case, kpi):
    got = recalculated[case.name]
    result, expected = expected_cells(case, kpi)
    problems = []
    for sheet, rows, fields in ((got.kpis_sheet, got.kpis, KPI_FIELDS),
                                (got.dashboard_sheet, got.dashboard, DASHBOARD_FIELDS),
                                (got.evaluation_sheet, got.evaluation, EVALUATION_FIELDS)):
        row = rows.get(kpi.kpi_id)
        if row is None:
            problems.append(f"{sheet}: no row for {kpi.kpi_id}")
            continue
        for key in fields:
            if not agrees(row[key], expected[key]):
                problems.append(f"{sheet} row {row['_row']} {key}: expected {expected[key]!r}, got {row[key]!r}")
    assert not problems, describe(case, kpi, result, problems)


# ------------------------------------------------------------- xlwings vs native

UDF_OF = {"actual": "KPI_ACTUAL", "plan": "KPI_PLAN", "attainment": "KPI_ATTAINMENT", "status": "KPI_STATUS"}
FUNCTION_CALL = re.compile(r"([A-Za-z_][A-Za-z0-9_.]*)\(")
STRING_LITERAL = re.compile(r'"(?:[^"]|"")*"')
# Not plain Excel 2019 / LibreOffice 7.4 functions (LET, LAMBDA, dynamic arrays).
FORBIDDEN = {"LET", "LAMBDA", "FILTER", "SORT", "SORTBY", "UNIQUE", "SEQUENCE", "XLOOKUP", "XMATCH",
             "RANDARRAY", "TAKE", "DROP", "CHOOSECOLS", "CHOOSEROWS", "VSTACK", "HSTACK", "TOCOL", "TOROW",
             "MAP", "REDUCE", "SCAN", "BYROW", "BYCOL", "MAKEARRAY", "TEXTSPLIT"}


def functions_in(formula: str) -> set[str]:
    """Return the upper-case function names a formula calls (``_xlfn.`` prefixes dropped)."""
    return {name.upper().rsplit(".", 1)[-1] if name.upper().startswith(("_XLFN.", "_XLWS.")) else name.upper()
            for name in FUNCTION_CALL.findall(STRING_LITERAL.sub('""', formula))}


def formula_cells(path: Path) -> dict[tuple[str, str], str]:
    """Return every formula of a workbook by (sheet, cell), as written (not computed)."""
    book = openpyxl.load_workbook(path)
    found = {}
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                text = cell.value.text if hasattr(cell.value, "text") else cell.value
                if isinstance(text, str) and text.startswith("="):
                    found[(ws.title, cell.coordinate)] = text
    return found


@pytest.mark.parametrize("case", [CASES[0], CASES[1]], ids=lambda c: f"{c.name}-{c.language}")
def test_xlwings_mode_calls_the_udfs_in_the_cells_where_native_mode_has_formulas(tmp_path, case):
    native_path, xlwings_path = write_case(case, tmp_path, "native"), write_case(case, tmp_path, "xlwings")
    native, xlwings = formula_cells(native_path), formula_cells(xlwings_path)
    assert set(xlwings) == set(native)
    book = openpyxl.load_workbook(xlwings_path)
    ws, _ = libreoffice.find_table(book, schema.KPIS.name)
    rows = libreoffice.read_table(book, schema.KPIS)
    header_cells = next(ws.iter_rows(min_row=rows[0]["_row"] - 1, max_row=rows[0]["_row"] - 1))
    lookup = schema.KPIS.header_lookup()
    column_of = {lookup[schema.normalise_header(c.value)].key: c.column_letter for c in header_cells
                 if schema.normalise_header(c.value) in lookup}
    checked = 0
    for row in rows:
        if _blank(row["kpi_id"]):
            continue
        for key, udf in UDF_OF.items():
            where = (ws.title, f"{column_of[key]}{row['_row']}")
            assert udf in functions_in(xlwings[where]), (where, xlwings[where])
            assert not any(f.startswith("KPI_") for f in functions_in(native[where])), (where, native[where])
            checked += 1
    assert checked == 4 * len(case.kpis)
    for where, text in native.items():
        assert not functions_in(text) & FORBIDDEN, (where, text)


# ------------------------------------------------------- one key for a KPI ID

KEY_AS_OF = date(2026, 4, 30)
# (KPI ID in the KPIs table, aggregation, [(ID as typed in Measurements, value)]): case, surrounding
# and inner runs of spaces, no-break and other Unicode spaces, wildcard characters that must stay
# characters, a letter whose upper case differs between Python and LibreOffice (ß), and IDs that
# must NOT match (SVCX03 is no SVC*03, Q11 is no Q?1).
KEY_CASES = (
    ("SAL-01", core.SUM, [("sal-01", 100.0), ("SAL-01\u00a0", 200.0), (" Sal-01\t", 400.0), ("SAL-01\u2003", 800.0),
                          ("\u3000sal-01", 1600.0), ("SAL-01\x0b", 3200.0)]),
    ("mkt-02", core.LAST, [("MKT-02", 5.0), ("mkt-02 ", 7.0)]),
    ("SVC*03", core.SUM, [("svc*03", 10.0), ("SVCX03", 1000.0), ("SVC*03\u00a0", 20.0)]),
    ("Q?1", core.SUM, [("q?1", 1.0), ("Q11", 1000.0), ("Q~1", 1000.0)]),
    ("Straße  Nord", core.SUM, [("STRASSE NORD", 1000.0), ("straße nord", 3.0), ("STRAẞE\u00a0 NORD", 4.0)]),
    ("Tilde~5", core.MAX, [("tilde~5", 9.0), ("TILDE~5 ", 11.0), ("tilde5", 1000.0)]),
)


def key_case_workbook(folder: Path) -> Path:
    """Write a native workbook whose measurements name their KPIs in other case and spacing."""
    from kpixl.template import write_template

    kpis, measurements = [], []
    for kpi_id, aggregation, typed in KEY_CASES:
        kpis.append(KpiRecord(kpi_id=kpi_id, name=f"KPI {kpi_id}", owner="Tester", direction=core.INCREASE,
                              aggregation=aggregation, target=5000.0, start=date(2026, 1, 1),
                              deadline=date(2026, 12, 31)))
        for i, (as_typed, value) in enumerate(typed):
            measurements.append(MeasurementRecord(kpi_id=as_typed, period_end=date(2026, 1, 10) + timedelta(days=9 * i),
                                                  value=value))
    return write_template(folder / "keys.xlsx", department="Keys", language="en", formulas="native", kpis=kpis,
                          measurements=measurements, as_of=KEY_AS_OF)


def core_results(path: Path) -> dict[str, core.KpiResult]:
    """Return the core's result per KPI ID (as typed) of a workbook read by kpixl's own reader."""
    from kpixl.reader import read_workbook
    from kpixl.vocab import kpi_key

    workbook = read_workbook(path)
    series = workbook.measurements_by_kpi()
    return {k.kpi_id: core.evaluate(k.definition(), series.get(kpi_key(k.kpi_id), ()), KEY_AS_OF)
            for k in workbook.kpis}


def libreoffice_values(path: Path) -> dict[str, tuple[object, object]]:
    """Return (Actual, Forecast) per KPI ID of a recalculated workbook's KPIs table."""
    book = openpyxl.load_workbook(path, data_only=True)
    return {row["kpi_id"]: (row["actual"], row["calc_forecast"]) for row in libreoffice.read_table(book, schema.KPIS)
            if row["kpi_id"] not in (None, "")}


@pytest.mark.libreoffice
def test_kpi_id_keys_agree_with_libreoffice_and_survive_its_resave(tmp_path, recalc):
    """Issue 9 item 1: the native formulas match IDs exactly as kpixl.vocab.kpi_key does.

    The Actual and Forecast LibreOffice computes equal the core's on the IDs kpixl's reader
    reads; then the file LibreOffice saved is read and recalculated again, with the same result.
    """
    source = key_case_workbook(tmp_path)
    expected = core_results(source)
    # Every KPI counts its differently typed measurements and none of the look-alikes.
    assert {k: r.actual for k, r in expected.items()} == {
        "SAL-01": 6300.0, "mkt-02": 7.0, "SVC*03": 30.0, "Q?1": 1.0, "Straße  Nord": 7.0, "Tilde~5": 11.0}
    (saved,) = recalc(source)
    (again,) = recalc(saved)  # the LibreOffice-saved workbook, recalculated once more
    assert core_results(saved) == expected  # LibreOffice's save keeps the IDs as typed
    for path in (saved, again):
        got = libreoffice_values(path)
        assert set(got) == set(expected), path.name
        for kpi_id, result in expected.items():
            actual, forecast = got[kpi_id]
            assert agrees(actual, result.actual), (path.name, kpi_id, actual, result.actual)
            assert agrees(forecast, result.forecast), (path.name, kpi_id, forecast, result.forecast)


# ------------------------------------------------------------- Dashboard status strip

@dataclass
class Strip:
    """Hold one Dashboard's status strip: month headers and, by KPI ID, the 6 statuses and their helpers."""

    headers: list[object]
    month_ends: list[object]
    statuses: dict[str, list[object]]
    helpers: dict[str, list[object]]  # per month: formulas.STRIP_KEYS but the status (30 values)


def read_strip(path: Path, language: str) -> Strip:
    """Read the status strip right of the Dashboard table (found by its title above the month headers)."""
    from kpixl import formulas, template

    book = openpyxl.load_workbook(path, data_only=True)
    ws = book[schema.SHEET_DASHBOARD[language]]
    id_header = formulas.dashboard_header("kpi_id", language)
    rows = list(ws.iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row and row[0] == id_header)
    first = rows[header - 1].index(template._UI[language]["strip_title"])
    months = formulas.STRIP_MONTHS
    helpers = len(formulas.STRIP_KEYS) - 1
    end = first + months + helpers * months
    # Each month's month-end sits above its first helper column.
    strip = Strip(list(rows[header][first:first + months]), list(rows[header - 1][first + months:end:helpers]),
                  {}, {})
    for row in rows[header + 1:]:
        if _blank(row[0]):
            assert all(_blank(v) for v in row[first:end]), row  # no ID: a blank strip
            continue
        strip.statuses[str(row[0])] = list(row[first:first + months])
        strip.helpers[str(row[0])] = list(row[first + months:end])
    return strip


@pytest.fixture(scope="module")
def strips(tmp_path_factory, recalc) -> dict[tuple[str, str], tuple[Strip, Strip]]:
    """Write every case in both modes, recalculate them in one soffice run: (cached, recalculated) strips."""
    folder = tmp_path_factory.mktemp("strip")
    written = {(case.name, mode): write_case(case, folder, mode) for case in CASES for mode in ("native", "xlwings")}
    recalculated = recalc(*written.values())
    language = {case.name: case.language for case in CASES}
    return {key: (read_strip(path, language[key[0]]), read_strip(out, language[key[0]]))
            for (key, path), out in zip(written.items(), recalculated)}


def test_strip_month_ends_are_the_last_six_on_or_before_as_of():
    from kpixl.cache import strip_month_ends

    assert strip_month_ends(date(2026, 3, 31)) == [date(2025, 10, 31), date(2025, 11, 30), date(2025, 12, 31),
                                                   date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31)]
    assert strip_month_ends(date(2024, 3, 30))[-2:] == [date(2024, 1, 31), date(2024, 2, 29)]
    assert strip_month_ends(date(2026, 1, 1))[0] == date(2025, 7, 31)


@pytest.mark.libreoffice
@pytest.mark.parametrize("mode", ["native", "xlwings"])
@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.name}-{c.language}")
def test_dashboard_status_strip_agrees_with_core_at_each_month_end(strips, case, mode):
    from kpixl.cache import strip_month_ends
    from kpixl.formulas import MONTH_NAMES

    cached, got = strips[case.name, mode]
    month_ends = strip_month_ends(case.as_of)
    assert got.headers == [MONTH_NAMES[case.language][m.month - 1] for m in month_ends]
    assert [getattr(m, "date", lambda: m)() for m in got.month_ends] == month_ends
    assert sorted(got.statuses) == sorted(k.kpi_id for k in case.kpis)
    problems = []
    for kpi in case.kpis:
        series = case.series(kpi.kpi_id)
        expected = [core.word("status", core.evaluate(kpi.definition(), series, m).status, case.language)
                    for m in month_ends]
        if got.statuses[kpi.kpi_id] != expected:
            problems.append(f"{kpi.kpi_id} ({kpi.direction}, {kpi.aggregation}): expected {expected}, "
                            f"got {got.statuses[kpi.kpi_id]}; {kpi.definition()}; {series}")
    assert not problems, "\n".join(problems)
    # Every status is seen somewhere (the strip is not a column of one word).
    seen = {s for row in got.statuses.values() for s in row}
    if case.name != "edge":
        assert {core.word("status", s, case.language) for s in (core.ON_TRACK, core.OFF_TRACK, core.NOT_STARTED,
                                                                 core.NO_DATA)} <= seen


@pytest.mark.libreoffice
@pytest.mark.parametrize("mode", ["native", "xlwings"])
@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.name}-{c.language}")
def test_dashboard_status_strip_caches_what_libreoffice_computes(strips, case, mode):
    cached, got = strips[case.name, mode]
    assert cached.headers == got.headers
    assert cached.month_ends == got.month_ends
    assert sorted(cached.statuses) == sorted(got.statuses)
    problems = []
    for kpi_id, row in got.statuses.items():
        for i, (was, now) in enumerate(zip(cached.statuses[kpi_id] + cached.helpers[kpi_id],
                                           row + got.helpers[kpi_id])):
            if not agrees(was, None if _blank(now) else now):
                problems.append(f"{kpi_id} strip cell {i}: cached {was!r}, recalculated {now!r}")
    assert not problems, "\n".join(problems[:20])
