"""Own consolidate's machine-readable outputs: one JSON document and typed Parquet tables.

Both hold the same rows and columns as the CSV tables (``Consolidation.rows`` and
``Consolidation.columns``, so the inputs' extra columns too, keyed ``extra:<header>``),
keyed by each column's stable key (``kpi_id``, ``attainment``...) rather than its
translated header. An extra column is typed in Parquet as float64 when every value in it
is a number, else as text written as the CSV writes it.
Numbers stay numbers, dates are ISO strings in JSON and ``date32`` in Parquet, and
text is written as it was read: the ``'`` that guards CSV text against spreadsheets
running it as a formula is not added (these files are not opened in a spreadsheet).

Both are language-independent (``Consolidation.rows(table, canonical=True)``): statuses
and other words are canonical English (``Off track``, ``increase``, ``own``), findings
are in English, whatever ``--lang`` the company workbook and the CSV tables were written
in. The Summary's total is no data row: it is ``totals`` in JSON and
``summary_totals.parquet``. The JSON document is described by
``docs/consolidate.schema.json``, which :func:`json_schema` writes
(``python scripts/make_json_schema.py``) from the tables' columns.

Layering: above :mod:`.tables` and :mod:`.history` (it reads their columns and words),
below :mod:`.command`, which writes its files.
"""

from __future__ import annotations

import itertools
import math
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterator, Sequence

from kpixl import __version__, core
from kpixl.consolidate.history import BETTER, WORSE
from kpixl.consolidate.load import INCLUDED, SKIPPED
from kpixl.consolidate.tables import STATUSES, TABLES, say, status_key
from kpixl.model import ERROR, WARNING
from kpixl.output import folder_targets
from kpixl.schema import DECISIONS

# The tables of the JSON document, in order; the measurements stay in CSV/Parquet (they are the bulk).
JSON_TABLES = ("summary", "kpis", "rollup", "history", "changes", "comments", "actions", "evaluation",
               "restatements", "findings", "sources")
# 2: canonical English values whatever the language (no "language" field), snake_case Summary keys
# (on_track...), the company total apart in "totals"; the meeting's comments, actions, evaluation and
# restatements.
SCHEMA_VERSION = 2
TOTALS = "summary_totals"  # the Parquet table of the Summary's total


