"""Test kpixl.consolidate.history: every month-end equals the core as of that date, roll-up per date, changes, sheets, table.

The random KPIs cover every direction and aggregation (hypothesis draws them), with
ties on a period end, measurements before the start and after the as-of date.
"""

from __future__ import annotations

from datetime import date, timedelta

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpixl import consolidate as cons
from kpixl import core
from kpixl.consolidate import history, history_out
from kpixl.errors import DefinitionError
from kpixl.xlsx import STATUS_COLOURS
from kpixl.vocab import kpi_key
from kpixl.model import DepartmentWorkbook, KpiRecord, MeasurementRecord, Place

from test_consolidate import AGGREGATIONS, DIRECTIONS, expected_numbers, kpi, meas, random_company, simple_book

AS_OF = date(2026, 5, 15)


# ------------------------------------------------------------------ dates

def test_month_ends_run_from_the_first_month_to_the_as_of_date():
    assert history.month_ends(date(2026, 1, 6), date(2026, 4, 15)) == [
        date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 15)]
    assert history.month_ends(date(2023, 12, 31), date(2024, 3, 31)) == [
        date(2023, 12, 31), date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31)]
    assert history.month_ends(date(2026, 4, 15), date(2026, 4, 15)) == [date(2026, 4, 15)]
    assert history.previous_month_end(date(2026, 3, 31)) == date(2026, 2, 28)
    assert history.previous_month_end(date(2026, 1, 1)) == date(2025, 12, 31)


# ------------------------------------------------------------------ history == core

def _assert_points_equal_the_core(books: list[DepartmentWorkbook], as_of: date, since: date | None = None) -> None:
    company = cons.consolidate_workbooks(books, as_of)
    company.since = since
    hist = company.history
    assert hist.dates[-1] == as_of and hist.dates == sorted(hist.dates)
    days = hist.dates + [hist.since]
    series = {}
    for book in books:
        series.update(book.measurements_by_kpi())
    for index, line in enumerate(hist.lines):
        for day in days:
            point = hist.at(index, day)
            expected = expected_numbers(books, day)[line.record.kpi_id]
            own = expected["result"]
            # Exactly the core's numbers (same window, same fsum), not merely close.
            assert point.actual == own.actual, (line.record.kpi_id, day)
            assert point.plan == own.plan, (line.record.kpi_id, day)
            assert point.attainment == expected["attainment"], (line.record.kpi_id, day)
            assert point.status == expected["status"], (line.record.kpi_id, day)
            assert point.rollup_score == expected.get("score"), (line.record.kpi_id, day)
        # The as-of column is the KPIs sheet's.
        last = hist.at(index, as_of)
        assert (last.attainment, last.status, last.rollup_score) == (line.attainment, line.status, line.rollup_score)


@pytest.mark.parametrize("seed", [1, 2, 3, 5, 8])
def test_history_equals_the_core_as_of_each_month_end(seed):
    _assert_points_equal_the_core(random_company(seed), AS_OF)


_VALUES = st.one_of(st.integers(-50, 400).map(float), st.floats(-1e4, 1e4, allow_nan=False, allow_infinity=False))


@st.composite
def kpi_case(draw):
    """Draw one valid KPI of any direction and aggregation with measurements around its window."""
    direction = draw(st.sampled_from(DIRECTIONS))
    aggregation = draw(st.sampled_from(AGGREGATIONS))
    fields: dict = {"direction": direction, "aggregation": aggregation}
    if direction == core.INCREASE:
        baseline = draw(st.one_of(st.none(), st.integers(0, 200).map(float)))
        fields.update(baseline=baseline, target=(baseline or 0) + draw(st.integers(1, 500)))
    elif direction == core.DECREASE:
        baseline = float(draw(st.integers(10, 500)))
        fields.update(baseline=baseline, target=baseline - draw(st.integers(1, int(baseline))))
    else:
        fields.update(target=float(draw(st.integers(-300, 300).filter(bool))),
                      tolerance=draw(st.one_of(st.none(), st.integers(1, 50).map(float))))
    if draw(st.booleans()):
        start = date(2025, 10, 1) + timedelta(days=draw(st.integers(0, 250)))
        fields.update(start=start, deadline=start + timedelta(days=draw(st.integers(1, 400))))
    if draw(st.booleans()):
        amber = draw(st.sampled_from([0.5, 0.7, 0.85, 0.9]))
        fields.update(amber=amber, green=amber + draw(st.sampled_from([0.0, 0.05, 0.1])))
    days = draw(st.lists(st.integers(-120, 330), max_size=25))  # around the start, some after the as-of date
    values = draw(st.lists(_VALUES, min_size=len(days), max_size=len(days)))
    return fields, [(date(2025, 10, 1) + timedelta(days=d), v) for d, v in zip(days, values)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases=st.lists(kpi_case(), min_size=1, max_size=6), since_days=st.integers(1, 200))
