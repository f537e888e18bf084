"""Own the Excel worksheet functions (xlwings UDFs) that expose :mod:`kpixl.core`.

One module serves classic xlwings (Windows add-in, "UDF Modules" = ``kpixl.udfs``)
and xlwings Lite / Server (Office.js custom functions), so it imports only the
core, the errors and xlwings (numpy for the fast range path): it must load in
Pyodide without openpyxl, pandas or click. xlwings is kpixl's ``xlwings`` extra
(``pip install 'kpixl[xlwings]'``): nothing else in kpixl imports it or this module,
so the command line and the Python API run without it.

Shapes: arguments that name a series (``ids``, ``period_ends``, ``values``,
``attainments``, ``weights``) are flattened row by row into one series. Every
other argument is one value or a range; ranges broadcast against single cells
(a one-row range across rows, a one-column range across columns, as Excel
does) and the result has the shape of the ranges, so it spills. All single
cells in gives one value out. A bad element gives ``"#VALUE! <reason>"`` in that
element only; a blank result is ``None`` (an empty cell in both runtimes).

Speed: the series of ``KPI_ACTUAL`` is grouped once per call, and
``KPI_ATTAINMENT``/``KPI_STATUS`` compute whole ranges with numpy, handing the
rare element that needs a message or sits on a status threshold to the core.
"""

from __future__ import annotations

import gc
import math
from datetime import date, datetime
from itertools import chain, repeat
from operator import itemgetter
from typing import Any, Callable, Sequence

import numpy as np

try:
    import xlwings as xw
except ImportError as error:  # xlwings is an extra (kpixl[xlwings]): only the UDFs need it
    raise ImportError("kpixl.udfs needs xlwings; install it with: pip install 'kpixl[xlwings]'") from error

from kpixl import core
from kpixl.errors import DefinitionError, KpixlError
from kpixl.vocab import Language, kpi_key

ERROR_PREFIX = "#VALUE!"
CATEGORY = "kpixl"

_NUMBER_TYPES = (int, float)
_FAST_TYPES = frozenset({int, float, type(None)})


# ------------------------------------------------------------------ shapes

class _CallError(Exception):
    """Signal a problem with the whole call (e.g. ranges of different sizes)."""


def _error_text(error: BaseException) -> str:
    message = str(error).strip() or type(error).__name__
    return f"{ERROR_PREFIX} {message}"


