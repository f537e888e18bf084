"""Test rollover: decisions, baselines from final actuals, new dates, warnings, errors and safety.

Input workbooks are written with :func:`kpixl.template.write_template` from
records built here; outputs are read back with :func:`kpixl.reader.read_workbook`
and checked with :func:`kpixl.validate.validate`.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest

from kpixl import core
from kpixl.errors import DefinitionError, OutputError, ValidationFailed
from kpixl.model import EvaluationRecord, Finding, KpiRecord, MeasurementRecord
from kpixl.reader import read_workbook
from kpixl.rollover import CascadeResult, RolloverRefused, RolloverResult, next_deadline, rollover
from kpixl.template import write_template
from kpixl.validate import validate

START, DEADLINE = date(2025, 1, 1), date(2025, 12, 31)
MONTH_ENDS = [date(2025, 1, 31), date(2025, 2, 28), date(2025, 3, 31), date(2025, 4, 30), date(2025, 5, 31),
              date(2025, 6, 30), date(2025, 7, 31), date(2025, 8, 31), date(2025, 9, 30), date(2025, 10, 31),
              date(2025, 11, 30), date(2025, 12, 31)]


def kpi(kpi_id: str, **fields) -> KpiRecord:
    """Return a complete SMART KPI of 2025 (increase, sum, monthly) with ``fields`` changed."""
    values = dict(
        name=f"KPI {kpi_id}", level="low", parent_id="MGT-01", department="Sales", owner="Lars Mortensen",
        unit="orders", direction=core.INCREASE, aggregation=core.SUM, frequency="monthly", baseline=1000.0,
        target=1300.0, start=START, deadline=DEADLINE, green=0.9, amber=0.8, weight=2.0, data_source="Shopify",
        specific=f"Specific {kpi_id}", measurable=f"Measurable {kpi_id}", attainable=f"Attainable {kpi_id}",
        relevant=f"Relevant {kpi_id}")
    values.update(fields)
    return KpiRecord(kpi_id=kpi_id, **values)


def monthly(kpi_id: str, values: list[float]) -> list[MeasurementRecord]:
    """Return one measurement per month end of 2025, from January."""
    return [MeasurementRecord(kpi_id, d, v, entered_by="Lars Mortensen") for d, v in zip(MONTH_ENDS, values)]


def decide(kpi_id: str, decision: str | None, new_target: float | None = None) -> EvaluationRecord:
    return EvaluationRecord(kpi_id=kpi_id, decision=decision, new_target=new_target, notes=f"note {kpi_id}")


def write(path: Path, kpis: list[KpiRecord], measurements: list[MeasurementRecord],
          evaluations: list[EvaluationRecord], *, language: str = "en", formulas: str = "native",
          department: str = "Sales") -> Path:
    return write_template(path, department=department, language=language, formulas=formulas, kpis=kpis,
                          measurements=measurements, evaluations=evaluations, as_of=DEADLINE)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# The standard closing year: one KPI per decision, and the special cases.
KPIS = [
    kpi("S-01"),  # Keep: 12 x 100 = 1200 < 1300
    kpi("S-02", aggregation=core.LAST, unit="%", baseline=0.50, target=0.60),  # Adjust to 0.65
    kpi("S-03"),  # Retire
    kpi("S-04", direction=core.DECREASE, aggregation=core.AVERAGE, unit="hours", baseline=24.0, target=8.0),
    kpi("S-05", direction=core.MAINTAIN, aggregation=core.LAST, unit="%", baseline=None, target=0.80,
        tolerance=0.05),  # Keep
    kpi("S-06", aggregation=core.LAST, baseline=10.0, target=20.0),  # Keep, never measured
]
MEASUREMENTS = (monthly("S-01", [100.0] * 12) + monthly("S-02", [0.5 + 0.01 * i for i in range(12)])
                + monthly("S-03", [50.0] * 12) + monthly("S-04", [12.0] * 6 + [14.0] * 6)
                + monthly("S-05", [0.80] * 11 + [0.79]))
EVALUATIONS = [decide("S-01", "keep"), decide("S-02", "adjust", 0.65), decide("S-03", "retire"),
               decide("S-04", None), decide("S-05", "keep"), decide("S-06", "keep")]


@pytest.fixture(scope="module")
def closed(tmp_path_factory) -> Path:
    """Return the closing year's workbook (never changed by any test)."""
    return write(tmp_path_factory.mktemp("closed") / "sales.xlsx", KPIS, MEASUREMENTS, EVALUATIONS)


@pytest.fixture(scope="module")
def rolled(closed: Path, tmp_path_factory):
    """Return (result, new workbook read back) of rolling the closing year over with defaults."""
    out = tmp_path_factory.mktemp("next") / "sales-2026.xlsx"
    before = sha256(closed)
    result = rollover(closed, out)
    assert sha256(closed) == before
    return result, read_workbook(out)


def by_id(workbook) -> dict[str, KpiRecord]:
    return {k.kpi_id: k for k in workbook.kpis}


# ------------------------------------------------------------------ decisions

def test_decisions_keep_adjust_retire_and_no_decision(rolled):
    result, new = rolled
    assert [k.kpi_id for k in new.kpis] == ["S-01", "S-02", "S-04", "S-05", "S-06"]
    assert result.kept == ["S-01", "S-05", "S-06"]
    assert result.adjusted == ["S-02"]
    assert result.retired == ["S-03"]
    assert result.undecided == ["S-04"]
    kpis = by_id(new)
    assert kpis["S-01"].target == 1300.0  # Keep
    assert kpis["S-02"].target == 0.65  # Adjust target
    assert kpis["S-04"].target == 8.0  # no decision: kept as it was
    assert kpis["S-05"].target == 0.80


