"""Test kpixl.api, the Python API: the same numbers as the command line, typed DataFrames, errors that never print.

The API and ``kpixl consolidate`` run on the demo's folder and on a random company and
must give equal tables (the CLI's Parquet files read back against the API's DataFrames,
value for value); docs/python-api.md runs as a doctest in a demo folder; ``import kpixl``
stays cheap and works without xlwings.
"""

from __future__ import annotations

import doctest
import json
import math
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import jsonschema
import pandas as pd
import pyarrow.parquet as pq
import pytest
import python_calamine
from click.testing import CliRunner

import kpixl
from kpixl.cli import cli

from test_consolidate import AS_OF, random_company, write_files

ROOT = Path(__file__).resolve().parent.parent
DEMO_AS_OF = date(2025, 12, 31)
TABLES = ("summary", "kpis", "rollup", "history", "changes", "measurements", "findings", "sources")


def run(*args: str):
    return CliRunner().invoke(cli, list(args), prog_name="kpixl")


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    """A folder holding kpixl-demo/ as the README's Quick start leaves it (native formulas: no add-in)."""
    base = tmp_path_factory.mktemp("api")
    result = run("demo", str(base / "kpixl-demo"), "--formulas", "native")
    assert result.exit_code == 0, result.output
    return base


def cli_tables(inputs: list[Path], out: Path, as_of: date, *options: str) -> tuple[dict[str, pd.DataFrame], dict]:
    """Run ``kpixl consolidate`` with --parquet and --format json; return its tables as read back, and the JSON."""
    out.mkdir()
    result = run("consolidate", *map(str, inputs), "-o", str(out / "company.xlsx"), "--as-of", as_of.isoformat(),
                 "--parquet", str(out / "parquet"), "--format", "json", *options)
    assert result.exit_code == 0, result.output
    tables = {name: pq.read_table(out / "parquet" / f"{name}.parquet").to_pandas(date_as_object=False)
              for name in TABLES}
    return tables, json.loads(result.stdout)


def assert_same_numbers(company, tables: dict[str, pd.DataFrame], document: dict) -> None:
    """Assert the API's tables equal the CLI's, every value and type, and its JSON document too."""
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(company, name), tables[name], check_exact=True, obj=name)
    assert json.loads(company.to_json()) == document
    assert company.totals == document["totals"]


def test_api_and_cli_give_equal_numbers_on_the_demo(demo, tmp_path):
    inputs = [demo / "kpixl-demo" / "departments"]
    tables, document = cli_tables(inputs, tmp_path / "cli", DEMO_AS_OF)
    company = kpixl.consolidate(inputs, as_of=DEMO_AS_OF)
    assert_same_numbers(company, tables, document)
    assert len(company.kpis) == 16 and len(company.measurements) > 300


@pytest.mark.parametrize("seed", [3, 29])
def test_api_and_cli_give_equal_numbers_on_a_random_company(tmp_path, seed):
    paths = write_files(tmp_path / "in", random_company(seed))
    tables, document = cli_tables(paths, tmp_path / "cli", AS_OF, "--jobs", "2")
    company = kpixl.consolidate(paths, as_of=AS_OF, jobs=2)
    assert_same_numbers(company, tables, document)
    # The numbers are the core's: the in-memory consolidation of the same records agrees.
    from kpixl import consolidate as cons

    direct = cons.consolidate_workbooks(random_company(seed), AS_OF)
    assert company.kpis.attainment.tolist() == pytest.approx(
        [math.nan if line.attainment is None else line.attainment for line in direct.kpis], nan_ok=True)


