"""Own the Excel formula text of every computed cell of the department workbook.

Two modes give one result (``docs/kpi-semantics.md``):

* ``xlwings``: the KPIs table's Actual, Plan, Attainment and Status call the kpixl
  UDFs (``KPI_ACTUAL``, ``KPI_PLAN``, ``KPI_ATTAINMENT``, ``KPI_STATUS``,
  ``KPI_ELAPSED``) with the argument orders of the spec.
* ``native``: the same numbers from plain spreadsheet functions only, each no newer than
  :data:`MIN_EXCEL_VERSION` (Excel 2019, for MAXIFS/MINIFS; :data:`FUNCTION_SINCE`), so
  Excel 2019 or later, Excel 365 and Excel for the web, LibreOffice 7.4+, IronCalc and
  Gnumeric compute them with no add-in, and every function is one Google Sheets documents.

Portable-construct rules (measured in every engine CI runs, ``tests/test_engines.py``;
every new native formula follows them, and the self-check (:data:`SELF_CHECKS`) tests
each construct a formula relies on):

1. No structured references (``T[[#This Row],[C]]``, ``T[[C]]``): Gnumeric and Google
   Sheets do not read them. A cell of the formula's own row is ``INDEX($X:$X,ROW())``
   (:meth:`Refs.this`: one text on every row, so a table's calculated column stays one
   formula); a table column is the absolute range of its pre-sized rows,
   ``Sheet!$X$2:$X$51`` (:meth:`Refs.column`). Never MATCH, COUNTIFS or SUMIFS over a
   whole column (``$X:$X``): IronCalc scans all 1,048,576 rows (5 s a cell); INDEX of a
   whole column is cheap everywhere.
2. A range of variable length is ``OFFSET(Sheet!$X$2,0,0,n,1)`` (:meth:`Refs.used`), never
   ``INDEX(…):INDEX(…)`` (IronCalc: #VALUE!) nor ``$X$2:INDEX(…)`` (IronCalc, Gnumeric).
3. No AGGREGATE (IronCalc, Gnumeric, Google Sheets lack it): MAXIFS/MINIFS, after checking
   that some row meets the conditions (Gnumeric gives #DIV/0! when none does, Excel 0).
4. No function of a range inside SUMPRODUCT that must apply element-wise (IronCalc reads
   ``ABS(range)`` as ``ABS(@range)``, Gnumeric gives #VALUE!): |x| is ``((x>0)-(x<0))*x``.
5. No ``N()`` of a cell that may be blank (Gnumeric: #NUM!): ``IF(ISNUMBER(x),x,0)``.
6. No IFERROR: it would turn a function a program lacks (#NAME?) into a plausible value.
   A lookup that may legitimately find nothing uses IFNA (only #N/A, which MATCH gives).
7. Every KPI-level formula is gated on the self-check (:data:`SELF_CHECK_OK`):
   ``IF(SelfCheckOK,…,NA())``, so a program that computes any construct wrongly shows
   #N/A in the KPI cells, and the Guide and the Dashboard name the construct.

Choices where the spec is silent (documented in ``docs/workbook.md`` for finance users):

* An invalid definition shows a short text starting ``#VALUE!`` and the reason in
  Plan, Attainment and Status (as the UDFs do); Actual still shows the actual,
  unless the aggregation itself is unknown. Trend and Forecast are blank then.
* Vocabulary cells accept English and Danish words (case and surrounding spaces
  ignored); a blank direction means increase, a blank aggregation means last.
* Evaluation's Final actual and Attainment are the KPI's Actual and Attainment as
  of ``AsOf`` (set ``AsOf`` to the deadline to close a period). Met target is Yes
  when the actual reached the target: increase ``a >= t``, decrease ``a <= t``,
  maintain ``|a - t| <= tolerance``; blank without an actual or with an invalid
  definition.
* KPI IDs are matched by their key (:func:`kpixl.vocab.kpi_key`, white space and case
  ignored), computed by :func:`kpixl.vocab.excel_key` in the helper columns ``calc_key``
  and looked up with wildcards escaped (:func:`kpi_row_formula`), as the core matches them.
"""

from __future__ import annotations

from kpixl import core, i18n, schema, texts, vocab
from kpixl.refs import column_letter
from kpixl.vocab import FormulaMode, Language, PerLanguage

XLWINGS, NATIVE = FormulaMode.XLWINGS, FormulaMode.NATIVE
MODES = (XLWINGS, NATIVE)

# The oldest Excel every workbook kpixl writes computes in (stated in the Guide and the README):
# MAXIFS and MINIFS came with Excel 2019.
MIN_EXCEL_VERSION = 2019
# The Excel version that introduced each function a kpixl formula may use (2007: 2007 or
# earlier). tests/test_formulas.py reads every formula of every template kind and checks
# each function is listed here and none is newer than MIN_EXCEL_VERSION.
FUNCTION_SINCE = {
    **dict.fromkeys(("ABS", "AND", "AVERAGEIFS", "CHAR", "COUNT", "COUNTIF", "COUNTIFS", "DATE", "DAY", "IF",
                     "IFERROR", "INDEX", "INT", "ISBLANK", "ISERROR", "ISNA", "ISNUMBER", "ISTEXT", "LEFT", "LEN", "MATCH", "MAX", "MIN",
                     "MONTH", "N", "NA", "NOT", "OFFSET", "OR", "ROUND", "ROW", "SUBSTITUTE", "SUM", "SUMIF", "SUMIFS",
                     "SUMPRODUCT", "TODAY", "TRIM", "UPPER", "YEAR"), 2007),
    "AGGREGATE": 2010,
    "UNICHAR": 2013, "IFNA": 2013,
    "FORECAST.LINEAR": 2016,
    **dict.fromkeys(("MAXIFS", "MINIFS", "IFS", "SWITCH", "TEXTJOIN", "CONCAT"), 2019),
    **dict.fromkeys(("FILTER", "SORT", "UNIQUE", "SEQUENCE", "XLOOKUP", "XMATCH", "LET"), 2021),
    "LAMBDA": 2024,
}

AS_OF = schema.NAME_AS_OF
# Defined name of a hidden cell: the table row number of the last measurement that counts.
MEASUREMENTS_USED = "MeasurementsUsed"
# Defined names of the self-check's verdict (TRUE when every check computed its known
# answer) and of its message in the workbook's language (:func:`self_check_message_formula`).
SELF_CHECK_OK = "SelfCheckOK"
SELF_CHECK_MESSAGE = "SelfCheckMessage"
# The pre-sized data rows of the tables when a caller does not say (the template's defaults).
DEFAULT_KPI_ROWS = 50
DEFAULT_MEASUREMENT_ROWS = 3000
TREND_WINDOW = core.TREND_WINDOW

def error_text(key: str, language: str = "en") -> str:
    """Return the short ``#VALUE!`` text a native formula shows for an invalid definition (catalogue area ``formulas``)."""
    return texts.text("formulas", f"error.{key}", language)


def _q(text: str) -> str:
    """Return ``text`` as an Excel string literal."""
    return '"' + str(text).replace('"', '""') + '"'


