"""Own the company tables: their columns, and the :class:`Consolidation` whose rows fill them.

Every table (Summary, KPIs, Roll-up, Measurements, Findings, Sources, History, Changes)
is a :class:`Table`: its sheet names, its CSV file name and its columns. Each
:class:`Column` owns its key (the JSON/Parquet name), its kind (how it is formatted),
its width and its headers in both languages. The workbook (:mod:`.write`), the CSV
tables (:mod:`.csvfiles`) and the JSON and Parquet outputs (:mod:`kpixl.consolidate.export`) all
write ``Consolidation.rows(table)`` under ``Consolidation.columns(table)``.

People's outputs (workbook, CSV) get the rows in the company's language; machine outputs
(JSON, Parquet, the Python API) ask for ``rows(table, canonical=True)``: canonical
English values (``Off track``, ``increase``, ``own``), findings in English, and the
Summary without its total row (:meth:`Consolidation.summary_totals` holds it apart), so
``df.status == "Off track"`` means the same whatever ``--lang`` was.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any, Callable, Iterable, Iterator, Sequence

from kpixl import commentary, core, danish, schema, texts
from kpixl.consolidate import history as _history
from kpixl.consolidate.load import INCLUDED, SKIPPED, KpiLine, Source, _key, _origin, measurement_keys
from kpixl.model import WARNING, CommentRecord, EvaluationRecord, Finding
from kpixl.vocab import Language, kpi_key


STATUSES = (core.ON_TRACK, core.AT_RISK, core.OFF_TRACK, core.NOT_STARTED, core.NO_DATA)
# The language value functions get for machine outputs: None, which every catalogue and
# vocabulary reads as English (Language.parse(None) is EN); a column whose English word
# is no canonical value (the basis "own measurements") checks for it.
CANONICAL = None


def status_key(status: str) -> str:
    """Return the snake_case key of a status (``Off track`` -> ``off_track``): the Summary's machine column."""
    return "_".join(status.split()).casefold()


def finding_message(finding: Finding, language: str | None) -> str:
    """Return a finding's message in ``language`` (findings are kept in English; Danish is said on the way out)."""
    if language is CANONICAL:
        return finding.message
    [said] = danish.localize([finding], language)
    return said.message


def say(key: str, language: str, **values: Any) -> str:
    """Return the company workbook's text ``key`` in ``language`` (the catalogue's ``consolidate.*``)."""
    return texts.text("consolidate", key, language, **values)


# ------------------------------------------------------------------ the columns

# Where a column's header comes from: a function of the language.
Heading = Callable[[str], str]


def _from_schema(table: schema.Table, key: str) -> Heading:
    """Return the heading of a department workbook's own column (the schema's header: one definition)."""
    column = table.column(key)
    return column.header


def _from_texts(key: str) -> Heading:
    """Return the heading ``column.<key>`` of the catalogue (the catalogue's ``consolidate.*``)."""
    return lambda language: texts.of("consolidate", language)[f"column.{key}"]


@dataclass(frozen=True)
class Column:
    """Describe one column of a company table: its key, how one row's value is found, its kind, width and header.

    ``value(item, language)`` returns the column's value for one item of its table (a
    :class:`KpiLine` on the KPIs table, a :class:`Source` on the Sources table...).
    Kinds: text, status, number, measure (a number in the KPI's unit: percent format
    on the rows of a ``%`` KPI), pct, date, int, value (an input's extra column: as typed).
    """

    key: str
    value: Callable[[Any, str], Any] = field(compare=False)
    kind: str = "text"
    width: float = 12
    heading: Heading = field(default=lambda language: "", compare=False)

    def header(self, language: str) -> str:
        """Return the header in ``language``."""
        return self.heading(language)


def _c(key: str, value: Callable[[Any, str], Any], kind: str = "text", width: float | None = None, *,
       heading: Heading | None = None) -> Column:
    """Return a column; its header is the catalogue's ``column.<key>`` unless ``heading`` says otherwise."""
    # Numbers get room for millions with decimals (a revenue forecast must not show ####).
    width = width if width is not None else 16 if kind in ("number", "measure") else 12
    return Column(key, value, kind, width, heading or _from_texts(key))


def _kpis(key: str) -> Heading:
    return _from_schema(schema.KPIS, key)


def extra_column(key: str, header: str) -> Column:
    """Return an extra column an input adds (``extra:<folded header>``), headed as the input heads it."""
    return Column(f"extra:{key}", _no_value, "value", 12, lambda language: header)


def _no_value(item: Any, language: str) -> None:
    return None  # an extra column's values are looked up by header (see Consolidation.rows)


