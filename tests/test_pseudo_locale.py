"""Test the pseudo-locale en-XA: every word a person reads comes from the catalogue.

``--lang en-XA`` speaks English with every letter accented and each text between
``⟦ ⟧`` (:mod:`kpixl.locales.pseudo`). The demo (template, split, validate,
consolidate and rollover on the sample company) and the commands run by hand then
write workbooks and print lines in which any word that bypassed the catalogue shows
as plain letters outside the markers. :func:`leftovers` finds them; data is not a
word (IDs, numbers, dates, file paths, the names of people and of the company).

Finding messages are data (a key and its facts) rendered from the catalogue's
``findings.*`` templates: every finding line the demo and the commands print is checked
like any other line.
"""

from __future__ import annotations

import csv
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from kpixl import i18n, locales, sample_data, schema, texts
from kpixl.cli import cli
from kpixl.locales import pseudo
from kpixl.template.layout import COUNT_UNITS
from kpixl.vocab import PERCENT_UNITS
from kpixl.vocab import Language

ROOT = Path(__file__).resolve().parents[1]
XA = "en-XA"
FINDING = re.compile(r"\bKPX\d{3}\b")
# Data, not words: paths and file names, KPI IDs, numbers, dates, the sample's people and company.
PEOPLE = sorted({d.owner for d in sample_data.DEPARTMENTS} | {k.owner for d in sample_data.DEPARTMENTS for k in d.kpis},
                key=len, reverse=True)
DATA = re.compile("|".join([
    r"\S*[/\\]\S*",                                  # a path
    r"[^\s⟦⟧]*\.(?:xlsx|xlsm|csv|parquet)\b",        # a file name
    r"\b[A-Z]{2,4}-\d{2}\b",                         # a KPI ID
    r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?",  # a date
    r"\b[0-9a-f]{64}\b",                           # a SHA-256
    r"[-+]?\d[\d,.]*%?",                             # a number
    re.escape(sample_data.COMPANY),
    *(re.escape(name) for name in PEOPLE),
    r"\b(?:management|sales|marketing|customer-service)\b",  # the departments' file keys
]))
# What may stand outside the markers although it has letters: kpixl's name, command options and Excel's
# own words and tokens the catalogue keeps intact (KPI, ID, CSV, #VALUE!, SUMIFS ...).
KEPT = re.compile(r"\bkpixl[\w.]*|--[a-z][a-z-]*|#[A-Z/0]+[!?]?|\b[A-Z][A-Z0-9_]+\b")


def strip_marked(text: str) -> str:
    """Return ``text`` without its ``⟦...⟧`` parts (nested ones included)."""
    out, depth = [], 0
    for ch in text:
        if ch == pseudo.OPEN:
            depth += 1
        elif ch == pseudo.CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0:
            out.append(ch)
    return "".join(out)


def leftovers(text: str, allowed: frozenset[str] = frozenset()) -> list[str]:
    """Return the words of ``text`` that did not come through the catalogue: plain letters outside ``⟦ ⟧``.

    ``allowed`` are whole texts that are data here (a unit a person typed, a recognised unit).
    """
    if text.strip() in allowed:
        return []
    rest = KEPT.sub(" ", DATA.sub(" ", strip_marked(text)))
    return re.findall(r"[A-Za-zÆØÅæøå]{2,}", rest)


def test_leftovers_finds_plain_words_and_passes_data():
    assert leftovers("⟦Ðöñé îñ 1.5 š⟧") == []
    assert leftovers("  MGT-01  ⟦Ŕéṽéñûé⟧  114.0%  /tmp/x/company.xlsx 2025-12-31 Mette Kjær") == []
    assert leftovers("⟦Ŵŕöţé⟧ 3 files") == ["files"]
    assert leftovers("Done in 1.5 s") == ["Done", "in"]
    assert leftovers("⟦ĶÞÎš⟧!A2: KPI kpixl --force #VALUE!") == []
    assert leftovers("DKK", frozenset({"DKK"})) == []


# ----------------------------------------------------------------- the catalogue file

