"""Own ``kpixl template``: write the department workbook staff fill in.

The layout comes from :mod:`kpixl.schema` (tables, headers, vocabularies), the
formula text from :mod:`kpixl.formulas` (xlwings or native mode), the example
KPIs from :mod:`kpixl.examples`. The file is written with XlsxWriter through
:func:`kpixl.output.atomic_output`, so it is never half-written and an existing
file is only replaced with ``force``.

Sheets: Guide, KPIs, Measurements, Dashboard, Evaluation and a hidden Lists sheet
(Danish names with ``language="da"``). Input cells are unlocked and tinted; computed
cells and the hidden helper columns are locked (sheet protection without a
password). The ``AsOf`` cell sits on the Dashboard (``B2``); the Lists sheet holds
the dropdown words, the percent units and the ``MeasurementsUsed`` cell.

A protected table cannot grow, so the tables are pre-sized: ``rows`` KPI rows and
``measurement_rows`` (default :func:`measurement_capacity`) measurement rows. KPIs
whose Unit is a percent word show their numbers as percentages through conditional
formats, so a Unit typed later works too. ``docs/workbook.md`` describes the result.
"""

from __future__ import annotations

import textwrap
from datetime import date, datetime
from pathlib import Path
from typing import Callable, Sequence

from xlsxwriter.utility import xl_col_to_name, xl_range, xl_rowcol_to_cell

from kpixl import cache, core, examples as example_set, formulas as fx, i18n, schema, xlsx
from kpixl.errors import DefinitionError
from kpixl.model import EvaluationRecord, KpiRecord, MeasurementRecord
from kpixl.output import atomic_output
from kpixl import vocab
from kpixl.vocab import kpi_key
# The palette and the XlsxWriter subclasses live in kpixl.xlsx; the names stay importable here.
from kpixl.xlsx import CALC_FILL, HEADER_FILL, INPUT_FILL, STATUS_COLOURS  # noqa: F401
from kpixl.xlsx import Workbook as _Workbook, Worksheet as _Worksheet

# Fixed creation date: the same inputs give the same bytes (apart from zip timestamps).
CREATED = datetime(2026, 1, 1, 0, 0, 0)
# Measurements capacity: a protected table cannot grow, so it is pre-sized. By default
# 60 rows per KPIs row (a year of weekly values and some), at least 3,000 and, unless
# asked for, at most 20,000; prefilled measurements always leave 1,000 rows free.
MEASUREMENT_ROWS_MIN = 3000
MEASUREMENT_ROWS_PER_KPI = 60
MEASUREMENT_ROWS_MAX = 20000
MEASUREMENT_ROWS_FREE = 1000
MEASUREMENT_ROWS_LIMIT = 100_000
# A KPI whose Unit is one of these (case and surrounding spaces ignored; listed on the
# Lists sheet) shows its numbers as percentages: these number cells of the KPIs table,
# and the matching cells of the Measurements, Dashboard and Evaluation sheets.
PERCENT_UNITS = ("%", "percent", "per cent", "procent", "pct", "pct.")
PERCENT_COLUMNS = ("baseline", "target", "tolerance", "actual", "plan", "calc_forecast")
# A KPI whose Unit is one of these counts whole things (same matching; listed on the
# Lists sheet too): those cells show whole numbers (schema.COUNT), so a forecast of a
# count reads 5,762 leads, not 5,761.71. Other units (money, hours, scores, indexes)
# keep decimals.
COUNT_UNITS = ("count", "counts", "number", "no.", "#", "pcs", "pcs.", "pieces", "items", "units", "leads",
               "orders", "customers", "visitors", "visits", "downloads", "page views", "sessions", "tickets",
               "sales", "antal", "stk", "stk.", "styk", "ordrer", "kunder", "besøgende", "besøg",
               "sidevisninger", "sager", "salg")
# Dashboard: title in row 1, As of in row 2 (B2 is AsOf), period in row 3, table from row 5.
DASHBOARD_AS_OF_CELL = (1, 1)
DASHBOARD_HEADER_ROW = 4
DASHBOARD_TABLE = "KPIDashboard"

# Deflate level of the parts (_Workbook) of a workbook with more measurement rows than
# the default maximum: level 1 packs that repetitive XML almost as small, 3x faster.
ZIP_LEVEL_LARGE = 1
# Points per line of text in a row (Calibri 11, Excel's default row height).
ROW_HEIGHT = 15
WRAP_CHARS_PER_WIDTH = 1.1

_UI = {
    "en": {
        "title": "KPI dashboard", "as_of": "As of", "period": "Period", "department": "Department",
        "as_of_note": "The date every number is computed as of. =TODAY() by default; type a date to look "
                      "back or to close a period at its deadline.",
        "chart_attainment": "Attainment per KPI", "chart_actual_plan": "Against plan (right is better)",
        "strip_title": "Status at each month-end",
        "strip_calc_count": "(calc) Count {month}", "strip_calc_elapsed": "(calc) Elapsed {month}",
        "strip_calc_actual": "(calc) Actual {month}", "strip_calc_plan": "(calc) Plan {month}",
        "strip_calc_attainment": "(calc) Attainment {month}",
        "series_actual": "Against plan",
        "lists_title": "Dropdown lists (used by the data validation of the other sheets)",
        "yes_no": "Yes/No", "decision": "Decision", "status": "Status", "trend": "Trend",
        "input_title": "Type here", "kpi_pick": "Pick a KPI ID from the KPIs sheet.",
        "new_target_error": "Give a new target (a number) only with the decision Adjust target.",
        "date_error": "Type a date, e.g. 2026-06-30.", "number_error": "Type a number.",
        "list_error": "Pick a value from the list.",
        "used_rows": "Measurement rows in use", "percent_units": "Percent units", "count_units": "Count units",
    },
    "da": {
        "title": "KPI-overblik", "as_of": "Opgjort pr.", "period": "Periode", "department": "Afdeling",
        "as_of_note": "Datoen alle tal opgøres pr. =TODAY() som standard; skriv en dato for at se tilbage "
                      "eller afslutte en periode på fristen.",
        "chart_attainment": "Målopfyldelse pr. KPI", "chart_actual_plan": "I forhold til plan (højre er bedre)",
        "strip_title": "Status ved hver månedsafslutning",
        "strip_calc_count": "(beregn) Antal {month}", "strip_calc_elapsed": "(beregn) Forløbet {month}",
        "strip_calc_actual": "(beregn) Faktisk {month}", "strip_calc_plan": "(beregn) Plan {month}",
        "strip_calc_attainment": "(beregn) Målopfyldelse {month}",
        "series_actual": "I forhold til plan",
        "lists_title": "Rullelister (bruges af datavalideringen på de andre ark)",
        "yes_no": "Ja/Nej", "decision": "Beslutning", "status": "Status", "trend": "Tendens",
        "input_title": "Skriv her", "kpi_pick": "Vælg et KPI-ID fra arket KPI'er.",
        "new_target_error": "Angiv kun et nyt mål (et tal) ved beslutningen Juster mål.",
        "date_error": "Skriv en dato, fx 2026-06-30.", "number_error": "Skriv et tal.",
        "list_error": "Vælg en værdi fra listen.",
        "used_rows": "Målingsrækker i brug", "percent_units": "Procentenheder", "count_units": "Antalsenheder",
    },
}

