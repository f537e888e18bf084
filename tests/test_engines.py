"""Test that the native workbook computes the same numbers in IronCalc and Gnumeric, and says so where it cannot.

Every formula cell of the demo's workbooks and of a coverage workbook (each direction x
each aggregation, with and without baseline, plus the rules' edge cases, in Danish too)
must equal the value kpixl stored (from ``kpixl.core``) at 1e-9 after IronCalc
(``tests/engines.py``) and Gnumeric recalculate it; the self-check on the Guide must pass.
And a workbook in which a function is renamed to one no program knows must show the
self-check's message, naming the construct, and no KPI number, after LibreOffice
recalculates it. Marked ``ironcalc``/``gnumeric``/``libreoffice``: skipped locally without
the program, required under CI=true.
"""

from __future__ import annotations

import dataclasses
import os
import random
import shutil
from datetime import date
from pathlib import Path

import openpyxl
import pytest

import engines
from kpixl import core, demo, formulas as fx, schema, texts
from kpixl.vocab import Language
from kpixl.model import KpiRecord, PhasingRecord, resolve_phasing
from test_template_recalc import (PROFILES, Case, edge_case, random_case, random_definition, random_measurements,
                                  write_case)
from workbooks import rezip


def _under_ci() -> bool:
    return os.environ.get("CI", "").strip().casefold() in ("1", "true", "yes")


def _require(found: bool, what: str) -> None:
    if not found:
        message = f"{what} is not installed"
        if _under_ci():
            pytest.fail(f"{message} (CI=true: the engine tests must run in CI)", pytrace=False)
        pytest.skip(message)


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory) -> dict[str, Path]:
    """Return the demo's department workbooks (and next period's) and two coverage workbooks."""
    folder = tmp_path_factory.mktemp("engines")
    result = demo.run_demo(folder / "demo")
    found = {f"demo {key}": Path(path) for key, path in result.workbooks.items()}
    found["next period"] = Path(shutil.copy(result.next_period, folder / "next-period.xlsx"))
    found.update({f"design {i}": Path(path) for i, path in enumerate(result.design)})
    coverage = coverage_case()
    edges = edge_case()
    coverage.kpis += edges.kpis
    coverage.measurements += edges.measurements
    found["coverage"] = write_case(coverage, folder, "native")
    found["coverage da"] = write_case(random_case("dansk", 7, "da", date(2026, 9, 30), 15, shuffle=False),
                                      folder, "native")
    return found


def coverage_case() -> Case:
    """Return a case with every direction x aggregation, with and without a baseline (a decrease KPI needs one)."""
    as_of = date(2026, 5, 17)
    rng = random.Random(24)
    case = Case(name="cover", language="en", as_of=as_of)
    for direction, aggregation, with_baseline in COMBOS:
        kpi_id = f"COV-{direction[:3]}-{aggregation}-{'b' if with_baseline else 'n'}".upper()
        record = random_definition(rng, kpi_id, direction, aggregation, as_of)
        if not with_baseline:
            record = dataclasses.replace(record, baseline=None)
        elif record.baseline is None:
            target = record.target or 1.0
            record = dataclasses.replace(record, baseline=target * (0.5 if target > 0 else 1.5))
        case.kpis.append(record)
        case.measurements.extend(random_measurements(rng, record, as_of))
    add_phased(case, rng)
    rng.shuffle(case.measurements)
    return case