def test_baselines_become_the_final_actuals(rolled):
    result, new = rolled
    kpis = by_id(new)
    assert kpis["S-01"].baseline == 1200.0  # sum of the year
    assert kpis["S-02"].baseline == pytest.approx(0.61)  # last value
    assert kpis["S-04"].baseline == 13.0  # average
    assert kpis["S-05"].baseline == 0.79
    assert result.final_actuals["S-03"] == 600.0  # retired KPIs are evaluated too
    assert kpis["S-06"].baseline == 10.0  # no final actual: the old baseline stays


def test_the_new_workbook_starts_empty_in_the_next_year(rolled):
    _, new = rolled
    assert new.measurements == []
    assert all(e.decision is None and e.new_target is None for e in new.evaluations)
    assert {(k.start, k.deadline) for k in new.kpis} == {(date(2026, 1, 1), date(2026, 12, 31))}


def test_definitions_owners_and_links_carry_over(rolled):
    _, new = rolled
    old = {k.kpi_id: k for k in KPIS}
    carried = ("name", "level", "parent_id", "department", "owner", "unit", "direction", "aggregation", "frequency",
               "tolerance", "green", "amber", "weight", "data_source", "specific", "measurable", "attainable",
               "relevant")
    for record in new.kpis:
        for name in carried:
            assert getattr(record, name) == getattr(old[record.kpi_id], name), (record.kpi_id, name)
    assert new.department == "Sales"


def test_the_output_validates_without_errors(rolled):
    result, _ = rolled
    report = validate([result.output], as_of=date(2026, 1, 15))
    assert report.errors == []


def test_summary_lines(rolled):
    result, _ = rolled
    lines = result.summary_lines()
    assert lines[0] == f"Rolled over {result.source} into {result.output}"
    assert lines[1] == "6 KPI(s): 3 kept, 1 adjusted, 1 retired, 1 without a decision (kept)"
    assert lines[2] == "New period: 2026-01-01 to 2026-12-31"
    assert lines[3:] == [str(w) for w in result.warnings]
    # The same lines in Danish (the catalogue's rollover.*): the demo prints them for a Danish workbook.
    danish = result.summary_lines("da")
    assert danish[0] == f"Rullede {result.source} over til {result.output}"
    assert danish[1] == "6 KPI'er: 3 beholdt, 1 justeret, 1 udfaset, 1 uden beslutning (beholdt)"
    assert danish[2] == "Ny periode: 2026-01-01 til 2026-12-31"
    assert danish[3:] == [f"Advarsel: {w.place}: {w.code}: {w.message}" for w in result.warnings]


def test_the_cascade_summary_counts_in_either_language():
    management = RolloverResult(source=Path("m.xlsx"), output=Path("n.xlsx"), kept=["A"])
    department = RolloverResult(source=Path("s.xlsx"), output=Path("t.xlsx"), kept=["B"], notes={"B": "note"})
    cascade = CascadeResult(management, [department])
    assert cascade.summary_lines()[-1] == ("Rolled over 2 workbook(s); 1 department KPI(s) flagged in their "
                                           "Evaluation notes because their company KPI was retired or re-targeted")
    assert cascade.summary_lines("da")[-1] == ("Rullede 2 projektmapper over; 1 afdelings-KPI markeret i deres "
                                               "evalueringsnoter, fordi deres virksomheds-KPI blev udfaset eller "
                                               "fik nyt mål")
    assert cascade.summary_lines("da")[1] == "1 KPI: 1 beholdt, 0 justeret, 0 udfaset, 0 uden beslutning (beholdt)"


def test_warnings_are_findings_naming_the_cell(rolled, closed):
    result, _ = rolled
    assert all(isinstance(w, Finding) and w.severity == "warning" for w in result.warnings)
    assert [str(w) for w in result.warnings] == [
        f"{closed}:KPIs!A3: warning KPX704: KPI S-02 has a new target 0.65 (was 0.6); check that its SMART texts "
        f"(Specific, Attainable) do not still name the old one",
        f"{closed}:Evaluation!E5: warning KPX701: KPI S-04 has no decision, so it was kept as it was; choose Keep, "
        f"Adjust target or Retire on the Evaluation sheet",
        f"{closed}:KPIs!A7: warning KPX703: KPI S-06 has no final actual as of 2025-12-31 (no measurements in its "
        f"period); its baseline stays 10",
    ]


# ------------------------------------------------------------------ dates

def test_explicit_start_and_deadline(closed, tmp_path):
    result = rollover(closed, tmp_path / "h1.xlsx", start=date(2026, 1, 1), deadline=date(2026, 6, 30),
                      prorate=True)
    assert {(k.start, k.deadline) for k in read_workbook(tmp_path / "h1.xlsx").kpis} == {
        (date(2026, 1, 1), date(2026, 6, 30))}
    assert "New period: 2026-01-01 to 2026-06-30" in result.summary_lines()


def test_only_a_deadline_given_starts_the_day_after_the_old_deadline(closed, tmp_path):
    rollover(closed, tmp_path / "q1.xlsx", deadline=date(2026, 3, 31), prorate=True)
    assert {(k.start, k.deadline) for k in read_workbook(tmp_path / "q1.xlsx").kpis} == {
        (date(2026, 1, 1), date(2026, 3, 31))}