class Refs:
    """Build portable A1 references into the tables in one workbook language (rules 1 and 2 above).

    Every table starts at A1 of its sheet with its columns in schema order; ``kpi_rows``
    and ``measurement_rows`` are the pre-sized data rows (the Evaluation table has as many
    as the KPIs table).
    """

    def __init__(self, language: str = "en", *, kpi_rows: int = DEFAULT_KPI_ROWS,
                 measurement_rows: int = DEFAULT_MEASUREMENT_ROWS):
        self.language = Language.parse(language)
        self.rows = {schema.KPIS.name: kpi_rows, schema.EVALUATION.name: kpi_rows,
                     schema.MEASUREMENTS.name: measurement_rows}

    def sheet(self, table: schema.Table) -> str:
        """Return ``table``'s sheet name as a formula writes it."""
        return _sheet_ref(table.sheet(self.language))

    def this(self, table: schema.Table, key: str) -> str:
        """Return the reference to ``key``'s cell in the formula's own row (a formula on ``table``'s sheet).

        ``INDEX($X:$X,ROW())`` is one text on every row, so a table column keeps one formula.
        """
        col = _letter(table, key)
        return f"INDEX(${col}:${col},ROW())"

    def column(self, table: schema.Table, key: str) -> str:
        """Return the absolute range of column ``key``'s pre-sized data rows, with the sheet."""
        col = _letter(table, key)
        return f"{self.sheet(table)}!${col}$2:${col}${self.rows[table.name] + 1}"

    def reach(self, table: schema.Table, key: str) -> str:
        """Return the absolute range of column ``key`` from its first data row to twice the pre-sized rows.

        For the scans that must also see rows typed just below the table after it was
        unprotected (Excel extends the table and its formulas): ``MeasurementsUsed`` and
        the UDF's columns. Blank rows cost nothing there.
        """
        col = _letter(table, key)
        last = min(2 * self.rows[table.name] + 1, 1_048_576)
        return f"{self.sheet(table)}!${col}$2:${col}${last}"

    def used(self, table: schema.Table, key: str) -> str:
        """Return the reference to column ``key`` of the Measurements table's used rows only.

        The rows from the table's first to its last counted measurement
        (``MEASUREMENTS_USED``): the COUNTIFS/SUMIFS a helper row runs then scan the
        rows in use, not the whole pre-sized table.
        """
        col = _letter(table, key)
        return f"OFFSET({self.sheet(table)}!${col}$2,0,0,{MEASUREMENTS_USED},1)"

    def word(self, vocabulary: str, canonical: str) -> str:
        """Return the workbook language's word for a canonical vocabulary value, as a literal."""
        return _q(core.word(vocabulary, canonical, self.language))


def gate(body: str) -> str:
    """Return ``body`` gated on the self-check (rule 7): #N/A where a check failed."""
    return f"IF({SELF_CHECK_OK},{body},NA())"


def number_or_zero(expr: str) -> str:
    """Return ``expr`` where it is a number, else 0: ``N()`` without Gnumeric's #NUM! for a blank (rule 5)."""
    return f"IF(ISNUMBER({expr}),{expr},0)"


def sign_abs(expr: str) -> str:
    """Return |expr| element-wise inside SUMPRODUCT, portably (rule 4)."""
    return f"(({expr}>0)-({expr}<0))*{expr}"


def _canon(expr: str, vocabulary: str, default: str, language: object = Language.EN) -> str:
    """Return a formula mapping a word of ``expr`` in any offered language to its canonical value (or "?").

    The words of every offered language (:data:`kpixl.vocab.LANGUAGES`) are accepted, and
    those of the workbook's own ``language`` when it is not offered (the pseudo-locale).
    """
    trimmed = f"TRIM({expr})"
    result = _q("?")
    for canonical in reversed(core.VOCABULARIES[vocabulary]):
        words: list[str] = []
        for lang in dict.fromkeys((*schema.LANGUAGES, Language.parse(language))):
            w = core.word(vocabulary, canonical, lang)
            if w.casefold() not in [x.casefold() for x in words]:
                words.append(w)
        tests = [f"{trimmed}={_q(w)}" for w in words]
        test = tests[0] if len(tests) == 1 else "OR(" + ",".join(tests) + ")"
        result = f"IF({test},{_q(canonical)},{result})"
    return f"IF({trimmed}=\"\",{_q(default)},{result})"


def _if_chain(pairs: list[tuple[str, str]], otherwise: str) -> str:
    """Return nested IFs: the first true condition's value, else ``otherwise``."""
    result = otherwise
    for condition, value in reversed(pairs):
        result = f"IF({condition},{value},{result})"
    return result


def _plan_ladder(err: str, on_error: str, aggregation: str, direction: str, t: str, b: str, elapsed: str) -> str:
    """Return core.plan as nested IFs: ``on_error`` for an invalid definition, t*f for a sum,
    t for a maintain KPI or without a baseline, else b + (t - b)*f.

    One text for the KPIs table's Plan and the status strip's plan at a month-end.
    """
    return _if_chain([
        (f'{err}<>""', on_error),
        (f'{aggregation}="sum"', f"{t}*{elapsed}"),
        (f'OR({direction}="maintain",{b}="")', t),
    ], f"{b}+({t}-{b})*{elapsed}")


def _status_ladder(r: "Refs", err: str, not_started: str, att: str, green: str, amber: str) -> str:
    """Return core.status as nested IFs: the error text, Not started, No data, then the
    attainment rounded to 9 places against green and amber (expressions with their defaults).

    One text for the KPIs table's Status and the status strip's status at a month-end.
    """
    rounded = f"ROUND({att},9)"
    return _if_chain([
        (f'{err}<>""', err),
        (not_started, r.word("status", core.NOT_STARTED)),
        (f"NOT(ISNUMBER({att}))", r.word("status", core.NO_DATA)),
        (f"{rounded}>={green}", r.word("status", core.ON_TRACK)),
        (f"{rounded}>={amber}", r.word("status", core.AT_RISK)),
    ], r.word("status", core.OFF_TRACK))


def level_attainment(act: str, pln: str, t: str, b: str) -> str:
    """Return core.attainment of a level KPI with a baseline, (a - z)/(p - z) with z = p - (t - b)
    (revised 2026-12-07), operation by operation as the core computes it. Plain A1-friendly text.
    """
    zero = f"({pln}-({t}-{b}))"
    return f"({act}-{zero})/({pln}-{zero})"


def kpi_row_formula(key_expr: str, refs: Refs) -> str:
    """Return MATCH of an ID key (an expression) in the KPIs table's key column: the KPI's row number.

    The key is escaped so that ``*``, ``?`` and ``~`` in an ID are characters, not MATCH wildcards.
    """
    return f"MATCH({vocab.excel_lookup_value(key_expr)},{refs.column(schema.KPIS, 'calc_key')},0)"


def _check_mode(mode: str) -> None:
    """Raise DefinitionError (vocab's one message) for a formula mode other than xlwings or native."""
    FormulaMode.parse(mode)


# ----------------------------------------------------------------------- Phasing (issue 19)
# Written in the portable style (A1 references, SUMPRODUCT over plain ranges, DATE/DAY/
# MONTH/YEAR, an inline month array; no structured references, no IFERROR) so that
# the formula rewrite for other spreadsheets leaves these builders as they are.

# Rows of the Phasing table (a protected table cannot grow; validate reads any number).
PHASING_ROWS = 20
MONTH_NUMBERS = "{1,2,3,4,5,6,7,8,9,10,11,12}"


def phasing_ranges(language: str = "en") -> tuple[str, str]:
    """Return the absolute A1 ranges of the Phasing table's profile names and its 12 weight columns."""
    sheet = _sheet_ref(schema.PHASING.sheet(Language.parse(language)))
    last = 1 + PHASING_ROWS
    return f"{sheet}!$A$2:$A${last}", f"{sheet}!$B$2:$M${last}"


def _profile_rows(profile: str, language: str) -> str:
    """Return the 0/1 column array of the Phasing rows named like ``profile`` (case ignored, as Excel's =)."""
    names, _ = phasing_ranges(language)
    return f"({names}=TRIM({profile}))"


def phase_density(x: str, profile: str, year0: str, language: str = "en") -> str:
    """Return C(x) - year0 * (sum of the weights): the weight of the days from 1 January of ``year0`` to x.

    C(x) = years * sum(w) + the weights of x's earlier months + w(x's month) * DAY(x) / days in
    x's month (:func:`kpixl.core._density_to`); the days start..D weigh C(D) - C(start - 1).
    """
    _, weights = phasing_ranges(language)
    rows = _profile_rows(profile, language)
    days_in_month = f"DAY(DATE(YEAR({x}),MONTH({x})+1,0))"
    share = f"(({MONTH_NUMBERS}<MONTH({x}))+({MONTH_NUMBERS}=MONTH({x}))*DAY({x})/{days_in_month})"
    # One SUMPRODUCT: each month's weight times (whole years since year0 + its share of x's year).
    return f"SUMPRODUCT({rows}*{weights}*(YEAR({x})-{year0}+{share}))"