# Kinds whose header sits left, as text does (numbers' headers sit right, above them).
TEXT_KINDS = ("text", "status", "note")  # note: long text, wrapped in a column of fixed width


def _vocab(vocabulary: str, value: str | None, language: str) -> str | None:
    if value is None:
        return None
    try:
        return core.word(vocabulary, value, language)
    except KeyError:
        return str(value)


def _result(name: str) -> Callable[[KpiLine, str], Any]:
    """Return the value of the core's result field ``name`` of a KPI line (None when it was not evaluated)."""
    return lambda line, language: getattr(line.result, name) if line.result is not None else None


def _goal(name: str) -> Callable[[KpiLine, str], Any]:
    """Return a field of the core's goals of a KPI line (None when it was not evaluated)."""
    return lambda line, language: (getattr(line.result.goals, name)
                                   if line.result is not None and line.result.goals is not None else None)


def _record(name: str) -> Callable[[KpiLine, str], Any]:
    return lambda line, language: getattr(line.record, name)


def _worded(vocabulary: str, name: str) -> Callable[[KpiLine, str], Any]:
    """Return a record field shown as the word of ``vocabulary`` in the language (as typed if unknown)."""
    return lambda line, language: _vocab(vocabulary, getattr(line.record, name), language)


# One row of the KPIs table is one KpiLine.
KPI_COLUMNS = (
    _c("department", lambda line, lang: line.department, width=16, heading=_kpis("department")),
    _c("source", lambda line, lang: line.source, width=24),
    _c("kpi_id", _record("kpi_id"), heading=_kpis("kpi_id")),
    _c("name", _record("name"), width=30, heading=_kpis("name")),
    _c("level", _worded("level", "level"), width=8, heading=_kpis("level")),
    _c("parent_id", _record("parent_id"), width=14, heading=_kpis("parent_id")),
    _c("owner", _record("owner"), width=16, heading=_kpis("owner")),
    _c("unit", _record("unit"), width=9, heading=_kpis("unit")),
    _c("direction", _worded("direction", "direction"), width=10, heading=_kpis("direction")),
    _c("aggregation", _worded("aggregation", "aggregation"), width=11, heading=_kpis("aggregation")),
    _c("frequency", _worded("frequency", "frequency"), width=10, heading=_kpis("frequency")),
    _c("baseline", _record("baseline"), "measure", heading=_kpis("baseline")),
    _c("target", _record("target"), "measure", heading=_kpis("target")),
    _c("tolerance", _record("tolerance"), "measure", heading=_kpis("tolerance")),
    _c("start", _record("start"), "date", heading=_kpis("start")),
    _c("deadline", _record("deadline"), "date", heading=_kpis("deadline")),
    _c("phasing", _record("phasing"), width=14, heading=_kpis("phasing")),
    _c("green", lambda line, lang: core.DEFAULT_GREEN if line.record.green is None else line.record.green, "pct", 10,
       heading=_kpis("green")),
    _c("amber", lambda line, lang: core.DEFAULT_AMBER if line.record.amber is None else line.record.amber, "pct", 10,
       heading=_kpis("amber")),
    _c("weight", _record("effective_weight"), "number", 8, heading=_kpis("weight")),
    _c("elapsed", _result("elapsed"), "pct", 9),
    _c("actual", _result("actual"), "measure", heading=_kpis("actual")),
    _c("plan", _result("plan"), "measure", heading=_kpis("plan")),
    # The goals now (docs/kpi-semantics.md): this month's goal; for a sum KPI what is still needed this
    # month and per day (for a decrease KPI the allowance left).
    _c("month_goal", _goal("month_goal"), "measure"),
    _c("needed_month", _goal("needed_month"), "measure"),
    _c("needed_day", _goal("needed_day"), "measure"),
    _c("attainment", lambda line, lang: line.attainment, "pct", 13, heading=_kpis("attainment")),
    _c("status", lambda line, lang: core.word("status", line.status, lang), "status", 12, heading=_kpis("status")),
    _c("trend", lambda line, lang: core.word("trend", line.result.trend, lang) if line.result else None, width=11),
    _c("last_measurement", lambda line, lang: line.last_measurement, "date", 13),
    _c("forecast", _result("forecast"), "measure"),
    _c("forecast_attainment", _result("forecast_attainment"), "pct", 14),
    _c("rollup_score", lambda line, lang: line.rollup_score, "pct", 13),
    _c("rollup_coverage", lambda line, lang: line.rollup_coverage, "pct", 13),
    _c("basis", lambda line, lang: line.basis if lang is CANONICAL or not line.basis else say(line.basis, lang),
       width=16),
    _c("origin", lambda line, lang: _origin(line.record.place), width=14),
    _c("incomplete", lambda line, lang: line.incomplete, "bool", 12),
    _c("incomplete_reason", lambda line, lang: incomplete_reason(line, lang), width=40),
)


