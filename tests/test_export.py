"""Test kpixl.consolidate.export through ``kpixl consolidate``: the JSON document and its schema, Parquet against CSV.

Real department workbooks are written, consolidated by the CLI, and the outputs read
back: the JSON with ``json`` and validated by ``jsonschema`` against
docs/consolidate.schema.json, the Parquet and CSV tables with pandas.
"""

from __future__ import annotations

import json
import math
from datetime import date
from pathlib import Path

import jsonschema
import pandas as pd
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from kpixl import consolidate as cons
from kpixl import schema
from kpixl.consolidate import history
from kpixl.cli import cli
from kpixl.consolidate.tables import TOTAL_ROWS
from kpixl.consolidate.export import JSON_TABLES, TOTALS, parquet_name

from test_consolidate import AS_OF, random_company, write_files

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "docs" / "consolidate.schema.json").read_text(encoding="utf-8"))


def run(*args: str):
    return CliRunner().invoke(cli, list(args), prog_name="kpixl")


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("departments")
    return write_files(folder, random_company(11, departments=3))


@pytest.fixture(scope="module")
def outputs(inputs, tmp_path_factory):
    """Consolidate once with --csv, --parquet and --format json; return (folder, JSON text, CLI result)."""
    out = tmp_path_factory.mktemp("out")
    result = run("consolidate", *map(str, inputs), "-o", str(out / "company.xlsx"), "--as-of", AS_OF.isoformat(),
                 "--csv", str(out / "csv"), "--parquet", str(out / "parquet"), "--format", "json")
    assert result.exit_code == 0, result.output
    return out, result


# ------------------------------------------------------------------ JSON

def test_json_is_one_document_on_stdout_that_validates_against_the_documented_schema(outputs):
    _, result = outputs
    document = json.loads(result.stdout)  # stdout holds the document and nothing else
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    jsonschema.validate(document, SCHEMA, format_checker=jsonschema.FormatChecker())
    assert list(document["tables"]) == list(JSON_TABLES)
    assert document["as_of"] == AS_OF.isoformat() and document["since"] == "2026-04-30"
    assert result.stderr.splitlines()[0].startswith("Wrote ")  # the report goes to stderr


def test_the_schema_fails_a_document_with_a_wrong_type(outputs):
    document = json.loads(outputs[1].stdout)
    document["tables"]["kpis"][0]["attainment"] = "95%"
    with pytest.raises(jsonschema.ValidationError, match="'95%' is not of type 'number', 'null'"):
        jsonschema.validate(document, SCHEMA)


def test_json_holds_the_same_rows_as_the_company_numbers_and_dates_typed(outputs, inputs):
    document = json.loads(outputs[1].stdout)
    company = cons.consolidate_workbooks(random_company(11, departments=3), AS_OF)
    for table in JSON_TABLES:
        if table in ("sources", "findings"):
            continue  # the files' facts and the reader's warnings: checked against CSV below
        keys = [c.key for c in cons.TABLES[table].columns]
        want = [{k: v.isoformat() if isinstance(v, date) else v for k, v in zip(keys, row)}
                for row in company.rows(table, canonical=True)]
        got = document["tables"][table]
        for g, w in zip(got, want):
            for key in keys:
                if key in ("source", "path", "frequency"):  # write_files leaves the frequency blank
                    continue
                assert g[key] == w[key] or (isinstance(w[key], float) and math.isclose(g[key], w[key])), (table, key)
        assert len(got) == len(want), table
    kpi = document["tables"]["kpis"][0]
    assert isinstance(kpi["target"], float) and isinstance(kpi["weight"], float)
    history = document["tables"]["history"]
    assert {row["as_of"] for row in history} == set(document["history_dates"])


# ------------------------------------------------------------------ Parquet == CSV