def _bad_weights(profile: str, language: str) -> str:
    """Return TRUE when the (first) Phasing row named like ``profile`` lacks a number in a month or has one below 0.

    COUNT and COUNTIF of the row (an OFFSET from the MATCH), not ``SUMPRODUCT(ISNUMBER(weights))``:
    IronCalc reads a function of a 2-D range inside SUMPRODUCT as one cell (rule 4). FALSE for an
    unknown profile (its own check names it). The first row of a repeated name, as the core reads it.
    """
    names, weights = phasing_ranges(language)
    first = weights.split(":")[0].replace("$2", "$1")
    row = f"OFFSET({first},MATCH(TRIM({profile}),{names},0),0,1,12)"
    unknown = f'OR({profile}="",COUNTIF({names},TRIM({profile}))=0)'
    return f'IF({unknown},FALSE,OR(COUNT({row})<12,COUNTIF({row},"<0")>0))'


def phase_helper_formulas(profile: str, start: str, deadline: str, base: str, language: str = "en") -> dict[str, str]:
    """Return the bodies (no ``=``) of the helpers ``calc_phase_base`` (C(start - 1)) and ``calc_phase_total``
    (C(deadline) - C(start - 1)); blank without a profile, a date or with a bad weight."""
    names, _ = phasing_ranges(language)
    year0 = f"YEAR({start})"
    skip = (f'OR({profile}="",NOT(ISNUMBER({start})),NOT(ISNUMBER({deadline})),COUNTIF({names},TRIM({profile}))=0,'
            f"{_bad_weights(profile, language)})")
    return {
        "calc_phase_base": f'IF({skip},"",{phase_density(f"({start}-1)", profile, year0, language)})',
        "calc_phase_total": f'IF({skip},"",{phase_density(deadline, profile, year0, language)}-{base})',
    }


def phasing_error_checks(profile: str, total: str, language: str = "en") -> list[tuple[str, str]]:
    """Return the (condition, error key) pairs a phased KPI adds to calc_error, in the core's order:
    an unknown profile, a blank/negative/text weight, a profile weighing 0 in every month of the period."""
    names, _ = phasing_ranges(language)
    return [
        (f'AND({profile}<>"",COUNTIF({names},TRIM({profile}))=0)', "phasing_unknown"),
        (f'AND({profile}<>"",{_bad_weights(profile, language)})', "phasing_weights"),
        (f'AND({profile}<>"",ISNUMBER({total}),{total}<=0)', "phasing_zero"),
    ]


def phase_formula(x: str, *, profile: str, start: str, deadline: str, base: str, total: str,
                  linear: str, language: str = "en") -> str:
    """Return Φ at the day ``x`` (an expression): ``linear`` without a profile, else 1 without a start or a
    deadline, 0 before the start, 1 from the deadline on, else (C(x) - C(start - 1)) / the period's weight."""
    year0 = f"YEAR({start})"
    return _if_chain([
        (f'{profile}=""', linear),
        (f'OR({start}="",{deadline}="")', "1"),
        (f"{x}<{start}", "0"),
        (f"{x}>={deadline}", "1"),
    ], f"({phase_density(x, profile, year0, language)}-{base})/{total}")


def phased_forecast_formula(achieved: str, count: str, phase_last: str, deadline: str) -> str:
    """Return the forecast of a phased cumulative KPI, S_last / Φ(x_last) (core.phased_forecast): blank
    without a deadline or a counted measurement, or when nothing is planned by the latest period end.
    ``phase_last`` is the helper holding Φ(x_last) (calc_phase_last)."""
    return _if_chain([
        (f'OR({deadline}="",{count}=0)', '""'),
        (f"{phase_last}<=0", '""'),
    ], f"{achieved}/{phase_last}")


# ------------------------------------------------------------------------ KPIs table

def native_actuals(values: str, rows: str, key: str, in_window: str, position: str, count: str) -> dict[str, str]:
    """Return the native Actual of each aggregation (:func:`kpixl.core.combine`), by its canonical value.

    ``values``, ``rows``, ``in_window`` and ``position`` are the Measurements columns of the used
    rows (value, calc_kpi_row, calc_in_window, calc_position: 1 is the newest counted row, ``count``
    the oldest), ``key`` the KPI's row number; the formulas run only when ``count`` > 0 (MINIFS and
    MAXIFS need a row, rule 3). :func:`kpi_formulas` tests the aggregations in the vocabulary's
    order, so a new aggregation needs its entry here (a KeyError names it otherwise), and its
    month-end form in :func:`strip_formulas`.
    """
    counted = f"{rows},{key},{in_window},1"
    return {
        core.SUM: f"SUMIFS({values},{counted})",
        core.AVERAGE: f"AVERAGEIFS({values},{counted})",
        core.LAST: f"SUMIFS({values},{rows},{key},{position},1)",
        core.MIN: f"MINIFS({values},{counted})",
        core.MAX: f"MAXIFS({values},{counted})",
    }