def test_each_kpi_moves_by_its_own_period(tmp_path):
    kpis = [kpi("A-01", start=date(2025, 4, 1), deadline=date(2025, 9, 30)),
            kpi("A-02", start=date(2025, 1, 15), deadline=date(2025, 2, 14), aggregation=core.LAST)]
    measurements = [MeasurementRecord("A-01", date(2025, 6, 30), 500.0),
                    MeasurementRecord("A-02", date(2025, 2, 10), 1100.0)]
    source = write(tmp_path / "in.xlsx", kpis, measurements, [decide("A-01", "keep"), decide("A-02", "keep")])
    result = rollover(source, tmp_path / "out.xlsx")
    new = by_id(read_workbook(tmp_path / "out.xlsx"))
    assert (new["A-01"].start, new["A-01"].deadline) == (date(2025, 10, 1), date(2026, 3, 31))  # 6 whole months
    assert (new["A-02"].start, new["A-02"].deadline) == (date(2025, 2, 15), date(2025, 3, 17))  # 30 days
    assert "New periods: 2 different periods (see the KPIs sheet)" in result.summary_lines()


def test_as_of_fixes_the_date_of_the_final_actuals(closed, tmp_path):
    result = rollover(closed, tmp_path / "mid.xlsx", as_of=date(2025, 6, 30))
    assert result.final_actuals["S-01"] == 600.0
    assert by_id(read_workbook(tmp_path / "mid.xlsx"))["S-01"].baseline == 600.0


@pytest.mark.parametrize(("start", "deadline", "new_start", "expected"), [
    (date(2025, 1, 1), date(2025, 12, 31), date(2026, 1, 1), date(2026, 12, 31)),  # a year stays a year
    (date(2024, 1, 1), date(2024, 12, 31), date(2025, 1, 1), date(2025, 12, 31)),  # ... after a leap year too
    (date(2025, 10, 1), date(2025, 12, 31), date(2026, 1, 1), date(2026, 3, 31)),  # a quarter of whole months
    (date(2025, 12, 1), date(2026, 2, 28), date(2026, 3, 1), date(2026, 5, 31)),
    (date(2025, 3, 1), date(2025, 3, 15), date(2025, 3, 16), date(2025, 3, 30)),  # 14 days stay 14 days
    (date(2025, 1, 1), date(2025, 12, 31), date(2026, 1, 15), date(2027, 1, 14)),  # a start mid-month: in days
])
def test_next_deadline(start, deadline, new_start, expected):
    assert next_deadline(start, deadline, new_start) == expected


def test_deadline_before_start_is_refused(closed, tmp_path):
    with pytest.raises(DefinitionError) as caught:
        rollover(closed, tmp_path / "x.xlsx", start=date(2026, 6, 1), deadline=date(2026, 1, 1))
    assert str(caught.value) == ("the new deadline 2026-01-01 must be after the new start 2026-06-01; "
                                 "change --start or --deadline")
    assert not (tmp_path / "x.xlsx").exists()


def test_a_deadline_before_the_derived_start_is_refused(closed, tmp_path):
    with pytest.raises(DefinitionError) as caught:
        rollover(closed, tmp_path / "x.xlsx", deadline=date(2025, 12, 1))
    assert str(caught.value).startswith(f"{closed}: 5 Evaluation decision(s) must be fixed before rollover:\n  "
                                        f"{closed}:KPIs!A2: error KPX734: KPI S-01: the new deadline 2025-12-01 is "
                                        "not after its new start 2026-01-01; give a later --deadline or an earlier "
                                        "--start")


# ------------------------------------------------------------------ language and formulas

@pytest.mark.parametrize(("language", "formulas"), [("da", "xlwings"), ("en", "xlwings"), ("da", "native")])
def test_language_and_formula_mode_are_kept(tmp_path, language, formulas):
    source = write(tmp_path / "in.xlsx", KPIS[:2], MEASUREMENTS[:24], EVALUATIONS[:2], language=language,
                   formulas=formulas, department="Salg")
    rollover(source, tmp_path / "out.xlsx")
    new = read_workbook(tmp_path / "out.xlsx")
    assert (new.language, new.formulas, new.department) == (language, formulas, "Salg")
    assert validate([tmp_path / "out.xlsx"]).errors == []


# ------------------------------------------------------------------ errors

def _fails(source: Path, tmp_path: Path, exc=DefinitionError, **options) -> str:
    before = sha256(source)
    out = tmp_path / "next.xlsx"
    with pytest.raises(exc) as caught:
        rollover(source, out, **options)
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".next.xlsx")] == []
    assert sha256(source) == before
    return str(caught.value)


def caught_findings(source: Path, tmp_path: Path) -> list[Finding]:
    with pytest.raises(RolloverRefused) as caught:
        rollover(source, tmp_path / "again.xlsx")
    return caught.value.findings


def test_keep_when_the_target_is_already_beaten_is_an_error(tmp_path):
    source = write(tmp_path / "in.xlsx", [kpi("S-01", aggregation=core.LAST, target=1234.0)],
                   monthly("S-01", [1100.0, 1250.0]), [decide("S-01", "keep")])
    message = _fails(source, tmp_path)
    assert message == (f"{source}:Evaluation!E2: error KPX732: KPI S-01 (KPI S-01) kept its target 1234, but its final actual "
                       f"1250 already reached it; choose Adjust target with a new target above 1250, or Retire")


