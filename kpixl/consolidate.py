"""Own ``kpixl consolidate``: many department workbooks into one company workbook.

Three steps, each usable on its own:

* :func:`load_sources` checks every input with :func:`kpixl.validate.check_workbook`
  (in worker processes, :mod:`kpixl.isolation`), hashes the bytes it read and turns it
  into a compact :class:`Source` (measurements column by column in
  :class:`MeasurementRows`, every KPI already evaluated by :mod:`kpixl.core`), so
  memory grows with the data, not with record objects.
* :func:`consolidate_sources` applies the cross-file rules (a KPI ID or a
  department in two files, a parent ID that is no high-level KPI), decides which
  files are included, computes the roll-up and builds the tables.
  :func:`consolidate_workbooks` does the same from in-memory workbooks.
* :func:`write_company_workbook` and :func:`write_csv_tables` write those tables.

Every number comes from :mod:`kpixl.core`. Text from inputs is always written as
text (``write_string``; CSV text that a spreadsheet would run as a formula is
prefixed with ``'``). A table longer than a sheet continues on ``Name (2)``,
``Name (3)``... with the header repeated. Output goes through
:func:`kpixl.output.atomic_output`: nothing is written when the inputs are
invalid, and a failed run leaves no file behind.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import itertools
import math
import os
import re
import time
from array import array
from collections import Counter
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from kpixl import core, danish, isolation
from kpixl import history as _history
from kpixl.errors import DefinitionError, KpixlError, ValidationFailed
from kpixl.model import (ERROR, WARNING, DepartmentWorkbook, Finding, FindingsView, KpiRecord, MeasurementRecord,
                         Place, left_out_summary)
from kpixl.output import atomic_output, check_output, folder_targets
# One palette and one list of percent units for every workbook kpixl writes.
from kpixl.template import PERCENT_UNITS
from kpixl.xlsx import HEADER_FILL, STATUS_COLOURS as _STATUS_COLOURS
from kpixl.vocab import kpi_key

# Rows a worksheet holds, the header included (Excel's limit). Tests lower it.
MAX_SHEET_ROWS = 1_048_576
# How many errors the ValidationFailed message lists before "and N more".
ERRORS_SHOWN = 10

INCLUDED, SKIPPED = "included", "skipped"

# Consolidation findings (cross-file rules); validate owns the per-file codes.
# The function each worker runs per input file (see load_sources()).
LOAD_TASK = "kpixl.consolidate:_load_one"
CODE_DUPLICATE_ID = "KPX601"
CODE_UNKNOWN_PARENT = "KPX602"
CODE_DUPLICATE_DEPARTMENT = "KPX603"
CODE_DEFINITION = "KPX604"
CODE_UNREADABLE = "KPX605"

STATUSES = (core.ON_TRACK, core.AT_RISK, core.OFF_TRACK, core.NOT_STARTED, core.NO_DATA)
# Departments the Summary chart shows at most (the worst ones; the table lists all).
SUMMARY_CHART_DEPARTMENTS = 15

_WORDS = {
    "included": {"en": "included", "da": "medtaget"},
    "skipped": {"en": "skipped", "da": "udeladt"},
    "own": {"en": "own measurements", "da": "egne målinger"},
    "rollup": {"en": "roll-up", "da": "oprulning"},
    "company": {"en": "Company", "da": "Virksomheden"},
    "total": {"en": "Total", "da": "I alt"},
    "as_of": {"en": "As of", "da": "Opgjort pr."},
    "title": {"en": "KPI status per department", "da": "KPI-status pr. afdeling"},
    "error": {"en": "error", "da": "fejl"},
    "warning": {"en": "warning", "da": "advarsel"},
    "extra": {"en": "extra", "da": "ekstra"},
    "sorted": {"en": "Worst first: by share of Off track, then At risk, then No data KPIs",
               "da": "Dårligst først: efter andel KPI'er Bagud, så I risiko, så Ingen data"},
    "chart_worst": {"en": "The chart shows the {n} worst of {total} departments; the table lists all.",
                    "da": "Diagrammet viser de {n} dårligste af {total} afdelinger; tabellen viser alle."},
}


def _say(key: str, language: str) -> str:
    return _WORDS[key]["da" if language == "da" else "en"]


# ------------------------------------------------------------------ the tables

@dataclass(frozen=True)
class Column:
    """Describe one column of a company table: key, headers and kind.

    Kinds: text, status, number, measure (a number in the KPI's unit: percent format
    on the rows of a ``%`` KPI), pct, date, int, value (an input's extra column: as typed).
    """

    key: str
    en: str
    da: str
    kind: str = "text"
    width: float = 12

    def header(self, language: str) -> str:
        """Return the header in ``language``."""
        return self.da if language == "da" else self.en


def _c(key: str, en: str, da: str, kind: str = "text", width: float | None = None) -> Column:
    # Numbers get room for millions with decimals (a revenue forecast must not show ####).
    return Column(key, en, da, kind, width if width is not None else 16 if kind in ("number", "measure") else 12)


_TEXT_KINDS = ("text", "status")
# Widest a column grows to fit its content (a path or message wraps beyond it).
_MAX_WIDTH = 90
_PERCENT_UNITS = frozenset(u.casefold() for u in PERCENT_UNITS)


def is_percent_unit(unit: object) -> bool:
    """Return True for a unit the template formats as a percentage (``%``, ``pct``, ``procent``...)."""
    return isinstance(unit, str) and unit.strip().casefold() in _PERCENT_UNITS


_DEPARTMENT = _c("department", "Department", "Afdeling", width=16)
_SOURCE = _c("source", "Source file", "Kildefil", width=24)

KPI_COLUMNS = (
    _DEPARTMENT, _SOURCE,
    _c("kpi_id", "KPI ID", "KPI-ID"), _c("name", "KPI name", "KPI-navn", width=30),
    _c("level", "Level", "Niveau", width=8), _c("parent_id", "Parent KPI ID", "Overordnet KPI-ID", width=14),
    _c("owner", "Owner", "Ansvarlig", width=16), _c("unit", "Unit", "Enhed", width=9),
    _c("direction", "Direction", "Retning", width=10), _c("aggregation", "Aggregation", "Aggregering", width=11),
    _c("frequency", "Frequency", "Frekvens", width=10),
    _c("baseline", "Baseline", "Udgangspunkt", "measure"), _c("target", "Target", "Mål", "measure"),
    _c("tolerance", "Tolerance", "Tolerance", "measure"),
    _c("start", "Start date", "Startdato", "date"), _c("deadline", "Deadline", "Frist", "date"),
    _c("green", "Green from", "Grøn fra", "pct", 10), _c("amber", "Amber from", "Gul fra", "pct", 10),
    _c("weight", "Weight", "Vægt", "number", 8),
    _c("elapsed", "Elapsed", "Forløbet", "pct", 9),
    _c("actual", "Actual", "Faktisk", "measure"), _c("plan", "Plan", "Plan", "measure"),
    _c("attainment", "Attainment", "Målopfyldelse", "pct", 13),
    _c("status", "Status", "Status", "status", 12), _c("trend", "Trend", "Tendens", width=11),
    _c("last_measurement", "Last measurement", "Seneste måling", "date", 13),
    _c("forecast", "Forecast", "Prognose", "measure"),
    _c("forecast_attainment", "Forecast attainment", "Prognose-målopfyldelse", "pct", 14),
    _c("rollup_score", "Roll-up score", "Oprulningsscore", "pct", 13),
    _c("rollup_coverage", "Roll-up coverage", "Oprulningsdækning", "pct", 13),
    _c("basis", "Attainment from", "Målopfyldelse fra", width=16),
    _c("origin", "Origin", "Oprindelse", width=14),
)

ROLLUP_COLUMNS = (
    _c("kpi_id", "High-level KPI ID", "Høj KPI-ID", width=14), _c("name", "High-level KPI name", "Høj KPI-navn", width=28),
    _DEPARTMENT,
    _c("child_id", "Child KPI ID", "Under-KPI-ID", width=13), _c("child_name", "Child KPI name", "Under-KPI-navn", width=28),
    _c("child_department", "Child department", "Under-KPI afdeling", width=16),
    _c("weight", "Weight", "Vægt", "number", 8),
    _c("attainment", "Child attainment", "Under-KPI målopfyldelse", "pct", 14),
    _c("clipped", "Clipped attainment", "Afgrænset målopfyldelse", "pct", 14),
    _c("score", "Roll-up score", "Oprulningsscore", "pct", 13),
    _c("coverage", "Roll-up coverage", "Oprulningsdækning", "pct", 13),
)

MEASUREMENT_COLUMNS = (
    _DEPARTMENT, _SOURCE,
    _c("kpi_id", "KPI ID", "KPI-ID"), _c("period_end", "Period end", "Periodeslut", "date"),
    _c("value", "Value", "Værdi", "number"), _c("entered_by", "Entered by", "Indtastet af", width=16),
    _c("note", "Note", "Note", width=30), _c("origin", "Origin", "Oprindelse", width=18),
)

FINDING_COLUMNS = (
    _SOURCE, _c("sheet", "Sheet", "Ark", width=14), _c("cell", "Cell", "Celle", width=8),
    _c("severity", "Severity", "Alvor", width=9), _c("code", "Code", "Kode", width=9),
    _c("kpi_id", "KPI ID", "KPI-ID"), _c("message", "Message", "Besked", width=80),
)

SOURCE_COLUMNS = (
    _c("path", "Path", "Sti", width=40), _DEPARTMENT,
    _c("size", "Size (bytes)", "Størrelse (bytes)", "int", 14), _c("sha256", "SHA-256", "SHA-256", width=66),
    _c("kpis", "KPIs", "KPI'er", "int", 8), _c("measurements", "Measurements", "Målinger", "int", 13),
    _c("errors", "Errors", "Fejl", "int", 8), _c("warnings", "Warnings", "Advarsler", "int", 10),
    _c("status", "Status", "Status", width=10), _c("reason", "Reason", "Årsag", width=80),
)

# The tidy history (kpixl.history): one row per KPI and date; the History sheet shows it wide.
HISTORY_COLUMNS = (
    _DEPARTMENT, _c("kpi_id", "KPI ID", "KPI-ID"), _c("as_of", "As of", "Opgjort pr.", "date"),
    _c("actual", "Actual", "Faktisk", "number"), _c("plan", "Plan", "Plan", "number"),
    _c("attainment", "Attainment", "Målopfyldelse", "pct", 13), _c("status", "Status", "Status", "status", 12),
    _c("rollup_score", "Roll-up score", "Oprulningsscore", "pct", 13),
)

CHANGE_COLUMNS = (
    _DEPARTMENT, _c("kpi_id", "KPI ID", "KPI-ID"), _c("name", "KPI name", "KPI-navn", width=30),
    _c("since", "Since", "Siden", "date"), _c("from_status", "From status", "Fra status", "status"),
    _c("from_attainment", "From attainment", "Fra målopfyldelse", "pct", 13),
    _c("as_of", "As of", "Opgjort pr.", "date"), _c("to_status", "To status", "Til status", "status"),
    _c("to_attainment", "To attainment", "Til målopfyldelse", "pct", 13),
    _c("change", "Change", "Ændring", width=10),
)

SUMMARY_COLUMNS = (_DEPARTMENT,) + tuple(
    Column(s, s, core.word("status", s, "da"), "int", 12) for s in STATUSES
) + (_c("total", "Total", "I alt", "int", 8),)

# table key -> (English sheet, Danish sheet, CSV file name, columns)
TABLES: dict[str, tuple[str, str, str, tuple[Column, ...]]] = {
    "summary": ("Summary", "Oversigt", "summary.csv", SUMMARY_COLUMNS),
    "kpis": ("KPIs", "KPI'er", "kpis.csv", KPI_COLUMNS),
    "rollup": ("Roll-up", "Oprulning", "rollup.csv", ROLLUP_COLUMNS),
    "measurements": ("Measurements", "Målinger", "measurements.csv", MEASUREMENT_COLUMNS),
    "findings": ("Findings", "Fund", "findings.csv", FINDING_COLUMNS),
    "sources": ("Sources", "Kilder", "sources.csv", SOURCE_COLUMNS),
    "history": ("History", "Historik", "history.csv", HISTORY_COLUMNS),
    "changes": ("Changes", "Ændringer", "changes.csv", CHANGE_COLUMNS),  # on the Summary sheet
}
CSV_FILES = tuple(spec[2] for spec in TABLES.values())
# The company workbook's sheets, in order (the changes are on the Summary sheet).
WORKBOOK_SHEETS = ("summary", "history", "kpis", "rollup", "measurements", "findings", "sources")


def sheet_name(table: str, language: str = "en") -> str:
    """Return the sheet name of ``table`` (summary, kpis, rollup, ...) in ``language``."""
    en, da, _, _ = TABLES[table]
    return da if language == "da" else en


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

    @property
    def is_high(self) -> bool:
        """Return True for a high-level (company) KPI."""
        return self.record.level == "high"


@dataclass
class Source(FindingsView):
    """Hold one checked input, compactly: file facts, findings, evaluated KPIs and measurement rows."""

    path: str
    department: str
    size: int | None = None
    sha256: str | None = None
    kpis: list[KpiLine] = field(default_factory=list)
    # iterates as (kpi_id, period_end, value, entered_by, note, origin "Sheet!A5") tuples
    measurements: MeasurementRows | list[tuple] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    status: str = INCLUDED
    reason: str | None = None
    language: str = "en"  # the workbook's language: its cross-file findings are said in it


class MeasurementRows:
    """Hold one input's measurement rows column by column, compactly; iterate them as tuples.

    A thousand workbooks hold over a million measurements: as tuples of fresh objects
    they take ~300 bytes each, column by column (shared KPI IDs and dates, packed values
    and row numbers) ~50. Iterating yields (kpi_id, period_end, value, entered_by, note,
    origin "Sheet!A5"); :attr:`extras` holds the extra columns' values by header (None
    when the table has no extra column).
    """

    __slots__ = ("kpi_ids", "ends", "values", "entered_by", "notes", "prefix", "rows", "origins", "extras")

    def __init__(self, records: Sequence[MeasurementRecord] = (), display: dict[str, str] | None = None):
        shared: dict[Any, Any] = {}
        if display:
            # The KPI's ID as typed in its KPIs table (kpi_key matched), so filters group a KPI's rows.
            shown = {k: display.get(kpi_key(k), k) for k in {m.kpi_id for m in records}}
            self.kpi_ids = [shared.setdefault(shown[m.kpi_id], shown[m.kpi_id]) for m in records]
        else:
            self.kpi_ids = [shared.setdefault(m.kpi_id, m.kpi_id) for m in records]
        self.ends = [shared.setdefault(m.period_end, m.period_end) for m in records]
        values = [m.value for m in records]
        self.values: Sequence[Any] = array("d", values) if all(type(v) is float for v in values) else values
        # Entered by and note are mostly blank: no list at all then.
        self.entered_by = [m.entered_by for m in records] if any(m.entered_by is not None for m in records) else None
        self.notes = [m.note for m in records] if any(m.note is not None for m in records) else None
        self.prefix, self.rows, self.origins = self._packed_origins(records)
        self.extras: list[dict[str, Any]] | None = [m.extra for m in records] \
            if any(m.extra for m in records) else None

    @staticmethod
    def _packed_origins(records: Sequence[MeasurementRecord]) -> tuple[str | None, array | None, list | None]:
        """Return ("Sheet!A", row numbers, None) if every origin is that prefix and a row, else (None, None, origins)."""
        first = records[0].place if records else None
        match = _CELL_RE.fullmatch(first.cell or "") if first is not None and first.sheet else None
        if match is not None:
            sheet, letters = first.sheet, match.group(1)  # type: ignore[union-attr]
            rows = array("l")
            for m in records:
                cell = _CELL_RE.fullmatch(m.place.cell or "") if m.place.sheet == sheet else None
                if cell is None or cell.group(1) != letters:
                    break
                rows.append(int(cell.group(2)))
            else:
                return f"{sheet}!{letters}", rows, None
        return None, None, [_origin(m.place) for m in records]

    def __len__(self) -> int:
        return len(self.kpi_ids)

    def __iter__(self) -> Iterator[tuple]:
        count = len(self.kpi_ids)
        blank: list = [None] * count if self.entered_by is None or self.notes is None else []
        entered_by: Iterable = self.entered_by if self.entered_by is not None else blank
        notes: Iterable = self.notes if self.notes is not None else blank
        if self.rows is not None:
            prefix = self.prefix
            origins: Iterable = (f"{prefix}{row}" for row in self.rows)
        else:
            origins = self.origins or ()
        return zip(self.kpi_ids, self.ends, self.values, entered_by, notes, origins)


_CELL_RE = re.compile(r"([A-Z]{1,3})([1-9][0-9]{0,6})")  # no leading zero: the row prints back the same


def _department_of(workbook: DepartmentWorkbook) -> str:
    """Return the file's department: stored in the workbook, else its KPIs' most common one, else the file name."""
    if workbook.department and str(workbook.department).strip():
        return str(workbook.department).strip()
    named = Counter(k.department.strip() for k in workbook.kpis if k.department and k.department.strip())
    if named:
        return named.most_common(1)[0][0]
    return Path(workbook.path).stem


def source_from_workbook(workbook: DepartmentWorkbook, as_of: date, *, size: int | None = None,
                         sha256: str | None = None) -> Source:
    """Return the compact, evaluated form of a checked workbook.

    A KPI the core rejects (validate should have said so) becomes an error finding
    of the file instead of a traceback.
    """
    source = Source(path=str(workbook.path), department=_department_of(workbook), size=size, sha256=sha256,
                    language=workbook.language,
                    findings=list(workbook.findings))
    series = workbook.measurements_by_kpi()
    has_errors = any(f.severity == ERROR for f in workbook.findings)
    for record in workbook.kpis:
        result = None
        counted = core.window(series.get(kpi_key(record.kpi_id), ()), as_of, record.start)
        if record.valid and not has_errors:
            try:
                result = core.evaluate(record.definition(), series.get(kpi_key(record.kpi_id), ()), as_of)
            except (DefinitionError, TypeError) as error:
                source.findings.append(Finding(CODE_DEFINITION, ERROR, f"KPI {record.kpi_id}: {error}",
                                               record.place, record.kpi_id))
        source.kpis.append(KpiLine(record, source.department, source.path, result, kpi_key(record.kpi_id) in series,
                                   last_measurement=counted[-1][0] if counted else None))
    source.measurements = MeasurementRows(workbook.measurements,
                                          {kpi_key(k.kpi_id): k.kpi_id for k in reversed(workbook.kpis)})
    return source


# ------------------------------------------------------------- reading inputs

def file_facts(path: Path | str) -> tuple[int | None, str | None]:
    """Return (size in bytes, SHA-256 hex) of a file, streamed; (None, None) when it cannot be read."""
    try:
        digest = hashlib.sha256()
        size = 0
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
                size += len(block)
        return size, digest.hexdigest()
    except OSError:
        return None, None


def _check_file(path: Path, as_of: date, prechecked: Future | None = None) -> DepartmentWorkbook:
    from kpixl.validate import check_workbook

    try:
        return check_workbook(path, as_of=as_of, prechecked=prechecked)
    except KpixlError as error:  # check_workbook should not raise; keep the other files going if it does
        message = getattr(error, "reason", None) or str(error)
    except Exception as error:  # noqa: BLE001 - one broken file must not stop the run
        message = f"could not be read ({type(error).__name__}: {error})"
    return DepartmentWorkbook(path=str(path), findings=[Finding(CODE_UNREADABLE, ERROR, message, Place(str(path)))])


def _load_one(path: Path, as_of: date) -> Source:
    from kpixl.reader import precheck

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
    with isolation.WorkerPool(jobs, timeout=file_timeout, memory_limit=memory_limit) as pool:
        for path, result in zip(paths, pool.map(task, [(Path(path), as_of) for path in paths])):
            if isinstance(result, isolation.Fault):
                from kpixl.validate import isolated_result

                size, sha = file_facts(path)
                result = source_from_workbook(isolated_result(path, result), as_of, size=size, sha256=sha)
            sources.append(result)
            if on_source:
                on_source(result)
            if progress:
                progress(len(sources), total, Path(path).name)
    return sources


# ---------------------------------------------------------- cross-file rules

def _key(text: str | None) -> str:
    """Return a department name folded for comparison (case and surrounding spaces ignored).

    KPI IDs are compared by :func:`kpixl.vocab.kpi_key`, the key the workbook's formulas use.
    """
    return " ".join(str(text).split()).casefold() if text is not None else ""


def _where(record: KpiRecord, source: Source) -> str:
    place = record.place
    if place.path is None:
        place = Place(source.path, place.sheet, place.cell)
    return str(place)


def _cross_file_rules(sources: list[Source], skip_invalid: bool) -> None:
    """Add the consolidation's error findings to ``sources`` and mark the skipped ones.

    Without ``skip_invalid`` every file is compared with every earlier file (all
    errors are reported at once). With it, no file wins by its name or place in the
    input order: every file that claims a department or KPI ID another valid file
    claims is skipped, each naming the others (:func:`_shared_claims`); then files
    whose parent IDs lose their high-level KPI are skipped until nothing changes.
    """
    for source in sources:
        if source.errors:
            source.status = SKIPPED
    pool = [s for s in sources if s.status == INCLUDED] if skip_invalid else list(sources)
    if skip_invalid:
        _shared_claims(pool)
    else:
        _earlier_claims(pool)
    _orphans(sources, pool, skip_invalid)
    for source in sources:  # a Danish department's findings are said in Danish (kpixl.danish)
        source.findings = danish.localize(source.findings, source.language)


def _earlier_claims(pool: list[Source]) -> None:
    """Add an error to each file that claims a department or KPI ID of an earlier file (naming that file)."""
    seen_ids: dict[str, tuple[KpiRecord, Source]] = {}
    seen_departments: dict[str, Source] = {}
    for source in pool:
        conflicts: list[Finding] = []
        other = seen_departments.get(_key(source.department))
        if other is not None:
            conflicts.append(Finding(
                CODE_DUPLICATE_DEPARTMENT, ERROR,
                f"department {source.department!r} is also in {other.path}; each department belongs in one "
                f"workbook: merge the two files or correct the department", Place(source.path)))
        local_ids: dict[str, tuple[KpiRecord, Source]] = {}
        for line in source.kpis:
            key = kpi_key(line.record.kpi_id)
            first = seen_ids.get(key)
            if first is not None:
                conflicts.append(Finding(
                    CODE_DUPLICATE_ID, ERROR,
                    f"KPI ID {line.record.kpi_id!r} is also in {_where(*first)}; KPI IDs must be unique across "
                    f"the company: rename one of them", line.record.place if line.record.place.path else
                    Place(source.path, line.record.place.sheet, line.record.place.cell), line.record.kpi_id))
            local_ids.setdefault(key, (line.record, source))
        source.findings.extend(conflicts)
        seen_departments.setdefault(_key(source.department), source)
        for key, first in local_ids.items():
            seen_ids.setdefault(key, first)


def _shared_claims(pool: list[Source]) -> None:
    """Skip every file of ``pool`` that shares its department or a KPI ID with another; each names the others.

    Which of ``sales.xlsx`` and ``Sales-backup.XLSX`` is the right one is for a person
    to decide: neither is preferred for its name or its place in the input order.
    """
    by_department: dict[str, list[Source]] = {}
    by_id: dict[str, list[tuple[KpiRecord, Source]]] = {}
    for source in pool:
        by_department.setdefault(_key(source.department), []).append(source)
        local: dict[str, KpiRecord] = {}
        for line in source.kpis:
            local.setdefault(kpi_key(line.record.kpi_id), line.record)
        for key, record in local.items():
            by_id.setdefault(key, []).append((record, source))
    for claimants in by_department.values():
        for source in claimants if len(claimants) > 1 else ():
            others = ", ".join(o.path for o in claimants if o is not source)
            source.findings.append(Finding(
                CODE_DUPLICATE_DEPARTMENT, ERROR,
                f"department {source.department!r} is also in {others}; each department belongs in one workbook "
                f"and no file is preferred, so all of them are left out: remove the copy, merge the files or "
                f"correct the department", Place(source.path)))
    for id_claimants in by_id.values():
        for record, source in id_claimants if len(id_claimants) > 1 else ():
            others = ", ".join(_where(r, o) for r, o in id_claimants if o is not source)
            source.findings.append(Finding(
                CODE_DUPLICATE_ID, ERROR,
                f"KPI ID {record.kpi_id!r} is also in {others}; KPI IDs must be unique across the company and no "
                f"file is preferred, so all of them are left out: remove the copy or rename the KPI in one file",
                record.place if record.place.path else Place(source.path, record.place.sheet, record.place.cell),
                record.kpi_id))
    for source in pool:
        if source.errors:
            source.status = SKIPPED


def _orphans(sources: list[Source], pool: list[Source], skip_invalid: bool) -> None:
    """Add an error for each parent ID that matches no high-level KPI; with skip_invalid, skip until stable."""
    while True:
        accepted = [s for s in pool if s.status == INCLUDED or not skip_invalid]
        high = {kpi_key(line.record.kpi_id) for s in accepted for line in s.kpis if line.is_high}
        newly_bad = False
        for source in accepted:
            if _add_orphan_findings(source, accepted, high) and skip_invalid:
                source.status = SKIPPED
                newly_bad = True
        if not newly_bad:
            break

    for source in sources:
        if source.errors:
            source.status = SKIPPED
            source.reason = source.reason or _reason(source)


def _add_orphan_findings(source: Source, accepted: list[Source], high: set[str]) -> bool:
    """Add KPX602 for each KPI of ``source`` whose parent ID is in no ``high`` key; return whether there was one."""
    orphans = [line for line in source.kpis if not line.is_high and line.record.parent_id
               and str(line.record.parent_id).strip() and kpi_key(line.record.parent_id) not in high]
    for line in orphans:
        record = line.record
        place = record.place if record.place.path else Place(source.path, record.place.sheet, record.place.cell)
        finding = Finding(
            CODE_UNKNOWN_PARENT, ERROR,
            f"parent KPI ID {record.parent_id!r} of KPI {record.kpi_id!r} matches no high-level "
            f"KPI in {_list_files(accepted, source)}; use the ID of a KPI with level high", place, record.kpi_id)
        if finding not in source.findings:
            source.findings.append(finding)
    return bool(orphans)


def _list_files(sources: list[Source], this: Source) -> str:
    others = [s.path for s in sources if s is not this]
    names = [this.path] + others
    if len(names) <= 3:
        return "any input (" + ", ".join(names) + ")"
    return f"any input ({', '.join(names[:3])} and {len(names) - 3} more)"


def _reason(source: Source) -> str:
    errors = source.errors
    first = errors[0]
    where = _origin(first.place)
    more = f" (and {len(errors) - 1} more error(s))" if len(errors) > 1 else ""
    return f"{where + ': ' if where else ''}{first.code}: {first.message}{more}"


# ----------------------------------------------------------------- roll-up

def _rollup(lines: list[KpiLine]) -> dict[str, list[KpiLine]]:
    """Set score, coverage, attainment and status of high-level KPIs; return children per high-level ID."""
    children: dict[str, list[KpiLine]] = {kpi_key(l.record.kpi_id): [] for l in lines if l.is_high}
    for line in lines:
        if not line.is_high and line.record.parent_id and kpi_key(line.record.parent_id) in children:
            children[kpi_key(line.record.parent_id)].append(line)
    for line in lines:
        result = line.result
        line.attainment = result.attainment if result else None
        line.status = result.status if result else core.NO_DATA
        line.basis = "own" if line.measured else None
        if not line.is_high:
            continue
        kids = children[kpi_key(line.record.kpi_id)]
        if kids:
            attainments = [k.result.attainment if k.result else None for k in kids]
            line.rollup_score = core.rollup(attainments, [k.record.effective_weight for k in kids])
            line.rollup_coverage = sum(a is not None for a in attainments) / len(kids)
        if not line.measured and line.rollup_score is not None:
            definition = line.record.definition()
            line.attainment = line.rollup_score
            line.status = core.status_of(line.rollup_score, definition.green, definition.amber)
            line.basis = "rollup"
    return children


# ------------------------------------------------------------ consolidation

@dataclass
class Consolidation:
    """Hold the consolidated company: included and skipped sources, KPI lines and roll-up children."""

    as_of: date
    language: str
    sources: list[Source]
    kpis: list[KpiLine]
    children: dict[str, list[KpiLine]]
    left_out: list[Finding] = field(default_factory=list)  # files and subfolders of folder arguments not read
    since: date | None = None  # the comparison date of the changes (default: the month-end before as_of)
    _extras: dict[str, list[tuple[str, str]]] = field(default_factory=dict, init=False, repr=False)

    @cached_property
    def history(self) -> _history.History:
        """Return every KPI as of each month-end, the as-of date and ``since`` (kpixl.history)."""
        return _history.compute_history(self, self.since)

    @property
    def included(self) -> list[Source]:
        """Return the sources that made it into the company workbook."""
        return [s for s in self.sources if s.status == INCLUDED]

    @property
    def skipped(self) -> list[Source]:
        """Return the sources left out (with --skip-invalid)."""
        return [s for s in self.sources if s.status == SKIPPED]

    def kpi(self, kpi_id: str) -> KpiLine:
        """Return the KPI line of ``kpi_id`` (matched by :func:`kpixl.vocab.kpi_key`)."""
        key = kpi_key(kpi_id)
        for line in self.kpis:
            if kpi_key(line.record.kpi_id) == key:
                return line
        raise KeyError(kpi_id)

    @property
    def measurement_count(self) -> int:
        """Return the number of measurement rows included."""
        return sum(len(s.measurements) for s in self.included)

    def status_counts(self) -> dict[str, Counter]:
        """Return status counts per department (in input order) and for the company (key None)."""
        counts: dict[str, Counter] = {}
        for line in self.kpis:
            counts.setdefault(line.department, Counter())[line.status] += 1
        counts[None] = sum(counts.values(), Counter())  # type: ignore[index]
        return counts

    # -- the tables, as rows of Python values in column order ------------------

    def columns(self, table: str) -> tuple[Column, ...]:
        """Return the columns of ``table``: its own, then the extra columns the included inputs add to it."""
        extra = tuple(Column(f"extra:{key}", header, header, "value", 12) for key, header in self.extra_columns(table))
        return TABLES[table][3] + extra

    def extra_columns(self, table: str) -> list[tuple[str, str]]:
        """Return (key, header) of the extra columns of ``table`` (kpis, measurements): the union over inputs.

        In order of first appearance; headers that differ only in case or spaces are one
        column. A header equal to one of the table's own gets " (extra)" ("(ekstra)").
        """
        if table not in self._extras:
            headers: dict[str, str] = {}
            if table == "kpis":
                for line in self.kpis:
                    for header in line.record.extra:
                        headers.setdefault(_key(header), str(header).strip())
            elif table == "measurements":
                for source in self.included:
                    for extra in getattr(source.measurements, "extras", None) or ():
                        for header in extra:
                            headers.setdefault(_key(header), str(header).strip())
            own = {_key(col.header(lang)) for col in TABLES[table][3] for lang in ("en", "da")}
            self._extras[table] = [(key, f"{header} ({_say('extra', self.language)})" if key in own else header)
                                   for key, header in headers.items()]
        return self._extras[table]

    def rows(self, table: str) -> Iterator[tuple]:
        """Yield the rows of ``table`` (summary, kpis, rollup, measurements, findings, sources)."""
        return getattr(self, f"_rows_{table}")()

    def _rows_summary(self) -> Iterator[tuple]:
        counts = self.status_counts()
        company = counts.pop(None)  # type: ignore[call-overload]
        for department in sorted(counts, key=lambda name: _worst_first(counts[name], name)):
            counter = counts[department]
            yield (department, *[counter[s] for s in STATUSES], sum(counter.values()))
        yield (_say("company", self.language), *[company[s] for s in STATUSES], sum(company.values()))

    def _rows_kpis(self) -> Iterator[tuple]:
        lang = self.language
        keys = [key for key, _ in self.extra_columns("kpis")]
        for line in self.kpis:
            r, res = line.record, line.result
            yield (
                line.department, line.source, r.kpi_id, r.name, _vocab("level", r.level, lang), r.parent_id,
                r.owner, r.unit, _vocab("direction", r.direction, lang), _vocab("aggregation", r.aggregation, lang),
                _vocab("frequency", r.frequency, lang), r.baseline, r.target, r.tolerance, r.start, r.deadline,
                core.DEFAULT_GREEN if r.green is None else r.green, core.DEFAULT_AMBER if r.amber is None else r.amber,
                r.effective_weight,
                res.elapsed if res else None, res.actual if res else None, res.plan if res else None,
                line.attainment, core.word("status", line.status, lang),
                core.word("trend", res.trend, lang) if res else None,
                line.last_measurement,
                res.forecast if res else None, res.forecast_attainment if res else None,
                line.rollup_score, line.rollup_coverage,
                _say(line.basis, lang) if line.basis else None,
                _origin(r.place),
            ) + _extra_values(r.extra, keys)

    def _rows_rollup(self) -> Iterator[tuple]:
        for line in self.kpis:
            if not line.is_high:
                continue
            r = line.record
            head = (r.kpi_id, r.name, line.department)
            tail = (line.rollup_score, line.rollup_coverage)
            kids = self.children.get(kpi_key(r.kpi_id), [])
            if not kids:
                yield head + (None,) * 6 + tail
            for kid in kids:
                att = kid.result.attainment if kid.result else None
                yield head + (kid.record.kpi_id, kid.record.name, kid.department, kid.record.effective_weight, att,
                              None if att is None else min(1.0, max(0.0, att))) + tail

    def _rows_measurements(self) -> Iterator[tuple]:
        keys = [key for key, _ in self.extra_columns("measurements")]
        for source in self.included:
            yield from _measurement_rows(source, keys)

    def _rows_history(self) -> Iterator[tuple]:
        return _history.history_rows(self.history, self.language)

    def _rows_changes(self) -> Iterator[tuple]:
        return _history.change_rows(self.history, self.language)

    def _rows_findings(self) -> Iterator[tuple]:
        lang = self.language
        for f in self.left_out:
            yield (f.place.path, None, None, _say(f.severity, lang), f.code, None, f.message)
        for source in self.sources:
            for f in source.findings:
                if source.status == INCLUDED and f.severity != WARNING:
                    continue
                yield (f.place.path or source.path, f.place.sheet, f.place.cell, _say(f.severity, lang), f.code,
                       f.kpi_id, f.message)

    def _rows_sources(self) -> Iterator[tuple]:
        lang = self.language
        for s in self.sources:
            yield (s.path, s.department, s.size, s.sha256, len(s.kpis), len(s.measurements), len(s.errors),
                   len(s.warnings), _say(s.status, lang), s.reason)


def _worst_first(counter: Counter, name: str) -> tuple:
    """Return the Summary's sort key: largest share of Off track, then At risk, then No data; then the name."""
    total = sum(counter.values()) or 1
    return (-counter[core.OFF_TRACK] / total, -counter[core.AT_RISK] / total, -counter[core.NO_DATA] / total,
            _key(name))