def kpi_formulas(mode: str = NATIVE, language: str = "en", *, kpi_rows: int = DEFAULT_KPI_ROWS,
                 measurement_rows: int = DEFAULT_MEASUREMENT_ROWS) -> dict[str, str]:
    """Return the calculated-column formula of every computed KPIs column (helpers too), by key.

    Every formula of a KPI's row is gated on the self-check (:func:`gate`).
    """
    _check_mode(mode)
    r = Refs(language, kpi_rows=kpi_rows, measurement_rows=measurement_rows)
    K = schema.KPIS
    M = schema.MEASUREMENTS

    def k(key: str) -> str:
        return r.this(K, key)

    kid, t, b, tol = k("kpi_id"), k("target"), k("baseline"), k("tolerance")
    start, deadline, green, amber = k("start"), k("deadline"), k("green"), k("amber")
    direction, aggregation = k("calc_direction"), k("calc_aggregation")
    elapsed, err, count = k("calc_elapsed"), k("calc_error"), k("calc_count")
    act, pln, att = k("actual"), k("plan"), k("attainment")
    # The KPI's own row: the first row with its ID key, as a measurement's calc_kpi_row finds it.
    key = k("calc_kpi_row")
    # Measurements ranges end at the last counted row (see Refs.used).
    m_row = r.used(M, "calc_kpi_row")
    m_in = r.used(M, "calc_in_window")
    values = r.used(M, "value")
    lang = r.language

    def guard(body: str) -> str:
        return f'IF({kid}="","",{gate(body)})'

    def e(name: str) -> str:
        return _q(error_text(name, lang))

    def sum_helper(helper: str) -> str:
        return f"SUMIFS({r.used(M, helper)},{m_row},{key})"

    def sum_product(*factors: str) -> str:
        # Helper columns are numbers (0 outside the window), so the products need no IF.
        return f"SUMPRODUCT(({m_row}={key})" + "".join(f"*{x}" for x in factors) + ")"

    f: dict[str, str] = {}
    # A blank row's key is one space, which no ID's key can be (keys never start with a space),
    # so a lookup never lands on an empty row.
    f["calc_key"] = f'=IF({kid}=""," ",{vocab.excel_key(kid)})'
    f["calc_kpi_row"] = "=" + guard(kpi_row_formula(k("calc_key"), r))
    f["calc_direction"] = "=" + guard(_canon(k("direction"), "direction", core.INCREASE, lang))
    f["calc_aggregation"] = "=" + guard(_canon(k("aggregation"), "aggregation", core.LAST, lang))
    # Plain Excel in both modes: the native formulas use it, and it works without the add-in.
    # With a phasing profile it holds Φ (phase_formula), so Plan, Attainment and Status follow it.
    profile, base, phase_total = k("phasing"), k("calc_phase_base"), k("calc_phase_total")
    linear = _if_chain([
        (f'OR({start}="",{deadline}="")', "1"),
        (f"OR(NOT(ISNUMBER({start})),NOT(ISNUMBER({deadline})),{deadline}<={start})", _q("#VALUE!")),
    ], f"MIN(1,MAX(0,(INT({AS_OF})-{start})/({deadline}-{start})))")
    f["calc_elapsed"] = "=" + guard(_if_chain([(f'AND({profile}<>"",{err}<>"")', _q("#VALUE!"))], phase_formula(
        f"INT({AS_OF})", profile=profile, start=start, deadline=deadline, base=base, total=phase_total, linear=linear,
        language=lang)))
    for helper, body in phase_helper_formulas(profile, start, deadline, base, lang).items():
        f[helper] = "=" + guard(body)
    green_v = f'IF({green}="",{core.DEFAULT_GREEN},{green})'
    amber_v = f'IF({amber}="",{core.DEFAULT_AMBER},{amber})'
    f["calc_error"] = "=" + guard(_if_chain([
        (f'{direction}="?"', e("direction")),
        (f'{aggregation}="?"', e("aggregation")),
        (f"NOT(ISNUMBER({t}))", e("target")),
        (f'AND({b}<>"",NOT(ISNUMBER({b})))', e("baseline")),
        (f'AND({tol}<>"",NOT(ISNUMBER({tol})))', e("tolerance_nan")),
        (f'AND({direction}="increase",{b}="",{t}<=0)', e("increase_zero")),
        (f'AND({direction}="increase",{b}<>"",{t}<={b})', e("increase")),
        (f'AND({direction}="decrease",{b}="")', e("decrease_blank")),
        (f'AND({direction}="decrease",{t}>={b})', e("decrease")),
        (f'AND({direction}="maintain",{tol}="",{t}=0)', e("maintain_zero")),
        (f'AND({direction}="maintain",{tol}<>"",{tol}<=0)', e("tolerance")),
        (f'OR(AND({start}<>"",NOT(ISNUMBER({start}))),AND({deadline}<>"",NOT(ISNUMBER({deadline}))))',
         e("dates_nan")),
        (f'AND({start}<>"",{deadline}<>"",{deadline}<={start})', e("dates")),
        (f'OR(AND({green}<>"",NOT(ISNUMBER({green}))),AND({amber}<>"",NOT(ISNUMBER({amber}))))',
         e("thresholds_nan")),
        (f"{green_v}<{amber_v}", e("thresholds")),
        *((test, e(key)) for test, key in phasing_error_checks(profile, phase_total, lang)),
    ], '""'))
    f["calc_count"] = "=" + guard(f"COUNTIFS({m_row},{key},{m_in},1)")

    # f = 0 means Not started, except for a maintain KPI with a level aggregation.
    not_started = f'AND({elapsed}<=0,OR({direction}<>"maintain",{aggregation}="sum"))'
    tolerance_v = f'IF({tol}="",{core.DEFAULT_TOLERANCE_SHARE}*ABS({t}),{tol})'
    if mode == NATIVE:
        by_aggregation = native_actuals(values, m_row, key, m_in, r.used(M, "calc_position"), count)
        *ladder, (_last, otherwise) = [(f"{aggregation}={_q(a)}", by_aggregation[a])
                                       for a in core.VOCABULARIES["aggregation"]]
        f["actual"] = "=" + guard(_if_chain([
            (f'{aggregation}="?"', e("aggregation")),
            (f"{count}=0", '""'),
            *ladder,
        ], otherwise))
        f["plan"] = "=" + guard(_plan_ladder(err, err, aggregation, direction, t, b, elapsed))
        # The arithmetic mirrors core.attainment step by step so the floats agree.
        zero_cum = f'IF({b}="",0,{b}*{elapsed})'
        f["attainment"] = "=" + guard(_if_chain([
            (f'{err}<>""', err),
            (not_started, '""'),
            (f"NOT(ISNUMBER({act}))", '""'),
            (f'AND({direction}="maintain",{aggregation}="sum")',
             f"MAX(0,1-ABS({act}-{t}*{elapsed})/({tolerance_v}*{elapsed}))"),
            (f'{direction}="maintain"', f"MAX(0,1-ABS({act}-{t})/{tolerance_v})"),
            (f'{aggregation}="sum"', f"({act}-{zero_cum})/({pln}-{zero_cum})"),
            (f'{b}=""', f"({act}-0)/({pln}-0)"),
        ], level_attainment(act, pln, t, b)))
        f["status"] = "=" + guard(_status_ladder(r, err, not_started, att, green_v, amber_v))
    else:
        raw_dir, raw_agg = k("direction"), k("aggregation")
        # A phased KPI's elapsed is KPI_PHASE with its profile's 12 weights (the Phasing row it names).
        names, weights = phasing_ranges(lang)
        f_udf = (f'IF({profile}="",KPI_ELAPSED({start},{deadline},{AS_OF}),KPI_PHASE({start},{deadline},{AS_OF},'
                 f"INDEX({weights},MATCH(TRIM({profile}),{names},0),0)))")
        f["actual"] = "=" + guard(
            f"KPI_ACTUAL({kid},{r.reach(M, 'kpi_id')},{r.reach(M, 'period_end')},{r.reach(M, 'value')},"
            f"{raw_agg},{AS_OF},{start})")
        f["plan"] = "=" + guard(f"KPI_PLAN({t},{b},{raw_dir},{f_udf},{raw_agg},{tol})")
        f["attainment"] = "=" + guard(f"KPI_ATTAINMENT({act},{t},{b},{raw_dir},{f_udf},{raw_agg},{tol})")
        f["status"] = "=" + guard(
            f"KPI_STATUS({act},{t},{b},{raw_dir},{f_udf},{raw_agg},{tol},{green},{amber},{_q(lang)})")

    # Trend over the newest TREND_WINDOW in-window values: with p = position from the
    # newest (1..n), x = n - p, so slope_x = -slope_p and sum(p), sum(p^2) are closed forms.
    n = f"MIN({TREND_WINDOW},{count})"
    c_tv, c_pos = r.used(M, "calc_tv"), r.used(M, "calc_position")
    s_tv, s_ptv, s_abs = sum_helper("calc_tv"), sum_product(c_pos, c_tv), sum_product(sign_abs(c_tv))
    slope_p = f"({n}*{s_ptv}-{n}*({n}+1)/2*{s_tv})/({n}*{n}*({n}+1)*({n}-1)/12)"
    f["calc_trend_rel"] = "=" + guard(_if_chain([
        (f'{err}<>""', '""'),
        (f"{count}<2", '""'),
    ], f"-{slope_p}*({n}-1)/IF({s_abs}=0,1,{s_abs}/{n})"))
    rel = k("calc_trend_rel")
    f["calc_trend"] = "=" + guard(_if_chain([
        (f'{err}<>""', '""'),
        (f"{count}<2", r.word("trend", core.NO_DATA)),
        (f"ABS({rel})<{core.TREND_STABLE_BAND}", r.word("trend", core.STABLE)),
        (f'IF({direction}="increase",{rel}>0,{rel}<0)', r.word("trend", core.IMPROVING)),
    ], r.word("trend", core.WORSENING)))

    # Forecast: least squares of y on x = period end - AsOf (small numbers). Level KPIs: the
    # line at the deadline. Cumulative KPIs (y = running sum): the total so far plus the
    # slope times the days from the newest point (position 1) to the deadline, never negative.
    sx, sy = sum_helper("calc_day"), sum_helper("calc_y")
    c_day = r.used(M, "calc_day")
    sxy, sxx = sum_product(c_day, r.used(M, "calc_y")), sum_product(c_day, c_day)
    denominator = f"({count}*{sxx}-{sx}*{sx})"
    slope = f"({count}*{sxy}-{sx}*{sy})/{denominator}"
    days_left = f"({deadline}-{AS_OF})"
    newest_day = f"SUMIFS({c_day},{m_row},{key},{r.used(M, 'calc_position')},1)"
    total = f"SUMIFS({values},{m_row},{key},{m_in},1)"
    cumulative = f'{aggregation}="sum"'
    # Φ at the newest counted period end (x = AsOf + its day) of a phased sum KPI.
    f["calc_phase_last"] = "=" + guard(_if_chain([
        (f'OR({err}<>"",{profile}="",NOT({cumulative}),{count}=0)', '""'),
    ], phase_formula(f"ROUND({AS_OF}+{newest_day},0)", profile=profile, start=start, deadline=deadline, base=base,
                     total=phase_total, linear="1", language=lang)))
    # One slope term (the formula stays short): level y_mean + slope*(deadline - x_mean).
    f["calc_forecast"] = "=" + guard(_if_chain([
        (f'{err}<>""', '""'),
        (f'AND({profile}<>"",{cumulative})', phased_forecast_formula(total, count, k("calc_phase_last"), deadline)),
        (f'OR({deadline}="",{count}<2)', '""'),
        (f"{denominator}=0", '""'),
    ], f"IF({cumulative},{total},{sy}/{count})"
       f"+{slope}*IF({cumulative},MAX(0,{days_left}-{newest_day}),{days_left}-{sx}/{count})"))
    return f