def test_the_shipped_pseudo_catalogue_is_the_script_s_output():
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "make_pseudo_locale.py"), "--check"],
                            capture_output=True, text=True, cwd=ROOT)
    assert (result.returncode, result.stdout) == (0, "en_XA.po is up to date\n")


def test_every_pseudo_text_is_marked_and_keeps_placeholders_and_excel_tokens():
    english, pseudo_texts = locales.messages("en"), locales.messages(XA)
    assert english.keys() == pseudo_texts.keys()
    for key, text in pseudo_texts.items():
        if pseudo.is_kept_key(key):
            assert text == english[key], key
            continue
        assert text.startswith(pseudo.OPEN) and text.endswith(pseudo.CLOSE), key
        assert leftovers(text) == [], key
        assert text[1:-1].translate(pseudo.UNACCENT) == english[key] or pseudo.is_sheet_key(key), key
    assert pseudo.transform("{n:,} file(s), #VALUE! =TODAY() --force SUMIFS kpixl.udfs LAST_COMPANY.xlsx") == (
        "⟦{n:,} ƒîļé(š), #VALUE! =TODAY() --force SUMIFS kpixl.udfs LAST_COMPANY.xlsx⟧")


def test_every_pseudo_sheet_name_is_valid_in_excel():
    names = [text for key, text in locales.messages(XA).items() if pseudo.is_sheet_key(key)]
    assert len(names) >= 20
    for name in names:
        assert 0 < len(name) <= 31 and not re.search(r"[\[\]:*?/\\]", name), name
        assert not name.startswith("'") and not name.endswith("'"), name
    assert pseudo.transform("A sheet name far longer than Excel allows: x/y", sheet=True) == (
        "⟦Å šĥééţ ñåṁé ƒåŕ ļöñĝéŕ ţĥåñ⟧")


def test_the_pseudo_locale_is_registered_but_not_offered():
    assert Language.parse("en-XA") is Language.parse("EN_xa") is Language.XA
    assert Language.XA.pseudo and Language.XA not in schema.LANGUAGES
    assert texts.text("console", "wrote_file", XA, path="p.xlsx") == "⟦Ŵŕöţé p.xlsx⟧"
    assert i18n.format_number(1234.5, XA, 1) == "1,234.5"  # en's numbers (Babel locale en)
    assert i18n.month_abbreviations(XA)[0] == "⟦Ĵåñ⟧"


# ----------------------------------------------------------------- the demo and the commands

@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """Run ``kpixl demo --lang en-XA``; return its folder and what it printed."""
    folder = tmp_path_factory.mktemp("pseudo") / "demo"
    result = CliRunner().invoke(cli, ["demo", str(folder), "--lang", XA], prog_name="kpixl")
    assert result.exit_code == 0, result.output
    return folder, result.output


@pytest.fixture(scope="module")
def commands(demo, tmp_path_factory):
    """Run template, validate, consolidate, rollover and split by hand in en-XA; return their output lines.

    rollover and split have no ``--lang``: they print in the workbook's language (en or da,
    never en-XA), so only their workbooks are checked here; the demo prints their summaries
    in en-XA (the same library functions), and its lines are checked.
    """
    folder, _ = demo
    out = tmp_path_factory.mktemp("commands")
    runs = [
        (["template", str(out / "t.xlsx"), "--lang", XA, "--examples"], 0),
        (["validate", str(folder / "departments"), "--lang", XA, "--as-of", "2025-12-31"], 0),
        (["consolidate", str(folder / "departments"), "-o", str(out / "c.xlsx"), "--lang", XA,
          "--as-of", "2025-12-31", "--csv", str(out / "csv")], 0),
        (["rollover", str(folder / "departments" / "management.xlsx"), "-o", str(out / "next.xlsx")], 0),
        (["split", str(folder / "plan.xlsx"), "-o", str(out / "split")], 0),
        # A refused run: its one error line is the catalogue's too (exit 1, nothing written).
        (["consolidate", str(folder / "departments"), "-o", str(out / "c.xlsx"), "--lang", XA], 1),
    ]
    lines = []
    for args, code in runs:
        result = CliRunner().invoke(cli, args, prog_name="kpixl")
        assert result.exit_code == code, (args, result.output)
        if args[0] not in ("rollover", "split"):
            lines += [line for line in result.output.splitlines() if line.strip()]
    return out, lines


