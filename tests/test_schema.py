"""Test :mod:`kpixl.schema`: a sheet's former names, by which old department workbooks still read.

The Danish KPIs sheet was ``KPI'er`` until it became ``Nøgletal`` (Gnumeric parses no
sheet name with an apostrophe in a formula). A workbook made before, its formulas naming
``'KPI''er'!``, must still validate, consolidate and roll over; its findings name the sheet
it has.
"""

from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from kpixl import core, schema
from kpixl.cli import cli
from kpixl.model import EvaluationRecord, KpiRecord, MeasurementRecord
from kpixl.template import write_template
from workbooks import AS_OF, drop_table, kpi_row, rezip, write_workbook

OLD, NEW = "KPI'er", "Nøgletal"
START, DEADLINE = date(2025, 1, 1), date(2025, 12, 31)


def run(*args: object):
    return CliRunner().invoke(cli, [str(a) for a in args], prog_name="kpixl")


def kpi(kpi_id: str, target: float) -> KpiRecord:
    return KpiRecord(kpi_id=kpi_id, name=f"KPI {kpi_id}", level="high", owner="Mette Kjær", unit="DKK",
                     direction=core.INCREASE, aggregation=core.LAST, frequency="yearly", baseline=100.0,
                     target=target, start=START, deadline=DEADLINE, specific="s", measurable="m", attainable="a",
                     relevant="r")


def old_danish_workbook(path: Path) -> Path:
    """Write a Danish department workbook as kpixl wrote it while its KPIs sheet was ``KPI'er``.

    The sheet's name in the package, and every formula, defined name and validation naming
    it (``Nøgletal!``) then name ``'KPI''er'!`` instead, as the old writer did.
    """
    kpis = [kpi("SAL-01", 200.0), kpi("SAL-02", 150.0)]
    measurements = [MeasurementRecord("SAL-01", DEADLINE, 190.0), MeasurementRecord("SAL-02", DEADLINE, 130.0)]
    evaluations = [EvaluationRecord("SAL-01", "keep", None), EvaluationRecord("SAL-02", "adjust", 160.0)]
    write_template(path, department="Salg", language="da", formulas="native", kpis=kpis,
                   measurements=measurements, evaluations=evaluations, as_of=DEADLINE)

    def edit(part: str, data: bytes) -> bytes | None:
        if not part.endswith(".xml"):
            return None
        text = data.decode("utf-8")
        if part == "xl/workbook.xml":
            text = text.replace(f'name="{NEW}"', f'name="{OLD}"')
        text = re.sub(f"'?{NEW}'?!", "'KPI''er'!", text)
        return text.encode("utf-8")

    return rezip(path, edit)


@pytest.fixture(scope="module")
def old(tmp_path_factory) -> Path:
    return old_danish_workbook(tmp_path_factory.mktemp("old") / "salg.xlsx")


def test_the_danish_kpis_sheet_has_no_apostrophe_and_keeps_its_former_name():
    assert schema.KPIS.sheet("da") == NEW
    assert OLD in schema.KPIS.sheet_names
    assert all("'" not in table.sheet(language) for table in schema.TABLES for language in ("en", "da"))


