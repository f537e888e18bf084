"""Own every KPI number kpixl computes, as pure functions.

This module is the single implementation of ``docs/kpi-semantics.md``:
vocabulary parsing (every registered language; the words are the catalogue's), elapsed fraction and phase (a plan
phased by a profile of 12 month weights), actual, plan, attainment, status,
trend, forecast, the goals now (month goal, needed) and roll-up. It does no I/O and imports
neither Excel libraries nor click, so the UDFs (also in xlwings Lite's
Pyodide), the template tests, validate and consolidate all call the same code.

Conventions: a blank is ``None``; dates are :class:`datetime.date` (callers
convert Excel serials with :func:`from_serial`); invalid definitions raise
:class:`~kpixl.errors.DefinitionError` whose message says what to change.
"""

from __future__ import annotations

import math
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction
from typing import Iterable, Sequence

from kpixl import texts
from kpixl.errors import DefinitionError
from kpixl.message import AREA, Message, Number, message
from kpixl.vocab import LANGUAGES, Language

# ---------------------------------------------------------------- vocabulary

INCREASE, DECREASE, MAINTAIN = "increase", "decrease", "maintain"
SUM, AVERAGE, LAST, MIN, MAX = "sum", "average", "last", "min", "max"
ON_TRACK, AT_RISK, OFF_TRACK, NOT_STARTED, NO_DATA = "On track", "At risk", "Off track", "Not started", "No data"
IMPROVING, STABLE, WORSENING = "Improving", "Stable", "Worsening"
# An action's state in the Commentary table (workbook.md, "Commentary").
OPEN, DONE, DROPPED = "Open", "Done", "Dropped"

DEFAULT_GREEN = 0.95
DEFAULT_AMBER = 0.85
DEFAULT_WEIGHT = 1.0
DEFAULT_TOLERANCE_SHARE = 0.1
TREND_STABLE_BAND = 0.02
TREND_WINDOW = 6

# The canonical values of each vocabulary, in the order dropdowns show them. Their words in
# each language are the catalogue's (``vocabulary.<name>.<value>``); English shows the
# statuses, trends and action statuses as their canonical values. Parsing accepts every
# word of every registered language.
VOCABULARIES: dict[str, tuple[str, ...]] = {
    "direction": (INCREASE, DECREASE, MAINTAIN),
    "aggregation": (SUM, AVERAGE, LAST, MIN, MAX),
    "frequency": ("weekly", "monthly", "quarterly", "yearly"),
    "level": ("high", "low"),
    "status": (ON_TRACK, AT_RISK, OFF_TRACK, NOT_STARTED, NO_DATA),
    "trend": (IMPROVING, STABLE, WORSENING, NO_DATA),
    "action_status": (OPEN, DONE, DROPPED),
}

# vocabulary -> language -> canonical value -> word.
_WORDS: dict[str, dict[str, dict[str, str]]] = {
    name: {language.value: {canon: texts.text("vocabulary", f"{name}.{canon}", language) for canon in values}
           for language in Language}
    for name, values in VOCABULARIES.items()
}

_LOOKUP: dict[str, dict[str, str]] = {
    name: {w.casefold(): canon for lang in langs.values() for canon, w in lang.items()}
    | {canon.casefold(): canon for canon in langs["en"]}
    for name, langs in _WORDS.items()
}


def word(vocabulary: str, value: str, language: str = "en") -> str:
    """Return the display word of canonical ``value`` in ``language`` (anything :meth:`Language.parse` takes)."""
    return _WORDS[vocabulary][Language.parse(language)][value]


def parse_language(text: object) -> Language:
    """Return the :class:`~kpixl.vocab.Language` of a language argument (blank, NaN included, means English).

    :meth:`Language.parse` decides; an unknown language raises :class:`DefinitionError`.
    """
    return Language.parse(None if is_blank(text) else text)


def parse_word(vocabulary: str, text: object, default: str | None = None) -> str:
    """Return the canonical value of an English or Danish word (case and spaces ignored).

    A blank gives ``default``; with no default a blank is an error.
    """
    if is_blank(text):
        if default is not None:
            return default
        raise DefinitionError(message("core.word_blank", v=Word(vocabulary), words=_accepted(vocabulary)))
    canon = _LOOKUP[vocabulary].get(" ".join(str(text).split()).casefold())
    if canon is None:
        raise DefinitionError(message("core.word_unknown", v=Word(vocabulary), x=repr(str(text).strip()),
                                      words=_accepted(vocabulary)))
    return canon