def test_no_decision_and_a_beaten_target_is_an_error_too(tmp_path):
    source = write(tmp_path / "in.xlsx", [kpi("S-01"), kpi("S-02", aggregation=core.LAST, target=1234.0)],
                   monthly("S-02", [1300.0]), [decide("S-01", "retire")])
    message = _fails(source, tmp_path)
    assert message == (f"{source}:Evaluation!E3: error KPX732: KPI S-02 (KPI S-02) has no decision, so it keeps its target "
                       f"1234, but its final actual 1300 already reached it; choose Adjust target with a new target "
                       f"above 1300, or Retire")


def test_a_decrease_kpi_already_below_its_kept_target_is_an_error(tmp_path):
    source = write(tmp_path / "in.xlsx", [kpi("CS-02", direction=core.DECREASE, aggregation=core.AVERAGE,
                                              baseline=24.0, target=8.0, name="Response time")],
                   monthly("CS-02", [7.0, 6.0]), [decide("CS-02", "keep")])
    assert _fails(source, tmp_path) == (
        f"{source}:Evaluation!E2: error KPX732: KPI CS-02 (Response time) kept its target 8, but its final actual 6.5 is already "
        f"at or below it; choose Adjust target with a new target below 6.5, or Retire")


def test_an_adjusted_target_that_does_not_fit_is_an_error(tmp_path):
    source = write(tmp_path / "in.xlsx", [kpi("S-01")], monthly("S-01", [100.0] * 12),
                   [decide("S-01", "adjust", 1100.0)])
    assert _fails(source, tmp_path) == (
        f"{source}:Evaluation!F2: error KPX733: KPI S-01 (KPI S-01) new target 1100 does not fit its new baseline 1200 (the final "
        f"actual): an increase KPI needs its target above its baseline (target 1100, baseline 1200); type a new "
        f"target above 1200")


def test_several_problems_are_listed_together(tmp_path):
    kpis = [kpi("S-01", baseline=None, target=150.0), kpi("S-02", baseline=None, target=150.0)]
    source = write(tmp_path / "in.xlsx", kpis,
                   monthly("S-01", [200.0]) + monthly("S-02", [200.0]),
                   [decide("S-01", "keep"), decide("S-02", "keep")])
    message = _fails(source, tmp_path)
    lines = message.split("\n")
    assert lines[0] == f"{source}: 2 Evaluation decision(s) must be fixed before rollover:"
    assert lines[1].startswith(f"  {source}:Evaluation!E2: error KPX732: KPI S-01 ")
    assert lines[2].startswith(f"  {source}:Evaluation!E3: error KPX732: KPI S-02 ")
    assert [f.code for f in caught_findings(source, tmp_path)] == ["KPX732", "KPX732"]


def test_danish_workbooks_get_the_danish_decision_words(tmp_path):
    source = write(tmp_path / "in.xlsx", [kpi("S-01", aggregation=core.LAST, target=1234.0)],
                   monthly("S-01", [1250.0]), [decide("S-01", "keep")], language="da")
    assert _fails(source, tmp_path) == (
        f"{source}:Evaluering!E2: error KPX732: KPI S-01 (KPI S-01) beholdt sin målværdi 1234, men dens endelige "
        f"faktiske værdi 1250 har allerede nået den; vælg Juster mål med en ny målværdi over 1250, eller Udfas")


def test_an_input_with_errors_is_refused_with_its_findings(tmp_path):
    source = write(tmp_path / "in.xlsx", [kpi("S-01"), kpi("S-02")], monthly("S-01", [100.0]),
                   [decide("S-01", "adjust"), decide("S-02", "keep")])
    message = _fails(source, tmp_path, ValidationFailed)
    assert message.split("\n") == [
        f"{source}: cannot roll over a workbook with 1 error(s); fix them and run again:",
        f"  {source}:Evaluation!A2: error KPX502: decision Adjust target needs a new target; type it in New target",
    ]


def test_an_invalid_kpi_is_refused(tmp_path):
    source = write(tmp_path / "in.xlsx", [kpi("S-01", baseline=2000.0, target=1000.0)], [], [])
    message = _fails(source, tmp_path, ValidationFailed)
    assert message.startswith(f"{source}: cannot roll over a workbook with 1 error(s); fix them and run again:\n  "
                              f"{source}:KPIs!")
    assert "KPX302" in message


def test_many_input_errors_are_cut_short(tmp_path):
    source = write(tmp_path / "in.xlsx", [kpi("S-01")], monthly("S-01", [1.0] * 12) + monthly("X-09", [1.0] * 12),
                   [])
    lines = _fails(source, tmp_path, ValidationFailed).split("\n")
    assert lines[0] == f"{source}: cannot roll over a workbook with 12 error(s); fix them and run again:"
    assert len(lines) == 12
    assert lines[-1] == f"  ... and 2 more (run kpixl validate {source})"


def test_a_file_that_is_not_a_workbook_is_refused(tmp_path):
    source = tmp_path / "in.xlsx"
    source.write_text("KPI ID;Target\nS-01;100\n", encoding="utf-8")
    message = _fails(source, tmp_path, ValidationFailed)
    assert message.startswith(f"{source}: cannot roll over a workbook with 1 error(s)")


# ------------------------------------------------------------------ output safety

def test_output_equal_to_input_is_refused(closed):
    before = sha256(closed)
    with pytest.raises(OutputError) as caught:
        rollover(closed, closed, force=True)
    assert str(caught.value) == f"{closed}: the output is also an input; choose another output path"
    assert sha256(closed) == before


