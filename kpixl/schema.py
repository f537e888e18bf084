"""Own the one description of the department workbook.

Sheets, tables, columns (key, English and Danish header, type, required-ness,
vocabulary, input or computed), the dropdown vocabularies and the UI words live
here and nowhere else. The template writer, the reader, the validator and
roll-over all read this module: adding a column is one edit here.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from kpixl import core
from kpixl.errors import DefinitionError
from kpixl.vocab import Language

SCHEMA_VERSION = "1"
LANGUAGES = tuple(Language)  # en, da: the one list is kpixl.vocab.Language

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
    en: str
    da: str
    kind: str  # text | number | date | vocab | computed
    required: bool = False
    vocabulary: str | None = None  # key into VOCABULARIES for kind == "vocab"
    width: float = 14
    number_format: str | None = None
    note_en: str = ""
    note_da: str = ""
    # Computed columns are recomputed by readers, never trusted from the file.
    computed: bool = False
    # Helper columns exist only to make native formulas possible; users never type there.
    helper: bool = False
    # Long free text: the cells wrap (the row grows) instead of being cut at the next cell.
    wrap: bool = False

    def header(self, language: str) -> str:
        """Return the header text in ``language``."""
        return self.da if Language.parse(language) is Language.DA else self.en

    def note(self, language: str) -> str:
        """Return the input message in ``language``."""
        return self.note_da if Language.parse(language) is Language.DA else self.note_en


@dataclass(frozen=True)
class Table:
    """Describe one Excel table (its name never changes with the language)."""

    name: str
    sheet_en: str
    sheet_da: str
    columns: tuple[Column, ...]
    # A row counts as present when any of these input keys has a value.
    row_keys: tuple[str, ...] = field(default=())
    # Sheet names earlier versions gave the table's sheet: a reader looking a sheet up by
    # name (the dropped-table recovery) accepts these too, so old workbooks still read.
    former_sheets: tuple[str, ...] = field(default=())

    def sheet(self, language: str) -> str:
        """Return the default sheet name in ``language``."""
        return self.sheet_da if Language.parse(language) is Language.DA else self.sheet_en

    @property
    def sheet_names(self) -> tuple[str, ...]:
        """Return every name the table's sheet has or had: English, Danish, then the former names."""
        return (self.sheet_en, self.sheet_da, *self.former_sheets)

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
        """Map normalised header text (both languages) to its column."""
        lookup: dict[str, Column] = {}
        for col in self.columns:
            lookup[normalise_header(col.en)] = col
            lookup[normalise_header(col.da)] = col
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
    sheet_en="KPIs",
    # Not "KPI'er": Gnumeric parses no quoted sheet name with an apostrophe ('KPI''er'!A1),
    # so every formula naming the sheet broke there. Workbooks made before still read.
    sheet_da="Nøgletal",
    former_sheets=("KPI'er",),
    row_keys=("kpi_id", "name", "target"),
    columns=(
        Column("kpi_id", "KPI ID", "KPI-ID", "text", required=True, width=12, number_format=TEXT,
               note_en="A short unique code, e.g. SAL-01.", note_da="En kort unik kode, fx SAL-01."),
        Column("name", "KPI name", "KPI-navn", "text", required=True, width=30,
               note_en="What is measured, in plain words.", note_da="Hvad der måles, med almindelige ord."),
        Column("level", "Level", "Niveau", "vocab", vocabulary="level", width=9,
               note_en="high = company KPI; low = department KPI that rolls up.",
               note_da="høj = virksomheds-KPI; lav = afdelings-KPI der rulles op."),
        Column("parent_id", "Parent KPI ID", "Overordnet KPI-ID", "text", width=14, number_format=TEXT,
               note_en="For a low-level KPI: the ID of the high-level KPI it supports.",
               note_da="For en lav KPI: ID på den høje KPI den understøtter."),
        Column("department", "Department", "Afdeling", "text", width=14),
        Column("owner", "Owner", "Ansvarlig", "text", required=True, width=18,
               note_en="One responsible person.", note_da="Én ansvarlig person."),
        Column("unit", "Unit", "Enhed", "text", width=9,
               note_en="e.g. DKK, %, count, visitors.", note_da="fx DKK, %, antal, besøgende."),
        Column("direction", "Direction", "Retning", "vocab", required=True, vocabulary="direction", width=11,
               note_en="increase, decrease or maintain.", note_da="øge, mindske eller fastholde."),
        Column("aggregation", "Aggregation", "Aggregering", "vocab", required=True, vocabulary="aggregation",
               width=12, note_en="sum for counts that add up; last for rates and scores.",
               note_da="sum for antal der lægges sammen; seneste for rater og scorer."),
        Column("frequency", "Frequency", "Frekvens", "vocab", vocabulary="frequency", width=12),
        Column("baseline", "Baseline", "Udgangspunkt", "number", width=12, number_format=NUM,
               note_en="Where you start (last period's result).", note_da="Hvor I starter (sidste periodes resultat)."),
        Column("target", "Target", "Mål", "number", required=True, width=12, number_format=NUM,
               note_en="The value to reach by the deadline.", note_da="Værdien der skal nås inden fristen."),
        Column("tolerance", "Tolerance", "Tolerance", "number", width=10, number_format=NUM,
               note_en="maintain only: allowed distance from target (default 10%).",
               note_da="kun fastholde: tilladt afstand fra målet (standard 10%)."),
        Column("start", "Start date", "Startdato", "date", width=12, number_format=DATE),
        Column("deadline", "Deadline", "Frist", "date", width=12, number_format=DATE),
        # A profile of the Phasing table (its dropdown): the plan follows the months' weights; blank: linear.
        Column("phasing", "Phasing", "Periodisering", "text", width=14,
               note_en="Optional: a profile of the Phasing sheet (the plan follows its month weights). Blank: "
                       "a straight line from start to deadline.",
               note_da="Valgfri: en profil fra arket Periodisering (planen følger dens månedsvægte). Tom: en "
                       "lige linje fra start til frist."),
        Column("green", "Green from", "Grøn fra", "number", width=10, number_format=PCT,
               note_en="Attainment from which the KPI is On track (default 95%).",
               note_da="Målopfyldelse hvorfra KPI'en er På sporet (standard 95%)."),
        Column("amber", "Amber from", "Gul fra", "number", width=10, number_format=PCT,
               note_en="Attainment from which the KPI is At risk (default 85%).",
               note_da="Målopfyldelse hvorfra KPI'en er I risiko (standard 85%)."),
        Column("weight", "Weight", "Vægt", "number", width=8, number_format=NUM,
               note_en="Weight in the parent's roll-up (default 1).", note_da="Vægt i den overordnedes samling (standard 1)."),
        Column("data_source", "Data source", "Datakilde", "text", width=18),
        Column("specific", "Specific", "Specifik", "text", width=34, wrap=True),
        Column("measurable", "Measurable", "Målbar", "text", width=34, wrap=True),
        Column("attainable", "Attainable", "Opnåelig", "text", width=34, wrap=True),
        Column("relevant", "Relevant", "Relevant", "text", width=34, wrap=True),
        Column("actual", "Actual", "Faktisk", "computed", computed=True, width=12, number_format=CALC_NUM),
        Column("plan", "Plan", "Plan", "computed", computed=True, width=12, number_format=CALC_NUM),
        Column("attainment", "Attainment", "Målopfyldelse", "computed", computed=True, width=13, number_format=PCT),
        Column("status", "Status", "Status", "computed", computed=True, width=12),
        # Helper columns (hidden, locked): they let plain Excel functions compute trend,
        # forecast and the checks without LET; the template writes them in both modes.
        Column("calc_direction", "(calc) Direction", "(beregn) Retning", "computed", computed=True, helper=True),
        Column("calc_aggregation", "(calc) Aggregation", "(beregn) Aggregering", "computed", computed=True,
               helper=True),
        Column("calc_elapsed", "(calc) Elapsed", "(beregn) Forløbet", "computed", computed=True, helper=True,
               number_format=PCT),
        Column("calc_error", "(calc) Error", "(beregn) Fejl", "computed", computed=True, helper=True, width=30),
        Column("calc_count", "(calc) Count", "(beregn) Antal", "computed", computed=True, helper=True),
        Column("calc_trend_rel", "(calc) Trend slope", "(beregn) Tendenshældning", "computed", computed=True,
               helper=True),
        Column("calc_trend", "(calc) Trend", "(beregn) Tendens", "computed", computed=True, helper=True),
        Column("calc_forecast", "(calc) Forecast", "(beregn) Prognose", "computed", computed=True, helper=True,
               number_format=CALC_NUM),
        # The KPI ID's matching key (kpixl.vocab.kpi_key): every lookup of an ID matches on it.
        Column("calc_key", "(calc) ID key", "(beregn) ID-nøgle", "computed", computed=True, helper=True),
        # The row of the first KPI with this key: the row number its measurements point to.
        Column("calc_kpi_row", "(calc) KPI row", "(beregn) KPI-række", "computed", computed=True, helper=True),
        # A phased KPI's day weights (kpixl.formulas.phase_formula): C(start - 1) and C(deadline) - C(start - 1).
        Column("calc_phase_base", "(calc) Phase base", "(beregn) Fasebasis", "computed", computed=True, helper=True),
        Column("calc_phase_total", "(calc) Phase total", "(beregn) Fasetotal", "computed", computed=True,
               helper=True),
        # A phased sum KPI's Φ at its newest counted period end: its forecast is the total over it.
        Column("calc_phase_last", "(calc) Phase at last", "(beregn) Fase ved seneste", "computed", computed=True,
               helper=True),
    ),
)

