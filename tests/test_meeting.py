"""Test what the management meeting gets from consolidate (kpixl.consolidate.meeting, .previous, the comment tables).

Real department workbooks (``kpixl template`` with prefilled KPIs, measurements, comments and
decisions) are consolidated through the CLI; the company workbook, its JSON and CSV are read back.
"""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

import workbooks

from kpixl.cli import cli
from kpixl.model import CommentRecord, EvaluationRecord, MeasurementRecord
from kpixl.template import write_template

MONTH_ENDS = [date(2026, m, d) for m, d in ((1, 31), (2, 28), (3, 31), (4, 30), (5, 31), (6, 30))]
JUNE = date(2026, 6, 30)


_kpi = workbooks.kpi_record


def _company(folder: Path, language: str = "en", may_webshop: float = 40.0) -> list[Path]:
    """Write a management and a sales workbook: every status the meeting asks about, comments and actions."""
    folder.mkdir(parents=True, exist_ok=True)
    management = [_kpi("CO-01", level="high", parent_id=None, name="Revenue", owner="Mette Kjær"),
                  _kpi("CO-02", level="high", parent_id=None, name="Satisfaction", owner="Mette Kjær",
                       unit="score", aggregation="average", baseline=7.0, target=8.5)]
    scores = [MeasurementRecord("CO-02", d, v) for d, v in zip(MONTH_ENDS, (7.0, 7.1, 7.0, 6.9, 6.8, 6.8))]
    write_template(folder / "management.xlsx", department="Management", language=language, kpis=management,
                   measurements=scores, as_of=JUNE, force=True,
                   evaluations=[EvaluationRecord("CO-02", "adjust", 8.0, "The survey changed mid-year")],
                   comments=[CommentRecord("CO-02", MONTH_ENDS[5], "The new survey provider scores lower",
                                           "Compare both surveys", "Mette Kjær", date(2026, 6, 10), "Open", "Mette")])
    sales = [_kpi("SAL-01", name="Webshop revenue"), _kpi("SAL-02", name="Store revenue", owner="Anna Berg"),
             # Red three months running: on plan until March, a tenth of it from April (the latest value counts).
             _kpi("SAL-03", name="Conversion", owner="Anna Berg", unit="count", aggregation="last", target=100.0)]
    values = [MeasurementRecord("SAL-01", d, may_webshop if d == MONTH_ENDS[4] else 40.0) for d in MONTH_ENDS]
    values += [MeasurementRecord("SAL-02", d, 92.0) for d in MONTH_ENDS]
    values += [MeasurementRecord("SAL-03", d, 100.0 if d < MONTH_ENDS[3] else 5.0) for d in MONTH_ENDS]
    write_template(folder / "sales.xlsx", department="Sales", language=language, kpis=sales, measurements=values,
                   as_of=JUNE, force=True,
                   comments=[CommentRecord("SAL-01", MONTH_ENDS[5], "Webshop down for three days", "Move to a new host",
                                           "Anna Berg", date(2026, 8, 1), "Open", "Bo"),
                             CommentRecord("SAL-01", MONTH_ENDS[4], "Slow May", "Spring campaign", "Bo Lund",
                                           date(2026, 6, 15), "Open", "Bo"),
                             CommentRecord("SAL-01", MONTH_ENDS[3], None, "Fix checkout", "Bo Lund", None, "Done")])
    return [folder / "management.xlsx", folder / "sales.xlsx"]


def _run(*args: str):
    return CliRunner().invoke(cli, list(args), prog_name="kpixl")


def _rows(path: Path, sheet: str, header_row: int = 1) -> list[dict]:
    ws = openpyxl.load_workbook(path)[sheet]
    rows = list(ws.iter_rows(min_row=header_row, values_only=True))
    return [dict(zip(rows[0], row)) for row in rows[1:] if any(v is not None for v in row)]


@pytest.fixture(scope="module")
def june(tmp_path_factory):
    """The June company workbook, its JSON on stdout and its CSV tables."""
    folder = tmp_path_factory.mktemp("june")
    _company(folder / "in")
    out = folder / "company.xlsx"
    result = _run("consolidate", str(folder / "in"), "-o", str(out), "--as-of", JUNE.isoformat(), "--csv",
                  str(folder / "csv"), "--format", "json")
    assert result.exit_code == 0, result.output
    return out, json.loads(result.stdout), folder / "csv"