# ----------------------------------------------------------------- Measurements table

def measurement_formulas(mode: str = NATIVE, language: str = "en", *, kpi_rows: int = DEFAULT_KPI_ROWS,
                         measurement_rows: int = DEFAULT_MEASUREMENT_ROWS) -> dict[str, str]:
    """Return the calculated-column formula of every Measurements helper column, by key.

    The helpers are plain Excel in both modes (Trend and Forecast need them).
    """
    _check_mode(mode)
    r = Refs(language, kpi_rows=kpi_rows, measurement_rows=measurement_rows)
    K = schema.KPIS
    M = schema.MEASUREMENTS

    def m(key: str) -> str:
        return r.this(M, key)

    mid, pe, v = m("kpi_id"), m("period_end"), m("value")
    row, kr, inw, pos = m("calc_row"), m("calc_kpi_row"), m("calc_in_window"), m("calc_position")
    # The COUNTIFS/SUMIFS of every counted row scan only the used rows (Refs.used): with
    # whole-table ranges a recalculation costs counted rows x table rows.
    c_row, c_kr, c_in = r.used(M, "calc_row"), r.used(M, "calc_kpi_row"), r.used(M, "calc_in_window")
    c_pe, c_v = r.used(M, "period_end"), r.used(M, "value")
    same = f"{c_kr},{kr},{c_in},1"

    def kpi(key: str) -> str:
        return f"INDEX({r.column(K, key)},{kr})"

    f: dict[str, str] = {}
    # The ID is matched by its key (kpixl.vocab.kpi_key), as the core matches it.
    f["calc_key"] = f'=IF({mid}="","",{vocab.excel_key(mid)})'
    f["calc_kpi_row"] = f'=IF({m("calc_key")}="","",IFNA({kpi_row_formula(m("calc_key"), r)},""))'
    f["calc_row"] = "=ROW()"
    # A blank start means no lower bound: 0 (N(blank), rule 5).
    f["calc_in_window"] = (f"=IF(NOT(ISNUMBER({kr})),0,IF(AND(ISNUMBER({pe}),ISNUMBER({v})),"
                           f"IF(AND({pe}<={AS_OF},{pe}>={number_or_zero(kpi('start'))}),1,0),0))")
    # Ties on the period end keep row order (as core.window's stable sort does).
    f["calc_position"] = (f'=IF({inw}<>1,0,1+COUNTIFS({same},{c_pe},">"&{pe})'
                          f'+COUNTIFS({same},{c_pe},{pe},{c_row},">"&{row}))')
    f["calc_day"] = f"=IF({inw}=1,{pe}-{AS_OF},0)"
    f["calc_y"] = (f'=IF({inw}<>1,0,IF({kpi("calc_aggregation")}="sum",'
                   f'SUMIFS({c_v},{same},{c_pe},"<"&{pe})+SUMIFS({c_v},{same},{c_pe},{pe},{c_row},"<="&{row}),{v}))')
    # A maintain KPI without a numeric target has a definition error (no trend): 0.
    f["calc_tv"] = (f'=IF({inw}<>1,0,IF({pos}>{TREND_WINDOW},0,IF({kpi("calc_direction")}="maintain",'
                    f'IF(ISNUMBER({kpi("target")}),ABS({v}-{kpi("target")}),0),{v})))')
    return f


def measurements_used_formula(language: str = "en", *, measurement_rows: int = DEFAULT_MEASUREMENT_ROWS) -> str:
    """Return the formula of the ``MEASUREMENTS_USED`` cell: the table row of the last counted measurement.

    At least 1, so a used range is never empty. MAXIFS only when a row counts (rule 3);
    the table's first data row is sheet row 2 (``calc_row`` is ROW()).
    """
    r = Refs(language, measurement_rows=measurement_rows)
    M = schema.MEASUREMENTS
    row, counted = r.reach(M, "calc_row"), r.reach(M, "calc_in_window")
    return f"=IF(COUNTIFS({counted},1)=0,1,MAX(1,MAXIFS({row},{counted},1)-1))"


# ------------------------------------------------------------------ Evaluation table

def evaluation_formulas(mode: str = NATIVE, language: str = "en", *,
                        kpi_rows: int = DEFAULT_KPI_ROWS) -> dict[str, str]:
    """Return the formulas of Evaluation's computed columns (the same in both modes).

    An ID not among the KPIs shows nothing (IFNA of the MATCH); the KPI's cells are
    shown as they are, #N/A of a failed self-check included (no IFERROR, rule 6).
    """
    _check_mode(mode)
    r = Refs(language, kpi_rows=kpi_rows)
    K = schema.KPIS
    E = schema.EVALUATION
    eid = r.this(E, "kpi_id")
    final = r.this(E, "final_actual")
    found = r.this(E, "calc_kpi_row")

    def kpi(key: str) -> str:
        return f"INDEX({r.column(K, key)},{found})"

    yes, no = (_q(w) for w in schema.YES_NO[r.language])
    t = kpi("target")
    tolerance_v = f'IF({kpi("tolerance")}="",{core.DEFAULT_TOLERANCE_SHARE}*ABS({t}),{kpi("tolerance")})'
    met = _if_chain([
        (f'{kpi("calc_error")}<>""', '""'),
        (f"NOT(ISNUMBER({final}))", '""'),
        (f'{kpi("calc_direction")}="increase"', f"IF({final}>={t},{yes},{no})"),
        (f'{kpi("calc_direction")}="decrease"', f"IF({final}<={t},{yes},{no})"),
    ], f"IF(ABS({final}-{t})<={tolerance_v},{yes},{no})")
    return {
        "calc_kpi_row": f'=IF({eid}="","",IFNA({kpi_row_formula(vocab.excel_key(eid), r)},""))',
        "final_actual": f'=IF({found}="","",{kpi("actual")})',
        "attainment": f'=IF({found}="","",{kpi("attainment")})',
        "met_target": f'=IF({found}="","",{met})',
    }


# ------------------------------------------------------------------------ Dashboard

