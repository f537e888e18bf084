"""Test ``kpixl split``: a plan into department workbooks and back with consolidate; safe file names.

Plans are written with :func:`kpixl.template.write_template`; the split workbooks
are read back with :func:`kpixl.reader.read_workbook`, consolidated with
:func:`kpixl.consolidate.consolidate` and re-saved through LibreOffice.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

import libreoffice
from kpixl import consolidate as cons
from kpixl.cli import cli
from kpixl.errors import OutputError, ValidationFailed
from kpixl.model import EvaluationRecord, KpiRecord, MeasurementRecord
from kpixl.reader import read_workbook
from kpixl.split import RESERVED_NAMES, SplitPart, SplitResult, plan_parts, safe_file_stem, split, unique_stems
from kpixl.template import write_template
from kpixl.validate import validate
from kpixl.vocab import FormulaMode, Language

START, DEADLINE = date(2026, 1, 1), date(2026, 12, 31)
AS_OF = date(2026, 3, 1)
# Every input column of the KPIs table: what "the plan's KPI definitions" means.
DEFINITION_FIELDS = tuple(name for name in KpiRecord.__dataclass_fields__ if name not in ("extra", "place", "valid"))


def kpi(kpi_id: str, **fields) -> KpiRecord:
    values = dict(name=f"KPI {kpi_id}", level="low", owner="Søren Ærø", unit="DKK", direction="increase",
                  aggregation="sum", frequency="monthly", baseline=100.0, target=200.0, start=START,
                  deadline=DEADLINE, specific=f"Specifik {kpi_id}", measurable="Målbar", attainable="Opnåelig",
                  relevant="Relevant", green=0.9, amber=0.8, weight=1.5, data_source="ERP")
    values.update(fields)
    return KpiRecord(kpi_id=kpi_id, **values)


PLAN_KPIS = [
    kpi("H-01", level="high", name="Omsætningsvækst", department=None, owner="Mette Kjær", weight=None),
    kpi("H-02", level="high", name="Kundetilfredshed", department=None, owner="Mette Kjær", direction="maintain",
        aggregation="last", unit="%", baseline=None, target=0.8, tolerance=0.05, weight=None),
    kpi("RD-01", parent_id="H-01", department="R&D / Nordic", name="Patenter ansøgt på én måned",
        owner="Åse Lindqvist"),
    kpi("KS-01", parent_id="H-02", department="Kundeservice Øst", name="Svartid i timer", direction="decrease",
        aggregation="average", unit="timer", baseline=24.0, target=8.0, weight=2.0),
    kpi("RD-02", parent_id="H-02", department="R&D / Nordic", name="Fejlrettelser", aggregation="last",
        owner="Bo Ørsted", frequency="quarterly", start=date(2026, 4, 1), deadline=date(2026, 9, 30)),
    kpi("SAL-01", parent_id="H-01", department="Salg", name="Salg i webshop", owner="Lars Mortensen"),
]


def write_plan(path: Path, kpis=PLAN_KPIS, *, language: str = "da", formulas: str = "native",
               department: str | None = "Direktionen", measurements=(), evaluations=()) -> Path:
    return write_template(path, department=department, language=language, formulas=formulas, kpis=list(kpis),
                          measurements=list(measurements), evaluations=list(evaluations))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def definitions(records) -> dict[str, tuple]:
    return {r.kpi_id: tuple(getattr(r, name) for name in DEFINITION_FIELDS) for r in records}


# ------------------------------------------------------------------ the identity

@pytest.mark.parametrize(("language", "formulas"), [("da", "native"), ("en", "xlwings")])
def test_split_then_consolidate_gives_the_plan_back(tmp_path, language, formulas):
    plan = write_plan(tmp_path / "plan.xlsx", language=language, formulas=formulas)
    before = sha256(plan)
    result = split(plan, tmp_path / "out", as_of=AS_OF)
    assert sha256(plan) == before
    company = cons.consolidate([tmp_path / "out"], tmp_path / "company.xlsx", as_of=AS_OF).company
    assert definitions(line.record for line in company.kpis) == definitions(read_workbook(plan).kpis)
    # Each low-level KPI sits in its own department's file; the high-level ones in management.
    departments = {line.record.kpi_id: line.department for line in company.kpis}
    assert departments == {"H-01": "Direktionen", "H-02": "Direktionen", "RD-01": "R&D / Nordic",
                           "RD-02": "R&D / Nordic", "KS-01": "Kundeservice Øst", "SAL-01": "Salg"}
    assert company.measurement_count == 0
    assert [p.path.name for p in result.parts] == ["Direktionen.xlsx", "R&D - Nordic.xlsx",
                                                    "Kundeservice Øst.xlsx", "Salg.xlsx"]
    for part in result.parts:
        written = read_workbook(part.path)
        assert (written.language, written.formulas, written.department) == (language, formulas, part.department)
        assert written.measurements == []
    assert validate([tmp_path / "out"], as_of=AS_OF).errors == []


def test_the_departments_dropdowns_offer_the_management_workbooks_kpis(tmp_path):
    """As template --company: each department workbook records the management workbook and offers its IDs."""
    from openpyxl import load_workbook

    from kpixl import schema
    from kpixl.company import read_company

    result = split(write_plan(tmp_path / "plan.xlsx"), tmp_path / "out", as_of=AS_OF)
    management, *departments = result.parts
    assert management.management and departments
    for part in departments:
        written = read_workbook(part.path)
        assert (written.company_file, written.company_sha256) == (management.path.name, sha256(management.path))
        book = load_workbook(part.path)
        parent = schema.KPIS.column("parent_id").header("da")
        header = [c.value for c in book[schema.KPIS.sheet("da")][1]]
        letter = chr(ord("A") + header.index(parent))
        rules = [dv for dv in book[schema.KPIS.sheet("da")].data_validations.dataValidation
                 if f"{letter}2" in dv.sqref]
        assert len(rules) == 1 and rules[0].type == "list"
        sheet, cells = rules[0].formula1.split("!")
        first, last = cells.replace("$", "").split(":")
        offered = [row[0].value for row in book[sheet][first:last]]
        assert offered == ["H-01", "H-02"]
    assert read_workbook(management.path).company_file is None
    assert [k.kpi_id for k in read_company(management.path, as_of=AS_OF).kpis] == ["H-01", "H-02"]
    linked = validate([tmp_path / "out"], as_of=AS_OF, company=management.path)
    assert linked.errors == [] and not [f for f in linked.warnings if f.code == "KPX830"]


@pytest.mark.libreoffice
def test_the_split_workbooks_survive_a_libreoffice_resave(tmp_path, soffice):
    plan = write_plan(tmp_path / "plan.xlsx")
    result = split(plan, tmp_path / "out", as_of=AS_OF)
    resaved = libreoffice.convert([p.path for p in result.parts], tmp_path / "resaved", soffice=soffice)
    company = cons.consolidate(resaved, tmp_path / "company.xlsx", as_of=AS_OF).company
    assert definitions(line.record for line in company.kpis) == definitions(read_workbook(plan).kpis)


def test_a_plan_without_a_stored_department_names_management_by_language(tmp_path):
    plan = write_plan(tmp_path / "plan.xlsx", department=None, language="en")
    result = split(plan, tmp_path / "out", as_of=AS_OF)
    assert result.parts[0].path.name == "Management.xlsx" and result.parts[0].management
    assert read_workbook(result.parts[0].path).department == "Management"


def test_a_departments_own_low_level_kpis_join_the_management_workbook(tmp_path):
    kpis = PLAN_KPIS[:2] + [kpi("M-01", parent_id="H-01", department="direktionen")]
    result = split(write_plan(tmp_path / "plan.xlsx", kpis), tmp_path / "out", as_of=AS_OF)
    assert [(p.department, [k.kpi_id for k in p.kpis]) for p in result.parts] == [
        ("Direktionen", ["H-01", "H-02", "M-01"])]


# ------------------------------------------------------------------ the report

def test_the_cli_reports_what_it_wrote_as_a_table(tmp_path):
    plan = write_plan(tmp_path / "plan.xlsx")
    out = tmp_path / "out"
    run = CliRunner().invoke(cli, ["split", str(plan), "-o", str(out), "--as-of", "2026-03-01"], prog_name="kpixl")
    assert run.exit_code == 0, run.output
    # A Danish plan: the run speaks the plan's language, as rollover speaks its workbook's.
    assert run.output.split("\n") == [
        f"Delte {plan} op i 4 projektmapper i {out} (6 KPI'er, sprog da, formler native):",
        "Fil                    Afdeling               KPI'er  Højt niveau  Lavt niveau  Ejere",
        "---------------------  ---------------------  ------  -----------  -----------  -----",
        "Direktionen.xlsx       Direktionen (ledelse)       2            2            0      1",
        "R&D - Nordic.xlsx      R&D / Nordic                2            0            2      2",
        "Kundeservice Øst.xlsx  Kundeservice Øst            1            0            1      1",
        "Salg.xlsx              Salg                        1            0            1      1",
        "",
    ]


def test_the_management_workbook_is_named_by_its_rows_departments_not_the_plans_title(tmp_path):
    """Issue 18: a plan titled 'Plan 2026' whose company KPIs say Management writes Management.xlsx."""
    kpis = [kpi("H-01", level="high", department="Management", weight=None),
            kpi("SAL-01", parent_id="H-01", department="Sales")]
    plan = write_plan(tmp_path / "plan.xlsx", kpis, language="en", department="Plan 2026")
    out = tmp_path / "out"
    run = CliRunner().invoke(cli, ["split", str(plan), "-o", str(out), "--as-of", "2026-03-01"], prog_name="kpixl")
    assert run.exit_code == 0, run.output
    assert run.output.split("\n")[3:5] == [
        "Management.xlsx  Management (management)     1           1          0       1",
        "Sales.xlsx       Sales                       1           0          1       1"]
    assert sorted(p.name for p in out.iterdir()) == ["Management.xlsx", "Sales.xlsx"]
    assert read_workbook(out / "Management.xlsx").department == "Management"


def test_the_summary_reads_in_danish_too():
    parts = [SplitPart("Direktionen", [KpiRecord("H-01", level="high", owner="Ann")], management=True,
                       path=Path("Direktionen.xlsx")),
             SplitPart("Salg", [KpiRecord("S-01", level="low", owner="Bo"), KpiRecord("S-02", level="low")],
                       path=Path("Salg.xlsx"))]
    result = SplitResult(plan=Path("plan.xlsx"), out_dir=Path("ud"), language=Language.DA,
                         formulas=FormulaMode.NATIVE, parts=parts)
    assert result.summary_lines("da") == [
        "Delte plan.xlsx op i 2 projektmapper i ud (3 KPI'er, sprog da, formler native):",
        "Fil               Afdeling               KPI'er  Højt niveau  Lavt niveau  Ejere",
        "----------------  ---------------------  ------  -----------  -----------  -----",
        "Direktionen.xlsx  Direktionen (ledelse)       1            1            0      1",
        "Salg.xlsx         Salg                        2            0            2      1",
    ]
    assert result.summary_lines()[0] == "Split plan.xlsx into 2 workbook(s) in ud (3 KPI(s), language da, formulas native):"
    assert result.table_lines("en")[0].split() == ["File", "Department", "KPIs", "High-level", "Low-level", "Owners"]


def test_the_cli_refuses_existing_files_without_force(tmp_path):
    plan = write_plan(tmp_path / "plan.xlsx")
    out = tmp_path / "out"
    out.mkdir()
    (out / "Salg.xlsx").write_bytes(b"old")
    args = ["split", str(plan), "-o", str(out), "--as-of", "2026-03-01"]
    run = CliRunner().invoke(cli, args, prog_name="kpixl")
    assert run.exit_code == 1
    assert run.output == f"Error: {out / 'Salg.xlsx'}: already exists; use --force to overwrite it\n"
    assert sorted(p.name for p in out.iterdir()) == ["Salg.xlsx"]  # nothing else written either
    assert (out / "Salg.xlsx").read_bytes() == b"old"
    run = CliRunner().invoke(cli, args + ["--force"], prog_name="kpixl")
    assert run.exit_code == 0, run.output
    assert [k.kpi_id for k in read_workbook(out / "Salg.xlsx").kpis] == ["SAL-01"]


def test_what_is_not_copied_is_named(tmp_path):
    plan = write_plan(tmp_path / "plan.xlsx", measurements=[MeasurementRecord("SAL-01", date(2026, 1, 31), 5.0)],
                      evaluations=[EvaluationRecord("SAL-01", notes="husk")])
    result = split(plan, tmp_path / "out", as_of=AS_OF)
    assert [str(f) for f in result.findings] == [
        f"{plan}:Målinger!A2: warning KPX803: planens 1 måling(er) kopieres ikke: de opdelte projektmapper starter "
        f"med et tomt ark Målinger",
        f"{plan}:Evaluering!A7: warning KPX804: planens 1 evalueringsrække(r) kopieres ikke: de opdelte "
        f"projektmapper starter med et tomt ark Evaluering",
    ]
    assert result.summary_lines()[-2:] == [str(f) for f in result.findings]


def test_one_department_spelled_two_ways_goes_into_one_workbook_and_is_named(tmp_path):
    kpis = PLAN_KPIS[:2] + [kpi("A-01", parent_id="H-01", department="Kundeservice Øst"),
                            kpi("A-02", parent_id="H-01", department="kundeservice  ØST")]
    plan = write_plan(tmp_path / "plan.xlsx", kpis)
    result = split(plan, tmp_path / "out", as_of=AS_OF)
    assert [p.department for p in result.parts] == ["Direktionen", "Kundeservice Øst"]
    assert [str(f) for f in result.findings] == [
        f"{plan}:Nøgletal!A5: warning KPX802: afdelingen 'kundeservice  ØST' for KPI A-02 staves 'Kundeservice Øst' i "
        f"Nøgletal!A4; begge kommer i projektmappen for 'Kundeservice Øst'"]


# ------------------------------------------------------------------ refusals

def test_a_low_level_kpi_without_a_department_is_refused(tmp_path):
    plan = write_plan(tmp_path / "plan.xlsx", PLAN_KPIS + [kpi("X-01", parent_id="H-01", department=None)])
    with pytest.raises(ValidationFailed) as caught:
        split(plan, tmp_path / "out", as_of=AS_OF)
    assert str(caught.value).split("\n") == [
        f"{plan}: cannot split the plan because of 1 error(s); fix them and run again:",
        f"  {plan}:Nøgletal!A8: error KPX801: KPI X-01 er ikke en høj KPI og har ingen Afdeling, så split kan ikke se, "
        f"hvis projektmappe den hører til; skriv dens afdeling, eller Niveau høj for en virksomheds-KPI",
    ]
    assert not (tmp_path / "out").exists()


def test_an_invalid_plan_is_refused_with_its_findings(tmp_path):
    plan = write_plan(tmp_path / "plan.xlsx", PLAN_KPIS + [kpi("X-01", department="Salg", baseline=300.0)])
    with pytest.raises(ValidationFailed) as caught:
        split(plan, tmp_path / "out", as_of=AS_OF)
    lines = str(caught.value).split("\n")
    assert lines[0] == f"{plan}: cannot split a plan with 1 error(s); fix them and run again:"
    assert lines[1].startswith(f"  {plan}:Nøgletal!") and "KPX302" in lines[1]
    assert not (tmp_path / "out").exists()


def test_the_cli_refuses_a_danish_plan_in_danish_throughout(tmp_path):
    """A Danish plan's refusal reads Danish: the Fejl: line and every finding, severity included (not English around
    Danish findings)."""
    plan = write_plan(tmp_path / "plan.xlsx", PLAN_KPIS + [kpi("X-01", parent_id="H-01", department=None)])
    run = CliRunner().invoke(cli, ["split", str(plan), "-o", str(tmp_path / "out"), "--as-of", "2026-03-01"],
                             prog_name="kpixl")
    assert run.exit_code == 1
    assert run.output.split("\n") == [
        f"Fejl: {plan}: kan ikke dele planen op på grund af 1 fejl; ret dem, og kør igen:",
        f"  {plan}:Nøgletal!A8: fejl KPX801: KPI X-01 er ikke en høj KPI og har ingen Afdeling, så split kan ikke se, "
        f"hvis projektmappe den hører til; skriv dens afdeling, eller Niveau høj for en virksomheds-KPI",
        "",
    ]
    assert not (tmp_path / "out").exists()


def test_an_empty_plan_is_refused(tmp_path):
    plan = write_plan(tmp_path / "plan.xlsx", [], language="en")
    with pytest.raises(ValidationFailed) as caught:
        split(plan, tmp_path / "out", as_of=AS_OF)
    assert str(caught.value).split("\n")[1] == (
        f"  {plan}:KPIs: error KPX806: the plan's KPIs table is empty; type the high-level KPIs and each "
        f"department's KPIs (with their Department) first")


def test_a_file_as_output_folder_is_refused(tmp_path):
    plan = write_plan(tmp_path / "plan.xlsx")
    (tmp_path / "out").write_text("x")
    with pytest.raises(OutputError) as caught:
        split(plan, tmp_path / "out", as_of=AS_OF)
    assert str(caught.value) == f"{tmp_path / 'out'}: is a file; give a folder for the split workbooks"


def test_a_failed_write_leaves_nothing_behind(tmp_path, monkeypatch):
    import kpixl.split as split_module

    plan = write_plan(tmp_path / "plan.xlsx")
    calls = []
    real = split_module.write_part

    def failing(part, path, **options):
        calls.append(part.department)
        if len(calls) == 3:
            raise OSError("disk full")
        return real(part, path, **options)

    monkeypatch.setattr(split_module, "write_part", failing)
    with pytest.raises(OSError):
        split(plan, tmp_path / "out", as_of=AS_OF)
    assert not (tmp_path / "out").exists()


# ------------------------------------------------------------------ file names

@pytest.mark.parametrize(("name", "stem"), [
    ("R&D / Nordic", "R&D - Nordic"),
    ("Kundeservice Øst", "Kundeservice Øst"),
    ("Æblegården Ålborg", "Æblegården Ålborg"),
    ('a<b>c:d"e\\f|g?h*i', "a-b-c-d-e-f-g-h-i"),
    ("tab\there\nnewline", "tab-here-newline"),
    ("  Sales.  ", "Sales"),
    ("..hidden", "hidden"),
    ("~$lock", "$lock"),
    ("CON", "CON_"),
    ("con", "con_"),
    ("lpt1.backup", "lpt1_.backup"),
    ("Console", "Console"),
    ("", "department"),
    ("///", "---"),
    ("x" * 200, "x" * 80),
])
def test_safe_file_stem(name, stem):
    assert safe_file_stem(name) == stem


def test_every_reserved_name_is_avoided():
    for name in RESERVED_NAMES:
        assert safe_file_stem(name).upper() != name
        assert safe_file_stem(name.lower() + ".xlsx").split(".")[0].upper() != name


def test_collisions_are_resolved_ignoring_case():
    assert unique_stems(["R&D / Nordic", "R&D : Nordic", "r&d - nordic", "Salg"], taken=["salg"]) == [
        "R&D - Nordic", "R&D - Nordic (2)", "r&d - nordic (3)", "Salg (2)"]


def test_colliding_department_names_get_distinct_files(tmp_path):
    kpis = PLAN_KPIS[:2] + [kpi("A-01", parent_id="H-01", department="R&D / Nordic"),
                            kpi("A-02", parent_id="H-01", department="R&D : Nordic"),
                            kpi("A-03", parent_id="H-01", department="CON")]
    plan = write_plan(tmp_path / "plan.xlsx", kpis)
    result = split(plan, tmp_path / "out", as_of=AS_OF)
    assert [p.path.name for p in result.parts] == ["Direktionen.xlsx", "R&D - Nordic.xlsx", "R&D - Nordic (2).xlsx",
                                                    "CON_.xlsx"]
    company = cons.consolidate([tmp_path / "out"], tmp_path / "company.xlsx", as_of=AS_OF).company
    assert {line.record.kpi_id: line.department for line in company.kpis if line.record.level != "high"} == {
        "A-01": "R&D / Nordic", "A-02": "R&D : Nordic", "A-03": "CON"}


def test_plan_parts_is_usable_without_writing(tmp_path):
    parts, findings = plan_parts(read_workbook(write_plan(tmp_path / "plan.xlsx")))
    assert [(p.department, [k.kpi_id for k in p.kpis]) for p in parts] == [
        ("Direktionen", ["H-01", "H-02"]), ("R&D / Nordic", ["RD-01", "RD-02"]), ("Kundeservice Øst", ["KS-01"]),
        ("Salg", ["SAL-01"])]
    assert findings == []


def test_every_department_gets_the_plans_phasing_profiles(tmp_path):
    from kpixl.model import PhasingRecord
    profiles = [PhasingRecord("Detail", (6.0, 6.0, 7.0, 7.0, 8.0, 7.0, 6.0, 7.0, 8.0, 10.0, 12.0, 16.0))]
    kpis = [k if k.kpi_id != "SAL-01" else kpi("SAL-01", parent_id="H-01", department="Salg", phasing="Detail")
            for k in PLAN_KPIS]
    plan = write_template(tmp_path / "plan.xlsx", department="Direktionen", language="da", kpis=kpis,
                          phasing=profiles)
    result = split(plan, tmp_path / "out", as_of=AS_OF)
    for part in result.parts:
        written = read_workbook(part.path)
        assert [(p.profile, p.weights) for p in written.phasing] == [("Detail", profiles[0].weights)], part.path
    sales = read_workbook(next(p.path for p in result.parts if p.department == "Salg"))
    assert [(k.kpi_id, k.phasing) for k in sales.kpis] == [("SAL-01", "Detail")]
    assert validate([tmp_path / "out"], as_of=AS_OF).errors == []


def test_the_split_findings_are_data_said_in_either_language():
    """plan_parts' findings are message keys and facts, said in the plan's language and in any other."""
    from kpixl.message import Message
    from kpixl.model import DepartmentWorkbook, Place

    plan = DepartmentWorkbook(path="plan.xlsx", language="da", sheets={"KPIs": "Nøgletal"}, kpis=[
        KpiRecord("X-01", level="low", place=Place("plan.xlsx", "Nøgletal", "A2"), extra={"Region": "Nord"})])
    _, findings = plan_parts(plan)
    assert [f.code for f in findings] == ["KPX801", "KPX807", "KPX805"]
    assert all(isinstance(f.wording, Message) and f.language == "da" for f in findings)
    assert [f.message for f in findings] == [
        "KPI X-01 er ikke en høj KPI og har ingen Afdeling, så split kan ikke se, hvis projektmappe den hører til; "
        "skriv dens afdeling, eller Niveau høj for en virksomheds-KPI",
        "planen har ingen høj KPI (Niveau høj), så ledelsens projektmappe har intet, som afdelingernes KPI'er kan "
        "rulles op til",
        "planens ekstra kolonne(r) 'Region' på arket Nøgletal kopieres ikke til de opdelte projektmapper"]
    assert [f.in_language("en").message for f in findings] == [
        "KPI X-01 is not a high-level KPI and has no Department, so split cannot tell whose workbook it belongs in; "
        "type its department, or Level high for a company KPI",
        "the plan has no high-level KPI (Level high), so the management workbook has nothing for the departments' "
        "KPIs to roll up to",
        "the plan's extra KPIs column(s) 'Region' are not copied into the split workbooks"]


def test_a_refused_plan_can_be_said_in_its_own_language(tmp_path):
    """The refusal is data: str() reads as before, said(language) as a Danish run speaks (severity included)."""
    plan = write_plan(tmp_path / "plan.xlsx", PLAN_KPIS + [kpi("X-01", parent_id="H-01", department=None)])
    with pytest.raises(ValidationFailed) as caught:
        split(plan, tmp_path / "out", as_of=AS_OF)
    assert caught.value.report.language == "da"
    assert caught.value.said("da").split("\n") == [
        f"{plan}: kan ikke dele planen op på grund af 1 fejl; ret dem, og kør igen:",
        f"  {plan}:Nøgletal!A8: fejl KPX801: KPI X-01 er ikke en høj KPI og har ingen Afdeling, så split kan ikke se, "
        f"hvis projektmappe den hører til; skriv dens afdeling, eller Niveau høj for en virksomheds-KPI",
    ]