def incomplete_reason(line: KpiLine, language: str) -> str | None:
    """Return why a company KPI is incomplete (which left-out files, how many children), or None."""
    if not line.incomplete:
        return None
    parts = [say("incomplete.read", language, n=n, files=name) for name, n in line.lost_from if n is not None]
    unread = [name for name, n in line.lost_from if n is None]
    if unread:
        parts.append(say("incomplete.unread", language, files=", ".join(unread)))
    return "; ".join(parts) + " (--skip-invalid)"


def _kid(value: Callable[[KpiLine], Any]) -> Callable[[tuple, str], Any]:
    """Return a Roll-up column's value from the child KPI (blank on the row of a KPI without children)."""
    return lambda pair, lang: None if pair[1] is None else value(pair[1])


def _child_attainment(kid: KpiLine) -> float | None:
    return kid.result.attainment if kid.result else None


def _clipped(kid: KpiLine) -> float | None:
    attainment = _child_attainment(kid)
    return None if attainment is None else min(1.0, max(0.0, attainment))


# One row of the Roll-up table is (high-level KPI line, child KPI line or None).
ROLLUP_COLUMNS = (
    _c("kpi_id", lambda pair, lang: pair[0].record.kpi_id, width=14, heading=_from_texts("high_id")),
    _c("name", lambda pair, lang: pair[0].record.name, width=28, heading=_from_texts("high_name")),
    _c("department", lambda pair, lang: pair[0].department, width=16, heading=_kpis("department")),
    _c("child_id", _kid(lambda kid: kid.record.kpi_id), width=13),
    _c("child_name", _kid(lambda kid: kid.record.name), width=28),
    _c("child_department", _kid(lambda kid: kid.department), width=16),
    _c("weight", _kid(lambda kid: kid.record.effective_weight), "number", 8, heading=_kpis("weight")),
    _c("attainment", _kid(_child_attainment), "pct", 14, heading=_from_texts("child_attainment")),
    _c("clipped", _kid(_clipped), "pct", 14),
    _c("score", lambda pair, lang: pair[0].rollup_score, "pct", 13, heading=_from_texts("rollup_score")),
    _c("coverage", lambda pair, lang: pair[0].rollup_coverage, "pct", 13, heading=_from_texts("rollup_coverage")),
    _c("incomplete", lambda pair, lang: pair[0].incomplete, "bool", 12),
)


def _at(index: int) -> Callable[[tuple, str], Any]:
    return lambda row, lang: row[index]


# A department workbook's kind of column -> the company table's kind (how it is formatted).
_KINDS = {"text": "text", "number": "number", "date": "date"}


def measurement_columns() -> tuple[Column, ...]:
    """Return the Measurements table's columns: department and source file, then the measurement row's own, by key.

    The row's columns are :func:`kpixl.consolidate.load.measurement_keys` (the schema's input
    columns of the Measurements table, then the origin cell), each headed and sized as the
    department workbook heads it; a row is the tuple :func:`_measurement_rows` yields (a
    million rows are not built value by value), so a column's position in it is its
    key's position there, never written by hand.
    """
    keys = measurement_keys()
    own = {column.key: column for column in schema.MEASUREMENTS.input_columns}
    columns = [_c("department", _at(0), width=16, heading=_kpis("department")), _c("source", _at(1), width=24)]
    for index, key in enumerate(keys, start=2):
        column = own.get(key)
        if column is None:  # the origin cell: the company table's own column
            columns.append(_c(key, _at(index), width=18))
            continue
        kind = _KINDS.get(column.kind, "text")
        # Text as wide as the department's column; numbers and dates the company's width for their kind.
        columns.append(_c(key, _at(index), kind, column.width if kind == "text" else None,
                          heading=_measurements(key)))
    return tuple(columns)


def _measurements(key: str) -> Heading:
    return _from_schema(schema.MEASUREMENTS, key)


MEASUREMENT_COLUMNS = measurement_columns()


def _finding(value: Callable[[Finding, Source], Any]) -> Callable[[tuple, str], Any]:
    """Return a Findings column's value from (finding, its source), blank for a file left out of a folder."""
    return lambda pair, lang: None if pair[1] is None else value(*pair)