def test_history_equals_the_core_for_random_kpis(cases, since_days):
    book = DepartmentWorkbook(path="in/a.xlsx", department="A")
    book.kpis.append(kpi("H-1", level="high"))  # rolls the others up, unmeasured
    for i, (fields, points) in enumerate(cases):
        kpi_id = f"K-{i}"
        book.kpis.append(kpi(kpi_id, parent_id="H-1", weight=float(i % 3), place=Place("in/a.xlsx", "KPIs",
                                                                                       f"A{i + 3}"), **fields))
        book.measurements.extend(MeasurementRecord(kpi_id, d, v) for d, v in points)
    as_of = date(2026, 6, 20)
    _assert_points_equal_the_core([book], as_of, as_of - timedelta(days=since_days))


def test_same_period_end_keeps_the_input_order_for_last():
    book = simple_book("in/a.xlsx", "A", [kpi("A-1", aggregation=core.LAST)],
                       [meas("A-1", 70.0, date(2026, 2, 28)), meas("A-1", 90.0, date(2026, 1, 31)),
                        meas("A-1", 60.0, date(2026, 2, 28))])
    company = cons.consolidate_workbooks([book], date(2026, 3, 10))
    hist = company.history
    assert [hist.at(0, d).actual for d in hist.dates] == [90.0, 60.0, 60.0]


def test_a_kpi_without_numbers_has_no_history():
    # valid=False: the reader found its numbers meaningless (its finding is the file's).
    book = simple_book("in/a.xlsx", "A", [kpi("A-1", start=date(2026, 1, 1), valid=False), kpi("A-2")],
                       [meas("A-1", 1.0), meas("A-2", 50.0)])
    company = cons.consolidate_workbooks([book], AS_OF)
    hist = company.history
    assert all(hist.at(0, d) == history.Point(None, None, None, core.NO_DATA) for d in hist.dates)
    assert hist.at(1, AS_OF).attainment == 0.5


# ------------------------------------------------------------------ changes

def _change_company() -> cons.Consolidation:
    """Two departments; as of 2026-03-15 against 2026-02-28 (last, target 100, green .95, amber .85)."""
    jan, feb, mar = date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 10)
    sales = simple_book("in/s.xlsx", "Sales", [
        kpi("S-1", name="Worse to off track"), kpi("S-2", name="Better to on track"),
        kpi("S-3", name="Unchanged"), kpi("S-4", name="Worse to at risk")],
        [meas("S-1", 96.0, feb), meas("S-1", 10.0, mar), meas("S-2", 50.0, feb), meas("S-2", 99.0, mar),
         meas("S-3", 96.0, jan), meas("S-3", 97.0, mar), meas("S-4", 96.0, feb), meas("S-4", 90.0, mar)])
    support = simple_book("in/c.xlsx", "Support", [
        kpi("C-1", name="At risk to off track"), kpi("C-2", name="No data to at risk")],
        [meas("C-1", 90.0, feb), meas("C-1", 50.0, mar), meas("C-2", 88.0, mar)])
    return cons.consolidate_workbooks([sales, support], date(2026, 3, 15))


def test_changes_list_status_moves_worst_first_with_counts_per_department():
    company = _change_company()
    hist = company.history
    assert hist.since == date(2026, 2, 28)
    moves = [(c.line.record.kpi_id, c.before.status, c.after.status, c.direction) for c in hist.changes()]
    assert moves == [
        ("S-1", core.ON_TRACK, core.OFF_TRACK, history.WORSE),  # worst now, and from the best
        ("C-1", core.AT_RISK, core.OFF_TRACK, history.WORSE),
        ("S-4", core.ON_TRACK, core.AT_RISK, history.WORSE),
        ("C-2", core.NO_DATA, core.AT_RISK, history.WORSE),
        ("S-2", core.OFF_TRACK, core.ON_TRACK, history.BETTER),
    ]
    assert hist.change_counts() == [("Sales", 3, 2, 1), ("Support", 2, 2, 0), (None, 5, 4, 1)]
    rows = list(company.rows("changes"))
    assert rows[0] == ("Sales", "S-1", "Worse to off track", date(2026, 2, 28), "On track", 0.96,
                       date(2026, 3, 15), "Off track", 0.1, "Worse", False)  # False: not incomplete


