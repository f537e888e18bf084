"""Test kpixl.vocab: the one key of a KPI ID, in Python and as the Excel expression.

The Excel side is recalculated by LibreOffice in tests/test_template_recalc.py
(``test_kpi_id_keys_agree_with_libreoffice``); here the Python key's rules.
"""

from __future__ import annotations

import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from kpixl import vocab
from kpixl.vocab import kpi_key, same_kpi


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
