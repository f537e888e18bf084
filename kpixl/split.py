"""Own ``kpixl split``: one company plan into a management workbook and one workbook per department.

A *plan* is a workbook in kpixl's format whose KPIs table holds the company's
high-level KPIs and the low-level KPIs of many departments (``Department``
column). :func:`split` is the reverse of ``consolidate``: it writes, through
:func:`kpixl.template.write_template`, the management workbook (every
high-level KPI, plus the low-level KPIs of the management department itself)
and one pre-filled workbook per department (its KPIs with owners and SMART
texts), all in the plan's language and formula mode, with empty Measurements.
Consolidating the written files gives back the plan's KPI definitions.

:func:`plan_parts` decides what goes where without writing anything, so other
commands (``demo``, ``template --company``) can reuse the grouping;
:func:`safe_file_stem` and :func:`unique_stems` make file names that every OS
accepts. The plan is only read; every output is written to a temporary file,
validated, and moved into place only when all of them are complete.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Sequence

from kpixl import danish, schema, texts
from kpixl.company import Company, sha256_of
from kpixl.errors import OutputError, ValidationFailed
from kpixl.model import ERROR, WARNING, DepartmentWorkbook, Finding, KpiRecord, PhasingRecord, Place, Report
from kpixl.output import atomic_output, check_output
from kpixl.rollover import workbook_formulas
from kpixl.template import write_template
from kpixl.validate import check_workbook
from kpixl.vocab import Language

E_NO_DEPARTMENT = "KPX801"
W_DEPARTMENT_SPELLING = "KPX802"
W_MEASUREMENTS_NOT_COPIED = "KPX803"
W_EVALUATIONS_NOT_COPIED = "KPX804"
W_EXTRA_COLUMNS_NOT_COPIED = "KPX805"
E_NO_KPIS = "KPX806"
W_NO_HIGH_LEVEL = "KPX807"

# How many of the plan's errors the refusal lists before "and N more".
ERRORS_SHOWN = 10

# Characters no file name may hold on Windows (and "/" nowhere): replaced by "-".
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
# Names Windows reserves for devices, with any extension ("CON.xlsx" is a device too).
RESERVED_NAMES = frozenset({"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
                           | {f"{d}{n}" for d in ("COM", "LPT") for n in "123456789¹²³"})
# Characters of a stem: well under every file system's 255, leaving room for " (99)" and the folder.
MAX_STEM = 80


# ------------------------------------------------------------------ file names

def safe_file_stem(name: str, fallback: str = "department") -> str:
    """Return ``name`` as a file name stem that Windows, macOS and Linux accept.

    Letters of any language are kept (``Kundeservice Øst``); the characters
    ``< > : " / \\ | ? *`` and control characters become ``-``; runs of spaces
    shrink to one; leading and trailing dots and spaces go (Windows drops them,
    a leading dot hides the file); a leading ``~`` goes (``~$`` is an Excel lock
    file, which kpixl skips); a device name such as ``CON`` or ``LPT1`` gets a
    ``_``; the result is cut to :data:`MAX_STEM` characters.
    """
    text = unicodedata.normalize("NFC", str(name))
    text = _UNSAFE.sub("-", text)
    text = " ".join(text.split())
    text = text.strip(" .").lstrip("~").strip(" .")
    text = text[:MAX_STEM].rstrip(" .")
    if not text:
        text = fallback
    if text.split(".", 1)[0].strip().upper() in RESERVED_NAMES:
        first, dot, rest = text.partition(".")
        text = f"{first}_{dot}{rest}"
    return text


def unique_stems(names: Sequence[str], taken: Sequence[str] = ()) -> list[str]:
    """Return a safe stem for each of ``names``, distinct ignoring case (Windows and macOS ignore it).

    A later name whose stem is already used (by an earlier one or by ``taken``) gets
    `` (2)``, `` (3)``... in order.
    """
    used = {_fold(t) for t in taken}
    stems = []
    for name in names:
        stem = safe_file_stem(name)
        candidate, n = stem, 1
        while _fold(candidate) in used:
            n += 1
            candidate = f"{stem} ({n})"
        used.add(_fold(candidate))
        stems.append(candidate)
    return stems


def _fold(text: str | None) -> str:
    """Return text folded for comparing names: case, Unicode form and spacing ignored."""
    return " ".join(unicodedata.normalize("NFC", str(text or "")).split()).casefold()


# ------------------------------------------------------------------ planning

@dataclass
class SplitPart:
    """Describe one workbook the plan splits into: its department, KPIs and file."""

    department: str
    kpis: list[KpiRecord]
    management: bool = False
    path: Path | None = None

    @property
    def high_count(self) -> int:
        """Return the number of high-level KPIs."""
        return sum(1 for k in self.kpis if k.level == "high")

    @property
    def owners(self) -> list[str]:
        """Return the distinct owners, in order."""
        seen: dict[str, str] = {}
        for k in self.kpis:
            if k.owner and k.owner.strip():
                seen.setdefault(_fold(k.owner), k.owner.strip())
        return list(seen.values())


_TABLE_COLUMNS = ("file", "department", "kpis", "high", "low", "owners")


@dataclass
class SplitResult:
    """Describe one split: the plan, the files written and the findings."""

    plan: Path
    out_dir: Path
    language: str
    formulas: str
    parts: list[SplitPart] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def table_lines(self, language: object = Language.EN) -> list[str]:
        """Return what was written as an aligned text table (file, department, KPIs, owners) in ``language``."""
        words = texts.of("split", language)
        header = tuple(words[f"table.{column}"] for column in _TABLE_COLUMNS)
        rows = [(p.path.name if p.path else "",
                 words["table.management"].format(department=p.department) if p.management else p.department,
                 str(len(p.kpis)), str(p.high_count), str(len(p.kpis) - p.high_count), str(len(p.owners)))
                for p in self.parts]
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
        numeric = {2, 3, 4, 5}

        def line(cells: Sequence[str]) -> str:
            return "  ".join(c.rjust(w) if i in numeric else c.ljust(w)
                             for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

        return [line(header), line(["-" * w for w in widths]), *(line(r) for r in rows)]

    def summary_lines(self, language: object = Language.EN) -> list[str]:
        """Return the lines the CLI prints, in ``language``: the headline, the table and the findings."""
        language = Language.parse(language)
        total = sum(len(p.kpis) for p in self.parts)
        lines = [texts.text("split", "headline", language, plan=self.plan, dir=self.out_dir,
                            workbooks=texts.count("split", "workbooks", len(self.parts), language),
                            kpis=texts.count("split", "kpis", total, language), language=self.language,
                            formulas=self.formulas)]
        lines.extend(self.table_lines(language))
        lines.extend(str(f) for f in self.findings)
        return lines


def management_name(workbook: DepartmentWorkbook) -> str:
    """Return the management workbook's department.

    The one Department all its high-level KPIs name (their rows say whose they are),
    else the plan's stored department, else Management (Danish: Ledelse). The stored
    department of a plan is often its title ("Plan 2026"), not a department.
    """
    named = {(k.department or "").strip() for k in workbook.kpis if k.level == "high"}
    if len(named) == 1 and "" not in named:
        return named.pop()
    if workbook.department and workbook.department.strip():
        return workbook.department.strip()
    return texts.text("split", "management", workbook.language)


def plan_parts(workbook: DepartmentWorkbook) -> tuple[list[SplitPart], list[Finding]]:
    """Return the workbooks ``workbook`` (a read plan) splits into, and the findings of the split.

    The management part comes first and holds every high-level KPI and the
    low-level KPIs whose department is the management department; then one
    part per department in the order the plan first names it. Departments match
    ignoring case and spacing; the first spelling names the workbook.
    """
    findings: list[Finding] = []
    head = management_name(workbook)
    management = SplitPart(department=head, kpis=[], management=True)
    parts: dict[str, SplitPart] = {_fold(head): management}
    spellings: dict[str, tuple[str, Place]] = {}
    for kpi in workbook.kpis:
        department = (kpi.department or "").strip()
        if kpi.level == "high":
            management.kpis.append(kpi)
            continue
        if not department:
            findings.append(Finding(E_NO_DEPARTMENT, ERROR, f"KPI {kpi.kpi_id} is not a high-level KPI and has no "
                                    f"Department, so split cannot tell whose workbook it belongs in; type its "
                                    f"department, or Level high for a company KPI", kpi.place, kpi.kpi_id))
            continue
        key = _fold(department)
        first = spellings.setdefault(key, (department, kpi.place))
        if first[0] != department and key != _fold(head):
            findings.append(Finding(W_DEPARTMENT_SPELLING, WARNING, f"department {department!r} of KPI "
                                    f"{kpi.kpi_id} is spelled {first[0]!r} at {first[1].sheet}!{first[1].cell}; both "
                                    f"go into the workbook of {first[0]!r}", kpi.place, kpi.kpi_id))
        parts.setdefault(key, SplitPart(department=department, kpis=[])).kpis.append(kpi)
    if not workbook.kpis:
        findings.append(Finding(E_NO_KPIS, ERROR, "the plan's KPIs table is empty; type the high-level KPIs and "
                                "each department's KPIs (with their Department) first",
                                Place(workbook.path, workbook.sheets.get(schema.KPIS.name))))
    elif not management.high_count:
        findings.append(Finding(W_NO_HIGH_LEVEL, WARNING, "the plan has no high-level KPI (Level high), so the "
                                "management workbook has nothing for the departments' KPIs to roll up to",
                                Place(workbook.path, workbook.sheets.get(schema.KPIS.name))))
    findings.extend(_not_copied(workbook))
    return list(parts.values()), danish.localize(findings, workbook.language)


def _not_copied(workbook: DepartmentWorkbook) -> list[Finding]:
    """Name what the plan holds that the split workbooks do not get (nothing is dropped in silence)."""
    findings = []
    if workbook.measurements:
        first = workbook.measurements[0].place
        findings.append(Finding(W_MEASUREMENTS_NOT_COPIED, WARNING, f"the plan's {len(workbook.measurements)} "
                                f"measurement(s) are not copied: the split workbooks start with empty "
                                f"Measurements", Place(workbook.path, first.sheet, first.cell)))
    typed = [e for e in workbook.evaluations if e.decision or e.new_target is not None or e.notes]
    if typed:
        first = typed[0].place
        findings.append(Finding(W_EVALUATIONS_NOT_COPIED, WARNING, f"the plan's {len(typed)} evaluation row(s) "
                                f"are not copied: the split workbooks start with an empty Evaluation",
                                Place(workbook.path, first.sheet, first.cell)))
    extras: dict[str, KpiRecord] = {}
    for kpi in workbook.kpis:
        for header in kpi.extra:
            extras.setdefault(header, kpi)
    if extras:
        first = next(iter(extras.values())).place
        findings.append(Finding(W_EXTRA_COLUMNS_NOT_COPIED, WARNING, "the plan's extra KPIs column(s) "
                                + ", ".join(repr(h) for h in extras) + " are not copied into the split workbooks",
                                Place(workbook.path, first.sheet)))
    return findings


# ------------------------------------------------------------------ writing

def split(plan_path: Path | str, out_dir: Path | str, *, force: bool = False,
          as_of: date | None = None) -> SplitResult:
    """Write the management workbook and one workbook per department of the plan into ``out_dir``.

    ``out_dir`` is created when missing. Raises ValidationFailed (nothing written)
    when the plan has errors or a department cannot be placed, OutputError when a
    file to write exists (without ``force``). ``as_of`` is the date the plan is
    validated as of (default today).
    """
    plan, folder = Path(plan_path), Path(out_dir)
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{folder}: is a file; give a folder for the split workbooks")
    workbook = check_workbook(plan, as_of=as_of)
    _refuse_errors(plan, workbook.findings, "cannot split a plan with", workbook)
    parts, findings = plan_parts(workbook)
    _refuse_errors(plan, findings, "cannot split the plan because of", workbook)

    language = Language.parse(workbook.language)  # the reader's: en or da already
    formulas = workbook_formulas(workbook)
    for part, stem in zip(parts, unique_stems([p.department for p in parts])):
        part.path = folder / f"{stem}.xlsx"
    if folder.exists():
        for part in parts:
            check_output(part.path, force=force, inputs=[plan])  # type: ignore[arg-type]
    result = SplitResult(plan=plan, out_dir=folder, language=language, formulas=formulas, parts=parts,
                         findings=findings)

    created = not folder.exists()
    if created:
        folder.mkdir(parents=True)
    try:
        with contextlib.ExitStack() as stack:
            # Every file is written and checked before the first one is moved into place.
            # The management workbook first: the departments' Parent KPI ID dropdowns offer
            # its high-level KPIs and record its name and SHA-256, as template --company does.
            company = None
            for part in sorted(parts, key=lambda p: not p.management):
                temp = stack.enter_context(atomic_output(part.path, force=force, inputs=[plan]))  # type: ignore
                write_part(part, temp, language=language, formulas=formulas,
                           company=None if part.management else company, phasing=workbook.phasing)
                _check_written(temp, part.path)  # type: ignore[arg-type]
                if part.management and part.high_count:
                    company = _company_of(part, temp, language)
    except BaseException:
        if created:
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise
    return result


def write_part(part: SplitPart, path: Path, *, language: str, formulas: str, company: Company | None = None,
               phasing: Sequence[PhasingRecord] = ()) -> Path:
    """Write the workbook of one part to ``path`` (replacing it) with :func:`kpixl.template.write_template`.

    ``company``: the management workbook the part's Parent KPI ID dropdown offers (as
    ``template --company``). ``phasing``: the plan's phasing profiles, which every part gets
    (its KPIs name them; a department may phase a new KPI with any of them).
    """
    periods = {(k.start, k.deadline) for k in part.kpis}
    start, deadline = periods.pop() if len(periods) == 1 else (None, None)
    return write_template(path, department=part.department, language=language, formulas=formulas,
                          start=start, deadline=deadline, rows=max(50, len(part.kpis) + 10), force=True,
                          kpis=[_clean(k) for k in part.kpis], measurements=[], evaluations=[], company=company,
                          phasing=[PhasingRecord(p.profile, p.weights) for p in phasing])


def _company_of(part: SplitPart, written: Path, language: str) -> Company:
    """Return the company (high-level KPIs, final file name, SHA-256) of the management workbook just written."""
    assert part.path is not None
    return Company(path=part.path, sha256=sha256_of(written), kpis=tuple(_clean(k) for k in part.kpis
                                                                          if k.level == "high"), language=language)


def _clean(kpi: KpiRecord) -> KpiRecord:
    """Return the KPI as a fresh record to write: no place and no extra columns of the plan."""
    values = {name: getattr(kpi, name) for name in KpiRecord.__dataclass_fields__
              if name not in ("extra", "place", "valid")}
    return KpiRecord(**values)


def _refuse_errors(plan: Path, findings: list[Finding], what: str, workbook: DepartmentWorkbook) -> None:
    errors = [f for f in findings if f.severity == ERROR]
    if not errors:
        return
    shown = [str(f) for f in errors[:ERRORS_SHOWN]]
    if len(errors) > ERRORS_SHOWN:
        shown.append(f"... and {len(errors) - ERRORS_SHOWN} more (run kpixl validate {plan})")
    head = f"{plan}: {what} {len(errors)} error(s); fix them and run again:"
    report = Report(findings=list(findings), files=[str(plan)], kpi_count=len(workbook.kpis),
                    measurement_count=len(workbook.measurements))
    raise ValidationFailed(head + "\n  " + "\n  ".join(shown), report=report)


def _check_written(temp: Path, target: Path) -> None:
    errors = [f for f in check_workbook(temp).findings if f.severity == ERROR]
    if errors:
        # A bug in kpixl, not in the plan: say so and write nothing.
        raise ValidationFailed(f"{target}: the split workbook would not validate, so nothing "
                               f"was written (please report this): "
                               + "; ".join(f"{f.code}: {f.message}" for f in errors))


__all__ = ["split", "plan_parts", "write_part", "safe_file_stem", "unique_stems", "management_name",
           "SplitPart", "SplitResult", "RESERVED_NAMES"]
