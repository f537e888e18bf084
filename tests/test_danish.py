"""Test that a Danish workbook's findings are Danish, naming its own sheets and headers.

Findings are data (:mod:`kpixl.message`) said in the run's language from the catalogue
(``kpixl/texts/findings.py``); Danish workbooks with every defect family go through
validate, consolidate and rollover here, and every finding must be a message said in Danish.
"""

from __future__ import annotations

from datetime import date

import pytest

from kpixl.core import Word
from kpixl.message import Message, Period, Periods, message
from kpixl.model import Finding, said_in
from kpixl.schema import SheetName
from kpixl.validate import check_workbook

import workbooks as W

# One Danish workbook per defect family the rules and the reader report on cells and rows.
CASES = {
    "duplicate": dict(kpis=[W.kpi_row("A"), W.kpi_row("a")], measurements=[]),
    "increase": dict(kpis=[W.kpi_row(direction="increase", baseline=500.0, target=400.0)]),
    "increase0": dict(kpis=[W.kpi_row(direction="increase", baseline=None, target=-1.0)]),
    "decrease": dict(kpis=[W.kpi_row(direction="decrease", baseline=None, target=10.0)]),
    "decrease2": dict(kpis=[W.kpi_row(direction="decrease", baseline=5.0, target=10.0)]),
    "maintain": dict(kpis=[W.kpi_row(direction="maintain", target=0.0, tolerance=None)]),
    "tolerance": dict(kpis=[W.kpi_row(direction="maintain", target=50.0, tolerance=-1.0)]),
    "dates": dict(kpis=[W.kpi_row(start=date(2026, 6, 1), deadline=date(2026, 6, 1))], measurements=[]),
    "thresholds": dict(kpis=[W.kpi_row(green=0.8, amber=0.9, weight=-2.5)]),
    "scale": dict(kpis=[W.kpi_row(green=95.0, amber=85.0)]),
    "smart": dict(kpis=[W.kpi_row(deadline=None, specific=None, relevant="  ", level="low", parent_id=None,
                                  owner="Anna, Bo")]),
    "own_parent": dict(kpis=[W.kpi_row(level="low", parent_id="SAL-01")]),
    "unknown": dict(measurements=W.default_measurements() + [W.measurement_row("XX-9")]),
    "twice": dict(measurements=W.default_measurements() + [W.measurement_row(period_end=W.MONTH_ENDS[1])]),
    "window": dict(kpis=[W.kpi_row(start=date(2026, 2, 1), deadline=date(2026, 2, 27))],
                   measurements=W.default_measurements()),
    "late": dict(measurements=[W.measurement_row(period_end=W.MONTH_ENDS[0])]),
    "text_numbers": dict(kpis=[W.kpi_row(target="12,5", baseline="1.234", tolerance="12%", weight="lots")]),
    "text_dates": dict(kpis=[W.kpi_row(start="2026-01-01", deadline="02/03/2026")]),
    "bad_dates": dict(kpis=[W.kpi_row(start="soon", deadline=True)]),
    "number_types": dict(kpis=[W.kpi_row(target=True, baseline=date(2026, 1, 1))]),
    "words": dict(kpis=[W.kpi_row(direction="up", aggregation="total")]),
    "blank": dict(kpis=[W.kpi_row(owner=None, target=None)]),
    "evaluation": dict(evaluations=[W.evaluation_row("XX-9"), W.evaluation_row(decision="adjust"),
                                    W.evaluation_row(decision="keep", new_target=5.5)]),
    "formula": dict(kpis=[W.kpi_row(target=W.Formula("=1+1", None))]),
    "decision_word": dict(evaluations=[W.evaluation_row(decision="Måske")]),
    # Issue 9: values outside a table, rows without a key, extra columns, converted IDs, close of period, plausibility.
    "outside": dict(below={"Measurements": [W.measurement_row(period_end=date(2026, 4, 30)), None,
                                            W.measurement_row(period_end=date(2026, 5, 31))]}),
    "keyless": dict(kpis=[W.kpi_row(), {"owner": "Bo"}], measurements=W.default_measurements() + [{"note": "x"}],
                    evaluations=[W.evaluation_row(), {"notes": "y"}], below={"Measurements": [{"note": "z"}]}),
    "extra": dict(kpis=[W.kpi_row(Region="Nord")], measurements=[{**W.measurement_row(), "Region": "Syd"}],
                  evaluations=[W.evaluation_row(Region="Øst")],
                  extra_columns={"KPIs": ["Region"], "Measurements": ["Region"], "Evaluation": ["Region"]}),
    "ids": dict(kpis=[W.kpi_row(), W.kpi_row(7.5, level="low", parent_id=date(2001, 3, 1))],
                measurements=[W.measurement_row(date(2001, 3, 1))]),
    "plausible": dict(kpis=[W.kpi_row("P", unit="%", aggregation="last", baseline=0.02, target=0.035),
                            W.kpi_row("Q", baseline=None, target=12.0), W.kpi_row()],
                      measurements=[W.measurement_row("P", value=2.5), W.measurement_row("Q", value=1300.5),
                                    W.measurement_row(value=130000.0)], evaluations=[]),
}

# Checked as of the deadline: the close-of-period warning.
CLOSING = {"closing": dict(kpis=[W.kpi_row(), W.kpi_row("W", frequency="weekly")], measurements=[])}


@pytest.fixture(scope="module")
def danish_findings(tmp_path_factory):
    """Check every case's Danish workbook."""
    folder = tmp_path_factory.mktemp("da")
    found: dict[str, list[Finding]] = {}
    for name, knobs in CASES.items():
        path = folder / f"{name}.xlsx"
        W.write_workbook(path, language="da", **knobs)
        found[name] = check_workbook(path, W.AS_OF).findings
    for name, knobs in CLOSING.items():
        path = folder / f"{name}.xlsx"
        W.write_workbook(path, language="da", **knobs)
        found[name] = check_workbook(path, W.DEADLINE).findings
    return found


