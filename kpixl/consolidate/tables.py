"""Own the company tables: their columns, and the :class:`Consolidation` whose rows fill them.

Every table (Summary, KPIs, Roll-up, Measurements, Findings, Sources, History, Changes)
is a :class:`Table`: its sheet names, its CSV file name and its columns. Each
:class:`Column` owns its key (the JSON/Parquet name), its kind (how it is formatted),
its width and its headers in both languages. The workbook (:mod:`.write`), the CSV
tables (:mod:`.csvfiles`) and the JSON and Parquet outputs (:mod:`kpixl.export`) all
write ``Consolidation.rows(table)`` under ``Consolidation.columns(table)``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any, Iterator, Sequence

from kpixl import core
from kpixl import history as _history
from kpixl.consolidate.load import INCLUDED, SKIPPED, KpiLine, Source, _key, _origin
from kpixl.model import WARNING, Finding
# One list of percent units for every workbook kpixl writes.
from kpixl.template import PERCENT_UNITS
from kpixl.vocab import kpi_key


STATUSES = (core.ON_TRACK, core.AT_RISK, core.OFF_TRACK, core.NOT_STARTED, core.NO_DATA)

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


# Kinds whose header sits left, as text does (numbers' headers sit right, above them).
TEXT_KINDS = ("text", "status")
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


