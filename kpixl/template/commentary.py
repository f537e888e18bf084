"""Own the Commentary sheet and the Dashboard's commentary columns.

The Commentary table: one row per comment (workbook.md, "Commentary"): the KPI ID (a
dropdown of the KPIs' IDs), the period it explains, the comment, the action, its one owner,
its due date and its status (Open, Done, Dropped in the workbook's language), then three
hidden helper columns (the KPI's row, a comment's rank, an open action) whose plain A1
formulas let the Dashboard find each KPI's latest comment with MAXIFS and count its open
actions with COUNTIFS, by the KPI's row as criterion (portable rules of :mod:`kpixl.formulas`).

On the Dashboard, right of the KPIDashboard table: per KPI whether a comment is needed (an
Off track or At risk KPI with no comment for its latest measured period), its open and
overdue actions and its latest comment. Every formula caches what :mod:`kpixl.commentary`
computes from the core; ``validate`` words the same rules as findings.
"""

from __future__ import annotations

import textwrap
from datetime import date

from xlsxwriter.utility import xl_col_to_name

from kpixl import commentary, core, formulas as fx, schema, texts, vocab
from kpixl.template import tables
from kpixl.template.book import Book
from kpixl.template.layout import ROW_HEIGHT, WRAP_CHARS_PER_WIDTH, sheet_ref
from kpixl.template.options import TemplateOptions
from kpixl.vocab import PerLanguage, kpi_key
from kpixl.xlsx import STATUS_COLOURS

# A comment's rank: its Period end's serial times this plus its row, so the latest comment wins
# and of two on one date the one lower in the table (as kpixl.commentary picks it).
RANK = 100000
# The Dashboard's commentary columns, in order: key, width. Their headers are the catalogue's
# template.dashboard.<key>; "Comment needed" is also the word a row shows when it needs one.
DASHBOARD_COLUMNS = (
    ("comment_needed", 19),
    ("open_actions", 11),
    ("overdue_actions", 12),
    ("latest_comment", 44),
)
NEEDED = PerLanguage(lambda language: texts.text("template", "dashboard.comment_needed", language))


def write(book: Book, options: TemplateOptions) -> None:
    """Write the Commentary table with its dropdowns, dates, notes and helper formulas."""
    ws = book.ws_comments
    table = schema.COMMENTARY
    rows = options.comment_rows
    data = [_row(comment, options.language) for comment in options.comments]
    tables.write_table(book, ws, table, rows, data, {}, lambda key, row: None)
    tables.validations(book, ws, table, rows)
    _helpers(book, options)


def _row(comment: object, language: str) -> list[object]:
    """Return a prefilled row of the table: its input values in column order, the status in ``language``."""
    row: list[object] = []
    for col in schema.COMMENTARY.input_columns:
        value = getattr(comment, col.key)
        if col.key == "action_status" and value:
            value = core.word("action_status", value, language)
        row.append(value)
    return row


def _letter(key: str) -> str:
    return xl_col_to_name(schema.COMMENTARY.columns.index(schema.COMMENTARY.column(key)))


def _helpers(book: Book, options: TemplateOptions) -> None:
    """Write the helper formulas row by row (plain A1 references), each with the value it computes."""
    ws = book.ws_comments
    a, b, c, d, g, i = (_letter(k) for k in ("kpi_id", "period_end", "comment", "action", "action_status",
                                              "calc_kpi_row"))
    refs = fx.Refs(options.language, kpi_rows=options.kpi_rows, measurement_rows=options.measurement_rows)
    kpi_rows: dict[str, int] = {}
    for n, kpi in enumerate(options.kpis, start=1):
        kpi_rows.setdefault(kpi_key(kpi.kpi_id), n)  # the first row with the key, as MATCH finds it
    open_words = list(dict.fromkeys(core.word("action_status", core.OPEN, x)
                                      for x in (*schema.LANGUAGES, options.language)))
    opened = ",".join(f'TRIM({g}{{r}})="{w}"' for w in open_words)
    cols = {key: schema.COMMENTARY.columns.index(schema.COMMENTARY.column(key))
            for key in ("calc_kpi_row", "calc_rank", "calc_open")}
    fmt = book.fmt(helper=True)
    as_of = book.values.as_of
    for r in range(2, options.comment_rows + 2):
        comment = options.comments[r - 2] if r - 2 < len(options.comments) else None
        kpi_row, rank, is_open = _cached(comment, r, as_of, kpi_rows)
        # The KPI's row as a measurement's calc_kpi_row finds it ("" for an unknown ID: KPX903 names it).
        ws.write_formula(r - 1, cols["calc_kpi_row"],
                         f'=IF({a}{r}="","",IFNA({fx.kpi_row_formula(vocab.excel_key(f"{a}{r}"), refs)},""))', fmt,
                         kpi_row)
        said = f"OR(LEN(TRIM({c}{r}))>0,LEN(TRIM({d}{r}))>0)"
        ws.write_formula(r - 1, cols["calc_rank"],
                         f'=IF(AND({i}{r}<>"",ISNUMBER({b}{r}),{said}),IF({b}{r}<={fx.AS_OF},{b}{r}*{RANK}+ROW(),""),"")',
                         fmt, rank)
        ws.write_formula(r - 1, cols["calc_open"],
                         f'=IF(AND({i}{r}<>"",LEN(TRIM({d}{r}))>0,OR(TRIM({g}{r})="",{opened.format(r=r)})),'
                         f'IF(ISNUMBER({b}{r}),IF({b}{r}<={fx.AS_OF},1,0),1),0)', fmt, is_open)


