"""Test the Commentary table (kpixl.template.commentary, kpixl.commentary): written in both languages, read back,
and every validate rule on it with its exact text, at its cell."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest

import workbooks

from kpixl import commentary, core, schema
from kpixl.model import CommentRecord, MeasurementRecord
from kpixl.reader import read_workbook
from kpixl.template import write_template
from kpixl.validate import check_workbook

AS_OF = date(2026, 4, 15)
MONTH_ENDS = (date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31))


_kpi = workbooks.kpi_record


KPIS = [_kpi("CO-01", level="high", parent_id=None), _kpi("SAL-01"), _kpi("SAL-02")]
# SAL-01 is Off track (50 a month against 100 planned), SAL-02 On track (120 a month).
MEASUREMENTS = [MeasurementRecord("SAL-01", d, 50.0) for d in MONTH_ENDS] + [
    MeasurementRecord("SAL-02", d, 120.0) for d in MONTH_ENDS]


def _write(tmp_path, language: str, comments: list[CommentRecord]) -> str:
    path = tmp_path / f"dept-{language}.xlsx"
    write_template(path, language=language, kpis=KPIS, measurements=MEASUREMENTS, comments=comments, as_of=AS_OF,
                   force=True)
    return str(path)


def _findings(path: str, code_prefix: str = "KPX9") -> list[tuple[str, str, str]]:
    workbook = check_workbook(path, AS_OF)
    return [(f.code, f"{f.place.sheet}!{f.place.cell}", f.message) for f in workbook.findings
            if f.code.startswith(code_prefix)]


@pytest.mark.parametrize("language, sheet, headers, status", [
    ("en", "Commentary", ["KPI ID", "Period end", "Comment", "Action", "Action owner", "Due date", "Action status",
                          "Entered by"], "Open"),
    ("da", "Kommentarer", ["KPI-ID", "Periodeslut", "Kommentar", "Handling", "Handlingsansvarlig", "Forfaldsdato",
                           "Handlingsstatus", "Indtastet af"], "Åben"),
])
def test_commentary_table_in_both_languages(tmp_path, language, sheet, headers, status):
    comment = CommentRecord("SAL-01", MONTH_ENDS[-1], "Webshop down for three days", "Move to a new host",
                            "Anna Berg", date(2026, 5, 15), core.OPEN, "Bo Lund")
    path = _write(tmp_path, language, [comment])
    book = openpyxl.load_workbook(path)
    ws = book[sheet]
    table = ws.tables["Commentary"]
    assert [c.name for c in table.tableColumns][:8] == headers
    # The three helper columns the Dashboard reads are hidden.
    helpers = ws.column_dimensions["I"]
    assert helpers.hidden and (helpers.min, helpers.max) == (9, 11)
    assert [ws.cell(2, i).value for i in (1, 3, 4, 5, 8)] == [
        "SAL-01", "Webshop down for three days", "Move to a new host", "Anna Berg", "Bo Lund"]
    assert ws.cell(2, 2).value.date() == MONTH_ENDS[-1] and ws.cell(2, 6).value.date() == date(2026, 5, 15)
    assert ws.cell(2, 7).value == status
    assert ws.cell(2, 2).number_format == schema.DATE
    assert ws.cell(2, 1).protection.locked is False and ws.cell(50, 3).protection.locked is False
    rules = {str(dv.sqref).split(":")[0]: dv for dv in ws.data_validations.dataValidation}
    assert rules["A2"].type == "list" and rules["B2"].type == "date" and rules["F2"].type == "date"
    assert rules["G2"].type == "list"
    lists = book[schema.SHEET_LISTS[language]]
    source = rules["G2"].formula1.split("!")[1].replace("$", "")
    first, last = source.split(":")
    words = [c.value for row in lists[first:last] for c in row]
    assert words == [core.word("action_status", s, language) for s in (core.OPEN, core.DONE, core.DROPPED)]
    # Read back: the record as written, the status canonical whatever the language.
    read = read_workbook(path)
    assert read.sheets["Commentary"] == sheet
    assert read.comments == [CommentRecord("SAL-01", date(2026, 3, 31), "Webshop down for three days",
                                           "Move to a new host", "Anna Berg", date(2026, 5, 15), core.OPEN,
                                           "Bo Lund", read.comments[0].place)]
    assert read.comments[0].place.cell == "A2"


def test_an_explained_kpi_and_good_actions_give_no_finding(tmp_path):
    comments = [CommentRecord("SAL-01", MONTH_ENDS[-1], "Webshop down", "New host", "Anna Berg", date(2026, 5, 1)),
                CommentRecord("SAL-02", MONTH_ENDS[0], None, "Old fix", "Anna, Bo", date(2026, 2, 1), core.DONE)]
    assert _findings(_write(tmp_path, "en", comments)) == []


EXPECTED = {
    "en": [
        ("KPX903", "Commentary!A2", "KPI ID 'SAL-9' is not in the KPIs table, so this comment is shown nowhere; pick "
                                    "an existing KPI ID"),
        ("KPX904", "Commentary!E3", "the action has no owner; type the one person who owns it in Action owner"),
        ("KPX902", "Commentary!F3", "the action is Open and was due 2026-04-01 (as of 2026-04-15); set Action status "
                                    "to Done or Dropped, or agree a new Due date"),
        ("KPX905", "Commentary!E4", "action owner 'Anna og Bo' looks like more than one person; an action has one "
                                    "owner: keep one name (split the action into one row per owner)"),
        ("KPX901", "KPIs!A3", "KPI 'SAL-01' is Off track and no comment explains its latest period (2026-03-31); add a "
                              "row to Commentary with this KPI ID, Period end 2026-03-31, a comment on why and the "
                              "action that will be taken"),
    ],
    "da": [
        ("KPX903", "Kommentarer!A2", "KPI-ID 'SAL-9' findes ikke i tabellen på arket Nøgletal, så kommentaren vises "
                                     "ingen steder; vælg et eksisterende KPI-ID"),
        ("KPX904", "Kommentarer!E3", "handlingen har ingen ansvarlig; skriv den ene person, der ejer den, i "
                                     "Handlingsansvarlig"),
        ("KPX902", "Kommentarer!F3", "handlingen er Åben og skulle være udført 2026-04-01 (pr. 2026-04-15); sæt "
                                     "Handlingsstatus til Udført eller Droppet, eller aftal en ny Forfaldsdato"),
        ("KPX905", "Kommentarer!E4", "handlingsansvarlig 'Anna og Bo' ligner mere end én person; en handling har én "
                                     "ansvarlig: behold ét navn (del handlingen op i én række pr. ansvarlig)"),
        ("KPX901", "Nøgletal!A3", "KPI 'SAL-01' er Bagud, og ingen kommentar forklarer dens seneste periode "
                                "(2026-03-31); tilføj en række på arket Kommentarer med dette KPI-ID, Periodeslut "
                                "2026-03-31, en kommentar om hvorfor og den handling, der vil blive taget"),
    ],
}


@pytest.mark.parametrize("language", ["en", "da"])
def test_each_commentary_finding_at_its_cell(tmp_path, language):
    comments = [CommentRecord("SAL-9", MONTH_ENDS[-1], "typed the wrong ID"),
                # February's comment does not explain March: SAL-01 still needs one (KPX901).
                CommentRecord("SAL-01", MONTH_ENDS[1], "Slow February", "Campaign", None, date(2026, 4, 1), core.OPEN),
                CommentRecord("SAL-01", MONTH_ENDS[1], None, "Fix the site", "Anna og Bo")]
    assert _findings(_write(tmp_path, language, comments)) == EXPECTED[language]


def test_an_action_owner_of_two_people_joined_by_a_comma(tmp_path):
    comments = [CommentRecord("SAL-01", MONTH_ENDS[-1], "Why", "What", "Anna, Bo")]
    found = _findings(_write(tmp_path, "en", comments))
    assert [(code, cell) for code, cell, _ in found] == [("KPX905", "Commentary!E2")]


def test_a_company_kpi_measured_only_through_its_children_gets_no_kpx405(tmp_path):
    path = _write(tmp_path, "en", [CommentRecord("SAL-01", MONTH_ENDS[-1], "Why", "What", "Anna Berg")])
    late = _findings(path, "KPX405")
    assert late == []  # CO-01 is Level high with no measurement of its own: the roll-up measures it
    # A department KPI with no values still gets it.
    path2 = tmp_path / "late.xlsx"
    write_template(path2, kpis=KPIS, measurements=MEASUREMENTS[3:], as_of=AS_OF)
    assert [(code, cell) for code, cell, _ in _findings(str(path2), "KPX405")] == [("KPX405", "KPIs!A3")]


DASHBOARD_COMMENTS = {"en": ("Comment needed", "Open actions", "Overdue actions", "Latest comment"),
                      "da": ("Kommentar mangler", "Åbne handlinger", "Forsinkede handlinger", "Seneste kommentar")}


def _dashboard_commentary(path: str, language: str) -> dict[str, tuple]:
    """Return per KPI ID the Dashboard's commentary cells (needed, open, overdue, latest comment)."""
    ws = openpyxl.load_workbook(path, data_only=True)[schema.SHEET_DASHBOARD[language]]
    header = [c.value for c in ws[5]]
    first = header.index(DASHBOARD_COMMENTS[language][0])
    assert tuple(header[first:first + 4]) == DASHBOARD_COMMENTS[language]
    found = {}
    for row in ws.iter_rows(min_row=6, max_row=5 + len(KPIS), values_only=True):
        # An empty text result reads back as None from a cached value and as "" from LibreOffice's.
        found[row[0]] = tuple("" if v is None else v for v in row[first:first + 4])
    return found