def _accepted(vocabulary: str) -> "Accepted":
    return Accepted(tuple((language.value, tuple(_WORDS[vocabulary][language.value].values()))
                          for language in LANGUAGES))


@dataclass(frozen=True)
class Accepted:
    """Fact of a message (:mod:`kpixl.message`): the words a cell accepts, in every language (any is read).

    Said in a language as that language's words first, the others' in brackets
    (``increase, decrease, maintain (or øge, mindske, fastholde)``; in Danish ``øge, mindske,
    fastholde (eller increase, decrease, maintain)``), so a Danish message does not start with English.
    """

    words: tuple[tuple[str, tuple[str, ...]], ...]

    def render(self, language: Language) -> str:
        """Return the accepted words, ``language``'s own first (English's for a language with none of its own)."""
        by_language = dict(self.words)
        first = by_language.get(language.value, by_language[Language.EN.value])
        others = [w for words in by_language.values() for w in words if w not in first]
        if not others:
            return message("core.words", words=", ".join(first)).render(language)
        return message("core.words_other", words=", ".join(first),
                       other=", ".join(dict.fromkeys(others))).render(language)


@dataclass(frozen=True)
class Word:
    """Fact of a message (:mod:`kpixl.message`): a vocabulary word or name as a message wrote it in English.

    Said in another language as that language's word: a vocabulary's value (``weekly``,
    ``on track``), else the catalogue's ``word.<word>`` (``direction``, ``keep``, ``true``);
    a word it knows nowhere stays as it is.
    """

    text: str

    def render(self, language: Language) -> str:
        """Return the word in ``language``."""
        if language is Language.EN:
            return self.text
        folded = " ".join(self.text.split()).casefold()
        for vocabulary, lookup in _LOOKUP.items():
            if folded in lookup:
                return word(vocabulary, lookup[folded], language)
        return texts.of(AREA, language).get(f"word.{folded}", self.text)


def parse_direction(text: object, default: str | None = INCREASE) -> str:
    """Return increase/decrease/maintain for an English or Danish word."""
    return parse_word("direction", text, default)


def parse_aggregation(text: object, default: str | None = LAST) -> str:
    """Return sum/average/last/min/max for an English or Danish word."""
    return parse_word("aggregation", text, default)


def parse_frequency(text: object, default: str | None = None) -> str:
    """Return weekly/monthly/quarterly/yearly for an English or Danish word."""
    return parse_word("frequency", text, default)


def parse_level(text: object, default: str | None = None) -> str:
    """Return high/low for an English or Danish word."""
    return parse_word("level", text, default)


def parse_status(text: object) -> str:
    """Return the canonical (English) status for an English or Danish status word."""
    return parse_word("status", text)


def is_cumulative(aggregation: str) -> bool:
    """Return True for a cumulative KPI (aggregation ``sum``)."""
    return aggregation == SUM


# --------------------------------------------------------------------- blanks, dates

_EXCEL_EPOCH = date(1899, 12, 30)


def is_blank(value: object) -> bool:
    """Return True for None, empty/whitespace text and NaN."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    if isinstance(value, float):
        return math.isnan(value)
    return False


def to_serial(value: date | datetime) -> int:
    """Return the Excel (1900 system) day serial of a date, whole days."""
    if isinstance(value, datetime):
        value = value.date()
    return (value - _EXCEL_EPOCH).days


def from_serial(serial: float) -> date:
    """Return the date of an Excel (1900 system) day serial; fractions are dropped."""
    return _EXCEL_EPOCH + timedelta(days=int(math.floor(serial)))


def to_date(value: object) -> date | None:
    """Return a date from a date, datetime or Excel serial number; blank gives None."""
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise DefinitionError(message("core.not_a_date", x=repr(value)))
    if isinstance(value, (int, float)):
        if not math.isfinite(value) or not (1 <= value < 2958466):
            raise DefinitionError(message("core.not_a_date_serial", x=repr(value)))
        return from_serial(value)
    if hasattr(value, "item"):  # numpy scalar
        return to_date(value.item())
    raise DefinitionError(message("core.not_a_date_type", x=repr(value)))


def to_number(value: object, what: object = "value") -> float | None:
    """Return a float from a number; blank gives None; text is an error naming ``what``."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise DefinitionError(message("core.not_a_number", what=what, x=repr(value)))
    if isinstance(value, (int, float)):
        number = float(value)
    elif hasattr(value, "item") and not isinstance(value, str):
        return to_number(value.item(), what)
    else:
        raise DefinitionError(message("core.text_not_number", what=what, x=repr(str(value))))
    if not math.isfinite(number):
        raise DefinitionError(message("core.not_finite", what=what, x=repr(value)))
    return number