def test_existing_output_needs_force(closed, tmp_path):
    out = tmp_path / "next.xlsx"
    out.write_bytes(b"old")
    with pytest.raises(OutputError) as caught:
        rollover(closed, out)
    assert str(caught.value) == f"{out}: already exists; use --force to overwrite it"
    assert out.read_bytes() == b"old"
    rollover(closed, out, force=True)
    assert [k.kpi_id for k in read_workbook(out).kpis] == ["S-01", "S-02", "S-04", "S-05", "S-06"]


def test_a_kept_child_of_a_retired_parent_is_an_error(tmp_path):
    kpis = [kpi("H-01", level="high", parent_id=None, weight=None), kpi("L-01", parent_id="H-01"),
            kpi("L-02", parent_id="h-01"), kpi("L-03", parent_id="H-01")]
    source = write(tmp_path / "in.xlsx", kpis, monthly("L-01", [100.0]),
                   [decide("H-01", "retire"), decide("L-01", "keep"), decide("L-03", "retire")])
    assert _fails(source, tmp_path).split("\n") == [
        f"{source}: 2 Evaluation decision(s) must be fixed before rollover:",
        f"  {source}:Evaluation!E2: error KPX736: KPI H-01 is retired, but KPI L-01 (KPIs!A3) still rolls up to it; "
        f"retire L-01 too, or give it another Parent KPI ID (the next consolidate would fail with KPX602)",
        f"  {source}:Evaluation!E2: error KPX736: KPI H-01 is retired, but KPI L-02 (KPIs!A4) still rolls up to it; "
        f"retire L-02 too, or give it another Parent KPI ID (the next consolidate would fail with KPX602)",
    ]


def test_a_retired_company_kpi_warns_about_children_elsewhere(tmp_path):
    kpis = [kpi("H-01", level="high", parent_id=None, weight=None), kpi("L-01", parent_id=None, level="high")]
    source = write(tmp_path / "in.xlsx", kpis, monthly("L-01", [100.0] * 12),
                   [decide("H-01", "retire"), decide("L-01", "keep")])
    result = rollover(source, tmp_path / "out.xlsx")
    assert [str(w) for w in result.warnings] == [
        f"{source}:KPIs!A2: warning KPX706: the retired company KPI H-01 may have department KPIs in other "
        f"workbooks; give those a new Parent KPI ID or retire them too (rollover --departments DIR flags them in "
        f"their next workbooks)"]


def test_retiring_every_kpi_writes_an_empty_workbook(tmp_path):
    source = write(tmp_path / "in.xlsx", [kpi("S-01"), kpi("S-02")], [],
                   [decide("S-01", "retire"), decide("S-02", "retire")])
    result = rollover(source, tmp_path / "out.xlsx")
    assert read_workbook(tmp_path / "out.xlsx").kpis == []
    assert result.summary_lines() == [
        f"Rolled over {source} into {tmp_path / 'out.xlsx'}",
        "2 KPI(s): 0 kept, 0 adjusted, 2 retired, 0 without a decision (kept)",
        f"{source}:Evaluation: warning KPX707: every KPI was retired; the new workbook has no KPIs yet",
    ]
    assert validate([tmp_path / "out.xlsx"]).errors == []


def test_a_keep_with_a_new_target_warns_that_it_is_ignored(tmp_path):
    source = write(tmp_path / "in.xlsx", [kpi("S-01")], monthly("S-01", [100.0]), [decide("S-01", "keep", 1500.0)])
    result = rollover(source, tmp_path / "out.xlsx")
    assert by_id(read_workbook(tmp_path / "out.xlsx"))["S-01"].target == 1300.0
    assert (f"{source}:Evaluation!F2: warning KPX702: KPI S-01 is marked Keep, so its new target 1500 is ignored; "
            f"choose Adjust target to use it") in [str(w) for w in result.warnings]



def test_a_retire_with_a_new_target_warns_that_it_is_ignored(tmp_path):
    source = write(tmp_path / "in.xlsx", [kpi("S-01"), kpi("S-02")], monthly("S-01", [100.0]),
                   [decide("S-01", "retire", 1500.0), decide("S-02", "keep")])
    result = rollover(source, tmp_path / "out.xlsx")
    assert [k.kpi_id for k in read_workbook(tmp_path / "out.xlsx").kpis] == ["S-02"]
    assert (f"{source}:Evaluation!F2: warning KPX702: KPI S-01 is marked Retire, so its new target 1500 is ignored; "
            f"choose Adjust target to use it") in [str(w) for w in result.warnings]


# ------------------------------------------------------------------ period length (--prorate)

def test_a_shorter_period_without_prorate_is_refused_naming_the_sum_kpis(closed, tmp_path):
    message = _fails(closed, tmp_path, RolloverRefused, deadline=date(2026, 6, 30))
    assert message == (
        f"{closed}:KPIs!A2: error KPX735: KPI S-01 adds up over its period (sum): its target 1300 and baseline "
        f"1200 are for 364 days (2025-01-01 to 2025-12-31), but the new period has 180 days (2026-01-01 to "
        f"2026-06-30); run rollover with --prorate to scale them by 180/364, or give a --deadline that keeps the "
        f"period's length")