def _csv_value(value, kind: str):
    """Return what the CSV cell ``value`` (as read by pandas, dtype str) means for a column of ``kind``."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value == "":
        return None
    if kind in ("number", "measure", "pct"):
        return float(value)
    if kind == "int":
        return int(value)
    if kind == "bool":
        return {"True": True, "False": False}[value]
    if kind == "date":
        return date.fromisoformat(value)
    return value


def assert_parquet_equals_csv(out: Path, table: str, columns) -> None:
    """Assert that ``table`` holds the same header keys, rows and values in Parquet as in the CSV."""
    csv_name = cons.TABLES[table].csv
    parquet = pd.read_parquet(out / "parquet" / parquet_name(table))
    types = {f.name: str(f.type) for f in pq.read_schema(out / "parquet" / parquet_name(table))}
    text = pd.read_csv(out / "csv" / csv_name, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert list(parquet.columns) == [c.key for c in columns]
    assert list(text.columns) == [c.header("en") for c in columns]
    if cons.TABLES[table].total_last:
        # The CSV's last rows are the company KPIs' and the department KPIs' totals; Parquet holds
        # the company total (their sum) apart, in summary_totals.parquet.
        total, text = text.iloc[-TOTAL_ROWS:], text.iloc[:-TOTAL_ROWS]
        totals = pd.read_parquet(out / "parquet" / parquet_name(TOTALS))
        assert totals.to_dict("records") == [{c.key: int(total[c.header("en")].astype(int).sum())
                                              for c in columns[1:]}]
    # The random company types no Commentary nor Evaluation: its actions and decisions are none.
    assert len(parquet) == len(text) > 0 or table in ("findings", "actions", "evaluation", "restatements")
    for col, key in zip(columns, parquet.columns):
        kind = col.kind
        if kind == "value":  # an extra column: a number column when every value is a number, else text
            kind = "number" if types[key] == "double" else "text"
        got = [None if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT else v
               for v in parquet[key].tolist()]
        want = [_csv_value(v, kind) for v in text[col.header("en")].tolist()]
        if kind == "date":
            got = [v.date() if hasattr(v, "date") and not isinstance(v, date) or type(v).__name__ == "Timestamp"
                   else v for v in got]
        if col.key == "basis":  # canonical keys in Parquet, the catalogue's words in the CSV
            got = [None if v is None else cons.tables.say(v, "en") for v in got]
        if (table, col.key) == ("changes", "change"):
            got = [None if v is None else history.say(v, "en") for v in got]
        # Machine outputs leave blank what people read as "(no comment)"/"(no owner)", and keep
        # the canonical decision (keep), which the CSV words (Keep).
        blank_word = {("comments", "comment"): "no_comment", ("actions", "action_owner"): "no_owner"}
        if (table, col.key) in blank_word:
            got = [cons.tables.say(blank_word[table, col.key], "en") if v is None else v for v in got]
        if (table, col.key) == ("evaluation", "decision"):
            got = [None if v is None else schema.DECISION_WORDS["en"][v] for v in got]
        if col.kind in ("text", "status"):
            got = [None if v is None else cons.csv_text(v) for v in got]  # CSV guards formula-like text
        elif col.kind == "value" and kind == "text":
            # Numbers in a text column are not guarded in the CSV (-5.0 stays -5.0), so the CSV is unguarded.
            want = [v[1:] if v and v.startswith("'") and cons.csv_text(v[1:]) == v else v for v in want]
        assert got == want, (table, key)


@pytest.mark.parametrize("table", list(cons.TABLES))
def test_parquet_tables_equal_the_csv_tables(outputs, table):
    out, _ = outputs
    assert_parquet_equals_csv(out, table, cons.TABLES[table].columns)


@pytest.fixture(scope="module")
def extra_outputs(tmp_path_factory):
    """Consolidate two departments with extra columns (text, numbers, a formula-like text, a mixed column)."""
    import workbooks as wbf

    from kpixl import schema

    folder = tmp_path_factory.mktemp("extra")
    wbf.write_workbook(folder / "sales.xlsx", kpis=[wbf.kpi_row("SAL-01", Region="North", Code=-5.0)],
                       measurements=[dict(wbf.measurement_row("SAL-01", d, 100.0), Region="-North")
                                     for d in wbf.MONTH_ENDS],
                       extra_columns={"KPIs": ["Region", "Code"], "Measurements": ["Region"]}, evaluations=[],
                       metadata_values={schema.NAME_DEPARTMENT: "Sales"})
    wbf.write_workbook(folder / "support.xlsx",
                       kpis=[wbf.kpi_row("SUP-01", level="low", parent_id="SAL-01", Code="+45 1234")],
                       measurements=[dict(wbf.measurement_row("SUP-01", d, 5.0), **{"Cost centre": 4711.0})
                                     for d in wbf.MONTH_ENDS[:2]],
                       extra_columns={"KPIs": ["Code"], "Measurements": ["Cost centre"]}, evaluations=[],
                       metadata_values={schema.NAME_DEPARTMENT: "Support"})
    out = tmp_path_factory.mktemp("extra-out")
    result = run("consolidate", str(folder), "-o", str(out / "company.xlsx"), "--as-of", AS_OF.isoformat(),
                 "--csv", str(out / "csv"), "--parquet", str(out / "parquet"), "--format", "json")
    assert result.exit_code == 0, result.output
    return out, result


def test_extra_columns_reach_parquet_and_json_as_in_csv(extra_outputs):
    out, result = extra_outputs
    for table in ("kpis", "measurements"):
        header = pd.read_csv(out / "csv" / cons.TABLES[table].csv, dtype=str, nrows=0).columns.tolist()
        own = list(cons.TABLES[table].columns)
        extras = [cons.tables.extra_column(' '.join(h.split()).casefold(), h) for h in header[len(own):]]
        assert [c.header("en") for c in extras] == {"kpis": ["Region", "Code"], "measurements": ["Region", "Cost centre"]}[table]
        assert_parquet_equals_csv(out, table, tuple(own) + tuple(extras))
    types = {f.name: str(f.type) for f in pq.read_schema(out / "parquet" / "measurements.parquet")}
    assert (types["extra:region"], types["extra:cost centre"]) == ("string", "double")
    kpis = pd.read_parquet(out / "parquet" / "kpis.parquet")
    assert kpis["extra:code"].tolist() == ["-5.0", "+45 1234"]  # mixed: text as typed, unguarded
    document = json.loads(result.stdout)
    jsonschema.validate(document, SCHEMA, format_checker=jsonschema.FormatChecker())
    rows = {row["kpi_id"]: row for row in document["tables"]["kpis"]}
    assert (rows["SAL-01"]["extra:region"], rows["SAL-01"]["extra:code"]) == ("North", -5.0)
    assert (rows["SUP-01"]["extra:region"], rows["SUP-01"]["extra:code"]) == (None, "+45 1234")


def test_parquet_columns_are_typed(outputs):
    out, _ = outputs
    schema = pq.read_schema(out / "parquet" / "history.parquet")
    assert [(f.name, str(f.type)) for f in schema] == [
        ("department", "string"), ("kpi_id", "string"), ("as_of", "date32[day]"), ("actual", "double"),
        ("plan", "double"), ("attainment", "double"), ("status", "string"), ("rollup_score", "double")]
    sources = pq.read_schema(out / "parquet" / "sources.parquet")
    assert str(sources.field("size").type) == "int64"


def test_docs_load_the_parquet_tables_in_pandas_as_shown(outputs):
    out, _ = outputs
    docs = (ROOT / "docs" / "history.md").read_text(encoding="utf-8")
    start = docs.index("```python\nimport pandas as pd")
    snippet = docs[start + len("```python\n"):docs.index("```", start + 10)]
    assert len(snippet.strip().splitlines()) == 3
    namespace: dict = {}
    exec(snippet.replace("company-parquet/", str(out / "parquet") + "/"), namespace)  # noqa: S102
    assert len(namespace["history"]) == len(pd.read_parquet(out / "parquet" / "history.parquet"))


# ------------------------------------------------------------------ the command line

def test_since_must_be_before_the_as_of_date(inputs, tmp_path):
    result = run("consolidate", *map(str, inputs), "-o", str(tmp_path / "c.xlsx"), "--as-of", "2026-05-15",
                 "--since", "2026-05-15")
    assert result.exit_code == 1
    assert result.output == ("Error: --since 2026-05-15 is not before the as-of date 2026-05-15; give an earlier "
                             "date\n")
    assert not (tmp_path / "c.xlsx").exists()


def test_since_sets_the_comparison_date_of_changes_and_the_table(inputs, tmp_path):
    result = run("consolidate", *map(str, inputs), "-o", str(tmp_path / "c.xlsx"), "--as-of", "2026-05-15",
                 "--since", "2026-01-31", "--csv", str(tmp_path / "csv"))
    assert result.exit_code == 0, result.output
    head = result.output.splitlines().index("Company KPIs as of 2026-05-15:")
    assert result.output.splitlines()[head + 1].split() == ["ID", "KPI", "Attainment", "Status", "Roll-up",
                                                            "Change", "since", "2026-01-31"]
    changes = pd.read_csv(tmp_path / "csv" / "changes.csv", dtype=str)
    assert set(changes["Since"]) == {"2026-01-31"} and set(changes["As of"]) == {"2026-05-15"}


def test_existing_parquet_file_is_refused_before_any_work(inputs, tmp_path):
    (tmp_path / "pq").mkdir()
    (tmp_path / "pq" / "kpis.parquet").write_bytes(b"mine")
    result = run("consolidate", *map(str, inputs), "-o", str(tmp_path / "c.xlsx"), "--parquet", str(tmp_path / "pq"))
    assert result.exit_code == 1
    assert result.output == f"Error: {tmp_path / 'pq' / 'kpis.parquet'}: already exists; use --force to overwrite it\n"
    assert (tmp_path / "pq" / "kpis.parquet").read_bytes() == b"mine" and not (tmp_path / "c.xlsx").exists()


def test_a_phased_kpis_plan_and_goals_reach_json_and_parquet(tmp_path):
    """Issue 19: a July-June retail year exactly on budget reads 100% at the end of November."""
    from kpixl import core
    from kpixl.consolidate.export import json_document, write_parquet_table
    from kpixl.model import KpiRecord, MeasurementRecord, PhasingRecord
    from kpixl.template import write_template
    weights = (6.0, 6.0, 7.0, 7.0, 8.0, 7.0, 6.0, 7.0, 8.0, 10.0, 12.0, 16.0)
    ends = [date(2026, 7, 31), date(2026, 8, 31), date(2026, 9, 30), date(2026, 10, 31), date(2026, 11, 30)]
    kpis = [KpiRecord("REV-01", name="Revenue", level="high", owner="CFO", unit="DKK", direction="increase",
                      aggregation="sum",
                      target=13_200_000, start=date(2026, 7, 1), deadline=date(2027, 6, 30), phasing="Retail")]
    measurements = [MeasurementRecord("REV-01", d, 132_000 * weights[d.month - 1]) for d in ends]
    path = write_template(tmp_path / "sales.xlsx", department="Sales", kpis=kpis, measurements=measurements,
                          phasing=[PhasingRecord("Retail", weights)])
    company = cons.consolidate([path], tmp_path / "company.xlsx", as_of=date(2026, 11, 30)).company
    [row] = json_document(company)["tables"]["kpis"]
    assert row["phasing"] == "Retail" and row["elapsed"] == pytest.approx(0.43)
    assert row["plan"] == pytest.approx(5_676_000) and row["attainment"] == pytest.approx(1.0)
    assert row["status"] == core.ON_TRACK and row["forecast"] == pytest.approx(13_200_000)
    assert row["month_goal"] == pytest.approx(1_584_000)  # November: 12% of the year
    assert row["needed_month"] == 0 and row["needed_day"] == pytest.approx(7_524_000 * 16 / 31 / 57)
    jsonschema.validate(json_document(company), SCHEMA)
    write_parquet_table(company, "kpis", tmp_path / "kpis.parquet")
    table = pq.read_table(tmp_path / "kpis.parquet").to_pylist()
    assert table[0]["month_goal"] == pytest.approx(1_584_000) and table[0]["phasing"] == "Retail"


# ------------------------------------------------------------------ language-independent machine outputs

def test_the_checked_in_schema_is_the_one_the_columns_give():
    """docs/consolidate.schema.json is written by scripts/make_json_schema.py from the tables' columns."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_json_schema", ROOT / "scripts" / "make_json_schema.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    assert module.PAGE.read_text(encoding="utf-8") == module.render(), "run python scripts/make_json_schema.py"


