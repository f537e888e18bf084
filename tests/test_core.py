"""Test kpixl.core against docs/kpi-semantics.md: worked examples, errors, edge rules, properties."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from kpixl import core
from kpixl.errors import DefinitionError, KpixlError

from spec_examples import WORKED


@pytest.mark.parametrize("a, t, b, direction, aggregation, f, expected, expected_status", WORKED)
def test_worked_examples(a, t, b, direction, aggregation, f, expected, expected_status):
    assert core.attainment(a, t, b, direction, f, aggregation) == pytest.approx(expected, abs=1e-12)
    assert core.status(a, t, b, direction, f, aggregation) == expected_status


# ------------------------------------------------------------------ errors

@pytest.mark.parametrize("t, b, direction, tol, message", [
    (90, 100, "increase", None, "an increase KPI needs its target above its baseline (target 90, baseline 100)"),
    (100, 100, "increase", None, "an increase KPI needs its target above its baseline (target 100, baseline 100)"),
    (0, None, "increase", None, "an increase KPI with no baseline needs a target above 0 (target 0)"),
    (-5, None, "increase", None, "an increase KPI with no baseline needs a target above 0 (target -5)"),
    (80, None, "decrease", None, "a decrease KPI needs a baseline to decrease from (target 80)"),
    (100, 100, "decrease", None, "a decrease KPI needs its target below its baseline (target 100, baseline 100)"),
    (120, 100, "decrease", None, "a decrease KPI needs its target below its baseline (target 120, baseline 100)"),
    (0, None, "maintain", None, "a maintain KPI with target 0 needs a tolerance; type the allowed distance"),
    (50, None, "maintain", 0, "the tolerance must be above 0 (tolerance 0)"),
    (50, None, "maintain", -1, "the tolerance must be above 0 (tolerance -1)"),
])
def test_invalid_definitions_raise_a_clear_error(t, b, direction, tol, message):
    with pytest.raises(DefinitionError) as raised:
        core.attainment(10, t, b, direction, 1.0, "last", tol)
    assert str(raised.value) == message
    with pytest.raises(DefinitionError):
        core.plan(t, b, direction, 1.0, "last", tol)
    with pytest.raises(DefinitionError):  # invalid even before there is data
        core.attainment(None, t, b, direction, 1.0, "last", tol)


def test_maintain_target_too_close_to_zero_needs_a_tolerance():
    with pytest.raises(DefinitionError, match="target 0 needs a tolerance"):
        core.attainment(1, 5e-324, None, "maintain")


def test_target_a_rounding_error_from_the_baseline_is_an_error_not_a_crash():
    with pytest.raises(DefinitionError, match="the target is too close to the baseline"):
        core.attainment(0.0, 0.010000000000000002, 0.01, "increase", 0.0001, "sum")


def test_maintain_target_zero_with_a_tolerance_is_valid():
    assert core.attainment(1, 0, None, "maintain", 1.0, "last", 4) == 0.75


def test_deadline_not_after_start_is_invalid():
    with pytest.raises(DefinitionError, match=r"deadline must be after the start date \(start 2026-03-01, "
                                              r"deadline 2026-03-01\)"):
        core.elapsed_fraction(date(2026, 3, 1), date(2026, 3, 1), date(2026, 3, 5))
    with pytest.raises(DefinitionError):
        core.elapsed_fraction(date(2026, 3, 1), date(2026, 2, 1), date(2026, 3, 5))


def test_green_below_amber_is_invalid():
    with pytest.raises(DefinitionError, match=r"green must be at least amber \(green 0.8, amber 0.9\)"):
        core.status_of(0.5, green=0.8, amber=0.9)
    assert core.status_of(0.9, green=0.9, amber=0.9) == "On track"


def test_negative_weight_is_invalid():
    with pytest.raises(DefinitionError, match=r"a weight cannot be negative \(weight -1\)"):
        core.rollup([0.5, 0.7], [1, -1])


def test_errors_are_kpixl_errors():
    assert issubclass(DefinitionError, KpixlError)


# ----------------------------------------------------------------- elapsed

def test_elapsed_fraction_in_whole_days_and_clamped():
    start, deadline = date(2026, 1, 1), date(2026, 1, 11)
    assert core.elapsed_fraction(start, deadline, date(2026, 1, 6)) == 0.5
    assert core.elapsed_fraction(start, deadline, date(2025, 12, 1)) == 0.0
    assert core.elapsed_fraction(start, deadline, date(2026, 1, 1)) == 0.0
    assert core.elapsed_fraction(start, deadline, date(2026, 1, 11)) == 1.0
    assert core.elapsed_fraction(start, deadline, date(2027, 1, 1)) == 1.0
    assert core.elapsed_fraction(start, deadline, date(2026, 1, 4)) == pytest.approx(0.3)


def test_elapsed_fraction_without_dates_is_one():
    assert core.elapsed_fraction(None, date(2026, 1, 1), date(2025, 1, 1)) == 1.0
    assert core.elapsed_fraction(date(2026, 1, 1), None, date(2025, 1, 1)) == 1.0
    assert core.elapsed_fraction(None, None, date(2025, 1, 1)) == 1.0


def test_dates_and_serials():
    assert core.to_serial(date(2026, 6, 30)) == 46203
    assert core.to_serial(datetime(2026, 6, 30, 18, 0)) == 46203
    assert core.from_serial(46203.75) == date(2026, 6, 30)
    assert core.to_date(46203) == date(2026, 6, 30)
    assert core.to_date(datetime(2026, 6, 30, 9)) == date(2026, 6, 30)
    assert core.to_date("") is None and core.to_date(float("nan")) is None
    with pytest.raises(DefinitionError):
        core.to_date("June")
    with pytest.raises(DefinitionError):
        core.to_date(True)


def test_blanks_and_numbers():
    assert core.is_blank(None) and core.is_blank("  ") and core.is_blank(float("nan"))
    assert not core.is_blank(0) and not core.is_blank("x")
    assert core.to_number(np.float64(2.5)) == 2.5
    assert core.to_number(None) is None
    with pytest.raises(DefinitionError, match=r"target 'abc' is text, not a number; type the number"):
        core.to_number("abc", "target")
    with pytest.raises(DefinitionError):
        core.to_number(True)
    with pytest.raises(DefinitionError):
        core.to_number(float("inf"))


# ------------------------------------------------------------------ actual

MEASURED = [(date(2026, 1, 31), 10.0), (date(2026, 3, 31), 30.0), (date(2026, 2, 28), 20.0),
            (date(2026, 4, 30), 40.0)]


# Each aggregation's actual of MEASURED as of 2026-03-31 (10, 20, 30 count; 40 is later). A new
# aggregation gets its expected value here (docs/extending.md; the test below asks for it).
ACTUAL_AS_OF_MARCH = {"sum": 60.0, "average": 20.0, "last": 30.0, "min": 10.0, "max": 30.0}


@pytest.mark.parametrize("aggregation, expected", ACTUAL_AS_OF_MARCH.items())
def test_actual_per_aggregation(aggregation, expected):
    assert core.actual(MEASURED, aggregation, as_of=date(2026, 3, 31)) == expected


def test_every_aggregation_has_an_expected_actual():
    assert tuple(ACTUAL_AS_OF_MARCH) == core.VOCABULARIES["aggregation"]


def test_actual_window_bounds_are_inclusive():
    # start <= period_end <= as_of: both ends count
    assert core.actual(MEASURED, "sum", date(2026, 3, 31), start=date(2026, 2, 28)) == 50.0
    assert core.actual(MEASURED, "sum", date(2026, 3, 30), start=date(2026, 3, 1)) is None
    assert core.actual(MEASURED, "sum", date(2026, 1, 30)) is None
    assert core.actual(MEASURED, "sum", date(2026, 1, 31)) == 10.0


def test_actual_last_takes_the_latest_period_end_and_the_later_row_on_a_tie():
    rows = [(date(2026, 2, 1), 5.0), (date(2026, 1, 1), 9.0), (date(2026, 2, 1), 7.0)]
    assert core.actual(rows, "last", date(2026, 12, 31)) == 7.0


def test_not_started_versus_no_data():
    # f = 0: Not started even without data; f > 0 without data: No data
    assert core.status(None, 100, None, "increase", 0.0, "last") == "Not started"
    assert core.status(50, 100, None, "increase", 0.0, "sum") == "Not started"
    assert core.attainment(50, 100, None, "increase", 0.0, "sum") is None
    assert core.status(None, 100, None, "increase", 0.5, "last") == "No data"
    assert core.attainment(None, 100, None, "increase", 0.5, "last") is None
    # maintain level ignores f; maintain cumulative does not
    assert core.status(100, 100, None, "maintain", 0.0, "last") == "On track"
    assert core.status(100, 100, None, "maintain", 0.0, "sum") == "Not started"


def test_maintain_cumulative_uses_the_ramped_plan():
    # plan t*f = 50, tol*f = 5: 52 is 2/5 away
    assert core.attainment(52, 100, None, "maintain", 0.5, "sum") == pytest.approx(0.6)
    assert core.plan(100, None, "maintain", 0.5, "sum") == 50
    assert core.plan(100, None, "maintain", 0.5, "last") == 100


def test_plan_ramps_level_with_baseline_only():
    assert core.plan(1100, 1000, "increase", 0.5, "last") == 1050
    assert core.plan(1100, None, "increase", 0.5, "last") == 1100
    assert core.plan(1100, 1000, "increase", 0.5, "sum") == 550


# ------------------------------------------------------------------ status

@pytest.mark.parametrize("a, expected", [
    (95, "On track"), (94.99, "At risk"), (85, "At risk"), (84.99, "Off track"), (120, "On track"), (-5, "Off track"),
])
def test_status_boundaries_are_inclusive(a, expected):
    assert core.status(a, 100) == expected


def test_status_rounds_attainment_to_9_decimals():
    assert core.status_of(0.9499999999) == "On track"
    assert core.status_of(0.949999999) == "At risk"
    assert core.status_of(None) == "No data"
    assert core.status_of(0.2, started=False) == "Not started"


# ------------------------------------------------------------------- trend

def test_trend():
    assert core.trend([]) == "No data"
    assert core.trend([5]) == "No data"
    assert core.trend([100, 101]) == "Stable"  # rel = 1/100.5 < 0.02
    assert core.trend([100, 103]) == "Improving"
    assert core.trend([100, 103], "decrease") == "Worsening"
    assert core.trend([100, 97], "decrease") == "Improving"
    assert core.trend([0, 0, 0]) == "Stable"  # s = 0 counts as 1


def test_trend_maintain_fits_the_distance_to_target():
    assert core.trend([80, 90, 95], "maintain", 100) == "Improving"
    assert core.trend([100, 110, 120], "maintain", 100) == "Worsening"
    assert core.trend([120, 110, 100], "maintain", 100) == "Improving"
    with pytest.raises(DefinitionError):
        core.trend([1, 2], "maintain", None)


def test_trend_stable_band_edge():
    # rel = slope*(n-1)/s exactly 0.02 is not Stable
    assert core.trend([99, 101]) == "Improving"
    assert core.trend([99.5, 101.5], "increase") == "Stable"


# ---------------------------------------------------------------- forecast

def _forecast_linear(x, known_y, known_x):
    """Excel FORECAST.LINEAR closed form: a + b*x."""
    mx, my = sum(known_x) / len(known_x), sum(known_y) / len(known_y)
    b = sum((kx - mx) * (ky - my) for kx, ky in zip(known_x, known_y)) / sum((kx - mx) ** 2 for kx in known_x)
    return my - b * mx + b * x


def test_forecast_matches_polyfit_and_forecast_linear():
    ends = [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30)]
    values = [10.0, 14.0, 13.0, 19.0]
    deadline = date(2026, 12, 31)
    xs = [core.to_serial(d) for d in ends]
    slope, intercept = np.polyfit(xs, values, 1)
    result = core.forecast(ends, values, deadline, "last")
    assert result == pytest.approx(slope * core.to_serial(deadline) + intercept, rel=1e-9)
    assert result == pytest.approx(_forecast_linear(core.to_serial(deadline), values, xs), rel=1e-12)


def _slope(known_y, known_x):
    """Excel SLOPE closed form."""
    mx, my = sum(known_x) / len(known_x), sum(known_y) / len(known_y)
    return sum((kx - mx) * (ky - my) for kx, ky in zip(known_x, known_y)) / sum((kx - mx) ** 2 for kx in known_x)


def test_forecast_of_cumulative_kpi_adds_the_running_sums_rate_for_the_days_left():
    ends = [date(2026, 3, 31), date(2026, 1, 31), date(2026, 2, 28)]
    values = [30.0, 10.0, 20.0]  # sorted by date: 10, 20, 30 -> running 10, 30, 60
    xs = [core.to_serial(d) for d in sorted(ends)]
    deadline = date(2026, 6, 30)
    expected = 60.0 + _slope([10.0, 30.0, 60.0], xs) * (deadline - date(2026, 3, 31)).days
    assert core.forecast(ends, values, deadline, "sum") == pytest.approx(expected, rel=1e-12)
    # A deadline already passed adds nothing: the forecast is what was achieved.
    assert core.forecast(ends, values, date(2026, 3, 1), "sum") == 60.0


def test_cumulative_forecast_is_never_below_what_is_already_achieved():
    """The spec's reasoning example (kpi-semantics.md, Forecast, revised 2026-11-29).

    10,000 a month for three months, then 40,000: 70,000 achieved by 30 April. The old
    forecast, the line through the running sums evaluated at the 10 May deadline, is
    67,664: below the actual. The revised one adds the line's rate for the 10 days left.
    """
    ends = [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30)]
    values = [10_000.0, 10_000.0, 10_000.0, 40_000.0]
    deadline = date(2026, 5, 10)
    xs = [core.to_serial(d) for d in ends]
    running = [10_000.0, 20_000.0, 30_000.0, 70_000.0]
    old = _forecast_linear(core.to_serial(deadline), running, xs)
    assert old == pytest.approx(67_664.34, abs=0.01) and old < 70_000
    result = core.forecast(ends, values, deadline, "sum")
    assert result >= 70_000
    assert result == pytest.approx(70_000 + _slope(running, xs) * 10, rel=1e-12)
    assert result == pytest.approx(76_393.52, abs=0.01)
    kpi = core.KpiDefinition("SAL-01", target=100_000, aggregation="sum", start=date(2026, 1, 1), deadline=deadline)
    evaluated = core.evaluate(kpi, list(zip(ends, values)), date(2026, 4, 30))
    assert evaluated.actual == 70_000 and evaluated.forecast == result
    # A level KPI keeps FORECAST.LINEAR of the values.
    assert core.forecast(ends, values, deadline, "last") == pytest.approx(
        _forecast_linear(core.to_serial(deadline), values, xs), rel=1e-12)


def test_forecast_blank_cases():
    d = date(2026, 1, 1)
    assert core.forecast([d], [1.0], date(2026, 6, 1)) is None
    assert core.forecast([d, d], [1.0, 2.0], date(2026, 6, 1)) is None
    assert core.forecast([d, d + timedelta(1)], [1.0, 2.0], None) is None


def test_evaluate_forecast_attainment_uses_f_one():
    definition = core.KpiDefinition("K1", target=1200, baseline=None, aggregation="sum",
                                    start=date(2026, 1, 1), deadline=date(2026, 12, 31))
    rows = [(date(2026, 1, 31), 100.0), (date(2026, 2, 28), 100.0), (date(2026, 3, 31), 100.0)]
    result = core.evaluate(definition, rows, date(2026, 3, 31))
    assert result.actual == 300.0
    assert result.forecast_attainment == pytest.approx(result.forecast / 1200)


# ----------------------------------------------------------------- roll-up

def test_rollup_clips_weights_and_skips_blanks():
    assert core.rollup([0.5, 1.5]) == 0.75  # 1.5 clipped to 1
    assert core.rollup([-0.5, 1.0]) == 0.5  # -0.5 clipped to 0
    assert core.rollup([0.5, None, 1.0], [1, 100, 3]) == pytest.approx((0.5 + 3) / 4)
    assert core.rollup([0.5, 1.0], [None, 3]) == pytest.approx((0.5 + 3) / 4)
    assert core.rollup([None, None]) is None
    assert core.rollup([]) is None
    assert core.rollup([0.5, 0.7], [0, 0]) is None


# -------------------------------------------------------------- vocabulary

@pytest.mark.parametrize("vocabulary, text, expected", [
    ("direction", "Increase", "increase"), ("direction", "  MINDSKE ", "decrease"),
    ("direction", "fastholde", "maintain"), ("direction", "øge", "increase"),
    ("aggregation", "Gennemsnit", "average"), ("aggregation", "seneste", "last"), ("aggregation", "MAKS", "max"),
    ("aggregation", " Sum ", "sum"),
    ("frequency", "Månedlig", "monthly"), ("frequency", "quarterly", "quarterly"), ("frequency", "årlig", "yearly"),
    ("level", "HØJ", "high"), ("level", "lav", "low"),
    ("status", "på sporet", "On track"), ("status", "  i   risiko ", "At risk"), ("status", "off TRACK", "Off track"),
    ("status", "Ikke startet", "Not started"), ("status", "ingen data", "No data"), ("status", "Bagud", "Off track"),
])
def test_vocabulary_english_and_danish(vocabulary, text, expected):
    assert core.parse_word(vocabulary, text) == expected


def test_vocabulary_defaults_and_errors():
    assert core.parse_direction(None) == "increase"
    assert core.parse_aggregation("") == "last"
    with pytest.raises(DefinitionError, match=r"unknown direction 'up'; use one of increase, decrease, maintain "
                                              r"\(or øge, mindske, fastholde\)"):
        core.parse_direction("up")
    with pytest.raises(DefinitionError, match="frequency is blank"):
        core.parse_frequency(None)


def test_the_accepted_words_are_said_in_the_messages_language_first():
    """A Danish message names the Danish words first and the English ones (also read) in brackets; English the
    reverse, so no message in one language starts its list with the other's words."""
    with pytest.raises(DefinitionError) as caught:
        core.parse_direction("up")
    wording = caught.value.args[0]
    assert wording.render("en") == ("unknown direction 'up'; use one of increase, decrease, maintain "
                                    "(or øge, mindske, fastholde)")
    assert wording.render("da") == ("ukendt retning 'up'; brug et af øge, mindske, fastholde "
                                    "(eller increase, decrease, maintain)")
    with pytest.raises(DefinitionError) as caught:
        core.parse_aggregation("total")
    # Only the words the other language does not share go in the brackets (sum, min are both).
    assert caught.value.args[0].render("da") == ("ukendt sammentælling 'total'; brug et af sum, gennemsnit, seneste, "
                                                 "min, maks (eller average, last, max)")


