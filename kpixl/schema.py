"""Own the one description of the department workbook.

Sheets, tables, columns (key, type, required-ness, vocabulary, input or computed),
the dropdown vocabularies and the UI words are described here and nowhere else; their
words in each language are the catalogue's (area ``schema``: ``schema.sheet.<table>``,
``schema.column.<key>``, ``schema.note.<table>.<key>``). The template writer, the reader, the validator and
roll-over all read this module: adding a column is one edit here.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from kpixl import core, i18n, texts
from kpixl.errors import DefinitionError
from kpixl.message import AREA, message, render_fact
from kpixl.vocab import LANGUAGES, Language, PerLanguage

SCHEMA_VERSION = "1"
LANGUAGES = LANGUAGES  # the languages offered (en, da): the one list is kpixl.vocab's registry


def _text(key: str, language: object) -> str:
    return texts.text("schema", key, language)


def _words(key: str) -> PerLanguage[str]:
    return PerLanguage(lambda language: _text(key, language))

# Defined names stored in every department workbook so readers know what they read.
NAME_SCHEMA_VERSION = "kpixl_schema_version"
NAME_LANGUAGE = "kpixl_language"
NAME_DEPARTMENT = "kpixl_department"
NAME_FORMULAS = "kpixl_formulas"
NAME_AS_OF = "AsOf"
# Written by ``kpixl template --company``: the company workbook the department workbook was made from.
NAME_COMPANY_FILE = "kpixl_company_file"
NAME_COMPANY_SHA256 = "kpixl_company_sha256"
# Custom document property of the company workbook consolidate writes (value "company"): a
# folder of department workbooks leaves such a file out with a note instead of failing on it.
PROPERTY_WORKBOOK = "kpixl_workbook"


@dataclass(frozen=True)
class Column:
    """Describe one column of a workbook table."""

    key: str
    kind: str  # text | number | date | vocab | computed
    required: bool = False
    vocabulary: str | None = None  # key into VOCABULARIES for kind == "vocab"
    width: float = 14
    number_format: str | None = None
    # The catalogue key (area "schema") of the cell's input message; "" for none.
    note_key: str = ""
    # A Phasing month column (1-12): headed with the language's short month name.
    month: int = 0
    # Computed columns are recomputed by readers, never trusted from the file.
    computed: bool = False
    # Helper columns exist only to make native formulas possible; users never type there.
    helper: bool = False
    # Long free text: the cells wrap (the row grows) instead of being cut at the next cell.
    wrap: bool = False

    def header(self, language: object) -> str:
        """Return the header text in ``language``: the catalogue's ``schema.column.<key>``."""
        if self.month:
            return i18n.month_abbreviations(language)[self.month - 1]
        return _text(f"column.{self.key}", language)

    def note(self, language: object) -> str:
        """Return the input message in ``language`` ("" when the column has none)."""
        return _text(self.note_key, language) if self.note_key else ""

    @property
    def en(self) -> str:
        """Return the English header (the name English findings give the column)."""
        return self.header(Language.EN)


