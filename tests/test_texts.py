"""Test kpixl.texts, the one text catalogue: every text exists in English and Danish, alike in shape.

:func:`table_problems` is the check; it runs on every area of the catalogue and, so it
can be seen to fail, on tables built wrong on purpose.
"""

from __future__ import annotations

import string

import pytest

from kpixl import texts
from kpixl.errors import DefinitionError
from kpixl.vocab import Language


def placeholders(template: str) -> set[str]:
    """Return the names of a text's ``{placeholders}`` (a format spec or conversion does not count)."""
    return {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}


def table_problems(table: object) -> list[str]:
    """Return what is wrong with an area's ``TEXTS`` table, one line each (empty: nothing)."""
    if not isinstance(table, dict) or set(table) != {language.value for language in Language}:
        return [f"the languages are {sorted(table) if isinstance(table, dict) else table!r}, not en and da"]
    en, da = table["en"], table["da"]
    problems = [f"{key!r} is only in {only}" for only, keys in (("en", en.keys() - da.keys()),
                                                                 ("da", da.keys() - en.keys())) for key in sorted(keys)]
    for language, words in table.items():
        problems.extend(f"{language} {key!r} is not a non-empty text: {value!r}" for key, value in words.items()
                        if not isinstance(key, str) or not isinstance(value, str) or not value.strip())
    for key in sorted(en.keys() & da.keys()):
        try:
            if placeholders(en[key]) != placeholders(da[key]):
                problems.append(f"{key!r} has placeholders {sorted(placeholders(en[key]))} in en but "
                                f"{sorted(placeholders(da[key]))} in da")
        except (ValueError, TypeError) as error:  # an unbalanced brace, or not a text (reported above)
            problems.append(f"{key!r} is not a valid format text: {error}")
    return problems


def test_the_catalogue_has_the_areas_it_promises():
    assert {"demo", "rollover", "split"} <= set(texts.areas())
    assert all(not area.startswith("_") for area in texts.areas())


@pytest.mark.parametrize("area", texts.areas())
def test_every_area_has_every_text_in_both_languages_with_the_same_placeholders(area):
    assert table_problems(texts.catalogue(area)) == []


def test_the_check_fails_on_a_text_missing_in_one_language():
    table = {"en": {"title": "Demo in {dir}", "done": "Done"}, "da": {"title": "Demo i {dir}"}}
    assert table_problems(table) == ["'done' is only in en"]
    table["da"]["extra"] = "Ekstra"
    assert table_problems(table) == ["'done' is only in en", "'extra' is only in da"]


def test_the_check_fails_on_other_placeholders_empty_texts_and_a_missing_language():
    assert table_problems({"en": {"t": "{a} of {b}"}, "da": {"t": "{a} af {c}"}}) == [
        "'t' has placeholders ['a', 'b'] in en but ['a', 'c'] in da"]
    assert table_problems({"en": {"t": " "}, "da": {"t": "x"}}) == ["en 't' is not a non-empty text: ' '"]
    assert table_problems({"en": {"t": "{a"}, "da": {"t": "x"}})[0].startswith("'t' is not a valid format text")
    assert table_problems({"en": {"t": "x"}}) == ["the languages are ['en'], not en and da"]
    # A format spec is not another placeholder: "{n:,}" and "{n}" fill the same value.
    assert table_problems({"en": {"t": "{n:,} files"}, "da": {"t": "{n} filer"}}) == []


def test_texts_are_looked_up_by_any_spelling_of_a_language_and_filled():
    assert texts.text("demo", "done", "dansk", seconds="1,5") == "Færdig på 1,5 s"
    assert texts.text("demo", "done", Language.EN, seconds="1.5") == "Done in 1.5 s"
    assert texts.of("split", " DA ")["table.file"] == "Fil"
    with pytest.raises(DefinitionError) as caught:
        texts.of("demo", "fr")
    assert str(caught.value) == "unknown language 'fr'; use en or da"


def test_a_count_picks_the_noun_form_and_the_language_s_separators():
    assert texts.count("demo", "csv.files", 1, "da") == "1 fil"
    assert texts.count("demo", "csv.files", 8, "da") == "8 filer"
    assert texts.count("demo", "csv.files", 1, "en") == "1 file"
    assert texts.count("demo", "validation.measurements", 3000, "da") == "3.000 målinger"
    assert texts.count("demo", "validation.measurements", 3000, "en") == "3,000 measurement(s)"
    assert texts.count("rollover", "kpis", 0, "da") == "0 KPI'er"


def test_a_placeholder_may_share_a_name_with_an_argument_of_text():
    assert texts.text("split", "headline", "en", plan="p.xlsx", workbooks="2 workbook(s)", dir="out",
                      kpis="3 KPI(s)", language=Language.DA, formulas="native") == (
        "Split p.xlsx into 2 workbook(s) in out (3 KPI(s), language da, formulas native):")