_GUIDE = {
    "en": [
        ("h1", "KPI workbook{department}"),
        ("p", "This workbook holds the department's KPIs (key performance indicators): what we measure, the "
              "target, who is responsible, and the measured values. The Dashboard shows for every KPI where it "
              "is against plan, with traffic-light status, trend and forecast. Finance collects this file with "
              "kpixl (validate, consolidate) and starts the next period from it (rollover)."),
        ("h2", "The four phases"),
        ("p", "1. Design: define each KPI on the KPIs sheet (one row per KPI). 2. Execution: type the measured "
              "values on the Measurements sheet as the period goes. 3. Evaluation: at the deadline, decide per "
              "KPI on the Evaluation sheet: Keep, Adjust target (give the new target) or Retire. "
              "4. Re-design: kpixl rollover writes next period's workbook from those decisions."),
        ("h2", "SMART KPIs"),
        ("p", "Specific: say exactly what is measured and what should change. Measurable: name the number, "
              "its unit and data source. Attainable: explain why the target is realistic (baseline, history, "
              "resources). Relevant: say which goal it serves. Time-bound: give a start date and a deadline. "
              "The columns Specific, Measurable, Attainable and Relevant hold the texts; Start date and "
              "Deadline make it time-bound."),
        ("h2", "High- and low-level KPIs"),
        ("p", "High-level KPIs are company goals (e.g. revenue growth). Low-level KPIs are department KPIs that "
              "drive a high-level one: give them Level low and the parent's ID in Parent KPI ID. Weight says "
              "how much a low-level KPI counts in its parent's roll-up (default 1)."),
        ("h2", "One owner per KPI"),
        ("p", "Every KPI has exactly one responsible owner: a person, not a team. The owner keeps the "
              "measurements up to date and proposes the evaluation decision."),
        ("h2", "Where to type"),
        ("p", "Type only in the tinted (yellow) cells: they are unlocked. Grey cells are computed and locked; "
              "the sheets are protected without a password (Review > Unprotect Sheet) so that formulas are "
              "not overwritten by accident. Dropdowns offer the allowed words for Level, Direction, "
              "Aggregation, Frequency, KPI ID and Decision; hover a header cell's column for a hint."),
        ("h2", "How the numbers work"),
        ("p", "Direction: increase (higher is better), decrease (lower is better) or maintain (close to the "
              "target). Aggregation: sum for counts that add up over the period (sales, leads), last for "
              "rates and scores, or average, min, max. Plan is where the KPI should be by the As of date "
              "(a straight line from the baseline to the target between start and deadline). Attainment = "
              "(actual - baseline part) / (plan - baseline part): 100% is exactly on plan. Status: On track "
              "from the green threshold (default 95%), At risk from amber (85%), else Off track; Not started "
              "before the start date; No data without measurements. Rates are fractions: type 2.1% (0.021)."),
        ("h2", "Formulas: {mode}"),
        ("mode:xlwings", "This workbook's computed cells call the kpixl functions (KPI_ACTUAL, KPI_PLAN, "
                         "KPI_ATTAINMENT, KPI_STATUS, KPI_ELAPSED); where Excel cannot find them, these cells show "
                         "#NAME? once Excel recalculates. Classic xlwings add-in (Windows, desktop Excel): "
                         "1. pip install kpixl and run 'xlwings addin install'. 2. File > Options > Trust Center > "
                         "Trust Center Settings > Macro Settings: tick 'Trust access to the VBA project object "
                         "model'. 3. On the xlwings ribbon set UDF Modules to kpixl.udfs and click Import Functions. "
                         "4. Press Ctrl+Alt+F9 to recalculate every cell. 5. Save the workbook as .xlsm (Excel "
                         "Macro-Enabled Workbook) to keep the functions. xlwings Lite does not compute this "
                         "workbook: Excel stores an add-in's functions in a file under an internal name, and it does "
                         "not link the plain names kpixl wrote here to Lite's functions, so the cells stay #NAME?. "
                         "With xlwings Lite, use the native workbook (kpixl template --formulas native): add kpixl to "
                         "Lite's requirements.txt and 'from kpixl.udfs import *' to its main.py, then type the kpixl "
                         "functions in cells of your own. Trend and Forecast use plain Excel functions and work "
                         "without an add-in, in Excel 2010 or later."),
        ("mode:native", "This workbook uses plain Excel functions only: it computes in Excel 2010 or later, "
                        "Excel for the web and LibreOffice 7.4 or later with no add-in. Hidden, locked "
                        "'(calc)' columns on the KPIs and Measurements sheets hold intermediate results."),
        ("h2", "Good to know"),
        ("p", "Add KPIs and measurements in the tables' empty rows. The tables are pre-sized because a table on "
              "a protected sheet cannot grow: this workbook has {kpi_rows} KPI rows and {measurement_rows} "
              "measurement rows; do not type below them. The Dashboard follows the KPIs table row by row. Do not "
              "rename the tables (KPIs, Measurements, Evaluation); sheets may be renamed. Do not change the "
              "hidden Lists sheet."),
        ("p", "When the rows run out: ask finance for a new workbook with more rows (kpixl template --rows N "
              "--measurement-rows N) and copy your rows into it. In Excel you can instead unprotect the "
              "Measurements sheet (Review > Unprotect Sheet) and type in the row just below the table: Excel "
              "extends the table and its formulas (or use Table Design > Resize Table). More KPI rows need a new "
              "workbook, since the Dashboard and Evaluation are sized to the KPIs table."),
        ("p", "Units: a KPI whose Unit is % (or percent, pct) shows its baseline, target, tolerance, values, "
              "actual, plan and forecast as percentages. A count (Unit count, leads, orders, visitors and the "
              "other count words on the Lists sheet) shows them as whole numbers. KPI IDs are text: MAR-01 "
              "stays MAR-01."),
    ],
    "da": [
        ("h1", "KPI-projektmappe{department}"),
        ("p", "Denne projektmappe rummer afdelingens KPI'er (nøgletal): hvad vi måler, målet, hvem der er "
              "ansvarlig, og de målte værdier. Arket Overblik viser for hver KPI hvor den står i forhold til "
              "planen, med trafiklys, tendens og prognose. Økonomi indsamler filen med kpixl (validate, "
              "consolidate) og starter næste periode ud fra den (rollover)."),
        ("h2", "De fire faser"),
        ("p", "1. Design: definér hver KPI på arket KPI'er (én række pr. KPI). 2. Udførelse: skriv de målte "
              "værdier på arket Målinger i løbet af perioden. 3. Evaluering: ved fristen beslutter I pr. KPI på "
              "arket Evaluering: Behold, Juster mål (angiv det nye mål) eller Udfas. 4. Re-design: kpixl "
              "rollover skriver næste periodes projektmappe ud fra beslutningerne."),
        ("h2", "SMART-KPI'er"),
        ("p", "Specifik: sig præcist hvad der måles og hvad der skal ændre sig. Målbar: angiv tallet, dets "
              "enhed og datakilde. Opnåelig: forklar hvorfor målet er realistisk (udgangspunkt, historik, "
              "ressourcer). Relevant: sig hvilket mål den tjener. Tidsbestemt: angiv startdato og frist. "
              "Kolonnerne Specifik, Målbar, Opnåelig og Relevant rummer teksterne; Startdato og Frist gør "
              "KPI'en tidsbestemt."),
        ("h2", "Høj- og lavniveau-KPI'er"),
        ("p", "Høje KPI'er er virksomhedens mål (fx omsætningsvækst). Lave KPI'er er afdelings-KPI'er der "
              "driver en høj: giv dem Niveau lav og den overordnedes ID i Overordnet KPI-ID. Vægt angiver hvor "
              "meget en lav KPI tæller i den overordnedes samling (standard 1)."),
        ("h2", "Én ansvarlig pr. KPI"),
        ("p", "Hver KPI har præcis én ansvarlig: en person, ikke et team. Den ansvarlige holder målingerne "
              "opdateret og foreslår evalueringens beslutning."),
        ("h2", "Hvor I skriver"),
        ("p", "Skriv kun i de farvede (gule) celler: de er ulåste. Grå celler beregnes og er låste; arkene er "
              "beskyttet uden adgangskode (Gennemse > Fjern arkbeskyttelse), så formler ikke overskrives ved "
              "et uheld. Rullelister giver de tilladte ord for Niveau, Retning, Aggregering, Frekvens, KPI-ID "
              "og Beslutning."),
        ("h2", "Sådan virker tallene"),
        ("p", "Retning: øge (højere er bedre), mindske (lavere er bedre) eller fastholde (tæt på målet). "
              "Aggregering: sum for antal der lægges sammen over perioden (salg, leads), seneste for rater og "
              "scorer, eller gennemsnit, min, maks. Plan er hvor KPI'en bør være på opgørelsesdatoen (en ret "
              "linje fra udgangspunkt til mål mellem start og frist). Målopfyldelse = (faktisk - "
              "udgangspunktsdel) / (plan - udgangspunktsdel): 100% er præcis på planen. Status: På sporet fra "
              "grøn tærskel (standard 95%), I risiko fra gul (85%), ellers Bagud; Ikke startet før startdatoen; "
              "Ingen data uden målinger. Rater er brøker: skriv 2,1% (0,021)."),
        ("h2", "Formler: {mode}"),
        ("mode:xlwings", "De beregnede celler kalder kpixl-funktionerne (KPI_ACTUAL, KPI_PLAN, KPI_ATTAINMENT, "
                         "KPI_STATUS, KPI_ELAPSED); hvor Excel ikke finder dem, viser cellerne #NAVN?, når Excel "
                         "genberegner. Klassisk xlwings-tilføjelsesprogram (Windows, Excel på skrivebordet): "
                         "1. pip install kpixl og kør 'xlwings addin install'. 2. Filer > Indstillinger > Center "
                         "for sikkerhed og rettighedsadministration > Indstillinger for Center for sikkerhed og "
                         "rettighedsadministration > Indstillinger for makro: sæt hak ved tillid til adgang til "
                         "VBA-projektobjektmodellen (engelsk Excel: File > Options > Trust Center > Trust Center "
                         "Settings > Macro Settings > Trust access to the VBA project object model). 3. Sæt UDF "
                         "Modules til kpixl.udfs i xlwings-båndet, og klik Import Functions. 4. Tryk Ctrl+Alt+F9 "
                         "for at genberegne alle celler. 5. Gem projektmappen som .xlsm (Excel-projektmappe med "
                         "makroer) for at beholde funktionerne. xlwings Lite beregner ikke denne projektmappe: "
                         "Excel gemmer et tilføjelsesprograms funktioner i filen under et internt navn og knytter "
                         "ikke de almindelige navne, som kpixl skrev her, til Lites funktioner, så cellerne bliver "
                         "ved med at vise #NAVN?. Med xlwings Lite bruges den almindelige projektmappe (kpixl "
                         "template --formulas native): tilføj kpixl i Lites requirements.txt og 'from kpixl.udfs "
                         "import *' i dens main.py, og skriv så kpixl-funktionerne i jeres egne celler. Tendens og "
                         "Prognose bruger almindelige Excel-funktioner og virker uden tilføjelsesprogram, i Excel 2010 eller nyere."),
        ("mode:native", "Projektmappen bruger kun almindelige Excel-funktioner: den regner i Excel 2010 eller "
                        "nyere, Excel på nettet og LibreOffice 7.4 eller nyere uden tilføjelsesprogram. Skjulte, "
                        "låste '(beregn)'-kolonner på arkene KPI'er og Målinger rummer mellemresultater."),
        ("h2", "Godt at vide"),
        ("p", "Tilføj KPI'er og målinger i tabellernes tomme rækker. Tabellerne har faste størrelser, fordi en "
              "tabel på et beskyttet ark ikke kan vokse: denne projektmappe har {kpi_rows} KPI-rækker og "
              "{measurement_rows} målingsrækker; skriv ikke under dem. Overblikket følger KPI-tabellen række for "
              "række. Omdøb ikke tabellerne (KPIs, Measurements, Evaluation); arkene må gerne omdøbes. Ret ikke "
              "det skjulte ark Lister."),
        ("p", "Når rækkerne slipper op: bed økonomi om en ny projektmappe med flere rækker (kpixl template "
              "--rows N --measurement-rows N) og kopiér jeres rækker over. I Excel kan I i stedet fjerne "
              "beskyttelsen af arket Målinger (Gennemse > Fjern arkbeskyttelse) og skrive i rækken lige under "
              "tabellen: Excel udvider tabellen og dens formler (eller brug Tabeldesign > Tilpas tabelstørrelse). "
              "Flere KPI-rækker kræver en ny projektmappe, da Overblik og Evaluering har KPI-tabellens størrelse."),
        ("p", "Enheder: en KPI med enheden % (eller procent, pct) viser udgangspunkt, mål, tolerance, værdier, "
              "faktisk, plan og prognose som procent. Et antal (enheden antal, stk, ordrer, besøgende og de "
              "andre antalsord på arket Lister) vises som hele tal. KPI-ID'er er tekst: MAR-01 forbliver MAR-01."),
    ],
}