def json_value(value: Any) -> Any:
    """Return ``value`` as JSON: ISO dates, numbers as numbers, None for blanks."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def json_document(company) -> dict[str, Any]:
    """Return the whole consolidation as one JSON-ready dict (see docs/consolidate.schema.json)."""
    history = company.history
    tables = {}
    for table in JSON_TABLES:
        keys = [column.key for column in company.columns(table)]
        tables[table] = [{k: json_value(v) for k, v in zip(keys, row)} for row in company.rows(table, canonical=True)]
    return {
        "kpixl": __version__,
        "schema_version": SCHEMA_VERSION,
        "as_of": company.as_of.isoformat(),
        "since": history.since.isoformat(),
        "history_dates": [d.isoformat() for d in history.dates],
        "files": {"included": len(company.included), "skipped": len(company.skipped)},
        "totals": company.summary_totals(),
        "tables": tables,
    }


# ---------------------------------------------------------------- the JSON schema

_DATE = {"pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "format": "date"}
_KIND_TYPES = {"number": "number", "measure": "number", "pct": "number", "int": "integer", "bool": "boolean"}
_KIND_NOTES = {"pct": " (a fraction: 0.95 is 95%)", "date": " (ISO date)"}
_TABLE_NOTES = {
    "summary": "Status counts per department, worst first; the company's are in totals.",
    "kpis": "Every KPI with its definition and every number as of the as-of date (the KPIs sheet), then the "
            "inputs' extra columns.",
    "rollup": "One row per high-level KPI and child (the Roll-up sheet).",
    "history": "Every KPI as of each month-end from the earliest start to the as-of date (the History sheet, tidy).",
    "changes": "The KPIs whose status differs between the comparison date (since) and the as-of date, worst first.",
    "comments": "Every Off track or At risk KPI, company KPIs first, with its department's latest comment and open "
                "actions (the Comments and actions sheet).",
    "actions": "Every open action of the departments' Commentary sheets, overdue first (the Actions sheet).",
    "evaluation": "Every decision, new target and note of the departments' Evaluation sheets (the Evaluation "
                  "sheet), then the inputs' extra columns.",
    "restatements": "Every past value and month-end attainment that changed since last month's company workbook "
                    "(--previous; empty without it).",
    "findings": "Warnings of included files and every finding of skipped files (messages in English).",
    "sources": "Every input file: size, SHA-256, counts and whether it was included.",
}
_EXTRA = {"description": 'An extra column of the inputs\' table (key: "extra:" and the header in lower case with '
                         'single spaces), as typed: text, number, boolean or ISO date',
          "type": ["string", "number", "boolean", "null"]}


def canonical_values() -> dict[tuple[str, str], tuple[str, ...]]:
    """Return the canonical values of the worded columns kpixl computes, by (table, column key)."""
    statuses = tuple(STATUSES)
    return {("kpis", "status"): statuses, ("history", "status"): statuses,
            ("changes", "from_status"): statuses, ("changes", "to_status"): statuses,
            ("kpis", "trend"): core.VOCABULARIES["trend"], ("kpis", "basis"): ("own", "rollup"),
            ("findings", "severity"): (ERROR, WARNING), ("sources", "status"): (INCLUDED, SKIPPED),
            ("changes", "change"): (WORSE, BETTER),
            ("comments", "status"): statuses, ("actions", "status"): statuses, ("evaluation", "status"): statuses,
            ("evaluation", "decision"): DECISIONS, ("actions", "overdue"): (say("overdue", "en"),),
            ("restatements", "what"): ("value", "attainment")}


def _column_schema(table: str, column, words: dict) -> dict[str, Any]:
    kind = column.kind
    schema: dict[str, Any] = {"description": column.header("en") + _KIND_NOTES.get(kind, "")}
    values = words.get((table, column.key))
    if values is not None:
        schema["enum"] = [*values, None]
        schema["description"] += " (canonical English: " + ", ".join(values) + ")"
        return schema
    schema["type"] = [_KIND_TYPES.get(kind, "string"), "null"]
    if kind == "date":
        schema.update(_DATE)
    return schema


def json_schema() -> dict[str, Any]:
    """Return the JSON Schema of :func:`json_document` (docs/consolidate.schema.json), built from the columns."""
    words = canonical_values()
    date = {"type": "string", **_DATE}
    tables = {}
    for table in JSON_TABLES:
        columns = TABLES[table].columns
        item: dict[str, Any] = {"type": "object", "additionalProperties": False,
                                "required": [c.key for c in columns],
                                "properties": {c.key: _column_schema(table, c, words) for c in columns}}
        if TABLES[table].extras is not None:
            item["patternProperties"] = {"^extra:": _EXTRA}
        tables[table] = {"description": _TABLE_NOTES[table], "type": "array", "items": item}
    totals = [status_key(s) for s in STATUSES] + ["total"]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "kpixl consolidate --format json",
        "description": "One JSON document with every table of a consolidation. Numbers are numbers (attainments "
                       "are fractions), dates ISO strings (YYYY-MM-DD), blanks null. Rows are objects keyed by the "
                       "columns' snake_case keys; statuses and other words are canonical English and findings are "
                       "in English, whatever --lang the workbook was written in, so the document is the same in "
                       "every language.",
        "type": "object",
        "additionalProperties": False,
        "required": ["kpixl", "schema_version", "as_of", "since", "history_dates", "files", "totals", "tables"],
        "properties": {
            "kpixl": {"type": "string", "description": "The kpixl version that wrote the document."},
            "schema_version": {"const": SCHEMA_VERSION,
                               "description": "Raised when a field changes meaning or goes away."},
            "as_of": {**date, "description": "The date every number is computed as of."},
            "since": {**date, "description": "The comparison date of the changes (--since; default the month-end "
                                             "before as_of)."},
            "history_dates": {"type": "array", "items": date, "minItems": 1,
                              "description": "The dates of the history: every month-end from the earliest start, "
                                             "then as_of."},
            "files": {"type": "object", "additionalProperties": False, "required": ["included", "skipped"],
                      "properties": {"included": {"type": "integer", "minimum": 1},
                                     "skipped": {"type": "integer", "minimum": 0}}},
            "totals": {"type": "object", "additionalProperties": False, "required": totals,
                       "description": "The company's status counts (the Summary's total, apart from its rows).",
                       "properties": {key: {"type": "integer", "minimum": 0} for key in totals}},
            "tables": {"type": "object", "additionalProperties": False, "required": list(JSON_TABLES),
                       "properties": tables},
        },
    }


# ---------------------------------------------------------------- Parquet

PARQUET_SUFFIX = ".parquet"


def parquet_name(table: str) -> str:
    """Return the Parquet file name of ``table`` (its CSV name with .parquet; the total is summary_totals)."""
    return (TOTALS if table == TOTALS else Path(TABLES[table].csv).stem) + PARQUET_SUFFIX


_NUMERIC_KINDS = ("number", "measure", "pct")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _text(value: Any) -> str:
    """Return ``value`` as the plain CSV writes it, without the guard against formulas."""
    return value.isoformat() if isinstance(value, (date, datetime)) else str(value)


def _arrow_type(kind: str):
    # pyarrow is imported when Parquet is asked for: it is no dependency on every platform (pyproject).
    import pyarrow as pa

    numeric = {kind: pa.float64() for kind in _NUMERIC_KINDS}
    return {"date": pa.date32(), "int": pa.int64(), "bool": pa.bool_(), **numeric}.get(kind, pa.string())


def _arrow_column(values: list, kind: str):
    import pyarrow as pa

    if kind == "date":
        values = [v.date() if isinstance(v, datetime) else v for v in values]
    elif kind in _NUMERIC_KINDS:
        values = [float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v for v in values]
    elif kind == "bool":
        values = [None if v is None else bool(v) for v in values]
    elif kind not in ("int",):
        values = [None if v is None else _text(v) for v in values]
    return pa.array(values, type=_arrow_type(kind))


# Rows per Arrow record batch (and Parquet row group): a million measurement rows are never all held
# as Python values at once, only one batch of them (issue 23).
BATCH_ROWS = 131_072


def _kinds(company, table: str, columns: Sequence[Any]) -> list[str]:
    """Return each column's kind; an extra column (kind "value") is a number when all its values are, else text.

    That takes one pass over the rows, reading only the extra columns' values.
    """
    kinds = [col.kind for col in columns]
    extra = [i for i, kind in enumerate(kinds) if kind == "value"]
    if extra:
        text = set()
        for row in company.rows(table, canonical=True):
            for i in extra:
                value = row[i]
                if i not in text and not (value is None or _is_number(value)):
                    text.add(i)
        for i in extra:
            kinds[i] = "text" if i in text else "number"
    return kinds


def arrow_batches(company, table: str, batch_rows: int | None = None) -> tuple[Any, Iterator[Any]]:
    """Return (schema, record batches) of one table, ``batch_rows`` rows a batch: typed as :func:`arrow_table`.

    The rows are made as the batches are taken (``Consolidation.rows`` is a generator);
    ``batch_rows`` defaults to :data:`BATCH_ROWS`.
    """
    import pyarrow as pa

    size = batch_rows or BATCH_ROWS

    columns = company.columns(table)
    kinds = _kinds(company, table, columns)
    schema = pa.schema([pa.field(col.key, _arrow_type(kind)) for col, kind in zip(columns, kinds)])

    def batches() -> Iterator[Any]:
        rows = company.rows(table, canonical=True)
        first = True
        while True:
            chunk = list(itertools.islice(rows, size))
            if not chunk and not first:
                return
            first = False
            values = [[row[i] for row in chunk] for i in range(len(columns))]
            yield pa.RecordBatch.from_arrays([_arrow_column(v, kind) for v, kind in zip(values, kinds)],
                                             schema=schema)
            if len(chunk) < size:
                return

    return schema, batches()


def arrow_table(company, table: str):
    """Return one table as a typed Arrow table (string, float64, int64, date32), extra columns included.

    Canonical values, the Summary without its total (``summary_totals`` is that total as one row).
    """
    import pyarrow as pa

    if table == TOTALS:
        return pa.table({key: pa.array([n], type=pa.int64()) for key, n in company.summary_totals().items()})
    schema, batches = arrow_batches(company, table)
    return pa.Table.from_batches(list(batches), schema=schema)


def write_parquet_table(company, table: str, path: Path | str) -> None:
    """Write one table as Parquet (typed as :func:`arrow_table`), a batch of rows at a time."""
    import pyarrow.parquet as pq

    if table == TOTALS:
        pq.write_table(arrow_table(company, table), str(path))
        return
    schema, batches = arrow_batches(company, table)
    with pq.ParquetWriter(str(path), schema) as writer:
        for batch in batches:
            writer.write_batch(batch)


def parquet_tables() -> list[str]:
    """Return the Parquet tables consolidate --parquet writes: every company table, then the Summary's total."""
    return [*TABLES, TOTALS]


def parquet_targets(folder: Path | str | None, tables: Sequence[str], *, force: bool = False,
                    inputs: Sequence[Path] = (), language: object = None) -> list[tuple[str, Path]]:
    """Return (table, path) of each Parquet file in ``folder``, refusing existing files without force.

    No folder gives none. Checked before any work, as the CSV folder is.
    """
    if folder is None:
        return []
    return folder_targets(folder, [(table, parquet_name(table)) for table in tables], "--parquet", force=force,
                          inputs=inputs, language=language)


__all__ = ["arrow_table", "json_document", "json_schema", "canonical_values", "parquet_tables", "TOTALS", "json_value", "write_parquet_table", "parquet_targets", "parquet_name", "JSON_TABLES",
           "SCHEMA_VERSION"]