def add_phased(case: Case, rng: random.Random) -> None:
    """Add each direction x aggregation x baseline again, phased (issue 19): by a seasonal profile, by one
    that weighs 0 in winter, over a July-June fiscal year and over a calendar year; plus a profile that
    weighs 0 in every month of its period (the KPI shows the phasing error)."""
    case.phasing = [PhasingRecord(name, tuple(float(w) for w in weights)) for name, weights in PROFILES]
    fiscal = (date(case.as_of.year - 1, 7, 1), date(case.as_of.year, 6, 30))
    calendar = (date(case.as_of.year, 1, 1), date(case.as_of.year, 12, 31))
    for i, (direction, aggregation, with_baseline) in enumerate(COMBOS):
        kpi_id = f"PHA-{direction[:3]}-{aggregation}-{'b' if with_baseline else 'n'}".upper()
        record = random_definition(rng, kpi_id, direction, aggregation, case.as_of)
        if not with_baseline:
            record = dataclasses.replace(record, baseline=None)
        elif record.baseline is None:
            target = record.target or 1.0
            record = dataclasses.replace(record, baseline=target * (0.5 if target > 0 else 1.5))
        record.start, record.deadline = fiscal if i % 2 == 0 else calendar
        record.phasing = PROFILES[i % len(PROFILES)][0]
        resolve_phasing([record], case.phasing)
        case.kpis.append(record)
        case.measurements.extend(random_measurements(rng, record, case.as_of))
    winter = KpiRecord(kpi_id="PHA-ZERO", name="Summer profile over a winter", target=100.0,
                       start=date(case.as_of.year - 1, 11, 1), deadline=date(case.as_of.year - 1, 12, 31),
                       direction=core.INCREASE, aggregation=core.SUM, phasing="Summer")
    resolve_phasing([winter], case.phasing)
    case.kpis.append(winter)


COMBOS = [(d, a, b) for d in core.VOCABULARIES["direction"] for a in core.VOCABULARIES["aggregation"]
          for b in (True, False) if b or d != core.DECREASE]


def test_the_coverage_workbook_covers_every_direction_aggregation_and_baseline():
    case = coverage_case()
    plain = [k for k in case.kpis if not k.phasing]
    phased = [k for k in case.kpis if k.phasing and k.kpi_id != "PHA-ZERO"]
    for kpis in (plain, phased):
        seen = {(k.direction, k.aggregation, k.baseline is not None) for k in kpis}
        assert seen == set(COMBOS) and len(kpis) == len(COMBOS) == 5 * len(core.VOCABULARIES["aggregation"])
    # Phased over a July-June fiscal year and over a calendar year, by a profile with zero months.
    assert {(k.start.month, k.deadline.month) for k in phased} == {(7, 6), (1, 12)}
    assert "Summer" in {k.phasing for k in phased} and 0.0 in dict(PROFILES)["Summer"]
    with pytest.raises(Exception):
        next(k for k in case.kpis if k.kpi_id == "PHA-ZERO").definition().check()
    assert all(k.definition().check() is None for k in case.kpis
               if (k.direction != core.DECREASE or k.baseline) and k.kpi_id != "PHA-ZERO")


NAMES = ["demo sales", "demo marketing", "demo customer-service", "demo management", "next period",
         "design 0", "design 1", "design 2", "design 3", "coverage", "coverage da"]


def _check(name: str, path: Path, computed: dict, stored: dict) -> None:
    bad = engines.mismatches(stored, computed)
    assert len(stored) > 5000, (name, len(stored))
    assert not bad, (name, len(bad), sorted(bad.items())[:10])


def _self_check_cell(path: Path, name: str = fx.SELF_CHECK_OK) -> tuple[str, str]:
    book = openpyxl.load_workbook(path)
    defined = book.defined_names[name].attr_text
    sheet, cell = defined.rsplit("!", 1)
    return sheet.strip("'").replace("''", "'"), cell.replace("$", "")


@pytest.mark.ironcalc
@pytest.mark.parametrize("name", NAMES)
def test_ironcalc_computes_every_formula_cell_as_stored(workbooks, name):
    _require(engines.have_ironcalc(), "IronCalc (pip install ironcalc)")
    path = workbooks[name]
    stored = engines.formula_cells(path)
    assert stored[_self_check_cell(path)] is True
    _check(name, path, engines.ironcalc(path, list(stored)), stored)


@pytest.mark.gnumeric
@pytest.mark.parametrize("name", NAMES)
def test_gnumeric_computes_every_formula_cell_as_stored(workbooks, name, tmp_path):
    _require(engines.find_ssconvert() is not None, "Gnumeric (ssconvert)")
    path = workbooks[name]
    stored = engines.formula_cells(path)
    # The Danish KPIs sheet is Nøgletal (no apostrophe Gnumeric cannot parse): the Danish
    # workbooks pass the self-check and agree at 1e-9 like the English ones.
    assert stored[_self_check_cell(path)] is True
    _check(name, path, engines.gnumeric(path, tmp_path, list(stored)), stored)