def test_words_in_danish():
    assert core.word("status", "On track", "da") == "På sporet"
    assert core.word("status", "Off track", "DA") == "Bagud"
    assert core.word("trend", "Improving", "da") == "Forbedres"
    assert core.word("status", "At risk") == "At risk"
    assert set(core.VOCABULARIES["status"]) == {"On track", "At risk", "Off track", "Not started", "No data"}


# -------------------------------------------------------------- properties

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
fractions = st.floats(min_value=0.01, max_value=1.0)
aggregations = st.sampled_from(core.VOCABULARIES["aggregation"])


@settings(max_examples=200, deadline=None)
@given(t=finite, b=st.one_of(st.none(), finite), f=fractions, aggregation=aggregations,
       direction=st.sampled_from(["increase", "decrease"]))
def test_attainment_is_exactly_one_at_the_plan(t, b, f, aggregation, direction):
    try:
        core.check_definition(t, b, direction)
    except DefinitionError:
        assume(False)
    p = core.plan(t, b, direction, f, aggregation)
    zero, _ = core.zero_and_plan(t, b, direction, f, aggregation)
    assume(p != zero)
    assert core.attainment(p, t, b, direction, f, aggregation) == 1.0


@settings(max_examples=200, deadline=None)
@given(t=finite, f=fractions, aggregation=aggregations, tol=st.one_of(st.none(), st.floats(0.01, 1e3)))
def test_maintain_attainment_is_one_at_the_plan(t, f, aggregation, tol):
    assume(abs(t) > 1e-9 or tol is not None)
    p = core.plan(t, None, "maintain", f, aggregation, tol)
    assert core.attainment(p, t, None, "maintain", f, aggregation, tol) == 1.0


