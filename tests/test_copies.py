"""Test kpixl.copies and issue 18's month-end folder: clutter is a note, a copy is named at the copy.

The folders are built as a user's share holds them at month-end (tests/month_end.py):
template-made department workbooks, copies a sync client made, and clutter written as
the Mac, Windows, Excel and LibreOffice write it. Both commands are driven through the CLI.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import month_end as M
from kpixl.cli import cli
from kpixl.copies import Input, find_copies, is_copy_name, looks_like_copy

CLUTTER_NOTES = [
    "{f}/.DS_Store: note KPX138: a macOS Finder file (.DS_Store), not a workbook; left out, nothing to do",
    "{f}/._Sales.xlsx: note KPX138: a Mac's hidden companion file of Sales.xlsx (._ AppleDouble, written on shared "
    "drives), not a workbook; left out, nothing to do",
    "{f}/.~lock.Sales.xlsx#: note KPX138: LibreOffice's lock file: Sales.xlsx is open in LibreOffice by Bo Ørsted; "
    "left out, it is not a workbook; the last saved Sales.xlsx is read, so ask them to save and close it if they are "
    "still typing",
    "{f}/Thumbs.db: note KPX138: a Windows thumbnail cache (Thumbs.db), not a workbook; left out, nothing to do",
    "{f}/desktop.ini: note KPX138: a Windows folder settings file (desktop.ini), not a workbook; left out, nothing "
    "to do",
    "{f}/~$Marketing.xlsx: note KPX138: Excel's lock file: Marketing.xlsx is open in Excel by Anna Berg; left out, it "
    "is not a workbook; the last saved Marketing.xlsx is read, so ask them to save and close it if they are still "
    "typing",
]
IDENTICAL = ("{f}/{name}: error KPX606: identical copy of Sales.xlsx (the same bytes); delete one; this copy's KPIs "
             "are not counted")
LIKELY = ("{f}/Kopi af Marketing.xlsx: error KPX607: likely a copy of Marketing.xlsx: named like a copy and holding "
          "the same department 'Marketing'; delete the copy (first move any value typed only there into "
          "Marketing.xlsx); never rename the KPI IDs, that would count them twice; this copy's KPIs are not counted")


def run(*args: str):
    return CliRunner().invoke(cli, list(args), prog_name="kpixl")


def lines(template: list[str] | str, folder: Path, **values: str) -> list[str]:
    return [t.format(f=folder, **values) for t in ([template] if isinstance(template, str) else template)]


# ------------------------------------------------------------------ copy names

@pytest.mark.parametrize("copy", ["Sales (1).xlsx", "Sales(2).xlsx", "Sales-LAPTOP-7F3K.xlsx", "Kopi af Sales.xlsx",
                                  "Copy of Sales.xlsx", "Sales - Copy.xlsx", "Sales - Kopi.xlsx",
                                  "Sales - Copy (2).xlsx", "kopi af sales (1).XLSX"])
def test_the_usual_copy_names_are_copies_of_the_original(copy):
    assert is_copy_name(copy, "Sales.xlsx")
    assert not is_copy_name("Sales.xlsx", copy)


@pytest.mark.parametrize("other", ["Sales.xlsx", "Marketing.xlsx", "Sales-web.xlsx", "Sales 2.xlsx", "Presales.xlsx"])
def test_other_names_are_no_copies(other):
    assert not is_copy_name(other, "Sales.xlsx")


def test_a_name_alone_says_copy_except_the_machine_suffix():
    assert looks_like_copy("Sales (1).xlsx") and looks_like_copy("Kopi af Sales.xlsx")
    # Sales-LAPTOP-7F3K is a copy only beside a Sales.xlsx: alone it may be a department's name.
    assert not looks_like_copy("Sales-LAPTOP-7F3K.xlsx") and not looks_like_copy("Sales.xlsx")


def _pairwise_copies(inputs: list[Input]) -> dict[int, str]:
    """Return find_copies' KPX607 findings as its first version found them: every pair tested (no index)."""
    from kpixl.copies import _finding, _shared

    found: dict[int, str] = {}
    for index in range(len(inputs)):
        for other in range(len(inputs)):
            if other == index or other in found or not is_copy_name(Path(inputs[index].path).name,
                                                                   Path(inputs[other].path).name):
                continue
            shared = _shared(inputs[index], inputs[other])
            if shared is not None:
                found[index] = _finding("KPX607", inputs[index], inputs[other], shared).message
                break
    return found