@pytest.fixture(scope="module")
def both_languages(tmp_path_factory):
    """The Danish demo's departments consolidated with --lang da and with --lang en: {lang: (folder, JSON)}."""
    base = tmp_path_factory.mktemp("lang")
    demo = run("demo", str(base / "demo"), "--lang", "da", "--formulas", "native")
    assert demo.exit_code == 0, demo.output
    runs = {}
    for lang in ("da", "en"):
        out = base / lang
        out.mkdir()
        result = run("consolidate", str(base / "demo" / "departments"), "-o", str(out / "company.xlsx"),
                     "--as-of", "2026-06-30", "--lang", lang, "--parquet", str(out / "parquet"),
                     "--csv", str(out / "csv"), "--format", "json")
        assert result.exit_code == 0, result.output
        runs[lang] = (out, json.loads(result.stdout))
    return runs


def test_json_and_parquet_are_the_same_in_danish_and_english(both_languages):
    """Issue 18 point 8: --lang changes the workbook and the CSV, never the JSON document or a Parquet file."""
    (da, da_json), (en, en_json) = both_languages["da"], both_languages["en"]
    for document in (da_json, en_json):
        jsonschema.validate(document, SCHEMA, format_checker=jsonschema.FormatChecker())
    assert da_json == en_json
    names = sorted(p.name for p in (da / "parquet").iterdir())
    assert names == sorted(p.name for p in (en / "parquet").iterdir()) and "summary_totals.parquet" in names
    for name in names:
        assert pq.read_table(da / "parquet" / name).equals(pq.read_table(en / "parquet" / name)), name
    # The people's outputs do follow the language.
    assert "Bagud" in (da / "csv" / "kpis.csv").read_text(encoding="utf-8-sig")
    assert "Off track" in (en / "csv" / "kpis.csv").read_text(encoding="utf-8")