def _extra_values(extra: dict[str, Any], keys: Sequence[str]) -> tuple:
    """Return the values of the extra columns ``keys`` (folded headers) of one row; None where it has none."""
    if not keys:
        return ()
    folded = {_key(header): value for header, value in extra.items()} if extra else {}
    return tuple(folded.get(key) for key in keys)


def _vocab(vocabulary: str, value: str | None, language: str) -> str | None:
    if value is None:
        return None
    try:
        return core.word(vocabulary, value, language)
    except KeyError:
        return str(value)


def _origin(place: Place) -> str | None:
    if not place.sheet:
        return None
    return f"{place.sheet}!{place.cell}" if place.cell else place.sheet


def consolidate_sources(sources: list[Source], as_of: date, *, skip_invalid: bool = False,
                        language: str = "en") -> Consolidation:
    """Apply the cross-file rules and roll up; raise ValidationFailed on errors unless ``skip_invalid``."""
    _cross_file_rules(sources, skip_invalid)
    if not skip_invalid:
        errors = [(s, f) for s in sources for f in s.errors]
        if errors:
            raise ValidationFailed(_failure_message(errors, len(sources)))
    if not any(s.status == INCLUDED for s in sources):
        raise ValidationFailed(f"no valid input among {len(sources)} file(s); nothing was written\n"
                               + "\n".join(f"  {s.path}: {s.reason}" for s in sources[:ERRORS_SHOWN]))
    lines = [line for s in sources if s.status == INCLUDED for line in s.kpis]
    children = _rollup(lines)
    return Consolidation(as_of=as_of, language=core.parse_language(language), sources=sources, kpis=lines,
                         children=children)