_STEMS = ["Sales", "sales", "Sales (1)", "Sales(2)", "Kopi af Sales", "Copy of Sales", "Sales - Copy", "Sales - Kopi",
          "Sales - Copy (2)", "Kopi af Sales (1)", "Sales-LAPTOP-7F3K", "Sales-web", "Sales-web-DESKTOP-1A2B",
          "Sales-web (1)", " Sales  (1) ", "STRASSE", "Straße (1)", "Marketing", "Marketing - Copy", "Presales"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_STEMS), st.sampled_from(["Sales", "Web", None]),
                          st.sampled_from([("SAL-01",), ("WEB-01",), ()])), max_size=8))
def test_copies_found_through_the_name_index_are_those_every_pair_finds(entries):
    inputs = [Input(f"in/{stem}.xlsx", str(n), department, ids) for n, (stem, department, ids) in enumerate(entries)]
    assert {i: f.message for i, f in find_copies(inputs).items()} == _pairwise_copies(inputs)


def test_a_thousand_inputs_test_few_names_as_copies(monkeypatch):
    """The names are matched through an index: 1,000 departments do not test a million pairs."""
    import kpixl.copies as copies

    calls = []
    monkeypatch.setattr(copies, "is_copy_name", lambda *names: calls.append(names) or is_copy_name(*names))
    inputs = [Input(f"in/Dept{n:04d}.xlsx", str(n), f"Dept{n:04d}") for n in range(1000)]
    inputs += [Input("in/Dept0007 (1).xlsx", "x", "Dept0007"), Input("in/Dept0008-LAPTOP-7F3K.xlsx", "y", "Dept0008")]
    found = find_copies(inputs)
    assert sorted(found) == [1000, 1001] and len(calls) <= 2


def test_identical_inputs_name_the_copy_named_like_one_else_the_later():
    found = find_copies([Input("in/Sales (1).xlsx", "aa"), Input("in/Sales.xlsx", "aa"), Input("in/b.xlsx", "bb"),
                         Input("in/c.xlsx", "bb")])
    assert {i: f.message for i, f in found.items()} == {
        0: "identical copy of Sales.xlsx (the same bytes); delete one; this copy's KPIs are not counted",
        3: "identical copy of b.xlsx (the same bytes); delete one; this copy's KPIs are not counted"}


def test_a_copy_name_needs_the_same_department_or_ids_to_be_named():
    inputs = [Input("Sales.xlsx", "1", "Sales", ("SAL-01", "SAL-02")),
              Input("Sales (1).xlsx", "2", "Marketing", ("MKT-01",)),  # renamed over by hand: another department
              Input("Copy of Sales.xlsx", "3", "Web", ("sal-01", "WEB-01"))]
    found = find_copies(inputs)
    assert list(found) == [2]
    assert found[2].code == "KPX607" and "holding the same KPI ID(s) sal-01;" in found[2].message


# ------------------------------------------------------------------ the month-end folder on the CLI

@pytest.fixture()
def month_end(tmp_path) -> Path:
    folder = tmp_path / "Month-end"
    sales, marketing = M.sales_and_marketing(folder)
    M.add_clutter(folder)
    return folder


def test_validate_names_the_copy_alone_and_changes_nothing(month_end):
    """Issue 18's done-when: clutter plus one conflict copy; validate names the copy and exits 1 for it alone."""
    M.copy(month_end / "Sales.xlsx", "Sales-LAPTOP-7F3K.xlsx")
    before = M.state(month_end)
    result = run("validate", str(month_end), "--as-of", M.AS_OF)
    assert result.exit_code == 1, result.output
    assert result.output.splitlines() == lines(CLUTTER_NOTES, month_end) + lines(
        IDENTICAL, month_end, name="Sales-LAPTOP-7F3K.xlsx") + [
        "3 file(s) (1 of them a copy, not counted), 3 KPI(s), 9 measurement(s): 1 error(s), 0 warning(s); 6 file(s) "
        "left out (2 lock files, 4 share clutter files)"]
    assert M.state(month_end) == before


def test_clutter_alone_is_no_error_not_even_with_strict(month_end):
    before = M.state(month_end)
    result = run("validate", str(month_end), "--as-of", M.AS_OF, "--strict")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == lines(CLUTTER_NOTES, month_end) + [
        "2 file(s), 3 KPI(s), 9 measurement(s): 0 error(s), 0 warning(s); 6 file(s) left out (2 lock files, 4 share "
        "clutter files)"]
    assert M.state(month_end) == before