def _unwrap(value: Any) -> Any:
    """Return lists for numpy arrays/tuples and plain Python scalars for numpy scalars."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value


class _Same:
    """Stand for one value repeated ``n`` times without building the list."""

    __slots__ = ("value", "n")

    def __init__(self, value: Any, n: int):
        self.value = value
        self.n = n

    def __iter__(self):
        return repeat(self.value, self.n)

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, index: int) -> Any:
        return self.value


def _layout(value: Any) -> tuple[Any, tuple | None]:
    """Return (value, shape): shape None for a scalar, (n,) for 1-D, (rows, cols) for 2-D."""
    value = _unwrap(value)
    if isinstance(value, tuple):
        value = list(value)
    if not isinstance(value, list):
        return value, None
    if not value:
        return None, None
    if isinstance(value[0], (list, tuple, np.ndarray)):
        # Excel always sends rectangular lists of lists: check the ends only, and
        # look closer when they differ or the rows are not plain lists.
        first, last = value[0], value[-1]
        lengths = {len(first)} if isinstance(last, (list, tuple)) and len(last) == len(first) else set()
        if type(first) is not list or type(last) is not list or len(lengths) != 1:
            value = [list(_unwrap(r)) if isinstance(r, (list, tuple, np.ndarray)) else [r] for r in value]
            lengths = set(map(len, value))
            if len(lengths) != 1:
                raise _CallError("a range has rows of different lengths")
        cols = lengths.pop()
        if cols == 0:
            return None, None
        if len(value) == 1 and cols == 1:
            return _unwrap(value[0][0]), None
        return value, (len(value), cols)
    if len(value) == 1:
        return _unwrap(value[0]), None
    return value, (len(value),)


def _describe(shape: tuple) -> str:
    return f"{shape[0]} x {shape[1]}" if len(shape) == 2 else f"{shape[0]} values"


def _size_error(shapes: list[tuple]) -> _CallError:
    return _CallError("the ranges have different sizes (" + ", ".join(_describe(s) for s in shapes)
                      + "); give ranges of the same size or single cells")


def _broadcast(*args: Any) -> tuple[tuple | None, list, int]:
    """Return (result shape, one flat sequence per argument, element count).

    Scalars repeat (as :class:`_Same`); a one-row or one-column range repeats along
    the other axis. A 1-D list is a column. Ranges whose sizes do not fit raise _CallError.
    """
    laid = [_layout(a) for a in args]
    shapes = [s for _, s in laid if s is not None]
    if not shapes:
        return None, [_Same(v, 1) for v, _ in laid], 1
    if all(len(s) == 1 for s in shapes):
        n = shapes[0][0]
        if any(s[0] != n for s in shapes):
            raise _size_error(shapes)
        return (n,), [_Same(v, n) if s is None else v for v, s in laid], n
    as_2d = [(s[0], 1) if s is not None and len(s) == 1 else s for _, s in laid]
    rows = max(s[0] for s in as_2d if s is not None)
    cols = max(s[1] for s in as_2d if s is not None)
    for s in as_2d:
        if s is not None and (s[0] not in (1, rows) or s[1] not in (1, cols)):
            raise _size_error(shapes)
    n = rows * cols
    flats = [_flat_2d(value, shape, shape2, rows, cols) for (value, shape), shape2 in zip(laid, as_2d)]
    return (rows, cols), flats, n


def _flat_2d(value: Any, shape: tuple | None, shape2: tuple | None, rows: int, cols: int) -> Any:
    """Return one argument laid out over a rows x cols result, row by row (scalars and lines repeat)."""
    n = rows * cols
    if shape is None or shape2 is None:
        return _Same(value, n)
    if len(shape) == 1:
        return [v for v in value for _ in range(cols)] if cols > 1 else value
    r, c = shape2
    if c == 1:
        column = [v for (v,) in value]  # unpacking beats itemgetter on 100,000 rows
        if r == 1:
            return _Same(column[0], n)
        if cols == 1:
            return column
        return [v for v in column for _ in range(cols)]  # one column repeated across the columns
    if r == rows:
        return list(chain.from_iterable(value))
    return value[0] * rows  # one row repeated down the rows


def _shape_result(flat: list, shape: tuple | None) -> Any:
    """Return the flat results in the call's shape: a scalar, a list or a 2-D list."""
    if shape is None:
        return flat[0]
    if len(shape) == 1:
        return flat
    rows, cols = shape
    if cols == 1:
        return [[v] for v in flat]
    return [flat[i:i + cols] for i in range(0, rows * cols, cols)]


def _series(value: Any) -> list:
    """Return a whole range as one flat series (row by row); a blank is empty."""
    value = _unwrap(value)
    if isinstance(value, tuple):
        value = list(value)
    if not isinstance(value, list):
        return [] if core.is_blank(value) else [value]
    if value and all(type(row) is list for row in (value[0], value[-1])):
        if len(value[0]) == 1 and len(value[-1]) == 1:
            try:
                return list(map(itemgetter(0), value))  # one column: the common case
            except (IndexError, TypeError):
                pass
        try:
            return list(chain.from_iterable(value))
        except TypeError:
            pass
    flat: list = []
    for item in value:
        item = _unwrap(item)
        if isinstance(item, (list, tuple)):
            flat.extend(_unwrap(x) for x in item)
        else:
            flat.append(item)
    return flat


def _map(element: Callable[..., Any], shape: tuple | None, flats: list[list]) -> Any:
    """Return ``element`` applied to every position; an error becomes that element's text."""
    out: list = []
    append = out.append
    for values in zip(*flats):
        try:
            append(element(*values))
        except Exception as error:  # one bad element must not hide the others
            append(_error_text(error))
    return _shape_result(out, shape)


def _guard(call: Callable[[], Any]) -> Any:
    """Return ``call()``; a whole-call problem becomes one ``#VALUE!`` text, never a traceback.

    The cyclic garbage collector is paused meanwhile: a range result is
    100,000s of small lists without cycles, and collections triggered by
    building them would cost more than the KPI arithmetic.
    """
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        return call()
    except Exception as error:
        return _error_text(error)
    finally:
        if paused:
            gc.enable()