def _failure_message(errors: list[tuple[Source, Finding]], n_files: int) -> str:
    bad_files = len({id(s) for s, _ in errors})
    lines = [f"{len(errors)} error(s) in {bad_files} of {n_files} file(s); nothing was written "
             f"(fix them, or use --skip-invalid to leave those files out):"]
    for source, finding in errors[:ERRORS_SHOWN]:
        place = finding.place if finding.place.path else Place(source.path, finding.place.sheet, finding.place.cell)
        lines.append(f"  {place}: {finding.severity} {finding.code}: {finding.message}")
    if len(errors) > ERRORS_SHOWN:
        lines.append(f"  ... and {len(errors) - ERRORS_SHOWN} more")
    return "\n".join(lines)


def consolidate_workbooks(workbooks: Iterable[DepartmentWorkbook], as_of: date | None = None, *,
                          skip_invalid: bool = False, language: str = "en") -> Consolidation:
    """Consolidate in-memory workbooks (no file facts): the numbers without any file I/O."""
    as_of = as_of or date.today()
    sources = [source_from_workbook(w, as_of) for w in workbooks]
    return consolidate_sources(sources, as_of, skip_invalid=skip_invalid, language=language)


# ------------------------------------------------------------- the xlsx file

def write_company_workbook(company: Consolidation, path: Path | str) -> None:
    """Write the company workbook to ``path`` (values, formatted; text always as text)."""
    _CompanyWriter(path, company.language).finish(company)


