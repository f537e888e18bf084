"""Own the built-in sample company that ``kpixl demo`` runs the KPI cycle on.

"Nordlys Living", a small Danish webshop, has a management workbook with four
high-level KPIs and Sales, Marketing and Customer Service workbooks whose
low-level KPIs roll up to them (parent IDs and weights). Every KPI has one owner,
SMART texts in English and Danish, and a fiscal year (2025) of measurements:
weekly or monthly by frequency, with a summer dip and a Q4 peak, and seeded
noise so a run is reproducible. The story the data tells: revenue growth beats
its target, customer satisfaction is at risk, webshop conversion is clearly off
track, and Customer Service submitted late (nothing after October).

Percentages are stored as fractions (0.021 is 2.1%), as Excel stores a cell
formatted as a percentage.
"""

from __future__ import annotations

import random
import zlib
from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date, timedelta

from kpixl import core
from kpixl.model import CommentRecord, EvaluationRecord, KpiRecord, MeasurementRecord
from kpixl.vocab import Language

FISCAL_START = date(2025, 1, 1)
FISCAL_END = date(2025, 12, 31)
# Numbers in the demo are computed as of the last day of the fiscal year: the
# evaluation phase, when the year's results are final.
AS_OF = FISCAL_END
# Customer Service's last submission covers October: the late department.
LATE_DEPARTMENT = "customer-service"
LATE_CUTOFF = date(2025, 10, 31)

COMPANY = {"en": "Nordlys Living", "da": "Nordlys Living"}

# Share of a normal month's activity per month: a summer dip and the Q4 peak
# (Black Friday in November, Christmas in December). Mean is 1.
SEASON = (0.90, 0.84, 0.93, 0.97, 1.00, 0.92, 0.78, 0.88, 0.98, 1.05, 1.30, 1.45)


@dataclass(frozen=True)
class Text:
    """Hold one text in English and Danish."""

    en: str
    da: str

    def get(self, language: object) -> str:
        """Return the text in ``language`` (an unknown one raises DefinitionError, as Language.parse does)."""
        return getattr(self, Language.parse(language).value)  # the fields are named by Language's values


@dataclass(frozen=True)
class SampleKpi:
    """Describe one sample KPI: its definition and how its year of data behaves.

    ``performance`` is the share of the planned improvement reached by year end
    (1.0 exactly on target); ``seasonal`` says how strongly the season moves it;
    ``noise`` is the relative size of the random wobble.
    """

    kpi_id: str
    name: Text
    owner: str
    unit: Text
    direction: str
    aggregation: str
    frequency: str
    target: float
    specific: Text
    measurable: Text
    attainable: Text
    relevant: Text
    data_source: Text
    baseline: float | None = None
    tolerance: float | None = None
    parent_id: str | None = None
    weight: float | None = None
    decimals: int = 0
    performance: float = 1.0
    seasonal: float = 1.0
    noise: float = 0.04


@dataclass(frozen=True)
class SampleDepartment:
    """Describe one department of the sample company and its KPIs."""

    key: str  # stable, language-free: the file name of its workbook
    name: Text
    owner: str
    kpis: tuple[SampleKpi, ...]
    level: str = "low"

    @property
    def file_name(self) -> str:
        """Return the workbook's file name (``sales.xlsx``)."""
        return f"{self.key}.xlsx"


@dataclass
class DepartmentData:
    """Hold one department's records in one language, ready for ``write_template``."""

    key: str
    department: str
    owner: str
    kpis: list[KpiRecord]
    measurements: list[MeasurementRecord]
    evaluations: list[EvaluationRecord] = field(default_factory=list)

    @property
    def file_name(self) -> str:
        """Return the workbook's file name (``sales.xlsx``)."""
        return f"{self.key}.xlsx"


T = Text
PCT = T("%", "%")

