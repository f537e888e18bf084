"""Test kpixl.vocab: the language and formula mode parsed once, and the one key of a KPI ID.

The Excel side is recalculated by LibreOffice in tests/test_template_recalc.py
(``test_kpi_id_keys_agree_with_libreoffice``); here the Python key's rules.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from kpixl import company, core, validate, vocab
from kpixl.cli import cli
from kpixl.errors import DefinitionError
from kpixl.model import KpiRecord
from kpixl.vocab import FormulaMode, Language, kpi_key, same_kpi


@pytest.mark.parametrize("typed, expected", [
    ("en", Language.EN), ("da", Language.DA), ("English", Language.EN), ("engelsk", Language.EN),
    ("Danish", Language.DA), ("DANSK", Language.DA), (" da ", Language.DA), ("\tDa\n", Language.DA),
    ("", Language.EN), ("   ", Language.EN), (None, Language.EN), (Language.DA, Language.DA),
])
def test_a_language_is_its_code_or_its_name_in_either_language(typed, expected):
    assert Language.parse(typed) is expected
    # A str enum: "da" and Language.DA are the same key and the same text.
    assert expected == expected.value and f"{expected}" == expected.value and {"da": 1}.get(Language.DA) == 1


@pytest.mark.parametrize("typed, message", [
    ("de", "unknown language 'de'; use en or da"),
    (" Deutsch ", "unknown language ' Deutsch '; use en or da"),
    ("dk", "unknown language 'dk'; use en or da"),
    (1, "unknown language '1'; use en or da"),
])
def test_an_unknown_language_is_a_definition_error_naming_it(typed, message):
    with pytest.raises(DefinitionError) as caught:
        Language.parse(typed)
    assert str(caught.value) == message


@pytest.mark.parametrize("typed, expected", [
    ("native", FormulaMode.NATIVE), ("xlwings", FormulaMode.XLWINGS), (" XLWINGS ", FormulaMode.XLWINGS),
    ("Native", FormulaMode.NATIVE), ("", FormulaMode.NATIVE), (None, FormulaMode.NATIVE),
    (FormulaMode.XLWINGS, FormulaMode.XLWINGS),
])
def test_a_formula_mode_ignores_case_and_spaces_and_blank_is_native(typed, expected):
    assert FormulaMode.parse(typed) is expected


@pytest.mark.parametrize("typed", ["vba", "xl wings", "excel"])
def test_an_unknown_formula_mode_is_a_definition_error_naming_it(typed):
    with pytest.raises(DefinitionError) as caught:
        FormulaMode.parse(typed)
    assert str(caught.value) == f"unknown formula mode {typed!r}; use native or xlwings"


def test_core_parse_language_is_the_same_parse_and_a_blank_cell_is_english():
    assert core.parse_language(" Dansk ") is Language.DA
    assert core.parse_language(float("nan")) is Language.EN  # a blank cell read by pandas
    with pytest.raises(DefinitionError) as caught:
        core.parse_language("sv")
    assert str(caught.value) == "unknown language 'sv'; use en or da"


@pytest.mark.parametrize("args, message", [
    (["template", "x.xlsx", "--lang", "fr"], "Invalid value for '--lang': unknown language 'fr'; use en or da"),
    (["template", "x.xlsx", "--formulas", "vba"],
     "Invalid value for '--formulas': unknown formula mode 'vba'; use native or xlwings"),
    (["demo", "d", "--lang", "sv"], "Invalid value for '--lang': unknown language 'sv'; use en or da"),
    (["demo", "d", "--formulas", "VBA"],
     "Invalid value for '--formulas': unknown formula mode 'VBA'; use native or xlwings"),
    (["consolidate", "a.xlsx", "-o", "c.xlsx", "--lang", "de"],
     "Invalid value for '--lang': unknown language 'de'; use en or da"),
])
def test_the_cli_refuses_an_unknown_language_or_mode_with_the_parse_s_message(tmp_path, args, message):
    args = [str(tmp_path / a) if a.endswith(".xlsx") or a == "d" else a for a in args]
    (tmp_path / "a.xlsx").write_bytes(b"an input")
    result = CliRunner().invoke(cli, args, prog_name="kpixl")
    assert result.exit_code == 2, result.output
    assert result.output.splitlines()[-1] == f"Error: {message}"
    assert "Traceback" not in result.output
    assert [p.name for p in tmp_path.iterdir()] == ["a.xlsx"]  # nothing written
    assert (tmp_path / "a.xlsx").read_bytes() == b"an input"


def test_the_cli_takes_a_language_s_name_and_any_case(tmp_path):
    out = tmp_path / "x.xlsx"
    result = CliRunner().invoke(cli, ["template", str(out), "--lang", "Dansk", "--formulas", "XLWINGS"],
                                prog_name="kpixl")
    assert result.exit_code == 0, result.output
    from kpixl.reader import read_workbook

    book = read_workbook(out)
    assert (book.language, book.formulas) == ("da", "xlwings")


def test_whitespace_is_every_character_python_splits_on():
    spaces = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())
    assert vocab.WHITESPACE == spaces


def test_case_and_surrounding_spaces_including_no_break_spaces_are_ignored():
    assert kpi_key("SAL-01") == "SAL-01"
    for typed in ("sal-01", " Sal-01 ", "SAL-01\u00a0", "\u00a0sal-01\t", "SAL-01\n", "\u202fSAL-01\u3000"):
        assert kpi_key(typed) == "SAL-01", typed
        assert same_kpi(typed, "SAL-01")
    # Inside an ID a run of spaces counts as one, as Excel's TRIM does; no space is not a space.
    assert kpi_key("SAL  \u00a0 01") == kpi_key("sal 01") == "SAL 01"
    assert kpi_key("SAL01") != kpi_key("SAL 01")
    assert not same_kpi("SAL-01", "SAL-02")


def test_numbers_blanks_and_letters_beyond_ascii():
    assert kpi_key(101) == kpi_key(101.0) == kpi_key(" 101 ") == "101"
    assert kpi_key(None) == kpi_key("") == kpi_key(" \u00a0 ") == kpi_key(float("nan")) == ""
    assert not same_kpi(None, "")
    assert kpi_key("mål-æøå") == "MÅL-ÆØÅ"
    assert kpi_key("straße") == kpi_key("STRAẞE") == "STRAẞE"  # LibreOffice's UPPER, not Python's "SS"


def test_excel_expression_substitutes_every_whitespace_character_then_trims_and_upper_cases():
    expr = vocab.excel_key("A1")
    assert expr.startswith("UPPER(TRIM(") and expr.count("SUBSTITUTE(") == len(vocab.WHITESPACE) - 1
    assert "CHAR(9)" in expr and '"\u00a0"' in expr and "CHAR(160)" not in expr  # CHAR(160) is † on a Mac
    assert vocab.excel_lookup_value("K").count("SUBSTITUTE(") == 3


text = st.text(alphabet=st.sampled_from("aAbBzZ019-_.* ?~æÆøØåÅßẞ\u00a0\t\n\r\u2003\u3000"), max_size=12)


@settings(max_examples=300, deadline=None)
@given(a=text, b=text)
def test_key_is_idempotent_and_ignores_what_the_reader_strips(a, b):
    key = kpi_key(a)
    assert kpi_key(key) == key
    assert kpi_key(a.strip()) == key  # the reader's str.strip never changes a key
    assert kpi_key(a.lower()) == key  # (not a.upper(): Python's makes ß "SS")
    assert key == key.strip() and "  " not in key
    assert (kpi_key(a + " " + b) == kpi_key(kpi_key(a) + "\u00a0" + kpi_key(b)))


def test_the_cli_options_list_and_complete_the_known_values():
    from kpixl.cli import VocabChoice

    languages = VocabChoice(Language, ("en", "da"))
    assert languages.get_metavar(None) == "[en|da]"
    assert [item.value for item in languages.shell_complete(None, None, "D")] == ["da"]
    modes = VocabChoice(FormulaMode, ("xlwings", "native"))
    assert [item.value for item in modes.shell_complete(None, None, "")] == ["xlwings", "native"]
    assert modes.convert(" Native ", None, None) is FormulaMode.NATIVE


def test_the_registry_has_one_line_per_language_with_its_locale_and_csv_dialect():
    from kpixl.vocab import LANGUAGES, PerLanguage

    assert [(x.value, x.locale, x.csv_dialect, x.pseudo) for x in Language] == [
        ("en", "en", "plain", False), ("da", "da_DK", "excel-da", False), ("en-XA", "en", "plain", True)]
    assert LANGUAGES == (Language.EN, Language.DA)
    assert Language("da") is Language.DA and Language.DA == "da" and {"da": 1}[Language.DA] == 1
    # Names come from the catalogues: every language's name in every language.
    assert [Language.parse(x) for x in ("Danish", "dansk", "English", "engelsk", "en_xa", "Pseudo-English")] == [
        Language.DA, Language.DA, Language.EN, Language.EN, Language.XA, Language.XA]
    table = PerLanguage(lambda language: f"<{language.value}>")
    assert table["Dansk"] == "<da>" and list(table) == ["en", "da", "en-XA"] and len(table) == 3
    assert table.get("fr") is None and "fr" not in table


# ------------------------------------------------------------------ percent units (issue 21: one implementation)

@pytest.mark.parametrize("unit", ["%", "pct", "pct.", "Pct.", " percent ", "per  cent", "Procent", "pst", "PST."])
def test_percent_units(unit):
    assert vocab.is_percent_unit(unit)


@pytest.mark.parametrize("unit", ["%-point", "% of sales", "pp", "DKK", "", None, 1.0, "percentage point"])
def test_not_percent_units(unit):
    assert not vocab.is_percent_unit(unit)


def test_every_percent_unit_is_as_excel_s_trim_and_match_see_it():
    assert all(u == vocab.unit_text(u) for u in vocab.PERCENT_UNITS)  # folded and trimmed, so the list matches itself
    assert vocab.unit_text("  Per \t Cent ") == "per cent" and vocab.unit_text(None) == ""


def test_the_commands_take_the_same_percent_units():
    for unit in vocab.PERCENT_UNITS + (" PST ", "Per  cent", "%-point", "DKK"):
        percent = vocab.is_percent_unit(unit)
        assert (company._unit_key(unit) == "%") is percent, unit
        record = KpiRecord(kpi_id="P", unit=unit, baseline=0.1, target=0.5)
        assert validate._plausible_scale(record)[2] is percent, unit


def test_no_other_module_spells_a_percent_unit():
    words = set(vocab.PERCENT_UNITS) - {"%", "pct", "percent"}  # those two are also names of other things
    package = Path(vocab.__file__).parent
    found = []
    for path in sorted(package.rglob("*.py")):
        if path.name == "vocab.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.casefold() in words:
                found.append(f"{path.relative_to(package)}:{node.lineno} {node.value!r}")
    assert found == []
