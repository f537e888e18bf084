"""Own ``kpixl demo``: the whole KPI cycle on the built-in sample company, in one folder.

:func:`run_demo` shows the cascade from one plan: it writes the company plan
``plan.xlsx`` (every KPI of :mod:`kpixl.sample_data`, with its Department) and
splits it with :func:`kpixl.split.split` into ``design/`` (design). Then it writes
the management, Sales, Marketing and Customer Service workbooks into
``departments/`` with the split definitions and a year of measurements, the
departments' made with ``template --company`` from the management workbook so
their Parent KPI ID dropdowns offer the company's KPIs (execution; the
management's Evaluation decisions filled in), validates them against the
company's KPIs (``validate --company``), consolidates them into ``company.xlsx`` and
``company-csv/`` (evaluation) and rolls the management workbook over into
``next-period/management.xlsx`` (re-design). Every step calls the same library
function as the matching command, so each can be repeated by hand on the files.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from pathlib import Path

from kpixl import core, sample_data
from kpixl.errors import DefinitionError, OutputError, ValidationFailed
from kpixl.model import KpiRecord, Place, Report
from kpixl.vocab import kpi_key

PLAN_FILE = "plan.xlsx"
DESIGN_DIR = "design"
DEPARTMENTS_DIR = "departments"
COMPANY_FILE = "company.xlsx"
CSV_DIR = "company-csv"
NEXT_DIR = "next-period"
FORMULA_MODES = ("xlwings", "native")

_WORDS = {
    "id": {"en": "ID", "da": "ID"},
    "kpi": {"en": "KPI", "da": "KPI"},
    "attainment": {"en": "Attainment", "da": "Målopfyldelse"},
    "status": {"en": "Status", "da": "Status"},
    "rollup": {"en": "Roll-up", "da": "Oprulning"},
}


@dataclass(frozen=True)
class CompanyKpi:
    """Hold one high-level KPI's line of the demo's status table."""

    kpi_id: str
    name: str
    attainment: float | None
    status: str  # canonical (English) status
    rollup_score: float | None


@dataclass
class DemoResult:
    """Describe a finished demo: every file it wrote and the company's KPI status."""

    directory: Path
    language: str
    formulas: str
    workbooks: dict[str, Path]  # department key -> workbook
    company: Path
    csv_dir: Path
    csv_files: list[Path]
    next_period: Path
    report: Report
    rollover_lines: list[str]
    company_kpis: list[CompanyKpi] = field(default_factory=list)
    seconds: float = 0.0
    plan: Path | None = None
    design: list[Path] = field(default_factory=list)  # the split's workbooks
    split_lines: list[str] = field(default_factory=list)

    @property
    def files(self) -> list[Path]:
        """Return every file the demo wrote."""
        plan = [self.plan] if self.plan else []
        return [*plan, *self.design, *self.workbooks.values(), self.company, *self.csv_files, self.next_period]

    def summary_lines(self) -> list[str]:
        """Return the lines the CLI prints: the files of each phase and the company KPIs' status."""
        lang = self.language
        name = sample_data.COMPANY[lang]
        year = sample_data.FISCAL_START.year
        lines = [
            f"Demo of the KPI cycle for {name} (fiscal year {year}, as of {sample_data.AS_OF.isoformat()}, "
            f"{'Danish' if lang == 'da' else 'English'}, {self.formulas} formulas) in {self.directory}",
        ]
        if self.plan is not None:
            lines.append(f"Design: the company plan {self.plan}, split into {self.directory / DESIGN_DIR} "
                         f"(kpixl split):")
            lines.extend(f"  {line}" for line in self.split_lines)
        management = self.workbooks[sample_data.MANAGEMENT.key]
        lines.append(f"Execution: a year of measurements in each workbook; the departments' Parent KPI ID "
                     f"dropdowns offer the company KPIs of {management.name} (kpixl template --company)")
        width = max(len(key) for key in self.workbooks)
        lines.extend(f"  {key.ljust(width)}  {path}" for key, path in self.workbooks.items())
        lines.append(f"Validation against the company KPIs: {self.report.summary()}")
        late = sample_data.LATE_CUTOFF.isoformat()
        late_name = sample_data.CUSTOMER_SERVICE.name.get(lang)
        lines.append(f"  ({late_name} submitted late: no measurements after {late}; the warnings are listed by "
                     f"kpixl validate --company {management} {self.directory / DEPARTMENTS_DIR} --as-of "
                     f"{sample_data.AS_OF.isoformat()})")
        lines.append(f"Evaluation: company workbook {self.company}")
        lines.append(f"  CSV tables in {self.csv_dir} ({len(self.csv_files)} files)")
        lines.append(f"Re-design: next period's management workbook {self.next_period}")
        lines.extend(f"  {line}" for line in self.rollover_lines[1:])
        lines.append(f"Company KPIs as of {sample_data.AS_OF.isoformat()}:")
        lines.extend(f"  {row}" for row in self.status_table())
        lines.append(f"Done in {self.seconds:.1f} s")
        return lines

    def status_table(self) -> list[str]:
        """Return the company KPIs as aligned text rows: ID, name, attainment, status, roll-up score."""
        lang = self.language
        head = tuple(_WORDS[k]["da" if lang == "da" else "en"] for k in ("id", "kpi", "attainment", "status",
                                                                          "rollup"))
        rows = [head] + [(k.kpi_id, k.name, _pct(k.attainment), core.word("status", k.status, lang),
                          _pct(k.rollup_score)) for k in self.company_kpis]
        widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
        right = {2, 4}  # numbers are right-aligned
        return ["  ".join(cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
                          for i, cell in enumerate(row)).rstrip() for row in rows]


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}%"


