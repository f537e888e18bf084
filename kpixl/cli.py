"""Own the ``kpixl`` command line: a thin click shell over the library.

Each command parses its options, calls one library function of the same name and
turns a :class:`~kpixl.errors.KpixlError` into one ``Error: ...`` line (exit 1).
Only this module imports click. ``--debug`` shows tracebacks instead.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Callable

import click

from kpixl import __version__
from kpixl.errors import DefinitionError, KpixlError, ValidationFailed
from kpixl.vocab import LANGUAGES, FormulaMode, Language

CONTEXT = {"help_option_names": ["-h", "--help"]}


class Failure(click.ClickException):
    """Print a kpixl error as one ``Error: ...`` line in the run's language (``Fejl: ...`` in Danish)."""

    def __init__(self, message: str, language: str = "en") -> None:
        super().__init__(message)
        self.language = language

    def show(self, file=None) -> None:
        from kpixl import texts

        click.echo(texts.text("console", "failure", self.language, message=self.format_message()),
                   file=file or sys.stderr)


class KpixlGroup(click.Group):
    """Run commands with kpixl's error handling: one line, no traceback unless --debug."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KpixlError as error:
            if ctx.meta.get("kpixl.debug"):
                raise
            raise Failure(str(error), error.language) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort, KeyboardInterrupt):
            raise
        except BrokenPipeError:
            # The reader of our output went away (`kpixl validate ... | head`): click's main ends
            # quietly with exit 1; this is no error to report.
            raise
        except Exception as error:  # noqa: BLE001 - the last line of defence for users
            if ctx.meta.get("kpixl.debug"):
                raise
            raise click.ClickException(f"unexpected {type(error).__name__}: {error} (run with --debug for details)") \
                from None


def _debug_option(f):
    def remember(ctx: click.Context, _param, value):
        if value:
            ctx.meta["kpixl.debug"] = True
        return value

    return click.option("--debug", is_flag=True, expose_value=False, is_eager=True, callback=remember,
                        help="Show a full traceback on errors.")(f)


def _version_option(f):
    return click.version_option(__version__, "--version", prog_name="kpixl")(f)


class DateParam(click.ParamType):
    """Parse an ISO date (YYYY-MM-DD), or ``today`` (Danish ``i dag``)."""

    name = "DATE"
    TODAY_WORDS = ("today", "i dag", "idag")

    def convert(self, value, param, ctx):
        if isinstance(value, date):
            return value
        text = " ".join(str(value).split())
        if text.casefold() in self.TODAY_WORDS:
            return date.today()
        try:
            return date.fromisoformat(text)
        except ValueError:
            self.fail(f"{value!r} is not a date; use YYYY-MM-DD, e.g. 2026-06-30, or today", param, ctx)


DATE = DateParam()


class WorkbookPath(click.Path):
    """Accept only an output file name ending in .xlsx: kpixl writes Excel workbooks, never under another name."""

    def __init__(self) -> None:
        super().__init__(dir_okay=False, path_type=Path)

    def convert(self, value, param, ctx):
        path = super().convert(value, param, ctx)
        suffix = Path(str(path)).suffix.casefold()
        if suffix != ".xlsx":
            command = ctx.command.name if ctx is not None else None
            hint = "; for CSV tables use --csv DIR" if suffix == ".csv" and command == "consolidate" else ""
            self.fail(f"{str(value)!r} does not end in .xlsx; this writes an Excel workbook, so give a name ending "
                      f"in .xlsx{hint}", param, ctx)
        return path


WORKBOOK = WorkbookPath()


class VocabChoice(click.ParamType):
    """Parse ``--lang`` / ``--formulas`` once, with :meth:`Language.parse` / :meth:`FormulaMode.parse`.

    The command receives the typed value; an unknown one is a usage error (exit 2) with
    the parse's own message, the same words the library functions raise.
    """

    def __init__(self, vocabulary: type[Language] | type[FormulaMode], shown: tuple[str, ...]) -> None:
        self.vocabulary = vocabulary
        self.shown = shown  # the values --help lists, in this order
        self.name = vocabulary.__name__

    def get_metavar(self, param, ctx=None) -> str:  # click < 8.2 passes no ctx
        return "[" + "|".join(self.shown) + "]"

    def shell_complete(self, ctx, param, incomplete):
        from click.shell_completion import CompletionItem

        return [CompletionItem(value) for value in self.shown if value.startswith(incomplete.casefold())]

    def convert(self, value, param, ctx):
        try:
            return self.vocabulary.parse(value)
        except DefinitionError as error:
            self.fail(str(error), param, ctx)


def _language_option(help_text: str, default: str | None = "en"):
    return click.option("--lang", "language", type=VocabChoice(Language, tuple(language.value for language in LANGUAGES)), default=default,
                        show_default=default is not None, help=help_text)


def _formulas_option(shown: tuple[str, ...], help_text: str):
    return click.option("--formulas", type=VocabChoice(FormulaMode, shown), default="native", show_default=True,
                        help=help_text)


def progress_reporter(label: str) -> Callable[[int, int, str], None] | None:
    """Return a callback drawing a progress bar on stderr, or None when stderr is no terminal."""
    if not sys.stderr.isatty():
        return None
    state: dict[str, object] = {}

    def report(done: int, total: int, item: str) -> None:
        bar = state.get("bar")
        if bar is None:
            bar = click.progressbar(length=total, label=label, file=sys.stderr, show_pos=True,
                                    item_show_func=lambda x: x)
            bar.__enter__()
            state["bar"] = bar
        bar.update(1, item)  # type: ignore[attr-defined]
        if done >= total:
            bar.__exit__(None, None, None)  # type: ignore[attr-defined]

    return report


@click.group(cls=KpixlGroup, context_settings=CONTEXT)
@_version_option
@_debug_option
def cli() -> None:
    """Run the KPI cycle in Excel: design, execution, evaluation and re-design.

    Staff fill department workbooks (kpixl template), finance checks and merges
    them (kpixl validate, kpixl consolidate), and the next period starts from the
    evaluation (kpixl rollover). Try it all with: kpixl demo DIR
    """


@cli.command(context_settings=CONTEXT)
@click.argument("out", type=WORKBOOK)
@click.option("--department", help="Department name stored in the workbook.")
@click.option("--owner", help="Default responsible owner (used by --examples).")
@_language_option("Language of sheets, headers, dropdowns and statuses, and of what it prints.")
@_formulas_option(("native", "xlwings"),
                  "native: plain Excel functions, no add-in; xlwings: computed cells call the kpixl UDFs.")
@click.option("--start", type=DATE, help="Default start date of the KPI period (YYYY-MM-DD).")
@click.option("--deadline", type=DATE, help="Default deadline of the KPI period (YYYY-MM-DD).")
@click.option("--examples", is_flag=True, help="Fill in the common marketing and sales KPIs as SMART examples.")
@click.option("--rows", type=click.IntRange(1, 5000), default=50, show_default=True,
              help="Formula-ready rows in the KPIs table.")
@click.option("--measurement-rows", type=click.IntRange(1, 100_000),
              help="Rows in the Measurements table (a protected table cannot grow); default 60 per KPIs row, "
                   "3000 to 20000.")
@click.option("--company", type=click.Path(dir_okay=False, path_type=Path),
              help="Management workbook whose high-level KPIs the Parent KPI ID dropdown offers (refused if it "
                   "does not validate).")
@click.option("--force", is_flag=True, help="Overwrite OUT if it exists.")
@_version_option
@_debug_option
def template(out: Path, department, owner, language, formulas, start, deadline, examples, rows, measurement_rows,
             company, force) -> None:
    """Write a department workbook OUT.xlsx for staff to fill in."""
    from kpixl.api import write_template

    path = write_template(out, department=department, owner=owner, language=language, formulas=formulas,
                          start=start, deadline=deadline, examples=examples, rows=rows,
                          measurement_rows=measurement_rows, company=company, force=force)
    from kpixl import texts

    click.echo(texts.text("console", "wrote_file", language, path=path))


def _isolation_options(command):
    """Add --jobs, --file-timeout and --memory-limit: how the worker processes that parse inputs run."""
    from kpixl import isolation

    for option in reversed([
        click.option("--jobs", type=click.IntRange(1, 64), default=1, show_default=True,
                     help="Read inputs in this many worker processes."),
        click.option("--file-timeout", type=click.FloatRange(min=1), default=isolation.DEFAULT_FILE_TIMEOUT,
                     show_default=True, metavar="SECONDS",
                     help="Give up on a file whose reading takes longer (one finding, the run goes on)."),
        click.option("--memory-limit", type=click.IntRange(min=64), default=isolation.DEFAULT_MEMORY_LIMIT >> 20,
                     show_default=True, metavar="MB",
                     help="Give up on a file whose reading needs more memory (one finding, the run goes on)."),
    ]):
        command = option(command)
    return command


@cli.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Report as text lines or as one JSON document.")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option("--as-of", type=DATE, help="Date the checks are made as of: YYYY-MM-DD or today (default: today).")
@click.option("--recursive", is_flag=True, help="Also read the workbooks in the subfolders of a folder.")
@click.option("--company", type=click.Path(dir_okay=False, path_type=Path),
              help="Management workbook: check every parent link, and deadline, direction and unit against the "
                   "parent.")
@_language_option("Language of the findings and the summary (default: the workbooks' own when they agree, else "
                  "English).", default=None)
@_isolation_options
@_version_option
@_debug_option
def validate(paths, output_format, strict, as_of, recursive, company, language, jobs, file_timeout,
             memory_limit) -> None:
    """Check department workbooks (a folder means every .xlsx/.xlsm in it).

    Prints one line per finding, `file:Sheet!A12: severity code: message`, and a
    summary; exits 1 when any error (or, with --strict, any warning) is found.
    Every other file in a folder (and, without --recursive, every subfolder holding
    workbooks) is named in a warning and counted in the summary; a shared folder's
    clutter (._ files, .DS_Store, Thumbs.db, desktop.ini, lock files) in a note. A copy
    of another input (the same bytes, or named like a copy with the same department or
    KPI IDs) is an error at the copy, and its KPIs are not counted.
    """
    from kpixl.api import validate as validate_paths

    report = validate_paths(list(paths), as_of=as_of, strict=strict, progress=progress_reporter("Validating"),
                            jobs=jobs, file_timeout=file_timeout, memory_limit=memory_limit << 20,
                            recursive=recursive, company=company, language=language).report
    if output_format == "json":
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        for finding in report.findings:
            click.echo(finding.said(report.language))
        click.echo(report.summary())
    sys.exit(0 if report.valid else 1)


@cli.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", required=True, type=WORKBOOK, help="The company workbook to write (.xlsx).")
@click.option("--as-of", type=DATE, help="Date every number is computed as of: YYYY-MM-DD or today (default: today).")
@click.option("--recursive", is_flag=True, help="Also read the workbooks in the subfolders of a folder.")
@click.option("--skip-invalid", is_flag=True,
              help="Leave out invalid files and say so, instead of failing; the company KPIs that may have lost "
                   "children are marked incomplete.")
@click.option("--csv", "csv_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Also write the tables as CSV files into this folder.")
@click.option("--csv-dialect", type=click.Choice(["plain", "excel-da"]),
              help="CSV for programs (plain: comma, decimal point, UTF-8) or for a double-click in Danish Excel "
                   "(excel-da: semicolon, decimal comma, UTF-8 with BOM). Default: excel-da with --lang da, "
                   "else plain.")
@_language_option("Language of the company workbook, the CSV headers and what the run prints (default: the "
                  "workbooks' own when they agree, else English); JSON and Parquet are always canonical English.",
                  default=None)
@click.option("--since", type=DATE,
              help="Compare statuses with this date (default: the month-end before the as-of date).")
@click.option("--parquet", "parquet_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Also write the tables as typed Parquet files into this folder.")
@click.option("--previous", type=click.Path(dir_okay=False, path_type=Path),
              help="Last month's company workbook, as presented: list every past value and month-end attainment "
                   "that changed since, and measure the change since last month against it.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True,
              help="Report as text, or print every table as one JSON document on stdout (the report goes to "
                   "stderr).")
@click.option("--force", is_flag=True, help="Overwrite the output if it exists.")
@_isolation_options
@_version_option
@_debug_option
def consolidate(paths, output, as_of, recursive, skip_invalid, csv_dir, csv_dialect, language, since, parquet_dir,
                previous, output_format, force, jobs, file_timeout, memory_limit) -> None:
    """Validate department workbooks and write one company workbook."""
    from kpixl.api import consolidate as consolidate_paths

    company = consolidate_paths(list(paths), as_of=as_of, since=since, skip_invalid=skip_invalid, jobs=jobs,
                                recursive=recursive, language=language, progress=progress_reporter("Reading"),
                                file_timeout=file_timeout, memory_limit=memory_limit << 20, output=output,
                                csv_dir=csv_dir, csv_dialect=csv_dialect, parquet_dir=parquet_dir, force=force,
                                previous=previous)
    if output_format == "json":
        for line in company.summary_lines():
            click.echo(line, err=True)
        click.echo(company.to_json())
        return
    for line in company.summary_lines():
        click.echo(line)


@cli.command(context_settings=CONTEXT)
@click.argument("source", metavar="IN.xlsx", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", required=True, type=WORKBOOK, help="The next period's workbook to write (.xlsx).")
@click.option("--start", type=DATE, help="Start date of the new period (default: day after the old deadline).")
@click.option("--deadline", type=DATE, help="Deadline of the new period (default: same length as the old one).")
@click.option("--as-of", type=DATE, help="Date the closing actuals are computed as of: YYYY-MM-DD or today "
                                         "(default: old deadline).")
@click.option("--prorate", is_flag=True,
              help="When the new period is longer or shorter, scale each sum KPI's target, baseline and tolerance "
                   "by the ratio of the day counts (without it, rollover refuses and names the KPIs).")
@click.option("--departments", "departments", metavar="DIR", type=click.Path(file_okay=False, path_type=Path),
              help="Also roll over every department workbook in DIR (IN.xlsx is then the management workbook); "
                   "needs --departments-out.")
@click.option("--departments-out", "departments_out", metavar="DIR",
              type=click.Path(file_okay=False, path_type=Path),
              help="The folder for the departments' next workbooks (same file names; created when missing).")
@click.option("--force", is_flag=True, help="Overwrite the outputs if they exist.")
@_version_option
@_debug_option
def rollover(source, output, start, deadline, as_of, prorate, departments, departments_out, force) -> None:
    """Start the next period from the Evaluation decisions (re-design).

    With --departments DIR, IN.xlsx is the management workbook and every
    department workbook in DIR is rolled over in the same run: a department KPI
    whose company KPI was retired or given a new target gets a note in its next
    Evaluation sheet. Nothing is written unless every workbook can be rolled over.
    """
    from kpixl.rollover import RolloverRefused, rollover as rollover_workbook, rollover_cascade

    if (departments is None) != (departments_out is None):
        raise click.UsageError("--departments and --departments-out go together: give the folder of the department "
                               "workbooks and the folder for their next workbooks")
    try:
        # The run speaks the (management) workbook's language: its summary and a refusal.
        if departments is not None:
            cascade = rollover_cascade(source, output, departments, departments_out, start=start, deadline=deadline,
                                       as_of=as_of, prorate=prorate, force=force)
            lines = cascade.summary_lines()
        else:
            lines = rollover_workbook(source, output, start=start, deadline=deadline, as_of=as_of, prorate=prorate,
                                      force=force).summary_lines()
    except (RolloverRefused, ValidationFailed) as refused:
        if click.get_current_context().meta.get("kpixl.debug"):
            raise
        language = refused.findings[0].language if isinstance(refused, RolloverRefused) else \
            getattr(refused.report, "language", refused.language)
        raise Failure(refused.said(language), language) from None
    for line in lines:
        click.echo(line)


@cli.command(context_settings=CONTEXT)
@click.argument("plan", metavar="PLAN.xlsx", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", "out_dir", metavar="DIR", required=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="The folder to write the workbooks into (created when missing).")
@click.option("--as-of", type=DATE, help="Date the plan is validated as of (default: today).")
@click.option("--force", is_flag=True, help="Overwrite workbooks in DIR that have the same names.")
@_version_option
@_debug_option
def split(plan, out_dir, as_of, force) -> None:
    """Split a company plan into a management workbook and one workbook per department.

    PLAN.xlsx is a kpixl workbook whose KPIs table holds the high-level KPIs and
    the low-level KPIs of many departments (Department column). Writes one
    pre-filled workbook per department and the management workbook with the
    high-level KPIs, in the plan's language and formula mode, and prints what it
    wrote as a table. Each department workbook's Parent KPI ID dropdown offers the
    management workbook's KPIs (as template --company). `kpixl consolidate DIR`
    gives the plan's KPIs back.
    """
    from kpixl.split import split as split_plan

    try:
        result = split_plan(plan, out_dir, force=force, as_of=as_of)
    except ValidationFailed as refused:
        # Like rollover, the run speaks the plan's language: a Danish plan's refusal is Danish
        # throughout (its findings are said in the plan's language), not English around Danish.
        if click.get_current_context().meta.get("kpixl.debug") or refused.report is None:
            raise
        raise Failure(refused.said(refused.report.language), refused.report.language) from None
    for line in result.summary_lines(result.language):
        click.echo(line)



@cli.command(context_settings=CONTEXT)
@click.argument("directory", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
@_language_option("Language of the demo workbooks and of what it prints.")
@_formulas_option(("xlwings", "native"), "Formula mode of the department workbooks.")
@click.option("--force", is_flag=True, help="Overwrite files in DIR from an earlier demo.")
@_version_option
@_debug_option
def demo(directory, language, formulas, force) -> None:
    """Run the whole KPI cycle on built-in sample data into DIR."""
    from kpixl.demo import run_demo

    result = run_demo(directory, language=language, formulas=formulas, force=force)
    for line in result.summary_lines():
        click.echo(line)


def main() -> None:
    """Run the kpixl command line."""
    cli(prog_name="kpixl")


if __name__ == "__main__":
    main()