@settings(max_examples=300, deadline=None)
@given(a=finite, t=finite, b=finite, f=fractions, aggregation=aggregations)
def test_increase_and_decrease_are_mirror_images(a, t, b, f, aggregation):
    assume(t > b)

    def outcome(fn, *args):
        try:
            return fn(*args)
        except DefinitionError:
            return "error"

    up = outcome(core.attainment, a, t, b, "increase", f, aggregation)
    assume(up != "error")  # a target a rounding error above the baseline
    assert up == core.attainment(-a, -t, -b, "decrease", f, aggregation)
    assert core.status(a, t, b, "increase", f, aggregation) == core.status(-a, -t, -b, "decrease", f, aggregation)


RANK = {"Off track": 0, "At risk": 1, "On track": 2}


@settings(max_examples=300, deadline=None)
@given(a=finite, step=st.floats(0.001, 1e5), t=finite, b=st.one_of(st.none(), finite), f=fractions,
       aggregation=aggregations, direction=st.sampled_from(["increase", "decrease", "maintain"]))
def test_status_never_improves_when_the_actual_moves_the_wrong_way(a, step, t, b, f, aggregation, direction):
    if direction == "maintain":
        b = None
        assume(abs(t) > 1e-9)
    try:
        core.check_definition(t, b, direction)
    except DefinitionError:
        assume(False)
    if direction == "increase":
        worse = a - step
    elif direction == "decrease":
        worse = a + step
    else:  # further from the plan, on the same side
        p = core.plan(t, None, "maintain", f, aggregation)
        worse = a + step if a >= p else a - step
    try:
        before = core.status(a, t, b, direction, f, aggregation)
    except DefinitionError:  # a target a rounding error from its baseline
        assume(False)
    after = core.status(worse, t, b, direction, f, aggregation)
    assert RANK[after] <= RANK[before]