@dataclass(frozen=True)
class Table:
    """Describe one Excel table (its name never changes with the language)."""

    name: str
    columns: tuple[Column, ...]
    # A row counts as present when any of these input keys has a value.
    row_keys: tuple[str, ...] = field(default=())
    # Sheet names earlier versions gave the table's sheet: a reader looking a sheet up by
    # name (the dropped-table recovery) accepts these too, so old workbooks still read.
    former_sheets: tuple[str, ...] = field(default=())

    def sheet(self, language: object) -> str:
        """Return the default sheet name in ``language``: the catalogue's ``schema.sheet.<name>``."""
        return _text(f"sheet.{self.name}", language)

    @functools.cached_property
    def sheet_names(self) -> tuple[str, ...]:
        """Return every name the table's sheet has or had: in each language, then the former names."""
        return (*dict.fromkeys(self.sheet(language) for language in Language), *self.former_sheets)

    def column(self, key: str) -> Column:
        """Return the column with ``key``."""
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(key)

    @property
    def input_columns(self) -> tuple[Column, ...]:
        """Return the columns staff type in."""
        return tuple(c for c in self.columns if not c.computed)

    @property
    def computed_columns(self) -> tuple[Column, ...]:
        """Return the columns the workbook computes."""
        return tuple(c for c in self.columns if c.computed)

    def header_lookup(self) -> dict[str, Column]:
        """Map normalised header text (every registered language, and the key) to its column."""
        lookup: dict[str, Column] = {}
        for col in self.columns:
            for language in Language:
                lookup.setdefault(normalise_header(col.header(language)), col)
            lookup[normalise_header(col.key)] = col
        return lookup

    # Readers look these up for every table and row: each is computed once per table
    # (a frozen dataclass still has an instance __dict__ for cached_property to fill).
    @functools.cached_property
    def by_header(self) -> dict[str, Column]:
        """Return :meth:`header_lookup`, computed once (do not change the dict returned)."""
        return self.header_lookup()

    @functools.cached_property
    def by_key(self) -> dict[str, Column]:
        """Return each column by its key, computed once (do not change the dict returned)."""
        return {c.key: c for c in self.columns}

    @functools.cached_property
    def required_columns(self) -> tuple[Column, ...]:
        """Return the input columns that must be filled in."""
        return tuple(c for c in self.input_columns if c.required)


def normalise_header(text: object) -> str:
    """Return header text folded for matching: case and surrounding spaces ignored."""
    return " ".join(str(text).split()).casefold() if text is not None else ""


PCT = "0.0%"
DATE = "yyyy-mm-dd"
# Two to four decimals: "#,##0.##" would show a whole number with a trailing point in
# Excel ("13,200,000."), while LibreOffice drops it; this format reads the same in both.
NUM = "#,##0.00##"
# Computed amounts (Actual, Plan, Forecast) show two decimals: a plan of 6,580,273.9726 reads
# as 6,580,273.97 (typed values keep up to four, as typed).
CALC_NUM = "#,##0.00"
# Count KPIs (template.COUNT_UNITS) show whole numbers: no 5,761.71 leads.
COUNT = "#,##0"
# KPI IDs are text: Excel would otherwise turn MAR-01 into a date as it is typed.
TEXT = "@"