def test_since_moves_the_comparison_date():
    company = _change_company()
    company.since = date(2026, 1, 31)
    moves = {c.line.record.kpi_id: (c.before.status, c.after.status) for c in company.history.changes()}
    assert moves["S-3"] == (core.ON_TRACK, core.ON_TRACK) if "S-3" in moves else "S-3" not in moves
    assert moves["S-1"] == (core.NO_DATA, core.OFF_TRACK)
    assert company.history.since == date(2026, 1, 31)


def test_since_must_be_before_the_as_of_date():
    company = _change_company()
    company.since = date(2026, 3, 15)
    with pytest.raises(DefinitionError, match=r"the comparison date 2026-03-15 is not before the as-of date "
                                              r"2026-03-15; give an earlier --since"):
        _ = company.history


# ------------------------------------------------------------------ the workbook

def _same(written, computed) -> bool:
    """Return True when a number read back is the computed one (XlsxWriter writes 16 significant digits)."""
    if computed is None:
        return written is None
    return written == pytest.approx(computed, rel=1e-15)


def _fill(cell) -> str:
    return (cell.fill.fgColor.rgb or "")[-6:].upper()


def test_history_sheet_shows_attainment_per_month_end_coloured_by_status(tmp_path):
    books = random_company(3)
    company = cons.consolidate_workbooks(books, AS_OF)
    out = tmp_path / "company.xlsx"
    cons.write_company_workbook(company, out)
    wb = openpyxl.load_workbook(out)
    assert "History" in wb.sheetnames
    ws = wb["History"]
    hist = company.history
    header = [c.value for c in ws[4]]
    assert header[:4] == ["Department", "KPI ID", "KPI name", "Roll-up now"]
    assert [h.date() for h in header[4:]] == hist.dates
    assert hist.dates[0] == history.month_ends(min(k.start for b in books for k in b.kpis if k.start), AS_OF)[0]
    colours = {s: fill[1:] for s, (fill, _) in STATUS_COLOURS.items()}
    rows = ws.iter_rows(min_row=5, values_only=False)
    # Company KPIs first; one row each, a company KPI's roll-up now beside its own attainment.
    assert [line.is_high for line in hist.lines] == sorted((line.is_high for line in hist.lines), reverse=True)
    for index, line in enumerate(hist.lines):
        row = next(rows)
        assert [c.value for c in row[:3]] == [line.department, line.record.kpi_id, line.record.name]
        rolled = line.is_high and company.children.get(kpi_key(line.record.kpi_id))
        assert _same(row[3].value, line.rollup_score if rolled else None)
        for cell, day in zip(row[4:], hist.dates):
            point = hist.at(index, day)
            assert _same(cell.value, point.attainment)
            assert _fill(cell) == colours[point.status]
            if point.attainment is not None:
                assert cell.number_format == "0.0%"
    assert next(rows, None) is None


def test_summary_sheet_lists_the_changes_below_the_chart(tmp_path):
    company = _change_company()
    out = tmp_path / "company.xlsx"
    cons.write_company_workbook(company, out)
    ws = openpyxl.load_workbook(out)["Summary"]
    cells = list(ws.iter_rows(values_only=True))
    title = next(i for i, row in enumerate(cells) if row[0] == "Status changes since 2026-02-28")
    chart = ws._charts[0].anchor
    assert chart._from.col > 6  # the chart is beside the Summary's table ...
    assert title > chart.to.row  # ... and the changes, as wide as the chart is far, start below it
    assert cells[title + 2][:4] == ("Department", "Changed", "Worse", "Better")
    assert [r[:4] for r in cells[title + 3:title + 6]] == [("Sales", 3, 2, 1), ("Support", 2, 2, 0),
                                                           ("Company", 5, 4, 1)]
    head = cells[title + 7]
    assert head[:7] == ("Department", "KPI ID", "Status 2026-02-28", "Status 2026-03-15", "Attainment 2026-02-28",
                        "Attainment 2026-03-15", "KPI name")
    listed = [(r[1], r[2], r[3]) for r in cells[title + 8:title + 13]]
    assert listed[0] == ("S-1", "On track", "Off track") and listed[-1] == ("S-2", "Off track", "On track")