def test_machine_values_are_canonical_english_and_the_total_is_apart(both_languages):
    out, document = both_languages["da"]
    kpis = pd.read_parquet(out / "parquet" / "kpis.parquet")
    assert set(kpis.status) <= {"On track", "At risk", "Off track", "Not started", "No data"}
    assert (kpis.status == "Off track").sum() == 2  # what a filter on the canonical value finds
    assert set(kpis.direction) == {"increase", "decrease", "maintain"} and set(kpis.level) == {"high", "low"}
    assert set(kpis.basis) == {"own"} and set(kpis.frequency) <= {"weekly", "monthly"}
    assert set(kpis.trend) <= {"Improving", "Stable", "Worsening", "No data"}
    summary = pd.read_parquet(out / "parquet" / "summary.parquet")
    assert list(summary.columns) == ["department", "on_track", "at_risk", "off_track", "not_started", "no_data",
                                     "total"]
    assert "Virksomheden" not in set(summary.department) and "Company" not in set(summary.department)
    totals = pd.read_parquet(out / "parquet" / "summary_totals.parquet").to_dict("records")
    assert totals == [document["totals"]] == [{"on_track": 8, "at_risk": 6, "off_track": 2, "not_started": 0,
                                               "no_data": 0, "total": 16}]
    assert summary.drop(columns="department").sum().to_dict() == document["totals"]
    findings = document["tables"]["findings"]
    assert {f["severity"] for f in findings} == {"warning"}
    assert all(f["message"].startswith(("no measurement", "close of period", "KPI '", "the action is Open"))
               for f in findings)