# One row of the Findings table is (finding, its source), or (finding, None) for what a folder held but was not read.
FINDING_COLUMNS = (
    _c("source", lambda pair, lang: pair[0].place.path if pair[1] is None else pair[0].place.path or pair[1].path,
       width=24),
    _c("sheet", _finding(lambda f, s: f.place.sheet), width=14),
    _c("cell", _finding(lambda f, s: f.place.cell), width=8),
    _c("severity", lambda pair, lang: say(pair[0].severity, lang), width=9),
    _c("code", lambda pair, lang: pair[0].code, width=9),
    _c("kpi_id", _finding(lambda f, s: f.kpi_id), heading=_kpis("kpi_id")),
    _c("message", lambda pair, lang: finding_message(pair[0], lang), width=80),
)

# One row of the Sources table is one Source.
SOURCE_COLUMNS = (
    _c("path", lambda s, lang: s.path, width=40),
    _c("department", lambda s, lang: s.department, width=16, heading=_kpis("department")),
    _c("size", lambda s, lang: s.size, "int", 14),
    _c("sha256", lambda s, lang: s.sha256, width=66),
    _c("kpis", lambda s, lang: len(s.kpis), "int", 8),
    _c("measurements", lambda s, lang: len(s.measurements), "int", 13),
    _c("errors", lambda s, lang: len(s.errors), "int", 8),
    _c("warnings", lambda s, lang: len(s.warnings), "int", 10),
    _c("status", lambda s, lang: say(s.status, lang), width=10, heading=_from_texts("file_status")),
    _c("reason", lambda s, lang: skip_reason(s, lang), width=80),
)

# The tidy history (kpixl.consolidate.history): one row per KPI and date, (line, date, point); the History sheet shows it wide.
HISTORY_COLUMNS = (
    _c("department", lambda item, lang: item[0].department, width=16, heading=_kpis("department")),
    _c("kpi_id", lambda item, lang: item[0].record.kpi_id, heading=_kpis("kpi_id")),
    _c("as_of", lambda item, lang: item[1], "date"),
    _c("actual", lambda item, lang: item[2].actual, "number", heading=_kpis("actual")),
    _c("plan", lambda item, lang: item[2].plan, "number", heading=_kpis("plan")),
    _c("attainment", lambda item, lang: item[2].attainment, "pct", 13, heading=_kpis("attainment")),
    _c("status", lambda item, lang: core.word("status", item[2].status, lang), "status", 12,
       heading=_kpis("status")),
    _c("rollup_score", lambda item, lang: item[2].rollup_score, "pct", 13),
)

# One row of the Changes table is (history, change), worst first.
CHANGE_COLUMNS = (
    _c("department", lambda item, lang: item[1].line.department, width=16, heading=_kpis("department")),
    _c("kpi_id", lambda item, lang: item[1].line.record.kpi_id, heading=_kpis("kpi_id")),
    _c("name", lambda item, lang: item[1].line.record.name, width=30, heading=_kpis("name")),
    _c("since", lambda item, lang: item[0].since, "date"),
    _c("from_status", lambda item, lang: core.word("status", item[1].before.status, lang), "status"),
    _c("from_attainment", lambda item, lang: item[1].before.attainment, "pct", 13),
    _c("as_of", lambda item, lang: item[0].as_of, "date"),
    _c("to_status", lambda item, lang: core.word("status", item[1].after.status, lang), "status"),
    _c("to_attainment", lambda item, lang: item[1].after.attainment, "pct", 13),
    _c("change", lambda item, lang: item[1].direction if lang is CANONICAL else _history.say(item[1].direction, lang),
       width=10),
    _c("incomplete", lambda item, lang: item[1].line.incomplete, "bool", 12),
)


def skip_reason(source: Source, language: str | None) -> str | None:
    """Return why ``source`` was left out, in ``language``: its first error (and how many more), else None."""
    if source.status != SKIPPED:
        return source.reason
    errors = source.errors
    if not errors:
        return source.reason
    first = errors[0]
    where = _origin(first.place)
    more = ""
    if len(errors) > 1:
        more = say("more_errors", language or "en", n=len(errors) - 1)
    return f"{where + ': ' if where else ''}{first.code}: {finding_message(first, language)}{more}"


def _status_count(status: str) -> Column:
    """Return the Summary column counting ``status`` (key ``on_track``...), headed by the status word."""
    return Column(status_key(status), lambda item, lang: item[1][status], "int", 12,
                  lambda language: core.word("status", status, language))


# One row of the Summary table is (department or the company's word, its status Counter).
SUMMARY_COLUMNS = (
    (_c("department", lambda item, lang: item[0], width=16, heading=_kpis("department")),)
    + tuple(_status_count(s) for s in STATUSES)
    + (_c("total", lambda item, lang: sum(item[1].values()), "int", 8),)
)


# ------------------------------------------------- what the departments say (Commentary)