class _CompanyWriter:
    """Write one company workbook; measurement rows may be streamed in while inputs are still read.

    :meth:`stream` writes an input's measurement rows as soon as it is loaded (with
    ``--jobs N`` the inputs are read in other processes meanwhile); :meth:`finish`
    writes the rest. The workbook file is only written by :meth:`finish`: a writer whose
    streamed inputs do not turn out to be exactly the included ones is dropped unwritten.
    """

    def __init__(self, path: Path | str, language: str, *, streaming: bool = False):
        from kpixl import xlsx

        self.lang = language
        self.workbook = xlsx.new_workbook(path, {"constant_memory": True})
        workbook = self.workbook
        self.formats = {
            "header": workbook.add_format({"bold": True, "bg_color": HEADER_FILL, "font_color": "#FFFFFF",
                                           "text_wrap": True, "valign": "top"}),
            # Over a column of numbers the header sits right, above them.
            "header_num": workbook.add_format({"bold": True, "bg_color": HEADER_FILL, "font_color": "#FFFFFF",
                                               "text_wrap": True, "valign": "top", "align": "right"}),
            "number": workbook.add_format({"num_format": "#,##0.00##"}),
            "measure": workbook.add_format({"num_format": "#,##0.00##"}),
            "pct": workbook.add_format({"num_format": "0.0%"}),
            "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
            "int": workbook.add_format({"num_format": "0"}),
            "title": workbook.add_format({"bold": True, "font_size": 14}),
            "bold": workbook.add_format({"bold": True}),
            "bold_int": workbook.add_format({"bold": True, "num_format": "0"}),
            "note": workbook.add_format({"italic": True, "font_color": "#595959"}),
        }
        self.status_formats = {s: workbook.add_format({"bg_color": fill, "font_color": font})
                               for s, (fill, font) in _STATUS_COLOURS.items()}
        self.streamed: list[Source] | None = None
        self.summary = None
        self.history = None
        self.tables: dict[str, _TableStream] = {}
        if streaming:
            # Sheets keep their order: the ones written at the end are added first, empty.
            self.summary = workbook.add_worksheet(sheet_name("summary", language))
            self.history = workbook.add_worksheet(sheet_name("history", language))
            for table in ("kpis", "rollup", "measurements"):
                self.tables[table] = self._table(table)
                self.tables[table].open()
            self.streamed = []

    def _table(self, table: str, columns: tuple[Column, ...] | None = None) -> _TableStream:
        return _TableStream(self.workbook, table, self.formats, self.status_formats, self.lang, columns)

    def stream(self, source: Source) -> None:
        """Write the measurement rows of ``source`` (the next input, in input order) if it can be included."""
        if self.streamed is None:
            return
        if source.errors or getattr(source.measurements, "extras", None):
            # Skipped or a failed run; or extra columns, known only when all inputs are read:
            # this writer is not used.
            self.streamed = None
            return
        self.tables["measurements"].write(_measurement_rows(source))
        self.streamed.append(source)

    def fits(self, company: Consolidation) -> bool:
        """Return True if what was streamed is exactly what ``company`` includes (so :meth:`finish` may go on)."""
        if self.streamed is None:
            return False
        included = company.included
        # KPI and roll-up rows continuing on a second sheet would land after Measurements.
        small = 2 * len(company.kpis) + 1 < MAX_SHEET_ROWS - 1
        return small and len(self.streamed) == len(included) and all(
            a is b for a, b in zip(self.streamed, included))

    def finish(self, company: Consolidation, path: Path | str | None = None) -> None:
        """Write the tables not streamed and close the workbook (this writes the file, to ``path`` if given)."""
        if path is not None:
            self.workbook.filename = str(path)
        lang = self.lang
        try:
            summary, free_row = _write_summary(self.workbook, company, list(company.rows("summary")), self.formats,
                                               lang, self.summary)
            _history.write_changes(self.workbook, summary, company, self.formats, lang, free_row)
            _history.write_history_sheet(self.workbook, company, self.formats, lang, self.history)
            for table in ("kpis", "rollup", "measurements", "findings", "sources"):
                stream = self.tables.get(table) or self._table(table, company.columns(table))
                if table == "measurements":
                    # A million rows are not measured for widths: the columns' values are known.
                    stream.fit_to({"department": [s.department for s in company.included],
                                   "source": [s.path for s in company.included],
                                   "kpi_id": [line.record.kpi_id for line in company.kpis]})
                if not (table == "measurements" and self.streamed is not None):
                    stream.write(company.rows(table))
                stream.close()
        except BaseException:
            # Close what was started so temp files are released; the caller discards the output.
            with contextlib.suppress(Exception):
                self.workbook.close()
            raise
        self.workbook.close()