MEASUREMENTS = Table(
    name="Measurements",
    sheet_en="Measurements",
    sheet_da="Målinger",
    row_keys=("kpi_id", "period_end", "value"),
    columns=(
        Column("kpi_id", "KPI ID", "KPI-ID", "text", required=True, width=12, number_format=TEXT,
               note_en="Pick the KPI this value belongs to.", note_da="Vælg den KPI værdien hører til."),
        Column("period_end", "Period end", "Periodeslut", "date", required=True, width=12, number_format=DATE,
               note_en="Last day of the measured period.", note_da="Sidste dag i den målte periode."),
        Column("value", "Value", "Værdi", "number", required=True, width=12, number_format=NUM,
               note_en="The measured value for that period.", note_da="Den målte værdi for perioden."),
        Column("entered_by", "Entered by", "Indtastet af", "text", width=16),
        Column("note", "Note", "Note", "text", width=30, wrap=True),
        # Helper columns (hidden, locked) for the KPI-level formulas: which rows count as of
        # AsOf, their order, and the points of the trend and forecast lines (x = days from AsOf).
        Column("calc_kpi_row", "(calc) KPI row", "(beregn) KPI-række", "computed", computed=True, helper=True),
        Column("calc_row", "(calc) Row", "(beregn) Række", "computed", computed=True, helper=True),
        Column("calc_in_window", "(calc) In window", "(beregn) I vinduet", "computed", computed=True, helper=True),
        Column("calc_position", "(calc) Position from end", "(beregn) Placering fra slut", "computed",
               computed=True, helper=True),
        Column("calc_day", "(calc) Day", "(beregn) Dag", "computed", computed=True, helper=True),
        Column("calc_y", "(calc) Forecast y", "(beregn) Prognose y", "computed", computed=True, helper=True),
        Column("calc_tv", "(calc) Trend value", "(beregn) Tendensværdi", "computed", computed=True, helper=True),
        Column("calc_key", "(calc) ID key", "(beregn) ID-nøgle", "computed", computed=True, helper=True),
    ),
)

