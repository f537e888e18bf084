"""Test that docs/extending.md's recipe "Add an aggregation" stays true.

Its table names files, names in them and commands: each must exist (the checks of
``tests/test_readme.py``, with test files' names and ``-k`` expressions too). And the code
places the recipe relies on must still be the one place: the core's tuple of aggregations is
what the UDFs code, the native formulas write, the status strip knows, the template's
dropdown lists, the random KPIs of the LibreOffice/IronCalc/Gnumeric tests cover, and every
sentence that names the aggregations for people names all of them, in every language. So a
new aggregation that misses a step fails here, not in a user's workbook.

No toy aggregation is registered at run time: the core builds its vocabulary tables (words,
parsing, dropdowns) at import from the words of each language, so registering one would mean
patching three derived tables, which tests the patch rather than the recipe. The recipe itself
was followed end to end on a scratch branch (the worked example ``first`` in the doc).
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import openpyxl
import pytest

import test_engines
import test_template_recalc
import workbooks as W
from kpixl import core, formulas as fx, schema, texts, udfs
from kpixl.validate import check_workbook
from test_readme import PATH, command_problems, files_named, names_in

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "extending.md"
AGGREGATIONS = core.VOCABULARIES["aggregation"]
# The catalogue texts that name every aggregation for people: (area, key).
LISTING_TEXTS = (("formulas", "error.aggregation"), ("template", "guide_numbers"))


def recipe_rows(title: str) -> list[list[str]]:
    """Return the rows of the table in the doc's section ``title`` (header and rule left out)."""
    section = re.search(rf"^## {re.escape(title)}\s*$(.*?)(?=^## |\Z)", DOC.read_text(encoding="utf-8"), re.M | re.S)
    assert section, f"docs/extending.md has no section {title!r}"
    lines = [line.strip() for line in section.group(1).splitlines() if line.strip().startswith("|")]
    return [[cell.strip() for cell in line.strip("|").split(" | ")] for line in lines[2:]]


def _is_path(token: str) -> bool:
    return token == "README.md" or bool(PATH.fullmatch(token))


def _command(token: str) -> list[str]:
    """Return what is wrong with a command, a pytest ``-k`` expression left out."""
    words = shlex.split(token)
    if "-k" in words:
        at = words.index("-k")
        del words[at:at + 2]
    return command_problems(shlex.join(words))


def row_problems(row: list[str]) -> list[str]:
    """Return what a recipe row names that does not exist: a path, a name in the row's files, a command."""
    tokens = [t for cell in row for t in re.findall(r"`([^`]+)`", cell)]
    paths = [t for t in tokens if _is_path(t)]
    problems = [f"{p} does not exist" for p in paths if not (ROOT / p).exists() and not files_named(p)]
    sources = [f for p in paths for f in (files_named(p) or [ROOT / p]) if f.is_file()]
    for token in tokens:
        if _is_path(token):
            continue
        if re.match(r"(?:[A-Z_]+=\S*\s+)*(?:python|kpixl)\s", token):
            problems.extend(_command(token))
        elif " " not in token:
            # Bound in a Python file (test_readme's names_in), or spelled as a word in a test or a doc.
            if not any((f.suffix == ".py" and token in names_in(f))
                       or re.search(rf"(?<!\w){re.escape(token)}(?!\w)", f.read_text(encoding="utf-8"))
                       for f in sources):
                problems.append(f"{token}: not in {[str(f.relative_to(ROOT)) for f in sources]}")
        else:
            problems.append(f"{token}: neither a path, a name nor a command")
    return problems


def test_every_row_of_the_aggregation_recipe_names_what_exists():
    rows = recipe_rows("Add an aggregation")
    assert len(rows) >= 8 and all(len(row) == 3 for row in rows), rows
    assert {row[0]: problems for row in rows if (problems := row_problems(row))} == {}


@pytest.mark.parametrize("row, problem", [
    (["a", "`kpixl/nowhere.py`", ""], "kpixl/nowhere.py does not exist"),
    (["a", "`kpixl/core.py`: `no_such_table`", ""], "no_such_table: not in ['kpixl/core.py']"),
    (["a", "`tests/test_core.py`: `NO_SUCH_EXPECTATION`", ""], "NO_SUCH_EXPECTATION: not in ['tests/test_core.py']"),
    (["a", "`kpixl/core.py`", '`CI=true python -m pytest tests/test_nowhere.py -k "a or b"`'],
     "CI=true python -m pytest tests/test_nowhere.py: tests/test_nowhere.py does not exist"),
    (["a", "`kpixl/core.py` (`a = b`)", ""], "a = b: neither a path, a name nor a command"),
])
def test_the_check_sees_a_wrong_row(row, problem):
    assert problem in row_problems(row)


def test_the_placeholder_recipes_are_there_for_the_lead():
    text = DOC.read_text(encoding="utf-8")
    for title in ("Add a language", "Add a finding code", "Add a Measurements column"):
        assert re.search(rf"^## {title}$", text, re.M), title
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/extending.md" in re.search(r"^### Where to change what$(.*?)^## ", readme, re.M | re.S).group(1)