MANAGEMENT = SampleDepartment(
    key="management", name=T("Management", "Ledelse"), owner="Mette Kjær", level="high",
    kpis=(
        SampleKpi(
            "MGT-01", T("Revenue growth", "Omsætningsvækst"), "Mette Kjær", PCT,
            "increase", "last", "monthly", baseline=0.04, target=0.10, decimals=4, performance=1.15,
            seasonal=0.0, noise=0.03,
            specific=T("Grow revenue year to date by 10% against last year.",
                       "Øg omsætningen år til dato med 10% i forhold til sidste år."),
            measurable=T("Revenue year to date / same period last year - 1, from the ledger.",
                         "Omsætning år til dato / samme periode sidste år - 1, fra bogføringen."),
            attainable=T("Last year grew 4%; the new webshop and Q4 campaigns add the rest.",
                         "Sidste år voksede vi 4%; den nye webshop og Q4-kampagnerne giver resten."),
            relevant=T("Growth funds the three-year plan.", "Vækst finansierer treårsplanen."),
            data_source=T("Finance: e-conomic", "Økonomi: e-conomic")),
        SampleKpi(
            "MGT-02", T("Customer satisfaction", "Kundetilfredshed"), "Mette Kjær",
            T("score 1-10", "score 1-10"), "increase", "average", "monthly", baseline=7.8, target=8.5,
            decimals=2, performance=0.88, seasonal=-0.3, noise=0.012,
            specific=T("Raise the average satisfaction score of customers to 8.5.",
                       "Hæv kundernes gennemsnitlige tilfredshedsscore til 8,5."),
            measurable=T("Average score of the monthly post-purchase survey.",
                         "Gennemsnitlig score i den månedlige undersøgelse efter køb."),
            attainable=T("Faster answers and fewer wrong deliveries lift the score.",
                         "Hurtigere svar og færre fejlleveringer løfter scoren."),
            relevant=T("Satisfied customers come back and recommend us.",
                       "Tilfredse kunder kommer igen og anbefaler os."),
            data_source=T("Survey: Trustpilot and own survey", "Undersøgelse: Trustpilot og egen måling")),
        SampleKpi(
            "MGT-03", T("Webshop conversion rate", "Konverteringsrate i webshoppen"), "Mette Kjær", PCT,
            "increase", "average", "monthly", baseline=0.018, target=0.025, decimals=4, performance=0.3,
            seasonal=0.5, noise=0.03,
            specific=T("Raise the share of webshop visits that end in an order to 2.5%.",
                       "Øg andelen af besøg i webshoppen der ender med en ordre til 2,5%."),
            measurable=T("Orders / sessions per month, from web analytics.",
                         "Ordrer / sessioner pr. måned, fra webanalyse."),
            attainable=T("The new checkout removes two steps.", "Det nye checkout fjerner to trin."),
            relevant=T("Conversion turns the traffic we pay for into revenue.",
                       "Konvertering gør den trafik vi betaler for til omsætning."),
            data_source=T("Google Analytics", "Google Analytics")),
        SampleKpi(
            "MGT-04", T("Returning customers", "Tilbagevendende kunder"), "Mette Kjær", PCT,
            "increase", "last", "monthly", baseline=0.28, target=0.34, decimals=4, performance=0.97,
            seasonal=0.0, noise=0.006,
            specific=T("Raise the share of orders from returning customers to 34%.",
                       "Øg andelen af ordrer fra tilbagevendende kunder til 34%."),
            measurable=T("Orders from customers with an earlier order / all orders, last 12 months.",
                         "Ordrer fra kunder med en tidligere ordre / alle ordrer, seneste 12 måneder."),
            attainable=T("The loyalty club launched in March.", "Kundeklubben blev lanceret i marts."),
            relevant=T("A returning customer costs a fifth of a new one to win.",
                       "En tilbagevendende kunde koster en femtedel af en ny at vinde."),
            data_source=T("CRM: Shopify", "CRM: Shopify")),
    ),
)