def _fmt(x: float | None) -> str:
    if x is None:
        return "blank"
    return f"{x:g}" if abs(x) < 1e15 else repr(x)


# ---------------------------------------------------------------------- elapsed

def elapsed_fraction(start: date | None, deadline: date | None, as_of: date) -> float:
    """Return f = clamp((D - start) / (deadline - start), 0, 1) in whole days.

    No start or no deadline gives 1. ``deadline <= start`` is invalid.
    """
    if start is None or deadline is None:
        return 1.0
    check_dates(start, deadline)
    span = (deadline - start).days
    return min(1.0, max(0.0, (as_of - start).days / span))


def check_dates(start: date | None, deadline: date | None) -> None:
    """Raise when the deadline is not after the start."""
    if start is not None and deadline is not None and deadline <= start:
        raise DefinitionError(message("core.deadline_after_start", s=start.isoformat(), d=deadline.isoformat()))


# ---------------------------------------------------------------------- phasing

MONTHS = 12
Weights = Sequence[float]


def _profile(profile: str | None) -> Message:
    return message("core.profile") if profile is None else message("core.profile_named", name=repr(profile))


def check_weights(weights: Sequence[object], profile: str | None = None) -> tuple[float, ...]:
    """Return a phasing profile's 12 month weights (January first) as floats, or raise naming the profile.

    Each weight must be a finite number >= 0; only their ratios matter.
    """
    name = _profile(profile)
    if len(weights) != MONTHS:
        raise DefinitionError(message("core.weights_count", name=name, n=len(weights)))
    out = []
    for month, w in enumerate(weights, 1):
        if is_blank(w):
            raise DefinitionError(message("core.weight_blank", name=name, month=month))
        number = to_number(w, message("core.weight_of", name=name, month=month))
        if number is None or number < 0:
            raise DefinitionError(message("core.weight_negative", name=name, month=month, w=Number(_fmt(number))))
        out.append(number)
    return tuple(out)


def _density_to(day: date, weights: tuple[float, ...]) -> Fraction:
    """Return the sum of the day densities w(month)/days-in-month from an origin to ``day`` inclusive, exactly.

    C(x) = years * sum(w) + the weights of x's year's earlier months + w(x's month) * day / days in month,
    so the days start..D sum to C(D) - C(start - 1), however many months lie between.
    """
    ws = [Fraction(w) for w in weights]
    before = sum(ws[: day.month - 1], Fraction(0))
    return day.year * sum(ws, Fraction(0)) + before + ws[day.month - 1] * day.day / monthrange(day.year, day.month)[1]


def phase_density(day: date, weights: Sequence[float], year0: int) -> float:
    """Return the weight of the days from 1 January of ``year0`` to ``day`` inclusive (the native formulas'
    helper cells hold it, :func:`kpixl.formulas.phase_density`)."""
    ws = check_weights(weights)
    return float(_density_to(day, ws) - year0 * sum(map(Fraction, ws), Fraction(0)))


def phase_span(start: date, deadline: date, weights: Sequence[float], profile: str | None = None) -> Fraction:
    """Return the sum of the day densities over start..deadline; raise when it is 0 (every touched month weighs 0)."""
    ws = check_weights(weights, profile)
    total = _density_to(deadline, ws) - _density_to(start - timedelta(days=1), ws)
    if total == 0:
        raise DefinitionError(message("core.weights_zero", name=_profile(profile), s=start.isoformat(),
                                      d=deadline.isoformat()))
    return total


def phase(start: date | None, deadline: date | None, as_of: date, weights: Sequence[float] | None = None,
          profile: str | None = None) -> float:
    """Return Φ, the share of the plan due by the end of ``as_of`` (docs/kpi-semantics.md, "Phasing").

    No weights (a blank profile): Φ = f, :func:`elapsed_fraction`. With 12 month weights each
    day x weighs w(month of x) / days in that month and days count whole and inclusive:
    Φ(D) = the weight of the days start..D over that of start..deadline; 0 before the
    start, 1 from the deadline on. No start or no deadline: 1. ``profile`` names the
    profile in an error.
    """
    if weights is None:
        return elapsed_fraction(start, deadline, as_of)
    return float(phase_fraction(start, deadline, as_of, weights, profile))