def test_every_finding_of_a_danish_workbook_is_danish(danish_findings):
    every = [f for findings in danish_findings.values() for f in findings]
    assert len({f.code for f in every}) >= 20, sorted({f.code for f in every})  # the corpus reaches most rules
    # Each is data said in Danish, and reads otherwise than in English (a message that had no Danish would not).
    assert [(f.code, f.message) for f in every if not isinstance(f.wording, Message) or f.language != "da"
            or f.message == f.in_language("en").message] == []


def test_messages_name_the_danish_headers_and_use_decimal_commas(danish_findings):
    messages = {f.code: f.message for findings in danish_findings.values() for f in findings}
    assert messages["KPX301"] == "KPI-ID 'a' bruges to gange (første gang i Nøgletal!A2); giv hver KPI sit eget ID"
    assert messages["KPX305"] == "vægten -2,5 er negativ; skriv 0 eller mere (tom betyder 1)"
    assert messages["KPX502"].endswith("skriv den i Nyt mål")
    # The accepted words: Danish first, the English ones (also read) in brackets, as every vocabulary lists them.
    assert messages["KPX207"] == ("Beslutning: ukendt beslutning 'Måske'; brug et af Behold, Juster mål, Udfas "
                                  "(eller Keep, Adjust target, Retire)")


def test_english_workbooks_keep_english_messages(tmp_path):
    path = tmp_path / "en.xlsx"
    W.write_workbook(path, kpis=[W.kpi_row(weight=-2.5)])
    [finding] = check_workbook(path, W.AS_OF).findings
    assert finding.message == "weight -2.5 is negative; type 0 or more (blank means 1)"


def test_a_message_with_no_template_fails_loudly_not_in_english():
    odd = Finding("KPX305", "error", message("KPX305.something_new"))
    with pytest.raises(KeyError):
        odd.in_language("da").message


def test_consolidate_says_a_danish_departments_cross_file_findings_in_danish(tmp_path):
    from kpixl import consolidate as cons
    from kpixl.errors import ValidationFailed

    # Two different files (not named like a copy) claiming the same department and KPI ID.
    paths = [tmp_path / "salg.xlsx", tmp_path / "salg-nord.xlsx"]
    W.write_workbook(paths[0], language="da")
    W.write_workbook(paths[1], language="da", measurements=[W.measurement_row(value=5.0)])
    sources = cons.load_sources(paths, W.AS_OF)
    with pytest.raises(ValidationFailed) as failure:
        cons.consolidate_sources(sources, W.AS_OF)  # no language given: the workbooks' own, Danish
    text = str(failure.value)
    assert failure.value.language == "da"
    assert (f"fejl KPX601: KPI-ID 'SAL-01' findes også i {paths[0]}:Nøgletal!A2; KPI-ID'er skal være "
            "entydige i hele virksomheden: omdøb en af dem") in text
    assert "fejl KPX603: afdelingen 'Sales' findes også i " in text
    assert "KPI ID" not in text and "department" not in text
    # The findings themselves stay in English: the machine outputs (JSON, Parquet) hold them so.
    assert {f.code: f.message for f in sources[1].findings}["KPX601"].startswith("KPI ID 'SAL-01' is also in ")


def test_consolidate_names_a_danish_departments_copies_in_danish(tmp_path):
    from kpixl import consolidate as cons

    paths = [tmp_path / "Kopi af salg.xlsx", tmp_path / "salg (1).xlsx", tmp_path / "salg.xlsx"]
    W.write_workbook(paths[2], language="da")
    paths[0].write_bytes(paths[2].read_bytes())
    W.write_workbook(paths[1], language="da", measurements=[W.measurement_row(value=5.0)])
    sources = cons.load_sources(paths, W.AS_OF)
    cons._cross_file_rules(sources, skip_invalid=False)
    # The findings are kept in English and said in the run's language (here the workbooks' Danish).
    said = {id(s): said_in(s.findings, "da") for s in sources}
    assert [(f.code, f.message) for f in said[id(sources[0])]] == [
        ("KPX606", "identisk kopi af salg.xlsx (de samme bytes); slet den ene; denne kopis KPI'er tælles ikke med")]
    assert [(f.code, f.message) for f in said[id(sources[1])]] == [
        ("KPX607", "sandsynligvis en kopi af salg.xlsx: navngivet som en kopi og med samme afdeling 'Sales'; slet "
                   "kopien (flyt først værdier, der kun er skrevet her, over i salg.xlsx); omdøb aldrig KPI-ID'erne, "
                   "så ville de tælle dobbelt; denne kopis KPI'er tælles ikke med")]
    assert not sources[2].errors  # the original is not blamed


def test_weekly_period_labels_read_uge_in_danish():
    english = Finding("KPX405", "warning", message(
        "KPX405", n=2, f=Word("weekly"), d="2026-01-20", sheet=SheetName("Measurements"),
        listed=Periods((Period("week 2026-01-01..2026-01-07"), Period("week 2026-01-08..2026-01-14")))))
    assert english.message == ("no measurement for 2 weekly period(s) ended before 2026-01-20: "
                               "week 2026-01-01..2026-01-07, week 2026-01-08..2026-01-14; enter the "
                               "missing values in Measurements")
    [said] = said_in([english], "da")
    assert said.message == ("ingen måling for 2 periode(r) (ugentlig), der sluttede før 2026-01-20: "
                            "uge 2026-01-01..2026-01-07, uge 2026-01-08..2026-01-14; indtast de manglende værdier "
                            "på arket Målinger")