def test_prorate_scales_a_sum_kpis_amounts_by_the_day_counts(closed, tmp_path):
    result = rollover(closed, tmp_path / "h1.xlsx", deadline=date(2026, 6, 30), prorate=True)
    new = by_id(read_workbook(tmp_path / "h1.xlsx"))
    assert new["S-01"].target == pytest.approx(1300.0 * 180 / 364)
    assert new["S-01"].baseline == pytest.approx(1200.0 * 180 / 364)
    # Level KPIs (last, average) keep their numbers: they are not amounts of the period.
    assert (new["S-02"].target, new["S-04"].target, new["S-05"].target) == (0.65, 8.0, 0.80)
    assert new["S-04"].baseline == 13.0
    assert (f"{closed}:KPIs!A2: warning KPX709: KPI S-01 adds up over its period (sum): its target 1300 and "
            f"baseline 1200 for 364 days (2025-01-01 to 2025-12-31) are scaled by 180/364 to target 642.8571429 and "
            f"baseline 593.4065934 for 180 days (2026-01-01 to 2026-06-30)") in [str(w) for w in result.warnings]
    assert validate([tmp_path / "h1.xlsx"], as_of=date(2026, 1, 15)).errors == []


def test_prorate_leaves_an_adjusted_target_as_management_typed_it(tmp_path):
    source = write(tmp_path / "in.xlsx", [kpi("S-01"), kpi("S-02", parent_id=None, tolerance=50.0,
                                                           direction=core.MAINTAIN, baseline=None, target=1200.0)],
                   monthly("S-01", [100.0] * 12) + monthly("S-02", [100.0] * 12),
                   [decide("S-01", "adjust", 800.0), decide("S-02", "keep")])
    result = rollover(source, tmp_path / "out.xlsx", start=date(2026, 1, 1), deadline=date(2026, 7, 2),
                      prorate=True)
    new = by_id(read_workbook(tmp_path / "out.xlsx"))
    assert new["S-01"].target == 800.0 and new["S-01"].baseline == pytest.approx(600.0)
    assert (new["S-02"].target, new["S-02"].tolerance) == (pytest.approx(600.0), pytest.approx(25.0))
    assert [w.code for w in result.warnings] == ["KPX704", "KPX709", "KPX709"]


def test_a_year_after_a_leap_year_is_the_same_length(tmp_path):
    kpis = [kpi("S-01", start=date(2024, 1, 1), deadline=date(2024, 12, 31))]
    measurements = [MeasurementRecord("S-01", date(2024, m, 28), 100.0) for m in range(1, 13)]
    source = write(tmp_path / "in.xlsx", kpis, measurements, [decide("S-01", "keep")])
    result = rollover(source, tmp_path / "out.xlsx")
    assert by_id(read_workbook(tmp_path / "out.xlsx"))["S-01"].target == 1300.0
    assert [w.code for w in result.warnings] == []


def test_a_period_of_other_length_in_days_is_refused_too(tmp_path):
    kpis = [kpi("S-01", start=date(2025, 3, 1), deadline=date(2025, 3, 15), frequency=None)]
    source = write(tmp_path / "in.xlsx", kpis, [MeasurementRecord("S-01", date(2025, 3, 10), 500.0)],
                   [decide("S-01", "keep")])
    assert "KPX735: KPI S-01 adds up over its period (sum): its target 1300 and baseline 500 are for 14 days " \
           "(2025-03-01 to 2025-03-15), but the new period has 30 days" in \
           _fails(source, tmp_path, RolloverRefused, deadline=date(2025, 4, 15))


# ------------------------------------------------------------------ close of period

def test_a_final_actual_missing_the_last_month_warns(tmp_path):
    source = write(tmp_path / "in.xlsx", [kpi("S-01"), kpi("S-02", aggregation=core.LAST, frequency="quarterly")],
                   monthly("S-01", [100.0] * 11) + monthly("S-02", [1000.0 + i for i in range(9)]),
                   [decide("S-01", "keep"), decide("S-02", "keep")])
    result = rollover(source, tmp_path / "out.xlsx")
    assert [str(w) for w in result.warnings] == [
        f"{source}:KPIs!A2: warning KPX708: KPI S-01's final actual 1100, its new baseline, has no measurement for 1 "
        f"of 12 monthly period(s) up to 2025-12-31: 2025-12; it is the sum of the other 11; enter the missing values "
        f"and roll over again, or correct the new baseline",
        f"{source}:KPIs!A3: warning KPX708: KPI S-02's final actual 1008, its new baseline, has no measurement for 1 "
        f"of 4 quarterly period(s) up to 2025-12-31: 2025-Q4; it is the last of the other 3; enter the missing "
        f"values and roll over again, or correct the new baseline",
    ]
    assert by_id(read_workbook(tmp_path / "out.xlsx"))["S-01"].baseline == 1100.0


def test_a_complete_year_gives_no_missing_period_warning(rolled):
    result, _ = rolled
    assert "KPX708" not in [w.code for w in result.warnings]


# ------------------------------------------------------------------ the cascade (--departments)

