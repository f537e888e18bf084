"""Own ``kpixl consolidate``: inputs in, the company workbook (and CSV and Parquet tables) out, atomically.

:func:`consolidate` collects the inputs, refuses outputs that exist (without ``force``)
or are inputs before any work, loads the sources (:mod:`.load`) while the Measurements
rows are already written, applies the cross-file rules (:mod:`.rules`) and writes every
output through :func:`kpixl.output.atomic_output`: nothing is written when the inputs are
invalid, and a failed run leaves no file behind.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable, Sequence

from kpixl import core, isolation
from kpixl import history as _history
from kpixl.consolidate.csvfiles import write_csv_table
from kpixl.consolidate.load import load_sources
from kpixl.consolidate.rules import consolidate_sources
from kpixl.consolidate.tables import STATUSES, TABLES, Consolidation, say, sheet_name
from kpixl.consolidate.write import _CompanyWriter, write_company_workbook
from kpixl.errors import DefinitionError, ValidationFailed
from kpixl.model import WARNING, Finding, left_out_summary
from kpixl.output import atomic_output, check_output, folder_targets
from kpixl.vocab import Language


# -------------------------------------------------------------- the command

@dataclass
class ConsolidationResult:
    """Describe a finished consolidation: where it went and what it held."""

    output: Path
    company: Consolidation
    seconds: float
    csv_files: list[Path] = field(default_factory=list)
    parquet_files: list[Path] = field(default_factory=list)

    def summary_lines(self) -> list[str]:
        """Return the closing summary: files, KPIs, measurements, status counts, time and skipped files."""
        company = self.company
        lang = "en"
        counts = company.status_counts()[None]  # type: ignore[index]
        lines = [
            f"Wrote {self.output}: {len(company.included)} file(s), {len(company.kpis)} KPI(s), "
            f"{company.measurement_count} measurement(s) as of {company.as_of.isoformat()}",
            "Status: " + ", ".join(f"{counts[s]} {core.word('status', s, lang)}" for s in STATUSES),
        ]
        warnings = [f for s in company.included for f in s.findings if f.severity == WARNING]
        if warnings:
            # A warning can explain a striking number (2.1 typed for 2.1%): say they exist and where.
            lines.append(f"{len(warnings)} warning(s) in the included files, listed on the Findings sheet "
                         f"(kpixl validate prints them): " + ", ".join(_codes_counted(warnings)))
        # An extra column named as one of the company workbook's own is headed apart: say so.
        lines.extend(say("extra_renamed", lang, header=header, renamed=renamed, sheet=sheet_name(table, lang))
                     for table, header, renamed in company.renamed_extra_columns())
        if self.csv_files:
            lines.append(f"Wrote {len(self.csv_files)} CSV file(s) to {self.csv_files[0].parent}")
        if self.parquet_files:
            lines.append(f"Wrote {len(self.parquet_files)} Parquet file(s) to {self.parquet_files[0].parent}")
        skipped = company.skipped
        if skipped:
            lines.append(f"Skipped {len(skipped)} invalid file(s):")
            lines.extend(f"  {s.path}: {s.reason}" for s in skipped)
        if company.left_out:
            lines.append(f"{left_out_summary(company.left_out)}:")
            lines.extend(f"  {f.place.path}: {f.code}: {f.message}" for f in company.left_out)
        lines.append(f"Done in {self.seconds:.1f} s")
        return lines + self.kpi_table_lines()

    def kpi_table_lines(self) -> list[str]:
        """Return the company (high-level) KPIs table: ID, name, attainment, status, roll-up, change."""
        company = self.company
        kpis = _history.company_kpis(company)
        if not kpis:
            return []
        since = company.history.since
        lines = [f"Company KPIs as of {company.as_of.isoformat()}:"] + [
            f"  {row}" for row in _history.kpi_table(kpis, "en", since)]
        lost = sorted({name for line in company.kpis for name, _n in line.lost_from})
        if lost:
            lines.append(_history.say("incomplete_note", "en", files=", ".join(lost)))
        return lines


def _codes_counted(findings: Sequence[Finding]) -> list[str]:
    """Return ``KPX407 x2``-style counts of the findings' codes, most frequent first."""
    counts = Counter(f.code for f in findings)
    return [f"{code} x{n}" if n > 1 else code for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def consolidate(paths: Sequence[Path | str], output: Path | str, *, as_of: date | None = None,
                skip_invalid: bool = False, csv_dir: Path | str | None = None, jobs: int = 1,
                language: str = "en", force: bool = False, csv_dialect: str | None = None,
                progress: Callable[[int, int, str], None] | None = None,
                file_timeout: float | None = isolation.DEFAULT_FILE_TIMEOUT,
                memory_limit: int | None = isolation.DEFAULT_MEMORY_LIMIT,
                recursive: bool = False, since: date | None = None,
                parquet_dir: Path | str | None = None) -> ConsolidationResult:
    """Validate department workbooks and write the company workbook (and CSV tables) atomically.

    Each input is parsed in a worker process (see :func:`load_sources`).

    Raises ValidationFailed (nothing written) when an input is invalid, unless
    ``skip_invalid`` leaves such files out; OutputError for an output that exists
    (without ``force``) or is an input. What folders hold that is not read (other files;
    subfolders without ``recursive``) is listed in the summary and the Findings sheet.
    ``csv_dialect``: plain or excel-da (default: excel-da for Danish, else plain).
    ``since`` is the comparison date of the status changes (default: the month-end before
    ``as_of``); ``parquet_dir`` also writes the tables as Parquet (:mod:`kpixl.export`).
    """
    from kpixl.export import parquet_targets
    from kpixl.reader import collect_inputs

    started = time.perf_counter()
    as_of = as_of or date.today()
    language = Language.parse(language)
    if since is not None and since >= as_of:
        raise DefinitionError(f"--since {since.isoformat()} is not before the as-of date {as_of.isoformat()}; "
                              "give an earlier date")
    collected = collect_inputs(list(paths), recursive=recursive)
    inputs = collected.files
    if not inputs:
        shown = ", ".join(str(p) for p in paths) or "(none)"
        not_read = "".join(f"; {f.place.path}: {f.message}" for f in collected.left_out[:5])
        raise ValidationFailed(f"{shown}: no .xlsx or .xlsm workbooks to consolidate; give the department "
                               f"workbooks or the folder that holds them{not_read}")
    target = check_output(output, force=force, inputs=inputs)
    csv_targets = _csv_targets(csv_dir, force, inputs)
    parquet = parquet_targets(parquet_dir, list(TABLES), force=force, inputs=inputs)

    # Worker processes read (one ahead even with --jobs 1), so this one writes the measurement
    # rows meanwhile (into a workbook that is only written to disk at the end, and dropped if
    # an input is left out).
    writer = _CompanyWriter(os.devnull, language, streaming=True) if len(inputs) > 1 else None
    sources = load_sources(inputs, as_of, jobs=jobs, progress=progress,
                           on_source=writer.stream if writer is not None else None,
                           file_timeout=file_timeout, memory_limit=memory_limit)
    company = consolidate_sources(sources, as_of, skip_invalid=skip_invalid, language=language)
    company.left_out = collected.left_out
    company.since = since

    created_dir = None
    if csv_dir is not None and not Path(csv_dir).exists():
        Path(csv_dir).mkdir(parents=True)
        created_dir = Path(csv_dir)
    created_parquet = _made_folder(parquet_dir)
    try:
        with contextlib.ExitStack() as stack:
            temp = stack.enter_context(atomic_output(target, force=force, inputs=inputs))
            if writer is not None and writer.fits(company):
                writer.finish(company, temp)
            else:
                write_company_workbook(company, temp)
            for table, csv_path in csv_targets:
                temp_csv = stack.enter_context(atomic_output(csv_path, force=force, inputs=inputs))
                write_csv_table(company, table, temp_csv, csv_dialect)
            for table, parquet_path in parquet:
                from kpixl.export import write_parquet_table

                temp_parquet = stack.enter_context(atomic_output(parquet_path, force=force, inputs=inputs))
                write_parquet_table(company, table, temp_parquet)
    except BaseException:
        for folder in (created_dir, created_parquet):
            if folder is not None:
                with contextlib.suppress(OSError):
                    folder.rmdir()
        raise
    return ConsolidationResult(output=target, company=company, seconds=time.perf_counter() - started,
                               csv_files=[p for _, p in csv_targets], parquet_files=[p for _, p in parquet])


def _made_folder(folder: Path | str | None) -> Path | None:
    """Create ``folder`` if it is missing and return it (so a failed run can remove it), else None."""
    if folder is None or Path(folder).exists():
        return None
    Path(folder).mkdir(parents=True)
    return Path(folder)


def _csv_targets(csv_dir: Path | str | None, force: bool, inputs: Sequence[Path]) -> list[tuple[str, Path]]:
    """Return (table, path) of each CSV file, refusing existing files without force before any work."""
    if csv_dir is None:
        return []
    return folder_targets(csv_dir, [(table, spec.csv) for table, spec in TABLES.items()], "--csv", force=force,
                          inputs=inputs)