def test_the_comparison_sees_a_wrong_value():
    stored = {("KPIs", "P2"): 41839.0, ("KPIs", "S2"): "On track", ("Guide", "D70"): True}
    assert engines.mismatches(stored, dict(stored)) == {}
    assert engines.mismatches(stored, {**stored, ("KPIs", "P2"): 41839.0 * (1 + 1e-8)})
    assert engines.mismatches(stored, {**stored, ("KPIs", "S2"): "Off track"})
    assert engines.mismatches(stored, {**stored, ("Guide", "D70"): 1.0})


def _rename(path: Path, out: Path, function: str, unknown: str) -> Path:
    """Copy ``path`` with every call of ``function`` renamed to ``unknown`` (in every sheet's formulas)."""

    def edit(name: str, data: bytes) -> bytes | None:
        if not name.startswith("xl/worksheets/"):
            return None
        return data.replace(f"_xlfn.{function}(".encode(), f"{unknown}(".encode()).replace(
            f"{function}(".encode(), f"{unknown}(".encode())

    return Path(rezip(path, edit, out))


@pytest.mark.libreoffice
@pytest.mark.parametrize("language", schema.LANGUAGES)
def test_a_function_the_program_lacks_shows_the_self_checks_message_and_no_kpi_number(tmp_path, recalc, language):
    from test_template_recalc import random_case as make

    case = make("lacks", 3, language, date(2026, 5, 17), 10, shuffle=False)
    path = write_case(case, tmp_path, "native")
    (tmp_path / "broken").mkdir()
    broken = _rename(path, tmp_path / "broken" / "lacks.xlsx", "MAXIFS", "KPIXLNOSUCHFUNCTION")
    good, bad = recalc(path, broken)
    lang = Language.parse(language)
    ok_text = texts.text("formulas", "check.ok", lang)
    failed = texts.text("formulas", "check.failed", lang)
    maxifs = texts.text("formulas", "check.maxifs", lang)
    for recalculated, broken_copy in ((good, False), (bad, True)):
        book = openpyxl.load_workbook(recalculated, data_only=True)
        guide, dashboard = book.worksheets[0], book[schema.SHEET_DASHBOARD[lang]]
        message = dashboard["A4"].value
        guide_texts = [c.value for row in guide.iter_rows() for c in row if isinstance(c.value, str)]
        kpis = book[schema.KPIS.sheet(lang)]
        header = [c.value for c in kpis[1]]
        rows = range(2, 2 + len(case.kpis))
        shown = {key: [kpis.cell(r, header.index(schema.KPIS.column(key).header(lang)) + 1).value for r in rows]
                 for key in ("actual", "plan", "attainment", "status", "calc_forecast")}
        # The Dashboard's goals (issue 19) and their phase helpers, by key.
        keys = [key for key, *_ in fx.DASHBOARD_COLUMNS]
        goals = [dashboard.cell(r, keys.index(key) + 1).value for key in fx.GOAL_KEYS
                 for r in range(6, 6 + len(case.kpis))]
        if not broken_copy:
            assert any(isinstance(v, (int, float)) for v in goals), goals
            assert "#N/A" not in goals, goals
            assert message == ok_text
            assert sum(isinstance(v, (int, float)) for v in shown["actual"]) >= 5, shown["actual"]
            assert all(v != "#N/A" for values in shown.values() for v in values), shown
            continue
        assert message.startswith(failed) and maxifs in message, message
        assert message in guide_texts
        for key, values in shown.items():
            assert all(v == "#N/A" or v is None for v in values), (key, values)
        assert all(isinstance(v, str) and v.startswith("#") for v in shown["actual"]), shown["actual"]
        dash_actual = [dashboard.cell(r, 5).value for r in range(6, 6 + len(case.kpis))]
        assert all(not isinstance(v, (int, float)) for v in dash_actual), dash_actual
        assert all(not isinstance(v, (int, float)) for v in goals), goals