# -------------------------------------------------------- element parsing

_VOCAB_CACHE: dict[tuple[str, Any], str] = {}


def _vocab(vocabulary: str, text: Any, default: str) -> str:
    key = (vocabulary, text)
    try:
        return _VOCAB_CACHE[key]
    except (KeyError, TypeError):
        pass
    canon = core.parse_word(vocabulary, _unwrap(text), default)
    try:
        if len(_VOCAB_CACHE) < 10_000:
            _VOCAB_CACHE[key] = canon
    except TypeError:
        pass
    return canon


def _direction(text: Any) -> str:
    return _vocab("direction", text, core.INCREASE)


def _aggregation(text: Any) -> str:
    return _vocab("aggregation", text, core.LAST)


def _language(text: Any) -> Language:
    return core.parse_language(_unwrap(text))


def _number(value: Any, what: str) -> float | None:
    if type(value) is float:
        if value != value:
            return None
        if math.isinf(value):
            raise KpixlError(f"{what} {value!r} is not a finite number")
        return value
    return core.to_number(_unwrap(value), what)


def _number_or(value: Any, what: str, default: float) -> float:
    number = _number(value, what)
    return default if number is None else number


def _date(value: Any, what: str) -> date | None:
    try:
        return core.to_date(_unwrap(value))
    except KpixlError as error:
        raise KpixlError(f"{what}: {error}") from None