# Dashboard columns: (key, KPIs column key it shows; None for the helper columns, which compute
# from the KPIs row instead). Their headers are the catalogue's formulas.dashboard.<key>.
DASHBOARD_COLUMNS = (
    ("kpi_id", "kpi_id"),
    ("name", "name"),
    ("owner", "owner"),
    ("target", "target"),
    ("actual", "actual"),
    ("plan", "plan"),
    ("attainment", "attainment"),
    ("status", "status"),
    ("trend", "calc_trend"),
    ("forecast", "calc_forecast"),
    # The goals now (docs/kpi-semantics.md, "Goals now"; goals_formulas): this month's goal, and for
    # a sum KPI what is still needed this month and per day (for a decrease KPI: the allowance left).
    ("month_goal", None),
    ("needed_month", None),
    ("needed_day", None),
    ("calc_vs_plan", None),
    ("calc_phase_month_end", None),
    ("calc_phase_prev_end", None),
    ("calc_phase_tomorrow", None),
)
# Hidden, locked helper columns of the Dashboard: the data of the "Against plan" chart, and Φ at
# the end of AsOf's month, at the end of the month before and at the end of the next day.
DASHBOARD_HELPERS = ("calc_vs_plan", "calc_phase_month_end", "calc_phase_prev_end", "calc_phase_tomorrow")
GOAL_KEYS = ("month_goal", "needed_month", "needed_day", "calc_phase_month_end", "calc_phase_prev_end",
             "calc_phase_tomorrow")


def dashboard_formulas(mode: str = NATIVE, language: str = "en", *, first_data_row: int = 2,
                       kpi_rows: int = DEFAULT_KPI_ROWS) -> dict[str, str]:
    """Return the Dashboard table's column formulas: row n shows the KPIs table's row n.

    The helper column ``calc_vs_plan`` (:data:`DASHBOARD_HELPERS`) holds the row's actual
    against its plan, more is better (:func:`kpixl.core.against_plan`), ``#N/A`` without a
    number to show.

    ``first_data_row`` is the 1-based sheet row of the Dashboard's first data row; the
    KPI row index is taken from ROW() (LibreOffice does not resolve ``Table[#Headers]``).
    """
    _check_mode(mode)
    r = Refs(language, kpi_rows=kpi_rows)
    n = f"ROW()-{first_data_row - 1}"
    first = r.column(schema.KPIS, "kpi_id")
    formulas = {}
    for key, source in DASHBOARD_COLUMNS:
        if source is None:
            continue
        ref = f"INDEX({r.column(schema.KPIS, source)},{n})"
        formulas[key] = f'=IF(INDEX({first},{n})="","",IF({ref}="","",{ref}))'
    # Actual / Plan makes KPIs of any unit comparable in one chart. #N/A (the column is
    # hidden) when either is not a number or the plan is not above 0 (a ratio to such a plan
    # means nothing): Excel plots a text "" as 0, a bar from the 100% line down to 0%, but
    # plots nothing for #N/A.
    # Right is better for every direction (core.against_plan): a decrease KPI mirrors the
    # ratio around 100%, a maintain KPI loses what it strays either way.
    actual = f"INDEX({r.column(schema.KPIS, 'actual')},{n})"
    plan = f"INDEX({r.column(schema.KPIS, 'plan')},{n})"
    direction = f"INDEX({r.column(schema.KPIS, 'calc_direction')},{n})"
    both = f"AND(ISNUMBER({actual}),ISNUMBER({plan}))"
    ratio = f"{actual}/{plan}"
    by_direction = (f'IF({direction}="{core.DECREASE}",2-{ratio},'
                    f'IF({direction}="{core.MAINTAIN}",1-ABS({ratio}-1),{ratio}))')
    formulas["calc_vs_plan"] = f"=IF({both},IF({plan}>0,{by_direction},NA()),NA())"
    formulas.update(goals_formulas(language, first_data_row=first_data_row))
    return formulas


def goals_formulas(language: str = "en", *, first_data_row: int = 2) -> dict[str, str]:
    """Return the formulas of the Dashboard's goals (:data:`GOAL_KEYS`) on the row showing KPIs row n.

    As :func:`kpixl.core.goals`: Φ at the end of AsOf's month (E), of the month before (P) and of
    AsOf + 1 (T) in hidden helpers; this month's goal t*(Φ(E) - Φ(P)) for a sum KPI and the plan
    at E for a level one; still needed max(0, t - a)*(Φ(x) - Φ(D))/(1 - Φ(D)) for x = E and T (sum
    KPIs only; blank once Φ(D) = 1). Φ(D) is the KPI's calc_elapsed. A1 references (the KPIs row by
    ``ROW()``, the row's own helpers by ``INDEX($X:$X,ROW())``): portable, the same text on every row.
    """
    r = Refs(language)
    kpis_sheet = _sheet_ref(schema.KPIS.sheet(r.language))
    n = f"ROW()-{first_data_row - 2}"
    keys = [key for key, *_ in DASHBOARD_COLUMNS]

    def k(key: str) -> str:
        col = _letter(schema.KPIS, key)
        return f"INDEX({kpis_sheet}!${col}:${col},{n})"

    def own(key: str) -> str:
        col = column_letter(keys.index(key) + 1)
        return f"INDEX(${col}:${col},ROW())"

    kid, t, b, act, err = k("kpi_id"), k("target"), k("baseline"), k("actual"), k("calc_error")
    start, deadline, now = k("start"), k("deadline"), k("calc_elapsed")
    aggregation, direction = k("calc_aggregation"), k("calc_direction")
    day = f"INT({AS_OF})"

    def phase_at(x: str) -> str:
        linear = _if_chain([(f'OR({start}="",{deadline}="")', "1")],
                           f"MIN(1,MAX(0,({x}-{start})/({deadline}-{start})))")
        return phase_formula(x, profile=k("phasing"), start=start, deadline=deadline, base=k("calc_phase_base"),
                             total=k("calc_phase_total"), linear=linear, language=r.language)

    def guard(body: str) -> str:
        return f'=IF({kid}="","",{gate(f"IF({err}<>{chr(34) * 2},{chr(34) * 2},{body})")})'

    month_end, prev_end, tomorrow = (own(x) for x in ("calc_phase_month_end", "calc_phase_prev_end",
                                                      "calc_phase_tomorrow"))
    missing = f"MAX(0,{t}-IF(ISNUMBER({act}),{act},0))"

    def needed(until: str) -> str:
        return _if_chain([(f'{aggregation}<>"sum"', '""'), (f"{now}>=1", '""')],
                         f"{missing}*(MAX({until},{now})-{now})/(1-{now})")

    return {
        "calc_phase_month_end": guard(phase_at(f"DATE(YEAR({day}),MONTH({day})+1,0)")),
        "calc_phase_prev_end": guard(phase_at(f"DATE(YEAR({day}),MONTH({day}),0)")),
        "calc_phase_tomorrow": guard(phase_at(f"({day}+1)")),
        "month_goal": guard(f'IF({aggregation}="sum",{t}*({month_end}-{prev_end}),'
                            f'{_plan_ladder(err, chr(34) * 2, aggregation, direction, t, b, month_end)})'),
        "needed_month": guard(needed(month_end)),
        "needed_day": guard(needed(tomorrow)),
    }


def dashboard_header(key: str, language: str = "en") -> str:
    """Return the Dashboard header of column ``key`` in ``language``."""
    if key not in {k for k, _source in DASHBOARD_COLUMNS}:
        raise KeyError(key)
    return texts.text("formulas", f"dashboard.{key}", language)


# ------------------------------------------------------------- Dashboard status strip

# The Dashboard's status strip: the KPI's status as of each of the last STRIP_MONTHS
# month-ends on or before AsOf, oldest first. Plain Excel in both modes (a UDF cannot take
# the per-month window without dynamic arrays). The cells sit right of the Dashboard
# table, not in it: a table header is a constant, the month headers follow AsOf.
STRIP_MONTHS = 6
# Short month names per language: CLDR's, through kpixl.i18n.
MONTH_NAMES = PerLanguage(i18n.month_abbreviations)
# Per month, five hidden helpers and the visible status (STRIP_KEYS): the count of
# measurements counted at the month-end, the elapsed fraction, actual, plan and attainment
# there. The helpers keep each formula short and let the formulas of one
# month be the same text on every row (row-independent references, see strip_formulas):
# a 5,000-row Dashboard writes as fast as with one formula per column.
STRIP_KEYS = ("calc_count", "calc_elapsed", "calc_actual", "calc_plan", "calc_attainment", "status")
# The aggregations whose month-end actual strip_formulas computes (its calc_actual shares one SUMIFS
# among sum, average and last, so it is no table by aggregation like native_actuals): a new
# aggregation is added here with its branch there, or the strip refuses to be written.
STRIP_AGGREGATIONS = (core.SUM, core.AVERAGE, core.LAST, core.MIN, core.MAX)