def test_dataframes_are_typed_and_canonical_whatever_the_language(demo, tmp_path):
    danish = tmp_path / "da"
    result = run("demo", str(danish), "--lang", "da", "--formulas", "native")
    assert result.exit_code == 0, result.output
    da = kpixl.consolidate(danish / "departments", as_of=DEMO_AS_OF, language="da")
    en = kpixl.consolidate(danish / "departments", as_of=DEMO_AS_OF, language="en")
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(da, name), getattr(en, name), obj=name)
    kpis = da.kpis
    assert set(kpis.status) <= {"On track", "At risk", "Off track", "Not started", "No data"}
    assert kpis.status.eq("Off track").sum() == 2
    assert str(kpis.deadline.dtype).startswith("datetime64") and kpis.target.dtype == "float64"
    assert str(da.history.as_of.dtype).startswith("datetime64") and da.history.attainment.dtype == "float64"
    assert str(da.measurements.period_end.dtype).startswith("datetime64")
    assert da.sources["size"].dtype == "int64"
    schema = json.loads((ROOT / "docs" / "consolidate.schema.json").read_text(encoding="utf-8"))
    assert list(kpis.columns) == list(schema["properties"]["tables"]["properties"]["kpis"]["items"]["properties"])


def test_the_writers_write_what_the_command_writes(demo, tmp_path):
    company = kpixl.consolidate(demo / "kpixl-demo" / "departments", as_of=DEMO_AS_OF)
    book = company.to_excel(tmp_path / "firma.xlsx", lang="da")
    assert python_calamine.CalamineWorkbook.from_path(str(book)).sheet_names[:3] == ["Oversigt", "Historik", "KPI'er"]
    csv = company.to_csv(tmp_path / "csv", dialect="excel-da", lang="da")
    assert [p.name for p in csv][:2] == ["summary.csv", "kpis.csv"]
    assert (tmp_path / "csv" / "summary.csv").read_text(encoding="utf-8-sig").startswith(
        "Afdeling;På sporet;I risiko;Bagud;Ikke startet;Ingen data;I alt\n")
    parquet = company.to_parquet(tmp_path / "parquet")
    assert len(parquet) == 9
    pd.testing.assert_frame_equal(pq.read_table(tmp_path / "parquet" / "kpis.parquet").to_pandas(
        date_as_object=False), company.kpis)
    document = json.loads(company.to_json())
    jsonschema.validate(document, json.loads((ROOT / "docs" / "consolidate.schema.json").read_text(encoding="utf-8")))
    # The company is unchanged by writing it in Danish.
    assert company.consolidation.language == "en" and set(company.kpis.status) >= {"Off track"}
    with pytest.raises(kpixl.OutputError, match="already exists; use --force to overwrite it"):
        company.to_excel(book)
    assert company.to_excel(book, force=True) == book


def test_read_workbook_gives_typed_tables_and_findings(tmp_path):
    path = kpixl.write_template(tmp_path / "sales.xlsx", department="Sales", lang="da", examples=True)
    workbook = kpixl.read_workbook(path, as_of=DEMO_AS_OF)
    assert (workbook.department, workbook.language) == ("Sales", "da")
    assert len(workbook.kpis) > 0 and workbook.kpis.target.dtype == "float64"
    assert str(workbook.kpis.deadline.dtype).startswith("datetime64")
    assert set(workbook.kpis.direction.dropna()) <= {"increase", "decrease", "maintain"}  # canonical, not øge
    assert list(workbook.findings.columns) == ["file", "sheet", "cell", "severity", "code", "message", "kpi_id"]
    assert list(workbook.measurements.columns)[:5] == ["kpi_id", "period_end", "value", "entered_by", "note"]


def test_validate_reports_findings_as_a_dataframe(tmp_path):
    import workbooks as wbf

    bad = tmp_path / "bad.xlsx"
    wbf.write_workbook(bad, kpis=[wbf.kpi_row(target="12,5")])
    report = kpixl.validate(tmp_path, as_of=wbf.AS_OF)
    assert (report.ok, report.errors, report.warnings) == (False, 1, 0)
    row = report.findings.iloc[0].to_dict()
    assert row == {"file": str(bad), "sheet": "KPIs", "cell": "L2", "severity": "error", "code": "KPX204",
                   "message": 'target "12,5" is text; type the number 12.5', "kpi_id": "SAL-01"}