def _measurement_rows(source: Source, keys: Sequence[str] = ()) -> Iterator[tuple]:
    """Yield the Measurements rows of ``source``: department, file, the row, then the extra columns ``keys``."""
    head = (source.department, source.path)
    extras = getattr(source.measurements, "extras", None) if keys else None
    if extras is None:
        tail = (None,) * len(keys)
        for m in source.measurements:
            yield head + m + tail
    else:
        for m, extra in zip(source.measurements, extras):
            yield head + m + _extra_values(extra, keys)


def _writers(sheet, columns: Sequence[Column], formats: dict | None = None, percent: bool = False) -> list[Callable]:
    """Return one cell writer per column: text always via write_string, dates as day serials.

    ``percent``: the row is a ``%`` KPI's, its measure columns get the percent format.
    """
    # The undecorated methods skip XlsxWriter's A1-notation check per cell (~10% of the write time).
    write_string = getattr(sheet, "_write_string", sheet.write_string)
    write_number = getattr(sheet, "_write_number", sheet.write_number)
    formats = formats or {}
    pct, day_format = formats.get("pct"), formats.get("date")

    def text(r, c, v):
        write_string(r, c, v if isinstance(v, str) else str(v))

    def day(r, c, v):
        write_number(r, c, core.to_serial(v))

    def number(r, c, v):
        if isinstance(v, (date, datetime)):
            write_number(r, c, core.to_serial(v))
        elif isinstance(v, str):
            write_string(r, c, v)
        else:
            write_number(r, c, v)

    def measure(r, c, v):
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            write_number(r, c, v, pct)
        else:
            number(r, c, v)

    def value(r, c, v):  # an extra column: as the department typed it
        if isinstance(v, bool):
            sheet.write_boolean(r, c, v)
        elif isinstance(v, (int, float)):
            write_number(r, c, v)
        elif isinstance(v, (date, datetime)):
            write_number(r, c, core.to_serial(v), day_format)
        else:
            text(r, c, v)

    by_kind = {"date": day, "text": text, "status": text, "value": value, "measure": measure if percent else number}
    return [by_kind.get(col.kind, number) for col in columns]