def test_validate_counts_no_copy_and_names_each(month_end):
    """The issue's '8 file(s), 18 KPI(s)' where there are 16: copies are named and their KPIs not counted."""
    M.copy(month_end / "Sales.xlsx", "Sales (1).xlsx")
    M.copy(month_end / "Sales.xlsx", "Sales-LAPTOP-7F3K.xlsx")
    # Kopi af Marketing was saved again after the copy: other bytes, the same department.
    M.department_workbook(month_end / "Kopi af Marketing.xlsx", "Marketing", [M.kpi("MKT-01", "Marketing")],
                          values=(100.0, 110.0, 999.0))
    before = M.state(month_end)
    result = run("validate", str(month_end), "--as-of", M.AS_OF)
    assert result.exit_code == 1, result.output
    assert result.output.splitlines()[len(CLUTTER_NOTES):] == lines(LIKELY, month_end) + lines(
        IDENTICAL, month_end, name="Sales (1).xlsx") + lines(IDENTICAL, month_end, name="Sales-LAPTOP-7F3K.xlsx") + [
        "5 file(s) (3 of them copies, not counted), 3 KPI(s), 9 measurement(s): 3 error(s), 0 warning(s); 6 file(s) "
        "left out (2 lock files, 4 share clutter files)"]
    assert M.state(month_end) == before
    json_run = run("validate", str(month_end), "--as-of", M.AS_OF, "--format", "json")
    import json

    report = json.loads(json_run.output)
    assert report["stats"]["kpis"] == 3 and report["stats"]["copies"] == 3
    assert report["copies"] == [str(month_end / n) for n in ("Kopi af Marketing.xlsx", "Sales (1).xlsx",
                                                              "Sales-LAPTOP-7F3K.xlsx")]


def test_consolidate_names_the_copies_and_never_advises_renaming(month_end, tmp_path):
    M.copy(month_end / "Sales.xlsx", "Sales (1).xlsx")
    M.department_workbook(month_end / "Kopi af Marketing.xlsx", "Marketing", [M.kpi("MKT-01", "Marketing")],
                          values=(100.0, 110.0, 999.0))
    before = M.state(month_end)
    out = tmp_path / "company.xlsx"
    result = run("consolidate", str(month_end), "-o", str(out), "--as-of", M.AS_OF)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "Error: 2 error(s) in 2 of 4 file(s); nothing was written (fix them, or use --skip-invalid to leave those "
        "files out):", "  " + lines(LIKELY, month_end)[0], "  " + lines(IDENTICAL, month_end, name="Sales (1).xlsx")[0]]
    assert "rename" not in result.output.replace("never rename", "") and not out.exists()
    skipped = run("consolidate", str(month_end), "-o", str(out), "--as-of", M.AS_OF, "--skip-invalid")
    assert skipped.exit_code == 0, skipped.output
    said = skipped.output.splitlines()
    assert said[0] == f"Wrote {out}: 2 file(s), 3 KPI(s), 9 measurement(s) as of 2026-04-15"
    start = said.index("Skipped 2 invalid file(s):")
    assert said[start + 1:start + 3] == [
        f"  {month_end / 'Kopi af Marketing.xlsx'}: KPX607: " + lines(LIKELY, month_end)[0].split("KPX607: ", 1)[1],
        f"  {month_end / 'Sales (1).xlsx'}: KPX606: identical copy of Sales.xlsx (the same bytes); delete one; this "
        "copy's KPIs are not counted"]
    assert M.state(month_end) == before


def test_a_danish_copy_is_named_in_danish(tmp_path):
    folder = tmp_path / "Månedsafslutning"
    M.sales_and_marketing(folder, language="da")
    M.copy(folder / "Sales.xlsx", "Kopi af Sales.xlsx")
    result = run("validate", str(folder), "--as-of", M.AS_OF)
    assert result.exit_code == 1, result.output
    assert result.output.splitlines() == [
        f"{folder / 'Kopi af Sales.xlsx'}: fejl KPX606: identisk kopi af Sales.xlsx (de samme bytes); slet den ene; "
        "denne kopis KPI'er tælles ikke med",
        # One language per run: Danish workbooks get a Danish summary too.
        "3 fil(er) (1 af dem en kopi, ikke talt med), 3 KPI(er), 9 måling(er): 1 fejl, 0 advarsel(er)"]


def test_a_lock_file_a_shells_glob_names_is_a_note_too(month_end):
    """`kpixl validate Month-end/*.xlsx` names Excel's ~$Marketing.xlsx too (the shell's *.xlsx matches it)."""
    globbed = sorted(p for p in month_end.iterdir() if p.suffix == ".xlsx" and not p.name.startswith("."))
    assert [p.name for p in globbed] == ["Marketing.xlsx", "Sales.xlsx", "~$Marketing.xlsx"]
    result = run("validate", *map(str, globbed), "--as-of", M.AS_OF)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == lines(CLUTTER_NOTES[-1], month_end) + [
        "2 file(s), 3 KPI(s), 9 measurement(s): 0 error(s), 0 warning(s); 1 file(s) left out (1 lock file)"]