def demo_paths(directory: Path | str) -> dict[str, Path]:
    """Return every path the demo writes, by name (workbooks by department key)."""
    folder = Path(directory)
    paths = {"plan": folder / PLAN_FILE}
    paths.update({d.key: folder / DEPARTMENTS_DIR / d.file_name for d in sample_data.DEPARTMENTS})
    paths["company"] = folder / COMPANY_FILE
    paths["next-period"] = folder / NEXT_DIR / sample_data.MANAGEMENT.file_name
    return paths


def _refuse_existing(folder: Path, paths: dict[str, Path], force: bool) -> None:
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{folder}: is a file; give a folder for the demo")
    if force:
        return
    existing = [p for p in paths.values() if p.exists()]
    for name in (DESIGN_DIR, CSV_DIR):
        if (folder / name).is_dir() and any((folder / name).iterdir()):
            existing.append(folder / name)
    if existing:
        names = [str(p.relative_to(folder)) for p in existing]
        shown = ", ".join(names[:3]) + (f", ... ({len(names)} in all)" if len(names) > 3 else "")
        raise OutputError(f"{folder}: already holds files of an earlier demo ({shown}); use --force to "
                          f"overwrite them")


def run_demo(directory: Path | str, *, language: str = "en", formulas: str = "native",
             force: bool = False) -> DemoResult:
    """Run the whole KPI cycle on the sample company into ``directory`` and return what it wrote.

    Refuses to overwrite the files of an earlier demo unless ``force``.
    """
    from kpixl.company import read_company
    from kpixl.consolidate import consolidate
    from kpixl.rollover import rollover
    from kpixl.split import split
    from kpixl.template import write_template
    from kpixl.validate import validate

    started = time.perf_counter()
    language = core.parse_language(language)
    if formulas not in FORMULA_MODES:
        raise DefinitionError(f"unknown formula mode {formulas!r}; use xlwings or native")
    folder = Path(directory)
    paths = demo_paths(folder)
    _refuse_existing(folder, paths, force)
    (folder / DEPARTMENTS_DIR).mkdir(parents=True, exist_ok=True)
    paths["next-period"].parent.mkdir(exist_ok=True)

    # Design: finance plans the whole company in one workbook and splits it into departments.
    departments = sample_data.company(language)
    head = departments[0]
    write_template(paths["plan"], department=head.department, owner=head.owner, language=language,
                   formulas=formulas, start=sample_data.FISCAL_START, deadline=sample_data.FISCAL_END,
                   kpis=[k for data in departments for k in data.kpis], as_of=sample_data.AS_OF, force=force)
    designed = split(paths["plan"], folder / DESIGN_DIR, force=force, as_of=sample_data.AS_OF)
    defined = {part.department.casefold(): part.kpis for part in designed.parts}

    # Execution: each workbook with the split definitions and a year of measurements; the
    # departments' made with --company from the management workbook (written first).
    workbooks: dict[str, Path] = {}
    company = None
    for data in departments:
        evaluations = []
        if data.key == sample_data.MANAGEMENT.key:
            evaluations = sample_data.evaluation_records(_final_actuals(data), language)
        kpis = [_fresh(k) for k in defined[data.department.casefold()]]
        workbooks[data.key] = write_template(
            paths[data.key], department=data.department, owner=data.owner, language=language, formulas=formulas,
            start=sample_data.FISCAL_START, deadline=sample_data.FISCAL_END, kpis=kpis,
            measurements=data.measurements, evaluations=evaluations, as_of=sample_data.AS_OF, force=force,
            company=company)
        if company is None:
            company = read_company(workbooks[data.key], as_of=sample_data.AS_OF)

    report = validate(list(workbooks.values()), as_of=sample_data.AS_OF, strict=False,
                      company=workbooks[sample_data.MANAGEMENT.key])
    if report.errors:
        raise ValidationFailed("the demo workbooks do not validate (please report this):\n  "
                               + "\n  ".join(str(f) for f in report.errors), report=report)

    # Evaluation: the company workbook, and the same tables as CSV.
    consolidation = consolidate(list(workbooks.values()), paths["company"], as_of=sample_data.AS_OF,
                                csv_dir=folder / CSV_DIR, language=language, force=force)

    # Re-design: the management's decisions carried into next year's workbook.
    rolled = rollover(workbooks[sample_data.MANAGEMENT.key], paths["next-period"], force=force)

    company_kpis = [CompanyKpi(line.record.kpi_id, line.record.name or line.record.kpi_id, line.attainment,
                               line.status, line.rollup_score)
                    for line in consolidation.company.kpis if line.is_high]
    return DemoResult(directory=folder, language=language, formulas=formulas, workbooks=workbooks,
                      company=Path(consolidation.output), csv_dir=folder / CSV_DIR,
                      csv_files=list(consolidation.csv_files), next_period=paths["next-period"], report=report,
                      rollover_lines=rolled.summary_lines(), company_kpis=company_kpis,
                      seconds=time.perf_counter() - started, plan=paths["plan"],
                      design=[p.path for p in designed.parts if p.path is not None],
                      split_lines=designed.table_lines())


def _fresh(kpi: KpiRecord) -> KpiRecord:
    """Return a KPI read from a workbook as a record to write: no place, no extra columns."""
    return dataclasses.replace(kpi, place=Place(), extra={}, valid=True)


def _final_actuals(data: sample_data.DepartmentData) -> dict[str, float | None]:
    """Return each KPI's actual at its deadline: what the Evaluation sheet shows as final."""
    grouped: dict[str, list] = {}
    for m in data.measurements:
        grouped.setdefault(kpi_key(m.kpi_id), []).append((m.period_end, m.value))
    return {k.kpi_id: core.evaluate(k.definition(), grouped.get(kpi_key(k.kpi_id), []), k.deadline or sample_data.AS_OF).actual
            for k in data.kpis}


__all__ = ["run_demo", "DemoResult", "CompanyKpi", "demo_paths", "PLAN_FILE", "DESIGN_DIR", "DEPARTMENTS_DIR",
           "COMPANY_FILE", "CSV_DIR", "NEXT_DIR"]