@settings(max_examples=200, deadline=None)
@given(values=st.lists(st.one_of(st.none(), finite), max_size=20),
       weights=st.one_of(st.none(), st.lists(st.one_of(st.none(), st.floats(0, 1e6)), min_size=20, max_size=20)))
def test_rollup_stays_between_zero_and_one(values, weights):
    if weights is not None:
        weights = weights[:len(values)]
    score = core.rollup(values, weights)
    assert score is None or 0.0 <= score <= 1.0


@settings(max_examples=200, deadline=None)
@given(points=st.lists(st.tuples(st.integers(45000, 47000), st.floats(-1e4, 1e4)), min_size=2, max_size=15),
       deadline=st.integers(45000, 48000))
def test_forecast_equals_least_squares(points, deadline):
    xs = [x for x, _ in points]
    assume(len(set(xs)) > 1)
    ends = [core.from_serial(x) for x in xs]
    values = [y for _, y in points]
    result = core.forecast(ends, values, core.from_serial(deadline), "last")
    order = sorted(range(len(xs)), key=lambda i: xs[i])
    sx = [float(xs[i]) for i in order]
    sy = [values[i] for i in order]
    expected = _forecast_linear(deadline, sy, sx)
    scale = max(1.0, max(abs(v) for v in values))
    assert math.isclose(result, expected, rel_tol=1e-7, abs_tol=1e-7 * scale)
    slope, intercept = np.polyfit(sx, sy, 1)
    assert math.isclose(result, slope * deadline + intercept, rel_tol=1e-6, abs_tol=1e-6 * scale)