KPIS = Table(
    name="KPIs",
    # The Danish sheet is Nøgletal, not "KPI'er": Gnumeric parses no quoted sheet name with an
    # apostrophe ('KPI''er'!A1), so every formula naming the sheet broke there. Workbooks made before still read.
    former_sheets=("KPI'er",),
    row_keys=("kpi_id", "name", "target"),
    columns=(
        Column("kpi_id", "text", required=True, width=12, number_format=TEXT, note_key="note.KPIs.kpi_id"),
        Column("name", "text", required=True, width=30, note_key="note.KPIs.name"),
        Column("level", "vocab", vocabulary="level", width=9, note_key="note.KPIs.level"),
        Column("parent_id", "text", width=14, number_format=TEXT, note_key="note.KPIs.parent_id"),
        Column("department", "text", width=14),
        Column("owner", "text", required=True, width=18, note_key="note.KPIs.owner"),
        Column("unit", "text", width=9, note_key="note.KPIs.unit"),
        Column("direction", "vocab", required=True, vocabulary="direction", width=11, note_key="note.KPIs.direction"),
        Column("aggregation", "vocab", required=True, vocabulary="aggregation", width=12, note_key="note.KPIs.aggregation"),
        Column("frequency", "vocab", vocabulary="frequency", width=12),
        Column("baseline", "number", width=12, number_format=NUM, note_key="note.KPIs.baseline"),
        Column("target", "number", required=True, width=12, number_format=NUM, note_key="note.KPIs.target"),
        Column("tolerance", "number", width=10, number_format=NUM, note_key="note.KPIs.tolerance"),
        Column("start", "date", width=12, number_format=DATE),
        Column("deadline", "date", width=12, number_format=DATE),
        # A profile of the Phasing table (its dropdown): the plan follows the months' weights; blank: linear.
        Column("phasing", "text", width=14, note_key="note.KPIs.phasing"),
        Column("green", "number", width=10, number_format=PCT, note_key="note.KPIs.green"),
        Column("amber", "number", width=10, number_format=PCT, note_key="note.KPIs.amber"),
        Column("weight", "number", width=8, number_format=NUM, note_key="note.KPIs.weight"),
        Column("data_source", "text", width=18),
        Column("specific", "text", width=34, wrap=True),
        Column("measurable", "text", width=34, wrap=True),
        Column("attainable", "text", width=34, wrap=True),
        Column("relevant", "text", width=34, wrap=True),
        Column("actual", "computed", computed=True, width=12, number_format=CALC_NUM),
        Column("plan", "computed", computed=True, width=12, number_format=CALC_NUM),
        Column("attainment", "computed", computed=True, width=13, number_format=PCT),
        Column("status", "computed", computed=True, width=12),
        # Helper columns (hidden, locked): they let plain Excel functions compute trend,
        # forecast and the checks without LET; the template writes them in both modes.
        Column("calc_direction", "computed", computed=True, helper=True),
        Column("calc_aggregation", "computed", computed=True, helper=True),
        Column("calc_elapsed", "computed", computed=True, helper=True, number_format=PCT),
        Column("calc_error", "computed", computed=True, helper=True, width=30),
        Column("calc_count", "computed", computed=True, helper=True),
        Column("calc_trend_rel", "computed", computed=True, helper=True),
        Column("calc_trend", "computed", computed=True, helper=True),
        Column("calc_forecast", "computed", computed=True, helper=True, number_format=CALC_NUM),
        # The KPI ID's matching key (kpixl.vocab.kpi_key): every lookup of an ID matches on it.
        Column("calc_key", "computed", computed=True, helper=True),
        # The row of the first KPI with this key: the row number its measurements point to.
        Column("calc_kpi_row", "computed", computed=True, helper=True),
        # A phased KPI's day weights (kpixl.formulas.phase_formula): C(start - 1) and C(deadline) - C(start - 1).
        Column("calc_phase_base", "computed", computed=True, helper=True),
        Column("calc_phase_total", "computed", computed=True, helper=True),
        # A phased sum KPI's Φ at its newest counted period end: its forecast is the total over it.
        Column("calc_phase_last", "computed", computed=True, helper=True),
    ),
)

MEASUREMENTS = Table(
    name="Measurements",
    row_keys=("kpi_id", "period_end", "value"),
    columns=(
        Column("kpi_id", "text", required=True, width=12, number_format=TEXT, note_key="note.Measurements.kpi_id"),
        Column("period_end", "date", required=True, width=12, number_format=DATE, note_key="note.Measurements.period_end"),
        Column("value", "number", required=True, width=12, number_format=NUM, note_key="note.Measurements.value"),
        Column("entered_by", "text", width=16),
        Column("note", "text", width=30, wrap=True),
        # Helper columns (hidden, locked) for the KPI-level formulas: which rows count as of
        # AsOf, their order, and the points of the trend and forecast lines (x = days from AsOf).
        Column("calc_kpi_row", "computed", computed=True, helper=True),
        Column("calc_row", "computed", computed=True, helper=True),
        Column("calc_in_window", "computed", computed=True, helper=True),
        Column("calc_position", "computed", computed=True, helper=True),
        Column("calc_day", "computed", computed=True, helper=True),
        Column("calc_y", "computed", computed=True, helper=True),
        Column("calc_tv", "computed", computed=True, helper=True),
        Column("calc_key", "computed", computed=True, helper=True),
    ),
)