def phase_fraction(start: date | None, deadline: date | None, as_of: date, weights: Sequence[float],
                   profile: str | None = None) -> Fraction:
    """Return Φ of a phased plan as an exact fraction (:func:`phase` rounds it to a float once).

    With the months' own sub-targets as weights and a period of whole months, Φ at a
    month's last day is exactly (sub-targets so far) / (their total).
    """
    check_dates(start, deadline)
    if start is None or deadline is None:
        check_weights(weights, profile)
        return Fraction(1)
    total = phase_span(start, deadline, weights, profile)
    if as_of < start:
        return Fraction(0)
    if as_of >= deadline:
        return Fraction(1)
    ws = check_weights(weights, profile)
    return (_density_to(as_of, ws) - _density_to(start - timedelta(days=1), ws)) / total


def month_end(day: date, months: int = 0) -> date:
    """Return the last day of the month ``months`` after ``day``'s month (Excel's EOMONTH)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, monthrange(year, month + 1)[1])


# ----------------------------------------------------------------------- actual

def in_window(period_end: date, as_of: date, start: date | None) -> bool:
    """Return True when a measurement counts as of ``as_of``: start <= period_end <= D."""
    return period_end <= as_of and (start is None or period_end >= start)


def window(measurements: Iterable[tuple[date, float]], as_of: date,
           start: date | None = None) -> list[tuple[date, float]]:
    """Return the (period_end, value) pairs that count as of ``as_of``, in period order.

    Pairs with the same period end keep their input order (the sort is stable).
    """
    # in_window's test, spelled out: a function call per measurement would cost more than the test.
    if start is None:
        kept = [(d, v) for d, v in measurements if d <= as_of]
    else:
        kept = [(d, v) for d, v in measurements if start <= d <= as_of]
    kept.sort(key=lambda pair: pair[0])
    return kept


def combine(values: Sequence[float], aggregation: str) -> float | None:
    """Return ``values`` (already in period order) combined by ``aggregation``."""
    if not values:
        return None
    if aggregation == SUM:
        return math.fsum(values)
    if aggregation == AVERAGE:
        return math.fsum(values) / len(values)
    if aggregation == LAST:
        return values[-1]
    if aggregation == MIN:
        return min(values)
    if aggregation == MAX:
        return max(values)
    raise DefinitionError(message("core.unknown_aggregation", x=repr(aggregation)))


def actual(measurements: Iterable[tuple[date, float]], aggregation: str, as_of: date,
           start: date | None = None) -> float | None:
    """Return the actual as of ``as_of``: the measurements in the window, combined.

    ``last`` takes the value with the latest period end (a tie: the one given last).
    No measurement in the window gives None (status ``No data``).
    """
    return combine([v for _, v in window(measurements, as_of, start)], aggregation)


# ------------------------------------------------------------- plan, attainment

def check_definition(target: float | None, baseline: float | None = None, direction: str = INCREASE,
                     tolerance: float | None = None) -> None:
    """Raise DefinitionError when target, baseline, direction and tolerance do not fit."""
    if target is None:
        raise DefinitionError(message("core.target_blank"))
    if direction == INCREASE:
        if baseline is None and target <= 0:
            raise DefinitionError(message("core.increase_no_baseline", t=Number(_fmt(target))))
        if baseline is not None and target <= baseline:
            raise DefinitionError(message("core.increase_above", t=Number(_fmt(target)), b=Number(_fmt(baseline))))
    elif direction == DECREASE:
        if baseline is None:
            raise DefinitionError(message("core.decrease_no_baseline", t=Number(_fmt(target))))
        if target >= baseline:
            raise DefinitionError(message("core.decrease_below", t=Number(_fmt(target)), b=Number(_fmt(baseline))))
    elif direction == MAINTAIN:
        maintain_tolerance(target, tolerance)
    else:
        raise DefinitionError(message("core.unknown_direction", x=repr(direction)))


def maintain_tolerance(target: float, tolerance: float | None) -> float:
    """Return the tolerance of a maintain KPI: given, else 10% of |target|."""
    if tolerance is None:
        # 10% of a target this close to 0 underflows to 0: it needs a tolerance as much as 0 does
        if DEFAULT_TOLERANCE_SHARE * abs(target) == 0:
            raise DefinitionError(message("core.maintain_tolerance"))
        return DEFAULT_TOLERANCE_SHARE * abs(target)
    if tolerance <= 0:
        raise DefinitionError(message("core.tolerance_above_0", t=Number(_fmt(tolerance))))
    return tolerance


def zero_and_plan(target: float, baseline: float | None = None, direction: str = INCREASE,
                  elapsed: float = 1.0, aggregation: str = LAST) -> tuple[float, float]:
    """Return (zero point z, plan p) of an increase or decrease KPI at elapsed fraction (or phase) f.

    A level KPI with a baseline has z = p - (t - b) (revised 2026-12-07): attainment then
    reads 1 + (a - p)/(t - b), the distance to the plan in units of the whole planned
    change, and not a ratio to the tiny (t - b)*f early in the period. At f = 1 it is the
    old z = b.
    """
    if is_cumulative(aggregation):
        return (0.0 if baseline is None else baseline * elapsed), target * elapsed
    if baseline is None:
        return 0.0, target
    planned = baseline + (target - baseline) * elapsed
    return planned - (target - baseline), planned


def plan(target: float, baseline: float | None = None, direction: str = INCREASE, elapsed: float = 1.0,
         aggregation: str = LAST, tolerance: float | None = None) -> float:
    """Return where the KPI should be at elapsed fraction f (the plan p)."""
    check_definition(target, baseline, direction, tolerance)
    if direction == MAINTAIN:
        return target * elapsed if is_cumulative(aggregation) else target
    return zero_and_plan(target, baseline, direction, elapsed, aggregation)[1]


def not_started(elapsed: float, direction: str, aggregation: str) -> bool:
    """Return True when f = 0 means the KPI has not started (maintain-level ignores f)."""
    return elapsed <= 0 and not (direction == MAINTAIN and not is_cumulative(aggregation))


def attainment(actual_value: float | None, target: float, baseline: float | None = None,
               direction: str = INCREASE, elapsed: float = 1.0, aggregation: str = LAST,
               tolerance: float | None = None) -> float | None:
    """Return attainment = (a - z) / (p - z), or the maintain formula; unclipped.

    None when there is no actual or the KPI has not started (f = 0).
    """
    check_definition(target, baseline, direction, tolerance)
    if not (0.0 <= elapsed <= 1.0):
        raise DefinitionError(message("core.elapsed_range", e=Number(_fmt(elapsed))))
    if not_started(elapsed, direction, aggregation) or actual_value is None:
        return None
    if direction == MAINTAIN:
        tol = maintain_tolerance(target, tolerance)
        if is_cumulative(aggregation):
            if tol * elapsed == 0:
                raise DefinitionError(message("core.tolerance_small", t=Number(_fmt(tol))))
            return max(0.0, 1.0 - abs(actual_value - target * elapsed) / (tol * elapsed))
        return max(0.0, 1.0 - abs(actual_value - target) / tol)
    zero, planned = zero_and_plan(target, baseline, direction, elapsed, aggregation)
    if planned == zero:  # a target a rounding error away from its baseline
        raise DefinitionError(message("core.target_close", t=Number(repr(target)), b=Number(repr(baseline))))
    return (actual_value - zero) / (planned - zero)


def check_thresholds(green: float, amber: float) -> None:
    """Raise when the green threshold is below the amber one."""
    if green < amber:
        raise DefinitionError(message("core.green_amber", g=Number(_fmt(green)), a=Number(_fmt(amber))))


def status_of(attainment_value: float | None, green: float = DEFAULT_GREEN, amber: float = DEFAULT_AMBER,
              started: bool = True) -> str:
    """Return the status for an attainment: On track / At risk / Off track (inclusive bounds).

    ``started=False`` gives Not started; no attainment gives No data.
    """
    check_thresholds(green, amber)
    if not started:
        return NOT_STARTED
    if attainment_value is None:
        return NO_DATA
    r = round(attainment_value, 9)
    if r >= green:
        return ON_TRACK
    if r >= amber:
        return AT_RISK
    return OFF_TRACK


def status(actual_value: float | None, target: float, baseline: float | None = None, direction: str = INCREASE,
           elapsed: float = 1.0, aggregation: str = LAST, tolerance: float | None = None,
           green: float = DEFAULT_GREEN, amber: float = DEFAULT_AMBER) -> str:
    """Return the status of a KPI from its actual and definition."""
    value = attainment(actual_value, target, baseline, direction, elapsed, aggregation, tolerance)
    return status_of(value, green, amber, started=not not_started(elapsed, direction, aggregation))


def against_plan(actual_value: float | None, plan_value: float | None, direction: str = INCREASE) -> float | None:
    """Return the actual against the plan as a ratio where more is better for every direction (1 = on plan).

    Increase: actual / plan. Decrease: 2 - actual / plan (as far above 1 as the actual is
    below the plan). Maintain: 1 - |actual / plan - 1| (1 on plan, less either way). None
    without both numbers or with a plan not above 0. The Dashboard's "Against plan" chart
    plots it, so a bar right of 100% is better than plan whatever the direction.
    """
    if actual_value is None or plan_value is None or plan_value <= 0:
        return None
    ratio = actual_value / plan_value
    if direction == DECREASE:
        return 2.0 - ratio
    if direction == MAINTAIN:
        return 1.0 - abs(ratio - 1.0)
    return ratio


# ------------------------------------------------------------------------ trend

def _slope(xs: Sequence[float], ys: Sequence[float]) -> float:
    n = len(xs)
    mx = math.fsum(xs) / n
    my = math.fsum(ys) / n
    sxx = math.fsum((x - mx) ** 2 for x in xs)
    sxy = math.fsum((x - mx) * (y - my) for x, y in zip(xs, ys))
    return sxy / sxx


def trend_slope(values: Sequence[float], direction: str = INCREASE, target: float | None = None) -> float | None:
    """Return the relative slope rel = slope*(n-1)/s that :func:`trend` judges (None below 2 values).

    s = mean |values| (0 gives 1); a maintain KPI's values are its distances |v - t|.
    """
    values = list(values)
    if len(values) < 2:
        return None
    if direction == MAINTAIN:
        if target is None:
            raise DefinitionError(message("core.trend_target"))
        values = [abs(v - target) for v in values]
    n = len(values)
    slope = _slope(range(n), values)
    scale = math.fsum(abs(v) for v in values) / n or 1.0
    return slope * (n - 1) / scale


def trend(values: Sequence[float], direction: str = INCREASE, target: float | None = None) -> str:
    """Return Improving / Stable / Worsening / No data for values in period order.

    rel = slope*(n-1)/s with s = mean |values| (0 gives 1); |rel| < 0.02 is Stable.
    Maintain fits the distances |v - t| and treats them as decrease.
    """
    rel = trend_slope(values, direction, target)
    if rel is None:
        return NO_DATA
    if direction == MAINTAIN:
        direction = DECREASE
    if abs(rel) < TREND_STABLE_BAND:
        return STABLE
    good = rel > 0 if direction == INCREASE else rel < 0
    return IMPROVING if good else WORSENING


# --------------------------------------------------------------------- forecast

def forecast(period_ends: Sequence[date], values: Sequence[float], deadline: date | None,
             aggregation: str = LAST, start: date | None = None, weights: Sequence[float] | None = None,
             profile: str | None = None) -> float | None:
    """Return the forecast at the deadline from a least-squares line of y on the dates.

    Level KPIs: y is the values and the forecast is the line at the deadline, as
    Excel's ``FORECAST.LINEAR``. Cumulative KPIs (``sum``): y is the running sum and
    the forecast is what is already achieved plus the line's rate for the days left,
    ``S_last + slope * max(0, deadline - x_last)`` (the line itself can end below
    what is already achieved). Points are sorted by period end (ties keep their
    order). Fewer than 2 points, all dates equal or no deadline gives None.

    A *phased* cumulative KPI (``weights`` given) forecasts ``S_last / Φ(x_last)``: what
    is achieved, scaled by the share of the plan due by the latest period end (a
    seasonal year is not a straight line). One point is enough; none, or Φ(x_last) = 0,
    gives None.
    """
    if weights is not None and is_cumulative(aggregation):
        return phased_forecast(period_ends, values, start, deadline, weights, profile)
    if deadline is None or len(values) < 2:
        return None
    pairs = sorted(zip((to_serial(d) for d in period_ends), values), key=lambda p: p[0])
    xs = [float(x) for x, _ in pairs]
    ys = [y for _, y in pairs]
    if is_cumulative(aggregation):
        running, total = [], 0.0
        for y in ys:
            total += y
            running.append(total)
        ys = running
    if xs[0] == xs[-1]:
        return None
    slope = _slope(xs, ys)
    if is_cumulative(aggregation):
        return ys[-1] + slope * max(0.0, to_serial(deadline) - xs[-1])
    n = len(xs)
    mx = math.fsum(xs) / n
    my = math.fsum(ys) / n
    return my + slope * (to_serial(deadline) - mx)


def phased_forecast(period_ends: Sequence[date], values: Sequence[float], start: date | None,
                    deadline: date | None, weights: Sequence[float], profile: str | None = None) -> float | None:
    """Return S_last / Φ(x_last) of a phased cumulative KPI (None without a point, a deadline or with Φ = 0)."""
    if deadline is None or not values:
        return None
    share = phase(start, deadline, max(period_ends), weights, profile)
    if share <= 0:
        return None
    return math.fsum(values) / share


def met_target(final_actual: float | None, target: float, direction: str = INCREASE,
               tolerance: float | None = None) -> bool | None:
    """Return whether a final actual reached the target (the Evaluation's Met target); None without one.

    increase ``a >= t``, decrease ``a <= t``, maintain ``|a - t| <= tolerance`` (default 10% of |t|).
    """
    if final_actual is None:
        return None
    if direction == INCREASE:
        return final_actual >= target
    if direction == DECREASE:
        return final_actual <= target
    tol = DEFAULT_TOLERANCE_SHARE * abs(target) if tolerance is None else tolerance
    return abs(final_actual - target) <= tol


# ------------------------------------------------------------------- goals now

def needed(actual_value: float | None, target: float, phase_now: float, phase_until: float) -> float | None:
    """Return max(0, t - a) * (Φ(E) - Φ(D)) / (1 - Φ(D)): the part of what is still missing that the plan puts
    between D and E (for a decrease KPI: the allowance left for that span). None when Φ(D) = 1.

    ``actual_value`` None (no data yet) counts as 0. Phases must lie in [0, 1].
    """
    for what, value in (("phase_now", phase_now), ("phase_until", phase_until)):
        if not (0.0 <= value <= 1.0):
            raise DefinitionError(message("core.phase_range", what=what, v=Number(_fmt(value))))
    if phase_now >= 1.0:
        return None
    remaining = max(0.0, target - (0.0 if actual_value is None else actual_value))
    return remaining * (max(phase_until, phase_now) - phase_now) / (1.0 - phase_now)


@dataclass(frozen=True)
class Goals:
    """Hold a KPI's goals as of a date D: the seed's yearly, monthly and daily goals (None means blank).

    ``year_target`` is t; ``plan_to_date`` the plan at D; ``month_goal`` the plan's own amount
    for D's calendar month (cumulative: t*(Φ(month end) - Φ(previous month end)); level: the
    plan at the month's last day); ``needed_month`` and ``needed_day`` what is still needed
    for the rest of D's month and for the next day (cumulative KPIs only; for a decrease KPI
    the allowance left).
    """

    year_target: float
    plan_to_date: float
    month_goal: float | None
    needed_month: float | None
    needed_day: float | None


def goals(definition: "KpiDefinition", actual_value: float | None, as_of: date) -> Goals:
    """Return the goals now of one KPI (docs/kpi-semantics.md, "Goals now")."""
    d = definition
    d.check()

    def at(day: date) -> float:
        return phase(d.start, d.deadline, day, d.phasing, d.profile)

    now, end, before = at(as_of), at(month_end(as_of)), at(month_end(as_of, -1))
    p_now = plan(d.target, d.baseline, d.direction, now, d.aggregation, d.tolerance)
    if not is_cumulative(d.aggregation):
        month_goal = plan(d.target, d.baseline, d.direction, end, d.aggregation, d.tolerance)
        return Goals(d.target, p_now, month_goal, None, None)
    return Goals(
        year_target=d.target,
        plan_to_date=p_now,
        month_goal=d.target * (end - before),
        needed_month=needed(actual_value, d.target, now, end),
        needed_day=needed(actual_value, d.target, now, at(as_of + timedelta(days=1))),
    )


# ---------------------------------------------------------------------- roll-up

def rollup(attainments: Sequence[float | None], weights: Sequence[float | None] | None = None) -> float | None:
    """Return sum(w * clip(a, 0, 1)) / sum(w) over children that have an attainment.

    Weights default to 1 (a blank weight too); a negative weight is invalid.
    No child with data (or zero total weight) gives None.
    """
    if weights is None:
        weights = [None] * len(attainments)
    if len(weights) != len(attainments):
        raise DefinitionError(message("core.rollup_weights", n=len(attainments), w=len(weights)))
    numerator, denominator = [], []
    for value, weight in zip(attainments, weights):
        w = DEFAULT_WEIGHT if weight is None else weight
        if w < 0:
            raise DefinitionError(message("core.weight_below_0", w=Number(_fmt(w))))
        if value is None:
            continue
        numerator.append(w * min(1.0, max(0.0, value)))
        denominator.append(w)
    total = math.fsum(denominator)
    if not denominator or total == 0:
        return None
    return math.fsum(numerator) / total


# ------------------------------------------------------------------- a whole KPI

@dataclass(frozen=True)
class KpiDefinition:
    """Hold what the core needs of one KPI (parsed, canonical values)."""

    kpi_id: str
    target: float
    direction: str = INCREASE
    aggregation: str = LAST
    baseline: float | None = None
    tolerance: float | None = None
    start: date | None = None
    deadline: date | None = None
    green: float = DEFAULT_GREEN
    amber: float = DEFAULT_AMBER
    # The phasing profile's 12 month weights (January first) and its name; None: linear (Φ = f).
    phasing: tuple[float, ...] | None = None
    profile: str | None = None

    def check(self) -> None:
        """Raise DefinitionError when the definition is invalid."""
        check_definition(self.target, self.baseline, self.direction, self.tolerance)
        check_dates(self.start, self.deadline)
        check_thresholds(self.green, self.amber)
        if self.phasing is None and self.profile is not None:
            raise DefinitionError(message("core.profile_unknown", name=repr(self.profile)))
        if self.phasing is not None:
            check_weights(self.phasing, self.profile)
            if self.start is not None and self.deadline is not None:
                phase_span(self.start, self.deadline, self.phasing, self.profile)

    def phase(self, as_of: date) -> float:
        """Return Φ as of ``as_of`` (f without a profile)."""
        return phase(self.start, self.deadline, as_of, self.phasing, self.profile)


@dataclass(frozen=True)
class KpiResult:
    """Hold every computed number of one KPI as of a date (None means blank)."""

    elapsed: float
    actual: float | None
    plan: float
    attainment: float | None
    status: str
    trend: str
    forecast: float | None
    forecast_attainment: float | None
    goals: Goals | None = None


def _standing(d: KpiDefinition, measurements: Iterable[tuple[date, float]],
              as_of: date) -> tuple[list[tuple[date, float]], list[float], float, float | None, float | None, str]:
    """Return (the window, its values, Φ, actual, attainment, status) of one KPI as of ``as_of``: evaluate's first steps."""
    d.check()
    counted = window(measurements, as_of, d.start)
    values = [v for _, v in counted]
    f = d.phase(as_of)
    act = combine(values, d.aggregation)
    att = attainment(act, d.target, d.baseline, d.direction, f, d.aggregation, d.tolerance)
    stat = status_of(att, d.green, d.amber, started=not not_started(f, d.direction, d.aggregation))
    return counted, values, f, act, att, stat


