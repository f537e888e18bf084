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


# ------------------------------------------------------------ a new Measurements column (issue 21)

def test_measurement_rows_and_the_company_columns_are_built_by_the_schemas_keys():
    from kpixl.consolidate.load import measurement_keys

    keys = measurement_keys()
    assert keys == tuple(c.key for c in schema.MEASUREMENTS.input_columns) + ("origin",)
    assert [c.key for c in cons.MEASUREMENT_COLUMNS] == ["department", "source", *keys]
    for key in keys[:-1]:  # each of the row's own columns is headed as the department workbook heads it
        column = next(c for c in cons.MEASUREMENT_COLUMNS if c.key == key)
        assert [column.header(lang) for lang in ("en", "da")] == [schema.MEASUREMENTS.column(key).header(lang)
                                                                   for lang in ("en", "da")]


def test_a_measurements_column_added_to_the_schema_reaches_every_output(tmp_path, monkeypatch):
    """A new Measurements column is one schema edit (plus the record that carries it): consolidate needs none."""
    import csv
    import dataclasses

    import openpyxl
    import pyarrow.parquet as pq

    from kpixl.consolidate import export, tables
    from kpixl.model import DepartmentWorkbook, KpiRecord, MeasurementRecord, Place

    from kpixl import locales, texts

    added = schema.Column("checked_by", "text", width=15)
    # ... and its header in each catalogue (schema.column.checked_by in en.po and da.po)
    words = {"en": "Checked by", "da": "Kontrolleret af"}
    real = locales.messages
    monkeypatch.setattr(locales, "messages", lambda code: {**real(code), "schema.column.checked_by": words.get(code, "x")})
    texts._area.cache_clear()
    monkeypatch.setattr(texts, "_area", texts._area.__wrapped__)  # the patched catalogue, not the cached one
    own = schema.MEASUREMENTS.input_columns
    derived = dataclasses.replace(schema.MEASUREMENTS, columns=own + (added,) + tuple(
        c for c in schema.MEASUREMENTS.columns if c not in own))
    monkeypatch.setattr(schema, "MEASUREMENTS", derived)
    monkeypatch.setitem(tables.TABLES, "measurements",
                        dataclasses.replace(tables.TABLES["measurements"], columns=tables.measurement_columns()))

    @dataclasses.dataclass
    class Checked(MeasurementRecord):  # the record that carries the new column (the reader fills it)
        checked_by: str | None = None

    record = KpiRecord(kpi_id="S-1", name="Sales", level="low", direction=core.INCREASE, aggregation=core.LAST,
                       target=100.0, start=date(2026, 1, 1), deadline=date(2026, 12, 31),
                       place=Place("a.xlsx", "KPIs", "A2"))
    rows = [Checked("S-1", date(2026, 1, 31), 40.0, place=Place("a.xlsx", "Measurements", "A2"), checked_by="Ann"),
            Checked("S-1", date(2026, 2, 28), 50.0, place=Place("a.xlsx", "Measurements", "A3"))]
    book = DepartmentWorkbook(path="a.xlsx", department="Sales", kpis=[record], measurements=rows)
    for language, header in (("en", "Checked by"), ("da", "Kontrolleret af")):
        company = cons.consolidate_workbooks([book], date(2026, 3, 31), language=language)
        cons.write_company_workbook(company, tmp_path / f"{language}.xlsx")
        sheet = openpyxl.load_workbook(tmp_path / f"{language}.xlsx")[cons.sheet_name("measurements", language)]
        table = [[cell.value for cell in row] for row in sheet.iter_rows()]
        at = table[0].index(header)
        assert table[0][at + 1] == ("Origin" if language == "en" else "Oprindelse")  # before the origin cell
        assert [row[at] for row in table[1:]] == ["Ann", None]
        cons.write_csv_table(company, "measurements", tmp_path / f"{language}.csv", "plain")
        with open(tmp_path / f"{language}.csv", encoding="utf-8") as handle:
            read = list(csv.DictReader(handle))
        assert [row[header] for row in read] == ["Ann", ""]
    export.write_parquet_table(company, "measurements", tmp_path / "m.parquet")
    assert pq.read_table(tmp_path / "m.parquet").column("checked_by").to_pylist() == ["Ann", None]