# ------------------------------------------------------------- one tuple every part reads

def test_the_udfs_and_the_engine_tests_read_the_cores_tuple():
    assert udfs._AGGREGATIONS is AGGREGATIONS
    assert test_template_recalc.AGGREGATIONS is AGGREGATIONS
    assert {a for _, a, _ in test_engines.COMBOS} == set(AGGREGATIONS)


def test_every_aggregation_is_combined_by_the_core():
    values = [3.0, 1.0, 2.0]
    for aggregation in AGGREGATIONS:
        assert isinstance(core.combine(values, aggregation), float | int), aggregation
        assert core.parse_aggregation(aggregation) == aggregation


def test_every_aggregation_has_a_native_actual_and_a_month_end_actual():
    assert set(fx.native_actuals("v", "r", "k", "i", "p", "c")) == set(AGGREGATIONS)
    assert set(fx.STRIP_AGGREGATIONS) == set(AGGREGATIONS)
    made = fx.kpi_formulas("native", "en")["actual"]
    for aggregation in AGGREGATIONS:
        assert f'="{aggregation}"' in made or aggregation == AGGREGATIONS[-1], aggregation  # the last is the else


def test_the_strip_refuses_an_aggregation_it_does_not_compute(monkeypatch):
    monkeypatch.setitem(core.VOCABULARIES, "aggregation", (*AGGREGATIONS, "toy"))
    with pytest.raises(NotImplementedError, match="toy"):
        fx.strip_formulas("en")


@pytest.mark.parametrize("language", schema.LANGUAGES)
def test_the_shipped_templates_dropdown_offers_every_aggregation(language):
    words = [core.word("aggregation", a, language) for a in AGGREGATIONS]
    path = ROOT / "workbook_templates" / f"kpixl-department-{language}-native.xlsx"
    book = openpyxl.load_workbook(path)
    sheet = book[schema.KPIS.sheet(language)]
    [validation] = [v for v in sheet.data_validations.dataValidation
                    if any(r.min_col == r.max_col == schema.KPIS.columns.index(schema.KPIS.column("aggregation")) + 1
                           for r in v.sqref.ranges)]
    lists, cells = validation.formula1.lstrip("=").replace("$", "").split("!")
    offered = [c.value for row in book[lists.strip("'")][cells] for c in row]
    assert offered == words


# -------------------------------------------------------------- words for people

@pytest.mark.parametrize("language", schema.LANGUAGES)
@pytest.mark.parametrize("area, key", LISTING_TEXTS)
def test_every_text_that_lists_the_aggregations_names_each(area, key, language):
    said = texts.text(area, key, language).casefold()
    missing = [core.word("aggregation", a, language) for a in AGGREGATIONS
               if not re.search(rf"(?<!\w){re.escape(core.word('aggregation', a, language).casefold())}(?!\w)", said)]
    assert missing == [], f"{area}.{key} ({language}) does not name {missing}"


def test_the_udf_help_texts_name_every_aggregation():
    for said in (udfs._ARGUMENT_DOCS["aggregation"], udfs._ANY_AGGREGATION):
        assert all(re.search(rf"\b{a}\b", said) for a in AGGREGATIONS), said


@pytest.mark.parametrize("language", schema.LANGUAGES)
def test_the_hint_of_a_blank_aggregation_names_every_aggregation(tmp_path, language):
    path = tmp_path / f"blank-{language}.xlsx"
    W.write_workbook(path, kpis=[W.kpi_row(aggregation=None)], language=language)
    book = check_workbook(path, language=language)
    [finding] = [f for f in book.findings if f.code == "KPX201"]
    said = finding.message.casefold()
    for aggregation in AGGREGATIONS:
        word = core.word("aggregation", aggregation, language).casefold()
        assert re.search(rf"(?<!\w){re.escape(word)}(?!\w)", said), (word, finding.message)


# The places in the docs that name every aggregation: (file, a marker that finds the place, its languages).
DOC_LINES = (
    ("docs/kpi-semantics.md", "| aggregation |", ("en", "da")),
    ("docs/kpi-semantics.md", "combined by the aggregation:", ("en",)),
    ("docs/workbook.md", "| `Aggregation` |", ("en",)),
    ("docs/udfs.md", "Danish: `øge`", ("da",)),
    ("docs/udfs.md", "combined by the aggregation (", ("en",)),
    ("README.md", "combined by the aggregation (", ("en",)),
)


@pytest.mark.parametrize("doc, marker, languages", DOC_LINES)
def test_every_doc_line_that_lists_the_aggregations_names_each(doc, marker, languages):
    text = (ROOT / doc).read_text(encoding="utf-8")
    at = text.index(marker)
    # A table row is its line; prose is its paragraph from the marker on.
    line = text[at:text.find("\n" if marker.startswith("|") else "\n\n", at)]
    words = {core.word("aggregation", a, lang) for a in AGGREGATIONS for lang in languages}
    assert [w for w in sorted(words) if not re.search(rf"(?<!\w){re.escape(w)}(?!\w)", line)] == []