def test_the_old_workbook_is_as_the_old_writer_made_it(old):
    book = openpyxl.load_workbook(old)
    assert OLD in book.sheetnames and NEW not in book.sheetnames
    with zipfile.ZipFile(old) as archive:
        xml = "".join(archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xml"))
    assert "'KPI''er'!" in xml and NEW + "!" not in xml


def test_an_old_danish_workbook_validates(old):
    result = run("validate", "--as-of", DEADLINE, old)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    # The fixture is made by today's template, so it has a Commentary table: its two KPIs
    # off plan without a comment are named, at their cells on the old sheet name.
    assert [line.split(": ", 1)[0].rsplit("/", 1)[-1] + " " + line.split(": ")[1] for line in lines[:-1]] == [
        "salg.xlsx:KPI'er!A2 advarsel KPX901", "salg.xlsx:KPI'er!A3 advarsel KPX901"]
    assert lines[-1] == "1 fil(er), 2 KPI(er), 2 måling(er): 0 fejl, 2 advarsel(er)"


def test_an_old_danish_workbook_consolidates(old, tmp_path):
    out = tmp_path / "virksomhed.xlsx"
    result = run("consolidate", "--as-of", DEADLINE, old, "-o", out)
    assert result.exit_code == 0, result.output
    assert result.output.split("\n")[:2] == [
        f"Skrev {out}: 1 fil(er), 2 KPI(er), 2 måling(er) opgjort pr. 2025-12-31",
        "Status: 0 På sporet, 1 I risiko, 1 Bagud, 0 Ikke startet, 0 Ingen data"]
    # The company workbook keeps its own sheet KPI'er (values only: no formula names it).
    rows = list(openpyxl.load_workbook(out)[OLD].iter_rows(values_only=True))
    header = rows[0]
    shown = [(row[header.index("KPI-ID")], row[header.index("Faktisk")], row[header.index("Målopfyldelse")],
              row[header.index("Status")], row[header.index("Oprindelse")]) for row in rows[1:]]
    assert shown == [("SAL-01", 190, 0.9, "I risiko", "KPI'er!A2"), ("SAL-02", 130, 0.6, "Bagud", "KPI'er!A3")]


def test_an_old_danish_workbook_rolls_over_into_one_with_the_new_sheet_name(old, tmp_path):
    out = tmp_path / "næste.xlsx"
    result = run("rollover", old, "-o", out)
    assert result.exit_code == 0, result.output
    # The run speaks the workbook's language: the summary as well as the findings (not English lines around them).
    assert result.output.split("\n") == [
        f"Rullede {old} over til {out}",
        "2 KPI'er: 1 beholdt, 1 justeret, 0 udfaset, 0 uden beslutning (beholdt)",
        "Ny periode: 2026-01-01 til 2026-12-31",
        f"Advarsel: {old}:KPI'er!A3: KPX704: KPI SAL-02 har en ny målværdi 160 (var 150); tjek, at dens "
        "SMART-tekster (Specifik, Opnåelig) ikke stadig nævner den gamle",
        ""]
    book = openpyxl.load_workbook(out)
    assert NEW in book.sheetnames and OLD not in book.sheetnames
    rows = list(book[NEW].iter_rows(values_only=True))
    header = rows[0]
    kept = [(row[0], row[header.index("Udgangspunkt")], row[header.index("Mål")]) for row in rows[1:3]]
    assert kept == [("SAL-01", 190, 200), ("SAL-02", 130, 160)]
    result = run("validate", "--as-of", date(2026, 1, 1), out)
    assert result.exit_code == 0, result.output


def test_a_lost_kpis_table_is_looked_for_on_the_sheet_of_its_former_name_first(tmp_path):
    # A draft sheet before KPI'er holds the same headers: the table's own sheet, known by
    # its former name, is the one read (else the draft's KLA-01 would be, and SAL-01's
    # measurements would name a KPI that is not there).
    path = tmp_path / "salg.xlsx"
    write_workbook(path, kpis=[kpi_row(department="Salg")], language="da", sheet_names={"KPIs": OLD},
                   metadata_values={schema.NAME_DEPARTMENT: "Salg"})
    book = openpyxl.load_workbook(path)
    draft = book.create_sheet("Kladde", 0)
    for row in book[OLD].iter_rows(values_only=True):
        draft.append(["KLA-01" if value == "SAL-01" else value for value in row])
    book.save(path)
    drop_table(path, "KPIs")
    result = run("validate", "--as-of", AS_OF, path)
    assert result.output.split("\n")[0].startswith(
        f"{path}:KPI'er!A1: advarsel KPX124: der er ingen Excel-tabel ved navn KPIs, men dette ark har dens "
        "overskrifter: kpixl læser A2:"), result.output
    assert result.output.split("\n")[1:] == ["1 fil(er), 1 KPI(er), 3 måling(er): 0 fejl, 1 advarsel(er)", ""]
    assert result.exit_code == 0