@pytest.mark.parametrize("actual, plan, direction, expected", [
    (110.0, 100.0, core.INCREASE, 1.1), (90.0, 100.0, core.INCREASE, 0.9),
    # Decrease: above plan is worse, so left of 100%; below plan is better, right.
    (9.8558, 8.0, core.DECREASE, 2 - 9.8558 / 8.0), (6.0, 8.0, core.DECREASE, 1.25), (0.0, 8.0, core.DECREASE, 2.0),
    # Maintain: on plan is best; straying either way moves left.
    (105.0, 100.0, core.MAINTAIN, 0.95), (95.0, 100.0, core.MAINTAIN, 0.95), (100.0, 100.0, core.MAINTAIN, 1.0),
    (None, 100.0, core.INCREASE, None), (5.0, None, core.DECREASE, None), (5.0, 0.0, core.INCREASE, None),
    (5.0, -2.0, core.INCREASE, None),
])
def test_against_plan_is_more_is_better_for_every_direction(actual, plan, direction, expected):
    got = core.against_plan(actual, plan, direction)
    assert got == expected if expected is None else math.isclose(got, expected, rel_tol=1e-12)


def test_against_plan_orders_like_the_attainment_within_a_kpi():
    # Over a year's plan, a better actual never gives a smaller bar, whatever the direction.
    for direction, baseline, target in ((core.INCREASE, 0.0, 100.0), (core.DECREASE, 100.0, 20.0)):
        actuals = [5.0 * i for i in range(1, 30)]
        pairs = [(core.attainment(a, target, baseline, direction, 0.5), core.against_plan(
            a, core.plan(target, baseline, direction, 0.5), direction)) for a in actuals]
        pairs.sort()
        assert [p[1] for p in pairs] == sorted(p[1] for p in pairs), direction


@settings(max_examples=200, deadline=None)
@given(points=st.lists(st.tuples(st.integers(45000, 47000), st.floats(0, 1e4)), min_size=2, max_size=15),
       deadline=st.integers(45000, 48000))