def _cascade_inputs(tmp_path: Path) -> tuple[Path, Path]:
    """Write a management workbook (H-1 retired, H-2 re-targeted, H-3 kept) and two department workbooks."""
    high = dict(level="high", parent_id=None, department="Ledelse", weight=None, aggregation=core.LAST,
                baseline=100.0, target=200.0, frequency="yearly")
    management = write(tmp_path / "ledelse.xlsx", [kpi("H-1", name="Vækst", **high), kpi("H-2", name="Tilfredshed",
                                                   **high), kpi("H-3", name="Kvalitet", **high)],
                       [MeasurementRecord(k, date(2025, 12, 31), 150.0) for k in ("H-1", "H-2", "H-3")],
                       [decide("H-1", "retire"), decide("H-2", "adjust", 250.0), decide("H-3", "keep")],
                       language="da", department="Ledelse")
    folder = tmp_path / "afdelinger"
    folder.mkdir()
    write(folder / "salg.xlsx", [kpi("S-1", parent_id="H-1"), kpi("S-2", parent_id="h-2"), kpi("S-3", parent_id="H-3")],
          monthly("S-1", [100.0] * 12) + monthly("S-2", [100.0] * 12) + monthly("S-3", [100.0] * 12),
          [decide("S-1", "keep"), decide("S-2", "keep"), decide("S-3", "keep")], language="da", department="Salg")
    write(folder / "service.xlsx", [kpi("C-1", parent_id="H-3", department="Service")], monthly("C-1", [100.0] * 12),
          [decide("C-1", "keep")], language="en", department="Service")
    return management, folder


def test_rollover_with_departments_flags_children_in_their_next_workbooks(tmp_path):
    from kpixl.rollover import rollover_cascade

    management, folder = _cascade_inputs(tmp_path)
    hashes = {p: sha256(p) for p in [management, *folder.iterdir()]}
    result = rollover_cascade(management, tmp_path / "ledelse-2026.xlsx", folder, tmp_path / "next-dep")
    assert {p: sha256(p) for p in hashes} == hashes
    sales = read_workbook(tmp_path / "next-dep" / "salg.xlsx")
    notes = {e.kpi_id: e.notes for e in sales.evaluations}
    assert notes == {
        "S-1": "Den overordnede KPI H-1 (Vækst) blev udfaset ved virksomhedens rollover (ledelse.xlsx); giv denne KPI "
               "et andet overordnet KPI-ID, eller udfas den.",
        "S-2": "Den overordnede KPI H-2 (Tilfredshed) har fået nyt mål, 200 -> 250 (virksomhedens rollover, "
               "ledelse.xlsx); tjek at denne KPI's mål stadig understøtter det.",
        "S-3": None}
    assert all(e.decision is None for e in sales.evaluations)
    service = read_workbook(tmp_path / "next-dep" / "service.xlsx")
    assert [(e.kpi_id, e.notes) for e in service.evaluations] == [("C-1", None)]
    assert [k.kpi_id for k in read_workbook(tmp_path / "ledelse-2026.xlsx").kpis] == ["H-2", "H-3"]
    sales_in = folder / "salg.xlsx"
    assert [str(w) for w in result.warnings] == [
        f"{management}:Nøgletal!A3: warning KPX704: KPI H-2 har en ny målværdi 250 (var 200); tjek, at dens "
        f"SMART-tekster (Specifik, Opnåelig) ikke stadig nævner den gamle",
        f"{sales_in}:Nøgletal!A2: warning KPX710: KPI S-1: Den overordnede KPI H-1 (Vækst) blev udfaset ved "
        f"virksomhedens rollover (ledelse.xlsx); giv denne KPI et andet Overordnet KPI-ID, eller udfas den. Noten står "
        f"på arket Evaluering i dens næste projektmappe.",
        f"{sales_in}:Nøgletal!A3: warning KPX711: KPI S-2: Den overordnede KPI H-2 (Tilfredshed) har fået ny "
        f"målværdi, 200 -> 250 (virksomhedens rollover, ledelse.xlsx); tjek, at denne KPI's målværdi stadig "
        f"understøtter den. Noten står på arket Evaluering i dens næste projektmappe.",
    ]
    assert validate([tmp_path / "next-dep", tmp_path / "ledelse-2026.xlsx"], as_of=date(2026, 1, 15)).errors == []


def test_rollover_with_departments_writes_nothing_when_one_workbook_fails(tmp_path):
    from kpixl.rollover import rollover_cascade

    management, folder = _cascade_inputs(tmp_path)
    write(folder / "zz-bad.xlsx", [kpi("Z-1", aggregation=core.LAST, target=1234.0, parent_id="H-3")],
          monthly("Z-1", [1300.0]), [decide("Z-1", "keep")], department="Z")
    with pytest.raises(RolloverRefused) as caught:
        rollover_cascade(management, tmp_path / "ledelse-2026.xlsx", folder, tmp_path / "out")
    assert str(caught.value).startswith(f"{folder / 'zz-bad.xlsx'}:Evaluation!E2: error KPX732: KPI Z-1")
    assert not (tmp_path / "out").exists() and not (tmp_path / "ledelse-2026.xlsx").exists()


def test_rollover_with_departments_skips_the_management_workbook_in_the_folder_and_says_so(tmp_path):
    from kpixl.rollover import rollover_cascade

    management, folder = _cascade_inputs(tmp_path)
    inside = folder / "ledelse.xlsx"
    inside.write_bytes(management.read_bytes())
    (folder / "budget.csv").write_text("a;b\n", encoding="utf-8")
    result = rollover_cascade(inside, tmp_path / "ledelse-2026.xlsx", folder, tmp_path / "out")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["salg.xlsx", "service.xlsx"]
    assert [f.code for f in result.skipped] == ["KPX134", "KPX712"]
    assert str(result.skipped[1]) == (f"{inside}: warning KPX712: is the management workbook, so it is rolled over "
                                      f"once, into the management output")
    assert str(folder / "budget.csv") in str(result.skipped[0])


