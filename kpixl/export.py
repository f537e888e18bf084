"""Own consolidate's machine-readable outputs: one JSON document and typed Parquet tables.

Both hold the same rows and columns as the CSV tables (``Consolidation.rows`` and
``Consolidation.columns``, so the inputs' extra columns too, keyed ``extra:<header>``),
keyed by each column's stable key (``kpi_id``, ``attainment``...) rather than its
translated header. An extra column is typed in Parquet as float64 when every value in it
is a number, else as text written as the CSV writes it.
Numbers stay numbers, dates are ISO strings in JSON and ``date32`` in Parquet, and
text is written as it was read: the ``'`` that guards CSV text against spreadsheets
running it as a formula is not added (these files are not opened in a spreadsheet).
Statuses and other words are in the company workbook's language, as in the CSV.
The JSON document is described by ``docs/consolidate.schema.json``.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from pathlib import Path
from typing import Any, Sequence

from kpixl import __version__

# The tables of the JSON document, in order; the measurements stay in CSV/Parquet (they are the bulk).
JSON_TABLES = ("summary", "kpis", "rollup", "history", "changes", "findings", "sources")
SCHEMA_VERSION = 1


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
        tables[table] = [{k: json_value(v) for k, v in zip(keys, row)} for row in company.rows(table)]
    return {
        "kpixl": __version__,
        "schema_version": SCHEMA_VERSION,
        "as_of": company.as_of.isoformat(),
        "since": history.since.isoformat(),
        "language": str(company.language),
        "history_dates": [d.isoformat() for d in history.dates],
        "files": {"included": len(company.included), "skipped": len(company.skipped)},
        "tables": tables,
    }


# ---------------------------------------------------------------- Parquet

PARQUET_SUFFIX = ".parquet"


def parquet_name(table: str) -> str:
    """Return the Parquet file name of ``table`` (its CSV name with .parquet)."""
    from kpixl.consolidate import TABLES

    return Path(TABLES[table].csv).stem + PARQUET_SUFFIX


_NUMERIC_KINDS = ("number", "measure", "pct")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _value_kind(values: list) -> str:
    """Return the kind of an extra column's values: number when all are numbers, else text."""
    return "number" if all(v is None or _is_number(v) for v in values) else "text"


def _text(value: Any) -> str:
    """Return ``value`` as the plain CSV writes it, without the guard against formulas."""
    return value.isoformat() if isinstance(value, (date, datetime)) else str(value)


def _arrow_type(kind: str):
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


def write_parquet_table(company, table: str, path: Path | str) -> None:
    """Write one table as Parquet with typed columns (string, float64, int64, date32), extra columns included."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = company.columns(table)
    rows = list(company.rows(table))
    values = [[row[i] for row in rows] for i in range(len(columns))]
    kinds = [_value_kind(v) if col.kind == "value" else col.kind for col, v in zip(columns, values)]
    arrays = [_arrow_column(v, kind) for v, kind in zip(values, kinds)]
    schema = pa.schema([pa.field(col.key, _arrow_type(kind)) for col, kind in zip(columns, kinds)])
    pq.write_table(pa.Table.from_arrays(arrays, schema=schema), str(path))


def parquet_targets(folder: Path | str | None, tables: Sequence[str], *, force: bool = False,
                    inputs: Sequence[Path] = ()) -> list[tuple[str, Path]]:
    """Return (table, path) of each Parquet file in ``folder``, refusing existing files without force.

    No folder gives none. Checked before any work, as the CSV folder is.
    """
    from kpixl.output import folder_targets

    if folder is None:
        return []
    return folder_targets(folder, [(table, parquet_name(table)) for table in tables], "--parquet", force=force,
                          inputs=inputs)


__all__ = ["json_document", "json_value", "write_parquet_table", "parquet_targets", "parquet_name", "JSON_TABLES",
           "SCHEMA_VERSION"]
