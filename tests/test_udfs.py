"""Test the xlwings UDFs called directly in Python: results, shapes, blanks, errors, imports."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpixl import core
from kpixl.udfs import (KPI_ACTUAL, KPI_ATTAINMENT, KPI_ELAPSED, KPI_FORECAST, KPI_NEEDED, KPI_PHASE, KPI_PLAN,
                        KPI_ROLLUP, KPI_STATUS, KPI_TREND)

from spec_examples import WORKED


def col(values):
    return [[v] for v in values]


def column_of(i):
    return col([row[i] for row in WORKED])


@pytest.mark.parametrize("a, t, b, direction, aggregation, f, attainment, status", WORKED)
def test_worked_examples_single_cells(a, t, b, direction, aggregation, f, attainment, status):
    assert KPI_ATTAINMENT(a, t, b, direction, f, aggregation) == pytest.approx(attainment, abs=1e-12)
    assert KPI_STATUS(a, t, b, direction, f, aggregation) == status


def test_worked_examples_as_ranges_spill_in_the_range_shape():
    args = [column_of(i) for i in range(6)]
    a, t, b, d, g, f = args
    result = KPI_ATTAINMENT(a, t, b, d, f, g)
    assert [len(row) for row in result] == [1] * 6
    assert [row[0] for row in result] == pytest.approx([row[6] for row in WORKED], abs=1e-12)
    assert KPI_STATUS(a, t, b, d, f, g) == col([row[7] for row in WORKED])
    assert KPI_STATUS(a, t, b, d, f, g, None, None, None, "da") == col(
        ["På sporet", "Bagud", "Bagud", "Bagud", "På sporet", "Bagud"])


def test_a_bad_element_gives_value_text_and_the_others_compute():
    result = KPI_ATTAINMENT([[95], [95], ["x"], [None]], [[100], [90], [100], [100]], [[None], [100], [None], [None]])
    assert result == [
        [0.95],
        ["#VALUE! an increase KPI needs its target above its baseline (target 90, baseline 100)"],
        ["#VALUE! actual 'x' is text, not a number; type the number"],
        [None],
    ]
    assert KPI_STATUS(120, 100, None, "decrease") == "#VALUE! a decrease KPI needs a baseline to decrease from (target 100)"
    assert KPI_STATUS(95, 100, None, "sideways") == ("#VALUE! unknown direction 'sideways'; use one of increase, "
                                                     "decrease, maintain (or øge, mindske, fastholde)")
    assert KPI_STATUS(95, 100, None, None, None, None, None, 0.8, 0.9) == ("#VALUE! green must be at least amber "
                                                                        "(green 0.8, amber 0.9)")
    assert KPI_STATUS(95, 100, None, None, 1.5) == "#VALUE! the elapsed fraction must be between 0 and 1 (elapsed 1.5)"


def test_blanks():
    assert KPI_ATTAINMENT(None, 100) is None
    assert KPI_ATTAINMENT("", 100, "", "", "", "") is None
    assert KPI_STATUS(None, 100) == "No data"
    assert KPI_STATUS(float("nan"), 100, None, None, 0.0) == "Not started"
    assert KPI_STATUS(None, None) is None  # an empty row of a filled-down formula
    assert KPI_STATUS(95, None) == "#VALUE! the target is blank; type the value to reach"
    assert KPI_PLAN(None) is None
    statuses = KPI_STATUS([[None], [95], [None]], [[None], [100], [100]])
    assert statuses == [[None], ["On track"], ["No data"]]


def test_broadcasting_and_shapes():
    assert KPI_ATTAINMENT([[95]], [[100]]) == 0.95  # 1x1 ranges are single values
    assert KPI_ATTAINMENT([[90], [95]], 100) == [[0.9], [0.95]]  # column
    assert KPI_ATTAINMENT([[90, 95]], 100) == [[0.9, 0.95]]  # row
    assert KPI_ATTAINMENT([[90, 95], [100, 50]], [[100, 100], [200, 100]]) == [[0.9, 0.95], [0.5, 0.5]]
    # a one-column range broadcasts across columns, a one-row range down rows
    assert KPI_ATTAINMENT([[50, 100]], [[100], [200]]) == [[0.5, 1.0], [0.25, 0.5]]
    assert KPI_ATTAINMENT([90, 95], 100) == [0.9, 0.95]  # 1-D in, 1-D out
    assert KPI_ATTAINMENT(np.array([[90.0], [95.0]]), np.float64(100)) == [[0.9], [0.95]]
    assert KPI_STATUS([[95, 80]], 100) == [["On track", "Off track"]]


def test_ranges_of_different_sizes_give_one_value_error():
    assert KPI_ATTAINMENT([[1], [2], [3]], [[1], [2]]) == ("#VALUE! the ranges have different sizes (3 x 1, 2 x 1); "
                                                          "give ranges of the same size or single cells")


def test_elapsed_with_serials_and_dates(today):
    assert KPI_ELAPSED(46023, 46033, 46028) == 0.5
    assert KPI_ELAPSED(date(2026, 1, 1), date(2026, 1, 11), datetime(2026, 1, 6, 15, 30)) == 0.5
    assert KPI_ELAPSED(46023.9, 46033.2, 46028.5) == 0.5  # whole days
    assert KPI_ELAPSED(None, 46033, 46028) == 1.0
    assert KPI_ELAPSED([[46023], [46028]], 46033, [[46028], [46040]]) == [[0.5], [1.0]]
    assert KPI_ELAPSED(46033, 46023, 46028) == ("#VALUE! the deadline must be after the start date "
                                                "(start 2026-01-11, deadline 2026-01-01)")
    assert KPI_ELAPSED("soon", 46033, 46028).startswith("#VALUE! start: 'soon' is not a date")
    start = today - timedelta(days=10)  # blank as_of: kpixl's today, pinned in tests (conftest)
    assert KPI_ELAPSED(start, start + timedelta(days=20)) == 0.5


def test_plan():
    assert KPI_PLAN(1100, 1000, "increase", 0.5) == 1050
    assert KPI_PLAN(1100, 1000, "increase", 0.5, "sum") == 550
    assert KPI_PLAN(100, None, "maintain", 0.5, "last") == 100
    assert KPI_PLAN([[1100], [90]], [[1000], [100]]) == [
        [1100.0], ["#VALUE! an increase KPI needs its target above its baseline (target 90, baseline 100)"]]


def test_danish_words_in_and_out():
    assert KPI_STATUS(120, 100, 200, "mindske") == "Off track"
    assert KPI_STATUS(550, 1100, 1000, "øge", 0.5, "SUM", None, None, None, "da") == "På sporet"
    assert KPI_STATUS(90, 100, None, " Øge ", 1, "seneste", None, None, None, "dansk") == "I risiko"
    assert KPI_STATUS(None, 100, None, None, 0, None, None, None, None, "da") == "Ikke startet"
    assert KPI_STATUS(95, 100, None, None, None, None, None, None, None, "fr") == ("#VALUE! unknown language 'fr'; "
                                                                                "use en or da")


IDS = col(["K1", "K1", "K2", "K1", "k2 ", None, "K3"])
ENDS = col([46023, 46053, 46023, 46081, date(2026, 2, 1), 46023, 46023])
VALUES = col([10, 20, 5, 30, 7, 99, None])


def test_actual_over_an_ids_series():
    ids = col(["K1", "K2", "K3", "K4", None])
    assert KPI_ACTUAL(ids, IDS, ENDS, VALUES, "sum") == [[60.0], [12.0], [None], [None], [None]]
    assert KPI_ACTUAL(ids, IDS, ENDS, VALUES) == [[30.0], [7.0], [None], [None], [None]]  # default last
    assert KPI_ACTUAL("K1", IDS, ENDS, VALUES, "gennemsnit", 46053) == 15.0
    assert KPI_ACTUAL("K1", IDS, ENDS, VALUES, "max", date(2026, 2, 27), date(2026, 1, 2)) == 20.0
    # bounds are inclusive: start <= period end <= as_of
    assert KPI_ACTUAL("K1", IDS, ENDS, VALUES, "sum", 46053, 46053) == 20.0
    assert KPI_ACTUAL("K1", IDS, ENDS, VALUES, "sum", 46052, 46024) is None
    assert KPI_ACTUAL(col(["K1", "K1"]), IDS, ENDS, VALUES, col(["min", "max"])) == [[10.0], [30.0]]


def test_actual_matches_ids_by_the_one_key_function():
    """KPI_ACTUAL matches as kpixl.vocab.kpi_key does: case, surrounding and no-break spaces ignored."""
    from kpixl.vocab import kpi_key

    typed = ["sal-01", "SAL-01\u00a0", " Sal-01\t", "SAL-01", "SAL 01", "MKT-01", 101.0, "101 "]
    ids, ends, values = col(typed), col([46023 + i for i in range(len(typed))]), col([1, 2, 4, 8, 16, 32, 64, 128])
    wanted = ["SAL-01", "\u00a0sal-01 ", "sal  01", "mkt-01", 101, "nope"]
    expected = [sum(v for k, v in zip(typed, [1, 2, 4, 8, 16, 32, 64, 128]) if kpi_key(k) == kpi_key(w)) or None
                for w in wanted]
    assert expected == [15, 15, 16, 32, 192, None]
    assert KPI_ACTUAL(col(wanted), ids, ends, values, "sum") == [[float(x) if x else None] for x in expected]


def test_actual_matches_the_core():
    rows = [("A", 46000 + i % 7, float(i)) for i in range(40)]
    ids, ends, values = (col([r[i] for r in rows]) for i in range(3))
    for aggregation in core.VOCABULARIES["aggregation"]:
        measured = [(core.from_serial(e), v) for k, e, v in rows]
        expected = core.actual(measured, aggregation, core.from_serial(46004), core.from_serial(46002))
        assert KPI_ACTUAL("a", ids, ends, values, aggregation, 46004, 46002) == expected


def test_actual_errors_name_the_row_and_stay_with_their_kpi():
    ids, ends, values = col(["K1", "K2", "K2"]), col([46023, "June", 46024]), col([1, 2, 3])
    assert KPI_ACTUAL(col(["K1", "K2"]), ids, ends, values) == [
        [1.0], ["#VALUE! row 2 of the measurements: period_end: 'June' is not a date; type a date (e.g. 2026-06-30)"]]
    assert KPI_ACTUAL("K1", col(["K1"]), col([None]), col([4])) == ("#VALUE! row 1 of the measurements has a value "
                                                                   "but no period end date")
    assert KPI_ACTUAL("K1", col(["K1", "K1"]), col([46023]), col([1, 2])) == (
        "#VALUE! ids, period_ends and values must be ranges of the same size (2 ids, 1 period ends, 2 values)")


def test_trend():
    assert KPI_TREND(col([100, 103, 106])) == "Improving"
    assert KPI_TREND(col([100, 103, 106]), "decrease", None, "da") == "Forværres"
    assert KPI_TREND([[100, None, 100.5]]) == "Stable"
    assert KPI_TREND(col([5])) == "No data"
    assert KPI_TREND(col([80, 90, 95]), "maintain", 100) == "Improving"
    assert KPI_TREND(col([1, 2]), "maintain").startswith("#VALUE! a maintain trend needs the target")


def test_forecast():
    ends = [46023, 46053, 46081, 46112]
    values = [10.0, 14.0, 13.0, 19.0]
    slope, intercept = np.polyfit(ends, values, 1)
    assert KPI_FORECAST(col(values), col(ends), 46387) == pytest.approx(slope * 46387 + intercept, rel=1e-9)
    running = np.cumsum(values)
    slope, intercept = np.polyfit(ends, running, 1)
    # sum: the total so far plus the running total's rate for the days from the last period end.
    assert KPI_FORECAST(col(values), col([core.from_serial(e) for e in ends]), date(2026, 12, 31), "sum") == \
        pytest.approx(running[-1] + slope * (46387 - ends[-1]), rel=1e-9)
    assert KPI_FORECAST(col(values), col(ends), ends[-1] - 5, "sum") == running[-1]  # deadline passed
    assert KPI_FORECAST(col([1, None]), col([46023, None]), 46387) is None
    assert KPI_FORECAST(col([1, 2]), col([46023, 46024]), None) is None
    assert KPI_FORECAST(col([1, 2]), col([46023, 46024]), [[46030, 46031]]) == [[8.0, 9.0]]


def test_rollup():
    assert KPI_ROLLUP(col([0.5, 1.5, None])) == 0.75
    assert KPI_ROLLUP(col([0.5, 1.0]), col([1, 3])) == pytest.approx(0.875)
    assert KPI_ROLLUP(col([None, None])) is None
    assert KPI_ROLLUP(col([0.5, 0.7]), col([1, -1])) == "#VALUE! a weight cannot be negative (weight -1)"
    assert KPI_ROLLUP(col([0.5, "#VALUE! x"])) == "#VALUE! attainment 2 '#VALUE! x' is text, not a number; type the number"


def test_range_and_single_cell_paths_agree_on_every_element():
    directions = ["increase", "decrease", "maintain", "mindske", "up", None]
    aggregations = ["sum", "last", "average", None, "bad"]
    rows = []
    for i in range(600):
        a = [None, 95.0, 1050, 120, -5.0, "x", 0.0, 85.0, True][i % 9]
        t = [100, 1100, 100, 0, None, 90][i % 6]
        b = [None, 1000, 200, 100][i % 4]
        f = [None, 0, 0.5, 1, 1.2, 0.25, ""][i % 7]
        tol = [None, 5, 0, -1][i % 4 if i % 3 == 0 else 0]
        green, amber = [(None, None), (0.9, 0.8), (0.8, 0.9), (0.95, 0.95)][i % 4 if i % 5 == 0 else 0]
        rows.append((a, t, b, directions[i % 6], f, aggregations[i % 5], tol, green, amber, ["en", "da"][i % 2]))
    columns = [col([r[i] for r in rows]) for i in range(10)]
    attainments = KPI_ATTAINMENT(*columns[:7])
    statuses = KPI_STATUS(*columns)
    for row, att, stat in zip(rows, attainments, statuses):
        assert att[0] == KPI_ATTAINMENT(*row[:7]), row
        assert stat[0] == KPI_STATUS(*row), row


@settings(max_examples=150, deadline=None)
@given(data=st.lists(st.tuples(st.floats(-1e4, 1e4), st.floats(-1e4, 1e4), st.one_of(st.none(), st.floats(-1e4, 1e4)),
                               st.sampled_from(["increase", "decrease", "maintain"]), st.floats(0, 1),
                               st.sampled_from(["sum", "last"])), min_size=2, max_size=30))
def test_range_path_equals_single_cells_property(data):
    columns = [col([r[i] for r in data]) for i in range(6)]
    a, t, b, d, f, g = columns
    attainments = KPI_ATTAINMENT(a, t, b, d, f, g)
    statuses = KPI_STATUS(a, t, b, d, f, g)
    for (a1, t1, b1, d1, f1, g1), att, stat in zip(data, attainments, statuses):
        assert att[0] == KPI_ATTAINMENT(a1, t1, b1, d1, f1, g1)
        assert stat[0] == KPI_STATUS(a1, t1, b1, d1, f1, g1)


def test_degenerate_definitions_are_errors_in_ranges_too():
    result = KPI_ATTAINMENT([[1], [1], [95]], [[5e-324], [0.010000000000000002], [100]], [[None], [0.01], [None]],
                            [["maintain"], ["increase"], ["increase"]], [[0.25], [0.0001], [0.25]],
                            [["average"], ["sum"], ["average"]])
    assert result == [["#VALUE! a maintain KPI with target 0 needs a tolerance; type the allowed distance"],
                      ["#VALUE! the target is too close to the baseline to measure progress "
                       "(target 0.010000000000000002, baseline 0.01)"],
                      [0.95]]


def test_status_on_the_threshold_uses_the_core_rounding():
    # 0.95 and 0.85 exactly (and a hair below) decide inclusively, as the core does
    assert KPI_STATUS(col([95, 85, 94.9999999999, 84.9999999]), 100) == col(
        ["On track", "At risk", "On track", "Off track"])


def test_the_module_imports_nothing_heavy():
    """Load kpixl.udfs as Pyodide would without openpyxl, pandas, click, xlsxwriter or calamine."""
    heavy = ["openpyxl", "pandas", "click", "xlsxwriter", "python_calamine", "fastexcel"]
    script = f"""
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in {heavy!r}:
            raise ImportError('blocked ' + name)
