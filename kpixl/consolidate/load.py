"""Own reading consolidate's inputs: each department workbook checked, hashed and evaluated, compactly.

:func:`load_sources` checks every input with :func:`kpixl.validate.check_workbook` in
worker processes (:mod:`kpixl.isolation`: a crash, a hang or a memory blow-up costs that
file one finding), hashes the bytes it read and turns it into a compact :class:`Source`:
measurements column by column in :class:`MeasurementRows`, every KPI already evaluated by
:mod:`kpixl.core` in a :class:`KpiLine`, so memory grows with the data, not with record
objects. :func:`source_from_workbook` does the same for an in-memory workbook.
"""

from __future__ import annotations

import hashlib
import itertools
import operator
from array import array
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from kpixl import core, isolation, schema
from kpixl.copies import department_of
from kpixl.errors import DefinitionError, KpixlError
from kpixl.message import message
from kpixl.reader import isolated_result, precheck, warm
from kpixl.validate import check_workbook, file_facts
from kpixl.model import (ERROR, CommentRecord, DepartmentWorkbook, EvaluationRecord, Finding, FindingsView, KpiRecord,
                         MeasurementRecord, Place)
from kpixl.refs import split_cell
from kpixl.vocab import kpi_key

INCLUDED, SKIPPED = "included", "skipped"

# The function each worker runs per input file (see load_sources()).
LOAD_TASK = "kpixl.consolidate.load:_load_one"
# Findings of loading one file; validate owns the per-file codes, kpixl.consolidate.rules the cross-file ones.
CODE_DEFINITION = "KPX604"
CODE_UNREADABLE = "KPX605"


# -------------------------------------------------------------- loaded inputs

@dataclass
class KpiLine:
    """Hold one KPI of the company: its record, where it came from and every computed number."""

    record: KpiRecord
    department: str
    source: str
    result: core.KpiResult | None
    measured: bool  # the KPI has measurement rows of its own
    attainment: float | None = None  # own, or the roll-up score for an unmeasured high-level KPI
    status: str = core.NO_DATA
    rollup_score: float | None = None
    rollup_coverage: float | None = None
    basis: str | None = None  # "own" | "rollup" | None
    last_measurement: date | None = None  # the latest period end counted as of the as-of date
    # With --skip-invalid: each left-out file that may have held children of this company KPI,
    # with how many children its rows name (None: it could not be read, so the count is unknown).
    lost_from: tuple[tuple[str, int | None], ...] = ()

    @property
    def lost_children(self) -> int | None:
        """Return how many children left-out files name (None: unknown, a file could not be read)."""
        counts = [n for _name, n in self.lost_from]
        return None if None in counts else sum(n for n in counts if n is not None)

    @property
    def incomplete(self) -> bool:
        """Return True for a company KPI that may have lost children to a left-out file (--skip-invalid)."""
        return bool(self.lost_from)

    @property
    def is_high(self) -> bool:
        """Return True for a high-level (company) KPI."""
        return self.record.level == "high"


def measurement_keys() -> tuple[str, ...]:
    """Return the keys of a measurement row: the Measurements table's input columns (the schema's), then ``origin``.

    One definition: the company's Measurements table (:mod:`.tables`), :class:`MeasurementRows`
    and every reader of its rows (:mod:`.history`, :mod:`.previous`) take the columns from
    here, by key. A column added to ``schema.MEASUREMENTS`` (and carried by
    ``MeasurementRecord``) is in every output without another edit.
    """
    return tuple(column.key for column in schema.MEASUREMENTS.input_columns) + ("origin",)