SALES = SampleDepartment(
    key="sales", name=T("Sales", "Salg"), owner="Lars Mortensen",
    kpis=(
        SampleKpi(
            "SAL-01", T("Number of sales", "Antal salg"), "Lars Mortensen", T("orders", "ordrer"),
            "increase", "sum", "monthly", baseline=38000, target=42000, parent_id="MGT-01", weight=2,
            performance=1.05, noise=0.04,
            specific=T("Complete 42,000 webshop and phone orders in 2025.",
                       "Gennemfør 42.000 ordrer i webshop og telefon i 2025."),
            measurable=T("Count of completed orders per month, cancellations excluded.",
                         "Antal gennemførte ordrer pr. måned, uden annulleringer."),
            attainable=T("38,000 last year; the new product lines add about 10%.",
                         "38.000 sidste år; de nye produktlinjer giver omkring 10%."),
            relevant=T("Orders drive revenue growth (MGT-01).", "Ordrer driver omsætningsvæksten (MGT-01)."),
            data_source=T("Shopify orders report", "Shopify ordrerapport")),
        SampleKpi(
            "SAL-02", T("Average order value", "Gennemsnitlig ordreværdi"), "Sofie Lund", T("DKK", "kr."),
            "increase", "average", "monthly", baseline=640, target=700, parent_id="MGT-01", weight=1,
            performance=0.9, seasonal=0.6, noise=0.008,
            specific=T("Raise the average order value to DKK 700.", "Øg den gennemsnitlige ordreværdi til 700 kr."),
            measurable=T("Revenue / number of orders per month.", "Omsætning / antal ordrer pr. måned."),
            attainable=T("Bundles and free shipping above DKK 800.", "Pakketilbud og fri fragt over 800 kr."),
            relevant=T("Bigger orders grow revenue at the same freight cost.",
                       "Større ordrer øger omsætningen til samme fragtomkostning."),
            data_source=T("Shopify orders report", "Shopify ordrerapport")),
        SampleKpi(
            "SAL-03", T("Returning customers", "Tilbagevendende kunder"), "Sofie Lund", PCT,
            "increase", "last", "monthly", baseline=0.28, target=0.34, parent_id="MGT-04", weight=1,
            decimals=4, performance=1.0, seasonal=0.0, noise=0.006,
            specific=T("Raise the share of orders from returning customers to 34%.",
                       "Øg andelen af ordrer fra tilbagevendende kunder til 34%."),
            measurable=T("Orders from known customers / all orders, last 12 months.",
                         "Ordrer fra kendte kunder / alle ordrer, seneste 12 måneder."),
            attainable=T("Follow-up mails after each order.", "Opfølgningsmails efter hver ordre."),
            relevant=T("Feeds the company KPI MGT-04.", "Understøtter virksomheds-KPI'en MGT-04."),
            data_source=T("CRM: Shopify", "CRM: Shopify")),
    ),
)

MARKETING = SampleDepartment(
    key="marketing", name=T("Marketing", "Marketing"), owner="Anders Holm",
    kpis=(
        SampleKpi(
            "MKT-01", T("Webshop visitors", "Besøgende i webshoppen"), "Anders Holm",
            T("visitors", "besøgende"), "increase", "sum", "weekly", baseline=1_900_000, target=2_200_000,
            parent_id="MGT-03", weight=1, performance=1.08, noise=0.06,
            specific=T("Bring 2.2 million visitors to the webshop in 2025.",
                       "Få 2,2 mio. besøgende i webshoppen i 2025."),
            measurable=T("Sessions per week in web analytics.", "Sessioner pr. uge i webanalyse."),
            attainable=T("1.9 million last year; more search and social budget.",
                         "1,9 mio. sidste år; mere budget til søgning og sociale medier."),
            relevant=T("Traffic is the top of the sales funnel.", "Trafik er toppen af salgstragten."),
            data_source=T("Google Analytics", "Google Analytics")),
        SampleKpi(
            "MKT-02", T("Leads", "Leads"), "Camilla Dahl", T("leads", "leads"),
            "increase", "sum", "weekly", baseline=5200, target=6000, parent_id="MGT-01", weight=1,
            performance=1.0, noise=0.08,
            specific=T("Collect 6,000 B2B leads (newsletter and quote requests).",
                       "Indsaml 6.000 B2B-leads (nyhedsbrev og tilbudsforespørgsler)."),
            measurable=T("New qualified contacts per week in the CRM.", "Nye kvalificerede kontakter pr. uge i CRM."),
            attainable=T("5,200 last year; two trade fairs planned.", "5.200 sidste år; to messer planlagt."),
            relevant=T("Leads become B2B orders.", "Leads bliver til B2B-ordrer."),
            data_source=T("HubSpot", "HubSpot")),
        SampleKpi(
            "MKT-03", T("Conversion rate", "Konverteringsrate"), "Camilla Dahl", PCT,
            "increase", "average", "weekly", baseline=0.018, target=0.025, parent_id="MGT-03", weight=2,
            decimals=4, performance=0.25, seasonal=0.5, noise=0.05,
            specific=T("Raise the campaign landing pages' conversion to 2.5%.",
                       "Øg kampagnesidernes konvertering til 2,5%."),
            measurable=T("Orders / sessions on campaign pages per week.",
                         "Ordrer / sessioner på kampagnesider pr. uge."),
            attainable=T("A/B tests of the product pages every month.", "A/B-test af produktsiderne hver måned."),
            relevant=T("Feeds the company KPI MGT-03.", "Understøtter virksomheds-KPI'en MGT-03."),
            data_source=T("Google Analytics", "Google Analytics")),
        SampleKpi(
            "MKT-04", T("Search visibility", "Synlighed i søgning"), "Jonas Friis", T("index", "indeks"),
            "increase", "last", "monthly", baseline=42, target=55, parent_id="MGT-03", weight=1,
            decimals=1, performance=0.88, seasonal=0.0, noise=0.01,
            specific=T("Raise the search visibility index for our 200 key words to 55.",
                       "Øg synlighedsindekset for vores 200 nøgleord til 55."),
            measurable=T("Visibility index from the SEO tool, end of month.",
                         "Synlighedsindeks fra SEO-værktøjet, ultimo måned."),
            attainable=T("Content plan of two guides a month.", "Indholdsplan med to guides om måneden."),
            relevant=T("Free traffic lowers the cost per order.", "Gratis trafik sænker omkostningen pr. ordre."),
            data_source=T("SEO tool: Semrush", "SEO-værktøj: Semrush")),
        SampleKpi(
            "MKT-05", T("Catalogue downloads", "Downloads af katalog"), "Jonas Friis", T("downloads", "downloads"),
            "increase", "sum", "monthly", target=9000, parent_id="MGT-01", weight=0.5,
            performance=1.02, noise=0.07,
            specific=T("Get 9,000 downloads of the product catalogue.", "Opnå 9.000 downloads af produktkataloget."),
            measurable=T("PDF downloads per month from the website.", "PDF-downloads pr. måned fra hjemmesiden."),
            attainable=T("New catalogue in March, promoted in the newsletter.",
                         "Nyt katalog i marts, promoveret i nyhedsbrevet."),
            relevant=T("Catalogue readers order twice as often.", "Kataloglæsere bestiller dobbelt så ofte."),
            data_source=T("Website statistics", "Hjemmesidestatistik")),
    ),
)