sys.meta_path.insert(0, Block())
import kpixl.udfs
assert kpixl.udfs.KPI_STATUS(95, 100) == 'On track'
loaded = sorted(m for m in {heavy!r} if m in sys.modules)
assert not loaded, loaded
print('ok')
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


# ------------------------------------------------------- phasing (issue 19)
SEASON = [[1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 4]]


def test_kpi_phase_is_the_cores_phase_and_broadcasts():
    from kpixl import core
    got = KPI_PHASE([[date(2026, 1, 1)], [date(2026, 7, 1)]], date(2027, 6, 30), date(2026, 9, 30), SEASON)
    expected = [[core.phase(date(2026, 1, 1), date(2027, 6, 30), date(2026, 9, 30), SEASON[0])],
                [core.phase(date(2026, 7, 1), date(2027, 6, 30), date(2026, 9, 30), SEASON[0])]]
    assert got == expected and expected[1][0] == 6 / 24  # Jul, Aug, Sep: 2 + 2 + 2 of 24
    # Blank or omitted weights: the elapsed fraction, as KPI_ELAPSED.
    assert KPI_PHASE(46023, 46033, 46028) == KPI_ELAPSED(46023, 46033, 46028) == 0.5
    assert KPI_PHASE(46023, 46033, 46028, [[None] * 12]) == 0.5