def strip_month_end(i: int) -> str:
    """Return the serial of strip month ``i`` (0 = oldest, STRIP_MONTHS - 1 = newest) as a formula expression.

    The newest is the last month-end on or before AsOf (AsOf itself when it is one):
    day 0 of the month after ``INT(AsOf) + 1``'s month.
    """
    back = STRIP_MONTHS - 1 - i
    return f"DATE(YEAR(INT({AS_OF})+1),MONTH(INT({AS_OF})+1)-{back},0)"


def strip_month_end_formula(i: int) -> str:
    """Return the formula of strip month ``i``'s month-end cell (one cell per month, above the helpers)."""
    return "=" + strip_month_end(i)


def strip_header_formula(month_end: str, language: str = "en") -> str:
    """Return the header formula of a strip month: the short name, in ``language``, of the month of ``month_end``.

    ``month_end`` is the absolute reference of the month's month-end cell.
    """
    names = MONTH_NAMES[Language.parse(language)]
    return "=INDEX({" + ";".join(_q(n) for n in names) + "}," + f"MONTH({month_end}))"


def _sheet_ref(sheet: str) -> str:
    """Return a sheet name as it must appear in a formula (quoted when needed)."""
    if sheet.replace("_", "").isalnum() and not sheet[0].isdigit():
        return sheet
    return "'" + sheet.replace("'", "''") + "'"


def _letter(table: schema.Table, key: str) -> str:
    """Return the column letter of ``key`` in ``table`` (written from A1, columns in schema order)."""
    return column_letter([c.key for c in table.columns].index(key) + 1)


def strip_formulas(language: str = "en", *, first_data_row: int = 2, month_end: str = "#REF!",
                   columns: dict[str, str] | None = None) -> dict[str, str]:
    """Return the formulas of one strip month on a Dashboard row, by :data:`STRIP_KEYS`.

    They generalise the KPIs table's native Actual, Attainment and Status from AsOf to the
    month-end m (<= AsOf): a measurement counts at m when it counts at AsOf
    (``calc_in_window``) and its period end is <= m; the elapsed fraction is taken at m.
    ``month_end`` is the absolute reference of the cell holding m (``$R$4``); ``columns``
    maps the helper keys of :data:`STRIP_KEYS` to the letters of the month's helper
    columns. Every reference is row-independent (the KPIs
    row by ``ROW()``, a helper of the same row by ``INDEX($X:$X,ROW())``), so each formula
    is the same text on every row.
    """
    r = Refs(language)
    columns = columns or {}
    # A1 references (table at A1, columns in schema order), not structured ones: they keep
    # the 36 formulas of a row short (a 5,000-row Dashboard holds 180,000 of them).
    kpis_sheet = r.sheet(schema.KPIS)
    # KPIs row n (1-based) is sheet row n + 1.
    n = f"ROW()-{first_data_row - 2}"

    def k(key: str) -> str:
        col = _letter(schema.KPIS, key)
        return f"INDEX({kpis_sheet}!${col}:${col},{n})"

    def used(key: str) -> str:
        # The Measurements rows from the first to the last counted one.
        return r.used(schema.MEASUREMENTS, key)

    def helper(key: str) -> str:
        col = columns.get(key)
        return "#REF!" if col is None else f"INDEX(${col}:${col},ROW())"

    m = month_end
    kid, t, b, tol = k("kpi_id"), k("target"), k("baseline"), k("tolerance")
    start, deadline, green, amber = k("start"), k("deadline"), k("green"), k("amber")
    direction, aggregation, err, key = k("calc_direction"), k("calc_aggregation"), k("calc_error"), k("calc_kpi_row")
    m_row, m_in, m_pe = used("calc_kpi_row"), used("calc_in_window"), used("period_end")
    values, pos = used("value"), used("calc_position")
    count, elapsed, act, plan, att = (helper(x) for x in STRIP_KEYS[:5])

    def guard(body: str) -> str:
        return f'=IF({kid}="","",{gate(body)})'

    f: dict[str, str] = {}
    f["calc_count"] = guard(f'COUNTIFS({m_row},{key},{m_in},1,{m_pe},"<="&{m})')
    # The elapsed fraction at m (calc_elapsed with m for AsOf); blank for an invalid definition.
    # With a phasing profile: Φ at m (phase_formula).
    f["calc_elapsed"] = guard(_if_chain([
        (f'{err}<>""', '""'),
    ], phase_formula(m, profile=k("phasing"), start=start, deadline=deadline, base=k("calc_phase_base"),
                     total=k("calc_phase_total"), language=r.language, linear=_if_chain([
                         (f'OR({start}="",{deadline}="")', "1"),
                     ], f"MIN(1,MAX(0,({m}-{start})/({deadline}-{start})))"))))
    # Positions count from the newest at AsOf (1 .. (calc) Count): the rows counted at m are
    # the oldest ``count`` of them, positions first = (calc) Count - count + 1 and on. sum,
    # average (core: fsum / n) and last (position first alone) are one SUMIFS; min and max
    # one MINIFS or MAXIFS (count > 0 here, rule 3).
    if set(core.VOCABULARIES["aggregation"]) - set(STRIP_AGGREGATIONS):
        raise NotImplementedError(f"the status strip computes no month-end actual for aggregation(s) "
                                  f"{sorted(set(core.VOCABULARIES['aggregation']) - set(STRIP_AGGREGATIONS))}")
    total = k("calc_count")
    first = f"({total}-{count}+1)"
    upto = f'IF({aggregation}="last",{first},{total})'
    f["calc_actual"] = guard(_if_chain([
        (f'{aggregation}="?"', '""'),
        (f"{count}=0", '""'),
        (f'OR({aggregation}="min",{aggregation}="max")',
         f'IF({aggregation}="min",MINIFS({values},{m_row},{key},{pos},">="&{first}),'
         f'MAXIFS({values},{m_row},{key},{pos},">="&{first}))'),
    ], f'SUMIFS({values},{m_row},{key},{pos},">="&{first},{pos},"<="&{upto})'
       f'/IF({aggregation}="average",{count},1)'))
    # Plan at m; the plan's and the attainment's arithmetic mirrors kpi_formulas (and core)
    # operation by operation, with g = f for a sum and 1 for a level (x*1 = x exactly), and
    # 0 for a blank baseline (core's zero; N() of a blank is #NUM! in Gnumeric, rule 5).
    f["calc_plan"] = guard(_plan_ladder(err, '""', aggregation, direction, t, b, elapsed))
    g = f'IF({aggregation}="sum",{elapsed},1)'
    not_started = f'AND({elapsed}<=0,OR({direction}<>"maintain",{aggregation}="sum"))'
    tolerance_v = f'IF({tol}="",{core.DEFAULT_TOLERANCE_SHARE}*ABS({t}),{tol})'
    zero = f"{number_or_zero(b)}*{g}"
    f["calc_attainment"] = guard(_if_chain([
        (f'{err}<>""', '""'),
        (not_started, '""'),
        (f"NOT(ISNUMBER({act}))", '""'),
        (f'{direction}="maintain"', f"MAX(0,1-ABS({act}-{plan})/({tolerance_v}*{g}))"),
        (f'AND({aggregation}<>"sum",{b}<>"")', level_attainment(act, plan, t, b)),
    ], f"({act}-{zero})/({plan}-{zero})"))
    green_v = f'IF({green}="",{core.DEFAULT_GREEN},{green})'
    amber_v = f'IF({amber}="",{core.DEFAULT_AMBER},{amber})'
    f["status"] = guard(_status_ladder(r, err, not_started, att, green_v, amber_v))
    return f


# ------------------------------------------------------------------------ Self-check