COMMENTS = [CommentRecord("SAL-01", MONTH_ENDS[1], "Slow February", "Campaign", "Anna Berg", date(2026, 4, 1)),
            CommentRecord("SAL-01", MONTH_ENDS[1], None, "Fix the site", "Bo Lund", date(2026, 6, 1), core.OPEN),
            CommentRecord("SAL-02", MONTH_ENDS[2], "Good March", "Old fix", "Bo Lund", date(2026, 2, 1), core.DONE),
            CommentRecord("SAL-02", date(2026, 5, 31), "Written after the as-of date")]


@pytest.mark.parametrize("language", ["en", "da"])
def test_the_dashboard_shows_latest_comment_open_actions_and_a_missing_comment(tmp_path, language):
    path = _write(tmp_path, language, COMMENTS)
    shown = _dashboard_commentary(path, language)
    needed = DASHBOARD_COMMENTS[language][0]
    # SAL-01 is Off track and February's comment does not explain March; two open actions, one overdue.
    assert shown["SAL-01"] == (needed, 2, 1, "Fix the site")
    assert shown["SAL-02"] == ("", 0, 0, "Good March")
    assert shown["CO-01"] == ("", 0, 0, "")


@pytest.mark.libreoffice
def test_the_dashboards_commentary_formulas_compute_what_the_core_says(tmp_path, recalc):
    paths = [_write(tmp_path, language, COMMENTS) for language in ("en", "da")]
    for path, computed, language in zip(paths, recalc(*map(Path, paths)), ("en", "da")):
        assert _dashboard_commentary(str(computed), language) == _dashboard_commentary(path, language)
        cached = openpyxl.load_workbook(path, data_only=True)[schema.COMMENTARY.sheet(language)]
        again = openpyxl.load_workbook(computed, data_only=True)[schema.COMMENTARY.sheet(language)]
        for row in range(2, 8):
            assert [again.cell(row, c).value for c in (9, 10, 11)] == [
                cached.cell(row, c).value for c in (9, 10, 11)], row