def test_the_comments_sheet_lists_every_kpi_off_plan_company_first_worst_first(june):
    out, document, csv_dir = june
    rows = _rows(out, "Comments and actions")
    assert [(r["KPI ID"], r["Status"]) for r in rows] == [
        ("CO-02", "Off track"), ("CO-01", "Off track"), ("SAL-01", "Off track"), ("SAL-03", "Off track"),
        ("SAL-02", "At risk")]  # lowest attainment first (SAL-03's level attainment is issue 19's p - (t - b))
    by_id = {r["KPI ID"]: r for r in rows}
    assert by_id["CO-02"]["Comment"] == "The new survey provider scores lower"
    assert by_id["CO-02"]["Open actions"] == "Compare both surveys (Mette Kjær, due 2026-06-10) - OVERDUE"
    assert by_id["CO-02"]["Overdue actions"] == 1 and by_id["CO-02"]["Owner"] == "Mette Kjær"
    # The latest comment; the Done action is not open.
    assert by_id["SAL-01"]["Comment"] == "Webshop down for three days"
    assert by_id["SAL-01"]["Comment for"].date() == MONTH_ENDS[5]
    assert by_id["SAL-01"]["Open actions"] == ("Move to a new host (Anna Berg, due 2026-08-01)\n"
                                               "Spring campaign (Bo Lund, due 2026-06-15) - OVERDUE")
    assert by_id["SAL-01"]["Origin"] == "Commentary!A2" and by_id["SAL-01"]["Source file"].endswith("sales.xlsx")
    # No word at all: an explicit entry, not a blank.
    for kpi_id in ("CO-01", "SAL-02", "SAL-03"):
        assert by_id[kpi_id]["Comment"] == "(no comment)" and by_id[kpi_id]["Open actions"] is None
    # The same table in JSON (snake_case keys) and CSV.
    table = document["tables"]["comments"]
    assert [r["kpi_id"] for r in table] == [r["KPI ID"] for r in rows]
    assert table[0]["comment"] == "The new survey provider scores lower" and table[0]["overdue_actions"] == 1
    assert table[0]["latest_period"] == "2026-06-30" and table[1]["comment"] is None  # blank in JSON; people read "(no comment)"
    with open(csv_dir / "comments.csv", encoding="utf-8", newline="") as handle:
        assert [r["KPI ID"] for r in csv.DictReader(handle)] == [r["KPI ID"] for r in rows]


def test_the_actions_sheet_says_who_owes_what_overdue_first(june):
    out, document, _ = june
    rows = _rows(out, "Actions")
    assert [(r["Action owner"], r["Action"], r["Overdue"]) for r in rows] == [
        ("Mette Kjær", "Compare both surveys", "OVERDUE"), ("Bo Lund", "Spring campaign", "OVERDUE"),
        ("Anna Berg", "Move to a new host", None)]
    assert [r["action_owner"] for r in document["tables"]["actions"]] == ["Mette Kjær", "Bo Lund", "Anna Berg"]


def test_evaluation_decisions_and_notes_reach_the_company_workbook(june):
    out, document, _ = june
    [row] = _rows(out, "Evaluation")
    assert (row["KPI ID"], row["Decision"], row["New target"], row["Notes"]) == (
        "CO-02", "Adjust target", 8.0, "The survey changed mid-year")
    assert document["tables"]["evaluation"][0]["notes"] == "The survey changed mid-year"


def _section(ws, title_start: str) -> list[tuple]:
    """Return the rows of the Summary section whose title starts with ``title_start`` (header first)."""
    rows = list(ws.iter_rows(values_only=True))
    start = next(i for i, row in enumerate(rows) if isinstance(row[0], str) and row[0].startswith(title_start))
    found = []
    for row in rows[start + 1:]:
        if row[0] is None:
            break
        found.append(row)
    return [rows[start]] + found