def test_errors_raise_documented_exceptions_and_never_print(tmp_path, capsys):
    with pytest.raises(kpixl.WorkbookError, match="no such file or folder"):
        kpixl.read_workbook(tmp_path / "nowhere.xlsx")
    with pytest.raises(kpixl.DefinitionError, match="unknown language 'fr'"):
        kpixl.write_template(tmp_path / "x.xlsx", language="fr")
    import workbooks as wbf

    wbf.write_workbook(tmp_path / "bad.xlsx", kpis=[wbf.kpi_row(target=None)])
    with pytest.raises(kpixl.ValidationFailed, match=r"1 error\(s\) in 1 of 1 file\(s\)"):
        kpixl.consolidate(tmp_path, as_of=wbf.AS_OF)
    assert issubclass(kpixl.WorkbookError, kpixl.KpixlError) and issubclass(kpixl.DefinitionError, kpixl.KpixlError)
    assert capsys.readouterr() == ("", "")


def test_the_python_api_page_runs_as_a_doctest(demo, monkeypatch):
    """docs/python-api.md: every example's output is what it shows (run in the folder of the Quick start)."""
    monkeypatch.chdir(demo)
    text = (ROOT / "docs" / "python-api.md").read_text(encoding="utf-8")
    # A Markdown fence right after an example's output ends that output.
    test = doctest.DocTestParser().get_doctest(re.sub(r"\n```", "\n\n```", text), {}, "python-api.md",
                                               str(ROOT / "docs" / "python-api.md"), 0)
    assert len(test.examples) >= 25
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    failures: list[str] = []
    runner.run(test, out=failures.append)
    assert runner.summarize(verbose=False).failed == 0, "".join(failures)


def test_the_readme_one_liner_works_after_the_quick_start(demo):
    result = subprocess.run([sys.executable, "-c", "import kpixl; print(kpixl.consolidate(['kpixl-demo/departments'])"
                             ".kpis.head())"], cwd=demo, capture_output=True, text=True,
                            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "department"
    from kpixl.consolidate import TABLES

    assert f"[5 rows x {len(TABLES['kpis'].columns)} columns]" in result.stdout  # the columns by key, however many


_BLOCK_XLWINGS = ("import sys; sys.modules['xlwings'] = None; "
                  "import kpixl, kpixl.api, kpixl.cli, kpixl.consolidate, kpixl.validate, kpixl.template; ")


def test_import_kpixl_is_cheap_and_the_api_needs_no_xlwings():
    cheap = subprocess.run([sys.executable, "-c", "import sys, kpixl; print(sorted(m for m in ('pandas', 'click', "
                            "'xlwings', 'kpixl.api') if m in sys.modules))"], capture_output=True, text=True,
                           env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert cheap.stdout.strip() == "[]", cheap.stderr
    without = subprocess.run([sys.executable, "-c", _BLOCK_XLWINGS + "print(callable(kpixl.consolidate), "
                              "callable(kpixl.validate)); import kpixl.udfs"],
                             capture_output=True, text=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert without.stdout.strip() == "True True"
    assert without.stderr.strip().splitlines()[-1] == (
        "ImportError: kpixl.udfs needs xlwings; install it with: pip install 'kpixl[xlwings]'")


def test_pyproject_declares_what_the_code_imports():
    """pyproject's dependencies are what kpixl imports; xlwings is an extra; openpyxl only a test extra."""
    import ast
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {re.split(r"[<>=;\[ ]", d)[0].replace("-", "_").lower() for d in project["dependencies"]}
    imported: set[str] = set()
    for path in (ROOT / "kpixl").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                imported.add(node.module.split(".")[0])
    third_party = {name for name in imported if name not in sys.stdlib_module_names and name != "kpixl"}
    # Import names equal the distributions' here (python-calamine is python_calamine, folded above).
    assert third_party - {"xlwings"} == declared
    assert [d.split(">")[0] for d in project["optional-dependencies"]["xlwings"]] == ["xlwings"]
    assert "openpyxl" not in declared and any(d.startswith("openpyxl") for d in project["optional-dependencies"]["test"])
