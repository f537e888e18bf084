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
from typing import TYPE_CHECKING

from kpixl import core, i18n, sample_data
from kpixl.errors import DefinitionError, OutputError, ValidationFailed
from kpixl.history import CompanyKpi, company_kpis, kpi_table
from kpixl.model import KpiRecord, Place, Report
from kpixl.vocab import kpi_key

if TYPE_CHECKING:
    from kpixl.rollover import RolloverResult

PLAN_FILE = "plan.xlsx"
DESIGN_DIR = "design"
DEPARTMENTS_DIR = "departments"
COMPANY_FILE = "company.xlsx"
CSV_DIR = "company-csv"
NEXT_DIR = "next-period"
FORMULA_MODES = ("xlwings", "native")

# The console lines of the demo, per language. Numbers are filled in already formatted
# (kpixl.i18n); dates stay ISO 8601, as the command line takes them. In English the
# validation and rollover lines are the library's own summaries (Report.summary,
# RolloverResult.summary_lines), which are English.
_LINES = {
    "en": {
        "title": "Demo of the KPI cycle for {name} (fiscal year {year}, as of {as_of}, English, {mode}) in {dir}",
        "native": "native formulas", "xlwings": "xlwings formulas",
        "split": "Design: the company plan {plan}, split into {dir} (kpixl split):",
        "design": "Execution: a year of measurements in each workbook; the departments' Parent KPI ID dropdowns "
                  "offer the company KPIs of {company} (kpixl template --company)",
        "validation": "Validation against the company KPIs: {summary}",
        "late": "  ({dept} submitted late: no measurements after {late}; the warnings are listed by "
                "kpixl validate --company {company} {dir} --as-of {as_of})",
        "evaluation": "Evaluation: company workbook {path}",
        "csv": "  CSV tables in {dir} ({files})",
        "redesign": "Re-design: next period's management workbook {path}",
        "company": "Company KPIs as of {as_of}:",
        "done": "Done in {seconds} s",
    },
    "da": {
        "title": "Demo af KPI-cyklussen for {name} (regnskabsår {year}, opgjort {as_of}, dansk, {mode}) i {dir}",
        "native": "almindelige Excel-formler", "xlwings": "xlwings-formler",
        "split": "Design: virksomhedens plan {plan}, delt op i {dir} (kpixl split):",
        "design": "Udførelse: et års målinger i hver projektmappe; afdelingernes rullelister i Overordnet KPI-ID "
                  "tilbyder virksomhedens KPI'er fra {company} (kpixl template --company)",
        "validation": "Validering mod virksomhedens KPI'er: {files}, {kpis}, {measurements}: {errors}, {warnings}",
        "late": "  ({dept} afleverede for sent: ingen målinger efter {late}; advarslerne vises af "
                "kpixl validate --company {company} {dir} --as-of {as_of})",
        "evaluation": "Evaluering: virksomhedens projektmappe {path}",
        "csv": "  CSV-tabeller i {dir} ({files})",
        "redesign": "Re-design: ledelsens projektmappe for næste periode {path}",
        "decisions": "  {kpis}: {kept} beholdt, {adjusted} justeret, {retired} udfaset, {undecided} uden "
                     "beslutning (beholdt)",
        "period": "  Ny periode: {start} til {deadline}",
        "periods": "  Nye perioder: {count} forskellige perioder (se arket KPI'er)",
        "warning": "  Advarsel: {text}",
        "company": "Virksomhedens KPI'er pr. {as_of}:",
        "done": "Færdig på {seconds} s",
    },
}

# Counted nouns: (singular, plural) per language.
_NOUNS = {
    "file": {"en": ("file", "files"), "da": ("fil", "filer")},
    "kpi": {"da": ("KPI", "KPI'er")},
    "measurement": {"da": ("måling", "målinger")},
    "error": {"da": ("fejl", "fejl")},
    "warning": {"da": ("advarsel", "advarsler")},
}