def _cached(comment, row: int, as_of: date, kpi_rows: dict[str, int]) -> tuple[object, object, int]:
    """Return the helper values of one Commentary row (KPI row, rank, open) as the formulas compute them."""
    if comment is None or not kpi_key(comment.kpi_id):
        return "", "", 0
    if kpi_key(comment.kpi_id) not in kpi_rows:
        return "", "", 0
    dated = comment.period_end is not None and (comment.comment or comment.action)
    rank: object = core.to_serial(comment.period_end) * RANK + row \
        if dated and comment.period_end <= as_of else ""
    in_time = comment.period_end is None or comment.period_end <= as_of
    return kpi_rows[kpi_key(comment.kpi_id)], rank, 1 if comment.is_open and in_time else 0


def dashboard_columns(book: Book, options: TemplateOptions, header_row: int, first_data: int,
                      first_col: int, status_col: int) -> int:
    """Write the Dashboard's commentary columns from ``first_col``; return the next free column."""
    ws, lang, n = book.ws_dash, options.language, options.kpi_rows
    refs = _ranges(book, options)
    words = commentary.kpi_words(options.kpis, options.measurements, options.comments, book.values.as_of)
    status_letter = xl_col_to_name(status_col)
    # Indented: the overdue count right-aligned beside it must not read as part of the comment ("1The ...").
    wrap = book.wb.add_format({"text_wrap": True, "valign": "top", "bg_color": "#F2F2F2", "locked": True,
                               "indent": 1})
    plain = book.fmt()
    ws.set_row(header_row, 30)  # two lines: "Overdue / actions" reads whole in a narrow column
    for offset, (key, width) in enumerate(DASHBOARD_COLUMNS):
        col = first_col + offset
        ws.write_string(header_row, col, texts.text("template", f"dashboard.{key}", lang), book.f_header)
        ws.set_column(col, col, width)
    for j in range(n):
        r = header_row + 1 + j  # 0-based sheet row
        kpi = options.kpis[j] if j < len(options.kpis) else None
        word = words.get(kpi_key(kpi.kpi_id)) if kpi is not None else None
        cached = _dashboard_cached(word, kpi, lang)
        formulas = _dashboard_formulas(refs, r + 1, r + 1 - first_data + 2, status_letter, lang)
        for offset, (key, *_rest) in enumerate(DASHBOARD_COLUMNS):
            ws.write_formula(r, first_col + offset, formulas[key], wrap if key == "latest_comment" else plain,
                             cached[key])
        text = cached["latest_comment"]
        lines = _lines(text, DASHBOARD_COLUMNS[-1][1])
        if lines > 1:
            ws.set_row(r, ROW_HEIGHT * lines)
    needed_col = first_col
    fill, font = STATUS_COLOURS[core.OFF_TRACK]
    ws.conditional_format(header_row + 1, needed_col, header_row + n, needed_col, {
        "type": "cell", "criteria": "==", "value": f'"{NEEDED[lang]}"',
        "format": book.wb.add_format({"bg_color": fill, "font_color": font, "bold": True})})
    overdue_col = first_col + 2
    ws.conditional_format(header_row + 1, overdue_col, header_row + n, overdue_col, {
        "type": "cell", "criteria": ">", "value": 0,
        "format": book.wb.add_format({"bg_color": fill, "font_color": font})})
    return first_col + len(DASHBOARD_COLUMNS)


def _lines(text: object, width: int) -> int:
    if not isinstance(text, str) or not text:
        return 1
    return len(textwrap.wrap(text, int(width * WRAP_CHARS_PER_WIDTH))) or 1