# template --company: the Lists column of the company's KPI IDs and the Guide section on them.
_COMPANY_UI = {
    "en": {
        "list_title": "Company KPIs",
        "parent_error": "Pick a company KPI ID from the list; the Guide lists the company's KPIs.",
        "h2": "Company KPIs (from {file})",
        "p": "These are the company's high-level KPIs, from the management workbook {file} (SHA-256 {sha}; "
             "this workbook records both as the defined names kpixl_company_file and kpixl_company_sha256). "
             "A low-level KPI supports one of them: pick its ID in Parent KPI ID, whose dropdown offers exactly "
             "these IDs. They are read-only here: finance changes them in the management workbook and makes "
             "new department workbooks from it.",
        "kpi": "{kpi_id}  {name}. Owner: {owner}. Target: {target} ({direction}). Deadline: {deadline}.",
        "none": "none",
    },
    "da": {
        "list_title": "Virksomhedens KPI'er",
        "parent_error": "Vælg et KPI-ID fra virksomhedens liste; Vejledningen viser virksomhedens KPI'er.",
        "h2": "Virksomhedens KPI'er (fra {file})",
        "p": "Dette er virksomhedens høje KPI'er fra ledelsens projektmappe {file} (SHA-256 {sha}; denne "
             "projektmappe gemmer begge som de definerede navne kpixl_company_file og kpixl_company_sha256). "
             "En lav KPI understøtter én af dem: vælg dens ID i Overordnet KPI-ID, hvis rulleliste tilbyder "
             "netop disse ID'er. De kan ikke ændres her: økonomi retter dem i ledelsens projektmappe og laver "
             "nye afdelingsprojektmapper ud fra den.",
        "kpi": "{kpi_id}  {name}. Ansvarlig: {owner}. Mål: {target} ({direction}). Frist: {deadline}.",
        "none": "ingen",
    },
}


def _sheet_ref(sheet: str) -> str:
    """Return a sheet name as it must appear in a formula (quoted when needed)."""
    if sheet.replace("_", "").isalnum() and not sheet[0].isdigit():
        return sheet
    return "'" + sheet.replace("'", "''") + "'"


def _str_constant(text: str) -> str:
    return '="' + str(text).replace('"', '""') + '"'


