"""Own the company's month-by-month picture as data: each KPI as of every month-end, and what changed.

Layering (issue 21): this module is below :mod:`.tables` (whose ``Consolidation.history``
computes it) and imports from the consolidate package only :mod:`.load`; what shows the
history (the History sheet, the Summary's changes, the console table) is above both, in
:mod:`.history_out`. It reads a consolidation through :class:`Company`, the few fields it
needs, so it never imports :mod:`.tables`.

:func:`compute_history` evaluates every KPI of a :class:`~kpixl.consolidate.Consolidation`
as of each month-end from the earliest start to the as-of date (and as of the comparison
date ``since``), with the same definitions as the KPIs sheet: the window of measurements
that count (``start <= period end <= D``) is found for every KPI and date at once by
``numpy.searchsorted`` over the measurements sorted once per file; actual, plan,
attainment and status are then the core's own functions on that window
(:func:`kpixl.core.combine`, :func:`~kpixl.core.attainment`, ...), so every cell equals
:func:`kpixl.core.evaluate` as of its date exactly (``tests/test_history.py`` proves it).
The core's ``math.fsum`` is kept on purpose: running sums (``cumsum``) differ from it in
the last bits, which could flip a status at a threshold between the History and KPIs
sheets. Roll-up per date follows the KPIs sheet's rule (an unmeasured high-level KPI takes
its roll-up score).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Iterator, Protocol, Sequence

import numpy as np

from kpixl import core, texts
from kpixl.consolidate.load import KpiLine, MeasurementRows, Source
from kpixl.errors import DefinitionError
from kpixl.vocab import kpi_key

# Worst first: how bad a status is, for sorting the changes and calling them better or worse.
SEVERITY = {core.ON_TRACK: 0, core.NOT_STARTED: 1, core.NO_DATA: 2, core.AT_RISK: 3, core.OFF_TRACK: 4}
WORSE, BETTER = "worse", "better"


class Company(Protocol):
    """What the history reads of a consolidation (:class:`kpixl.consolidate.Consolidation` is one)."""

    @property
    def as_of(self) -> date: ...

    @property
    def kpis(self) -> list[KpiLine]: ...

    @property
    def children(self) -> dict[str, list[KpiLine]]: ...

    @property
    def included(self) -> list[Source]: ...


def say(key: str, language: str, **values: Any) -> str:
    """Return the text ``key`` in ``language`` (the catalogue's ``history.*``), with ``values`` filled in."""
    return texts.text("history", key, language, **values)


# ------------------------------------------------------------------ the dates

def previous_month_end(day: date) -> date:
    """Return the last month-end strictly before ``day``."""
    return day.replace(day=1) - timedelta(days=1)


def month_ends(first: date, last: date) -> list[date]:
    """Return every month-end from ``first`` (included if a month-end) to before ``last``, then ``last``."""
    ends = []
    cursor = first.replace(day=1)
    while True:
        following = (cursor.replace(day=28) + timedelta(days=4)).replace(day=1)
        end = following - timedelta(days=1)
        if end >= last:
            break
        ends.append(end)
        cursor = following
    return ends + [last]


def first_date(company: Company) -> date:
    """Return where the history begins: the earliest start, else the earliest measurement, else the as-of date."""
    starts = [line.record.start for line in company.kpis if line.record.start is not None]
    if starts:
        return min(min(starts), company.as_of)
    ends = [end for source in company.included for end in _columns(source.measurements)[1]]
    return min([company.as_of, *ends])


# ------------------------------------------------------------------ computing

@dataclass(frozen=True)
class Point:
    """Hold one KPI as of one date: actual, plan, attainment (own, or roll-up), status and roll-up score."""

    actual: float | None
    plan: float | None
    attainment: float | None
    status: str
    rollup_score: float | None = None


_BLANK = Point(None, None, None, core.NO_DATA)


@dataclass
class History:
    """Hold every KPI line's points: one per date of ``dates`` (month-ends, then the as-of date) and ``since``."""

    dates: list[date]
    since: date
    lines: list[KpiLine]
    points: list[dict[date, Point]]  # per line, by date
    _index: dict[int, int] = field(default_factory=dict, init=False, repr=False, compare=False)

    def at(self, index: int, day: date) -> Point:
        """Return line ``index`` as of ``day`` (one of the dates or ``since``)."""
        return self.points[index][day]

    def index_of(self, line: KpiLine) -> int:
        """Return the index of ``line`` in :attr:`lines` (found by identity, the lookup made once)."""
        if not self._index:
            self._index.update((id(each), i) for i, each in enumerate(self.lines))
        return self._index[id(line)]

    @property
    def as_of(self) -> date:
        """Return the as-of date (the last column)."""
        return self.dates[-1]

    def changes(self) -> list[Change]:
        """Return the KPIs whose status differs between ``since`` and the as-of date, worst first."""
        found = []
        for index, line in enumerate(self.lines):
            before, after = self.at(index, self.since), self.at(index, self.as_of)
            if before.status != after.status:
                found.append(Change(index, line, before, after))
        found.sort(key=lambda c: (-SEVERITY[c.after.status], SEVERITY[c.before.status], c.index))
        return found

    def change_counts(self) -> list[tuple[str | None, int, int, int]]:
        """Return (department, changed, worse, better) per department in input order, then the company (None)."""
        counts: dict[str | None, list[int]] = {line.department: [0, 0, 0] for line in self.lines}
        total = [0, 0, 0]
        for change in self.changes():
            for row in (counts[change.line.department], total):
                row[0] += 1
                row[1 if change.direction == WORSE else 2] += 1
        return [(d, c[0], c[1], c[2]) for d, c in counts.items()] + [(None, total[0], total[1], total[2])]


@dataclass(frozen=True)
class Change:
    """Hold one KPI whose status changed: its line and its points at the comparison and as-of dates."""

    index: int
    line: KpiLine
    before: Point
    after: Point

    @property
    def direction(self) -> str:
        """Return ``worse`` or ``better`` (by status severity)."""
        return WORSE if SEVERITY[self.after.status] > SEVERITY[self.before.status] else BETTER


def compute_history(company: Company, since: date | None = None) -> History:
    """Return every KPI line of ``company`` as of each month-end, the as-of date and ``since``.

    ``since`` defaults to the month-end before the as-of date; it must be before the as-of date.
    """
    as_of = company.as_of
    since = since or previous_month_end(as_of)
    if since >= as_of:
        raise DefinitionError(f"the comparison date {since.isoformat()} is not before the as-of date "
                              f"{as_of.isoformat()}; give an earlier --since")
    dates = month_ends(first_date(company), as_of)
    every = sorted(set(dates) | {since})
    lines = company.kpis
    index_of = {id(line): i for i, line in enumerate(lines)}
    own: list[list[Point]] = [[_BLANK] * len(every) for _ in lines]
    for source in company.included:
        for line, found in _source_points(source, every):
            own[index_of[id(line)]] = found
    return History(dates=dates, since=since, lines=lines,
                   points=_with_rollup(company, lines, own, every, index_of))


def _columns(measurements: MeasurementRows) -> tuple[Sequence, Sequence, Sequence]:
    """Return (KPI IDs, period ends, values) of a source's measurement rows, by key."""
    return measurements.column("kpi_id"), measurements.column("period_end"), measurements.column("value")


def _source_points(source, every: list[date]) -> Iterator[tuple[KpiLine, list[Point]]]:
    """Yield (line, points per date) for each evaluated KPI of one source."""
    lines = [line for line in source.kpis if line.result is not None]
    if not lines:
        return
    # The same grouping as the evaluation: DepartmentWorkbook.measurements_by_kpi (by KPI ID as read).
    code: dict[str, int] = {}
    for line in lines:
        code.setdefault(line.record.kpi_id, len(code))
    kpi_ids, ends, values = _columns(source.measurements)
    serial_of = {d: core.to_serial(d) for d in set(ends)}
    keys = (np.array([code.get(k, -1) for k in kpi_ids], np.int64) << 32) | \
        np.array(list(map(serial_of.__getitem__, ends)), np.int64)
    # Stable: measurements of one period end keep their input order, as core.window keeps them ("last").
    order = np.argsort(keys, kind="stable")
    keys = keys[order]
    ordered = order.tolist()
    sorted_values = [values[i] for i in ordered]
    days = np.array([core.to_serial(d) for d in every], np.int64)
    heads = np.array([code[line.record.kpi_id] for line in lines], np.int64) << 32
    starts = np.array([core.to_serial(line.record.start) if line.record.start else 0 for line in lines], np.int64)
    low = np.searchsorted(keys, heads | starts, side="left")
    high = np.searchsorted(keys, heads[:, None] | days[None, :], side="right")
    high = np.maximum(high, low[:, None])  # a date before the start: an empty window
    for i, line in enumerate(lines):
        yield line, _points(line.record.definition(), sorted_values, int(low[i]), high[i].tolist(), every)


def _points(d: core.KpiDefinition, values: list, low: int, highs: list[int], every: list[date]) -> list[Point]:
    """Return the KPI's point per date from its windows values[low:high] (the core's functions, as evaluate)."""
    out: list[Point] = []
    last: tuple | None = None
    for day, high in zip(every, highs):
        try:
            f = d.phase(day)  # Φ: the profile's share of the plan by that day (f without a profile)
            if (high, f) == last:  # the same window and elapsed fraction: the same numbers
                out.append(out[-1])
                continue
            last = (high, f)
            act = core.combine(values[low:high], d.aggregation)
            att = core.attainment(act, d.target, d.baseline, d.direction, f, d.aggregation, d.tolerance)
            stat = core.status_of(att, d.green, d.amber, started=not core.not_started(f, d.direction, d.aggregation))
            out.append(Point(act, core.plan(d.target, d.baseline, d.direction, f, d.aggregation, d.tolerance),
                             att, stat))
        except DefinitionError:  # as evaluate would raise on that date: nothing to show (the KPIs sheet says why)
            out.append(_BLANK)
    return out


def _with_rollup(company: Company, lines: list[KpiLine], own: list[list[Point]], every: list[date],
                 index_of: dict[int, int]) -> list[dict[date, Point]]:
    """Return the points with the roll-up per date, by the KPIs sheet's rule (kpixl.consolidate.rules._rollup)."""
    out = []
    for i, line in enumerate(lines):
        points = own[i]
        kids = company.children.get(kpi_key(line.record.kpi_id), []) if line.is_high else []
        if kids:
            weights = [k.record.effective_weight for k in kids]
            rows = [own[index_of[id(k)]] for k in kids]
            definition = line.record.definition()
            rolled = []
            for j, point in enumerate(points):
                score = core.rollup([r[j].attainment for r in rows], weights)
                if not line.measured and score is not None:
                    point = Point(point.actual, point.plan, score,
                                  core.status_of(score, definition.green, definition.amber), score)
                else:
                    point = Point(point.actual, point.plan, point.attainment, point.status, score)
                rolled.append(point)
            points = rolled
        out.append(dict(zip(every, points)))
    return out


__all__ = ["compute_history", "History", "Point", "Change", "Company", "month_ends", "previous_month_end", "first_date",
           "say", "SEVERITY", "WORSE", "BETTER"]