EVALUATION = Table(
    name="Evaluation",
    row_keys=("kpi_id", "decision", "new_target"),
    columns=(
        Column("kpi_id", "text", required=True, width=12, number_format=TEXT),
        Column("final_actual", "computed", computed=True, width=14, number_format=NUM),
        Column("attainment", "computed", computed=True, width=13, number_format=PCT),
        Column("met_target", "computed", computed=True, width=11),
        Column("decision", "vocab", vocabulary="decision", width=14, note_key="note.Evaluation.decision"),
        Column("new_target", "number", width=12, number_format=NUM, note_key="note.Evaluation.new_target"),
        Column("notes", "text", width=60, wrap=True),
        # The KPIs table row of this KPI ID, matched by key (kpixl.vocab.kpi_key).
        Column("calc_kpi_row", "computed", computed=True, helper=True),
    ),
)

COMMENTARY = Table(
    name="Commentary",
    row_keys=("kpi_id", "comment", "action"),
    columns=(
        Column("kpi_id", "text", required=True, width=12, number_format=TEXT, note_key="note.Commentary.kpi_id"),
        Column("period_end", "date", required=True, width=12, number_format=DATE, note_key="note.Commentary.period_end"),
        Column("comment", "text", width=44, wrap=True, note_key="note.Commentary.comment"),
        Column("action", "text", width=36, wrap=True, note_key="note.Commentary.action"),
        Column("action_owner", "text", width=18, note_key="note.Commentary.action_owner"),
        Column("due_date", "date", width=12, number_format=DATE, note_key="note.Commentary.due_date"),
        Column("action_status", "vocab", vocabulary="action_status", width=14, note_key="note.Commentary.action_status"),
        Column("entered_by", "text", width=16),
        # Helper columns (hidden, locked) for the Dashboard's latest comment and open actions
        # (kpixl.template.commentary): the KPI's row (as a measurement's), the latest-first rank of a dated
        # comment, an open action. The row is a number, so the Dashboard's COUNTIFS/MAXIFS criteria are
        # numbers (Gnumeric reads no "~" escape in a text criterion).
        Column("calc_kpi_row", "computed", computed=True, helper=True),
        Column("calc_rank", "computed", computed=True, helper=True),
        Column("calc_open", "computed", computed=True, helper=True),
    ),
)

# Month columns of the Phasing table: keys m01..m12, headed with the language's short month
# names (January first), which are CLDR's (kpixl.i18n): en Jan..Dec, da jan..dec.
MONTH_HEADERS = PerLanguage(i18n.month_abbreviations)
MONTH_KEYS = tuple(f"m{i:02d}" for i in range(1, 13))

# One row per phasing profile: its name and 12 month weights (docs/kpi-semantics.md, "Phasing").
PHASING = Table(
    name="Phasing",
    row_keys=("profile", *MONTH_KEYS),
    columns=(
        Column("profile", "text", required=True, width=22, note_key="note.Phasing.profile"),
        *(Column(key, "number", required=True, width=8, number_format=NUM, note_key="note.Phasing.month", month=month)
          for month, key in enumerate(MONTH_KEYS, start=1)),
    ),
)

TABLES = (KPIS, MEASUREMENTS, EVALUATION, PHASING, COMMENTARY)

# The other sheets' names, per language (``SHEET_GUIDE["da"]``), from the catalogue.
SHEET_GUIDE = _words("sheet.guide")
SHEET_DASHBOARD = _words("sheet.dashboard")
SHEET_LISTS = _words("sheet.lists")

# Dropdown words per vocabulary, in the order shown, per language. Parsing accepts
# every language (see core.parse_*); writers show the workbook's own language.
DECISIONS = ("keep", "adjust", "retire")
DECISION_WORDS = PerLanguage(lambda language: {d: _text(f"decision.{d}", language) for d in DECISIONS})
YES_NO = PerLanguage(lambda language: (_text("yes", language), _text("no", language)))


@dataclass(frozen=True)
class Decision:
    """Fact of a message (:mod:`kpixl.message`): an Evaluation decision said as that language's dropdown word.

    ``Decision("adjust")`` reads ``Adjust target`` in English and ``Juster mål`` in Danish,
    the words a person picks on the Evaluation sheet.
    """

    key: str  # keep | adjust | retire

    def render(self, language: Language) -> str:
        """Return the decision's dropdown word in ``language``."""
        return DECISION_WORDS[Language.parse(language).value][self.key]