class _TableStream:
    """Write one table's rows as they come; beyond a sheet's capacity they continue on ``Name (2)``...

    Rows are streamed: a million-row table is never held in memory. Text columns get
    the width of their longest text (measured as rows are written, or given by
    :meth:`fit_to` for the Measurements table); the measure columns of a ``%`` KPI's
    row are shown as percentages.
    """

    def __init__(self, workbook, table: str, formats: dict, status_formats: dict, lang: str,
                 columns: tuple[Column, ...] | None = None):
        self.workbook, self.formats, self.status_formats, self.lang = workbook, formats, status_formats, lang
        self.columns = columns if columns is not None else TABLES[table][3]
        self.base = sheet_name(table, lang)
        self.number = 0
        self.sheet: Any = None
        self.row = 0  # the last row written on the current sheet (0: the header)
        # A header may wrap onto two lines, but not inside a word (Oprulningsdækning).
        self.longest = [max(len(col.header(lang)) // 2, *map(len, col.header(lang).split()))
                        for col in self.columns]
        self.measured = [c for c, col in enumerate(self.columns) if col.kind in _TEXT_KINDS + ("value",)]
        if table == "measurements":
            self.measured = [c for c in self.measured if self.columns[c].kind == "value"]
        keys = [col.key for col in self.columns]
        has_measures = any(col.kind == "measure" for col in self.columns)
        self.unit = keys.index("unit") if has_measures and "unit" in keys else None

    def fit_to(self, texts: dict[str, Iterable[Any]]) -> None:
        """Widen the columns keyed in ``texts`` to their longest value (for a table not measured row by row)."""
        for c, col in enumerate(self.columns):
            for value in texts.get(col.key, ()):
                self.longest[c] = max(self.longest[c], len(str(value)))

    def open(self) -> None:
        """Add the next sheet of the table, with its header row."""
        self.number += 1
        sheet = self.sheet = self.workbook.add_worksheet(self.base if self.number == 1
                                                         else f"{self.base} ({self.number})")
        for c, col in enumerate(self.columns):
            sheet.set_column(c, c, col.width, self.formats.get(col.kind))
        _print_setup(sheet)
        sheet.repeat_rows(0)
        sheet.set_row(0, 30)
        for c, col in enumerate(self.columns):
            header = self.formats["header" if col.kind in _TEXT_KINDS else "header_num"]
            sheet.write_string(0, c, col.header(self.lang), header)
        self.writers = _writers(sheet, self.columns, self.formats)
        self.percent_writers = _writers(sheet, self.columns, self.formats, percent=True)
        self.row = 0

    def write(self, rows: Iterable[tuple]) -> None:
        """Write ``rows`` after those already written."""
        capacity = MAX_SHEET_ROWS - 1
        rows = iter(rows)
        while True:
            if self.sheet is None:
                self.open()
            room = capacity - self.row
            if room <= 0:
                following = next(rows, None)
                if following is None:
                    return
                self.close()
                self.open()
                rows = itertools.chain((following,), rows)
                continue
            writers, measured, longest, unit = self.writers, self.measured, self.longest, self.unit
            r = self.row
            for r, row in enumerate(itertools.islice(rows, room), start=self.row + 1):
                row_writers = self.percent_writers if unit is not None and is_percent_unit(row[unit]) else writers
                for c, value in enumerate(row):
                    if value is not None:
                        row_writers[c](r, c, value)
                for c in measured:
                    value = row[c]
                    if value is not None and len(str(value)) > longest[c]:
                        longest[c] = len(str(value))
            written = r - self.row
            self.row = r
            if written < room:
                return

    def close(self) -> None:
        """Finish the current sheet: frozen header, autofilter, status colours (an empty table keeps its sheet)."""
        if self.sheet is None:
            self.open()
        sheet, r, lang = self.sheet, self.row, self.lang
        for c, col in enumerate(self.columns):
            # XlsxWriter writes the column widths on closing, so they may follow the rows.
            width = min(_MAX_WIDTH, max(col.width, self.longest[c] * 1.1 + 2))
            if width > col.width:
                sheet.set_column(c, c, width, self.formats.get(col.kind))
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(r, 1), len(self.columns) - 1)
        for c, col in enumerate(self.columns):
            if col.kind == "status" and r:
                for status, fmt in self.status_formats.items():
                    sheet.conditional_format(1, c, r, c, {"type": "cell", "criteria": "==",
                                                          "value": _quoted(core.word("status", status, lang)),
                                                          "format": fmt})
        self.sheet = None