def _comment(key: str) -> Heading:
    return _from_schema(schema.COMMENTARY, key)


def _action_text(action: CommentRecord, as_of: date, language: str) -> str:
    """Return one open action as a line: what, who, by when, and OVERDUE when its due date has passed."""
    who = action.action_owner or say("no_owner", language)
    due = say("due", language, date=action.due_date.isoformat()) if action.due_date else say("no_due", language)
    late = f" - {say('overdue', language)}" if action.due_date is not None and action.due_date < as_of else ""
    return f"{action.action} ({who}, {due}){late}"


def _comment_text(item: tuple, language: str) -> str:
    """Return the latest comment (or its action when it has no comment), or the explicit "no comment"."""
    latest = item[1].latest
    said = latest.comment or latest.action if latest is not None else None
    # Machine outputs leave it blank; people read the explicit "(no comment)".
    return said or (None if language is CANONICAL else say("no_comment", language))


# The KPI a row of the Comments or Evaluation table speaks of (item[0], its KPI line): one definition for both.
_KPI_LINE_COLUMNS = (
    _c("level", lambda item, lang: _vocab("level", item[0].record.level, lang), width=8, heading=_kpis("level")),
    _c("department", lambda item, lang: item[0].department, width=16, heading=_kpis("department")),
    _c("kpi_id", lambda item, lang: item[0].record.kpi_id, heading=_kpis("kpi_id")),
    _c("name", lambda item, lang: item[0].record.name, "note", 26, heading=_kpis("name")),
    _c("owner", lambda item, lang: item[0].record.owner, width=16, heading=_kpis("owner")),
    _c("status", lambda item, lang: core.word("status", item[0].status, lang), "status", 11, heading=_kpis("status")),
    _c("attainment", lambda item, lang: item[0].attainment, "pct", 13, heading=_kpis("attainment")),
)

# One row of the Comments table is (KPI line, its commentary.KpiWord, the as-of date): an Off track or At
# risk KPI, company KPIs first, then worst first.
COMMENT_COLUMNS = (
    *_KPI_LINE_COLUMNS,
    _c("latest_period", lambda item, lang: item[1].latest_period, "date", 12),
    _c("comment_period", lambda item, lang: item[1].latest.period_end if item[1].latest else None, "date", 14),
    _c("comment", _comment_text, "note", 44, heading=_comment("comment")),
    _c("open_actions", lambda item, lang: "\n".join(_action_text(a, item[2], lang) for a in item[1].open_actions)
       or None, "note", 44),
    _c("overdue_actions", lambda item, lang: len(item[1].overdue), "int", 15),
    _c("entered_by", lambda item, lang: item[1].latest.entered_by if item[1].latest else None, width=14,
       heading=_comment("entered_by")),
    _c("source", lambda item, lang: item[0].source, width=24),
    _c("origin", lambda item, lang: _origin(item[1].latest.place) if item[1].latest else None, width=14),
)

# One row of the Actions table is (KPI line, action record, as-of date): every open action, overdue first.
ACTION_COLUMNS = (
    _c("action_owner", lambda item, lang: item[1].action_owner or (None if lang is CANONICAL else say("no_owner", lang)),
       width=18,
       heading=_comment("action_owner")),
    _c("due_date", lambda item, lang: item[1].due_date, "date", 12, heading=_comment("due_date")),
    _c("overdue", lambda item, lang: say("overdue", lang) if item[1].due_date is not None and item[1].due_date <
       item[2] else None, width=11),
    _c("action", lambda item, lang: item[1].action, "note", 40, heading=_comment("action")),
    _c("department", lambda item, lang: item[0].department, width=16, heading=_kpis("department")),
    _c("kpi_id", lambda item, lang: item[0].record.kpi_id, heading=_kpis("kpi_id")),
    _c("name", lambda item, lang: item[0].record.name, "note", 26, heading=_kpis("name")),
    _c("status", lambda item, lang: core.word("status", item[0].status, lang), "status", 11, heading=_kpis("status")),
    _c("period_end", lambda item, lang: item[1].period_end, "date", 12, heading=_comment("period_end")),
    _c("comment", lambda item, lang: item[1].comment, "note", 40, heading=_comment("comment")),
    _c("source", lambda item, lang: item[0].source, width=24),
    _c("origin", lambda item, lang: _origin(item[1].place), width=14),
)