def vocabulary_words(vocabulary: str, language: str) -> tuple[str, ...]:
    """Return the dropdown words of ``vocabulary`` in ``language``."""
    if vocabulary == "decision":
        return tuple(DECISION_WORDS[language][d] for d in DECISIONS)
    canon = core.VOCABULARIES[vocabulary]
    return tuple(core.word(vocabulary, value, language) for value in canon)


def parse_decision(text: object) -> str | None:
    """Return ``keep``/``adjust``/``retire`` for an English or Danish word, None if blank."""
    if text is None or str(text).strip() == "":
        return None
    folded = str(text).strip().casefold()
    for language in Language:
        for key, word in DECISION_WORDS[language].items():
            if folded in (word.casefold(), key):
                return key
    accepted = core.Accepted(tuple((language.value, tuple(DECISION_WORDS[language].values()))
                                   for language in LANGUAGES))
    raise DefinitionError(message("core.word_unknown", v=core.Word("decision"), x=repr(str(text)),
                                  words=accepted))


# Facts of a finding's message that the schema says in a language (kpixl.message): a column's label said as the
# workbook language's header, a sheet's name.


@functools.cache
def _columns_by_label() -> dict[str, Column]:
    found: dict[str, Column] = {}
    for table in TABLES:
        for column in table.columns:
            english = column.header(Language.EN)
            for label in (english, english[:1].lower() + english[1:], english.lower()):
                found.setdefault(label, column)
            for language in Language:  # a label in any registered language
                found.setdefault(column.header(language), column)
    return found


def header_in(label: str, language: object) -> str:
    """Return the header of the column whose English (or Danish) label is ``label``, in ``language``.

    English keeps the label as the message wrote it (``target``, ``Target``); a label that
    names no column is returned as it is.
    """
    language = Language.parse(language)
    column = _columns_by_label().get(label.strip())
    if language is Language.EN or column is None:
        return label
    return column.header(language)


@dataclass(frozen=True)
class Header:
    """Fact: a column's label (``Target``, ``period end``), said as the header in the workbook's language."""

    label: str

    def render(self, language: Language) -> str:
        """Return the header in ``language``."""
        return header_in(self.label, language)


@dataclass(frozen=True)
class Headers:
    """Fact: several column labels, each said as its header, joined with ``, ``."""

    labels: tuple[str, ...]
    lower: bool = False  # said in lower case in every language (English keeps the labels as given)

    def render(self, language: Language) -> str:
        """Return the headers in ``language``."""
        said = [header_in(label, language) for label in self.labels]
        return ", ".join(h.lower() if self.lower and language is not Language.EN else h for h in said)


@dataclass(frozen=True)
class Amounts:
    """Fact: labelled amounts, ``target 1300, baseline 1200 and tolerance 50`` (each label a column's, lower case)."""

    pairs: tuple[tuple[str, object], ...]

    def render(self, language: Language) -> str:
        """Return the amounts in ``language`` (the language's ``and`` before the last)."""
        said = [f"{header_in(label, language).lower() if language is not Language.EN else label} "
                f"{render_fact(amount, language)}" for label, amount in self.pairs]
        if len(said) == 1:
            return said[0]
        return texts.text(AREA, "word.and", language, a=", ".join(said[:-1]), b=said[-1])


@dataclass(frozen=True)
class SheetName:
    """Fact: the default name of a table's sheet in the language (``Measurements``, ``Målinger``)."""

    table: str

    def render(self, language: Language) -> str:
        """Return the sheet's name in ``language``."""
        return {t.name: t for t in TABLES}[self.table].sheet(language)


@dataclass(frozen=True)
class HeaderOf:
    """Fact: the header of column ``key`` of ``table`` in the language (``New target``, ``Nyt mål``)."""

    table: str
    key: str

    def render(self, language: Language) -> str:
        """Return the header in ``language``."""
        return {t.name: t for t in TABLES}[self.table].column(self.key).header(language)