def test_cumulative_forecast_is_the_total_plus_the_rate_for_the_days_left(points, deadline):
    xs = [x for x, _ in points]
    assume(len(set(xs)) > 1)
    ends = [core.from_serial(x) for x in xs]
    values = [y for _, y in points]
    result = core.forecast(ends, values, core.from_serial(deadline), "sum")
    order = sorted(range(len(xs)), key=lambda i: xs[i])
    sx = [float(xs[i]) for i in order]
    running = list(np.cumsum([values[i] for i in order]))
    slope = np.polyfit(sx, running, 1)[0]
    expected = running[-1] + slope * max(0, deadline - sx[-1])
    scale = max(1.0, sum(values))
    assert math.isclose(result, expected, rel_tol=1e-6, abs_tol=1e-6 * scale)
    if slope >= 0:  # non-negative values: never below the total achieved
        assert result >= running[-1] - 1e-9 * scale


# ----------------------------------------------------------- phasing (issue 19)
# An independent implementation of Φ: walk the days one by one, each weighing
# w(month) / days in that month, in exact fractions (no closed form, no month arithmetic).

def _days_in_month(day: date) -> int:
    nxt = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return (nxt - date(day.year, day.month, 1)).days


def reference_phase(start: date, deadline: date, as_of: date, weights) -> Fraction:
    def weight(first: date, last: date) -> Fraction:
        total, day = Fraction(0), first
        while day <= last:
            total += Fraction(weights[day.month - 1]) / _days_in_month(day)
            day += timedelta(days=1)
        return total
    if weight(start, deadline) == 0:
        raise ZeroDivisionError("every month of the period weighs 0")
    if as_of < start:
        return Fraction(0)
    if as_of >= deadline:
        return Fraction(1)
    return weight(start, as_of) / weight(start, deadline)


days = st.dates(date(2020, 1, 1), date(2030, 12, 31))
profiles = st.lists(st.one_of(st.just(0.0), st.floats(0.0, 1e4), st.integers(0, 1000).map(float)),
                    min_size=12, max_size=12)


@settings(max_examples=150, deadline=None)
@given(start=days, span=st.integers(1, 800), offset=st.integers(-40, 840), weights=profiles)
def test_phase_equals_a_day_by_day_sum_of_the_densities(start, span, offset, weights):
    deadline, as_of = start + timedelta(days=span), start + timedelta(days=offset)
    try:
        expected = reference_phase(start, deadline, as_of, weights)
    except ZeroDivisionError:  # every month the period touches weighs 0: invalid
        with pytest.raises(DefinitionError, match="weighs 0 in every month"):
            core.phase(start, deadline, as_of, weights, "Retail")
        return
    assert core.phase_fraction(start, deadline, as_of, weights) == expected
    assert core.phase(start, deadline, as_of, weights) == float(expected)


@settings(max_examples=150, deadline=None)
@given(first=st.dates(date(2020, 1, 1), date(2030, 12, 1)), months=st.integers(1, 12),
       sub_targets=st.lists(st.integers(1, 10**6), min_size=12, max_size=12))
def test_with_the_months_sub_targets_as_weights_the_plan_at_each_month_end_is_their_running_sum(
        first, months, sub_targets):
    start = date(first.year, first.month, 1)
    deadline = core.month_end(start, months - 1)
    touched = [sub_targets[core.month_end(start, i).month - 1] for i in range(months)]
    target = float(sum(touched))
    for i in range(months):
        end = core.month_end(start, i)
        so_far = sum(touched[: i + 1])
        assert core.phase_fraction(start, deadline, end, sub_targets) == Fraction(so_far, sum(touched))
        planned = core.plan(target, None, "increase", core.phase(start, deadline, end, sub_targets), "sum")
        assert planned == pytest.approx(so_far, rel=1e-15)  # one float rounding of an exact share
        goals = core.goals(core.KpiDefinition("K", target, aggregation="sum", start=start, deadline=deadline,
                                              phasing=tuple(map(float, sub_targets))), None, end)
        assert goals.month_goal == pytest.approx(touched[i], rel=0, abs=target * 1e-15)  # t*(Φ(m) - Φ(m-1))


@settings(max_examples=100, deadline=None)
@given(start=days, span=st.integers(1, 800), offset=st.integers(-40, 840), t=st.floats(1, 1e6),
       b=st.one_of(st.none(), st.floats(-1e5, 0.5)), aggregation=aggregations)
def test_a_blank_profile_gives_the_old_numbers(start, span, offset, t, b, aggregation):
    deadline, as_of = start + timedelta(days=span), start + timedelta(days=offset)
    f = min(1.0, max(0.0, offset / span))  # the elapsed fraction as it always was
    assert core.phase(start, deadline, as_of, None) == f
    definition = core.KpiDefinition("K", t, baseline=b, aggregation=aggregation, start=start, deadline=deadline)
    points = [(start + timedelta(days=7 * i), 0.1 * t * (i + 1)) for i in range(4)]
    result = core.evaluate(definition, points, as_of)
    assert result.elapsed == f
    assert result.plan == core.plan(t, b, "increase", f, aggregation)
    counted = core.window(points, as_of, start)
    assert result.forecast == core.forecast([d for d, _ in counted], [v for _, v in counted], deadline, aggregation)


