"""Own the one registry of finding codes: id, severity, title and what to change.

Every finding kpixl reports has a code from here, and takes its severity from
here (see :func:`finding`). ``docs/validation.md``'s tables are generated from this
registry (``python scripts/make_validation_docs.py``; a test checks they agree),
so a new code is one entry below. Ranges: ``KPX1xx`` the file and its tables,
``KPX2xx`` one cell's value, ``KPX3xx`` a KPI definition, ``KPX4xx`` measurements,
``KPX5xx`` the evaluation, ``KPX6xx`` across files (consolidate), ``KPX7xx`` rollover,
``KPX8xx`` the company cascade (split, ``--company``).
"""

from __future__ import annotations

from dataclasses import dataclass

ERROR, WARNING, NOTE = "error", "warning", "note"
# A note tells what was left out and why, with nothing to fix: it never fails a run, not even with --strict.


@dataclass(frozen=True)
class Code:
    """Describe one finding code: stable id, severity, what it means (title) and what to change (fix)."""

    id: str
    severity: str
    title: str
    fix: str

    @property
    def group(self) -> str:
        """Return the range the code belongs to, e.g. ``KPX1xx``."""
        return self.id[:4] + "xx"


CODES: tuple[Code, ...] = (
    Code('KPX101', ERROR, 'the path does not exist',
         'check the path'),
    Code('KPX102', ERROR, 'the path is not a regular file (a pipe, a device)',
         'give an `.xlsx` workbook'),
    Code('KPX103', ERROR, 'the file cannot be read (permission denied or an I/O error)',
         'ask for read access or copy the file'),
    Code('KPX104', ERROR, 'the file is empty (0 bytes)',
         'save the workbook again from Excel'),
    Code('KPX105', ERROR, 'an old Excel 97-2003 `.xls` (or other binary Office) file',
         'save it as an Excel Workbook (`.xlsx`)'),
    Code('KPX106', ERROR, 'the workbook is password-protected (encrypted)',
         'remove the password (File > Info > Protect Workbook) and save'),
    Code('KPX107', ERROR, 'a text, CSV, HTML or XML file with a workbook name',
         'open it in Excel and save it as `.xlsx`'),
    Code('KPX108', ERROR, 'not a zip package at all (random bytes)',
         'give the `.xlsx` workbook'),
    Code('KPX109', ERROR, 'truncated or corrupt (incomplete zip, bad CRC, unreadable part)',
         'get a fresh copy or save it again'),
    Code('KPX110', ERROR, 'a zip that is not an Excel workbook (`.xlsb`, `.ods`, Word, other zip)',
         'save it as an Excel Workbook (`.xlsx`)'),
    Code('KPX111', ERROR, 'the package is too large when unpacked (decompression bomb)',
         'this is not a department workbook'),
    Code('KPX112', ERROR, 'a part compresses more than 200:1 (decompression bomb)',
         'this is not a department workbook'),
    Code('KPX113', ERROR, 'a sheet reaches beyond the row/column/cell limits (bomb)',
         'this is not a department workbook'),
    Code('KPX114', ERROR, 'XML entity declarations (or UTF-16 XML, which hides them)',
         'the file was tampered with; use the original'),
    Code('KPX115', ERROR, 'not a kpixl workbook: no table named KPIs and no kpixl metadata',
         'start from `kpixl template`'),
    Code('KPX116', ERROR, 'a folder was given that holds no `.xlsx`/`.xlsm` workbook',
         'give the folder with the workbooks'),
    Code('KPX117', ERROR, 'a structural part (workbook, relationships, table) is not well-formed XML',
         'save the workbook again from Excel'),
    Code('KPX120', WARNING, "the workbook's kpixl schema version is not the one this kpixl reads",
         'use the matching kpixl version'),
    Code('KPX121', ERROR, 'kpixl metadata but no Excel table named `KPIs`',
         'keep the KPI definitions in the table named KPIs'),
    Code('KPX122', ERROR, 'no Excel table named `Measurements`',
         'keep the measurements in the table named Measurements'),
    Code('KPX123', WARNING, 'no Excel table named `Evaluation`',
         'rollover needs it at the end of the period'),
    Code('KPX124', WARNING, "a kpixl table's Excel table is gone (LibreOffice drops one on some edits) but a sheet still holds its header row: the block under it, down to the last row with a value, is read as the table",
         'make the range a table again: Excel: Insert > Table, then Table Design > Table Name; LibreOffice: Data > Define Range'),
    Code('KPX130', ERROR, 'a table lacks a required column (named in the message)',
         'add the column to the table'),
    Code('KPX131', WARNING, 'a table has a column kpixl does not know (e.g. `Region`, `Cost centre`); in KPIs and Measurements its values are kept on each record (`extra`, by header) and carried into the company workbook and CSV; Evaluation\'s are not used',
         'rename it to a known header if it should be one'),
    Code('KPX132', WARNING, "a row typed just below a table (outside its range); kpixl reads it, but the workbook's own formulas do not see it",
         'resize the table to include it'),
    Code('KPX133', WARNING, 'two columns of a table mean the same field (e.g. `Target` and `Mål`); the first is read',
         'delete or rename one'),
    Code('KPX134', WARNING, 'a file in a folder argument that is not read, with the reason: `.ods`, `.xls`, `.xlsb`, `.csv`, a company workbook kpixl wrote, any other file (share clutter and lock files are KPX138 notes)',
         'save it as `.xlsx` to include it, or move it out of the folder'),
    Code('KPX135', WARNING, 'a subfolder holding workbooks that is not read (no `--recursive`)',
         'give the subfolder too, or use `--recursive`'),
    Code('KPX136', WARNING, "a value in a table's columns below it, after a blank row: not counted (one finding per row, the first 20 rows one by one)",
         'extend the table to include the row, or delete the value'),
    Code('KPX137', WARNING, 'a row (in a table, or just below it) with values but no row key (Measurements: KPI ID, period end, value; KPIs: KPI ID, KPI name, target; Evaluation: KPI ID, decision, new target): not counted',
         'complete the row or clear it'),
    Code('KPX138', NOTE, 'share clutter in a folder argument, left out: a Mac `._*` or `.DS_Store` file, `Thumbs.db`, '
                         '`desktop.ini`, an Excel owner file `~$*` or a LibreOffice lock file `.~lock.*#` (its note names '
                         'who has the workbook open, as the lock file says)',
         'nothing; if someone has the workbook open, ask them to save and close it so its latest values are read'),
    Code('KPX190', ERROR, 'the spreadsheet reader crashed on the file (its worker process died on a signal)',
         'save it again from Excel as .xlsx; if it persists, report it'),
    Code('KPX191', ERROR, 'reading the file took longer than `--file-timeout` (default 60 s); its worker was stopped',
         'save it again from Excel, or allow more time with `--file-timeout`'),
    Code('KPX192', ERROR, 'reading the file needed more memory than `--memory-limit` (default 2,048 MB)',
         'save it again from Excel; a department workbook needs far less'),
    Code('KPX199', ERROR, 'the file could not be read for an unforeseen reason',
         'save it again from Excel and report it'),
    Code('KPX201', ERROR, 'a required value is blank (KPI ID, KPI name, owner, target, direction, aggregation; KPI ID, period end, value of a measurement)',
         'fill it in'),
    Code('KPX202', ERROR, 'text in a number cell that is no number (`"lots"`)',
         'type a number'),
    Code('KPX203', ERROR, 'a date or TRUE/FALSE in a number cell',
         'type a number (and use a number format)'),
    Code('KPX204', ERROR, 'a number stored as text; the message says what it would mean: `"12,5"` is 12.5, `"12%"` is 0.12, `"1.234"` could be 1234 (thousands separator) or 1.234 (decimal point)',
         'type the number as a number'),
    Code('KPX205', ERROR, 'a date stored as text (`"2026-01-31"`, `"31.01.2026"`; `"02/03/2026"` could be either day/month order)',
         'type it as a date'),
    Code('KPX206', ERROR, 'a value in a date cell that is no date',
         'type a date'),
    Code('KPX207', ERROR, 'an unknown word for direction, aggregation, frequency, level or decision (English or Danish accepted)',
         'pick a word from the dropdown'),
    Code('KPX208', ERROR, 'an input cell holds a formula with no saved value (the file was never calculated)',
         'open and save it in Excel, or type the value'),
    Code('KPX209', ERROR, 'an input cell shows an Excel error (`#DIV/0!`, `#N/A`, ...)',
         'fix the formula or type the value'),
    Code('KPX215', ERROR, 'a KPI ID or parent KPI ID cell holds a date or a number: the spreadsheet converted what was typed (`MAR-01` becomes 2001-03-01, `007` becomes 7)',
         'format the column as Text and type the ID again'),
    Code('KPX301', ERROR, 'two KPIs share a KPI ID (case ignored)',
         'give each KPI its own ID'),
    Code('KPX302', ERROR, "target, baseline, direction and tolerance do not fit (the core's rule; e.g. an increase KPI needs its target above its baseline)",
         'as the message says'),
    Code('KPX303', ERROR, 'the deadline is not after the start date',
         'move the deadline after the start'),
    Code('KPX304', ERROR, 'Green from is below Amber from',
         'make Green from at least Amber from'),
    Code('KPX305', ERROR, 'a negative weight',
         'type 0 or more (blank means 1)'),
    Code('KPX306', WARNING, 'no deadline: not time-bound',
         'type the deadline'),
    Code('KPX307', WARNING, 'SMART texts missing (Specific, Measurable, Attainable, Relevant)',
         'describe the KPI'),
    Code('KPX308', WARNING, 'a low-level KPI without a parent KPI ID does not roll up',
         "type the high-level KPI's ID"),
    Code('KPX309', ERROR, 'a KPI names itself as its parent',
         "type the high-level KPI's ID"),
    Code('KPX310', WARNING, 'a threshold above 200% or below 0 (e.g. `95` typed for 95%)',
         'type it with a % sign'),
    Code('KPX311', WARNING, 'the owner looks like several people (`,` `;` `/` `&` `+` `and` `og`)',
         'one responsible person per KPI'),
    Code('KPX312', WARNING, "a KPI row's Department differs from the workbook's department; the KPI is read as the "
                            "workbook's department",
         "type the workbook's department, or move the KPI to its own department's workbook"),
    Code('KPX320', ERROR, "a KPI's Phasing names no profile of the Phasing table",
         'pick a profile from the list or leave Phasing blank for a straight line'),
    Code('KPX321', ERROR, 'a month weight of a phasing profile is below 0',
         'type 0 or more (0 plans nothing for that month)'),
    Code('KPX322', ERROR, "a KPI's phasing profile weighs 0 in every month of the KPI's period: nothing is ever planned",
         'give one of those months a weight above 0, or pick another profile'),
    Code('KPX323', ERROR, 'two phasing profiles share a name (case and spaces ignored); the KPIs naming it are not computed',
         'give each profile its own name'),
    Code('KPX401', ERROR, 'a measurement for a KPI ID that is not in the KPIs table',
         'pick an existing KPI ID or add the KPI'),
    Code('KPX402', ERROR, 'two values for the same KPI and period end',
         'delete one'),
    Code('KPX403', ERROR, "a period end before the KPI's start date",
         'check the date'),
    Code('KPX404', ERROR, "a period end after the KPI's deadline",
         'check the date'),
    Code('KPX405', WARNING, "late submissions: periods of the KPI's frequency that ended before the as-of date have no measurement",
         'enter the missing values'),
    Code('KPX406', WARNING, "close of period: on or after the KPI's deadline, its last period (by frequency) has no measurement, so the final actual (and rollover's next baseline) leaves it out",
         'enter the value'),
    Code('KPX407', WARNING, 'a `%` KPI (Unit `%`) given a value above 1.5 while its target and baseline are at most 1 (2.1 typed for 2.1% counts as 210%)',
         'type it with a % sign, or as a fraction'),
    Code('KPX408', WARNING, "a value more than 100 times the larger of the KPI's target and baseline (in absolute value)",
         'check the value and its unit'),
    Code('KPX501', ERROR, 'an evaluation for a KPI ID that is not in the KPIs table',
         'pick an existing KPI ID'),
    Code('KPX502', ERROR, 'decision Adjust target without a new target',
         'type the new target'),
    Code('KPX503', WARNING, 'a new target with decision Keep or Retire is ignored',
         'choose Adjust target or clear it'),
    Code('KPX504', ERROR, 'the same KPI evaluated twice',
         'keep one decision'),
    Code('KPX601', ERROR, 'a KPI ID also used in an earlier input (names both files and the first cell); with '
                          '`--skip-invalid` every file claiming it is left out, each naming the others',
         'give each KPI its own ID: rename one of them, or remove the copy'),
    Code('KPX602', ERROR, 'a parent KPI ID that matches no high-level KPI in any input',
         'type the ID of a high-level KPI, or add that KPI to the management workbook'),
    Code('KPX603', ERROR, 'a department that also has an earlier input (names both files); with '
                          '`--skip-invalid` every file claiming it is left out, each naming the others',
         'send one workbook per department: remove the copy, merge the files or correct the department'),
    Code('KPX604', ERROR, 'a KPI definition the core rejects (normally caught by validate first)',
         'fix the definition as the message says'),
    Code('KPX605', ERROR, 'a file that could not be checked at all',
         'save the file again from Excel and send it again'),
    Code('KPX606', ERROR, 'an input byte-identical to another input (same SHA-256): a copy; the file whose name '
                          'looks like a copy (else the later in sort order) is named, and its KPIs are not counted',
         'delete the copy (or move it out of the folder)'),
    Code('KPX607', ERROR, 'a likely copy: an input named like a copy of another (`Sales (1).xlsx`, '
                          '`Sales-LAPTOP-7F3K.xlsx`, `Kopi af Sales.xlsx`, `Copy of Sales.xlsx`, `Sales - Copy.xlsx`, '
                          '`Sales - Kopi.xlsx`) holding the same department or KPI IDs; its KPIs are not counted',
         'delete the copy after keeping any values typed only there; never rename the KPI IDs (the KPIs would be '
         'counted twice)'),
    Code('KPX701', WARNING, 'a KPI without a decision was kept as it was',
         'choose Keep, Adjust target or Retire'),
    Code('KPX702', WARNING, 'Keep or Retire with a new target: the new target is ignored',
         'choose Adjust target to use it'),
    Code('KPX703', WARNING, 'no final actual (no measurement in the period): the old baseline stays',
         'check the new baseline'),
    Code('KPX704', WARNING, 'an adjusted target: the SMART texts may still name the old one',
         'update Specific and Attainable'),
    Code('KPX705', WARNING, 'a start date but no deadline in the new period',
         'give `--deadline`'),
    Code('KPX706', WARNING, 'a retired company KPI may have department KPIs in other workbooks',
         'give them a new Parent KPI ID or retire them; or roll over with `--departments`'),
    Code('KPX707', WARNING, 'every KPI was retired: the new workbook has no KPIs',
         "add the new period's KPIs"),
    Code('KPX708', WARNING, "the final actual (the new baseline) misses periods of the KPI's frequency, e.g. December at year end",
         'type the missing values and roll over again, or correct the baseline'),
    Code('KPX709', WARNING, "with `--prorate`: a `sum` KPI's target, baseline and tolerance were scaled to the new period's length",
         'check the scaled numbers'),
    Code('KPX710', WARNING, "with `--departments`: the department KPI's company KPI was retired; its next Evaluation has a note",
         'give it another Parent KPI ID, or retire it'),
    Code('KPX711', WARNING, "with `--departments`: the department KPI's company KPI has a new target; its next Evaluation has a note",
         'check its target still supports the parent'),
    Code('KPX712', WARNING, 'with `--departments`: the management workbook itself is in the departments folder and is rolled over once',
         'nothing'),
    Code('KPX731', ERROR, 'Adjust target without a new target',
         'type the new target'),
    Code('KPX732', ERROR, 'a kept target no longer fits the new baseline (already reached)',
         'choose Adjust target with a new target, or Retire'),
    Code('KPX733', ERROR, 'an adjusted target does not fit the new baseline',
         'type a target beyond the final actual'),
    Code('KPX734', ERROR, 'the new deadline is not after the new start',
         'give a later `--deadline` or an earlier `--start`'),
    Code('KPX735', ERROR, "a `sum` KPI's period changes length: its full-period amounts would carry over unscaled",
         'run with `--prorate`, or a `--deadline` that keeps the length'),
    Code('KPX736', ERROR, 'a retired KPI that a kept KPI of the same workbook still rolls up to',
         'retire the children too, or give them another Parent KPI ID'),
    Code('KPX801', ERROR, 'a KPI that is not Level high has no Department, so it belongs in no workbook',
         'type its department, or Level high for a company KPI'),
    Code('KPX802', WARNING, 'one department spelled two ways (case or spacing); both go into the workbook of the first spelling',
         'spell the department the same way everywhere'),
    Code('KPX803', WARNING, "the plan's measurements are not copied: split workbooks start with empty Measurements",
         'nothing, or type them in the department workbooks'),
    Code('KPX804', WARNING, "the plan's Evaluation rows are not copied",
         "nothing: evaluation happens at the period's end"),
    Code('KPX805', WARNING, "extra columns of the plan's KPIs table are not copied",
         'add them to the department workbooks if needed'),
    Code('KPX806', ERROR, "the plan's KPIs table is empty",
         "type the high-level KPIs and the departments' KPIs"),
    Code('KPX807', WARNING, "the plan has no high-level KPI: nothing for the departments' KPIs to roll up to",
         'add the company KPIs with Level high'),
    Code('KPX830', ERROR, "the parent KPI ID is not a high-level KPI of the company workbook (the message lists the "
                          "company's IDs)",
         "pick one of the company's IDs (a workbook made with `template --company` offers them in a dropdown)"),
    Code('KPX831', WARNING, "the KPI's deadline is after its parent's deadline",
         "move the deadline to the parent's or earlier"),
    Code('KPX832', WARNING, "the KPI's direction differs from its parent's (e.g. decrease under increase)",
         'nothing, if moving the KPI that way drives the parent; else correct the direction or the parent'),
    Code('KPX833', WARNING, "the KPI's unit differs from its parent's (case ignored; `%`, `percent`, `pct`, ... are "
                            "one unit)",
         'nothing, for a driver measured in its own unit; else correct the unit or the parent'),
)

REGISTRY: dict[str, Code] = {code.id: code for code in CODES}

GROUPS: dict[str, str] = {
    "KPX1xx": "File and tables",
    "KPX2xx": "Cell values",
    "KPX3xx": "KPI definitions",
    "KPX4xx": "Measurements",
    "KPX5xx": "Evaluation",
    "KPX6xx": "Across files (consolidate)",
    "KPX7xx": "Rollover",
    "KPX8xx": "The company cascade (split, --company)",
}


def get(code: str) -> Code:
    """Return the registered code ``code``; an unknown code is a programming error."""
    try:
        return REGISTRY[code]
    except KeyError:
        raise KeyError(f"finding code {code} is not in kpixl.codes; add it there") from None


def severity(code: str) -> str:
    """Return the severity the registry gives ``code``."""
    return get(code).severity