class MeasurementRows:
    """Hold one input's measurement rows column by column, compactly, by key; iterate them as tuples.

    A thousand workbooks hold over a million measurements: as tuples of fresh objects
    they take ~300 bytes each, column by column (shared KPI IDs and dates, packed values
    and row numbers) ~50. :attr:`keys` are :func:`measurement_keys`; :meth:`column` gives
    one column by key and iterating yields each row's values in :attr:`keys` order (the
    origin is "Sheet!A5"). :attr:`extras` holds the extra columns' values by header (None
    when the table has no extra column).
    """

    __slots__ = ("keys", "count", "columns", "prefix", "rows", "origins", "extras")

    def __init__(self, records: Sequence[MeasurementRecord] = (), display: dict[str, str] | None = None):
        self.keys = measurement_keys()
        self.count = len(records)
        shared: dict[Any, Any] = {}
        self.columns: dict[str, Sequence[Any] | None] = {}
        for key in self.keys[:-1]:
            values = list(map(operator.attrgetter(key), records))
            if key == "kpi_id" and display:
                # The KPI's ID as typed in its KPIs table (kpi_key matched), so filters group a KPI's rows.
                shown = {k: display.get(kpi_key(k), k) for k in set(values)}
                values = [shown[k] for k in values]
            if key in ("kpi_id", "period_end"):  # few distinct values, repeated on every row: one object each
                self.columns[key] = [shared.setdefault(v, v) for v in values]
            elif key == "value" and all(type(v) is float for v in values):
                self.columns[key] = array("d", values)
            else:
                # A mostly blank column (entered by, note) holds no list at all when it is all blank.
                self.columns[key] = values if any(v is not None for v in values) else None
        self.prefix, self.rows, self.origins = self._packed_origins(records)
        self.extras: list[dict[str, Any]] | None = [m.extra for m in records] \
            if any(m.extra for m in records) else None

    @staticmethod
    def _packed_origins(records: Sequence[MeasurementRecord]) -> tuple[str | None, array | None, list | None]:
        """Return ("Sheet!A", row numbers, None) if every origin is that prefix and a row, else (None, None, origins)."""
        first = records[0].place if records else None
        split = split_cell(first.cell or "") if first is not None and first.sheet else None
        if split is not None:
            sheet, letters = first.sheet, split[0]  # type: ignore[union-attr]
            rows = array("l")
            for m in records:
                cell = split_cell(m.place.cell or "") if m.place.sheet == sheet else None
                if cell is None or cell[0] != letters:
                    break
                rows.append(cell[1])
            else:
                return f"{sheet}!{letters}", rows, None
        return None, None, [_origin(m.place) for m in records]

    def column(self, key: str) -> Sequence[Any]:
        """Return the values of column ``key`` (one of :attr:`keys`), a value per row."""
        if key == "origin":
            if self.rows is not None:
                prefix = self.prefix
                return [f"{prefix}{row}" for row in self.rows]
            return self.origins or []
        values = self.columns[key]
        return values if values is not None else [None] * self.count

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[tuple]:
        columns: list[Iterable] = []
        for key in self.keys:
            values = self.columns.get(key)
            if key == "origin" and self.rows is not None:
                prefix = self.prefix
                columns.append(f"{prefix}{row}" for row in self.rows)
            elif key == "origin":
                columns.append(self.origins or ())
            else:
                columns.append(values if values is not None else itertools.repeat(None, self.count))
        return zip(*columns)


@dataclass
class Source(FindingsView):
    """Hold one checked input, compactly: file facts, findings, evaluated KPIs and measurement rows."""

    path: str
    department: str
    size: int | None = None
    sha256: str | None = None
    kpis: list[KpiLine] = field(default_factory=list)
    # its rows column by column, by key (measurement_keys())
    measurements: MeasurementRows = field(default_factory=MeasurementRows)
    findings: list[Finding] = field(default_factory=list)
    status: str = INCLUDED
    reason: str | None = None
    language: str = "en"  # the workbook's language (a run without --lang speaks the workbooks' language)
    comments: list[CommentRecord] = field(default_factory=list)  # its Commentary rows (few: kept as records)
    evaluations: list[EvaluationRecord] = field(default_factory=list)  # its Evaluation decisions and notes


def source_from_workbook(workbook: DepartmentWorkbook, as_of: date, *, size: int | None = None,
                         sha256: str | None = None) -> Source:
    """Return the compact, evaluated form of a checked workbook.

    A KPI the core rejects (validate should have said so) becomes an error finding
    of the file instead of a traceback.
    """
    source = Source(path=str(workbook.path), department=department_of(workbook), size=size, sha256=sha256,
                    language=workbook.language, comments=list(workbook.comments),
                    evaluations=list(workbook.evaluations), findings=list(workbook.findings))
    series = workbook.measurements_by_kpi()
    has_errors = any(f.severity == ERROR for f in workbook.findings)
    for record in workbook.kpis:
        result = None
        counted = core.window(series.get(kpi_key(record.kpi_id), ()), as_of, record.start)
        if record.valid and not has_errors:
            try:
                result = core.evaluate(record.definition(), series.get(kpi_key(record.kpi_id), ()), as_of)
            except (DefinitionError, TypeError) as error:
                inner = error.as_fact() if isinstance(error, DefinitionError) else str(error)
                source.findings.append(Finding(CODE_DEFINITION, ERROR, message("KPX604", id=record.kpi_id, inner=inner),
                                               record.place, record.kpi_id))
        source.kpis.append(KpiLine(record, source.department, source.path, result, kpi_key(record.kpi_id) in series,
                                   last_measurement=counted[-1][0] if counted else None))
    source.measurements = MeasurementRows(workbook.measurements,
                                          {kpi_key(k.kpi_id): k.kpi_id for k in reversed(workbook.kpis)})
    return source