@settings(max_examples=100, deadline=None)
@given(year=st.integers(2020, 2030), weights=profiles.filter(lambda w: w[6] > 0))
def test_a_fiscal_year_from_july_uses_julys_weight_first(year, weights):
    start, deadline = date(year, 7, 1), date(year + 1, 6, 30)
    total = sum(map(Fraction, weights))
    assert core.phase_fraction(start, deadline, date(year, 7, 31), weights) == Fraction(weights[6]) / total
    assert core.phase_fraction(start, deadline, date(year, 7, 16), weights) == Fraction(weights[6]) * 16 / 31 / total
    july_to_january = sum(map(Fraction, weights[6:] + weights[:1]))
    assert core.phase_fraction(start, deadline, date(year + 1, 1, 31), weights) == july_to_january / total


def test_twelve_equal_weights_give_each_month_the_same_share():
    start, deadline = date(2026, 1, 1), date(2026, 12, 31)
    assert core.phase(start, deadline, date(2026, 2, 28), [1] * 12) == pytest.approx(2 / 12, abs=1e-15)
    assert core.phase(start, deadline, date(2026, 2, 14), [1] * 12) == pytest.approx(1.5 / 12, abs=1e-15)
    assert core.elapsed_fraction(start, deadline, date(2026, 2, 28)) == 58 / 364  # not the same as linear


def test_a_period_shorter_and_one_longer_than_a_year():
    w = [1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 4]
    assert core.phase(date(2026, 3, 1), date(2026, 4, 30), date(2026, 3, 31), w) == 0.5
    # 2025-12 .. 2027-01: Dec (4), Jan..Dec 2026 (24), Jan 2027 (1)
    assert core.phase_fraction(date(2025, 12, 1), date(2027, 1, 31), date(2026, 12, 31), w) == Fraction(28, 29)


def test_a_profile_weighing_0_in_every_month_of_the_period_is_an_error_naming_it():
    w = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1]
    with pytest.raises(DefinitionError, match="the phasing profile 'Summer' weighs 0 in every month from "
                                              "2026-01-01 to 2026-06-30; give at least one"):
        core.phase(date(2026, 1, 1), date(2026, 6, 30), date(2026, 3, 1), w, "Summer")
    with pytest.raises(DefinitionError, match="'Summer' weighs 0"):
        core.KpiDefinition("K", 10, start=date(2026, 1, 1), deadline=date(2026, 6, 30), phasing=tuple(w),
                           profile="Summer").check()


@pytest.mark.parametrize("weights, message", [
    ([1] * 11, "needs 12 month weights"),
    ([1] * 11 + [None], "has a blank weight for month 12"),
    ([1, -1] + [1] * 10, "has a negative weight for month 2"),
    (["x"] + [1] * 11, "weight for month 1 'x' is text"),
])
def test_a_bad_weight_is_an_error_naming_the_month(weights, message):
    with pytest.raises(DefinitionError, match=message):
        core.phase(date(2026, 1, 1), date(2026, 12, 31), date(2026, 3, 1), weights, "P")


def test_phi_zero_means_not_started_and_the_plan_starts_with_the_first_weighed_month():
    w = [0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]  # nothing planned in January and February
    d = core.KpiDefinition("K", 1000, aggregation="sum", start=date(2026, 1, 1), deadline=date(2026, 12, 31),
                           phasing=tuple(w))
    early = core.evaluate(d, [(date(2026, 1, 31), 5.0)], date(2026, 2, 15))
    assert (early.elapsed, early.plan, early.attainment, early.status) == (0.0, 0.0, None, core.NOT_STARTED)
    march = core.evaluate(d, [(date(2026, 1, 31), 5.0), (date(2026, 3, 31), 95.0)], date(2026, 3, 31))
    assert march.plan == pytest.approx(100.0, rel=1e-15)
    assert march.attainment == pytest.approx(1.0, rel=1e-15) and march.status == core.ON_TRACK


def test_a_seasonal_business_exactly_on_budget_reads_on_plan_all_year():
    # Issue 19: a July-June year, Q4 (Oct-Dec) brings 40% of the sales; sales exactly on budget.
    w = [5, 5, 6, 6, 6, 6, 5, 5, 6, 13, 13, 14]  # Jan..Dec, 90 in all, Oct-Dec 40 (44%)
    start, deadline = date(2026, 7, 1), date(2027, 6, 30)
    d = core.KpiDefinition("Sales", 9000, aggregation="sum", start=start, deadline=deadline, phasing=tuple(w))
    points = []
    for i in range(12):
        end = core.month_end(start, i)
        points.append((end, 100.0 * w[end.month - 1]))
        result = core.evaluate(d, points, end)
        assert result.attainment == pytest.approx(1.0, rel=1e-12), end
        assert result.status == core.ON_TRACK
        assert result.forecast == pytest.approx(9000, rel=1e-12)  # S_last / Φ(x_last)
    linear = core.evaluate(core.KpiDefinition("Sales", 9000, aggregation="sum", start=start, deadline=deadline),
                           points[:2], date(2026, 8, 31))
    assert linear.attainment < 0.85  # the straight line reads the same business as Off track