CUSTOMER_SERVICE = SampleDepartment(
    key="customer-service", name=T("Customer Service", "Kundeservice"), owner="Ida Bach",
    kpis=(
        SampleKpi(
            "CS-01", T("Customer satisfaction", "Kundetilfredshed"), "Ida Bach", T("score 1-10", "score 1-10"),
            "increase", "average", "monthly", baseline=7.8, target=8.5, parent_id="MGT-02", weight=2,
            decimals=2, performance=0.9, seasonal=-0.3, noise=0.012,
            specific=T("Raise the satisfaction score after a service contact to 8.5.",
                       "Øg tilfredshedsscoren efter en henvendelse til 8,5."),
            measurable=T("Average score of the survey sent after each closed case.",
                         "Gennemsnitlig score i undersøgelsen efter hver lukket sag."),
            attainable=T("New help centre and training of all agents.",
                         "Nyt hjælpecenter og træning af alle medarbejdere."),
            relevant=T("Feeds the company KPI MGT-02.", "Understøtter virksomheds-KPI'en MGT-02."),
            data_source=T("Zendesk", "Zendesk")),
        SampleKpi(
            "CS-02", T("Average response time", "Gennemsnitlig svartid"), "Mikkel Sørensen", T("hours", "timer"),
            "decrease", "average", "weekly", baseline=24, target=8, parent_id="MGT-02", weight=1,
            decimals=1, performance=0.85, seasonal=0.6, noise=0.08,
            specific=T("Answer customer mails within 8 hours on average.",
                       "Besvar kundemails inden for 8 timer i gennemsnit."),
            measurable=T("Average first-reply time per week in the ticket system.",
                         "Gennemsnitlig tid til første svar pr. uge i sagssystemet."),
            attainable=T("Chatbot for order status and one extra agent in Q4.",
                         "Chatbot til ordrestatus og en ekstra medarbejder i Q4."),
            relevant=T("Slow answers are the first reason for low satisfaction.",
                       "Langsomme svar er den største årsag til lav tilfredshed."),
            data_source=T("Zendesk", "Zendesk")),
        SampleKpi(
            "CS-03", T("First-contact resolution", "Løst ved første kontakt"), "Mikkel Sørensen", PCT,
            "maintain", "last", "monthly", target=0.80, tolerance=0.05, parent_id="MGT-02", weight=1,
            decimals=3, seasonal=0.0, noise=0.02,
            specific=T("Keep the share of cases solved at the first contact at 80%.",
                       "Hold andelen af sager løst ved første kontakt på 80%."),
            measurable=T("Cases closed after one reply / all closed cases, per month.",
                         "Sager lukket efter ét svar / alle lukkede sager, pr. måned."),
            attainable=T("80% last year; the new help centre must not lower it.",
                         "80% sidste år; det nye hjælpecenter må ikke sænke den."),
            relevant=T("Repeat contacts cost time and satisfaction.",
                       "Gentagne henvendelser koster tid og tilfredshed."),
            data_source=T("Zendesk", "Zendesk")),
        SampleKpi(
            "CS-04", T("Complaint rate", "Reklamationsrate"), "Ida Bach", PCT,
            "decrease", "average", "monthly", baseline=0.020, target=0.015, parent_id="MGT-04", weight=1,
            decimals=4, performance=0.95, seasonal=0.0, noise=0.05,
            specific=T("Lower complaints to 1.5% of orders.", "Sænk reklamationerne til 1,5% af ordrerne."),
            measurable=T("Complaints / orders per month.", "Reklamationer / ordrer pr. måned."),
            attainable=T("New packaging from the spring.", "Ny emballage fra foråret."),
            relevant=T("A complaint halves the chance the customer returns.",
                       "En reklamation halverer chancen for at kunden kommer igen."),
            data_source=T("Zendesk and Shopify", "Zendesk og Shopify")),
    ),
)