def test_the_schema_refuses_a_danish_status(both_languages):
    document = json.loads(json.dumps(both_languages["da"][1]))
    document["tables"]["kpis"][0]["status"] = "Bagud"
    with pytest.raises(jsonschema.ValidationError, match="'Bagud' is not one of"):
        jsonschema.validate(document, SCHEMA)


def test_parquet_is_written_a_batch_of_rows_at_a_time_with_the_same_rows(tmp_path, monkeypatch):
    """Issue 23: a million measurement rows are never all held; batches of rows give the same typed table."""
    from kpixl.consolidate import export

    company = cons.consolidate_workbooks(random_company(3), AS_OF)
    whole = export.arrow_table(company, "measurements")
    assert whole.num_rows > 7
    _schema, batches = export.arrow_batches(company, "measurements", batch_rows=3)
    sizes = [batch.num_rows for batch in batches]
    assert sizes[:-1] == [3] * (len(sizes) - 1) and 0 < sizes[-1] <= 3 and sum(sizes) == whole.num_rows
    monkeypatch.setattr(export, "BATCH_ROWS", 3)
    export.write_parquet_table(company, "measurements", tmp_path / "m.parquet")
    written = pq.ParquetFile(tmp_path / "m.parquet")
    assert written.metadata.num_row_groups == len(sizes)
    assert written.read().equals(whole)
    # An empty table keeps its typed columns.
    export.write_parquet_table(company, "restatements", tmp_path / "r.parquet")
    assert pq.read_table(tmp_path / "r.parquet").schema == export.arrow_table(company, "restatements").schema
