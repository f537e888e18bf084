"""Test kpixl.i18n: numbers and percentages with each language's separators."""

from __future__ import annotations

import pytest

from kpixl.errors import DefinitionError
from kpixl.i18n import format_number, format_percent
from kpixl.vocab import Language


@pytest.mark.parametrize(("value", "decimals", "en", "da"), [
    (0, 0, "0", "0"),
    (337, 0, "337", "337"),
    (3000, 0, "3,000", "3.000"),
    (1234.5, 1, "1,234.5", "1.234,5"),
    (13_200_000, 0, "13,200,000", "13.200.000"),
    (1_234_567.891, 2, "1,234,567.89", "1.234.567,89"),
    (-1234.5, 1, "-1,234.5", "-1.234,5"),
    (0.5, 2, "0.50", "0,50"),
    (-0.04, 1, "0.0", "0,0"),  # rounds to zero: no minus sign
    (7.84, 1, "7.8", "7,8"),
])
def test_numbers_in_both_languages(value, decimals, en, da):
    assert format_number(value, "en", decimals) == en
    assert format_number(value, "da", decimals) == da


@pytest.mark.parametrize(("fraction", "en", "da"), [
    (1.14, "114.0%", "114,0%"),
    (0.329, "32.9%", "32,9%"),
    (0.9771, "97.7%", "97,7%"),
    (12.3456, "1,234.6%", "1.234,6%"),
    (-0.25, "-25.0%", "-25,0%"),
    (0, "0.0%", "0,0%"),
])
def test_percentages_in_both_languages(fraction, en, da):
    assert format_percent(fraction, "en") == en
    assert format_percent(fraction, "da") == da


def test_percent_decimals():
    assert format_percent(0.12345, "da", 2) == "12,35%"
    assert format_percent(0.12345, "en", 0) == "12%"


def test_non_finite_values_pass_through():
    assert format_number(float("nan"), "da") == "nan"
    assert format_number(float("inf"), "en", 2) == "inf"


def test_an_unknown_language_is_a_definition_error_and_every_spelling_of_a_known_one_works():
    # The one parse of kpixl.vocab.Language: the same error as every other entry point.
    with pytest.raises(DefinitionError) as caught:
        format_number(1, "de")
    assert str(caught.value) == "unknown language 'de'; use en or da"
    assert format_number(1234.5, Language.DA, 1) == format_number(1234.5, " Dansk ", 1) == "1.234,5"
    assert format_percent(0.5, "English") == "50.0%"


def test_rounding_is_python_s_on_the_float_s_exact_value():
    # Babel gets the float's exact Decimal, so a half that is not exactly a half in binary rounds as
    # format() rounds it: 2.675 is 2.67499999... (the same digits as before Babel).
    for value, decimals in ((2.675, 2), (0.125, 2), (1.005, 2), (-2.5, 0), (3.5, 0), (1e16 + 2, 0)):
        assert format_number(value, "en", decimals) == f"{value:,.{decimals}f}"


def test_the_percent_sign_follows_without_a_space_unlike_cldr_s_danish_pattern():
    from babel.numbers import format_percent as cldr_percent

    assert cldr_percent(1.14, locale="da_DK") == "114\xa0%"  # CLDR's own Danish pattern, which kpixl does not use
    assert format_percent(1.14, "da") == "114,0%"


def test_month_names_come_from_cldr_without_its_abbreviation_dot():
    from kpixl.i18n import month_abbreviations

    assert month_abbreviations("en") == ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                                         "Dec")
    assert month_abbreviations("da") == ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov",
                                         "dec")
    assert month_abbreviations("en-XA")[4] == "⟦Ṁåý⟧"


def test_separators_and_localize_come_from_the_language_s_locale():
    from kpixl.i18n import localize, separators

    assert separators("da") == (",", ".") and separators("en") == (".", ",")
    assert localize("13,200,000.5", "da") == "13.200.000,5"
    assert localize("1,234.5%", "en") == "1,234.5%"