DEPARTMENTS: tuple[SampleDepartment, ...] = (MANAGEMENT, SALES, MARKETING, CUSTOMER_SERVICE)

# The management's evaluation of the year, as an example of the evaluation phase:
# decision, how the new target is chosen (a factor on the final actual, rounded),
# and the note written beside it.
EVALUATION_EXAMPLE: dict[str, tuple[str, float | None, Text]] = {
    "MGT-01": ("adjust", 1.12, T("Beat the target; raise it for next year.",
                                 "Målet er nået; vi hæver det for næste år.")),
    "MGT-02": ("keep", None, T("Close to target; keep it and follow the response-time plan.",
                               "Tæt på målet; vi beholder det og følger planen for svartid.")),
    "MGT-03": ("adjust", 1.1, T("Off track all year; a realistic step after the new checkout.",
                                "Bagud hele året; et realistisk skridt efter det nye checkout.")),
    "MGT-04": ("retire", None, T("Replaced by customer lifetime value next year.",
                                 "Erstattes af kundelevetidsværdi næste år.")),
}


# ---------------------------------------------------------------- periods

def month_ends(start: date = FISCAL_START, end: date = FISCAL_END) -> list[date]:
    """Return the last day of every month from ``start`` to ``end``."""
    ends: list[date] = []
    year, month = start.year, start.month
    while True:
        last = date(year, month, monthrange(year, month)[1])
        if last > end:
            return ends
        ends.append(last)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def week_ends(start: date = FISCAL_START, end: date = FISCAL_END) -> list[date]:
    """Return every Sunday from ``start`` to ``end`` (weeks end on Sunday in Denmark)."""
    first = start + timedelta(days=(6 - start.weekday()) % 7)
    ends = []
    while first <= end:
        ends.append(first)
        first += timedelta(days=7)
    return ends


def period_ends(frequency: str) -> list[date]:
    """Return the fiscal year's period ends for ``frequency`` (weekly or monthly)."""
    return week_ends() if frequency == "weekly" else month_ends()


# ---------------------------------------------------------------- generator

def _rng(kpi_id: str, seed: int) -> random.Random:
    # crc32, not hash(): str hashes change between runs and the demo must not.
    return random.Random(zlib.crc32(kpi_id.encode("utf-8")) ^ seed)