def _count(n: int, noun: str, lang: str) -> str:
    """Return "1 file" / "3.000 målinger": the count with the language's separators and noun form."""
    singular, plural = _NOUNS[noun][lang]
    return f"{i18n.format_number(n, lang)} {singular if n == 1 else plural}"


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
        lang = "da" if self.language == "da" else "en"
        text = _LINES[lang]
        as_of = sample_data.AS_OF.isoformat()
        report = self.report
        lines = [
            text["title"].format(name=sample_data.COMPANY[lang], year=sample_data.FISCAL_START.year, as_of=as_of,
                                 mode=text[self.formulas], dir=self.directory),
        ]
        if self.plan is not None:
            lines.append(text["split"].format(plan=self.plan, dir=self.directory / DESIGN_DIR))
            lines.extend(f"  {line}" for line in self.split_lines)
        management = self.workbooks[sample_data.MANAGEMENT.key]
        lines.append(text["design"].format(company=management.name))
        width = max(len(key) for key in self.workbooks)
        lines.extend(f"  {key.ljust(width)}  {path}" for key, path in self.workbooks.items())
        if lang == "en":
            lines.append(text["validation"].format(summary=report.summary()))
        else:
            lines.append(text["validation"].format(
                files=_count(len(report.files), "file", lang), kpis=_count(report.kpi_count, "kpi", lang),
                measurements=_count(report.measurement_count, "measurement", lang),
                errors=_count(len(report.errors), "error", lang),
                warnings=_count(len(report.warnings), "warning", lang)))
        lines.append(text["late"].format(dept=sample_data.CUSTOMER_SERVICE.name.get(lang),
                                         late=sample_data.LATE_CUTOFF.isoformat(),
                                         dir=self.directory / DEPARTMENTS_DIR, as_of=as_of, company=management))
        lines.append(text["evaluation"].format(path=self.company))
        lines.append(text["csv"].format(dir=self.csv_dir, files=_count(len(self.csv_files), "file", lang)))
        lines.append(text["redesign"].format(path=self.next_period))
        lines.extend(self.rollover_lines)
        lines.append(text["company"].format(as_of=as_of))
        lines.extend(f"  {row}" for row in self.status_table())
        lines.append(text["done"].format(seconds=i18n.format_number(self.seconds, lang, 1)))
        return lines

    def status_table(self) -> list[str]:
        """Return the company KPIs as aligned text rows: ID, name, attainment, status, roll-up, change."""
        return kpi_table(self.company_kpis, self.language, self.since)


def _rollover_lines(rolled: RolloverResult, lang: str) -> list[str]:
    """Return the rollover's counts, new period and warnings as the demo prints them, in ``lang``.

    The warnings are rollover's own messages, printed as rollover words them.
    """
    if lang != "da":
        return [f"  {line}" for line in rolled.summary_lines()[1:]]  # rollover's own English lines
    text = _LINES[lang]
    lines = [text["decisions"].format(
        kpis=_count(len(rolled.kept) + len(rolled.adjusted) + len(rolled.retired) + len(rolled.undecided), "kpi",
                    lang),
        kept=len(rolled.kept), adjusted=len(rolled.adjusted), retired=len(rolled.retired),
        undecided=len(rolled.undecided))]
    periods = sorted({(k.start, k.deadline) for k in rolled.kpis}, key=lambda p: (str(p[0]), str(p[1])))
    if len(periods) == 1:
        start, deadline = periods[0]
        lines.append(text["period"].format(start=_day(start), deadline=_day(deadline)))
    elif periods:
        lines.append(text["periods"].format(count=len(periods)))
    # Rollover's warnings are findings, already said in Danish for a Danish workbook.
    lines.extend(text["warning"].format(text=f"{w.place}: {w.code}: {w.message}") for w in rolled.warnings)
    return lines


def _day(value) -> str:
    return value.isoformat() if value is not None else "-"


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

    consolidated = consolidation.company
    return DemoResult(directory=folder, language=language, formulas=formulas, workbooks=workbooks,
                      company=Path(consolidation.output), csv_dir=folder / CSV_DIR,
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
