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

from kpixl import core, danish, i18n, isolation, texts
from kpixl.consolidate import history_out, meeting
from kpixl.consolidate.history import say as history_say
from kpixl.consolidate.csvfiles import write_csv_table
from kpixl.consolidate.export import parquet_tables, parquet_targets, write_parquet_table
from kpixl.consolidate.load import load_sources
from kpixl.consolidate.previous import compare, read_previous
from kpixl.consolidate.rules import consolidate_sources
from kpixl.consolidate.tables import STATUSES, TABLES, Consolidation, sheet_name, skip_reason
from kpixl.consolidate.write import _CompanyWriter, write_company_workbook
from kpixl.errors import DefinitionError, ValidationFailed
from kpixl.model import WARNING, Finding, left_out_summary
from kpixl.output import atomic_output, check_output, folder_targets
from kpixl.reader import collect_inputs
from kpixl.vocab import Language


# -------------------------------------------------------------- the command

@dataclass
class ConsolidationResult:
    """Describe a finished consolidation: where it went and what it held."""

    output: Path | None
    company: Consolidation
    seconds: float
    csv_files: list[Path] = field(default_factory=list)
    parquet_files: list[Path] = field(default_factory=list)

    def summary_lines(self) -> list[str]:
        """Return the closing summary in the run's language: files, KPIs, measurements, statuses, time, skips."""
        company = self.company
        lang = company.language

        def say(key: str, **values: object) -> str:
            return texts.text("console", key, lang, **values)

        counts = company.status_counts()[None]  # type: ignore[index]
        lines = [
            say("wrote", path=self.output, files=len(company.included), kpis=len(company.kpis),
                measurements=company.measurement_count, as_of=company.as_of.isoformat()),
            say("status", counts=", ".join(f"{counts[s]} {core.word('status', s, lang)}" for s in STATUSES)),
        ]
        warnings = [f for s in company.included for f in s.findings if f.severity == WARNING]
        if warnings:
            # A warning can explain a striking number (2.1 typed for 2.1%): say they exist and where.
            lines.append(say("warnings", n=len(warnings), codes=", ".join(_codes_counted(warnings))))
        # An extra column named as one of the company workbook's own is headed apart: say so.
        lines.extend(texts.text("consolidate", "extra_renamed", lang, header=header, renamed=renamed,
                                sheet=sheet_name(table, lang))
                     for table, header, renamed in company.renamed_extra_columns())
        if self.csv_files:
            lines.append(say("wrote_csv", n=len(self.csv_files), folder=self.csv_files[0].parent))
        if self.parquet_files:
            lines.append(say("wrote_parquet", n=len(self.parquet_files), folder=self.parquet_files[0].parent))
        skipped = company.skipped
        if skipped:
            lines.append(say("skipped", n=len(skipped)))
            lines.extend(f"  {s.path}: {skip_reason(s, lang)}" for s in skipped)
        if company.left_out:
            lines.append(f"{left_out_summary(company.left_out, lang)}:")
            lines.extend(f"  {f.place.path}: {f.code}: {f.message}" for f in danish.localize(company.left_out, lang))
        lines.append(meeting.restatement_line(company, lang))
        lines.extend(f"  {r.kpi_id} {r.period.isoformat()}: {texts.text('consolidate', 'restated.' + r.kind, lang)} "
                     f"{_shown(r.old, r.kind)} -> {_shown(r.new, r.kind)} ({r.source}:{r.cell})"
                     for r in company.restatements[:RESTATEMENTS_SHOWN])
        if len(company.restatements) > RESTATEMENTS_SHOWN:
            lines.append(say("more_restatements", n=len(company.restatements) - RESTATEMENTS_SHOWN))
        lines.append(say("done", seconds=i18n.format_number(self.seconds, lang, 1)))
        return lines + self.kpi_table_lines()

    def kpi_table_lines(self) -> list[str]:
        """Return the company (high-level) KPIs table: ID, name, attainment, status, roll-up, change."""
        company = self.company
        kpis = history_out.company_kpis(company)
        if not kpis:
            return []
        since = company.history.since
        lines = [texts.text("console", "company_kpis", company.language, as_of=company.as_of.isoformat())] + [
            f"  {row}" for row in history_out.kpi_table(kpis, company.language, since)]
        lost = sorted({name for line in company.kpis for name, _n in line.lost_from})
        if lost:
            lines.append(history_say("incomplete_note", company.language, files=", ".join(lost)))
        return lines