def test_rollover_with_departments_refuses_the_input_folder_as_output(tmp_path):
    from kpixl.rollover import rollover_cascade

    management, folder = _cascade_inputs(tmp_path)
    with pytest.raises(OutputError) as caught:
        rollover_cascade(management, tmp_path / "x.xlsx", folder, folder)
    assert str(caught.value) == (f"{folder}: is the folder of the department workbooks; give another folder for "
                                 f"their next workbooks")


def test_every_rollover_finding_has_danish_words(tmp_path):
    """Run the English cases of this module's findings through the Danish catalogue: none is left English."""
    from kpixl import danish

    source = write(tmp_path / "in.xlsx", [kpi("S-01"), kpi("S-02", aggregation=core.LAST, target=1234.0),
                                          kpi("S-03", aggregation=core.LAST, frequency="quarterly", baseline=10.0,
                                              target=20.0),
                                          kpi("S-04", direction=core.DECREASE, aggregation=core.LAST, baseline=24.0,
                                              target=8.0)],
                   monthly("S-01", [100.0] * 11) + monthly("S-02", [1300.0]) + monthly("S-04", [6.0]),
                   [decide("S-01", "keep", 1500.0), decide("S-02", None), decide("S-03", "adjust", 30.0),
                    decide("S-04", "keep")], language="da")
    with pytest.raises(RolloverRefused) as caught:
        rollover(source, tmp_path / "out.xlsx", deadline=date(2026, 6, 30))
    warnings = rollover(write(tmp_path / "ok.xlsx", [kpi("S-01"), kpi("S-03", aggregation=core.LAST, baseline=10.0,
                                                                   target=20.0)],
                              monthly("S-01", [100.0] * 11), [decide("S-01", None), decide("S-03", "adjust", 30.0)],
                              language="da"),
                        tmp_path / "ok-next.xlsx", deadline=date(2026, 6, 30), prorate=True).warnings
    findings = caught.value.findings + warnings
    assert {f.code for f in findings} >= {"KPX701", "KPX703", "KPX704", "KPX708", "KPX709", "KPX732", "KPX735"}
    english = [f for f in findings if " the " in f.message or " its " in f.message]
    assert english == []


# ------------------------------------------------------------------ the cells findings name

@pytest.mark.libreoffice
def test_evaluation_findings_name_the_cell_wherever_its_columns_are_after_a_libreoffice_save(tmp_path, monkeypatch,
                                                                                            soffice):
    """Rollover names the Decision and New target cells from the reader's column positions.

    The Evaluation table starts at D3 with its columns in another order than the
    template's; the positions hold in the file as written and after LibreOffice saves it.
    """
    import dataclasses

    import libreoffice
    import workbooks as W

    from kpixl import schema

    order = ("notes", "new_target", "kpi_id", "final_actual", "decision", "attainment", "met_target", "calc_kpi_row")
    shuffled = dataclasses.replace(schema.EVALUATION, columns=tuple(schema.EVALUATION.column(k) for k in order))
    source = tmp_path / "shuffled.xlsx"
    with monkeypatch.context() as patch:
        patch.setattr(schema, "TABLES", (schema.KPIS, schema.MEASUREMENTS, shuffled))
        layout = W.write_workbook(
            source, origin=(2, 3), kpis=[W.kpi_row("SAL-01"), W.kpi_row("SAL-02")],
            measurements=W.default_measurements(("SAL-01", "SAL-02")),
            evaluations=[W.evaluation_row("SAL-01", None), W.evaluation_row("SAL-02", "keep", 1500.0)])
    decision, new_target = layout.cell("Evaluation", 0, "decision"), layout.cell("Evaluation", 1, "new_target")
    assert (decision, new_target) == ("H4", "E5")
    saved = libreoffice.convert([source], tmp_path / "saved", soffice=soffice)[0]
    for path in (source, saved):
        assert read_workbook(path).ranges["Evaluation"] == "D3:K5"
        result = rollover(path, tmp_path / f"next-{path.parent.name}.xlsx")
        named = {w.code: (w.place.sheet, w.place.cell) for w in result.warnings}
        assert named["KPX701"] == ("Evaluation", decision), result.warnings
        assert named["KPX702"] == ("Evaluation", new_target), result.warnings


def test_the_phasing_profiles_and_a_kpis_profile_carry_over(tmp_path):
    from kpixl.model import PhasingRecord
    profiles = [PhasingRecord("Retail", (6.0, 6.0, 7.0, 7.0, 8.0, 7.0, 6.0, 7.0, 8.0, 10.0, 12.0, 16.0)),
                PhasingRecord("Flat", (1.0,) * 12)]
    kpis = [kpi("S-01", phasing="Retail"), kpi("S-03")]
    closed = write_template(tmp_path / "closed.xlsx", department="Sales", kpis=kpis,
                            measurements=monthly("S-01", [100.0] * 12), evaluations=[decide("S-01", "keep")],
                            as_of=DEADLINE, phasing=profiles)
    rollover(closed, tmp_path / "next.xlsx")
    rolled = read_workbook(tmp_path / "next.xlsx")
    assert [(p.profile, p.weights) for p in rolled.phasing] == [(p.profile, p.weights) for p in profiles]
    assert by_id(rolled)["S-01"].phasing == "Retail" and by_id(rolled)["S-01"].weights == profiles[0].weights
    assert validate([tmp_path / "next.xlsx"], as_of=date(2026, 1, 1)).errors == []