# Known data the self-check computes on (written on the Lists sheet, :data:`SELF_CHECK_COLUMNS`
# in this order): a KPI row number, a value and a period end per row, and ID keys.
SELF_CHECK_DATA = {
    "row": (1, 2, 1, 2, 1),
    "value": (3.5, -2.0, 7.25, 4.0, -1.5),
    "day": (46000, 46010, 46020, 46030, 46040),
    "key": ("AXB", "A*B", "AB", "", ""),
}
SELF_CHECK_COLUMNS = tuple(SELF_CHECK_DATA)
SELF_CHECK_ROWS = len(SELF_CHECK_DATA["row"])
# One check per construct the native formulas rely on: (key, formula with {row}, {value},
# {day}, {key} (the data columns as OFFSET ranges of height {n}, rule 2), {value_first}
# (its first cell), {value_column} (its whole column), {blank} (an empty cell); the known
# answer). Exact binary fractions, so every program must give exactly the answer. The
# construct's name in each language is the catalogue's ``check.<key>`` (area ``formulas``).
# MONTH_NUMBERS with its braces doubled for str.format.
MONTH_NUMBERS_CHECK = "{" + MONTH_NUMBERS + "}"
SELF_CHECKS: tuple[tuple[str, str, object], ...] = (
    ("offset_sumifs", 'SUMIFS({value},{row},1,{day},">="&46010)', 5.75),
    ("countifs", 'COUNTIFS({row},1,{day},"<"&46040)', 2),
    ("averageifs", "AVERAGEIFS({value},{row},2)", 1),
    ("maxifs", "MAXIFS({value},{row},1)", 7.25),
    ("minifs", "MINIFS({value},{row},2)", -2),
    ("sumproduct", "SUMPRODUCT(({row}=1)*{value}*{day})", 425585),
    ("sign", "SUMPRODUCT(({row}=1)*" + sign_abs("{value}") + ")", 12.25),
    ("match", "MATCH(" + vocab.excel_lookup_value(vocab.excel_key('" a*b "')) + ",{key},0)", 2),
    ("ifna", 'IFNA(MATCH(9,{row},0),"-")', "-"),
    ("index", "INDEX({value_column},ROW({value_first})+2)", 7.25),
    # The strip's month-end arithmetic (DATE with a month below 1 and day 0), read back as
    # a number yyyymmdd (a date result would be shown and stored as a date).
    ("dates", "YEAR(DATE(YEAR(INT(46081.5)+1),MONTH(INT(46081.5)+1)-5,0))*10000"
              "+MONTH(DATE(YEAR(46082),MONTH(46082)-5,0))*100+DAY(DATE(YEAR(46082),MONTH(46082)-5,0))", 20250930),
    ("array", 'INDEX({{"a";"b";"c"}},2)', "b"),
    ("blank", 'IF(AND({blank}="",NOT(ISNUMBER({blank})),' + number_or_zero("{blank}") + "=0),1,0)", 1),
    ("round", "ROUND(7/4,1)", 1.8),
    # Φ's constructs (phase_density, phase_helper_formulas): a column condition on a text (= TRIM, case
    # ignored) times a 2-D range times a row array constant, broadcast in one SUMPRODUCT, and COUNTIF of a text.
    ("grid", 'SUMPRODUCT(({key}=TRIM(" ab "))*{grid}*(({{1,2,3}}<2)+({{1,2,3}}=2)/2))+COUNTIF({key},TRIM(" ab "))',
     5.625),
    # The weights' check (_bad_weights): COUNT (texts not counted) and COUNTIF "<0" of a row built
    # with OFFSET from a MATCH.
    ("weights_row", 'COUNT(OFFSET({row_first},MATCH(TRIM(" a~*b "),{key},0)-1,0,1,4))*10'
                    '+COUNTIF(OFFSET({row_first},MATCH(TRIM(" a~*b "),{key},0)-1,0,1,4),"<0")', 31),
    # The 12 month numbers against a date's month, its share of its month (DAY over the days of
    # the month, DATE with month 13 and day 0), whole years between dates: Φ's C(x) on 31 Dec 2026.
    ("months", "SUMPRODUCT(({row}=1)*{value}*(YEAR(46387)-2025+(" + MONTH_NUMBERS_CHECK + "<MONTH(46387))+("
               + MONTH_NUMBERS_CHECK + "=MONTH(46387))*DAY(46387)/DAY(DATE(YEAR(46387),MONTH(46387)+1,0))))", 222),
    # The KPIs sheet by its name: Gnumeric reads no sheet name with an apostrophe (the Danish
    # sheet was KPI'er until it became Nøgletal); a program that fails a sheet name shows here.
    ("sheet", "{kpis_header}", None),
)


def self_check_answer(key: str, language: str = "en") -> object:
    """Return the known answer of self-check ``key`` (the KPIs table's first header for ``sheet``)."""
    answer = next(answer for k, _text, answer in SELF_CHECKS if k == key)
    return schema.KPIS.columns[0].header(Language.parse(language)) if answer is None else answer


def self_check_formula(key: str, sheet: str, letters: dict[str, str], first_row: int, blank: str,
                       language: str = "en") -> str:
    """Return the formula of self-check ``key``: its construct applied to the known data.

    ``sheet`` is the data's sheet (as a formula writes it), ``letters`` the column letter
    of each of :data:`SELF_CHECK_COLUMNS`, ``first_row`` the 1-based row of the data's
    first row, ``blank`` the absolute reference of a cell that stays empty.
    """
    template = next(text for k, text, _answer in SELF_CHECKS if k == key)
    last = first_row + SELF_CHECK_ROWS - 1
    ranges = {name: f"OFFSET({sheet}!${col}${first_row},0,0,{SELF_CHECK_ROWS},1)" for name, col in letters.items()}
    ranges["key"] = f"{sheet}!${letters['key']}${first_row}:${letters['key']}${last}"
    # The numeric data columns (row, value, day: written side by side) as one absolute 2-D range, as
    # the Phasing table's weights are read.
    ranges["grid"] = f"{sheet}!${letters['row']}${first_row}:${letters['day']}${last}"
    col = letters["value"]
    kpis_header = f"{Refs(language).sheet(schema.KPIS)}!$A$1"
    return "=" + template.format(**ranges, value_first=f"{sheet}!${col}${first_row}",
                                 row_first=f"{sheet}!${letters['row']}${first_row}",
                                 value_column=f"{sheet}!${col}:${col}", blank=blank, kpis_header=kpis_header)


def self_check_ok_formula(result_cells: list[str], answer_cells: list[str]) -> list[str]:
    """Return, per check, the formula of its OK cell: 1 when the result is exactly the known answer, else 0.

    A result that is an error (a function the program lacks: #NAME?) counts as wrong; this
    is the one place an error becomes a value, and the value says the check failed.
    """
    return [f"=IF(ISERROR({result}),0,IF({result}={answer},1,0))" for result, answer in zip(result_cells, answer_cells)]


def self_check_verdict_formula(ok_range: str) -> str:
    """Return the formula of the ``SelfCheckOK`` cell: TRUE when every check's OK cell is 1."""
    return f"=SUM({ok_range})={len(SELF_CHECKS)}"


def self_check_message_formula(name_cells: list[str], ok_cells: list[str], language: str = "en") -> str:
    """Return the formula of the self-check's message in ``language``: OK, or which constructs failed.

    ``name_cells`` hold the constructs' names (in the workbook's language), ``ok_cells``
    their OK cells; the failed ones are listed, separated by semicolons.
    """
    lang = Language.parse(language)
    listed = "&".join(f'IF({ok}=1,"",{name}&"; ")' for name, ok in zip(name_cells, ok_cells))
    return (f'=IF({SELF_CHECK_OK},{_q(texts.text("formulas", "check.ok", lang))},'
            f'{_q(texts.text("formulas", "check.failed", lang))}&{listed}'
            f'&{_q(texts.text("formulas", "check.failed_end", lang))})')
