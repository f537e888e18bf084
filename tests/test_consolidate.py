"""Test consolidation: numbers equal the core, roll-up, cross-file rules, safe text, sheets, CSV.

Most tests build department workbooks in memory (``kpixl.model`` records), so
the numbers are checked without depending on the reader; the file-level tests
at the end write real workbooks with the template and read them back.
"""

from __future__ import annotations

import csv
import hashlib
import math
import random
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
import python_calamine

from kpixl import consolidate as cons
from kpixl import core
from kpixl import vocab
from kpixl.errors import OutputError, ValidationFailed
from kpixl.model import ERROR, WARNING, DepartmentWorkbook, Finding, KpiRecord, MeasurementRecord, Place

AS_OF = date(2026, 5, 15)
DIRECTIONS = (core.INCREASE, core.DECREASE, core.MAINTAIN)
AGGREGATIONS = (core.SUM, core.AVERAGE, core.LAST, core.MIN, core.MAX)


# ----------------------------------------------------------------- builders

def _definition(rng: random.Random, direction: str) -> dict:
    if direction == core.INCREASE:
        baseline = rng.choice([None, round(rng.uniform(10, 500), 2)])
        target = (baseline or 0) + round(rng.uniform(5, 800), 2)
        return {"baseline": baseline, "target": target}
    if direction == core.DECREASE:
        baseline = round(rng.uniform(100, 900), 2)
        return {"baseline": baseline, "target": round(baseline * rng.uniform(0.2, 0.9), 2)}
    target = round(rng.uniform(10, 300), 2) * rng.choice([1, -1])
    return {"target": target, "tolerance": rng.choice([None, round(rng.uniform(1, 40), 2)])}


def _dates(rng: random.Random) -> dict:
    kind = rng.random()
    if kind < 0.2:
        return {}
    start = AS_OF - timedelta(days=rng.randint(-20, 300))  # some not started yet
    return {"start": start, "deadline": start + timedelta(days=rng.randint(60, 400))}


def _thresholds(rng: random.Random) -> dict:
    if rng.random() < 0.5:
        return {}
    amber = round(rng.uniform(0.5, 0.9), 2)
    return {"green": round(amber + rng.uniform(0, 0.1), 2), "amber": amber}