def _ranges(book: Book, options: TemplateOptions) -> dict[str, str]:
    """Return the absolute A1 ranges the Dashboard's commentary formulas read."""
    comments = sheet_ref(schema.COMMENTARY.sheet(book.lang))
    last = options.comment_rows + 1
    found = {key: f"{comments}!${_letter(key)}$2:${_letter(key)}${last}"
             for key in ("comment", "action", "due_date", "calc_kpi_row", "calc_rank", "calc_open")}
    meas = sheet_ref(schema.MEASUREMENTS.sheet(book.lang))
    m_last = options.measurement_rows + 1
    for key in ("period_end", "calc_kpi_row", "calc_in_window"):
        letter = xl_col_to_name(schema.MEASUREMENTS.columns.index(schema.MEASUREMENTS.column(key)))
        found["m_" + key] = f"{meas}!${letter}$2:${letter}${m_last}"
    kpis = sheet_ref(schema.KPIS.sheet(book.lang))
    found["kpis"] = kpis
    found["key_letter"] = book.kpi_letter("calc_key")
    found["row_letter"] = book.kpi_letter("calc_kpi_row")
    return found


def _dashboard_formulas(refs: dict[str, str], row: int, kpi_row: int, status: str, lang: str) -> dict[str, str]:
    """Return the commentary formulas of Dashboard sheet row ``row`` (1-based), showing KPIs sheet row ``kpi_row``."""
    key = f"{refs['kpis']}!${refs['key_letter']}${kpi_row}"
    own_row = f"{refs['kpis']}!${refs['row_letter']}${kpi_row}"
    # The largest rank of the KPI's comments (0 when none): MAXIFS after checking some row has one
    # (formulas rule 3), by the KPI's row (a number) as the criterion.
    some = f'COUNTIFS({refs["calc_kpi_row"]},{own_row},{refs["calc_rank"]},">0")>0'
    rank = f"IF({some},MAXIFS({refs['calc_rank']},{refs['calc_kpi_row']},{own_row}),0)"
    at = f"MATCH({rank},{refs['calc_rank']},0)"
    comment = f"INDEX({refs['comment']},{at})"
    latest = f'IF({rank}=0,"",IF(LEN(TRIM({comment}))>0,{comment},INDEX({refs["action"]},{at})))'
    # The KPI's latest counted period end (0 when none), as the KPIs sheet's own MAXIFS find it.
    counted = f"{refs['m_calc_kpi_row']},{own_row},{refs['m_calc_in_window']},1"
    measured = f"IF(COUNTIFS({counted})>0,MAXIFS({refs['m_period_end']},{counted}),0)"
    words = [core.word("status", s, lang) for s in commentary.NEEDS_WORD]
    red = "OR(" + ",".join(f'{status}{row}="{w}"' for w in words) + ")"
    blank = f'TRIM({key})=""'  # the KPIs' key of a blank ID is " " (so MATCH never finds it)
    needed = (f'IF({red},IF(AND(ISNUMBER({own_row}),{measured}>0),'
              f'IF(INT({rank}/{RANK})<{measured},"{NEEDED[lang]}",""),""),"")')
    open_count = f'COUNTIFS({refs["calc_kpi_row"]},{own_row},{refs["calc_open"]},1)'
    overdue = f'COUNTIFS({refs["calc_kpi_row"]},{own_row},{refs["calc_open"]},1,{refs["due_date"]},"<"&{fx.AS_OF})'
    # Gated on the self-check (formulas rule 7): a program that computes MAXIFS or COUNTIFS
    # wrongly shows #N/A here, not a plausible "no comment needed".
    return {key: f'=IF({blank},"",{fx.gate(body)})' for key, body in (
        ("comment_needed", needed), ("open_actions", open_count), ("overdue_actions", overdue),
        ("latest_comment", latest))}


def _dashboard_cached(word: commentary.KpiWord | None, kpi, lang: str) -> dict[str, object]:
    """Return the values the commentary formulas compute for one Dashboard row (from kpixl.commentary)."""
    if kpi is None or not kpi_key(kpi.kpi_id) or word is None:
        return {"comment_needed": "", "open_actions": "", "overdue_actions": "", "latest_comment": ""}
    latest = word.latest
    text = (latest.comment or latest.action or "") if latest is not None else ""
    return {"comment_needed": NEEDED[lang] if word.missing else "", "open_actions": len(word.open_actions),
            "overdue_actions": len(word.overdue), "latest_comment": text}