# One row of the Evaluation table is (KPI line, its evaluation record): the decisions and notes of the year.
EVALUATION_COLUMNS = (
    *_KPI_LINE_COLUMNS,
    _c("decision", lambda item, lang: item[1].decision if lang is CANONICAL or not item[1].decision
       else schema.DECISION_WORDS[str(Language.parse(lang))][item[1].decision], width=14, heading=_from_schema(schema.EVALUATION, "decision")),
    _c("new_target", lambda item, lang: item[1].new_target, "number", heading=_from_schema(schema.EVALUATION,
                                                                                           "new_target")),
    _c("notes", lambda item, lang: item[1].notes, "note", 50, heading=_from_schema(schema.EVALUATION, "notes")),
    _c("source", lambda item, lang: item[0].source, width=24),
    _c("origin", lambda item, lang: _origin(item[1].place), width=14),
)


# One row of the Restatements table is one kpixl.consolidate.previous.Restatement (with --previous).
RESTATEMENT_COLUMNS = (
    _c("what", lambda r, lang: say(f"restated.{r.kind}", lang), width=14),
    _c("department", lambda r, lang: r.department, width=16, heading=_kpis("department")),
    _c("kpi_id", lambda r, lang: r.kpi_id, heading=_kpis("kpi_id")),
    _c("name", lambda r, lang: r.name, "note", 26, heading=_kpis("name")),
    _c("period", lambda r, lang: r.period, "date", 12),
    _c("old", lambda r, lang: r.old, "number", 14),
    _c("new", lambda r, lang: r.new, "number", 14),
    _c("change", lambda r, lang: r.change, "number", 14, heading=_from_texts("difference")),
    _c("source", lambda r, lang: r.source, width=24),
    _c("origin", lambda r, lang: r.cell, width=16),
)


def _status_rank(line: KpiLine) -> tuple:
    """Return the sort key of company KPIs first, then Off track before At risk, lowest attainment first."""
    rank = {core.OFF_TRACK: 0, core.AT_RISK: 1}.get(line.status, 2)
    attainment = line.attainment if line.attainment is not None else float("-inf")
    return (not line.is_high, rank, attainment, _key(line.department), kpi_key(line.record.kpi_id))


def _comment_items(company: Consolidation) -> Iterator[tuple]:
    words = company.kpi_words
    for line in sorted((line for line in company.kpis if line.status in commentary.NEEDS_WORD), key=_status_rank):
        yield line, words[id(line)], company.as_of


def _action_items(company: Consolidation) -> Iterator[tuple]:
    words = company.kpi_words
    actions = [(line, action, company.as_of) for line in sorted(company.kpis, key=_status_rank)
               for action in words[id(line)].open_actions]
    # Overdue first (oldest due date first), then by due date (none last), then by who owes it.
    return iter(sorted(actions, key=lambda item: (item[1].due_date is None, item[1].due_date or date.max,
                                                  _key(item[1].action_owner))))


def _evaluation_items(company: Consolidation) -> Iterator[tuple]:
    for line in sorted(company.kpis, key=lambda line: not line.is_high):
        for evaluation in company.evaluations.get(id(line), []):
            if evaluation.decision or evaluation.notes or evaluation.new_target is not None:
                yield line, evaluation


@dataclass(frozen=True)
class Table:
    """Describe one company table: its key, CSV file name, columns and the items its rows are made of."""

    key: str
    csv: str
    columns: tuple[Column, ...]
    items: Callable[[Consolidation], Iterable[Any]] = field(compare=False)
    # The items are the rows themselves (the Measurements table: built fast, extra columns included).
    items_are_rows: bool = False
    # The last items (TOTAL_ROWS) are the table's totals (the Summary's company KPIs and department KPIs
    # rows): people's outputs show them as the last rows; machine outputs hold the company's total
    # apart (Consolidation.summary_totals), never as data rows.
    total_last: bool = False
    # Each row's extra columns (the department's own, by header), in row order: None for a table
    # whose rows are no department's rows. A table read from a department workbook (KPIs,
    # Measurements, and any added later) names them here, and every output carries them.
    extras: Callable[[Consolidation], Iterable[dict[str, Any]]] | None = field(default=None, compare=False)

    def sheet(self, language: str) -> str:
        """Return the sheet name in ``language`` (the catalogue's ``sheet.<key>``)."""
        return say(f"sheet.{self.key}", language)


# The Summary's last rows: the company's (high-level) KPIs, then all departments' (low-level) KPIs, apart.
TOTAL_ROWS = 2


def _summary_items(company: Consolidation) -> Iterator[tuple[str, Counter]]:
    counts = company.status_counts()
    counts.pop(None)  # type: ignore[call-overload]
    for department in sorted(counts, key=lambda name: _worst_first(counts[name], name)):
        yield department, counts[department]
    high = Counter(line.status for line in company.kpis if line.is_high)
    low = Counter(line.status for line in company.kpis if not line.is_high)
    yield say("company_kpis", company.language), high
    yield say("department_kpis", company.language), low