def generate_values(kpi: SampleKpi, seed: int = 2025) -> list[tuple[date, float]]:
    """Return a fiscal year of (period_end, value) for ``kpi``, reproducible for a seed.

    Cumulative KPIs split the year's total over the periods by season; ``last``
    KPIs ramp from the baseline to where they end the year; other level KPIs
    (averages) wobble around the level they reach; maintain KPIs around the target.
    """
    rng = _rng(kpi.kpi_id, seed)
    ends = period_ends(kpi.frequency)
    n = len(ends)
    season = [1.0 + kpi.seasonal * (SEASON[d.month - 1] - 1.0) for d in ends]
    base = kpi.baseline
    values: list[float] = []
    if kpi.direction == "maintain":
        spread = (kpi.tolerance or 0.1 * abs(kpi.target)) * 0.1
        values = [kpi.target + rng.gauss(0, spread) for _ in ends]
    elif kpi.aggregation == "sum":
        # Cumulative: the year ends at baseline + performance * (target - baseline).
        start_level = base if base is not None else 0.0
        total = start_level + kpi.performance * (kpi.target - start_level)
        weights = [SEASON[d.month - 1] for d in ends]
        share = total / sum(weights)
        values = [w * share * (1 + rng.gauss(0, kpi.noise)) for w in weights]
    else:
        start_level = base if base is not None else kpi.target * 0.9
        end_level = start_level + kpi.performance * (kpi.target - start_level)
        scale = abs(end_level) or 1.0
        for i, s in enumerate(season):
            if kpi.aggregation == "last":
                level = start_level + (end_level - start_level) * (i + 1) / n
            else:
                level = end_level
            values.append(level * s + rng.gauss(0, kpi.noise) * scale)
    rounded = [round(v, kpi.decimals) for v in values]
    if kpi.decimals == 0:
        rounded = [float(int(v)) for v in rounded]
    return list(zip(ends, rounded))


# ---------------------------------------------------------------- records

def kpi_record(kpi: SampleKpi, department: SampleDepartment, language: object = Language.EN) -> KpiRecord:
    """Return the KPI's definition as a record in ``language`` (canonical vocabulary)."""
    return KpiRecord(
        kpi_id=kpi.kpi_id,
        name=kpi.name.get(language),
        level=department.level,
        parent_id=kpi.parent_id,
        department=department.name.get(language),
        owner=kpi.owner,
        unit=kpi.unit.get(language),
        direction=kpi.direction,
        aggregation=kpi.aggregation,
        frequency=kpi.frequency,
        baseline=kpi.baseline,
        target=kpi.target,
        tolerance=kpi.tolerance,
        start=FISCAL_START,
        deadline=FISCAL_END,
        weight=kpi.weight,
        data_source=kpi.data_source.get(language),
        specific=kpi.specific.get(language),
        measurable=kpi.measurable.get(language),
        attainable=kpi.attainable.get(language),
        relevant=kpi.relevant.get(language),
    )


_NOTES = {
    11: T("Black Friday week included", "Inkl. Black Friday-ugen"),
    12: T("Christmas season", "Julesæson"),
    7: T("Summer holiday", "Sommerferie"),
}


def measurement_records(kpi: SampleKpi, department: SampleDepartment, language: object = Language.EN,
                        seed: int = 2025) -> list[MeasurementRecord]:
    """Return the KPI's measurements; the late department's stop at its last submission."""
    records = []
    noted: set[int] = set()
    for period_end, value in generate_values(kpi, seed):
        if department.key == LATE_DEPARTMENT and period_end > LATE_CUTOFF:
            continue
        note = None
        if period_end.month in _NOTES and period_end.month not in noted:
            noted.add(period_end.month)
            note = _NOTES[period_end.month].get(language)
        records.append(MeasurementRecord(kpi_id=kpi.kpi_id, period_end=period_end, value=value,
                                         entered_by=kpi.owner, note=note))
    return records


def department_data(department: SampleDepartment, language: object = Language.EN,
                    seed: int = 2025) -> DepartmentData:
    """Return one department's KPI and measurement records in ``language``."""
    return DepartmentData(
        key=department.key,
        department=department.name.get(language),
        owner=department.owner,
        kpis=[kpi_record(k, department, language) for k in department.kpis],
        measurements=[m for k in department.kpis for m in measurement_records(k, department, language, seed)],
    )


def company(language: object = Language.EN, seed: int = 2025) -> list[DepartmentData]:
    """Return the whole sample company: management first, then the departments."""
    language = Language.parse(language)
    return [department_data(d, language, seed) for d in DEPARTMENTS]


