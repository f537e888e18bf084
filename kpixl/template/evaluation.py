"""Own the Evaluation sheet: the decision per KPI at the deadline.

One row per KPI (the KPIs' IDs first, then evaluations of IDs not among them), the
prefilled decisions, the computed final actual, attainment and met-target columns of
:func:`kpixl.formulas.evaluation_formulas`, and New target's one combined rule (a
number, only with Adjust target).
"""

from __future__ import annotations

from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from kpixl import core, formulas as fx, schema
from kpixl.template import tables
from kpixl.template.book import Book
from kpixl.template.options import TemplateOptions
from kpixl.vocab import kpi_key
from kpixl.xlsx import STATUS_COLOURS, Worksheet


def write(book: Book, options: TemplateOptions) -> None:
    """Write the Evaluation table, its validation and formats."""
    ws, lang, n = book.ws_eval, options.language, options.kpi_rows
    table = schema.EVALUATION
    ids, data = _rows(options)
    tables.write_table(book, ws, table, n, data, fx.evaluation_formulas(options.mode, lang, kpi_rows=n),
                       lambda key, row: book.values.evaluation(ids[row - 1] if row <= len(ids) else None,
                                                               lang)[key])
    ws.freeze_panes(1, 1)
    _validations(book, ws, table, n)
    tables.percent_format(book, ws, 1, n, [table.columns.index(table.column(key))
                                           for key in ("final_actual", "new_target")], book.unit_of("$A2"))
    met_col = table.columns.index(table.column("met_target"))
    yes, no = schema.YES_NO[lang]
    for word, (fill, font) in ((yes, STATUS_COLOURS[core.ON_TRACK]), (no, STATUS_COLOURS[core.OFF_TRACK])):
        ws.conditional_format(1, met_col, n, met_col, {
            "type": "cell", "criteria": "==", "value": f'"{word}"',
            "format": book.wb.add_format({"bg_color": fill, "font_color": font})})


def _rows(options: TemplateOptions) -> tuple[list[object], list[list]]:
    """Return the rows' KPI IDs and the prefilled table rows (decision, new target, notes)."""
    by_id = {kpi_key(e.kpi_id): e for e in options.evaluations}
    known = {kpi_key(k.kpi_id) for k in options.kpis}
    ids: list[object] = [k.kpi_id for k in options.kpis]
    ids += [e.kpi_id for e in options.evaluations if kpi_key(e.kpi_id) not in known]
    data = []
    for kpi_id in ids:
        e = by_id.get(kpi_key(kpi_id))
        decision = schema.DECISION_WORDS[options.language][e.decision] if e and e.decision else None
        row: list = []
        for col in schema.EVALUATION.columns:
            if col.key == "kpi_id":
                row.append(kpi_id)
            elif col.key == "decision":
                row.append(decision)
            elif col.key == "new_target":
                row.append(e.new_target if e else None)
            elif col.key == "notes":
                row.append(e.notes if e else None)
            else:
                row.append(None)
        data.append(row)
    return ids, data


def _validations(book: Book, ws: Worksheet, table: schema.Table, n: int) -> None:
    tables.validations(book, ws, table, n)
    # New target's only rule (Excel drops a cell's second rule with "Removed Feature: Data
    # validation"): a number, and only with Adjust target.
    dec = xl_col_to_name(table.columns.index(table.column("decision")))
    new_col = table.columns.index(table.column("new_target"))
    cell = xl_rowcol_to_cell(1, new_col)
    adjust = list(dict.fromkeys(schema.DECISION_WORDS[x]["adjust"] for x in (*schema.LANGUAGES, book.lang)))
    test = "OR(" + ",".join(f'${dec}2="{w}"' for w in adjust) + ")"
    ws.data_validation(1, new_col, n, new_col, {
        "validate": "custom", "value": f"=AND(ISNUMBER({cell}),{test})",
        "input_title": table.column("new_target").header(book.lang),
        "input_message": table.column("new_target").note(book.lang),
        "error_message": book.texts["new_target_error"]})