EVALUATION = Table(
    name="Evaluation",
    sheet_en="Evaluation",
    sheet_da="Evaluering",
    row_keys=("kpi_id", "decision", "new_target"),
    columns=(
        Column("kpi_id", "KPI ID", "KPI-ID", "text", required=True, width=12, number_format=TEXT),
        Column("final_actual", "Final actual", "Endelig faktisk", "computed", computed=True, width=14,
               number_format=NUM),
        Column("attainment", "Attainment", "Målopfyldelse", "computed", computed=True, width=13, number_format=PCT),
        Column("met_target", "Met target", "Mål nået", "computed", computed=True, width=11),
        Column("decision", "Decision", "Beslutning", "vocab", vocabulary="decision", width=14,
               note_en="Keep, Adjust target or Retire.", note_da="Behold, Juster mål eller Udfas."),
        Column("new_target", "New target", "Nyt mål", "number", width=12, number_format=NUM,
               note_en="Only with Adjust target.", note_da="Kun ved Juster mål."),
        Column("notes", "Notes", "Noter", "text", width=60, wrap=True),
        # The KPIs table row of this KPI ID, matched by key (kpixl.vocab.kpi_key).
        Column("calc_kpi_row", "(calc) KPI row", "(beregn) KPI-række", "computed", computed=True, helper=True),
    ),
)