def _not_findings(lines: list[str]) -> list[str]:
    return [line for line in lines if not FINDING.search(line)]


def test_the_demo_prints_every_line_from_the_catalogue(demo):
    _, output = demo
    lines = _not_findings(output.splitlines())
    assert len(lines) > 20
    assert [line for line in lines if leftovers(line)] == []


def test_the_commands_print_every_line_from_the_catalogue(commands):
    _, lines = commands
    assert [line for line in _not_findings(lines) if leftovers(line)] == []


def test_the_findings_are_from_the_catalogue(demo, commands):
    lines = [line for line in demo[1].splitlines() + commands[1] if FINDING.search(line)]
    assert lines and [line for line in lines if leftovers(line)] == []


def workbook_texts(path: Path) -> list[tuple[str, str]]:
    """Return ``(where, text)`` for every text a person reads in a workbook but finding messages.

    Sheet names, cell texts (values, and formulas' cached values), input and error
    messages of data validations, and chart titles and labels.
    """
    found: list[tuple[str, str]] = []
    for values_only in (False, True):
        book = openpyxl.load_workbook(path, data_only=values_only)
        for ws in book.worksheets:
            if not values_only:
                found.append((f"{path.name} sheet", ws.title))
                for dv in ws.data_validations.dataValidation:
                    found += [(f"{path.name}!{ws.title} {dv.sqref} validation", t)
                              for t in (dv.prompt, dv.promptTitle, dv.error, dv.errorTitle) if t]
            findings_sheet = ws.title == texts.text("consolidate", "sheet.findings", XA)
            # Hidden helper columns hold canonical values for the formulas (increase, sum), not words.
            hidden = {i for dim in ws.column_dimensions.values() if dim.hidden
                      for i in range(dim.min or 0, (dim.max or 0) + 1)}
            for row in ws.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str) and not cell.value.startswith("=") and (
                            cell.row == 1 or cell.column not in hidden):
                        if findings_sheet and FINDING.search(" ".join(str(c.value) for c in row)):
                            continue  # a finding's row: its message is the findings branch's
                        found.append((f"{path.name}!{ws.title}!{cell.coordinate}", cell.value))
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/charts/") and name.endswith(".xml"):
                xml = archive.read(name).decode("utf-8")
                found += [(f"{path.name} {name}", t) for t in re.findall(r"<a:t>([^<]*)</a:t>", xml)]
    return found


# Units are data a person types (the sample's and the examples' are kept as typed), and the Lists
# sheet lists every offered language's recognised units.
UNITS = frozenset(COUNT_UNITS) | frozenset(PERCENT_UNITS) | frozenset(
    text for key, text in locales.messages(XA).items() if pseudo.is_kept_key(key))


def test_every_workbook_text_is_from_the_catalogue(demo, commands):
    folder, _ = demo
    out, _ = commands
    paths = sorted(folder.rglob("*.xlsx")) + sorted(out.rglob("*.xlsx"))
    assert len(paths) >= 14
    bad = [(where, text) for path in paths for where, text in workbook_texts(path) if leftovers(text, UNITS)]
    assert bad == []


def test_every_csv_header_is_from_the_catalogue(demo, commands):
    folder, _ = demo
    out, _ = commands
    files = sorted((folder / "company-csv").glob("*.csv")) + sorted((out / "csv").glob("*.csv"))
    assert len(files) >= 20
    for path in files:
        with path.open(encoding="utf-8-sig", newline="") as file:
            header = next(csv.reader(file))
        assert [h for h in header if leftovers(h)] == [], path.name


def test_every_finding_message_is_said_from_the_catalogue():
    """Every finding code's every message key, rendered in en-XA with sample facts, is all pseudo text."""
    import string

    from kpixl.message import AREA, Message, Number

    for key, template in texts.of(AREA, XA).items():
        names = {field for _, field, _, _ in string.Formatter().parse(template) if field}
        said = Message.of(key, **{name: Number(1.5) for name in names}).render(Language.parse(XA))
        assert leftovers(said) == [], (key, said)