def window_and_status(definition: KpiDefinition, measurements: Iterable[tuple[date, float]],
                      as_of: date) -> tuple[list[tuple[date, float]], str]:
    """Return :func:`window` and :func:`evaluate`'s status of one KPI (its trend, forecast and goals not computed).

    What the Commentary rule asks of every KPI in every file validate reads: the latest
    period that counts, and the status. The same steps as :func:`evaluate`, so the two
    cannot disagree; the window is found once.
    """
    standing = _standing(definition, measurements, as_of)
    return standing[0], standing[5]


def evaluate(definition: KpiDefinition, measurements: Iterable[tuple[date, float]], as_of: date) -> KpiResult:
    """Return actual, plan, attainment, status, trend, forecast and goals of one KPI as of ``as_of``.

    Every plan uses the phase Φ (f without a profile; ``elapsed`` holds it). Trend uses the last 6 measurements in the window; forecast uses all of them.
    """
    d = definition
    counted, values, f, act, att, stat = _standing(d, measurements, as_of)
    fc = forecast([p for p, _ in counted], values, d.deadline, d.aggregation, d.start, d.phasing, d.profile)
    fc_att = None if fc is None else attainment(fc, d.target, d.baseline, d.direction, 1.0, d.aggregation,
                                                d.tolerance)
    return KpiResult(
        elapsed=f,
        actual=act,
        plan=plan(d.target, d.baseline, d.direction, f, d.aggregation, d.tolerance),
        attainment=att,
        status=stat,
        trend=trend(values[-TREND_WINDOW:], d.direction, d.target),
        forecast=fc,
        forecast_attainment=fc_att,
        goals=goals(d, act, as_of),
    )