COMMENTARY = Table(
    name="Commentary",
    sheet_en="Commentary",
    sheet_da="Kommentarer",
    row_keys=("kpi_id", "comment", "action"),
    columns=(
        Column("kpi_id", "KPI ID", "KPI-ID", "text", required=True, width=12, number_format=TEXT,
               note_en="Pick the KPI this comment explains.", note_da="Vælg den KPI kommentaren forklarer."),
        Column("period_end", "Period end", "Periodeslut", "date", required=True, width=12, number_format=DATE,
               note_en="The period the comment explains (its last day).",
               note_da="Perioden kommentaren forklarer (dens sidste dag)."),
        Column("comment", "Comment", "Kommentar", "text", width=44, wrap=True,
               note_en="Why the number is what it is.", note_da="Hvorfor tallet er som det er."),
        Column("action", "Action", "Handling", "text", width=36, wrap=True,
               note_en="What will be done about it.", note_da="Hvad der bliver gjort ved det."),
        Column("action_owner", "Action owner", "Handlingsansvarlig", "text", width=18,
               note_en="One person who owns the action.", note_da="Én person der ejer handlingen."),
        Column("due_date", "Due date", "Forfaldsdato", "date", width=12, number_format=DATE,
               note_en="When the action is due.", note_da="Hvornår handlingen skal være udført."),
        Column("action_status", "Action status", "Handlingsstatus", "vocab", vocabulary="action_status", width=14,
               note_en="Open, Done or Dropped.", note_da="Åben, Udført eller Droppet."),
        Column("entered_by", "Entered by", "Indtastet af", "text", width=16),
        # Helper columns (hidden, locked) for the Dashboard's latest comment and open actions
        # (kpixl.template.commentary): the KPI's row (as a measurement's), the latest-first rank of a dated
        # comment, an open action. The row is a number, so the Dashboard's COUNTIFS/MAXIFS criteria are
        # numbers (Gnumeric reads no "~" escape in a text criterion).
        Column("calc_kpi_row", "(calc) KPI row", "(beregn) KPI-række", "computed", computed=True, helper=True),
        Column("calc_rank", "(calc) Comment rank", "(beregn) Kommentarrang", "computed", computed=True,
               helper=True),
        Column("calc_open", "(calc) Open action", "(beregn) Åben handling", "computed", computed=True, helper=True),
    ),
)

# Month columns of the Phasing table: keys m01..m12, short month names (January first).
MONTH_HEADERS = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "da": ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"),
}
MONTH_KEYS = tuple(f"m{i:02d}" for i in range(1, 13))

# One row per phasing profile: its name and 12 month weights (docs/kpi-semantics.md, "Phasing").
PHASING = Table(
    name="Phasing",
    sheet_en="Phasing",
    sheet_da="Periodisering",
    row_keys=("profile", *MONTH_KEYS),
    columns=(
        Column("profile", "Profile", "Profil", "text", required=True, width=22,
               note_en="A name for this phasing profile; pick it in the KPIs sheet's Phasing column.",
               note_da="Et navn til profilen; vælg det i kolonnen Periodisering på arket Nøgletal."),
        *(Column(key, en, da, "number", required=True, width=8, number_format=NUM,
                 note_en="The month's weight (0 or more): a share, a percentage or the month's own sub-target.",
                 note_da="Månedens vægt (0 eller mere): en andel, en procent eller månedens eget delmål.")
          for key, en, da in zip(MONTH_KEYS, MONTH_HEADERS["en"], MONTH_HEADERS["da"])),
    ),
)

TABLES = (KPIS, MEASUREMENTS, EVALUATION, PHASING, COMMENTARY)

SHEET_GUIDE = {"en": "Guide", "da": "Vejledning"}
SHEET_DASHBOARD = {"en": "Dashboard", "da": "Overblik"}
SHEET_LISTS = {"en": "Lists", "da": "Lister"}

# Dropdown words per vocabulary, in the order shown, per language. Parsing accepts
# both languages (see core.parse_*); writers show the workbook's own language.
DECISIONS = ("keep", "adjust", "retire")
DECISION_WORDS = {
    "en": {"keep": "Keep", "adjust": "Adjust target", "retire": "Retire"},
    "da": {"keep": "Behold", "adjust": "Juster mål", "retire": "Udfas"},
}
YES_NO = {"en": ("Yes", "No"), "da": ("Ja", "Nej")}


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
    for words in DECISION_WORDS.values():
        for key, word in words.items():
            if folded in (word.casefold(), key):
                return key
    accepted = ", ".join(DECISION_WORDS["en"].values()) + " / " + ", ".join(DECISION_WORDS["da"].values())
    raise DefinitionError(f"unknown decision {str(text)!r}; use one of {accepted}")