def test_the_summary_answers_the_meetings_three_questions(june):
    out, _, _ = june
    ws = openpyxl.load_workbook(out)["Summary"]
    assert ws["A1"].value == "KPI report for the management meeting"
    assert ws["A3"].value == ("Past values are not compared with last month's report: add --previous "
                              "LAST_MONTH_COMPANY.xlsx to list every value corrected since.")
    # 1. Which company KPIs are off, and by how much: one row each, own attainment and roll-up side by side.
    company = _section(ws, "1. ")
    assert company[0][0] == "1. Company KPIs: 2 of 2 off plan (Off track or At risk)"
    assert company[1][:5] == ("KPI", "Status", "Own attainment", "Roll-up", "Since 2026-05-31")
    assert [row[:2] for row in company[2:]] == [("CO-02 Satisfaction", "Off track"), ("CO-01 Revenue", "Off track")]
    co01 = company[3]
    assert co01[2] is None and co01[3] == pytest.approx(co01[3])  # measured only through its children
    assert company[2][5] == pytest.approx(6.9333, abs=1e-3) and company[2][8] == "Mette Kjær"  # actual, owner
    # 2. What changed, including the KPIs that stay red: SAL-03 red three months running is listed.
    red = _section(ws, "2. ")
    assert red[0][0] == "2. Still red: 4 KPI(s) Off track now and on 2026-05-31"
    assert red[1][:3] == ("KPI", "Department", "Months Off track")
    months = {row[0]: row[2] for row in red[2:]}
    assert months["SAL-03 Conversion"] == 3
    # CO-02 (a level KPI: issue 19's attainment p - (t - b)) Off track since March, SAL-01 all year.
    assert months["CO-02 Satisfaction"] == 4 and months["SAL-01 Webshop revenue"] == 6
    comments = {row[0]: row[6] for row in red[2:]}
    assert comments["SAL-03 Conversion"] == "(no comment)"
    assert comments["SAL-01 Webshop revenue"] == "Webshop down for three days"
    # 3. Who owes an action.
    owed = _section(ws, "3. ")
    assert owed[0][0] == "3. Who owes an action: 3 open, 2 overdue"
    assert [(row[0], row[1], row[2], row[4]) for row in owed[2:]] == [
        ("Mette Kjær", 1, 1, "CO-02"), ("Bo Lund", 1, 1, "SAL-01"), ("Anna Berg", 1, 0, "SAL-01")]
    # The counts keep the company's KPIs and the departments' apart.
    counts = {row[0]: row[6] for row in ws.iter_rows(values_only=True) if row[0] in ("Company KPIs",
                                                                                     "Department KPIs")}
    assert counts == {"Company KPIs": 2, "Department KPIs": 3}


def test_danish_meeting_pack(tmp_path):
    paths = _company(tmp_path / "in", "da")
    out = tmp_path / "firma.xlsx"
    result = _run("consolidate", *map(str, paths), "-o", str(out), "--as-of", JUNE.isoformat(), "--lang", "da")
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[:4] == ["Oversigt", "Kommentarer og handlinger", "Handlinger", "Rettelser"]
    rows = _rows(out, "Kommentarer og handlinger")
    assert rows[1]["KPI-ID"] == "CO-01" and rows[1]["Kommentar"] == "(ingen kommentar)"
    assert rows[0]["Åbne handlinger"] == "Compare both surveys (Mette Kjær, senest 2026-06-10) - FORSINKET"
    ws = book["Oversigt"]
    assert ws["A1"].value == "KPI-rapport til ledelsesmødet"
    # KPI(er) as every other Danish count writes it (it read KPI('er)).
    assert _section(ws, "2. ")[0][0] == "2. Stadig røde: 4 KPI(er) Bagud nu og 2026-05-31"
    assert _section(ws, "3. ")[0][0] == "3. Hvem skylder en handling: 3 åbne, 2 forsinkede"
    assert _rows(out, "Handlinger")[0]["Forsinket"] == "FORSINKET"


