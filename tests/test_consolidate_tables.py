"""Test kpixl.consolidate.tables: one definition per company column, its headers in both languages.

The words of the company workbook live in the catalogue (``consolidate.*`` in kpixl/locales/*.po and
history.py); a column that is a department workbook's own column takes the schema's header.
"""

from __future__ import annotations

import string
from datetime import date

import pytest

from kpixl import consolidate as cons
from kpixl import core, schema, texts
from kpixl.errors import DefinitionError
from kpixl.vocab import Language

from test_consolidate import random_company

AS_OF = date(2026, 6, 30)


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@pytest.mark.parametrize("area", ["consolidate", "history"])
def test_every_company_text_exists_in_every_language_with_the_same_placeholders(area):
    table = texts.catalogue(area)
    assert set(table) == {language.value for language in Language}
    for language, words in table.items():
        assert words.keys() == table["en"].keys(), language
        for key, english in table["en"].items():
            assert english.strip() and words[key].strip(), (language, key)
            assert _placeholders(english) == _placeholders(words[key]), (language, key)


@pytest.mark.parametrize("language", list(Language))
def test_every_table_has_a_sheet_name_and_every_column_one_header(language):
    sheets = [cons.sheet_name(table, language) for table in cons.TABLES]
    assert all(sheets) and len(set(sheets)) == len(sheets)
    for key, table in cons.TABLES.items():
        assert table.key == key and table.csv == f"{key}.csv"
        keys = [column.key for column in table.columns]
        headers = [column.header(language) for column in table.columns]
        assert len(set(keys)) == len(keys), key
        assert all(headers) and len(set(headers)) == len(headers), (key, headers)


@pytest.mark.parametrize("table", ["kpis", "measurements", "history", "changes"])
def test_a_department_workbooks_own_column_takes_the_schema_header(table):
    own = {column.key: column for t in (schema.KPIS, schema.MEASUREMENTS) for column in t.columns}
    taken = [column for column in cons.TABLES[table].columns if column.key in own]
    assert len(taken) >= 3
    for column in taken:
        for language in Language:
            assert column.header(language) == own[column.key].header(language), column.key


def test_the_language_is_parsed_once_where_it_enters():
    books = random_company(3, departments=2)
    company = cons.consolidate_workbooks(books, AS_OF, language=" Dansk ")
    assert company.language is Language.DA
    kpis = dict(zip([c.key for c in company.columns("kpis")], next(company.rows("kpis"))))
    assert kpis["status"] in {core.word("status", s, "da") for s in cons.STATUSES}
    summary = list(company.rows("summary"))
    assert [row[0] for row in summary[-2:]] == ["Virksomhedens KPI'er", "Afdelingernes KPI'er"]
    with pytest.raises(DefinitionError, match="unknown language 'klingon'; use en or da"):
        cons.consolidate_workbooks(books, AS_OF, language="klingon")


def test_every_row_has_one_value_per_column():
    company = cons.consolidate_workbooks(random_company(5, departments=3), AS_OF)
    for table in cons.TABLES:
        width = len(company.columns(table))
        rows = list(company.rows(table))
        # The random company types no Commentary, Evaluation or --previous: no actions, decisions, restatements.
        assert rows or table in ("findings", "changes", "actions", "evaluation", "restatements"), table
        assert all(len(row) == width for row in rows), table