# ------------------------------------------------------------- reading inputs

def _check_file(path: Path, as_of: date, prechecked: Future | None = None) -> DepartmentWorkbook:
    try:
        # In English: the run says its one language at the end (and the machine outputs keep English).
        return check_workbook(path, as_of=as_of, prechecked=prechecked, language="en")
    except KpixlError as error:  # check_workbook should not raise; keep the other files going if it does
        said = error.as_fact()  # its own message (a WorkbookError's, without the place)
    except Exception as error:  # noqa: BLE001 - one broken file must not stop the run
        said = message("KPX605", why=f"{type(error).__name__}: {error}")
    return DepartmentWorkbook(path=str(path), findings=[Finding(CODE_UNREADABLE, ERROR, said,  # type: ignore[arg-type]
                                                                Place(str(path)))])


def _load_one(path: Path, as_of: date) -> Source:
    # Pre-checked here so the bytes it read are hashed too: each input is read from disk once.
    prechecked: Future = Future()
    try:
        prechecked.set_result(precheck(path))
    except Exception as error:  # noqa: BLE001 - check_workbook turns it into the file's finding
        prechecked.set_exception(error)
    workbook = _check_file(path, as_of, prechecked)
    size, sha = _facts_from(prechecked) or file_facts(path)
    return source_from_workbook(workbook, as_of, size=size, sha256=sha)


def _facts_from(prechecked: Future | None) -> tuple[int, str] | None:
    """Return (size, SHA-256) of the bytes the pre-check read, so each input is read once; None if it has none."""
    if prechecked is None or not prechecked.done() or prechecked.exception() is not None:
        return None
    data = prechecked.result().data
    return (len(data), hashlib.sha256(data).hexdigest()) if data else None


def load_sources(paths: Sequence[Path], as_of: date, *, jobs: int = 1,
                 progress: Callable[[int, int, str], None] | None = None,
                 on_source: Callable[[Source], None] | None = None,
                 file_timeout: float | None = isolation.DEFAULT_FILE_TIMEOUT,
                 memory_limit: int | None = isolation.DEFAULT_MEMORY_LIMIT, task: str = LOAD_TASK) -> list[Source]:
    """Check, hash and evaluate every input, in input order, in ``jobs`` worker processes.

    Each file is parsed in a worker (:mod:`kpixl.isolation`): a worker that crashes, runs
    past ``file_timeout`` seconds or past ``memory_limit`` bytes costs that file one
    finding, and the run goes on. ``task`` names the per-file function (``"module:function"``).
    ``on_source(source)`` is called for each input, in input order, as soon as it is loaded.
    """
    total = len(paths)
    sources: list[Source] = []
    warm()  # once here, not once in every worker
    with isolation.WorkerPool(jobs, timeout=file_timeout, memory_limit=memory_limit) as pool:
        for path, result in zip(paths, pool.map(task, [(Path(path), as_of) for path in paths])):
            if isinstance(result, isolation.Fault):
                size, sha = file_facts(path)
                result = source_from_workbook(isolated_result(path, result), as_of, size=size, sha256=sha)
            sources.append(result)
            if on_source:
                on_source(result)
            if progress:
                progress(len(sources), total, Path(path).name)
    return sources



def _key(text: str | None) -> str:
    """Return a department name folded for comparison (case and surrounding spaces ignored).

    KPI IDs are compared by :func:`kpixl.vocab.kpi_key`, the key the workbook's formulas use.
    """
    return " ".join(str(text).split()).casefold() if text is not None else ""


def _origin(place: Place) -> str | None:
    if not place.sheet:
        return None
    return f"{place.sheet}!{place.cell}" if place.cell else place.sheet

