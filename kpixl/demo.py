"""Own ``kpixl demo``: the whole KPI cycle on the built-in sample company, in one folder.

:func:`run_demo` writes the management, Sales, Marketing and Customer Service
workbooks of :mod:`kpixl.sample_data` into ``departments/`` (design and
execution: definitions and a year of measurements; the management's Evaluation
decisions filled in), validates them, consolidates them into ``company.xlsx`` and
``company-csv/`` (evaluation) and rolls the management workbook over into
``next-period/management.xlsx`` (re-design). Every step calls the same library
function as the matching command, so each can be repeated by hand on the files.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from kpixl import core, sample_data
from kpixl.errors import DefinitionError, OutputError, ValidationFailed
from kpixl.history import CompanyKpi, company_kpis, kpi_table
from kpixl.model import Report

DEPARTMENTS_DIR = "departments"
COMPANY_FILE = "company.xlsx"
CSV_DIR = "company-csv"
NEXT_DIR = "next-period"
FORMULA_MODES = ("xlwings", "native")


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
    since: date | None = None  # what the change column compares with
    seconds: float = 0.0

    @property
    def files(self) -> list[Path]:
        """Return every file the demo wrote."""
        return [*self.workbooks.values(), self.company, *self.csv_files, self.next_period]

    def summary_lines(self) -> list[str]:
        """Return the lines the CLI prints: the files of each phase and the company KPIs' status."""
        lang = self.language
        name = sample_data.COMPANY[lang]
        year = sample_data.FISCAL_START.year
        lines = [
            f"Demo of the KPI cycle for {name} (fiscal year {year}, as of {sample_data.AS_OF.isoformat()}, "
            f"{'Danish' if lang == 'da' else 'English'}, {self.formulas} formulas) in {self.directory}",
            "Design and execution: department workbooks with KPIs and a year of measurements",
        ]
        width = max(len(key) for key in self.workbooks)
        lines.extend(f"  {key.ljust(width)}  {path}" for key, path in self.workbooks.items())
        lines.append(f"Validation: {self.report.summary()}")
        late = sample_data.LATE_CUTOFF.isoformat()
        late_name = sample_data.CUSTOMER_SERVICE.name.get(lang)
        lines.append(f"  ({late_name} submitted late: no measurements after {late}; the warnings are listed by "
                     f"kpixl validate {self.directory / DEPARTMENTS_DIR} --as-of {sample_data.AS_OF.isoformat()})")
        lines.append(f"Evaluation: company workbook {self.company}")
        lines.append(f"  CSV tables in {self.csv_dir} ({len(self.csv_files)} files)")
        lines.append(f"Re-design: next period's management workbook {self.next_period}")
        lines.extend(f"  {line}" for line in self.rollover_lines[1:])
        lines.append(f"Company KPIs as of {sample_data.AS_OF.isoformat()}:")
        lines.extend(f"  {row}" for row in self.status_table())
        lines.append(f"Done in {self.seconds:.1f} s")
        return lines

    def status_table(self) -> list[str]:
        """Return the company KPIs as aligned text rows: ID, name, attainment, status, roll-up, change."""
        return kpi_table(self.company_kpis, self.language, self.since)


def demo_paths(directory: Path | str) -> dict[str, Path]:
    """Return every path the demo writes, by name (workbooks by department key)."""
    folder = Path(directory)
    paths = {d.key: folder / DEPARTMENTS_DIR / d.file_name for d in sample_data.DEPARTMENTS}
    paths["company"] = folder / COMPANY_FILE
    paths["next-period"] = folder / NEXT_DIR / sample_data.MANAGEMENT.file_name
    return paths


def _refuse_existing(folder: Path, paths: dict[str, Path], force: bool) -> None:
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{folder}: is a file; give a folder for the demo")
    if force:
        return
    existing = [p for p in paths.values() if p.exists()]
    csv_dir = folder / CSV_DIR
    if csv_dir.is_dir() and any(csv_dir.iterdir()):
        existing.append(csv_dir)
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
    from kpixl.consolidate import consolidate
    from kpixl.rollover import rollover
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

    # Design and execution: each department's definitions and its year of measurements.
    departments = sample_data.company(language)
    workbooks: dict[str, Path] = {}
    for data in departments:
        evaluations = []
        if data.key == sample_data.MANAGEMENT.key:
            evaluations = sample_data.evaluation_records(_final_actuals(data), language)
        workbooks[data.key] = write_template(
            paths[data.key], department=data.department, owner=data.owner, language=language, formulas=formulas,
            start=sample_data.FISCAL_START, deadline=sample_data.FISCAL_END, kpis=data.kpis,
            measurements=data.measurements, evaluations=evaluations, as_of=sample_data.AS_OF, force=force)

    report = validate(list(workbooks.values()), as_of=sample_data.AS_OF, strict=False)
    if report.errors:
        raise ValidationFailed("the demo workbooks do not validate (please report this):\n  "
                               + "\n  ".join(str(f) for f in report.errors), report=report)

    # Evaluation: the company workbook, and the same tables as CSV.
    consolidation = consolidate(list(workbooks.values()), paths["company"], as_of=sample_data.AS_OF,
                                csv_dir=folder / CSV_DIR, language=language, force=force)

    # Re-design: the management's decisions carried into next year's workbook.
    rolled = rollover(workbooks[sample_data.MANAGEMENT.key], paths["next-period"], force=force)

    company = consolidation.company
    return DemoResult(directory=folder, language=language, formulas=formulas, workbooks=workbooks,
                      company=Path(consolidation.output), csv_dir=folder / CSV_DIR,
                      csv_files=list(consolidation.csv_files), next_period=paths["next-period"], report=report,
                      rollover_lines=rolled.summary_lines(), company_kpis=company_kpis(company),
                      since=company.history.since, seconds=time.perf_counter() - started)


def _final_actuals(data: sample_data.DepartmentData) -> dict[str, float | None]:
    """Return each KPI's actual at its deadline: what the Evaluation sheet shows as final."""
    grouped: dict[str, list] = {}
    for m in data.measurements:
        grouped.setdefault(m.kpi_id, []).append((m.period_end, m.value))
    return {k.kpi_id: core.evaluate(k.definition(), grouped.get(k.kpi_id, []), k.deadline or sample_data.AS_OF).actual
            for k in data.kpis}


__all__ = ["run_demo", "DemoResult", "CompanyKpi", "demo_paths", "DEPARTMENTS_DIR", "COMPANY_FILE", "CSV_DIR",
           "NEXT_DIR"]