def _rollup_items(company: Consolidation) -> Iterator[tuple[KpiLine, KpiLine | None]]:
    for line in company.kpis:
        if line.is_high:
            kids = company.children.get(kpi_key(line.record.kpi_id), [])
            yield from ((line, kid) for kid in kids) if kids else [(line, None)]


def _measurement_items(company: Consolidation) -> Iterator[tuple]:
    keys = [key for key, _ in company.extra_columns("measurements")]
    for source in company.included:
        yield from _measurement_rows(source, keys)


def _measurement_extras(company: Consolidation) -> Iterator[dict[str, Any]]:
    for source in company.included:
        yield from source.measurements.extras or ()


def _finding_items(company: Consolidation) -> Iterator[tuple[Finding, Source | None]]:
    for finding in company.left_out:
        yield finding, None
    for source in company.sources:
        for finding in source.findings:
            # An included file's errors cannot exist (it would be skipped); its warnings are listed.
            if source.status != INCLUDED or finding.severity == WARNING:
                yield finding, source


def _history_items(company: Consolidation) -> Iterator[tuple]:
    history = company.history
    for index, line in enumerate(history.lines):
        for day in history.dates:
            yield line, day, history.at(index, day)


def _change_items(company: Consolidation) -> Iterator[tuple]:
    history = company.history
    return ((history, change) for change in history.changes())


TABLES: dict[str, Table] = {table.key: table for table in (
    Table("summary", "summary.csv", SUMMARY_COLUMNS, _summary_items, total_last=True),
    Table("kpis", "kpis.csv", KPI_COLUMNS, lambda company: company.kpis,
          extras=lambda company: (line.record.extra for line in company.kpis)),
    Table("rollup", "rollup.csv", ROLLUP_COLUMNS, _rollup_items),
    Table("measurements", "measurements.csv", MEASUREMENT_COLUMNS, _measurement_items, items_are_rows=True,
          extras=_measurement_extras),
    Table("findings", "findings.csv", FINDING_COLUMNS, _finding_items),
    Table("sources", "sources.csv", SOURCE_COLUMNS, lambda company: company.sources),
    Table("history", "history.csv", HISTORY_COLUMNS, _history_items),
    Table("changes", "changes.csv", CHANGE_COLUMNS, _change_items),  # on the Summary sheet
    Table("comments", "comments.csv", COMMENT_COLUMNS, _comment_items),
    Table("actions", "actions.csv", ACTION_COLUMNS, _action_items),
    Table("evaluation", "evaluation.csv", EVALUATION_COLUMNS, _evaluation_items,
          extras=lambda company: (item[1].extra for item in _evaluation_items(company))),
    Table("restatements", "restatements.csv", RESTATEMENT_COLUMNS, lambda company: company.restatements),
)}
CSV_FILES = tuple(table.csv for table in TABLES.values())
# The company workbook's sheets, in order (the changes are on the Summary sheet).
WORKBOOK_SHEETS = ("summary", "comments", "actions", "restatements", "history", "kpis", "rollup", "measurements",
                   "evaluation", "findings", "sources")


def sheet_name(table: str, language: str = "en") -> str:
    """Return the sheet name of ``table`` (summary, kpis, rollup, ...) in ``language``."""
    return TABLES[table].sheet(language)


# ------------------------------------------------------------ consolidation