class _Writer:
    """Write one workbook; the methods follow the sheets."""

    def __init__(self, path: Path, *, department, owner, language, mode, start, deadline, rows, kpis,
                 measurements, evaluations, as_of, measurement_rows=None, company=None):
        self.path = path
        self.company = company  # kpixl.company.Company or None
        self.department = department
        self.owner = owner
        self.lang = language
        self.mode = mode
        self.start = start
        self.deadline = deadline
        self.kpis: list[KpiRecord] = list(kpis)
        self.measurements: list[MeasurementRecord] = list(measurements)
        self.evaluations: list[EvaluationRecord] = list(evaluations)
        self.as_of = as_of
        self.kpi_rows = max(rows, len(self.kpis), len(self.evaluations))
        self.measurement_rows = measurement_capacity(rows, len(self.measurements), measurement_rows)
        self.ui = _UI[language]
        # Every formula cell caches what it computes (kpixl.cache; AsOf =TODAY() as of the writing day).
        self.values = cache.compute(self.kpis, self.measurements, as_of or date.today(), language)
        self.wb = xlsx.new_workbook(path, {
            "use_future_functions": True,   # AGGREGATE (Excel 2010) gets its _xlfn. prefix
            "in_memory": False,  # parts go to temporary files: a 100,000-row sheet never sits in memory
        }, workbook_class=_Workbook)
        self.wb.worksheet_class = _Worksheet
        if self.measurement_rows > MEASUREMENT_ROWS_MAX:
            self.wb.zip_level = ZIP_LEVEL_LARGE
        self.wb.set_properties({
            "title": "kpixl department workbook",
            "subject": department or "",
            "author": "kpixl",
            "company": "",
            "comments": "Written by kpixl template",
            "created": CREATED,
        })
        self._formats()

    # -------------------------------------------------------------- formats

    def _formats(self) -> None:
        add = self.wb.add_format
        self.f_header = add(xlsx.header_style(text_wrap=True, valign="top", border=1, border_color="#BFBFBF"))
        self.f_helper_header = add({"bold": True, "font_color": "#595959", "bg_color": "#D9D9D9",
                                    "text_wrap": True, "valign": "top"})
        self.f_title = add({"bold": True, "font_size": 16, "font_color": HEADER_FILL})
        self.f_h2 = add({"bold": True, "font_size": 12, "font_color": HEADER_FILL})
        self.f_wrap = add({"text_wrap": True, "valign": "top"})
        self.f_label = add({"bold": True})
        self.f_percent = add({"num_format": schema.PCT})
        self.f_count = add({"num_format": schema.COUNT})
        self.f_asof = add({"num_format": schema.DATE, "locked": False, "bg_color": INPUT_FILL, "border": 1,
                           "align": "left"})
        self._cache: dict[tuple, object] = {}

    def fmt(self, *, number_format: str | None = None, locked: bool = True, helper: bool = False,
            wrap: bool = False):
        """Return a (cached) cell format: input cells unlocked and tinted, computed ones grey."""
        key = (number_format, locked, helper, wrap)
        if key not in self._cache:
            props: dict[str, object] = {"locked": locked}
            if number_format:
                props["num_format"] = number_format
            if wrap:
                props["text_wrap"] = True
            if not locked:
                props["bg_color"] = INPUT_FILL
            elif helper:
                props["font_color"] = "#7F7F7F"
            else:
                props["bg_color"] = CALC_FILL
            # Top, also for numbers: a row grown for wrapped text reads along its first line.
            props["valign"] = "top"
            self._cache[key] = self.wb.add_format(props)
        return self._cache[key]

    def column_format(self, col: schema.Column):
        return self.fmt(number_format=col.number_format, locked=col.computed, helper=col.helper, wrap=col.wrap)

    # --------------------------------------------------------------- driver

    def write(self) -> None:
        lang = self.lang
        self.ws_guide = self.wb.add_worksheet(schema.SHEET_GUIDE[lang])
        self.ws_kpis = self.wb.add_worksheet(schema.KPIS.sheet(lang))
        self.ws_meas = self.wb.add_worksheet(schema.MEASUREMENTS.sheet(lang))
        self.ws_dash = self.wb.add_worksheet(schema.SHEET_DASHBOARD[lang])
        self.ws_eval = self.wb.add_worksheet(schema.EVALUATION.sheet(lang))
        self.ws_lists = self.wb.add_worksheet(schema.SHEET_LISTS[lang])
        self._lists()
        self._names()
        self._guide()
        if self.company is not None:
            self._company()
        self._kpis()
        self._measurements()
        self._dashboard()
        self._evaluation()
        self.ws_guide.activate()
        self.wb.close()

    # ---------------------------------------------------------------- names

    def _names(self) -> None:
        row, col = DASHBOARD_AS_OF_CELL
        dash = _sheet_ref(schema.SHEET_DASHBOARD[self.lang])
        self.wb.define_name(schema.NAME_AS_OF, f"={dash}!${xl_col_to_name(col)}${row + 1}")
        stored = {
            schema.NAME_SCHEMA_VERSION: schema.SCHEMA_VERSION,
            schema.NAME_LANGUAGE: self.lang,
            schema.NAME_DEPARTMENT: self.department or "",
            schema.NAME_FORMULAS: self.mode,
        }
        for name, value in stored.items():
            self.wb.define_name(name, _str_constant(value))
            if value:
                self.wb.set_custom_property(name, value)

    # ---------------------------------------------------------------- lists

    def _lists(self) -> None:
        ws = self.ws_lists
        ws.write(0, 0, self.ui["lists_title"], self.f_label)
        vocabularies = [
            ("direction", schema.KPIS.column("direction").header(self.lang)),
            ("aggregation", schema.KPIS.column("aggregation").header(self.lang)),
            ("frequency", schema.KPIS.column("frequency").header(self.lang)),
            ("level", schema.KPIS.column("level").header(self.lang)),
            ("decision", self.ui["decision"]),
            ("status", self.ui["status"]),
            ("trend", self.ui["trend"]),
        ]
        self.list_ranges: dict[str, str] = {}
        sheet = _sheet_ref(schema.SHEET_LISTS[self.lang])
        for col, (vocabulary, title) in enumerate(vocabularies):
            words = schema.vocabulary_words(vocabulary, self.lang) if vocabulary != "trend" else tuple(
                core.word("trend", v, self.lang) for v in core.VOCABULARIES["trend"])
            ws.write(1, col, title, self.f_header)
            for i, w in enumerate(words):
                ws.write_string(2 + i, col, w)
            letter = xl_col_to_name(col)
            self.list_ranges[vocabulary] = f"={sheet}!${letter}$3:${letter}${2 + len(words)}"
            ws.set_column(col, col, 16)
        col = len(vocabularies)
        ws.write(1, col, self.ui["yes_no"], self.f_header)
        for i, w in enumerate(schema.YES_NO[self.lang]):
            ws.write_string(2 + i, col, w)
        col += 1
        ws.write(1, col, self.ui["percent_units"], self.f_header)
        for i, w in enumerate(PERCENT_UNITS):
            ws.write_string(2 + i, col, w)
        letter = xl_col_to_name(col)
        self.percent_units = f"{sheet}!${letter}$3:${letter}${2 + len(PERCENT_UNITS)}"
        ws.set_column(col, col, 16)
        col += 1
        ws.write(1, col, self.ui["count_units"], self.f_header)
        for i, w in enumerate(COUNT_UNITS):
            ws.write_string(2 + i, col, w)
        letter = xl_col_to_name(col)
        self.count_units = f"{sheet}!${letter}$3:${letter}${2 + len(COUNT_UNITS)}"
        ws.set_column(col, col, 16)
        # The Measurements formulas scan only the rows up to the last counted one (formulas.Refs.used).
        col += 2
        ws.write(1, col, self.ui["used_rows"], self.f_header)
        ws.write_formula(2, col, fx.measurements_used_formula(self.lang), None, self.values.measurements_used)
        ws.set_column(col, col, 24)
        self.wb.define_name(fx.MEASUREMENTS_USED, f"={sheet}!${xl_col_to_name(col)}$3")
        self.lists_free_col = col + 2  # the company's KPI IDs go here (template --company)
        ws.hide()
        ws.protect("", {"format_columns": True})

    # ---------------------------------------------------------------- guide

    def _count(self, n: int) -> str:
        """Return ``n`` with thousands separators of the workbook language (3,000 / 3.000)."""
        return i18n.format_number(n, self.lang)

    def _guide(self) -> None:
        ws = self.ws_guide
        ws.set_column(0, 0, 110)
        ws.hide_gridlines(2)
        department = f" - {self.department}" if self.department else ""
        mode_name = "xlwings (kpixl UDFs)" if self.mode == fx.XLWINGS else "native Excel"
        if self.lang == "da":
            mode_name = "xlwings (kpixl-funktioner)" if self.mode == fx.XLWINGS else "almindelige Excel-formler"
        row = 0
        for kind, text in _GUIDE[self.lang]:
            if kind.startswith("mode:") and kind != f"mode:{self.mode}":
                continue
            text = text.format(department=department, mode=mode_name, kpi_rows=self._count(self.kpi_rows),
                               measurement_rows=self._count(self.measurement_rows))
            if kind == "h1":
                ws.write_string(row, 0, text, self.f_title)
                ws.set_row(row, 24)
                row += 2
            elif kind == "h2":
                ws.write_string(row, 0, text, self.f_h2)
                row += 1
            else:
                ws.write_string(row, 0, text, self.f_wrap)
                # Row heights are not auto-fitted on load by every app: size for ~105 chars a line.
                ws.set_row(row, 15 * (len(text) // 105 + 1))
                row += 2
        ws.protect("", {"format_columns": True, "format_rows": True})
        ws.set_landscape()
        ws.fit_to_pages(1, 0)

    # ----------------------------------------------------------------- tables

    def _table(self, ws, table: schema.Table, n_rows: int, data: list[list], formulas: dict[str, str],
               values: Callable[[str, int], object]) -> None:
        """Write ``table`` with ``n_rows`` data rows; ``values(key, row)`` is a formula cell's cached value."""
        columns = []
        for i, col in enumerate(table.columns):
            spec: dict[str, object] = {"header": col.header(self.lang), "format": self.column_format(col),
                                       "header_format": self.f_helper_header if col.helper else self.f_header}
            if col.key in formulas:
                spec["formula"] = formulas[col.key]
                ws.cache_values(1, n_rows, i, lambda row, key=col.key: values(key, row))
            columns.append(spec)
        rows = [row + [None] * (len(table.columns) - len(row)) for row in data]
        options = {"name": table.name, "columns": columns, "style": "Table Style Light 1",
                   "autofilter": True}
        if rows:
            options["data"] = rows
        # The repeated empty tail (Measurements) is not written cell by cell: the table is
        # added up to its first row, then widened to all rows (see _Worksheet.repeat_last_rows).
        written = ws.tail_start(n_rows)
        ws.add_table(0, 0, written, len(table.columns) - 1, options)
        if written < n_rows:
            full = xl_range(0, 0, n_rows, len(table.columns) - 1)
            added = ws.tables[-1]
            added["range"] = added["a_range"] = full
            if added.get("autofilter"):
                added["autofilter"] = full
            ws.write_blank(n_rows, 0, None)  # extends the sheet's dimensions (not stored: tail)
        # Empty input cells still need their format: it unlocks them and makes dates dates.
        for i, col in enumerate(table.columns):
            if col.computed:
                continue
            cell_format = self.column_format(col)
            for r in range(1, ws.tail_start(n_rows) + 1):
                if r > len(rows) or rows[r - 1][i] is None:
                    ws.write_blank(r, i, None, cell_format)
        for i, col in enumerate(table.columns):
            hidden = {"hidden": True} if col.helper else {}
            ws.set_column(i, i, col.width, None, hidden)
        ws.set_row(0, 30)
        self._fit_wrapped_rows(ws, table, rows)
        ws.freeze_panes(1, 2 if table is schema.KPIS else 1)
        ws.set_landscape()
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(0)
        ws.protect("", {"format_columns": True, "format_rows": True, "autofilter": True, "sort": False})

    @staticmethod
    def _fit_wrapped_rows(ws, table: schema.Table, rows: list[list]) -> None:
        """Make the prefilled rows tall enough for the lines of their wrapped text cells.

        LibreOffice keeps the stored row height when it loads a file, so wrapped lines
        would overlap the next row. A line holds about 1.1 characters per
        unit of column width (Calibri 11, mixed text); long words count whole.
        """
        wrapped = [(i, int(col.width * WRAP_CHARS_PER_WIDTH)) for i, col in enumerate(table.columns) if col.wrap]
        if not wrapped:
            return
        for r, row in enumerate(rows, start=1):
            lines = max(len(textwrap.wrap(str(row[i]), width)) if isinstance(row[i], str) else 1
                        for i, width in wrapped)
            if lines > 1:
                ws.set_row(r, ROW_HEIGHT * lines)

    def _validations(self, ws, table: schema.Table, n_rows: int) -> None:
        for i, col in enumerate(table.columns):
            if col.computed or (table is schema.EVALUATION and col.key == "new_target"):
                continue  # New target gets one combined rule (_validations_evaluation): one rule per cell
            first, last = 1, n_rows
            options: dict[str, object] = {}
            if col.kind == "vocab":
                options = {"validate": "list", "source": self.list_ranges[col.vocabulary or ""],
                           "error_message": self.ui["list_error"]}
            elif col.kind == "date":
                options = {"validate": "date", "criteria": "between", "minimum": date(1900, 1, 1),
                           "maximum": date(9999, 12, 31), "error_message": self.ui["date_error"]}
            elif col.kind == "number":
                options = {"validate": "decimal", "criteria": "between", "minimum": -1e15, "maximum": 1e15,
                           "error_message": self.ui["number_error"]}
            if col.key == "kpi_id" and table is not schema.KPIS:
                options = {"validate": "list", "source": self._kpi_id_source(),
                           "error_type": "warning", "error_message": self.ui["kpi_pick"]}
            if col.key == "parent_id" and self.company is not None:
                # Replaces the column's rule (one validation per cell): only the company's KPI IDs.
                options = {"validate": "list", "source": self.company_source,
                           "error_message": _COMPANY_UI[self.lang]["parent_error"]}
            note = col.note(self.lang)
            if not options and not note:
                continue
            if not options:
                options = {"validate": "any"}
            if note:
                options["input_title"] = col.header(self.lang)[:32]
                options["input_message"] = note[:255]
            ws.data_validation(first, i, last, i, options)

    def _kpi_id_source(self) -> str:
        sheet = _sheet_ref(schema.KPIS.sheet(self.lang))
        col = xl_col_to_name(schema.KPIS.columns.index(schema.KPIS.column("kpi_id")))
        return f"={sheet}!${col}$2:${col}${self.kpi_rows + 1}"

    def _kpi_letter(self, key: str) -> str:
        return xl_col_to_name(schema.KPIS.columns.index(schema.KPIS.column(key)))

    def _kpi_range(self, key: str) -> str:
        sheet = _sheet_ref(schema.KPIS.sheet(self.lang))
        letter = self._kpi_letter(key)
        return f"{sheet}!${letter}$2:${letter}${self.kpi_rows + 1}"

    def _unit_of(self, kpi_id_cell: str) -> str:
        """Return a formula for the Unit of the KPI whose ID is in ``kpi_id_cell`` (relative reference)."""
        # Matched by the ID key (kpixl.vocab), as every other lookup of an ID.
        key = vocab.excel_lookup_value(vocab.excel_key(kpi_id_cell))
        return f"INDEX({self._kpi_range('unit')},MATCH({key},{self._kpi_range('calc_key')},0))"

    def _percent_format(self, ws, first_row: int, last_row: int, cols: list[int], unit: str) -> None:
        """Show ``cols`` as percentages on the rows whose ``unit`` (a formula for the first row) is a percent.

        And as whole numbers where it is a count unit (``COUNT_UNITS``).

        Conditional, not fixed: it follows the Unit a user types later. Conditional
        formats cannot use structured references, so ``unit`` uses A1 references.
        """
        ranges = " ".join(xl_range(first_row, c, last_row, c) for c in cols)
        for units, cell_format in ((self.percent_units, self.f_percent), (self.count_units, self.f_count)):
            test = f"ISNUMBER(MATCH(TRIM({unit}),{units},0))"
            ws.conditional_format(first_row, cols[0], last_row, cols[0], {
                "type": "formula", "criteria": "=" + test, "format": cell_format, "multi_range": ranges})

    def _status_formats(self, ws, first_row: int, last_row: int, col: int, last_col: int | None = None) -> None:
        last_col = col if last_col is None else last_col
        for status, (fill, font) in STATUS_COLOURS.items():
            ws.conditional_format(first_row, col, last_row, last_col, {
                "type": "cell", "criteria": "==", "value": '"' + core.word("status", status, self.lang) + '"',
                "format": self.wb.add_format({"bg_color": fill, "font_color": font}),
            })
        ws.conditional_format(first_row, col, last_row, last_col, {
            "type": "text", "criteria": "begins with", "value": "#VALUE!",
            "format": self.wb.add_format({"font_color": "#9C0006", "italic": True}),
        })

    # ------------------------------------------------------------------- KPIs

    def _kpi_row(self, k: KpiRecord) -> list:
        values: list = []
        for col in schema.KPIS.columns:
            if col.computed:
                values.append(None)
                continue
            value = getattr(k, col.key, None)
            if col.kind == "vocab" and value is not None:
                value = core.word(col.vocabulary or "", value, self.lang)
            values.append(value)
        return values

    def _kpis(self) -> None:
        ws = self.ws_kpis
        table = schema.KPIS
        data = [self._kpi_row(k) for k in self.kpis]
        self._table(ws, table, self.kpi_rows, data, fx.kpi_formulas(self.mode, self.lang),
                    lambda key, row: self.values.kpi_row_values(row - 1).get(key))
        unit = f"${self._kpi_letter('unit')}2"
        self._percent_format(ws, 1, self.kpi_rows, [table.columns.index(table.column(key)) for key in PERCENT_COLUMNS],
                             unit)
        self._validations(ws, table, self.kpi_rows)
        status_col = table.columns.index(table.column("status"))
        self._status_formats(ws, 1, self.kpi_rows, status_col)

    # ----------------------------------------------------------- Measurements

    def _measurements(self) -> None:
        ws = self.ws_meas
        table = schema.MEASUREMENTS
        data = [[m.kpi_id, m.period_end, m.value, m.entered_by, m.note] for m in self.measurements]
        ws.repeat_last_rows(len(data) + 1, self.measurement_rows)
        self._table(ws, table, self.measurement_rows, data, fx.measurement_formulas(self.mode, self.lang),
                    lambda key, row: self.values.measurement(key, row - 1, row + 1))
        self._percent_format(ws, 1, self.measurement_rows, [table.columns.index(table.column("value"))],
                             self._unit_of("$A2"))
        self._validations(ws, table, self.measurement_rows)

    # -------------------------------------------------------------- Dashboard

    def _dashboard(self) -> None:
        ws = self.ws_dash
        ui = self.ui
        ws.write_string(0, 0, ui["title"] + (f" - {self.department}" if self.department else ""), self.f_title)
        ws.set_row(0, 24)
        r, c = DASHBOARD_AS_OF_CELL
        ws.write_string(r, c - 1, ui["as_of"], self.f_label)
        if self.as_of is not None:
            ws.write_datetime(r, c, datetime.combine(self.as_of, datetime.min.time()), self.f_asof)
        else:
            ws.write_formula(r, c, "=TODAY()", self.f_asof, core.to_serial(self.values.as_of))
        ws.data_validation(r, c, r, c, {"validate": "date", "criteria": "between", "minimum": date(1900, 1, 1),
                                        "maximum": date(9999, 12, 31), "input_title": ui["as_of"],
                                        "input_message": ui["as_of_note"][:255],
                                        "error_message": ui["date_error"]})
        if self.start or self.deadline:
            period = " - ".join(d.isoformat() if d else "" for d in (self.start, self.deadline))
            ws.write_string(2, 0, ui["period"], self.f_label)
            ws.write_string(2, 1, period)
        header_row = DASHBOARD_HEADER_ROW
        first_data = header_row + 2  # 1-based sheet row of the first KPI
        formulas = fx.dashboard_formulas(self.mode, self.lang, first_data_row=first_data)
        number_formats = {"target": schema.NUM, "actual": schema.NUM, "plan": schema.NUM,
                          "attainment": schema.PCT, "forecast": schema.NUM, "calc_vs_plan": schema.PCT}
        # Wide enough for 13,200,000.00 or 6,580,273.9726 (#,##0.00##) without Excel showing ###.
        widths = {"kpi_id": 12, "name": 30, "owner": 18, "status": 13, "trend": 12, "attainment": 13, "target": 16,
                  "actual": 16, "plan": 16, "forecast": 16}
        columns = []
        for key, *_ in fx.DASHBOARD_COLUMNS:
            helper = key in fx.DASHBOARD_HELPERS
            columns.append({"header": fx.dashboard_header(key, self.lang), "formula": formulas[key],
                            "format": self.fmt(number_format=number_formats.get(key), helper=helper),
                            "header_format": self.f_helper_header if helper else self.f_header})
        n = self.kpi_rows
        for i, (key, *_) in enumerate(fx.DASHBOARD_COLUMNS):
            ws.cache_values(header_row + 1, header_row + n, i,
                            lambda row, key=key: self.values.dashboard(row - header_row - 1)[key])
        ws.add_table(header_row, 0, header_row + n, len(columns) - 1,
                     {"name": DASHBOARD_TABLE, "columns": columns, "style": "Table Style Light 1",
                      "autofilter": False})
        keys = [c[0] for c in fx.DASHBOARD_COLUMNS]
        for i, key in enumerate(keys):
            ws.set_column(i, i, widths.get(key, 12), None, {"hidden": True} if key in fx.DASHBOARD_HELPERS else {})
        first, last = header_row + 1, header_row + n
        status_col, att_col = keys.index("status"), keys.index("attainment")
        self._status_formats(ws, first, last, status_col)
        # Dashboard row n shows KPIs row n: the unit is on the same row of the KPIs sheet.
        unit = f"{_sheet_ref(schema.KPIS.sheet(self.lang))}!${self._kpi_letter('unit')}2"
        self._percent_format(ws, first, last, [keys.index(key) for key in ("target", "actual", "plan", "forecast")],
                             unit)
        ws.conditional_format(first, att_col, last, att_col, {
            "type": "icon_set", "icon_style": "3_traffic_lights", "icons": [
                {"criteria": ">=", "type": "number", "value": core.DEFAULT_GREEN},
                {"criteria": ">=", "type": "number", "value": core.DEFAULT_AMBER},
            ]})
        # Prefilled KPIs size the charts to them; a blank template charts every row.
        shown = len(self.kpis) or n
        sheet = _sheet_ref(schema.SHEET_DASHBOARD[self.lang])

        def rng(col: int) -> str:
            return f"={sheet}!${xl_col_to_name(col)}${first + 1}:${xl_col_to_name(col)}${first + shown}"

        id_col = keys.index("kpi_id")
        # Right of the table: the status strip, then its hidden helpers, then the charts.
        chart_col = self._status_strip(ws, header_row, first_data, len(keys))
        chart = self.wb.add_chart({"type": "bar"})
        chart.add_series({"name": fx.dashboard_header("attainment", self.lang), "categories": rng(id_col),
                          "values": rng(att_col), "fill": {"color": "#2E75B6"}, "gap": 60})
        chart.set_title({"name": ui["chart_attainment"]})
        chart.set_x_axis({"num_format": "0%", "min": 0, "major_gridlines": {"visible": True}})
        chart.set_y_axis({"reverse": True})
        chart.set_legend({"none": True})
        chart.show_blanks_as("gap")
        chart.set_size({"width": 620, "height": 420})
        ws.insert_chart(header_row, chart_col, chart)
        # Actual against plan, unit-free (core.against_plan: Actual / Plan, mirrored for a
        # decrease KPI), so a revenue in millions and a rate of 2% share one axis. The bars
        # start at the 100% line (the KPI axis crosses there): whatever the direction, a bar
        # to the left falls short of the plan, one to the right beats it, and its length is
        # the gap, however close to 100% all KPIs are.
        chart2 = self.wb.add_chart({"type": "bar"})
        chart2.add_series({"name": ui["series_actual"], "categories": rng(id_col),
                           "values": rng(keys.index("calc_vs_plan")), "fill": {"color": "#2E75B6"}, "gap": 60})
        chart2.set_title({"name": ui["chart_actual_plan"]})
        chart2.set_x_axis({"num_format": "0%", "crossing": 1, "major_gridlines": {"visible": True}})
        chart2.set_y_axis({"reverse": True, "label_position": "low",
                           "line": {"color": "#404040", "width": 1.5}})
        chart2.set_legend({"none": True})
        chart2.show_blanks_as("gap")
        chart2.show_hidden_data()  # its data are a hidden helper column
        chart2.set_size({"width": 620, "height": 420})
        ws.insert_chart(header_row + 23, chart_col, chart2)
        ws.freeze_panes(header_row + 1, 2)
        ws.set_landscape()
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(header_row)
        ws.protect("", {"format_columns": True, "format_rows": True})

    def _status_strip(self, ws, header_row: int, first_data: int, first_col: int) -> int:
        """Write the status strip from ``first_col`` and its hidden helpers; return the next free column.

        One narrow column per month-end (formulas.strip_formulas), headed by the month's
        name, coloured as the Status column. Right of the strip, per month, the hidden
        helper columns of formulas.STRIP_KEYS, with the month-end above the first one. A
        month's formulas are the same text on every row, so _Worksheet writes each once.
        """
        months = fx.STRIP_MONTHS
        helpers = fx.STRIP_KEYS[:-1]
        helper_col = first_col + months
        last = header_row + self.kpi_rows
        strip_format = self.wb.add_format({"bg_color": CALC_FILL, "font_size": 9, "shrink": True, "align": "center",
                                           "valign": "top", "border": 1, "border_color": "#FFFFFF"})
        header_format = xlsx.header_format(self.wb, align="center", valign="top", border=1, border_color="#BFBFBF")
        formats = {"calc_count": self.fmt(helper=True), "calc_elapsed": self.fmt(number_format=schema.PCT, helper=True),
                   "calc_actual": self.fmt(helper=True), "calc_plan": self.fmt(helper=True),
                   "calc_attainment": self.fmt(number_format=schema.PCT, helper=True), "status": strip_format}
        month_format = self.fmt(number_format=schema.DATE, helper=True)
        ws.write_string(header_row - 1, first_col, self.ui["strip_title"], self.f_label)
        strips = [self.values.strip(j, self.lang) for j in range(self.kpi_rows)]
        month_names = fx.MONTH_NAMES[self.lang]
        for i, month_end in enumerate(cache.strip_month_ends(self.values.as_of)):
            first = helper_col + len(helpers) * i
            cols = {key: first + h for h, key in enumerate(helpers)}
            cols["status"] = first_col + i
            # The month-end, once per month: above the month's first helper (hidden).
            end_cell = xl_rowcol_to_cell(header_row - 1, first, row_abs=True, col_abs=True)
            ws.write_formula(header_row - 1, first, fx.strip_month_end_formula(i), month_format,
                             core.to_serial(month_end))
            ws.write_formula(header_row, cols["status"], fx.strip_header_formula(end_cell, self.lang), header_format,
                             month_names[month_end.month - 1])
            for key in helpers:
                ws.write_string(header_row, cols[key], self.ui["strip_" + key].format(month=i + 1),
                                self.f_helper_header)
            formulas = fx.strip_formulas(self.lang, first_data_row=first_data, month_end=end_cell,
                                         columns={key: xl_col_to_name(cols[key]) for key in helpers})
            for row in range(header_row + 1, last + 1):
                cached = strips[row - header_row - 1][i]
                for key in fx.STRIP_KEYS:
                    ws.write_formula(row, cols[key], formulas[key], formats[key], cached[key])
            ws.set_column(cols["status"], cols["status"], 8)
            ws.set_column(first, first + len(helpers) - 1, 12, None, {"hidden": True})
        self._status_formats(ws, header_row + 1, last, first_col, first_col + months - 1)
        return helper_col + len(helpers) * months

    # ------------------------------------------------------------- Evaluation

    def _evaluation(self) -> None:
        ws = self.ws_eval
        table = schema.EVALUATION
        by_id = {kpi_key(e.kpi_id): e for e in self.evaluations}
        known = {kpi_key(k.kpi_id) for k in self.kpis}
        ids = [k.kpi_id for k in self.kpis] + [e.kpi_id for e in self.evaluations if kpi_key(e.kpi_id) not in known]
        data = []
        for kpi_id in ids:
            e = by_id.get(kpi_key(kpi_id))
            decision = schema.DECISION_WORDS[self.lang][e.decision] if e and e.decision else None
            row: list = []
            for col in table.columns:
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
        self._table(ws, table, self.kpi_rows, data, fx.evaluation_formulas(self.mode, self.lang),
                    lambda key, row: self.values.evaluation(ids[row - 1] if row <= len(ids) else None,
                                                            self.lang)[key])
        ws.freeze_panes(1, 1)
        self._validations_evaluation(ws, table)
        self._percent_format(ws, 1, self.kpi_rows, [table.columns.index(table.column(key))
                                                    for key in ("final_actual", "new_target")], self._unit_of("$A2"))
        met_col = table.columns.index(table.column("met_target"))
        yes, no = schema.YES_NO[self.lang]
        for word, (fill, font) in ((yes, STATUS_COLOURS[core.ON_TRACK]), (no, STATUS_COLOURS[core.OFF_TRACK])):
            ws.conditional_format(1, met_col, self.kpi_rows, met_col, {
                "type": "cell", "criteria": "==", "value": f'"{word}"',
                "format": self.wb.add_format({"bg_color": fill, "font_color": font})})

    def _validations_evaluation(self, ws, table: schema.Table) -> None:
        self._validations(ws, table, self.kpi_rows)
        # New target's only rule (Excel drops a cell's second rule with "Removed Feature: Data
        # validation"): a number, and only with Adjust target.
        dec = xl_col_to_name(table.columns.index(table.column("decision")))
        new_col = table.columns.index(table.column("new_target"))
        cell = xl_rowcol_to_cell(1, new_col)
        adjust = [schema.DECISION_WORDS[lang]["adjust"] for lang in schema.LANGUAGES]
        test = "OR(" + ",".join(f'${dec}2="{w}"' for w in adjust) + ")"
        ws.data_validation(1, new_col, self.kpi_rows, new_col, {
            "validate": "custom", "value": f"=AND(ISNUMBER({cell}),{test})",
            "input_title": table.column("new_target").header(self.lang),
            "input_message": table.column("new_target").note(self.lang),
            "error_message": self.ui["new_target_error"]})

    # ---------------------------------------------------------------- company

    def _company(self) -> None:
        """List the company's KPI IDs on the Lists sheet (the Parent KPI ID dropdown's source),
        describe them on the Guide (locked, like all of it) and record the company workbook."""
        company, ui = self.company, _COMPANY_UI[self.lang]
        ws, col = self.ws_lists, self.lists_free_col
        ws.write_string(1, col, ui["list_title"], self.f_header)
        for i, kpi_id in enumerate(company.ids):
            ws.write_string(2 + i, col, kpi_id)
        ws.set_column(col, col, 16)
        letter = xl_col_to_name(col)
        self.company_source = (f"={_sheet_ref(schema.SHEET_LISTS[self.lang])}!${letter}$3:"
                               f"${letter}${2 + len(company.ids)}")
        guide = self.ws_guide
        row = guide.dim_rowmax + 2  # below the Guide's text, one row apart
        guide.write_string(row, 0, ui["h2"].format(file=company.file_name), self.f_h2)
        text = ui["p"].format(file=company.file_name, sha=company.sha256)
        guide.write_string(row + 1, 0, text, self.f_wrap)
        guide.set_row(row + 1, 15 * (len(text) // 105 + 1))
        for i, kpi in enumerate(company.kpis):
            guide.write_string(row + 2 + i, 0, ui["kpi"].format(
                kpi_id=kpi.kpi_id, name=kpi.name or "", owner=kpi.owner or ui["none"],
                target=self._target_text(kpi.target, kpi.unit), deadline=kpi.deadline.isoformat() if kpi.deadline
                else ui["none"], direction=core.word("direction", kpi.direction or core.INCREASE, self.lang)),
                self.f_wrap)
        for name, value in ((schema.NAME_COMPANY_FILE, company.file_name),
                            (schema.NAME_COMPANY_SHA256, company.sha256)):
            self.wb.define_name(name, _str_constant(value))
            self.wb.set_custom_property(name, value)

    def _target_text(self, value: float | None, unit: str | None) -> str:
        """Return a target as a reader sees it: 10% for a percent unit, else 1,200 DKK (Danish: 1.200)."""
        if value is None:
            return _COMPANY_UI[self.lang]["none"]
        percent = " ".join(str(unit or "").split()).casefold() in PERCENT_UNITS
        text = f"{value * 100:,.10g}%" if percent else f"{value:,.10g}"
        if self.lang == "da":
            text = text.translate(str.maketrans(",.", ".,"))
        return text if percent or not unit else f"{text} {unit}"


def measurement_capacity(rows: int = 50, prefilled: int = 0, measurement_rows: int | None = None) -> int:
    """Return the number of data rows of the Measurements table.

    ``measurement_rows`` when given, else 60 per KPIs row between 3,000 and 20,000;
    with ``prefilled`` measurements, never fewer than those plus 1,000 free rows.
    """
    if measurement_rows is None:
        measurement_rows = min(max(MEASUREMENT_ROWS_MIN, rows * MEASUREMENT_ROWS_PER_KPI), MEASUREMENT_ROWS_MAX)
    if prefilled:
        return max(measurement_rows, prefilled + MEASUREMENT_ROWS_FREE)
    return measurement_rows


def _check_records(kpis: Sequence[KpiRecord]) -> None:
    seen: set[str] = set()
    for k in kpis:
        if not k.kpi_id or not str(k.kpi_id).strip():
            raise DefinitionError("a KPI to prefill has no KPI ID; give every KPI an ID")
        if kpi_key(k.kpi_id) in seen:
            raise DefinitionError(f"KPI ID {k.kpi_id!r} is given twice; KPI IDs must be unique")
        seen.add(kpi_key(k.kpi_id))


def _company(company, records: Sequence[KpiRecord]):
    """Return the company of ``template --company`` (None without), checking the prefilled parents."""
    if company is None:
        return None
    from kpixl.company import Company, read_company, unknown_parents

    linked = company if isinstance(company, Company) else read_company(company)
    unknown = unknown_parents(linked, list(records))
    if unknown:
        names = ", ".join(f"{k.kpi_id} (parent {k.parent_id})" for k in unknown)
        raise DefinitionError(f"{len(unknown)} KPI(s) name a parent that is not a high-level KPI of "
                              f"{linked.file_name}: {names}; use one of {', '.join(linked.ids)}")
    return linked


def write_template(path, *, department=None, owner=None, language="en", formulas="native", start=None,
                   deadline=None, examples=False, rows=50, force=False, kpis=None, measurements=None,
                   evaluations=None, as_of=None, measurement_rows=None, company=None) -> Path:
    """Write a department workbook to ``path`` and return the path.

    ``rows`` sizes the KPIs, Dashboard and Evaluation tables; ``measurement_rows``
    the Measurements table (default: see :func:`measurement_capacity`).
    ``kpis``/``measurements``/``evaluations`` prefill the tables (canonical records);
    ``examples`` puts the example SMART KPIs first; ``as_of`` fixes the AsOf cell
    instead of ``=TODAY()``. Refuses an existing file unless ``force``.

    ``company`` (a management workbook's path, or a :class:`kpixl.company.Company`)
    makes the Parent KPI ID dropdown offer exactly the company's high-level KPI IDs,
    lists those KPIs on the Guide and records the company workbook's file name and
    SHA-256 as defined names; an invalid management workbook is refused with its
    findings, and so is a prefilled KPI whose parent is not a company KPI.
    """
    if language not in schema.LANGUAGES:
        raise DefinitionError(f"unknown language {language!r}; use en or da")
    if formulas not in fx.MODES:
        raise DefinitionError(f"unknown formula mode {formulas!r}; use xlwings or native")
    if rows is None or int(rows) < 1:
        raise DefinitionError(f"rows must be at least 1 (rows {rows!r})")
    if measurement_rows is not None and not 1 <= int(measurement_rows) <= MEASUREMENT_ROWS_LIMIT:
        raise DefinitionError(f"measurement rows must be between 1 and {MEASUREMENT_ROWS_LIMIT} "
                              f"(measurement rows {measurement_rows!r})")
    if start is not None and deadline is not None and deadline <= start:
        raise DefinitionError(f"the deadline must be after the start date (start {start.isoformat()}, "
                              f"deadline {deadline.isoformat()})")
    records: list[KpiRecord] = []
    if examples:
        start, deadline = example_set.default_period(start, deadline)
        records.extend(example_set.example_kpis(language, owner, department, start, deadline))
    records.extend(kpis or [])
    _check_records(records)
    linked = _company(company, records)
    target = Path(path)
    with atomic_output(target, force=force, inputs=[linked.path] if linked else []) as temp:
        _Writer(temp, department=department, owner=owner, language=language, mode=formulas, start=start,
                deadline=deadline, rows=int(rows), kpis=records, measurements=list(measurements or []),
                evaluations=evaluations or [], as_of=as_of,
                measurement_rows=None if measurement_rows is None else int(measurement_rows),
                company=linked).write()
    return target