def test_a_may_value_corrected_in_june_is_named_with_old_and_new_value_and_cell(tmp_path):
    may_report = tmp_path / "company-may.xlsx"
    paths = _company(tmp_path / "in")
    result = _run("consolidate", *map(str, paths), "-o", str(may_report), "--as-of", "2026-05-31")
    assert result.exit_code == 0, result.output
    presented = {row[0]: row[2] for row in _section(openpyxl.load_workbook(may_report)["Summary"], "1. ")[2:]}
    # In June, Sales corrects May's webshop revenue from 40 to 100.
    _company(tmp_path / "in", may_webshop=100.0)
    june = tmp_path / "company-june.xlsx"
    result = _run("consolidate", *map(str, paths), "-o", str(june), "--as-of", JUNE.isoformat(), "--previous",
                  str(may_report), "--format", "json")
    assert result.exit_code == 0, result.output
    rows = _rows(june, "Restatements")
    value = [r for r in rows if r["What changed"] == "value"]
    assert [(r["KPI ID"], r["Period"].date(), r["Presented"], r["Now"], r["Difference"], r["Origin"])
            for r in value] == [("SAL-01", MONTH_ENDS[4], 40.0, 100.0, 60.0, "Measurements!A6")]
    assert value[0]["Source file"] == str(paths[1])
    # May's month-end attainment changed too, for SAL-01 and the company KPI it rolls up to.
    attainments = {r["KPI ID"]: r for r in rows if r["What changed"] == "attainment"}
    assert set(attainments) == {"SAL-01", "CO-01"}
    assert attainments["SAL-01"]["Now"] > attainments["SAL-01"]["Presented"]
    assert all(r["Period"].date() == MONTH_ENDS[4] for r in attainments.values())
    # The Summary says so in one line; the JSON holds the same table.
    summary = openpyxl.load_workbook(june)["Summary"]
    assert summary["A3"].value == ("Compared with company-may.xlsx (as of 2026-05-31): 3 past value(s) or "
                                   "attainment(s) changed; see the Restatements sheet.")
    document = json.loads(result.stdout)
    assert document["tables"]["restatements"][0] == {
        "what": "value", "department": "Sales", "kpi_id": "SAL-01", "name": "Webshop revenue",
        "period": "2026-05-31", "old": 40.0, "new": 100.0, "change": 60.0, "source": str(paths[1]),
        "origin": "Measurements!A6"}
    # The change since last month is measured against what was presented in May, not May recomputed.
    company = {row[0]: row for row in _section(summary, "1. ")[2:]}
    now = company["CO-02 Satisfaction"][2]
    assert company["CO-02 Satisfaction"][4] == pytest.approx((now - presented["CO-02 Satisfaction"]) * 100)
    assert "  SAL-01 2026-05-31: value 40 -> 100 (" + str(paths[1]) + ":Measurements!A6)" in result.stderr
    # The Python API takes the same previous= and gives the same table.
    import kpixl

    api = kpixl.consolidate(paths, as_of=JUNE, previous=may_report)
    assert api.restatements.to_dict("records")[0] == {**document["tables"]["restatements"][0],
                                                      "period": pd.Timestamp("2026-05-31")}
    assert len(api.restatements) == len(document["tables"]["restatements"]) == 3


def test_previous_that_is_no_company_workbook_is_refused(tmp_path):
    paths = _company(tmp_path / "in")
    result = _run("consolidate", *map(str, paths), "-o", str(tmp_path / "c.xlsx"), "--as-of", JUNE.isoformat(),
                  "--previous", str(paths[0]))
    assert result.exit_code != 0
    assert f"{paths[0]}: --previous is not a company workbook (no Summary, History and Measurements sheets); give " \
           "the company workbook kpixl consolidate wrote last month" in result.output
    assert not (tmp_path / "c.xlsx").exists()


def test_previous_that_is_no_company_workbook_is_refused_in_the_run_s_language(tmp_path):
    paths = _company(tmp_path / "in")
    result = _run("consolidate", *map(str, paths), "-o", str(tmp_path / "c.xlsx"), "--as-of", JUNE.isoformat(),
                  "--previous", str(paths[0]), "--lang", "da")
    assert result.exit_code == 1
    assert f"Fejl: {paths[0]}: --previous er ikke en virksomhedsprojektmappe (ingen ark Oversigt, Historik og " \
           "Målinger); angiv den virksomhedsprojektmappe, som kpixl consolidate skrev sidste måned" in result.output
    assert not (tmp_path / "c.xlsx").exists()