def test_kpi_words_take_the_rows_of_one_kpi_in_table_order_however_its_id_is_spelled():
    """Two values of one period tie; the later row wins a "last" KPI, also when the rows spell the ID two ways."""
    kpi = workbooks.kpi_record("SAL-01", aggregation="last", target=100.0, baseline=0.0, frequency="monthly")
    day = MONTH_ENDS[2]
    rows = [MeasurementRecord("SAL-01", day, 100.0), MeasurementRecord(" sal-01", day, 10.0),
            MeasurementRecord("SAL-01", day, 100.0)]
    assert commentary.kpi_words([kpi], rows, [], AS_OF)["SAL-01"].status == core.ON_TRACK  # the third row
    assert commentary.kpi_words([kpi], rows[:2], [], AS_OF)["SAL-01"].status == core.OFF_TRACK  # the second
    one_spelling = [MeasurementRecord("SAL-01", m.period_end, m.value) for m in rows]
    assert commentary.kpi_words([kpi], one_spelling, [], AS_OF)["SAL-01"].status == core.ON_TRACK


def test_kpi_words_latest_comment_and_open_actions():
    comments = [CommentRecord("SAL-01", MONTH_ENDS[0], "January", "A", "Anna", date(2026, 3, 1)),
                CommentRecord("SAL-01", MONTH_ENDS[2], "March", None),
                CommentRecord("SAL-01", MONTH_ENDS[1], "February", "B", "Bo", date(2026, 6, 1), core.DONE),
                CommentRecord("SAL-01", date(2026, 5, 31), "May: after the as-of date, not yet said")]
    words = commentary.kpi_words(KPIS, MEASUREMENTS, comments, AS_OF)
    word = words["SAL-01"]
    assert word.status == core.OFF_TRACK and word.latest_period == MONTH_ENDS[2]
    assert word.latest is comments[1] and not word.missing
    assert word.open_actions == [comments[0]] and word.overdue == [comments[0]]
    assert words["SAL-02"].status == core.ON_TRACK and not words["SAL-02"].missing