@dataclass
class Consolidation:
    """Hold the consolidated company: included and skipped sources, KPI lines and roll-up children."""

    as_of: date
    language: Language
    sources: list[Source]
    kpis: list[KpiLine]
    children: dict[str, list[KpiLine]]
    left_out: list[Finding] = field(default_factory=list)  # files and subfolders of folder arguments not read
    since: date | None = None  # the comparison date of the changes (default: the month-end before as_of)
    # With --previous: each KPI's attainment as presented last month, by (department folded, KPI key), and
    # every past value or month-end attainment that changed since (kpixl.consolidate.previous).
    presented: dict[tuple[str, str], float | None] | None = None
    restatements: list = field(default_factory=list)
    previous: Any = None  # kpixl.consolidate.previous.Previous
    _extras: dict[str, list[tuple[str, str]]] = field(default_factory=dict, init=False, repr=False)
    _renamed: dict[str, list[tuple[str, str]]] = field(default_factory=dict, init=False, repr=False)

    @cached_property
    def history(self) -> _history.History:
        """Return every KPI as of each month-end, the as-of date and ``since`` (kpixl.consolidate.history)."""
        return _history.compute_history(self, self.since)

    @cached_property
    def kpi_words(self) -> dict[int, commentary.KpiWord]:
        """Return what each KPI line's department says of it (by ``id(line)``): latest comment, open actions."""
        said: dict[tuple[str, str], list[CommentRecord]] = {}
        for source in self.included:
            for comment in source.comments:
                said.setdefault((source.path, kpi_key(comment.kpi_id)), []).append(comment)
        return {id(line): commentary.word_for(line.record.kpi_id, line.status, line.last_measurement,
                                              said.get((line.source, kpi_key(line.record.kpi_id)), []), self.as_of)
                for line in self.kpis}

    @cached_property
    def evaluations(self) -> dict[int, list[EvaluationRecord]]:
        """Return each KPI line's Evaluation rows from its own workbook (by ``id(line)``)."""
        rows: dict[tuple[str, str], list[EvaluationRecord]] = {}
        for source in self.included:
            for evaluation in source.evaluations:
                rows.setdefault((source.path, kpi_key(evaluation.kpi_id)), []).append(evaluation)
        return {id(line): rows.get((line.source, kpi_key(line.record.kpi_id)), []) for line in self.kpis}

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
        return TABLES[table].columns + tuple(extra_column(key, header) for key, header in self.extra_columns(table))

    def extra_columns(self, table: str) -> list[tuple[str, str]]:
        """Return (key, header) of the extra columns of ``table``: the union over its rows (see ``Table.extras``).

        In order of first appearance; headers that differ only in case or spaces are one
        column (blank in the rows without it). A header equal to one of the table's own,
        in either language, gets " (extra)" ("(ekstra)"): it never overwrites a column.
        """
        if table not in self._extras:
            spec = TABLES[table]
            headers: dict[str, str] = {}
            for extra in spec.extras(self) if spec.extras is not None else ():
                for header in extra:
                    headers.setdefault(_key(header), str(header).strip())
            own = {_key(col.header(lang)) for col in spec.columns for lang in Language}
            self._extras[table] = [(key, say("extra", self.language, header=header) if key in own else header)
                                   for key, header in headers.items()]
            self._renamed[table] = [(header, say("extra", self.language, header=header))
                                    for key, header in headers.items() if key in own]
        return self._extras[table]

    def renamed_extra_columns(self) -> list[tuple[str, str, str]]:
        """Return (table, header, its header here) of each extra column headed apart from the table's own column."""
        found: list[tuple[str, str, str]] = []
        for table, spec in TABLES.items():
            if spec.extras is not None:
                self.extra_columns(table)  # finds them
                found += [(table, header, renamed) for header, renamed in self._renamed[table]]
        return found

    def rows(self, table: str, canonical: bool = False) -> Iterator[tuple]:
        """Yield the rows of ``table`` (summary, kpis, rollup, measurements, findings, sources, history, changes).

        Each row holds every column's value in column order, then the extra columns'.
        Words are in the company's language; with ``canonical``, in canonical English and
        without a total row (what JSON, Parquet and the Python API hold).
        """
        spec = TABLES[table]
        if spec.items_are_rows:
            return iter(spec.items(self))
        rows = self._rows(spec, CANONICAL if canonical else self.language)
        if canonical and spec.total_last:
            return iter(list(rows)[:-TOTAL_ROWS])
        return rows

    def summary_totals(self) -> dict[str, int]:
        """Return the company's status counts keyed as the Summary's machine columns (on_track, ..., total)."""
        total = self.status_counts()[None]  # type: ignore[index]
        counts = {status_key(s): total[s] for s in STATUSES}
        return {**counts, "total": sum(total.values())}

    def _rows(self, spec: Table, language: str | None) -> Iterator[tuple]:
        values = [column.value for column in spec.columns]
        keys = [key for key, _ in self.extra_columns(spec.key)]
        if not keys:
            for item in spec.items(self):
                yield tuple([value(item, language) for value in values])  # type: ignore[arg-type]
            return
        assert spec.extras is not None  # a table has extra columns only through its extras
        for item, extra in zip(spec.items(self), spec.extras(self), strict=True):
            yield tuple([value(item, language) for value in values]) + _extra_values(extra, keys)  # type: ignore[arg-type]


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


def _measurement_rows(source: Source, keys: Sequence[str] = ()) -> Iterator[tuple]:
    """Yield the Measurements rows of ``source``: department, file, the row, then the extra columns ``keys``."""
    head = (source.department, source.path)
    extras = source.measurements.extras if keys else None
    if extras is None:
        tail = (None,) * len(keys)
        for m in source.measurements:
            yield head + m + tail
    else:
        for m, extra in zip(source.measurements, extras):
            yield head + m + _extra_values(extra, keys)