def _print_setup(sheet, pages_tall: int = 0) -> None:
    """Print landscape on A4, one page wide (and ``pages_tall`` high; 0 means as many as needed)."""
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, pages_tall)


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _write_summary(workbook, company: Consolidation, rows: list[tuple], formats: dict, lang: str,
                   sheet=None) -> tuple[Any, int]:
    """Write the Summary: departments worst first, the company total, and a chart of the worst ones beside them.

    Return the sheet and the first free row below both the table and the chart (the status
    changes of kpixl.history go there).
    """
    if sheet is None:
        sheet = workbook.add_worksheet(sheet_name("summary", lang))
    columns = SUMMARY_COLUMNS
    top = 3
    _print_setup(sheet)
    sheet.repeat_rows(top)
    width = max([24] + [len(str(row[0])) * 1.1 + 2 for row in rows])
    sheet.set_column(0, 0, min(_MAX_WIDTH, width))
    sheet.set_column(1, len(columns) - 1, 12)
    sheet.write_string(0, 0, _say("title", lang), formats["title"])
    sheet.write_string(1, 0, _say("as_of", lang), formats["bold"])
    sheet.write_number(1, 1, core.to_serial(company.as_of), formats["date"])
    sheet.write_string(2, 0, _say("sorted", lang), formats["note"])
    # The rows are worst first: the chart shows the first ones, so it stays readable with 200 departments.
    departments = len(rows) - 1  # the last row is the company
    shown = min(departments, SUMMARY_CHART_DEPARTMENTS)
    chart_col = len(columns) + 1
    if shown < departments:  # written before the rows below it (constant_memory writes rows in order)
        sheet.write_string(top - 1, chart_col, _say("chart_worst", lang).format(n=shown, total=departments),
                           formats["note"])
    sheet.set_row(top, 30)
    for c, col in enumerate(columns):
        sheet.write_string(top, c, col.header(lang), formats["header" if col.kind in _TEXT_KINDS else "header_num"])
    for i, row in enumerate(rows, start=top + 1):
        total = i == top + len(rows)
        sheet.write_string(i, 0, str(row[0]), formats["bold"] if total else None)
        for c, value in enumerate(row[1:], start=1):
            sheet.write_number(i, c, value, formats["bold_int"] if total else None)
    sheet.freeze_panes(top + 1, 1)
    if departments < 1:
        return sheet, top + len(rows) + 2
    chart = workbook.add_chart({"type": "bar", "subtype": "stacked"})
    name = sheet.get_name()
    first, last = top + 1, top + shown
    fills: set[str] = set()
    for c, status in enumerate(STATUSES, start=1):
        fill, font = _STATUS_COLOURS[status]
        series = {
            "name": [name, top, c],
            "categories": [name, first, 0, last, 0],
            "values": [name, first, c, last, c],
            "fill": {"color": fill},
            "border": {"color": font},
        }
        if fill in fills:  # two statuses share a colour (Not started, No data): hatch the second
            series["pattern"] = {"pattern": "wide_upward_diagonal", "fg_color": font, "bg_color": fill}
            del series["fill"]
        fills.add(fill)
        chart.add_series(series)
    chart.set_title({"name": _say("title", lang)})
    chart.set_y_axis({"reverse": True})
    chart.set_legend({"position": "bottom"})
    height = max(288, 30 * shown + 150)
    chart.set_size({"width": 720, "height": height})
    # Below the header row: LibreOffice prints what overlaps a repeated row on every page.
    sheet.insert_chart(top + 1, chart_col, chart)
    # The chart spans columns the changes below use too: they start under its bottom (rows are 20 pixels high).
    return sheet, max(top + len(rows) + 1, top + 1 + -(-height // 20)) + 1


# ---------------------------------------------------------------- CSV tables

_CSV_RISKY = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: str) -> str:
    """Return text safe for a spreadsheet: a leading = + - @ tab or CR gets a ``'`` prefix."""
    return "'" + value if value.startswith(_CSV_RISKY) else value


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str):
        return csv_text(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


# CSV dialects: "plain" is tidy CSV for programs (comma, decimal point, UTF-8 without BOM);
# "excel-da" opens right in Danish Excel on a double-click (semicolon, decimal comma, UTF-8
# with a BOM, which Excel needs to read UTF-8). Dates are ISO in both.
CSV_PLAIN, CSV_EXCEL_DA = "plain", "excel-da"
CSV_DIALECTS = (CSV_PLAIN, CSV_EXCEL_DA)


def default_csv_dialect(language: str) -> str:
    """Return the CSV dialect of a company workbook in ``language``: excel-da for Danish, else plain."""
    return CSV_EXCEL_DA if core.parse_language(language) == "da" else CSV_PLAIN


def decimal_comma(number: int | float) -> str:
    """Return ``number`` as Danish Excel reads it: decimal comma, no thousands separator, never an exponent."""
    if isinstance(number, int) or not math.isfinite(number):
        return str(number)
    text = repr(number)
    if "e" in text or "E" in text:
        text = format(Decimal(text), "f")
    return text.replace(".", ",")


def _csv_cell_da(value: Any) -> Any:
    if isinstance(value, float) or (isinstance(value, int) and not isinstance(value, bool)):
        return decimal_comma(value)
    return _csv_cell(value)


def write_csv_table(company: Consolidation, table: str, path: Path | str, dialect: str | None = None) -> None:
    """Write one table as CSV: header row, ISO dates, numbers as numbers, text a spreadsheet would run prefixed.

    ``dialect``: "plain" or "excel-da" (see :data:`CSV_DIALECTS`); default by the company's language.
    """
    dialect = dialect or default_csv_dialect(company.language)
    if dialect not in CSV_DIALECTS:
        raise ValueError(f"unknown CSV dialect {dialect!r}; use one of {', '.join(CSV_DIALECTS)}")
    columns = company.columns(table)
    danish = dialect == CSV_EXCEL_DA
    cell = _csv_cell_da if danish else _csv_cell
    with open(path, "w", encoding="utf-8-sig" if danish else "utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";" if danish else ",")
        writer.writerow([csv_text(col.header(company.language)) for col in columns])
        writer.writerows([cell(v) for v in row] for row in company.rows(table))


# -------------------------------------------------------------- the command

@dataclass
class ConsolidationResult:
    """Describe a finished consolidation: where it went and what it held."""

    output: Path
    company: Consolidation
    seconds: float
    csv_files: list[Path] = field(default_factory=list)
    parquet_files: list[Path] = field(default_factory=list)

    def summary_lines(self) -> list[str]:
        """Return the closing summary: files, KPIs, measurements, status counts, time and skipped files."""
        company = self.company
        lang = "en"
        counts = company.status_counts()[None]  # type: ignore[index]
        lines = [
            f"Wrote {self.output}: {len(company.included)} file(s), {len(company.kpis)} KPI(s), "
            f"{company.measurement_count} measurement(s) as of {company.as_of.isoformat()}",
            "Status: " + ", ".join(f"{counts[s]} {core.word('status', s, lang)}" for s in STATUSES),
        ]
        if self.csv_files:
            lines.append(f"Wrote {len(self.csv_files)} CSV file(s) to {self.csv_files[0].parent}")
        if self.parquet_files:
            lines.append(f"Wrote {len(self.parquet_files)} Parquet file(s) to {self.parquet_files[0].parent}")
        skipped = company.skipped
        if skipped:
            lines.append(f"Skipped {len(skipped)} invalid file(s):")
            lines.extend(f"  {s.path}: {s.reason}" for s in skipped)
        if company.left_out:
            lines.append(f"{left_out_summary(company.left_out)}:")
            lines.extend(f"  {f.place.path}: {f.code}: {f.message}" for f in company.left_out)
        lines.append(f"Done in {self.seconds:.1f} s")
        return lines + self.kpi_table_lines()

    def kpi_table_lines(self) -> list[str]:
        """Return the company (high-level) KPIs table: ID, name, attainment, status, roll-up, change."""
        company = self.company
        kpis = _history.company_kpis(company)
        if not kpis:
            return []
        since = company.history.since
        return [f"Company KPIs as of {company.as_of.isoformat()}:"] + [
            f"  {row}" for row in _history.kpi_table(kpis, "en", since)]


def consolidate(paths: Sequence[Path | str], output: Path | str, *, as_of: date | None = None,
                skip_invalid: bool = False, csv_dir: Path | str | None = None, jobs: int = 1,
                language: str = "en", force: bool = False, csv_dialect: str | None = None,
                progress: Callable[[int, int, str], None] | None = None,
                file_timeout: float | None = isolation.DEFAULT_FILE_TIMEOUT,
                memory_limit: int | None = isolation.DEFAULT_MEMORY_LIMIT,
                recursive: bool = False, since: date | None = None,
                parquet_dir: Path | str | None = None) -> ConsolidationResult:
    """Validate department workbooks and write the company workbook (and CSV tables) atomically.

    Each input is parsed in a worker process (see :func:`load_sources`).

    Raises ValidationFailed (nothing written) when an input is invalid, unless
    ``skip_invalid`` leaves such files out; OutputError for an output that exists
    (without ``force``) or is an input. What folders hold that is not read (other files;
    subfolders without ``recursive``) is listed in the summary and the Findings sheet.
    ``csv_dialect``: plain or excel-da (default: excel-da for Danish, else plain).
    ``since`` is the comparison date of the status changes (default: the month-end before
    ``as_of``); ``parquet_dir`` also writes the tables as Parquet (:mod:`kpixl.export`).
    """
    from kpixl.export import parquet_targets
    from kpixl.reader import collect_inputs

    started = time.perf_counter()
    as_of = as_of or date.today()
    language = core.parse_language(language)
    if since is not None and since >= as_of:
        raise DefinitionError(f"--since {since.isoformat()} is not before the as-of date {as_of.isoformat()}; "
                              "give an earlier date")
    collected = collect_inputs(list(paths), recursive=recursive)
    inputs = collected.files
    if not inputs:
        shown = ", ".join(str(p) for p in paths) or "(none)"
        not_read = "".join(f"; {f.place.path}: {f.message}" for f in collected.left_out[:5])
        raise ValidationFailed(f"{shown}: no .xlsx or .xlsm workbooks to consolidate; give the department "
                               f"workbooks or the folder that holds them{not_read}")
    target = check_output(output, force=force, inputs=inputs)
    csv_targets = _csv_targets(csv_dir, force, inputs)
    parquet = parquet_targets(parquet_dir, list(TABLES), force=force, inputs=inputs)

    # Worker processes read (one ahead even with --jobs 1), so this one writes the measurement
    # rows meanwhile (into a workbook that is only written to disk at the end, and dropped if
    # an input is left out).
    writer = _CompanyWriter(os.devnull, language, streaming=True) if len(inputs) > 1 else None
    sources = load_sources(inputs, as_of, jobs=jobs, progress=progress,
                           on_source=writer.stream if writer is not None else None,
                           file_timeout=file_timeout, memory_limit=memory_limit)
    company = consolidate_sources(sources, as_of, skip_invalid=skip_invalid, language=language)
    company.left_out = collected.left_out
    company.since = since

    created_dir = None
    if csv_dir is not None and not Path(csv_dir).exists():
        Path(csv_dir).mkdir(parents=True)
        created_dir = Path(csv_dir)
    created_parquet = _made_folder(parquet_dir)
    try:
        with contextlib.ExitStack() as stack:
            temp = stack.enter_context(atomic_output(target, force=force, inputs=inputs))
            if writer is not None and writer.fits(company):
                writer.finish(company, temp)
            else:
                write_company_workbook(company, temp)
            for table, csv_path in csv_targets:
                temp_csv = stack.enter_context(atomic_output(csv_path, force=force, inputs=inputs))
                write_csv_table(company, table, temp_csv, csv_dialect)
            for table, parquet_path in parquet:
                from kpixl.export import write_parquet_table

                temp_parquet = stack.enter_context(atomic_output(parquet_path, force=force, inputs=inputs))
                write_parquet_table(company, table, temp_parquet)
    except BaseException:
        for folder in (created_dir, created_parquet):
            if folder is not None:
                with contextlib.suppress(OSError):
                    folder.rmdir()
        raise
    return ConsolidationResult(output=target, company=company, seconds=time.perf_counter() - started,
                               csv_files=[p for _, p in csv_targets], parquet_files=[p for _, p in parquet])


def _made_folder(folder: Path | str | None) -> Path | None:
    """Create ``folder`` if it is missing and return it (so a failed run can remove it), else None."""
    if folder is None or Path(folder).exists():
        return None
    Path(folder).mkdir(parents=True)
    return Path(folder)


def _csv_targets(csv_dir: Path | str | None, force: bool, inputs: Sequence[Path]) -> list[tuple[str, Path]]:
    """Return (table, path) of each CSV file, refusing existing files without force before any work."""
    if csv_dir is None:
        return []
    return folder_targets(csv_dir, [(table, spec[2]) for table, spec in TABLES.items()], "--csv", force=force,
                          inputs=inputs)


__all__ = ["consolidate", "ConsolidationResult", "Consolidation", "Source", "KpiLine", "MeasurementRows",
           "load_sources", "source_from_workbook", "consolidate_sources", "consolidate_workbooks",
           "write_company_workbook", "write_csv_table", "csv_text", "decimal_comma", "default_csv_dialect",
           "CSV_DIALECTS", "is_percent_unit", "SUMMARY_CHART_DEPARTMENTS", "file_facts", "sheet_name", "TABLES", "CSV_FILES",
           "MAX_SHEET_ROWS"]