def test_the_phased_forecast_is_blank_when_nothing_is_due_by_the_latest_period_end():
    w = [0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
    assert core.forecast([date(2026, 1, 31)], [5.0], date(2026, 12, 31), "sum", date(2026, 1, 1), w) is None
    assert core.forecast([date(2026, 3, 31)], [5.0], date(2026, 12, 31), "sum", date(2026, 1, 1), w) == 50.0
    # A level KPI keeps the line, profile or not.
    assert core.forecast([date(2026, 3, 31)], [5.0], date(2026, 12, 31), "last", date(2026, 1, 1), w) is None


def test_revised_attainment_of_a_level_kpi_with_a_baseline_reads_sanely_in_january():
    # Issue 19: a satisfaction score from 70 to 80 over the year; in January (f = 31/364 at Jan 31)
    # a score of 70.5 read 1543%-ish with z = b. Now 1 + (a - p)/(t - b).
    f = core.elapsed_fraction(date(2026, 1, 1), date(2026, 12, 31), date(2026, 1, 31))
    p = 70 + 10 * f
    assert core.attainment(70.5, 80, 70, "increase", f) == pytest.approx(1 + (70.5 - p) / 10, rel=1e-12)
    assert core.attainment(69.5, 80, 70, "increase", f) == pytest.approx(1 + (69.5 - p) / 10, rel=1e-12)
    assert core.attainment(120, 100, 200, "decrease", 0.25) == pytest.approx(1 + (120 - 175) / -100)
    # At the deadline it is the old (a - b) / (t - b).
    assert core.attainment(1050, 1100, 1000, "increase", 1.0) == pytest.approx(0.5, rel=1e-15)


def test_needed_is_the_remainders_share_of_the_span():
    assert core.needed(400, 1000, 0.4, 0.5) == pytest.approx(600 * 0.1 / 0.6)
    assert core.needed(None, 1000, 0.0, 0.25) == 250
    assert core.needed(1200, 1000, 0.4, 0.5) == 0  # already past the target
    assert core.needed(400, 1000, 1.0, 1.0) is None
    with pytest.raises(DefinitionError, match="phase_until must be between 0 and 1"):
        core.needed(400, 1000, 0.4, 1.5)


def test_goals_of_a_cumulative_and_a_level_kpi():
    start, deadline = date(2026, 1, 1), date(2026, 12, 31)
    w = tuple(float(x) for x in (1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 4))  # 24 in all
    d = core.KpiDefinition("Sales", 2400, aggregation="sum", start=start, deadline=deadline, phasing=w)
    g = core.goals(d, 150.0, date(2026, 3, 10))
    phi = core.phase(start, deadline, date(2026, 3, 10), w)
    assert phi == pytest.approx((1 + 1 + 2 * 10 / 31) / 24)
    assert g.year_target == 2400 and g.plan_to_date == pytest.approx(2400 * phi)
    assert g.month_goal == pytest.approx(200)
    remaining_share = 1 - phi
    assert g.needed_month == pytest.approx(2250 * (4 / 24 - phi) / remaining_share)
    assert g.needed_day == pytest.approx(2250 * (2 / 31 / 24) / remaining_share)
    # A decrease KPI: what is needed reads as the allowance left (t - a, never below 0).
    cost = core.KpiDefinition("Cost", 800, core.DECREASE, "sum", baseline=1000, start=start, deadline=deadline)
    gc = core.goals(cost, 900.0, date(2026, 6, 30))
    assert (gc.needed_month, gc.needed_day) == (0.0, 0.0)
    # A level KPI: the month goal is the plan at the month's last day; nothing is "needed".
    score = core.KpiDefinition("NPS", 80, baseline=70, start=start, deadline=deadline)
    gl = core.goals(score, 71.0, date(2026, 3, 10))
    assert gl.month_goal == pytest.approx(70 + 10 * 89 / 364) and gl.needed_month is gl.needed_day is None
    assert core.evaluate(score, [], date(2026, 3, 10)).goals == gl


@settings(max_examples=150, deadline=None)
@given(start=days, span=st.integers(1, 800), offset=st.integers(-40, 840), t=st.floats(1, 1e6),
       b=st.one_of(st.none(), st.floats(-1e5, 0.5)), aggregation=aggregations,
       direction=st.sampled_from([core.INCREASE, core.DECREASE, core.MAINTAIN]),
       weights=st.one_of(st.none(), profiles.filter(lambda w: sum(w) > 0)),
       values=st.lists(st.floats(-1e6, 1e6), max_size=8))
def test_window_and_status_is_window_and_evaluates_status(start, span, offset, t, b, aggregation, direction, weights,
                                                           values):
    """The Commentary rule's status (validate asks it of every KPI) is evaluate's, without the trend and forecast."""
    deadline, as_of = start + timedelta(days=span), start + timedelta(days=offset)
    definition = core.KpiDefinition("K", t, direction, aggregation, baseline=b if direction != core.MAINTAIN else None,
                                    start=start, deadline=deadline, phasing=weights)
    points = [(start + timedelta(days=7 * i), v) for i, v in enumerate(values)]

    def outcome(status):
        try:
            return status()
        except DefinitionError as error:  # a definition the rules name: both refuse it alike
            return f"refused: {error}"

    assert outcome(lambda: core.window_and_status(definition, points, as_of)) == \
        outcome(lambda: (core.window(points, as_of, start), core.evaluate(definition, points, as_of).status))


@given(points=st.lists(st.tuples(days, st.floats(-10, 10)), max_size=12), as_of=days, start=st.one_of(st.none(), days))
def test_window_keeps_what_in_window_counts_in_period_order(points, as_of, start):
    kept = [p for p in points if core.in_window(p[0], as_of, start)]
    assert core.window(points, as_of, start) == sorted(kept, key=lambda p: p[0])