def random_company(seed: int, departments: int = 4) -> list[DepartmentWorkbook]:
    """Return seeded department workbooks: every direction and aggregation, measured and unmeasured high KPIs."""
    rng = random.Random(seed)
    names = [f"Dept {chr(65 + d)}" for d in range(departments)]
    highs = {name: [f"H{d}-{i}" for i in range(rng.randint(1, 2))] for d, name in enumerate(names)}
    all_highs = [h for ids in highs.values() for h in ids]
    books = []
    combos = [(d, a) for d in DIRECTIONS for a in AGGREGATIONS]
    for d, name in enumerate(names):
        path = f"in/{name.lower().replace(' ', '_')}.xlsx"
        book = DepartmentWorkbook(path=path, department=name)
        ids = [(h, "high") for h in highs[name]] + [(f"L{d}-{i}", "low") for i in range(rng.randint(4, 9))]
        for row, (kpi_id, level) in enumerate(ids, start=2):
            direction, aggregation = combos[(seed + d * 7 + row) % len(combos)] if rng.random() < 0.7 else (
                rng.choice(DIRECTIONS), rng.choice(AGGREGATIONS))
            record = KpiRecord(
                kpi_id=kpi_id, name=f"KPI {kpi_id}", level=level,
                parent_id=rng.choice(all_highs) if level == "low" and rng.random() < 0.85 else None,
                department=name, owner="Owner", unit="DKK", direction=direction, aggregation=aggregation,
                frequency="weekly", weight=rng.choice([None, 0.5, 2.0, 3.0]) if level == "low" else None,
                place=Place(path, "KPIs", f"A{row}"),
                **_definition(rng, direction), **_dates(rng), **_thresholds(rng))
            book.kpis.append(record)
            measured = rng.random() < (0.5 if level == "high" else 0.85)
            if not measured:
                continue
            # Within start..deadline (validate rejects others); some after AS_OF, which the window leaves out.
            first = record.start or AS_OF - timedelta(days=rng.randint(30, 400))
            weeks = rng.randint(1, 30)
            if record.deadline:
                weeks = min(weeks, (record.deadline - first).days // 7 + 1)
            centre = record.target if direction != core.DECREASE else record.baseline
            for week in range(weeks):
                value = round(abs(centre) * rng.uniform(0.0, 1.4) / (8 if aggregation == core.SUM else 1), 3)
                if direction == core.MAINTAIN:
                    value = round(record.target + rng.uniform(-50, 50), 3)
                book.measurements.append(MeasurementRecord(
                    kpi_id, first + timedelta(weeks=week), value, entered_by="staff",
                    place=Place(path, "Measurements", f"A{len(book.measurements) + 2}")))
        books.append(book)
    return books


def expected_numbers(books: list[DepartmentWorkbook], as_of: date) -> dict[str, dict]:
    """Return per KPI ID the numbers computed straight from the core (independent of consolidate)."""
    out: dict[str, dict] = {}
    records = []
    for book in books:
        series = book.measurements_by_kpi()
        for r in book.kpis:
            res = core.evaluate(r.definition(), series.get(r.kpi_id, []), as_of)
            out[r.kpi_id] = {"record": r, "result": res, "measured": r.kpi_id in series,
                             "attainment": res.attainment, "status": res.status}
            records.append(r)
    for r in records:
        if r.level != "high":
            continue
        kids = [k for k in records if k.level == "low" and k.parent_id == r.kpi_id]
        entry = out[r.kpi_id]
        entry["children"] = kids
        if kids:
            atts = [out[k.kpi_id]["result"].attainment for k in kids]
            entry["score"] = core.rollup(atts, [1.0 if k.weight is None else k.weight for k in kids])
            entry["coverage"] = sum(a is not None for a in atts) / len(kids)
        else:
            entry["score"] = entry["coverage"] = None
        if not entry["measured"] and entry["score"] is not None:
            d = r.definition()
            entry["attainment"] = entry["score"]
            entry["status"] = core.status_of(entry["score"], d.green, d.amber)
    return out


def read_table(path: Path, sheet: str) -> list[dict]:
    """Return the rows of ``sheet`` as header -> cell (openpyxl cells, to see types)."""
    wb = openpyxl.load_workbook(path, read_only=True)
    rows = list(wb[sheet].iter_rows())
    headers = [c.value for c in rows[0]]
    table = [{h: c for h, c in zip(headers, row)} for row in rows[1:]]
    wb.close()
    return table


def summary_top(sheet, language: str = "en") -> int:
    """Return the row (1-based) of the Summary's status table header: it follows the meeting's three sections."""
    department = "Department" if language == "en" else "Afdeling"
    on_track = core.word("status", core.ON_TRACK, language)
    for row in sheet.iter_rows(min_row=1, max_col=2):
        if row[0].value == department and row[1].value == on_track:
            return row[0].row
    raise AssertionError("no status table on the Summary")


def values(row: dict) -> dict:
    return {h: c.value for h, c in row.items()}


def close(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def simple_book(path: str, department: str, kpis: list[KpiRecord], measurements=(), findings=()) -> DepartmentWorkbook:
    for row, k in enumerate(kpis, start=2):
        if k.place == Place():
            k.place = Place(path, "KPIs", f"A{row}")
    return DepartmentWorkbook(path=path, department=department, kpis=list(kpis), measurements=list(measurements),
                              findings=list(findings))


def kpi(kpi_id: str, **fields) -> KpiRecord:
    base = {"name": kpi_id, "level": "low", "direction": core.INCREASE, "aggregation": core.LAST, "target": 100.0}
    base.update(fields)
    return KpiRecord(kpi_id=kpi_id, **base)


def meas(kpi_id: str, value: float, day: date = date(2026, 1, 31), note=None, by=None) -> MeasurementRecord:
    return MeasurementRecord(kpi_id, day, value, entered_by=by, note=note)


# ---------------------------------------------------------- numbers == core

@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_consolidated_numbers_equal_the_core(tmp_path, seed):
    books = random_company(seed)
    expected = expected_numbers(books, AS_OF)
    company = cons.consolidate_workbooks(books, AS_OF)
    out = tmp_path / "company.xlsx"
    cons.write_company_workbook(company, out)
    rows = {values(r)["KPI ID"]: values(r) for r in read_table(out, "KPIs")}
    assert set(rows) == set(expected)
    seen = {"directions": set(), "aggregations": set(), "high_measured": set(), "statuses": set()}
    for kpi_id, exp in expected.items():
        got, res, rec = rows[kpi_id], exp["result"], exp["record"]
        assert close(got["Actual"], res.actual), kpi_id
        assert close(got["Plan"], res.plan), kpi_id
        assert close(got["Elapsed"], res.elapsed), kpi_id
        assert close(got["Attainment"], exp["attainment"]), kpi_id
        assert close(got["Forecast"], res.forecast), kpi_id
        assert close(got["Forecast attainment"], res.forecast_attainment), kpi_id
        assert got["Status"] == exp["status"], kpi_id
        assert got["Trend"] == res.trend, kpi_id
        assert close(got["Target"], rec.target) and close(got["Baseline"], rec.baseline)
        assert close(got["Weight"], 1.0 if rec.weight is None else rec.weight)
        if rec.level == "high":
            assert close(got["Roll-up score"], exp["score"]), kpi_id
            assert close(got["Roll-up coverage"], exp["coverage"]), kpi_id
            seen["high_measured"].add(exp["measured"])
        else:
            assert got["Roll-up score"] is None
        seen["directions"].add(rec.direction)
        seen["aggregations"].add(rec.aggregation)
        seen["statuses"].add(exp["status"])
    # the generator really covers what the test claims
    assert seen["directions"] == set(DIRECTIONS) and seen["aggregations"] == set(AGGREGATIONS)
    assert len(seen["statuses"]) >= 3


def test_random_company_covers_measured_and_unmeasured_high_level_kpis():
    kinds = set()
    for seed in (1, 2, 3, 4):
        exp = expected_numbers(random_company(seed), AS_OF)
        kinds |= {(e["measured"], e["score"] is not None) for e in exp.values() if e["record"].level == "high"}
    assert {(True, True), (False, True)} <= kinds


def test_rollup_sheet_has_one_row_per_child_with_weights_and_clipped_attainment(tmp_path):
    books = random_company(7)
    expected = expected_numbers(books, AS_OF)
    company = cons.consolidate_workbooks(books, AS_OF)
    out = tmp_path / "company.xlsx"
    cons.write_company_workbook(company, out)
    rows = [values(r) for r in read_table(out, "Roll-up")]
    for high_id, exp in expected.items():
        if exp["record"].level != "high":
            continue
        mine = [r for r in rows if r["High-level KPI ID"] == high_id]
        kids = exp["children"]
        assert len(mine) == max(1, len(kids))
        assert sorted(r["Child KPI ID"] or "" for r in mine) == sorted(k.kpi_id for k in kids) or (
            not kids and mine[0]["Child KPI ID"] is None)
        for r in mine:
            assert close(r["Roll-up score"], exp["score"]) and close(r["Roll-up coverage"], exp["coverage"])
            if r["Child KPI ID"] is None:
                continue
            child_att = expected[r["Child KPI ID"]]["result"].attainment
            assert close(r["Child attainment"], child_att)
            assert close(r["Clipped attainment"], None if child_att is None else min(1.0, max(0.0, child_att)))
            w = expected[r["Child KPI ID"]]["record"].weight
            assert r["Weight"] == (1.0 if w is None else w)


def test_rollup_score_coverage_and_the_high_level_attainment_rules():
    # Children: 0.5 (w 1), 1.5 clipped to 1 (w 3), no data (w 1): score (0.5 + 3) / 4, coverage 2/3.
    hq = simple_book("hq.xlsx", "HQ", [
        kpi("H-UNMEASURED", level="high", green=0.9, amber=0.8),
        kpi("H-MEASURED", level="high"),
        kpi("H-EMPTY", level="high"),
    ], [meas("H-MEASURED", 40.0)])
    sales = simple_book("sales.xlsx", "Sales", [
        kpi("S1", parent_id="H-UNMEASURED"), kpi("S2", parent_id="H-UNMEASURED", weight=3.0),
        kpi("S3", parent_id="H-UNMEASURED"), kpi("S4", parent_id="H-MEASURED"),
    ], [meas("S1", 50.0), meas("S2", 150.0), meas("S4", 100.0)])
    company = cons.consolidate_workbooks([hq, sales], AS_OF)
    unmeasured = company.kpi("H-UNMEASURED")
    assert unmeasured.rollup_score == pytest.approx(3.5 / 4, abs=1e-12)
    assert unmeasured.rollup_coverage == pytest.approx(2 / 3, abs=1e-12)
    assert unmeasured.attainment == unmeasured.rollup_score and unmeasured.basis == "rollup"
    assert unmeasured.status == core.AT_RISK  # 0.875 with its own thresholds green 0.9 / amber 0.8
    measured = company.kpi("H-MEASURED")
    assert measured.attainment == pytest.approx(0.4) and measured.status == core.OFF_TRACK
    assert measured.rollup_score == pytest.approx(1.0) and measured.basis == "own"
    empty = company.kpi("H-EMPTY")
    assert empty.rollup_score is None and empty.rollup_coverage is None and empty.status == core.NO_DATA
    counts = company.status_counts()
    assert counts["HQ"] == {core.AT_RISK: 1, core.OFF_TRACK: 1, core.NO_DATA: 1}
    assert counts[None][core.ON_TRACK] == 2  # S2 (1.5) and S4 (1.0)


def test_summary_sheet_counts_statuses_per_department_and_company(tmp_path):
    books = random_company(5)
    expected = expected_numbers(books, AS_OF)
    company = cons.consolidate_workbooks(books, AS_OF)
    out = tmp_path / "company.xlsx"
    cons.write_company_workbook(company, out)
    wb = openpyxl.load_workbook(out)
    sheet = wb["Summary"]
    assert sheet["A2"].value == "As of" and sheet["B2"].value.date() == AS_OF
    top = summary_top(sheet)
    header = [c.value for c in sheet[top]][:7]
    assert header == ["Department", "On track", "At risk", "Off track", "Not started", "No data", "Total"]
    table = {r[0]: r[1:7] for r in sheet.iter_rows(min_row=top + 1, max_row=top + 2 + len(books), values_only=True)}
    for book in books:
        statuses = [expected[k.kpi_id]["status"] for k in book.kpis]
        assert table[book.department] == tuple(statuses.count(s) for s in cons.STATUSES) + (len(statuses),)
    # Company (high-level) and department KPIs are counted apart, never mixed in one total.
    high = [k.kpi_id for b in books for k in b.kpis if k.level == "high"]
    low = [k.kpi_id for b in books for k in b.kpis if k.level != "high"]
    assert table["Company KPIs"][-1] == len(high) and table["Department KPIs"][-1] == len(low)
    assert len(high) + len(low) == len(expected)
    assert len(sheet._charts) == 1 and wb.sheetnames == [
        "Summary", "Comments and actions", "Actions", "Restatements", "History", "KPIs", "Roll-up", "Measurements",
        "Evaluation", "Findings", "Sources"]


def test_measurements_sheet_keeps_every_row_with_its_department_source_and_cell(tmp_path):
    books = random_company(3)
    company = cons.consolidate_workbooks(books, AS_OF)
    out = tmp_path / "company.xlsx"
    cons.write_company_workbook(company, out)
    rows = [values(r) for r in read_table(out, "Measurements")]
    want = [(b.department, b.path, m.kpi_id, m.period_end, m.value, f"{m.place.sheet}!{m.place.cell}")
            for b in books for m in b.measurements]
    got = [(r["Department"], r["Source file"], r["KPI ID"], r["Period end"].date(), r["Value"], r["Origin"])
           for r in rows]
    assert [g[:4] + g[5:] for g in got] == [w[:4] + w[5:] for w in want]
    assert all(close(g[4], w[4]) for g, w in zip(got, want))


# ------------------------------------------------------------- cross-file rules

def test_duplicate_kpi_id_across_files_names_both_files():
    a = simple_book("a.xlsx", "A", [kpi("X-1")])
    b = simple_book("b.xlsx", "B", [kpi("Y-1"), kpi("x-1")])
    with pytest.raises(ValidationFailed) as caught:
        cons.consolidate_workbooks([a, b], AS_OF)
    message = str(caught.value)
    assert message.splitlines()[0] == ("1 error(s) in 1 of 2 file(s); nothing was written "
                                       "(fix them, or use --skip-invalid to leave those files out):")
    assert message.splitlines()[1] == ("  b.xlsx:KPIs!A3: error KPX601: KPI ID 'x-1' is also in a.xlsx:KPIs!A2; "
                                       "KPI IDs must be unique across the company: rename one of them")


def test_a_department_in_two_files_names_both_files():
    a = simple_book("a.xlsx", "Sales", [kpi("A-1")])
    b = simple_book("b.xlsx", " sales ", [kpi("B-1")])
    with pytest.raises(ValidationFailed) as caught:
        cons.consolidate_workbooks([a, b], AS_OF)
    assert ("  b.xlsx: error KPX603: department 'sales' is also in a.xlsx; each department belongs in one "
            "workbook: merge the two files or correct the department") in str(caught.value).splitlines()


def test_parent_that_is_no_high_level_kpi_is_an_error():
    a = simple_book("a.xlsx", "A", [kpi("A-1", level="high"), kpi("A-2")])
    b = simple_book("b.xlsx", "B", [kpi("B-1", parent_id="A-2"), kpi("B-2", parent_id="a-1")])
    with pytest.raises(ValidationFailed) as caught:
        cons.consolidate_workbooks([a, b], AS_OF)
    lines = str(caught.value).splitlines()
    assert lines[0].startswith("1 error(s) in 1 of 2 file(s)")
    assert lines[1] == ("  b.xlsx:KPIs!A2: error KPX602: parent KPI ID 'A-2' of KPI 'B-1' matches no high-level KPI "
                        "in any input (b.xlsx, a.xlsx); use the ID of a KPI with level high")


def test_failure_message_lists_the_first_errors_and_how_many_more():
    books = [simple_book(f"f{i}.xlsx", f"D{i}", [kpi("SAME")]) for i in range(14)]
    with pytest.raises(ValidationFailed) as caught:
        cons.consolidate_workbooks(books, AS_OF)
    lines = str(caught.value).splitlines()
    assert lines[0].startswith("13 error(s) in 13 of 14 file(s)")
    assert len(lines) == 1 + cons.ERRORS_SHOWN + 1
    assert lines[-1] == "  ... and 3 more"


def test_file_errors_fail_the_run_and_are_listed():
    bad = Finding("KPX100", ERROR, "the target is blank; type the value to reach", Place("bad.xlsx", "KPIs", "L2"))
    books = [simple_book("ok.xlsx", "OK", [kpi("O-1")]), simple_book("bad.xlsx", "Bad", [kpi("B-1")], findings=[bad])]
    with pytest.raises(ValidationFailed) as caught:
        cons.consolidate_workbooks(books, AS_OF)
    assert "  bad.xlsx:KPIs!L2: error KPX100: the target is blank; type the value to reach" in str(caught.value)


def test_skip_invalid_leaves_out_bad_files_and_cascades_to_orphans(tmp_path):
    bad = Finding("KPX100", ERROR, "broken", Place("hq.xlsx", "KPIs", "B2"))
    warn = Finding("KPX200", WARNING, "a row below the table", Place("ok.xlsx", "Measurements", "A9"))
    hq = simple_book("hq.xlsx", "HQ", [kpi("H-1", level="high")], findings=[bad])
    child = simple_book("child.xlsx", "Child", [kpi("C-1", parent_id="H-1")], [meas("C-1", 80.0)])
    ok = simple_book("ok.xlsx", "OK", [kpi("O-1")], [meas("O-1", 99.0)], findings=[warn])
    dup = simple_book("dup.xlsx", "Dup", [kpi("o-1")])
    fine_warn = Finding("KPX200", WARNING, "a row below the table", Place("fine.xlsx", "Measurements", "A9"))
    fine = simple_book("fine.xlsx", "Fine", [kpi("F-1")], [meas("F-1", 99.0)], findings=[fine_warn])
    company = cons.consolidate_workbooks([hq, child, ok, dup, fine], AS_OF, skip_invalid=True)
    assert [s.path for s in company.included] == ["fine.xlsx"]
    reasons = {s.path: s.reason for s in company.skipped}
    assert reasons["hq.xlsx"] == "KPIs!B2: KPX100: broken"
    assert reasons["child.xlsx"].startswith("KPIs!A2: KPX602: parent KPI ID 'H-1' of KPI 'C-1'")
    # Neither of two files claiming one KPI ID wins: both are left out, each naming the other.
    assert reasons["dup.xlsx"] == ("KPIs!A2: KPX601: KPI ID 'o-1' is also in ok.xlsx:KPIs!A2; KPI IDs must be "
                                   "unique across the company and no file is preferred, so all of them are left "
                                   "out: remove the copy or rename the KPI in one file")
    assert reasons["ok.xlsx"] == reasons["dup.xlsx"].replace("'o-1'", "'O-1'").replace("ok.xlsx", "dup.xlsx")
    out = tmp_path / "company.xlsx"
    cons.write_company_workbook(company, out)
    sources = {r["Path"]: r for r in map(values, read_table(out, "Sources"))}
    assert sources["fine.xlsx"]["Status"] == "included" and sources["fine.xlsx"]["Reason"] is None
    assert sources["hq.xlsx"]["Status"] == "skipped" and sources["hq.xlsx"]["Reason"] == reasons["hq.xlsx"]
    findings = [values(r) for r in read_table(out, "Findings")]
    assert {(f["Source file"], f["Code"], f["Severity"]) for f in findings} == {
        ("fine.xlsx", "KPX200", "warning"), ("hq.xlsx", "KPX100", "error"), ("child.xlsx", "KPX602", "error"),
        ("dup.xlsx", "KPX601", "error"), ("ok.xlsx", "KPX601", "error"), ("ok.xlsx", "KPX200", "warning")}
    assert [values(r)["KPI ID"] for r in read_table(out, "KPIs")] == ["F-1"]


@pytest.mark.parametrize("order", [0, 1])
def test_skip_invalid_prefers_no_file_of_one_department_whatever_the_order(order):
    """Issue 9 item 6: sales.xlsx and Sales-backup.XLSX both claim Sales; the file names decide nothing."""
    sales = simple_book("sales.xlsx", "Sales", [kpi("SAL-01")], [meas("SAL-01", 10.0)])
    backup = simple_book("Sales-backup.XLSX", " sales", [kpi("SAL-09")], [meas("SAL-09", 12.0)])
    other = simple_book("hr.xlsx", "HR", [kpi("HR-01")])
    books = [sales, backup, other] if order == 0 else [backup, other, sales]
    company = cons.consolidate_workbooks(books, AS_OF, skip_invalid=True)
    assert [s.path for s in company.included] == ["hr.xlsx"]
    reasons = {s.path: s.reason for s in company.skipped}
    assert reasons == {
        "sales.xlsx": "KPX603: department 'Sales' is also in Sales-backup.XLSX; each department belongs in one "
                      "workbook and no file is preferred, so all of them are left out: remove the copy, merge "
                      "the files or correct the department",
        "Sales-backup.XLSX": "KPX603: department 'sales' is also in sales.xlsx; each department belongs in one "
                             "workbook and no file is preferred, so all of them are left out: remove the copy, "
                             "merge the files or correct the department"}
    assert [k.record.kpi_id for k in company.kpis] == ["HR-01"]


def test_skip_invalid_names_every_file_that_claims_a_kpi_id():
    books = [simple_book(name, name[0].upper(), [kpi("SAME"), kpi(f"OWN-{i}")])
             for i, name in enumerate(["b.xlsx", "a.xlsx", "c.xlsx"])]
    company = cons.consolidate_workbooks(books + [simple_book("d.xlsx", "D", [kpi("D-1")])], AS_OF,
                                         skip_invalid=True)
    assert [s.path for s in company.included] == ["d.xlsx"]
    for source in company.skipped:
        (finding,) = source.errors
        others = [b.path for b in books if b.path != source.path]
        assert finding.code == "KPX601" and finding.kpi_id == "SAME"
        assert f"is also in {others[0]}:KPIs!A2, {others[1]}:KPIs!A2;" in finding.message


def test_nothing_valid_at_all_fails_even_with_skip_invalid():
    bad = Finding("KPX100", ERROR, "broken", Place("x.xlsx"))
    with pytest.raises(ValidationFailed, match=r"^no valid input among 1 file\(s\); nothing was written"):
        cons.consolidate_workbooks([simple_book("x.xlsx", "X", [kpi("X")], findings=[bad])], AS_OF,
                                   skip_invalid=True)


# --------------------------------------------------------- text stays text

NASTY = ['=HYPERLINK("http://x","y")', "+1+2", "-3", "@SUM(A1)", "\tTAB", "\rCR", "=1+1"]
# Text XlsxWriter itself would write unescaped, as rich text (kpixl.xlsx escapes it).
RICH = "<r><t>rich?</t></r>"
TALL_RICH = "<r><t>" + "a long note " * 30 + "</t></r>"


def _nasty_company():
    kpis = [kpi(f"K{i}", name=text, owner=text, unit=text) for i, text in enumerate(NASTY)]
    ms = [meas(f"K{i}", -5.0, note=text, by=text) for i, text in enumerate(NASTY)]
    return cons.consolidate_workbooks([simple_book("n.xlsx", "=Dept", kpis, ms)], AS_OF)


def calamine_table(path: Path, sheet: str) -> list[dict]:
    """Return the rows of ``sheet`` as header -> value, read by python-calamine (decodes _xHHHH_ escapes)."""
    rows = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def test_formula_like_text_is_written_as_text_in_the_workbook(tmp_path):
    out = tmp_path / "company.xlsx"
    cons.write_company_workbook(_nasty_company(), out)
    for row, text in zip(read_table(out, "KPIs"), NASTY):
        for header in ("KPI name", "Owner", "Unit", "Department"):
            assert row[header].data_type == "s"
    for row, text in zip(calamine_table(out, "KPIs"), NASTY):
        assert (row["KPI name"], row["Owner"], row["Unit"], row["Department"]) == (text, text, text, "=Dept")
    for row in read_table(out, "Measurements"):
        assert row["Note"].data_type == "s" and row["Entered by"].data_type == "s"
        assert row["Value"].data_type == "n" and row["Value"].value == -5
    for row, text in zip(calamine_table(out, "Measurements"), NASTY):
        assert row["Note"] == text and row["Entered by"] == text
    # no cell anywhere is a formula
    wb = openpyxl.load_workbook(out)
    assert not [c for ws in wb for r in ws.iter_rows() for c in r if c.data_type == "f"]


def test_text_like_rich_text_xml_is_written_as_the_text_typed(tmp_path):
    kpis = [kpi("K1", name=RICH, owner=RICH, unit=RICH)]
    ms = [meas("K1", 1.0, note=RICH, by=RICH), meas("K1", 2.0, date(2026, 2, 28), note=TALL_RICH, by=RICH)]
    company = cons.consolidate_workbooks([simple_book("n.xlsx", RICH, kpis, ms)], AS_OF)
    out = tmp_path / "company.xlsx"
    cons.write_company_workbook(company, out)
    (row,) = calamine_table(out, "KPIs")
    assert (row["KPI name"], row["Owner"], row["Unit"], row["Department"]) == (RICH,) * 4
    rows = calamine_table(out, "Measurements")
    assert [(row["Note"], row["Entered by"], row["Department"]) for row in rows] == [(RICH, RICH, RICH),
                                                                                    (TALL_RICH, RICH, RICH)]
    # The Summary and the other sheets XlsxWriter writes itself name the department too.
    summary = python_calamine.CalamineWorkbook.from_path(str(out)).get_sheet_by_name("Summary").to_python()
    assert any(RICH in map(str, line) for line in summary)


def _cells(path: Path) -> dict:
    book = openpyxl.load_workbook(path)
    return {(sheet.title, cell.coordinate): (cell.value, cell.data_type, cell.number_format, cell.font.b,
                                             cell.fill.fgColor.rgb, cell.alignment.wrap_text)
            for sheet in book for row in sheet.iter_rows() for cell in row} | {
        (sheet.title, "dimensions"): sheet.dimensions for sheet in book} | {
        (sheet.title, "heights"): {r: d.height for r, d in sheet.row_dimensions.items()} for sheet in book}


@pytest.mark.parametrize("seed", [5, 6])
def test_plain_rows_write_the_company_workbook_xlsxwriter_would_write(tmp_path, monkeypatch, seed):
    books = random_company(seed)
    books[0].measurements[0].note = "a long note " * 30  # a tall row, written by XlsxWriter among plain ones
    books[0].measurements[1].note = RICH
    books[0].measurements[2].note = TALL_RICH  # a tall row of rich-looking text: through XlsxWriter, as text
    books[0].kpis[0].unit = "%"  # its row's measures in the percent format
    company = cons.consolidate_workbooks(books, AS_OF)
    cons.write_company_workbook(company, tmp_path / "plain.xlsx")
    monkeypatch.setattr("kpixl.xlsx.PlainRows.row", lambda *args: False)  # every row through XlsxWriter
    cons.write_company_workbook(company, tmp_path / "xlsxwriter.xlsx")
    plain, own = _cells(tmp_path / "plain.xlsx"), _cells(tmp_path / "xlsxwriter.xlsx")
    assert plain.keys() == own.keys()
    assert {key: (plain[key], own[key]) for key in plain if plain[key] != own[key]} == {}
    assert RICH in {value[0] for value in plain.values() if isinstance(value, tuple)}
    assert TALL_RICH in {value[0] for value in plain.values() if isinstance(value, tuple)}


def test_formula_like_text_is_prefixed_in_csv_but_numbers_are_not(tmp_path):
    company = _nasty_company()
    cons.write_csv_table(company, "measurements", tmp_path / "m.csv")
    with open(tmp_path / "m.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["Note"] for r in rows] == ["'" + t for t in NASTY]
    assert {r["Department"] for r in rows} == {"'=Dept"}
    assert {r["Value"] for r in rows} == {"-5.0"}
    assert rows[0]["Period end"] == "2026-01-31"


def test_excel_da_csv_keeps_formula_like_text_prefixed_and_quotes_semicolons(tmp_path):
    company = _nasty_company()
    company.kpis[0].record.name = "a; b"
    cons.write_csv_table(company, "measurements", tmp_path / "m.csv", "excel-da")
    raw = (tmp_path / "m.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with open(tmp_path / "m.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    assert [r["Note"] for r in rows] == ["'" + t for t in NASTY]
    assert {r["Value"] for r in rows} == {"-5,0"} and rows[0]["Period end"] == "2026-01-31"
    cons.write_csv_table(company, "kpis", tmp_path / "k.csv", "excel-da")
    with open(tmp_path / "k.csv", encoding="utf-8-sig", newline="") as handle:
        assert next(csv.DictReader(handle, delimiter=";"))["KPI name"] == "a; b"


def test_excel_da_csv_writes_yes_no_as_danish_excel_reads_it(tmp_path):
    """A yes/no column (Incomplete) is SAND/FALSK in excel-da, which Danish Excel reads as a boolean; an English
    "False" would stay text in a Danish run. The plain dialect keeps True/False for programs."""
    company = _nasty_company()
    cons.write_csv_table(company, "kpis", tmp_path / "da.csv", "excel-da")
    cons.write_csv_table(company, "kpis", tmp_path / "plain.csv", "plain")
    with open(tmp_path / "da.csv", encoding="utf-8-sig", newline="") as handle:
        danish = list(csv.DictReader(handle, delimiter=";"))
    with open(tmp_path / "plain.csv", encoding="utf-8", newline="") as handle:
        plain = list(csv.DictReader(handle))
    assert [r["Incomplete"] for r in plain] == ["False"] * len(plain)
    assert [r["Incomplete"] for r in danish] == ["FALSK"] * len(danish)
    assert cons.csvfiles._csv_cell_da(True) == "SAND" and cons.csvfiles._csv_cell_da(1) == "1"


@pytest.mark.parametrize("number, text", [(-5.0, "-5,0"), (1234567.25, "1234567,25"), (1e-05, "0,00001"),
                                          (2.5e16, "25000000000000000"), (7, "7"), (0.1 + 0.2, "0,30000000000000004")])
def test_decimal_comma_has_no_thousands_separator_and_no_exponent(number, text):
    assert cons.decimal_comma(number) == text
    assert float(text.replace(",", ".")) == number


def test_csv_tables_hold_the_same_numbers_as_the_workbook(tmp_path):
    company = cons.consolidate_workbooks(random_company(11), AS_OF)
    out = tmp_path / "company.xlsx"
    cons.write_company_workbook(company, out)
    cons.write_csv_table(company, "kpis", tmp_path / "kpis.csv")
    with open(tmp_path / "kpis.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    sheet = [values(r) for r in read_table(out, "KPIs")]
    assert len(rows) == len(sheet)
    for c, x in zip(rows, sheet):
        for header in ("Actual", "Attainment", "Roll-up score", "Forecast"):
            assert close(float(c[header]) if c[header] else None, x[header])
        assert c["Status"] == x["Status"] and c["KPI ID"] == x["KPI ID"]


# --------------------------------------------------------- sheets and language

def test_long_tables_continue_on_numbered_sheets(tmp_path, monkeypatch):
    monkeypatch.setattr(cons.write, "MAX_SHEET_ROWS", 6)  # header + 5 rows per sheet
    books = random_company(3)
    company = cons.consolidate_workbooks(books, AS_OF)
    out = tmp_path / "company.xlsx"
    cons.write_company_workbook(company, out)
    total = company.measurement_count
    wb = openpyxl.load_workbook(out, read_only=True)
    parts = [n for n in wb.sheetnames if n == "Measurements" or n.startswith("Measurements (")]
    assert parts == ["Measurements"] + [f"Measurements ({i})" for i in range(2, len(parts) + 1)]
    assert len(parts) == math.ceil(total / 5)
    wb.close()
    got = [values(r)["KPI ID"] for p in parts for r in read_table(out, p)]
    assert got == [m.kpi_id for b in books for m in b.measurements]


def test_danish_output_has_danish_sheets_headers_and_statuses(tmp_path):
    books = random_company(2)
    company = cons.consolidate_workbooks(books, AS_OF, language="da")
    out = tmp_path / "company.xlsx"
    cons.write_company_workbook(company, out)
    wb = openpyxl.load_workbook(out, read_only=True)
    assert wb.sheetnames == ["Oversigt", "Kommentarer og handlinger", "Handlinger", "Rettelser", "Historik", "KPI'er",
                             "Oprulning", "Målinger", "Evaluering", "Fund", "Kilder"]
    wb.close()
    rows = [values(r) for r in read_table(out, "KPI'er")]
    danish = {core.word("status", s, "da") for s in cons.STATUSES}
    assert rows and all(r["Status"] in danish for r in rows)
    assert {r["Retning"] for r in rows} <= {"øge", "mindske", "fastholde"}
    english = {k.record.kpi_id: k for k in cons.consolidate_workbooks(random_company(2), AS_OF).kpis}
    for r in rows:
        assert r["Status"] == core.word("status", english[r["KPI-ID"]].status, "da")
    assert [values(r)["Status"] for r in read_table(out, "Kilder")] == ["medtaget"] * len(books)


def test_status_cells_are_coloured_by_conditional_formatting(tmp_path):
    out = tmp_path / "company.xlsx"
    cons.write_company_workbook(cons.consolidate_workbooks(random_company(1), AS_OF), out)
    sheet = openpyxl.load_workbook(out)["KPIs"]
    rules = {r.formula[0] for rng in sheet.conditional_formatting for r in rng.rules}
    assert rules == {'"On track"', '"At risk"', '"Off track"', '"Not started"', '"No data"'}
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:")



def test_every_sheet_prints_landscape_one_page_wide_with_room_for_large_numbers(tmp_path):
    out = tmp_path / "company.xlsx"
    cons.write_company_workbook(cons.consolidate_workbooks(random_company(1), AS_OF), out)
    book = openpyxl.load_workbook(out)
    for sheet in book.worksheets:
        if sheet.title in ("KPIs", "History"):
            continue  # too wide for one page at a readable size: below
        setup = sheet.page_setup
        # An absent fitToWidth/fitToHeight means 1 in OOXML.
        assert (setup.orientation, setup.paperSize, 1 if setup.fitToWidth is None else int(setup.fitToWidth)) == ("landscape", 9, 1), sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        tall = 1 if setup.fitToHeight is None else int(setup.fitToHeight)
        assert tall == 0, sheet.title  # as many pages tall as the rows need, with the header repeated
    top = summary_top(book["Summary"])
    assert book["KPIs"].print_title_rows == "$1:$1" and book["Summary"].print_title_rows == f"${top}:${top}"
    # The KPIs and History sheets print at 70% with the KPI's ID and name repeated on every page across.
    for name, columns in (("KPIs", "$A:$D"), ("History", "$A:$D")):
        sheet = book[name]
        assert sheet.page_setup.scale == 70 and not sheet.sheet_properties.pageSetUpPr.fitToPage, name
        assert sheet.print_title_cols == columns, name
    # The comments print the columns a reader needs, not the files and cells they come from.
    comments = book["Comments and actions"]
    assert comments.print_area == "'Comments and actions'!$A$1:$L$" + str(max(comments.max_row, 2))
    headers = [c.value for c in book["KPIs"][1]]
    letter = openpyxl.utils.get_column_letter(headers.index("Forecast") + 1)
    assert book["KPIs"].column_dimensions[letter].width >= 15  # 12,345,678.90 without ####


# ------------------------------------------------------------ real files

def write_files(folder: Path, books: list[DepartmentWorkbook]) -> list[Path]:
    """Write each in-memory workbook as a kpixl workbook file (tests/workbooks.py) and return the paths."""
    import workbooks as wbf

    from kpixl import schema

    folder.mkdir(exist_ok=True)
    paths = []
    for book in books:
        path = folder / Path(book.path).name
        fields = ("name", "level", "parent_id", "owner", "unit", "direction", "aggregation", "baseline", "target",
                  "tolerance", "start", "deadline", "green", "amber", "weight")
        kpis = [wbf.kpi_row(k.kpi_id, department=book.department, frequency=None,
                            **{f: getattr(k, f) for f in fields}) for k in book.kpis]
        ms = [wbf.measurement_row(m.kpi_id, m.period_end, m.value, entered_by=m.entered_by, note=m.note)
              for m in book.measurements]
        wbf.write_workbook(path, kpis=kpis, measurements=ms, evaluations=[],
                           metadata_values={schema.NAME_DEPARTMENT: book.department})
        paths.append(path)
    return paths


@pytest.fixture(scope="module")
def company_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("departments")
    books = random_company(21, departments=5)
    return folder, books, write_files(folder, books)


def test_files_consolidate_to_the_core_numbers(company_files, tmp_path):
    folder, books, paths = company_files
    out = tmp_path / "company.xlsx"
    result = cons.consolidate([folder], out, as_of=AS_OF)
    assert [s.path for s in result.company.included] == [str(p) for p in paths]
    expected = expected_numbers(books, AS_OF)
    rows = {r["KPI ID"]: r for r in calamine_table(out, "KPIs")}
    assert set(rows) == set(expected)
    for kpi_id, exp in expected.items():
        got, res = rows[kpi_id], exp["result"]
        for header, want in (("Actual", res.actual), ("Plan", res.plan), ("Attainment", exp["attainment"]),
                             ("Forecast", res.forecast), ("Forecast attainment", res.forecast_attainment),
                             ("Roll-up score", exp.get("score")), ("Roll-up coverage", exp.get("coverage"))):
            assert close(got[header] if got[header] != "" else None, want), (kpi_id, header)
        assert got["Status"] == exp["status"] and got["Trend"] == res.trend
    measurements = calamine_table(out, "Measurements")
    assert len(measurements) == sum(len(b.measurements) for b in books)
    assert measurements[0]["Origin"] == "Measurements!A2"


def test_sources_sheet_holds_size_and_sha256_of_each_file(company_files, tmp_path):
    folder, books, paths = company_files
    out = tmp_path / "company.xlsx"
    cons.consolidate(paths, out, as_of=AS_OF)
    rows = calamine_table(out, "Sources")
    assert [r["Path"] for r in rows] == [str(p) for p in paths]
    for row, path, book in zip(rows, paths, books):
        data = path.read_bytes()
        assert row["SHA-256"] == hashlib.sha256(data).hexdigest()
        assert row["Size (bytes)"] == len(data)
        assert (row["KPIs"], row["Measurements"], row["Errors"]) == (len(book.kpis), len(book.measurements), 0)
        assert row["Department"] == book.department and row["Status"] == "included"


def test_parallel_jobs_give_the_same_workbook_values(company_files, tmp_path):
    folder, _, paths = company_files
    cons.consolidate(paths, tmp_path / "one.xlsx", as_of=AS_OF, jobs=1)
    calls = []
    cons.consolidate(paths, tmp_path / "two.xlsx", as_of=AS_OF, jobs=2, progress=lambda *a: calls.append(a))
    for sheet in ("KPIs", "Roll-up", "Measurements", "Sources", "Summary"):
        assert calamine_table(tmp_path / "one.xlsx", sheet) == calamine_table(tmp_path / "two.xlsx", sheet)
    assert calls == [(i, len(paths), p.name) for i, p in enumerate(paths, start=1)]


def test_csv_folder_gets_every_table(company_files, tmp_path):
    folder, _, paths = company_files
    result = cons.consolidate(paths, tmp_path / "company.xlsx", as_of=AS_OF, csv_dir=tmp_path / "csv")
    assert sorted(p.name for p in (tmp_path / "csv").iterdir()) == sorted(cons.CSV_FILES)
    assert sorted(p.name for p in result.csv_files) == sorted(cons.CSV_FILES)
    with open(tmp_path / "csv" / "sources.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["SHA-256"] for r in rows] == [hashlib.sha256(p.read_bytes()).hexdigest() for p in paths]
    with open(tmp_path / "csv" / "summary.csv", encoding="utf-8", newline="") as handle:
        summary = list(csv.DictReader(handle))
    assert [row["Department"] for row in summary[-2:]] == ["Company KPIs", "Department KPIs"]
    assert int(summary[-2]["Total"]) + int(summary[-1]["Total"]) == len(result.company.kpis)


@pytest.mark.parametrize("exception", [RuntimeError("disk on fire"), KeyboardInterrupt()])
@pytest.mark.parametrize("step", ["_write_summary", "write_csv_table"])
def test_a_failed_run_leaves_no_file_behind(company_files, tmp_path, monkeypatch, exception, step):
    folder, _, paths = company_files
    calls = []
    module = cons.write if step == "_write_summary" else cons.command  # where the step is looked up
    real = getattr(module, step)

    def fail_on_second_call(*args, **kwargs):
        calls.append(1)
        if step == "write_csv_table" and len(calls) < 3:
            return real(*args, **kwargs)  # some CSV files are complete when the failure comes
        raise exception

    monkeypatch.setattr(module, step, fail_on_second_call)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    with pytest.raises(type(exception)):
        cons.consolidate(paths, out_dir / "company.xlsx", as_of=AS_OF, csv_dir=out_dir / "csv")
    assert list(out_dir.iterdir()) == []


def test_existing_output_is_refused_without_force_and_inputs_are_untouched(company_files, tmp_path):
    folder, _, paths = company_files
    out = tmp_path / "company.xlsx"
    out.write_bytes(b"old")
    before = [p.read_bytes() for p in paths]
    with pytest.raises(OutputError, match=r": already exists; use --force to overwrite it$"):
        cons.consolidate(paths, out, as_of=AS_OF)
    assert out.read_bytes() == b"old"
    cons.consolidate(paths, out, as_of=AS_OF, force=True)
    assert out.read_bytes()[:2] == b"PK"
    assert [p.read_bytes() for p in paths] == before
    with pytest.raises(OutputError, match="the output is also an input"):
        cons.consolidate(paths, paths[0], as_of=AS_OF, force=True)
    assert paths[0].read_bytes() == before[0]


def test_existing_csv_file_is_refused_before_any_work(company_files, tmp_path):
    folder, _, paths = company_files
    (tmp_path / "csv").mkdir()
    (tmp_path / "csv" / "kpis.csv").write_text("old")
    with pytest.raises(OutputError, match=r"kpis.csv: already exists; use --force to overwrite it$"):
        cons.consolidate(paths, tmp_path / "company.xlsx", as_of=AS_OF, csv_dir=tmp_path / "csv")
    assert not (tmp_path / "company.xlsx").exists()
    assert [p.name for p in (tmp_path / "csv").iterdir()] == ["kpis.csv"]


def test_a_broken_file_is_skipped_with_its_reason(company_files, tmp_path):
    folder, _, paths = company_files
    broken = tmp_path / "broken.xlsx"
    broken.write_text("name,value\nx,1\n")
    inputs = list(paths) + [broken]
    with pytest.raises(ValidationFailed, match=r"broken\.xlsx: error KPX"):
        cons.consolidate(inputs, tmp_path / "company.xlsx", as_of=AS_OF)
    assert not (tmp_path / "company.xlsx").exists()
    result = cons.consolidate(inputs, tmp_path / "company.xlsx", as_of=AS_OF, skip_invalid=True)
    assert [s.path for s in result.company.skipped] == [str(broken)]
    lines = result.summary_lines()
    skipped = lines.index("Skipped 1 invalid file(s):")
    assert lines[skipped + 1] == (f"  {broken}: KPX107: is a text/CSV file renamed to a workbook name, not a workbook; "
                         "open it in Excel and save it as an Excel Workbook (.xlsx)")
    sources = calamine_table(tmp_path / "company.xlsx", "Sources")
    assert sources[-1]["Status"] == "skipped" and sources[-1]["SHA-256"] == hashlib.sha256(
        broken.read_bytes()).hexdigest()


# ------------------------------------------------------------ --jobs 2 against --jobs 1

def openpyxl_sheets(path: Path) -> dict[str, list[tuple]]:
    """Return every sheet of ``path`` as rows of values (openpyxl), sheet order kept."""
    wb = openpyxl.load_workbook(path, read_only=True)
    sheets = {ws.title: [tuple(row) for row in ws.iter_rows(values_only=True)] for ws in wb}
    wb.close()
    return sheets


def _spy_writer(monkeypatch) -> list[bool]:
    """Record what _CompanyWriter.fits answered: True means the streamed (--jobs) workbook was finished."""
    answers: list[bool] = []
    real = cons.write._CompanyWriter.fits

    def fits(self, company):
        answers.append(real(self, company))
        return answers[-1]

    monkeypatch.setattr(cons.write._CompanyWriter, "fits", fits)
    return answers


def _both_jobs(paths, tmp_path, monkeypatch, **options) -> tuple[dict, dict, list[bool], object]:
    one = cons.consolidate(paths, tmp_path / "one.xlsx", as_of=AS_OF, jobs=1, **options)
    answers = _spy_writer(monkeypatch)
    two = cons.consolidate(paths, tmp_path / "two.xlsx", as_of=AS_OF, jobs=2, **options)
    assert [s.path for s in one.company.skipped] == [s.path for s in two.company.skipped]
    return openpyxl_sheets(tmp_path / "one.xlsx"), openpyxl_sheets(tmp_path / "two.xlsx"), answers, two


def test_jobs_two_streams_the_same_workbook_as_jobs_one(company_files, tmp_path, monkeypatch):
    folder, books, paths = company_files
    one, two, answers, _ = _both_jobs(paths, tmp_path, monkeypatch)
    assert answers == [True]  # the streamed workbook was the one written
    assert list(one) == list(two) == ["Summary", "Comments and actions", "Actions", "Restatements", "History", "KPIs",
                                      "Roll-up", "Measurements", "Evaluation", "Findings", "Sources"]
    for sheet in ("KPIs", "Measurements", "Sources"):
        assert one[sheet] == two[sheet], sheet
    assert len(two["Measurements"]) - 1 == sum(len(b.measurements) for b in books)
    assert [row[0] for row in two["Sources"][1:]] == [str(p) for p in paths]


def test_jobs_two_with_skip_invalid_rewrites_the_partial_workbook(company_files, tmp_path, monkeypatch):
    import workbooks as wbf

    folder, books, paths = company_files
    broken = tmp_path / "broken.xlsx"
    broken.write_text("name,value\nx,1\n")
    # Reads cleanly (so its rows are streamed) but repeats a KPI ID of another file: skipped by a cross-file
    # rule, and so is the file it clashes with (neither is preferred); no other file loses a parent.
    clash, twin = tmp_path / "clash.xlsx", tmp_path / "twin.xlsx"
    for path in (clash, twin):
        wbf.write_workbook(path, kpis=[wbf.kpi_row("TWIN-1", department=path.stem, frequency=None)],
                           measurements=[wbf.measurement_row("TWIN-1", date(2026, 1, 31), 5.0)],
                           evaluations=[], metadata_values={"kpixl_department": path.stem})
    for inputs in ([paths[0], clash, twin] + list(paths[1:]), [paths[0], paths[1], broken] + list(paths[2:])):
        out = tmp_path / inputs[1].stem
        out.mkdir()
        monkeypatch.undo()
        one, two, answers, result = _both_jobs(inputs, out, monkeypatch, skip_invalid=True)
        skipped = [s.path for s in result.company.skipped]
        assert skipped == ([str(clash), str(twin)] if clash in inputs else [str(broken)])
        assert answers == [False]  # the streamed rows held a skipped file: the workbook was rewritten
        assert list(one) == list(two)
        for sheet in ("KPIs", "Measurements", "Sources"):
            assert one[sheet] == two[sheet], sheet
        assert not any(row[1] in skipped for row in two["Measurements"][1:])
        assert len(two["Measurements"]) - 1 == sum(len(b.measurements) for b in books)
        sources = {row[0]: row for row in two["Sources"][1:]}
        headers = two["Sources"][0]
        assert sources[skipped[0]][headers.index("Status")] == "skipped"


@pytest.mark.parametrize("kpis_overflow", [False, True])
def test_jobs_two_continuation_sheets_match_jobs_one(company_files, tmp_path, monkeypatch, kpis_overflow):
    folder, books, paths = company_files
    kpi_count = sum(len(b.kpis) for b in books)
    measurement_count = sum(len(b.measurements) for b in books)
    # The limit is read by this process, which writes the workbook (children only read the inputs).
    limit = 7 if kpis_overflow else 2 * kpi_count + 3
    assert measurement_count > 2 * (limit - 1)  # at least three Measurements sheets
    monkeypatch.setattr(cons.write, "MAX_SHEET_ROWS", limit)
    one, two, answers, _ = _both_jobs(paths, tmp_path, monkeypatch)
    assert answers == [not kpis_overflow]  # streamed when KPIs fit one sheet, rewritten otherwise
    assert list(one) == list(two)
    parts = [n for n in two if n == "Measurements" or n.startswith("Measurements (")]
    assert parts == ["Measurements"] + [f"Measurements ({i})" for i in range(2, len(parts) + 1)]
    assert len(parts) == math.ceil(measurement_count / (limit - 1))
    assert all(len(two[p]) <= limit for p in parts)
    for sheet in two:
        assert one[sheet] == two[sheet], sheet
    kpi_parts = [n for n in two if n == "KPIs" or n.startswith("KPIs (")]
    assert len(kpi_parts) == (math.ceil(kpi_count / (limit - 1)) if kpis_overflow else 1)
    assert [r[0] for p in parts for r in two[p][1:]] == [b.department for b in books for _ in b.measurements]


# ------------------------------------------------- a company workbook that reads well

def test_kpis_sheet_shows_the_last_measurement_counted_as_of_the_date(tmp_path):
    """Issue 9 item 3: the latest period end counted as of the as-of date, so a stale department shows."""
    kpis = [kpi("A-1", start=date(2026, 1, 1)), kpi("A-2"), kpi("A-3")]
    ms = [meas("A-1", 5.0, date(2026, 2, 28)), meas("A-1", 6.0, date(2026, 3, 31)),
          meas("A-1", 7.0, AS_OF + timedelta(days=16)),  # after the as-of date: not counted
          meas("A-2", 1.0, date(2025, 12, 31)), meas("A-2", 2.0, date(2025, 11, 30))]
    company = cons.consolidate_workbooks([simple_book("a.xlsx", "A", kpis, ms)], AS_OF)
    out = tmp_path / "company.xlsx"
    cons.write_company_workbook(company, out)
    rows = {r["KPI ID"]: r for r in map(values, read_table(out, "KPIs"))}
    assert rows["A-1"]["Last measurement"].date() == date(2026, 3, 31)
    assert rows["A-2"]["Last measurement"].date() == date(2025, 12, 31)
    assert rows["A-3"]["Last measurement"] is None
    assert openpyxl.load_workbook(out)["KPIs"]["A2"].offset(0, list(rows["A-1"]).index(
        "Last measurement")).number_format == "yyyy-mm-dd"
    cons.write_csv_table(company, "kpis", tmp_path / "k.csv")
    with open(tmp_path / "k.csv", encoding="utf-8", newline="") as handle:
        assert [r["Last measurement"] for r in csv.DictReader(handle)] == ["2026-03-31", "2025-12-31", ""]


def test_percent_kpis_are_shown_in_percent_and_others_as_numbers(tmp_path):
    year = {"start": date(2026, 1, 1), "deadline": date(2026, 12, 31)}
    kpis = [kpi("P-1", unit="%", target=0.25, baseline=0.1, **year), kpi("P-2", unit=" Procent "),
            kpi("N-1", unit="DKK", target=1000.0, baseline=10.0, **year)]
    ms = [meas("P-1", 0.2), meas("P-1", 0.22, date(2026, 2, 28)), meas("P-2", 0.5), meas("N-1", 500.0),
          meas("N-1", 600.0, date(2026, 2, 28))]
    out = tmp_path / "company.xlsx"
    cons.write_company_workbook(cons.consolidate_workbooks([simple_book("a.xlsx", "A", kpis, ms)], AS_OF), out)
    sheet = openpyxl.load_workbook(out)["KPIs"]
    headers = [c.value for c in sheet[1]]
    shown = ("Baseline", "Target", "Actual", "Plan", "Forecast")
    formats = {sheet.cell(r, 3).value: {h: sheet.cell(r, headers.index(h) + 1) for h in shown} for r in (2, 3, 4)}
    assert all(formats["P-1"][h].value is not None for h in shown)
    assert {h: c.number_format for h, c in formats["P-1"].items()} == dict.fromkeys(shown, "0.0%")
    assert formats["P-2"]["Actual"].number_format == "0.0%"
    assert {h: c.number_format for h, c in formats["N-1"].items()} == dict.fromkeys(shown, "#,##0.00##")
    assert vocab.is_percent_unit("pct.") and not vocab.is_percent_unit("DKK") and not vocab.is_percent_unit(None)


def test_columns_are_as_wide_as_the_file_names_they_hold(tmp_path):
    path = "regions/north/department-of-customer-success-and-onboarding-2026-final.xlsx"
    warning = Finding("KPX200", WARNING, "a row below the table", Place(path, "Measurements", "A9"))
    company = cons.consolidate_workbooks([simple_book(path, "Customer success", [kpi("C-1")], [meas("C-1", 1.0)],
                                                      [warning])], AS_OF)
    out = tmp_path / "company.xlsx"
    cons.write_company_workbook(company, out)
    book = openpyxl.load_workbook(out)
    for sheet, header in (("KPIs", "Source file"), ("Measurements", "Source file"), ("Sources", "Path"),
                          ("Findings", "Source file")):
        headers = [c.value for c in book[sheet][1]]
        letter = openpyxl.utils.get_column_letter(headers.index(header) + 1)
        assert book[sheet].column_dimensions[letter].width >= len(path), sheet


def test_headers_sit_above_their_numbers_in_the_template_palette(tmp_path):
    from kpixl import template

    out = tmp_path / "company.xlsx"
    cons.write_company_workbook(cons.consolidate_workbooks(random_company(1), AS_OF), out)
    book = openpyxl.load_workbook(out)
    summary = book["Summary"]
    assert [c.alignment.horizontal for c in summary[summary_top(summary)]][:7] == [None] + ["right"] * 6
    kpis = book["KPIs"]
    aligned = {c.value: c.alignment.horizontal for c in kpis[1]}
    assert aligned["KPI name"] is None and aligned["Actual"] == aligned["Attainment"] == "right"
    assert kpis["A1"].fill.fgColor.rgb == "FF" + template.HEADER_FILL.lstrip("#")
    fills = {rule.formula[0].strip('"'): rule.dxf.fill.bgColor.rgb
             for rng in kpis.conditional_formatting for rule in rng.rules}
    assert fills == {core.word("status", s): "FF" + template.STATUS_COLOURS[s][0].lstrip("#")
                     for s in cons.STATUSES}


def _summary_company(departments: int) -> cons.Consolidation:
    books = []
    for d in range(departments):
        # Department d has d % 7 KPIs off track (target 100, actual 10) and 3 on track.
        ks = [kpi(f"D{d}-OFF{i}") for i in range(d % 7)] + [kpi(f"D{d}-ON{i}") for i in range(3)]
        ms = [meas(k.kpi_id, 10.0 if "OFF" in k.kpi_id else 200.0) for k in ks]
        books.append(simple_book(f"d{d:03}.xlsx", f"Dept {d:03}", ks, ms))
    return cons.consolidate_workbooks(books, AS_OF)


def test_summary_lists_departments_worst_first_and_charts_the_worst_fifteen(tmp_path):
    import zipfile

    company = _summary_company(200)
    out = tmp_path / "company.xlsx"
    cons.write_company_workbook(company, out)
    sheet = openpyxl.load_workbook(out)["Summary"]
    top = summary_top(sheet)
    rows = list(sheet.iter_rows(min_row=top + 1, max_row=top + 202, max_col=7, values_only=True))
    assert len(rows) == 202 and [r[0] for r in rows[-2:]] == ["Company KPIs", "Department KPIs"]
    assert rows[-2][-1] + rows[-1][-1] == sum(r[-1] for r in rows[:-2])
    rows = rows[:-1]
    shares = [r[3] / r[-1] for r in rows[:-1]]
    assert shares == sorted(shares, reverse=True) and shares[0] == 6 / 9 and shares[-1] == 0
    # Ties (same share) in name order.
    assert [r[0] for r in rows[:3]] == ["Dept 006", "Dept 013", "Dept 020"]
    assert sheet[f"A{top - 1}"].value == "Worst first: by share of Off track, then At risk, then No data KPIs"
    assert "The chart shows the 15 worst of 200 departments; the table lists all." in [
        c.value for row in sheet.iter_rows(min_row=top - 1, max_row=top - 1) for c in row]
    with zipfile.ZipFile(out) as z:
        chart = z.read("xl/charts/chart1.xml").decode()
    assert f"<c:f>Summary!$A${top + 1}:$A${top + 15}</c:f>" in chart and f"$A${top + 16}" not in chart
    assert chart.count("<c:ser>") == len(cons.STATUSES)


def test_summary_with_few_departments_charts_them_all_without_a_note(tmp_path):
    import zipfile

    out = tmp_path / "company.xlsx"
    cons.write_company_workbook(_summary_company(4), out)
    sheet = openpyxl.load_workbook(out)["Summary"]
    top = summary_top(sheet)
    with zipfile.ZipFile(out) as z:
        chart = z.read("xl/charts/chart1.xml").decode()
    assert f"<c:f>Summary!$A${top + 1}:$A${top + 4}</c:f>" in chart
    # Counts of KPIs: whole numbers on the axis, never 0.5 steps.
    assert '<c:numFmt formatCode="0" sourceLinked="0"/>' in chart and '<c:majorUnit val="1"/>' in chart
    assert not [c.value for c in sheet[top - 1] if c.value and "chart" in str(c.value)]


def test_extra_columns_are_a_union_blank_where_a_department_lacks_them(tmp_path):
    a = simple_book("a.xlsx", "A", [kpi("A-1", extra={"Region": "North"})],
                    [MeasurementRecord("A-1", date(2026, 1, 31), 1.0, extra={"Region": "North"})])
    b = simple_book("b.xlsx", "B", [kpi("B-1", extra={"region ": "South", "Cost centre": 12.0})],
                    [MeasurementRecord("B-1", date(2026, 1, 31), 2.0, extra={"Department": "Ops"})])
    company = cons.consolidate_workbooks([a, b], AS_OF)
    assert company.extra_columns("kpis") == [("region", "Region"), ("cost centre", "Cost centre")]
    # An extra header equal to one of the table's own is told apart.
    assert [c.header("en") for c in company.columns("measurements")][-2:] == ["Region", "Department (extra)"]
    assert company.renamed_extra_columns() == [("measurements", "Department", "Department (extra)")]
    assert cons.tables.say("extra_renamed", "da", header="Department", renamed="Department (ekstra)",
                           sheet=cons.tables.sheet_name("measurements", "da")) == (
        "Afdelingernes ekstra kolonne 'Department' hedder 'Department (ekstra)' på koncernprojektmappens ark "
        f"{cons.tables.sheet_name('measurements', 'da')}, som selv har en kolonne Department")
    out = tmp_path / "company.xlsx"
    cons.write_company_workbook(company, out)
    kpis = [values(r) for r in read_table(out, "KPIs")]
    assert [(r["Region"], r["Cost centre"]) for r in kpis] == [("North", None), ("South", 12.0)]
    ms = [values(r) for r in read_table(out, "Measurements")]
    assert [(r["Region"], r["Department (extra)"], r["Department"]) for r in ms] == [("North", None, "A"),
                                                                                     (None, "Ops", "B")]


def test_measurement_origins_are_packed_as_one_column_s_rows_only_when_they_print_back_the_same():
    """kpixl.refs.split_cell decides: Measurements!A2, A3 pack to rows 2, 3; a $A$4 keeps every origin as it was."""
    from kpixl.consolidate.load import MeasurementRows
    from kpixl.model import MeasurementRecord, Place

    def rows(*cells):
        return MeasurementRows([MeasurementRecord(kpi_id="K", period_end=date(2026, 1, 31), value=1.0,
                                                  place=Place("d.xlsx", "Measurements", cell)) for cell in cells])

    packed = rows("A2", "A3", "A10")
    assert (packed.prefix, list(packed.rows), packed.origins) == ("Measurements!A", [2, 3, 10], None)
    assert [origin for *_, origin in packed] == ["Measurements!A2", "Measurements!A3", "Measurements!A10"]
    for cells in (("A2", "$A$4"), ("A2", "B3"), ("A2", "A03")):
        kept = rows(*cells)
        assert kept.prefix is None and [origin for *_, origin in kept] == [f"Measurements!{c}" for c in cells]


# ---------------------------------------------------------- layering (issue 21)

def _kpixl_imports(path) -> list[tuple[str, bool]]:
    """Return (imported kpixl module, at module level?) of each import in ``path`` (TYPE_CHECKING ones included)."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = {id(node) for node in tree.body}
    top |= {id(inner) for node in tree.body if isinstance(node, ast.If) for inner in node.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("kpixl"):
            names = [f"{node.module}.{alias.name}" for alias in node.names] + [node.module]
            found += [(name, id(node) in top) for name in names]
        elif isinstance(node, ast.Import):
            found += [(alias.name, id(node) in top) for alias in node.names if alias.name.startswith("kpixl")]
    return found


def test_the_consolidate_package_has_no_import_circle_and_no_import_inside_a_function():
    from pathlib import Path

    folder = Path(cons.__file__).parent
    modules = {f"kpixl.consolidate.{path.stem}": path for path in folder.glob("*.py") if path.stem != "__init__"}
    inside = [(name, imported) for name, path in modules.items() for imported, at_top in _kpixl_imports(path)
              if not at_top]
    assert inside == []
    graph = {name: {imported for imported, _ in _kpixl_imports(path) if imported in modules and imported != name}
             for name, path in modules.items()}
    # Each module's imports reach back to it through no chain (depth-first search for a cycle).
    for start in graph:
        seen, stack = set(), list(graph[start])
        while stack:
            module = stack.pop()
            assert module != start, f"{start} imports itself through {sorted(seen)}"
            if module not in seen:
                seen.add(module)
                stack.extend(graph[module])
