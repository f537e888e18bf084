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
from datetime import date
from pathlib import Path

from kpixl import core, i18n, sample_data, texts
from kpixl.company import read_company
from kpixl.consolidate import consolidate
from kpixl.errors import OutputError, ValidationFailed
from kpixl.consolidate.history_out import CompanyKpi, company_kpis, kpi_table
from kpixl.model import KpiRecord, Place, Report
from kpixl.rollover import RolloverResult, rollover
from kpixl.split import split
from kpixl.template import write_template
from kpixl.validate import validate
from kpixl.vocab import FormulaMode, Language, kpi_key

PLAN_FILE = "plan.xlsx"
DESIGN_DIR = "design"
DEPARTMENTS_DIR = "departments"
COMPANY_FILE = "company.xlsx"
CSV_DIR = "company-csv"
NEXT_DIR = "next-period"
# Every word the demo prints is in the catalogue (kpixl/locales/*.po): demo.* (its lines) and rollover.*.


def _count(key: str, n: int, language: Language) -> str:
    """Return "1 file" / "3.000 målinger": the count with the language's separators and noun form."""
    return texts.count("demo", key, n, language)


@dataclass
class DemoResult:
    """Describe a finished demo: every file it wrote and the company's KPI status."""

    directory: Path
    language: Language
    formulas: FormulaMode
    workbooks: dict[str, Path]  # department key -> workbook
    company: Path
    csv_dir: Path
    csv_files: list[Path]
    next_period: Path
    report: Report
    rollover_lines: list[str]
    company_kpis: list[CompanyKpi] = field(default_factory=list)
    since: date | None = None  # what the change column compares with
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
        """Return the lines the CLI prints, in the demo's language: the files of each phase and the company KPIs."""
        lang = Language.parse(self.language)
        text = texts.of("demo", lang)
        as_of = sample_data.AS_OF.isoformat()
        report = self.report
        lines = [
            text["title"].format(name=sample_data.COMPANY, year=sample_data.FISCAL_START.year, as_of=as_of,
                                 mode=text[f"mode.{FormulaMode.parse(self.formulas)}"], dir=self.directory),
        ]
        if self.plan is not None:
            lines.append(text["split"].format(plan=self.plan, dir=self.directory / DESIGN_DIR))
            lines.extend(f"  {line}" for line in self.split_lines)
        management = self.workbooks[sample_data.MANAGEMENT.key]
        lines.append(text["design"].format(company=management.name))
        width = max(len(key) for key in self.workbooks)
        lines.extend(f"  {key.ljust(width)}  {path}" for key, path in self.workbooks.items())
        lines.append(text["validation"].format(
            files=_count("validation.files", len(report.files), lang),
            kpis=_count("validation.kpis", report.kpi_count, lang),
            measurements=_count("validation.measurements", report.measurement_count, lang),
            errors=_count("validation.errors", len(report.errors), lang),
            warnings=_count("validation.warnings", len(report.warnings), lang)))
        lines.append(text["late"].format(dept=sample_data.CUSTOMER_SERVICE.name.get(lang),
                                         late=sample_data.LATE_CUTOFF.isoformat(),
                                         dir=self.directory / DEPARTMENTS_DIR, as_of=as_of, company=management))
        lines.append(text["evaluation"].format(path=self.company))
        lines.append(text["csv"].format(dir=self.csv_dir, files=_count("csv.files", len(self.csv_files), lang)))
        lines.append(text["redesign"].format(path=self.next_period))
        lines.extend(self.rollover_lines)
        lines.append(text["company"].format(as_of=as_of))
        lines.extend(f"  {row}" for row in self.status_table())
        lines.append(text["done"].format(seconds=i18n.format_number(self.seconds, lang, 1)))
        return lines

    def status_table(self) -> list[str]:
        """Return the company KPIs as aligned text rows: ID, name, attainment, status, roll-up, change."""
        return kpi_table(self.company_kpis, self.language, self.since)


def _rollover_lines(rolled: RolloverResult, language: Language) -> list[str]:
    """Return the rollover's counts, new period and warnings as the demo prints them, in ``language``.

    They are rollover's own summary lines without the headline (the demo names the file
    itself); the warnings are findings, already said in Danish for a Danish workbook.
    """
    return [f"  {line}" for line in rolled.summary_lines(language)[1:]]


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


def run_demo(directory: Path | str, *, language: object = Language.EN, formulas: object = FormulaMode.NATIVE,
             force: bool = False) -> DemoResult:
    """Run the whole KPI cycle on the sample company into ``directory`` and return what it wrote.

    ``language`` and ``formulas`` are parsed here (:class:`~kpixl.vocab.Language`,
    :class:`~kpixl.vocab.FormulaMode`; an unknown one raises DefinitionError).
    Refuses to overwrite the files of an earlier demo unless ``force``.
    """
    started = time.perf_counter()
    language = Language.parse(language)
    formulas = FormulaMode.parse(formulas)
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
            company=company, comments=sample_data.comment_records(data, language))
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

    consolidated = consolidation.company
    return DemoResult(directory=folder, language=language, formulas=formulas, workbooks=workbooks,
                      company=paths["company"], csv_dir=folder / CSV_DIR,
                      csv_files=list(consolidation.csv_files), next_period=paths["next-period"], report=report,
                      rollover_lines=_rollover_lines(rolled, language), company_kpis=company_kpis(consolidated),
                      since=consolidated.history.since, seconds=time.perf_counter() - started, plan=paths["plan"],
                      design=[p.path for p in designed.parts if p.path is not None],
                      split_lines=designed.table_lines(language))


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


__all__ = ["run_demo", "DemoResult", "CompanyKpi", "demo_paths", "PLAN_FILE", "DESIGN_DIR", "DEPARTMENTS_DIR", "COMPANY_FILE", "CSV_DIR",
           "NEXT_DIR"]