def test_kpi_phase_says_what_is_wrong_with_the_weights_or_a_date():
    assert KPI_PHASE(date(2026, 1, 1), date(2026, 12, 31), date(2026, 3, 1), [[1, None, 2] + [1] * 9]) == (
        "#VALUE! the phasing profile has a blank weight for month 2; type 0 or more")
    assert KPI_PHASE(date(2026, 1, 1), date(2026, 12, 31), date(2026, 3, 1), [[1] * 11]) == (
        "#VALUE! the phasing profile needs 12 month weights, January to December (11 given)")
    assert KPI_PHASE([[date(2026, 1, 1)], ["x"]], date(2026, 6, 30), date(2026, 3, 1), [[0] * 6 + [1] * 6]) == [
        ["#VALUE! the phasing profile weighs 0 in every month from 2026-01-01 to 2026-06-30; "
         "give at least one of these months a weight above 0"],
        ["#VALUE! start: 'x' is not a date; type a date (e.g. 2026-06-30)"]]


def test_kpi_needed_is_the_cores_needed_and_broadcasts():
    assert KPI_NEEDED([[400], [None], [2000]], 1000, 0.4, 0.5) == [[pytest.approx(100)], [pytest.approx(1000 / 6)],
                                                                 [0.0]]
    assert KPI_NEEDED(400, 1000, 1, 1) is None  # the plan is complete: nothing is due after it
    assert KPI_NEEDED(400, None, 0.2, 0.3) is None
    assert KPI_NEEDED(400, 1000, 0.2, 1.3) == "#VALUE! phase_until must be between 0 and 1 (phase_until 1.3)"
    # Chained as a workbook would: what is needed per day as of 10 March.
    now = KPI_PHASE(date(2026, 1, 1), date(2026, 12, 31), date(2026, 3, 10), SEASON)
    tomorrow = KPI_PHASE(date(2026, 1, 1), date(2026, 12, 31), date(2026, 3, 11), SEASON)
    d = core.KpiDefinition("K", 2400, aggregation="sum", start=date(2026, 1, 1), deadline=date(2026, 12, 31),
                           phasing=tuple(map(float, SEASON[0])))
    assert KPI_NEEDED(150, 2400, now, tomorrow) == core.goals(d, 150.0, date(2026, 3, 10)).needed_day


def test_kpi_forecast_of_a_phased_sum_is_the_total_over_the_phase():
    ends = [[date(2026, 1, 31)], [date(2026, 2, 28)]]
    assert KPI_FORECAST([[100], [100]], ends, date(2026, 12, 31), "sum", date(2026, 1, 1), SEASON) == 2400
    assert KPI_FORECAST([[100], [100]], ends, date(2026, 12, 31), "sum") == core.forecast(
        [date(2026, 1, 31), date(2026, 2, 28)], [100, 100], date(2026, 12, 31), "sum")