def evaluation_records(final_actuals: dict[str, float | None],
                       language: object = Language.EN) -> list[EvaluationRecord]:
    """Return the management's example decisions, new targets derived from the final actuals.

    A new target is the final actual times the example's factor, rounded to the
    KPI's precision, so an adjusted target is always beyond the new baseline.
    """
    decimals = {k.kpi_id: k.decimals for k in MANAGEMENT.kpis}
    records = []
    for kpi_id, (decision, factor, note) in EVALUATION_EXAMPLE.items():
        new_target = None
        final = final_actuals.get(kpi_id)
        if decision == "adjust" and factor is not None and final is not None:
            new_target = round(final * factor, decimals[kpi_id])
        records.append(EvaluationRecord(kpi_id=kpi_id, decision=decision, new_target=new_target,
                                        notes=note.get(language)))
    return records


# What the departments say about their KPIs off plan at the year end (the Commentary sheet): why, and
# what will be done, by whom and by when. Customer Service, which stopped reporting, says nothing.
COMMENTARY_EXAMPLE: dict[str, tuple[Text, Text, date]] = {
    "MGT-02": (T("Slower answers in the Christmas peak pulled the score down.",
                 "Langsommere svar i julespidsen trak scoren ned."),
               T("Temporary staff in customer service from November next year.",
                 "Midlertidigt personale i kundeservice fra november næste år."), date(2026, 1, 31)),
    "MGT-03": (T("The new checkout launched in October instead of April.",
                 "Det nye checkout kom i oktober i stedet for april."),
               T("Remove the last extra step of the checkout.", "Fjern det sidste ekstra trin i checkout."),
               date(2026, 2, 28)),
    "MGT-04": (T("The loyalty club grows more slowly than planned.", "Kundeklubben vokser langsommere end planlagt."),
               T("Welcome offer to first-time buyers.", "Velkomsttilbud til førstegangskøbere."), date(2026, 1, 31)),
    "SAL-02": (T("More small orders in the Christmas rush.", "Flere små ordrer i julehandlen."),
               T("Free shipping only from 499 DKK.", "Fri fragt først fra 499 kr."), date(2026, 1, 15)),
    "MKT-03": (T("Mobile visitors leave at the payment step.", "Mobilbesøgende falder fra ved betalingen."),
               T("Add MobilePay to the checkout.", "Tilføj MobilePay i checkout."), date(2026, 2, 15)),
    "MKT-04": (T("A Google update moved two category pages down.", "En Google-opdatering flyttede to kategorisider ned."),
               T("Rewrite the two category pages.", "Omskriv de to kategorisider."), date(2026, 1, 31)),
}


def comment_records(data: DepartmentData, language: object = Language.EN) -> list[CommentRecord]:
    """Return the department's Commentary: a comment and an open action for each of its KPIs off plan at year end.

    Each explains the KPI's latest measured period; the action's owner is the KPI's owner.
    """
    language = Language.parse(language)
    latest: dict[str, date] = {}
    for m in data.measurements:
        if m.period_end <= AS_OF:
            latest[m.kpi_id] = max(latest.get(m.kpi_id, m.period_end), m.period_end)
    records = []
    for kpi in data.kpis:
        said = COMMENTARY_EXAMPLE.get(kpi.kpi_id)
        if said is None or kpi.kpi_id not in latest:
            continue
        comment, action, due = said
        records.append(CommentRecord(kpi.kpi_id, latest[kpi.kpi_id], comment.get(language), action.get(language),
                                     kpi.owner, due, core.OPEN, kpi.owner))
    return records


def sample_kpi(kpi_id: str) -> SampleKpi:
    """Return the sample KPI with ``kpi_id``."""
    for department in DEPARTMENTS:
        for kpi in department.kpis:
            if kpi.kpi_id == kpi_id:
                return kpi
    raise KeyError(kpi_id)


__all__ = ["AS_OF", "FISCAL_START", "FISCAL_END", "LATE_DEPARTMENT", "LATE_CUTOFF", "DEPARTMENTS", "MANAGEMENT",
           "SALES", "MARKETING", "CUSTOMER_SERVICE", "SampleKpi", "SampleDepartment", "DepartmentData", "Text",
           "company", "department_data", "evaluation_records", "generate_values", "sample_kpi", "comment_records",
           "COMMENTARY_EXAMPLE"]