# Restatements the console lists (the Restatements sheet has them all).
RESTATEMENTS_SHOWN = 10


def _shown(value: float | None, kind: str) -> str:
    if value is None:
        return "(none)"
    return f"{value:.1%}" if kind == "attainment" else f"{value:g}"


def _codes_counted(findings: Sequence[Finding]) -> list[str]:
    """Return ``KPX407 x2``-style counts of the findings' codes, most frequent first."""
    counts = Counter(f.code for f in findings)
    return [f"{code} x{n}" if n > 1 else code for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def consolidate(paths: Sequence[Path | str], output: Path | str | None, *, as_of: date | None = None,
                skip_invalid: bool = False, csv_dir: Path | str | None = None, jobs: int = 1,
                language: str | None = None, force: bool = False, csv_dialect: str | None = None,
                progress: Callable[[int, int, str], None] | None = None,
                file_timeout: float | None = isolation.DEFAULT_FILE_TIMEOUT,
                memory_limit: int | None = isolation.DEFAULT_MEMORY_LIMIT,
                recursive: bool = False, since: date | None = None,
                parquet_dir: Path | str | None = None, previous: Path | str | None = None) -> ConsolidationResult:
    """Validate department workbooks and write the company workbook (and CSV tables) atomically.

    Each input is parsed in a worker process (see :func:`load_sources`). Without ``output``
    (nor ``csv_dir``, ``parquet_dir``) nothing is written: the result holds the company
    (what :func:`kpixl.api.consolidate` returns as a :class:`kpixl.api.Company`).

    Raises ValidationFailed (nothing written) when an input is invalid, unless
    ``skip_invalid`` leaves such files out; OutputError for an output that exists
    (without ``force``) or is an input. What folders hold that is not read (other files;
    subfolders without ``recursive``) is listed in the summary and the Findings sheet.
    ``csv_dialect``: plain or excel-da (default: excel-da for Danish, else plain).
    ``since`` is the comparison date of the status changes (default: the month-end before
    ``as_of``); ``parquet_dir`` also writes the tables as Parquet (:mod:`kpixl.consolidate.export`).
    ``previous``, last month's company workbook, lists every past value and month-end
    attainment that changed since it was presented (:mod:`.previous`), and the change since
    last month is measured against it.
    """
    started = time.perf_counter()
    as_of = as_of or date.today()
    language = None if language is None else Language.parse(language)
    if since is not None and since >= as_of:
        raise DefinitionError(f"--since {since.isoformat()} is not before the as-of date {as_of.isoformat()}; "
                              "give an earlier date")
    collected = collect_inputs(list(paths), recursive=recursive)
    inputs = collected.files
    if not inputs:
        shown = ", ".join(str(p) for p in paths) or "(none)"
        not_read = "".join(f"; {f.place.path}: {f.message}" for f in collected.left_out[:5])
        raise ValidationFailed(texts.text("console", "no_inputs", language or Language.EN, paths=shown) + not_read,
                               language=language or Language.EN)
    # Checked before any input is read, so in --lang's language (English without it).
    target = check_output(output, force=force, inputs=inputs, language=language) if output is not None else None
    csv_targets = csv_targets_in(csv_dir, force, inputs, language)
    parquet = parquet_targets(parquet_dir, parquet_tables(), force=force, inputs=inputs, language=language)
    presented = read_previous(previous)

    # Worker processes read (one ahead even with --jobs 1), so this one writes the measurement
    # rows meanwhile (into a workbook that is only written to disk at the end, and dropped if
    # an input is left out).
    streamer = _Streamer(language) if len(inputs) > 1 and target is not None else None
    sources = load_sources(inputs, as_of, jobs=jobs, progress=progress,
                           on_source=streamer.stream if streamer is not None else None,
                           file_timeout=file_timeout, memory_limit=memory_limit)
    writer = streamer.writer if streamer is not None else None
    company = consolidate_sources(sources, as_of, skip_invalid=skip_invalid, language=language)
    company.left_out = collected.left_out
    company.since = since
    compare(company, presented)

    write_outputs(company, target, csv_targets, parquet, writer=writer, csv_dialect=csv_dialect, force=force,
                  inputs=inputs, folders=(csv_dir, parquet_dir))
    return ConsolidationResult(output=target, company=company, seconds=time.perf_counter() - started,
                               csv_files=[p for _, p in csv_targets], parquet_files=[p for _, p in parquet])


def write_outputs(company: Consolidation, target: Path | None, csv_targets: Sequence[tuple[str, Path]] = (),
                  parquet: Sequence[tuple[str, Path]] = (), *, writer: _CompanyWriter | None = None,
                  csv_dialect: str | None = None, force: bool = False, inputs: Sequence[Path] = (),
                  folders: Sequence[Path | str | None] = ()) -> None:
    """Write the company workbook, CSV and Parquet tables atomically; a failure leaves no file nor created folder.

    ``target`` None writes no workbook; the targets are checked already (:func:`check_output`,
    :func:`csv_targets_in`, :func:`kpixl.consolidate.export.parquet_targets`).
    """
    created = [made for made in (_made_folder(folder) for folder in folders) if made is not None]
    try:
        with contextlib.ExitStack() as stack:
            if target is None:
                pass
            elif writer is not None and writer.fits(company):
                writer.finish(company, stack.enter_context(atomic_output(target, force=force, inputs=inputs)))
            else:
                write_company_workbook(company, stack.enter_context(atomic_output(target, force=force,
                                                                                  inputs=inputs)))
            for table, csv_path in csv_targets:
                temp_csv = stack.enter_context(atomic_output(csv_path, force=force, inputs=inputs))
                write_csv_table(company, table, temp_csv, csv_dialect)
            for table, parquet_path in parquet:
                temp_parquet = stack.enter_context(atomic_output(parquet_path, force=force, inputs=inputs))
                write_parquet_table(company, table, temp_parquet)
    except BaseException:
        for folder in created:
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise


class _Streamer:
    """Start the company workbook's writer at the first input and stream each input's measurement rows to it.

    Without --lang the writer speaks the first input's language; the run's (the workbooks')
    may turn out another, and then the workbook is written whole at the end (_CompanyWriter.fits).
    """

    def __init__(self, language: Language | None) -> None:
        self.language = language
        self.writer: _CompanyWriter | None = None

    def stream(self, source) -> None:
        if self.writer is None:
            self.writer = _CompanyWriter(os.devnull, self.language or Language.parse(source.language), streaming=True)
        self.writer.stream(source)


def _made_folder(folder: Path | str | None) -> Path | None:
    """Create ``folder`` if it is missing and return it (so a failed run can remove it), else None."""
    if folder is None or Path(folder).exists():
        return None
    Path(folder).mkdir(parents=True)
    return Path(folder)


def csv_targets_in(csv_dir: Path | str | None, force: bool, inputs: Sequence[Path],
                   language: object = None) -> list[tuple[str, Path]]:
    """Return (table, path) of each CSV file, refusing existing files without force before any work."""
    if csv_dir is None:
        return []
    return folder_targets(csv_dir, [(table, spec.csv) for table, spec in TABLES.items()], "--csv", force=force,
                          inputs=inputs, language=language)