def _serial(value: Any, what: str) -> int | None:
    """Return a whole-day Excel serial from a date or serial number; blank gives None."""
    if type(value) is float or type(value) is int:
        if value != value:
            return None
        if 1 <= value < 2958466:
            return int(value // 1)
    d = _date(value, what)
    return None if d is None else core.to_serial(d)


def _id_key(value: Any) -> str | None:
    """Return the lookup key of a KPI ID (:func:`kpixl.vocab.kpi_key`: white space and case ignored,
    101 and 101.0 equal); a blank ID gives None."""
    return kpi_key(_unwrap(value)) or None


# -------------------------------------------------------- element functions

def _attainment_one(a, t, b, d, f, g, tol) -> float | None:
    target = _number(t, "target")
    actual = _number(a, "actual")
    if target is None and actual is None:
        return None  # an empty row of a filled-down formula
    if target is None:
        raise DefinitionError("the target is blank; type the value to reach")
    return core.attainment(actual, target, _number(b, "baseline"), _direction(d),
                           _number_or(f, "elapsed", 1.0), _aggregation(g), _number(tol, "tolerance"))


def _status_one(a, t, b, d, f, g, tol, green, amber, lang) -> str | None:
    target = _number(t, "target")
    actual = _number(a, "actual")
    if target is None and actual is None:
        return None
    if target is None:
        raise DefinitionError("the target is blank; type the value to reach")
    language = _language(lang)
    result = core.status(actual, target, _number(b, "baseline"), _direction(d),
                         _number_or(f, "elapsed", 1.0), _aggregation(g), _number(tol, "tolerance"),
                         _number_or(green, "green", core.DEFAULT_GREEN),
                         _number_or(amber, "amber", core.DEFAULT_AMBER))
    return core.word("status", result, language)


def _plan_one(t, b, d, f, g, tol) -> float | None:
    target = _number(t, "target")
    if target is None:
        return None
    return core.plan(target, _number(b, "baseline"), _direction(d), _number_or(f, "elapsed", 1.0),
                     _aggregation(g), _number(tol, "tolerance"))


def _elapsed_one(start, deadline, as_of) -> float:
    d = _date(as_of, "as_of") or date.today()
    return core.elapsed_fraction(_date(start, "start"), _date(deadline, "deadline"), d)


def _weights(weights) -> list[float] | None:
    """Return a phasing profile's 12 weights from a series argument; all blank (or omitted): None (linear)."""
    series = _series(weights)
    if all(core.is_blank(w) for w in series):
        return None
    return list(core.check_weights(series))


def _phase_one(start, deadline, as_of, weights: list[float] | None) -> float:
    d = _date(as_of, "as_of") or date.today()
    return core.phase(_date(start, "start"), _date(deadline, "deadline"), d, weights)


def _needed_one(a, t, now, until) -> float | None:
    target, phase_now, phase_until = _number(t, "target"), _number(now, "phase_now"), _number(until, "phase_until")
    if target is None or phase_now is None or phase_until is None:
        return None
    return core.needed(_number(a, "actual"), target, phase_now, phase_until)


# -------------------------------------------------------- fast range path

def _floats(flat: list, what: str) -> tuple[np.ndarray, np.ndarray]:
    """Return (values with NaN for blanks, mask of elements the core must explain)."""
    n = len(flat)
    if isinstance(flat, _Same):
        try:
            number = _number(flat.value, what)
        except Exception:
            return np.full(n, np.nan), np.ones(n, dtype=bool)
        return np.full(n, np.nan if number is None else number), np.zeros(n, dtype=bool)
    types = set(map(type, flat))
    if types <= _FAST_TYPES:
        # Without None, fromiter converts plain numbers fastest; None needs np.array's NaN.
        arr = np.fromiter(flat, dtype=float, count=n) if type(None) not in types else np.array(flat, dtype=float)
        return arr, np.isinf(arr)
    arr = np.empty(n, dtype=float)
    bad = np.zeros(n, dtype=bool)
    for i, x in enumerate(flat):
        try:
            number = _number(x, what)
        except Exception:
            arr[i] = np.nan
            bad[i] = True
        else:
            arr[i] = np.nan if number is None else number
    return arr, bad


def _codes(flat: list, parse: Callable[[Any], str], choices: Sequence[str]) -> np.ndarray:
    """Return an int array: the index of each element's canonical word, -1 when it does not parse."""
    def code(x: Any) -> int:
        try:
            return choices.index(parse(x))
        except Exception:
            return -1

    if isinstance(flat, _Same):
        return np.full(len(flat), code(flat.value), dtype=np.int8)
    try:
        lookup = {x: code(x) for x in set(flat)}
    except TypeError:  # an unhashable element: parse one by one
        return np.array([code(x) for x in flat], dtype=np.int8)
    if len(lookup) == 1:
        return np.full(len(flat), next(iter(lookup.values())), dtype=np.int8)
    return np.fromiter((lookup[x] for x in flat), dtype=np.int8, count=len(flat))


# The vocabularies the vector formulas code as numbers: the core's tuples themselves, so a
# new word is coded (not sent down the slow path), and a code is compared by the word it
# stands for, never by its position.
_DIRECTIONS = core.VOCABULARIES["direction"]
_LANGUAGES = tuple(Language)
_AGGREGATIONS = core.VOCABULARIES["aggregation"]


def _attainment_vector(a, t, b, d, f, g, tol) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Return (attainment, not started, blank row, slow) arrays for flat argument lists.

    NaN attainment is blank. ``slow`` marks elements the vector formulas do not
    decide (bad inputs, invalid definitions): the core computes those one by one,
    so its message and its numbers are the only ones.
    """
    A, slow = _floats(a, "actual")
    T, bad = _floats(t, "target")
    slow |= bad
    B, bad = _floats(b, "baseline")
    slow |= bad
    F, bad = _floats(f, "elapsed")
    slow |= bad
    TOL, bad = _floats(tol, "tolerance")
    slow |= bad
    direction = _codes(d, _direction, _DIRECTIONS)
    aggregation = _codes(g, _aggregation, _AGGREGATIONS)
    slow |= (direction < 0) | (aggregation < 0)

    no_a, no_t, no_b, no_tol = np.isnan(A), np.isnan(T), np.isnan(B), np.isnan(TOL)
    blank_row = no_t & no_a
    F = np.where(np.isnan(F), 1.0, F)
    cum = aggregation == _AGGREGATIONS.index(core.SUM)
    inc, dec, mnt = (direction == _DIRECTIONS.index(d) for d in (core.INCREASE, core.DECREASE, core.MAINTAIN))
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        invalid = (
            no_t
            | ~((F >= 0) & (F <= 1))
            | (inc & np.where(no_b, T <= 0, T <= B))
            | (dec & (no_b | (T >= B)))
            | (mnt & np.where(no_tol, T == 0, TOL <= 0))
        )
        slow |= invalid & ~blank_row
        not_started = (F <= 0) & ~(mnt & ~cum)

        b0 = np.where(no_b, 0.0, B)
        planned = np.where(cum, T * F, np.where(no_b, T, B + (T - B) * F))
        # core.zero_and_plan: a level KPI with a baseline has z = p - (t - b) (revised 2026-12-07)
        zero = np.where(cum, b0 * F, np.where(no_b, 0.0, planned - (T - B)))
        att = (A - zero) / (planned - zero)

        if mnt.any():  # most ranges hold no maintain KPI: skip the work
            tol_eff = np.where(no_tol, core.DEFAULT_TOLERANCE_SHARE * np.abs(T), TOL)
            keep = np.where(cum, 1.0 - np.abs(A - T * F) / (tol_eff * F), 1.0 - np.abs(A - T) / tol_eff)
            att = np.where(mnt, np.maximum(0.0, keep), att)
            degenerate = np.where(mnt, np.where(cum, tol_eff * F, tol_eff) == 0, planned == zero)
        else:
            degenerate = planned == zero
        # a plan a rounding error from its zero point: the core says why
        slow |= ~no_a & ~not_started & degenerate & ~blank_row
        slow |= np.isinf(att)  # an overflow: the core says what it makes of it
    att[no_a | not_started] = np.nan
    return att, not_started, blank_row, slow


def _array_result(values: np.ndarray, shape: tuple, fixes: dict[int, Any]) -> list:
    """Return ``values`` as (nested) lists in the call's shape, with ``fixes`` (flat index -> value) applied.

    Reshaping in numpy and converting once is several times faster than building
    100,000 one-element rows in Python.
    """
    out = values.reshape(shape).tolist()
    if len(shape) == 1:
        for i, value in fixes.items():
            out[i] = value
    else:
        cols = shape[1]
        for i, value in fixes.items():
            out[i // cols][i % cols] = value
    return out


# ---------------------------------------------------------------- the UDFs

# The aggregations as the help texts name them (from the core's vocabulary, so a new one is named).
_LEVEL_AGGREGATIONS = [a for a in _AGGREGATIONS if not core.is_cumulative(a)]
_ANY_AGGREGATION = ", ".join(_AGGREGATIONS[:-1]) + " or " + _AGGREGATIONS[-1]

# One help text per argument name: Excel shows it in the function wizard.
_ARGUMENT_DOCS = {
    'start': "Start date of the KPI period (a date or a range of dates).",
    'deadline': "Deadline: the date the target is due (a date or a range).",
    'as_of': "Optional. The date to measure at; blank means today.",
    'kpi_id': "The KPI ID(s) to look up (a cell or a range: one actual per ID).",
    'ids': "The KPI ID column of the measurements.",
    'period_ends': "The period end date column of the measurements.",
    'values': "The measurements in period order (blanks are skipped).",
    'aggregation': f"Optional. {core.SUM} (cumulative) or {'/'.join(_LEVEL_AGGREGATIONS)}; default {core.LAST}.",
    'target': "The target value to reach by the deadline.",
    'baseline': "Optional. The starting value (needed for decrease).",
    'direction': "Optional. increase, decrease or maintain; default increase.",
    'elapsed': "Optional. Elapsed fraction 0..1 (see KPI_ELAPSED); default 1.",
    'tolerance': "Optional. Allowed distance for maintain; default 10% of |target|.",
    'actual': "The actual value (see KPI_ACTUAL).",
    'green': "Optional. Attainment at or above this is On track; default 0.95.",
    'amber': "Optional. Attainment at or above this is At risk; default 0.85.",
    'language': "Optional. en or da; default en.",
    'attainments': "The attainments of the child KPIs (blanks are skipped).",
    'weights': "Optional. One weight per attainment; blank weights count 1.",
}


def _arguments(*names: str, **docs: str):
    """Declare the UDF's arguments to xlwings: 2-D ranges, errors as text, and their help texts."""
    def decorate(function):
        # Applied last-to-first, exactly as stacked @xw.arg decorators would be.
        for name in reversed(names):
            doc = docs[name] if name in docs else _ARGUMENT_DOCS[name]
            function = xw.arg(name, ndim=2, err_to_str=True, doc=doc)(function)
        return function
    return decorate


@xw.func(category=CATEGORY)
@_arguments('start', 'deadline', 'as_of')
def KPI_ELAPSED(start, deadline, as_of=None):
    """Return the elapsed fraction f = (as_of - start) / (deadline - start), clamped to 0..1, in whole days."""
    def call():
        shape, flats, _ = _broadcast(start, deadline, as_of)
        return _map(_elapsed_one, shape, flats)
    return _guard(call)


@xw.func(category=CATEGORY)
@_arguments('start', 'deadline', 'as_of', 'weights',
            weights="Optional. The phasing profile: 12 cells of month weights, January to December; blank: linear.")
def KPI_PHASE(start, deadline, as_of=None, weights=None):
    """Return the phase Φ: the share of the plan due by the end of as_of (with no weights, KPI_ELAPSED)."""
    def call():
        profile = _weights(weights)
        shape, flats, _ = _broadcast(start, deadline, as_of)
        return _map(lambda s, d, a: _phase_one(s, d, a, profile), shape, flats)
    return _guard(call)


@xw.func(category=CATEGORY)
@_arguments('actual', 'target', 'phase_now', 'phase_until',
            actual="The actual so far (see KPI_ACTUAL); blank counts 0.",
            phase_now="The phase at the as-of date (see KPI_PHASE).",
            phase_until="The phase at the end of the span (next day, month end; see KPI_PHASE).")
def KPI_NEEDED(actual, target, phase_now, phase_until):
    """Return what is still needed between two phases: max(0, target - actual) x (until - now) / (1 - now)."""
    def call():
        shape, flats, _ = _broadcast(actual, target, phase_now, phase_until)
        return _map(_needed_one, shape, flats)
    return _guard(call)


@xw.func(category=CATEGORY)
@_arguments('kpi_id', 'ids', 'period_ends', 'values', 'aggregation', 'as_of', 'start',
            values="The value column of the measurements.",
            aggregation=f"Optional. {_ANY_AGGREGATION} (Danish words too); default {core.LAST}.",
            as_of="Optional. Count measurements with a period end on or before this date; blank: no upper bound.",
            start="Optional. Count measurements with a period end on or after this date; blank: no lower bound.")
def KPI_ACTUAL(kpi_id, ids, period_ends, values, aggregation=None, as_of=None, start=None):
    """Return the KPI's actual: its measurements with start <= period end <= as_of, combined by the aggregation."""
    def call():
        groups, problems = _group_measurements(ids, period_ends, values)
        shape, flats, _ = _broadcast(kpi_id, aggregation, as_of, start)

        settings: dict[Any, tuple[str, int | None, int | None]] = {}

        def setting(agg, d, s):
            # aggregation, as_of and start are usually one cell each: parse them once
            try:
                return settings[(agg, d, s)]
            except (KeyError, TypeError):
                pass
            parsed = (_aggregation(agg), _serial(d, "as_of"), _serial(s, "start"))
            try:
                settings[(agg, d, s)] = parsed
            except TypeError:
                pass
            return parsed

        def element(kid, agg, d, s):
            key = (kpi_key(kid) or None) if type(kid) is str else _id_key(kid)
            if key is None:
                return None
            if key in problems:
                raise KpixlError(problems[key])
            how, hi, lo = setting(agg, d, s)
            rows = groups.get(key)
            if not rows:
                return None
            if hi is None and lo is None:
                picked = [v for _, v in rows]
            else:
                picked = [v for p, v in rows if (lo is None or p >= lo) and (hi is None or p <= hi)]
            return core.combine(picked, how)

        return _map(element, shape, flats)
    return _guard(call)


def _group_measurements(ids, period_ends, values) -> tuple[dict[str, list[tuple[int, float]]], dict[str, str]]:
    """Return ({id key: [(period-end serial, value)] in period order}, {id key: problem}).

    A row with a blank ID or a blank value is not a measurement; a row whose date
    or value is bad makes its KPI's result an error naming the row.
    """
    id_list, end_list, value_list = _series(ids), _series(period_ends), _series(values)
    if not (len(id_list) == len(end_list) == len(value_list)):
        raise _CallError(f"ids, period_ends and values must be ranges of the same size ({len(id_list)} ids, "
                         f"{len(end_list)} period ends, {len(value_list)} values)")
    groups: dict[str, list[tuple[int, float]]] = {}
    problems: dict[str, str] = {}
    float_type, int_type = float, int
    number: float | None
    serial: int | None
    keys: dict[str, str | None] = {}  # a column repeats a few IDs: key each text once
    for row, (kid, end, value) in enumerate(zip(id_list, end_list, value_list), start=1):
        if type(kid) is str:
            try:
                key = keys[kid]
            except KeyError:
                key = keys[kid] = kpi_key(kid) or None
        else:
            key = _id_key(kid)
        if key is None:
            continue
        vt = type(value)
        if (vt is float_type and value == value) or vt is int_type:
            number = float(value)
        else:
            try:
                number = _number(value, "value")
            except Exception as error:
                problems.setdefault(key, f"row {row} of the measurements: {error}")
                continue
            if number is None:
                continue
        et = type(end)
        if (et is float_type or et is int_type) and 1 <= end < 2958466:
            serial = int(end // 1)
        else:
            try:
                serial = _serial(end, "period_end")
            except Exception as error:
                problems.setdefault(key, f"row {row} of the measurements: {error}")
                continue
            if serial is None:
                problems.setdefault(key, f"row {row} of the measurements has a value but no period end date")
                continue
        group = groups.get(key)
        if group is None:
            groups[key] = [(serial, number)]
        else:
            group.append((serial, number))
    by_date = itemgetter(0)
    for group in groups.values():
        if len(group) > 1:
            group.sort(key=by_date)  # stable: equal period ends keep their input order
    return groups, problems


@xw.func(category=CATEGORY)
@_arguments('target', 'baseline', 'direction', 'elapsed', 'aggregation', 'tolerance')
def KPI_PLAN(target, baseline=None, direction=None, elapsed=None, aggregation=None, tolerance=None):
    """Return the plan: where the KPI should be at the elapsed fraction."""
    def call():
        shape, flats, _ = _broadcast(target, baseline, direction, elapsed, aggregation, tolerance)
        return _map(_plan_one, shape, flats)
    return _guard(call)


@xw.func(category=CATEGORY)
@_arguments('actual', 'target', 'baseline', 'direction', 'elapsed', 'aggregation', 'tolerance')
def KPI_ATTAINMENT(actual, target, baseline=None, direction=None, elapsed=None, aggregation=None, tolerance=None):
    """Return the attainment (actual - zero point) / (plan - zero point); 1 means exactly on plan."""
    def call():
        shape, flats, n = _broadcast(actual, target, baseline, direction, elapsed, aggregation, tolerance)
        if shape is None:
            return _map(_attainment_one, shape, flats)
        att, _, blank_row, slow = _attainment_vector(*flats)
        fixes = dict.fromkeys(np.flatnonzero(np.isnan(att)).tolist())
        for i in np.flatnonzero(slow & ~blank_row).tolist():
            fixes[i] = _map(_attainment_one, None, [[col[i]] for col in flats])
        return _array_result(att, shape, fixes)
    return _guard(call)


@xw.func(category=CATEGORY)
@_arguments('actual', 'target', 'baseline', 'direction', 'elapsed', 'aggregation', 'tolerance',
            'green', 'amber', 'language',
            language="Optional. en or da (Danish status words); default en.")
def KPI_STATUS(actual, target, baseline=None, direction=None, elapsed=None, aggregation=None, tolerance=None,
               green=None, amber=None, language=None):
    """Return the status: On track, At risk, Off track, Not started or No data."""
    def call():
        shape, flats, n = _broadcast(actual, target, baseline, direction, elapsed, aggregation, tolerance,
                                     green, amber, language)
        if shape is None:
            return _map(_status_one, shape, flats)
        att, not_started, blank_row, slow = _attainment_vector(*flats[:7])
        G, bad_g = _floats(flats[7], "green")
        M, bad_m = _floats(flats[8], "amber")
        G = np.where(np.isnan(G), core.DEFAULT_GREEN, G)
        M = np.where(np.isnan(M), core.DEFAULT_AMBER, M)
        lang = _codes(flats[9], _language, _LANGUAGES)
        # Near a threshold the core's round(attainment, 9) decides, so the vector never does.
        with np.errstate(invalid="ignore"):
            edge = (np.abs(att - G) < 1e-8) | (np.abs(att - M) < 1e-8)
        slow = (slow | bad_g | bad_m | (G < M) | (lang < 0) | edge) & ~blank_row
        with np.errstate(invalid="ignore"):
            code = np.where(att >= G, 0, np.where(att >= M, 1, 2))
        code[np.isnan(att)] = 4
        code[not_started] = 3
        statuses = (core.ON_TRACK, core.AT_RISK, core.OFF_TRACK, core.NOT_STARTED, core.NO_DATA)
        words = [[core.word("status", s, language) for s in statuses] for language in _LANGUAGES]
        table = np.array([w for language_words in words for w in language_words], dtype=object)
        out = table[code + len(statuses) * np.maximum(lang, 0)]
        fixes = dict.fromkeys(np.flatnonzero(blank_row).tolist())
        for i in np.flatnonzero(slow).tolist():
            fixes[i] = _map(_status_one, None, [[col[i]] for col in flats])
        return _array_result(out, shape, fixes)
    return _guard(call)


@xw.func(category=CATEGORY)
@_arguments('values', 'direction', 'target', 'language',
            target="Optional. The target (needed for maintain).")
def KPI_TREND(values, direction=None, target=None, language=None):
    """Return the trend of the values: Improving, Stable, Worsening or No data."""
    def call():
        series = [v for v in (_number(x, f"value {i}") for i, x in enumerate(_series(values), 1)) if v is not None]
        shape, flats, _ = _broadcast(direction, target, language)

        def element(d, t, lang):
            language_code = _language(lang)
            return core.word("trend", core.trend(series, _direction(d), _number(t, "target")), language_code)

        return _map(element, shape, flats)
    return _guard(call)


@xw.func(category=CATEGORY)
@_arguments('values', 'period_ends', 'deadline', 'aggregation', 'start', 'weights',
            deadline="The date to forecast (the KPI's deadline).",
            values="The measurement values (blanks are skipped).",
            period_ends="The period end date of each value (same size as values).",
            aggregation="Optional. sum: the total so far plus the running total's rate for the days left; "
                        "others: the line of the values at the deadline; default last.",
            start="Optional. The start date (a phased sum KPI needs it).",
            weights="Optional. The phasing profile's 12 month weights: a sum KPI forecasts total / phase.")
def KPI_FORECAST(values, period_ends, deadline, aggregation=None, start=None, weights=None):
    """Return the forecast at the deadline: FORECAST.LINEAR for level KPIs, total + rate x days left for sum
    (total / phase at the latest period end when phased)."""
    def call():
        profile = _weights(weights)
        value_list, end_list = _series(values), _series(period_ends)
        if len(value_list) != len(end_list):
            raise _CallError(f"values and period_ends must be ranges of the same size "
                             f"({len(value_list)} values, {len(end_list)} period ends)")
        ends, numbers = [], []
        for row, (value, end) in enumerate(zip(value_list, end_list), start=1):
            number = _number(value, f"value {row}")
            if number is None:
                continue
            when = _date(end, f"period end {row}")
            if when is None:
                raise KpixlError(f"value {row} has no period end date")
            ends.append(when)
            numbers.append(number)
        shape, flats, _ = _broadcast(deadline, aggregation, start)

        def element(d, agg, s):
            return core.forecast(ends, numbers, _date(d, "deadline"), _aggregation(agg), _date(s, "start"), profile)

        return _map(element, shape, flats)
    return _guard(call)


@xw.func(category=CATEGORY)
@_arguments('attainments', 'weights')
def KPI_ROLLUP(attainments, weights=None):
    """Return the roll-up score: the weighted mean of the attainments clipped to 0..1."""
    def call():
        values = [_number(x, f"attainment {i}") for i, x in enumerate(_series(attainments), 1)]
        weight_list = [_number(w, f"weight {i}") for i, w in enumerate(_series(weights), 1)]
        # No weights given: every child counts 1.
        return core.rollup(values, None if all(w is None for w in weight_list) else weight_list)
    return _guard(call)


__all__ = ["KPI_ELAPSED", "KPI_ACTUAL", "KPI_PLAN", "KPI_ATTAINMENT", "KPI_STATUS", "KPI_TREND",
           "KPI_FORECAST", "KPI_ROLLUP", "KPI_PHASE", "KPI_NEEDED"]
