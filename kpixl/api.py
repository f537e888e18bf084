"""Own kpixl's Python API for analysts: workbooks, reports and the company as pandas DataFrames.

Four functions, the command line's commands without the printing (``kpixl validate``,
``consolidate`` and ``template`` call them and only add argument parsing, progress and
printing):

* :func:`read_workbook` reads one department workbook into a :class:`Workbook`;
* :func:`validate` checks files and folders into a :class:`Report`;
* :func:`consolidate` merges them into a :class:`Company`, whose ``to_excel``,
  ``to_csv``, ``to_parquet`` and ``to_json`` write what ``kpixl consolidate`` writes;
* :func:`write_template` writes a department workbook.

The DataFrames' columns are the JSON schema's snake_case keys (docs/consolidate.schema.json),
dates are ``datetime64``, numbers ``float64``, counts integers, and words are canonical
English (``Off track``, ``increase``) whatever the workbooks' language: the values do not
depend on the language, as in JSON and Parquet. Errors raise
:class:`~kpixl.errors.WorkbookError` (a file that cannot be read as a workbook) or
:class:`~kpixl.errors.DefinitionError` (an argument or definition to change), both
:class:`~kpixl.errors.KpixlError`; nothing here prints. pandas is imported here, not by
``import kpixl`` (see ``kpixl/__init__.py``).
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Sequence

# The commands are called as module attributes (validate_command.validate, ...): tests patch them there.
from kpixl import consolidate as consolidate_command
from kpixl import isolation, reader
from kpixl import template as template_command
from kpixl import validate as validate_command
from kpixl.consolidate import CSV_DIALECTS
from kpixl.consolidate.command import csv_targets_in, write_outputs
from kpixl.consolidate.load import _key
from kpixl.errors import DefinitionError, OutputError, ValidationFailed, WorkbookError
from kpixl.consolidate.export import arrow_table, json_document, parquet_tables, parquet_targets
from kpixl.model import ERROR, WARNING, EvaluationRecord, Finding, KpiRecord, MeasurementRecord
from kpixl.output import check_output
from kpixl.validate import _Rules
from kpixl.vocab import Language

if TYPE_CHECKING:
    import pandas as pd

FINDING_COLUMNS = ("file", "sheet", "cell", "severity", "code", "message", "kpi_id")


def _paths(paths: Any) -> list[Path]:
    """Return ``paths`` as a list: one path (file or folder) or many, as on the command line."""
    if isinstance(paths, (str, Path)):
        return [Path(paths)]
    return [Path(p) for p in paths]


def _typed(frame: pd.DataFrame, dates: Iterable[str] = (), numbers: Iterable[str] = ()) -> pd.DataFrame:
    """Return ``frame`` with ``dates`` as datetime64 and ``numbers`` as float64 (blanks NaT/NaN)."""
    import pandas as pd

    for column in dates:
        frame[column] = pd.to_datetime(frame[column])
    for column in numbers:
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    return frame


def findings_frame(findings: Sequence[Finding]) -> pd.DataFrame:
    """Return findings as a DataFrame: file, sheet, cell, severity, code, message, kpi_id (the finding's facts)."""
    import pandas as pd

    rows = [(f.place.path, f.place.sheet, f.place.cell, f.severity, f.code, f.message, f.kpi_id) for f in findings]
    return pd.DataFrame(rows, columns=list(FINDING_COLUMNS), dtype=object)


# ------------------------------------------------------------------ one workbook

_KPI_NUMBERS = ("baseline", "target", "tolerance", "green", "amber", "weight")


def _records_frame(records: Sequence[Any], record_type: type, dates: Sequence[str],
                   numbers: Sequence[str]) -> pd.DataFrame:
    """Return records as a DataFrame: their fields (place as cell), then their extra columns ``extra:<header>``."""
    import pandas as pd

    names = [f.name for f in dataclasses.fields(record_type) if f.name not in ("extra", "place", "valid")]
    extras: dict[str, None] = {}
    for record in records:
        for header in getattr(record, "extra", None) or ():
            extras.setdefault(_key(header), None)
    rows = []
    for record in records:
        folded = {_key(h): v for h, v in (getattr(record, "extra", None) or {}).items()}
        rows.append([getattr(record, name) for name in names] + [record.place.sheet, record.place.cell]
                    + [folded.get(key) for key in extras])
    frame = pd.DataFrame(rows, columns=names + ["sheet", "cell"] + [f"extra:{key}" for key in extras], dtype=object)
    return _typed(frame, dates, numbers)


@dataclasses.dataclass
class Workbook:
    """One department workbook as read: its tables as DataFrames, its findings, department and language.

    ``kpis``, ``measurements`` and ``evaluation`` hold one row per table row (canonical
    values: direction ``increase``, decision ``keep``), the row's sheet and first cell,
    then the columns a department added (``extra:<header>``). ``findings`` are in English.
    """

    path: Path
    department: str | None
    language: str
    kpis: pd.DataFrame
    measurements: pd.DataFrame
    evaluation: pd.DataFrame
    findings: pd.DataFrame

    @property
    def ok(self) -> bool:
        """Return True when the workbook has no error finding."""
        return not (self.findings["severity"] == ERROR).any()


def read_workbook(path: str | Path, as_of: date | None = None) -> Workbook:
    """Read and check one department workbook (as ``kpixl validate`` does) into a :class:`Workbook`.

    Raises :class:`~kpixl.errors.WorkbookError` when the file cannot be read as a kpixl
    workbook at all (missing, not an .xlsx, no KPIs table); every other problem is a finding.
    """
    workbook = reader.read_workbook(path)
    _Rules(workbook, as_of or date.today()).run()
    return Workbook(
        path=Path(path), department=workbook.department, language=str(workbook.language),
        kpis=_records_frame(workbook.kpis, KpiRecord, ("start", "deadline"), _KPI_NUMBERS),
        measurements=_records_frame(workbook.measurements, MeasurementRecord, ("period_end",), ("value",)),
        evaluation=_records_frame(workbook.evaluations, EvaluationRecord, (), ("new_target",)),
        findings=findings_frame(workbook.findings))


# ------------------------------------------------------------------ validation

class Report:
    """The findings of checking many workbooks: ``findings`` (a DataFrame), ``ok``, ``errors``, ``warnings``.

    ``files``, ``kpi_count`` and ``measurement_count`` say what was read; ``report`` is
    the :class:`kpixl.model.Report` the command line prints.
    """

    def __init__(self, report: Any) -> None:
        self.report = report
        self.files: list[str] = list(report.files)
        self.kpi_count: int = report.kpi_count
        self.measurement_count: int = report.measurement_count
        self.errors: int = len(report.errors)
        self.warnings: int = len(report.warnings)
        self.ok: bool = report.valid

    @property
    def findings(self) -> pd.DataFrame:
        """Return the findings: file, sheet, cell, severity, code, message, kpi_id."""
        return findings_frame(self.report.findings)

    def __repr__(self) -> str:
        return (f"<Report: {len(self.files)} file(s), {self.errors} error(s), {self.warnings} warning(s), "
                f"ok={self.ok}>")


def validate(paths: Any, as_of: date | None = None, company: str | Path | None = None, jobs: int = 1, *,
             strict: bool = False, recursive: bool = False, language: str | None = "en",
             progress: Callable[[int, int, str], None] | None = None,
             file_timeout: float | None = isolation.DEFAULT_FILE_TIMEOUT,
             memory_limit: int | None = isolation.DEFAULT_MEMORY_LIMIT) -> Report:
    """Check department workbooks (files or folders, as on the command line) into a :class:`Report`.

    ``company`` is a management workbook whose high-level KPIs the parent links are
    checked against; ``jobs`` worker processes read the files. ``ok`` is False when
    anything must be fixed (with ``strict``, warnings too). The messages are in
    ``language`` (English by default; None: the workbooks' own, as the command line says them).
    """
    check = validate_command.validate  # looked up when called: tests patch it there
    found = check(_paths(paths), as_of=as_of, strict=strict, progress=progress, jobs=jobs,
                  file_timeout=file_timeout, memory_limit=memory_limit, recursive=recursive, company=company,
                  language=language)
    return Report(found)


# ------------------------------------------------------------------ the company

_TABLES = ("summary", "kpis", "rollup", "history", "changes", "comments", "actions", "evaluation", "restatements",
           "measurements", "findings", "sources")


class Company:
    """The consolidated company: its tables as DataFrames and the writers of ``kpixl consolidate``'s outputs.

    ``kpis``, ``rollup``, ``history``, ``changes``, ``comments``, ``actions``, ``evaluation``,
    ``restatements``, ``measurements``, ``findings``, ``sources`` and ``summary`` hold the rows of the JSON document and the Parquet files
    (columns keyed as in docs/consolidate.schema.json, canonical values); ``totals`` is
    the company's status counts. ``as_of`` and ``since`` are the dates they are as of.
    """

    def __init__(self, result: Any) -> None:
        self._result = result  # kpixl.consolidate.ConsolidationResult
        self.consolidation = result.company
        self._frames: dict[str, pd.DataFrame] = {}

    @property
    def as_of(self) -> date:
        """Return the date every number is computed as of."""
        return self.consolidation.as_of

    @property
    def since(self) -> date:
        """Return the comparison date of the changes."""
        return self.consolidation.history.since

    @property
    def totals(self) -> dict[str, int]:
        """Return the company's status counts: on_track, at_risk, off_track, not_started, no_data, total."""
        return self.consolidation.summary_totals()

    def table(self, name: str) -> pd.DataFrame:
        """Return the company table ``name`` (one of summary, kpis, rollup, history, changes, comments, actions,
        evaluation, restatements, measurements, findings, sources)."""
        if name not in _TABLES:
            raise DefinitionError(f"unknown table {name!r}; use one of {', '.join(_TABLES)}")
        if name not in self._frames:
            self._frames[name] = arrow_table(self.consolidation, name).to_pandas(date_as_object=False)
        return self._frames[name].copy()

    kpis = property(lambda self: self.table("kpis"), doc="Every KPI with its definition and numbers.")
    rollup = property(lambda self: self.table("rollup"), doc="One row per high-level KPI and child.")
    history = property(lambda self: self.table("history"), doc="Every KPI as of each month-end (tidy).")
    changes = property(lambda self: self.table("changes"), doc="The KPIs whose status changed since ``since``.")
    comments = property(lambda self: self.table("comments"),
                        doc="Every Off track or At risk KPI with its latest comment and open actions.")
    actions = property(lambda self: self.table("actions"), doc="Every open action of the Commentary sheets.")
    evaluation = property(lambda self: self.table("evaluation"), doc="Every Evaluation decision, new target, note.")
    restatements = property(lambda self: self.table("restatements"),
                            doc="Past values and attainments changed since ``previous`` (empty without it).")
    measurements = property(lambda self: self.table("measurements"), doc="Every measurement of the included files.")
    findings = property(lambda self: self.table("findings"), doc="Warnings of included files, findings of skipped.")
    sources = property(lambda self: self.table("sources"), doc="Every input file and whether it was included.")
    summary = property(lambda self: self.table("summary"), doc="Status counts per department (totals apart).")

    def summary_lines(self) -> list[str]:
        """Return what ``kpixl consolidate`` prints when it is done (in the run's language)."""
        return self._result.summary_lines()

    @property
    def written(self) -> list[Path]:
        """Return the files the run wrote (the command line's outputs), in order."""
        result = self._result
        return [p for p in [result.output, *result.csv_files, *result.parquet_files] if p is not None]

    def to_excel(self, path: str | Path, lang: str = "en", *, force: bool = False) -> Path:
        """Write the company workbook (in ``lang``) to ``path`` atomically; refuse an existing file without ``force``."""
        target = check_output(path, force=force, inputs=self._inputs())
        write_outputs(self._in_language(lang), target, force=force, inputs=self._inputs())
        return target

    def to_csv(self, folder: str | Path, dialect: str = "plain", *, lang: str = "en",
               force: bool = False) -> list[Path]:
        """Write every table as CSV into ``folder`` (plain, or excel-da for Danish Excel); return the files."""
        if dialect not in CSV_DIALECTS:
            raise DefinitionError(f"unknown CSV dialect {dialect!r}; use one of {', '.join(CSV_DIALECTS)}")
        targets = csv_targets_in(folder, force, self._inputs())
        write_outputs(self._in_language(lang), None, targets, csv_dialect=dialect, force=force,
                      inputs=self._inputs(), folders=(folder,))
        return [p for _, p in targets]

    def to_parquet(self, folder: str | Path, *, force: bool = False) -> list[Path]:
        """Write every table as typed Parquet into ``folder`` (the summary's total in summary_totals.parquet)."""
        targets = parquet_targets(folder, parquet_tables(), force=force, inputs=self._inputs())
        write_outputs(self.consolidation, None, (), targets, force=force, inputs=self._inputs(), folders=(folder,))
        return [p for _, p in targets]

    def to_json(self) -> str:
        """Return the JSON document of ``kpixl consolidate --format json`` (docs/consolidate.schema.json)."""
        return json.dumps(json_document(self.consolidation), ensure_ascii=False, indent=1, allow_nan=False)

    def _inputs(self) -> list[Path]:
        return [Path(s.path) for s in self.consolidation.sources]

    def _in_language(self, lang: str | None):
        """Return the consolidation said in ``lang`` (the same sources and numbers; only the words change)."""
        language = Language.parse(lang)
        if language == self.consolidation.language:
            return self.consolidation
        return dataclasses.replace(self.consolidation, language=language)

    def __repr__(self) -> str:
        totals = self.totals
        return (f"<Company as of {self.as_of.isoformat()}: {len(self.consolidation.included)} file(s), "
                f"{totals['total']} KPI(s), {totals['off_track']} Off track>")


def consolidate(paths: Any, as_of: date | None = None, since: date | None = None, skip_invalid: bool = False,
                jobs: int = 1, *, recursive: bool = False, language: str | None = "en",
                progress: Callable[[int, int, str], None] | None = None,
                file_timeout: float | None = isolation.DEFAULT_FILE_TIMEOUT,
                memory_limit: int | None = isolation.DEFAULT_MEMORY_LIMIT,
                output: str | Path | None = None, csv_dir: str | Path | None = None,
                csv_dialect: str | None = None, parquet_dir: str | Path | None = None,
                force: bool = False, previous: str | Path | None = None) -> Company:
    """Check and merge department workbooks (files or folders) into a :class:`Company`.

    Raises :class:`~kpixl.errors.ValidationFailed` (a :class:`~kpixl.errors.KpixlError`)
    naming the errors when an input is invalid, unless ``skip_invalid`` leaves such files
    out. ``language`` is that of the words the company workbook and the messages use
    (``"en"``; None: the workbooks' own); the DataFrames never depend on it.

    ``output``, ``csv_dir`` and ``parquet_dir`` write the command line's outputs in the
    same pass (checked before any file is read, written atomically, the workbook's rows
    streamed while the inputs are read): what ``kpixl consolidate`` does. ``previous``, last
    month's company workbook as presented, fills ``restatements`` (``--previous``).
    """
    run = consolidate_command.consolidate  # the command, looked up when called (tests patch it there)
    result = run(_paths(paths), output, as_of=as_of, skip_invalid=skip_invalid, csv_dir=csv_dir, jobs=jobs,
                 language=language, force=force, csv_dialect=csv_dialect, progress=progress,
                 file_timeout=file_timeout, memory_limit=memory_limit, recursive=recursive, since=since,
                 parquet_dir=parquet_dir, previous=previous)
    return Company(result)


# ------------------------------------------------------------------ a template

def write_template(path: str | Path, **options: Any) -> Path:
    """Write a department workbook to ``path`` with ``kpixl template``'s options as keywords; return the path.

    ``department``, ``owner``, ``language`` or ``lang`` (``"en"``/``"da"``), ``formulas``
    (``"native"``/``"xlwings"``), ``start``, ``deadline`` (dates), ``examples``, ``rows``,
    ``measurement_rows``, ``company`` (a management workbook) and ``force``. Refuses an
    existing file without ``force`` (:class:`~kpixl.errors.OutputError`).
    """
    if "lang" in options:  # the command line's --lang
        options["language"] = options.pop("lang")
    return template_command.write_template(path, **options)


__all__ = ["read_workbook", "validate", "consolidate", "write_template", "Workbook", "Report", "Company",
           "findings_frame", "WorkbookError", "DefinitionError", "OutputError", "ValidationFailed", "ERROR",
           "WARNING"]