@pytest.mark.parametrize("departments", [1, 14, 20])
def test_the_changes_start_below_both_the_summary_table_and_its_chart(tmp_path, departments):
    """A few departments: the chart reaches lower than the table; many: the table reaches lower than the chart."""
    books = [simple_book(f"in/d{d}.xlsx", f"Dept {d:02}", [kpi(f"D{d}-1")],
                         [meas(f"D{d}-1", 96.0, date(2026, 2, 28)), meas(f"D{d}-1", 10.0 * (d % 3), date(2026, 3, 10))])
             for d in range(departments)]
    out = tmp_path / "company.xlsx"
    cons.write_company_workbook(cons.consolidate_workbooks(books, date(2026, 3, 15)), out)
    ws = openpyxl.load_workbook(out)["Summary"]
    cells = list(ws.iter_rows(values_only=True))
    total = next(i for i, row in enumerate(cells) if row[0] == "Department KPIs")
    title = next(i for i, row in enumerate(cells) if row[0] == "Status changes since 2026-02-28")
    end = ws._charts[0].anchor.to
    bottom = end.row - (end.rowOff == 0)  # the last row the chart covers (it may end at a row's top edge)
    assert title == max(total, bottom) + 2  # one blank row between
    assert all(v is None for row in cells[total + 1:title] for v in row)


def test_no_change_says_so(tmp_path):
    book = simple_book("in/a.xlsx", "A", [kpi("A-1")], [meas("A-1", 99.0, date(2026, 1, 31))])
    company = cons.consolidate_workbooks([book], date(2026, 3, 15))
    out = tmp_path / "company.xlsx"
    cons.write_company_workbook(company, out)
    values = [row[0] for row in openpyxl.load_workbook(out)["Summary"].iter_rows(values_only=True)]
    assert "No KPI changed status since 2026-02-28." in values


def test_danish_history_and_changes(tmp_path):
    book = simple_book("in/s.xlsx", "Salg", [kpi("S-1")],
                       [meas("S-1", 96.0, date(2026, 2, 28)), meas("S-1", 10.0, date(2026, 3, 10))])
    company = cons.consolidate_workbooks([book], date(2026, 3, 15), language="da")
    out = tmp_path / "firma.xlsx"
    cons.write_company_workbook(company, out)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "Oversigt" and "Historik" in wb.sheetnames
    assert wb["Historik"]["A1"].value == "KPI-målopfyldelse måned for måned"
    summary = [row for row in wb["Oversigt"].iter_rows(values_only=True)]
    assert any(row[0] == "Statusændringer siden 2026-02-28" for row in summary)
    assert any(row[:4] == ("Salg", "S-1", "På sporet", "Bagud") for row in summary)
    # No start date: the history begins with the first measurement's month.
    assert [row[2:] for row in company.rows("history")] == [
        (date(2026, 2, 28), 96.0, 100.0, 0.96, "På sporet", None),
        (date(2026, 3, 15), 10.0, 100.0, 0.1, "Bagud", None)]


# ------------------------------------------------------------------ the console table

def test_kpi_table_shows_the_change_since_the_comparison_date():
    kpis = [history_out.CompanyKpi("H-1", "Revenue", 0.912, core.AT_RISK, 0.5, 0.97, core.ON_TRACK),
            history_out.CompanyKpi("H-2", "Costs", None, core.NO_DATA, None, None, core.NO_DATA),
            history_out.CompanyKpi("H-3", "Churn", 1.0, core.ON_TRACK, None, 0.95, core.ON_TRACK)]
    assert history_out.kpi_table(kpis, "en", date(2026, 2, 28)) == [
        "ID   KPI      Attainment  Status    Roll-up  Change since 2026-02-28",
        "H-1  Revenue       91.2%  At risk     50.0%  -5.8 pp, was On track",
        "H-2  Costs             -  No data         -  -",
        "H-3  Churn        100.0%  On track        -  +5.0 pp",
    ]
    assert history_out.kpi_table(kpis[:1], "da", date(2026, 2, 28)) == [
        "ID   KPI      Målopfyldelse  Status    Oprulning  Ændring siden 2026-02-28",
        "H-1  Revenue          91,2%  I risiko      50,0%  -5,8 %-point, var På sporet",
    ]
    assert history_out.kpi_table(kpis[:1], "en") == ["ID   KPI      Attainment  Status   Roll-up",
                                                 "H-1  Revenue       91.2%  At risk    50.0%"]


def test_a_long_history_continues_on_numbered_sheets(tmp_path, monkeypatch):
    monkeypatch.setattr(cons.write, "MAX_SHEET_ROWS", 8)  # title rows and header, then 4 KPI rows per sheet
    books = random_company(2)
    company = cons.consolidate_workbooks(books, AS_OF)
    out = tmp_path / "company.xlsx"
    cons.write_company_workbook(company, out)
    wb = openpyxl.load_workbook(out)
    parts = [name for name in wb.sheetnames if name.startswith("History")]
    assert parts[:2] == ["History", "History (2)"]
    ids = [row[1] for name in parts for row in wb[name].iter_rows(min_row=5, values_only=True)]
    assert ids == [line.record.kpi_id for line in company.history.lines]  # one row per KPI
    assert all(wb[name].max_row <= 8 and wb[name]["A4"].value == "Department" for name in parts)
