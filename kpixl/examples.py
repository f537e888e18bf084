"""Own the example KPI set: the common marketing and sales KPIs as complete SMART definitions.

``kpixl template --examples`` fills these in, and the demo reuses them. Each
example has a name, owner, unit, direction, aggregation, frequency, baseline,
target, start, deadline, data source and the four SMART texts (Specific,
Measurable, Attainable, Relevant; Time-bound is the start and deadline), in
English or Danish. Rates are fractions (0.021 is 2.1 %), shown with % formats.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kpixl import core
from kpixl.model import KpiRecord, PhasingRecord
from kpixl.vocab import Language


@dataclass(frozen=True)
class _Example:
    code: str
    level: str
    parent: str | None
    unit: str
    direction: str
    aggregation: str
    frequency: str
    baseline: float
    target: float
    tolerance: float | None
    owner_en: str
    owner_da: str
    # name, data source, specific, measurable, attainable, relevant
    en: tuple[str, str, str, str, str, str]
    da: tuple[str, str, str, str, str, str]


_EXAMPLES = (
    _Example("REV-01", "high", None, "DKK", core.INCREASE, core.SUM, "monthly", 12_000_000, 13_200_000, None,
             "Sales director", "Salgsdirektør",
             ("Revenue growth", "ERP: invoiced revenue excl. VAT",
              "Grow invoiced revenue by 10% over last year's DKK 12.0m.",
              "Sum of monthly invoiced revenue excl. VAT, from the ERP month-end report.",
              "Last year grew 7%; new webshop and two new sales reps add capacity.",
              "Revenue growth is the company's first strategic goal."),
             ("Omsætningsvækst", "ERP: faktureret omsætning ekskl. moms",
              "Øg den fakturerede omsætning med 10% i forhold til sidste års 12,0 mio. kr.",
              "Summen af månedlig faktureret omsætning ekskl. moms fra ERP's månedsrapport.",
              "Sidste år voksede vi 7%; ny webshop og to nye sælgere giver kapacitet.",
              "Omsætningsvækst er virksomhedens første strategiske mål.")),
    _Example("SAL-02", "low", "REV-01", "count", core.INCREASE, core.SUM, "monthly", 2_400, 2_640, None,
             "Head of sales", "Salgschef",
             ("Number of sales", "CRM: won orders",
              "Win 10% more orders than last year's 2,400.",
              "Count of orders marked won in the CRM per month.",
              "Lead volume grows 15%; conversion is stable.",
              "More orders drive revenue growth (REV-01)."),
             ("Antal salg", "CRM: vundne ordrer",
              "Vind 10% flere ordrer end sidste års 2.400.",
              "Antal ordrer markeret vundet i CRM pr. måned.",
              "Antallet af leads vokser 15%; konverteringen er stabil.",
              "Flere ordrer driver omsætningsvæksten (REV-01).")),
    _Example("SAL-03", "low", "REV-01", "DKK", core.INCREASE, core.AVERAGE, "monthly", 5_000, 5_250, None,
             "Head of sales", "Salgschef",
             ("Average order value", "ERP: revenue / orders per month",
              "Raise the average order value by 5% from DKK 5,000 through bundles and upselling.",
              "Monthly revenue excl. VAT divided by the month's number of orders; the year's figure is "
              "the average of the months.",
              "Bundles launched in Q1 lifted order value 4% in the pilot shop.",
              "A higher order value grows revenue without more leads (REV-01)."),
             ("Gennemsnitlig ordreværdi", "ERP: omsætning / ordrer pr. måned",
              "Hæv den gennemsnitlige ordreværdi 5% fra 5.000 kr. med pakker og mersalg.",
              "Månedens omsætning ekskl. moms delt med månedens antal ordrer; årets tal er "
              "gennemsnittet af månederne.",
              "Pakketilbud i 1. kvartal løftede ordreværdien 4% i pilotbutikken.",
              "En højere ordreværdi øger omsætningen uden flere leads (REV-01).")),
    _Example("MKT-04", "low", "REV-01", "count", core.INCREASE, core.SUM, "monthly", 3_600, 4_200, None,
             "Marketing manager", "Marketingchef",
             ("Leads", "CRM: new marketing-qualified leads",
              "Generate 4,200 marketing-qualified leads this year (last year 3,600).",
              "Count of new leads marked marketing-qualified in the CRM per month.",
              "Two more campaigns and the new download offers add about 50 leads a month.",
              "Leads feed the sales pipeline (SAL-02, REV-01)."),
             ("Leads", "CRM: nye marketingkvalificerede leads",
              "Skab 4.200 marketingkvalificerede leads i år (sidste år 3.600).",
              "Antal nye leads markeret marketingkvalificeret i CRM pr. måned.",
              "To ekstra kampagner og nye downloadtilbud giver omkring 50 leads mere om måneden.",
              "Leads fodrer salgspipelinen (SAL-02, REV-01).")),
    _Example("MKT-05", "low", "REV-01", "%", core.INCREASE, core.LAST, "monthly", 0.020, 0.021, None,
             "Marketing manager", "Marketingchef",
             ("Conversion rate from search", "Web analytics: orders / sessions from organic search",
              "Raise the conversion rate of visitors from search by 5% (from 2.0% to 2.1%).",
              "Orders divided by sessions from organic search, last full month, in web analytics.",
              "A/B tests of landing pages gained 0.1 points last year.",
              "Search visitors are the largest webshop segment; conversion turns them into sales."),
             ("Konverteringsrate fra søgning", "Webanalyse: ordrer / sessioner fra organisk søgning",
              "Hæv konverteringsraten for besøgende fra søgning med 5% (fra 2,0% til 2,1%).",
              "Ordrer delt med sessioner fra organisk søgning, seneste hele måned, i webanalysen.",
              "A/B-test af landingssider gav 0,1 procentpoint sidste år.",
              "Besøgende fra søgning er webshoppens største segment; konvertering gør dem til salg.")),
    _Example("WEB-06", "low", "REV-01", "visitors", core.INCREASE, core.SUM, "monthly", 480_000, 540_000, None,
             "Web manager", "Webansvarlig",
             ("Webshop visitors", "Web analytics: unique visitors",
              "Attract 540,000 webshop visitors this year (last year 480,000).",
              "Monthly unique visitors to the webshop in web analytics, summed over the year.",
              "Search visibility work and campaigns grew traffic 9% last year.",
              "Visitors are the top of the webshop funnel (REV-01)."),
             ("Besøgende i webshoppen", "Webanalyse: unikke besøgende",
              "Tiltræk 540.000 besøgende til webshoppen i år (sidste år 480.000).",
              "Månedlige unikke besøgende i webshoppen i webanalysen, summeret over året.",
              "Arbejdet med synlighed og kampagner øgede trafikken 9% sidste år.",
              "Besøgende er toppen af webshoppens tragt (REV-01).")),
    _Example("WEB-07", "low", "MKT-04", "downloads", core.INCREASE, core.SUM, "monthly", 6_000, 7_200, None,
             "Content editor", "Indholdsredaktør",
             ("Downloads", "Web analytics: completed download forms",
              "Get 7,200 downloads of guides and price lists (+20%).",
              "Count of completed download forms per month in web analytics.",
              "Three new guides are planned; each old guide brings about 100 downloads a month.",
              "Downloads capture contact details and create leads (MKT-04)."),
             ("Downloads", "Webanalyse: udfyldte downloadformularer",
              "Opnå 7.200 downloads af guides og prislister (+20%).",
              "Antal udfyldte downloadformularer pr. måned i webanalysen.",
              "Tre nye guides er planlagt; hver gammel guide giver omkring 100 downloads om måneden.",
              "Downloads giver kontaktoplysninger og skaber leads (MKT-04).")),
    _Example("SEO-08", "low", "WEB-06", "%", core.INCREASE, core.LAST, "weekly", 0.18, 0.22, None,
             "SEO specialist", "SEO-specialist",
             ("Search visibility", "SEO tool: visibility share for the 200 tracked keywords",
              "Raise our visibility share on the 200 tracked keywords from 18% to 22%.",
              "The SEO tool's weekly visibility share for the tracked keyword set; latest week counts.",
              "The content plan covers the 40 keywords where we rank on page two.",
              "Visibility brings webshop visitors from search (WEB-06)."),
             ("Synlighed i søgning", "SEO-værktøj: synlighedsandel for de 200 fulgte søgeord",
              "Hæv vores synlighedsandel på de 200 fulgte søgeord fra 18% til 22%.",
              "SEO-værktøjets ugentlige synlighedsandel for søgeordene; seneste uge tæller.",
              "Indholdsplanen dækker de 40 søgeord hvor vi ligger på side to.",
              "Synlighed giver besøgende fra søgning (WEB-06).")),
    _Example("WEB-09", "low", "WEB-06", "page views", core.INCREASE, core.SUM, "monthly", 1_900_000, 2_100_000,
             None, "Web manager", "Webansvarlig",
             ("Page views", "Web analytics: page views",
              "Reach 2.1m page views on the website this year (last year 1.9m).",
              "Monthly page views in web analytics, summed over the year.",
              "More visitors and better internal links add about 10%.",
              "Page views show engagement with our content and products."),
             ("Sidevisninger", "Webanalyse: sidevisninger",
              "Nå 2,1 mio. sidevisninger på hjemmesiden i år (sidste år 1,9 mio.).",
              "Månedlige sidevisninger i webanalysen, summeret over året.",
              "Flere besøgende og bedre interne links giver omkring 10%.",
              "Sidevisninger viser engagement i vores indhold og produkter.")),
    _Example("CUS-10", "low", "CUS-11", "%", core.INCREASE, core.LAST, "monthly", 0.32, 0.35, None,
             "Customer service lead", "Kundeservicechef",
             ("Returning customers", "ERP: share of orders from customers with an earlier order",
              "Raise the share of orders from returning customers from 32% to 35%.",
              "Orders from customers with an earlier order divided by all orders, last full month.",
              "The new loyalty mail flow lifted the share 2 points in its pilot.",
              "Returning customers cost less to win and show satisfaction (CUS-11)."),
             ("Tilbagevendende kunder", "ERP: andel af ordrer fra kunder med en tidligere ordre",
              "Hæv andelen af ordrer fra tilbagevendende kunder fra 32% til 35%.",
              "Ordrer fra kunder med en tidligere ordre delt med alle ordrer, seneste hele måned.",
              "Det nye loyalitetsflow af mails løftede andelen 2 point i piloten.",
              "Tilbagevendende kunder er billigere at vinde og viser tilfredshed (CUS-11).")),
    _Example("CUS-11", "high", None, "score 1-5", core.MAINTAIN, core.AVERAGE, "quarterly", 4.5, 4.5, 0.2,
             "Customer service lead", "Kundeservicechef",
             ("Customer satisfaction", "Survey tool: post-purchase survey, average score 1-5",
              "Keep customer satisfaction at 4.5 of 5 (within 0.2) while we grow.",
              "Average score of the post-purchase survey per quarter, at least 300 answers a quarter.",
              "We scored 4.4 to 4.6 in the last eight quarters.",
              "Satisfied customers come back and recommend us; growth must not cost quality."),
             ("Kundetilfredshed", "Spørgeskemaværktøj: undersøgelse efter køb, gennemsnitlig score 1-5",
              "Fasthold kundetilfredsheden på 4,5 af 5 (inden for 0,2) mens vi vokser.",
              "Gennemsnitlig score i undersøgelsen efter køb pr. kvartal, mindst 300 svar pr. kvartal.",
              "Vi scorede 4,4 til 4,6 i de seneste otte kvartaler.",
              "Tilfredse kunder kommer igen og anbefaler os; vækst må ikke koste kvalitet.")),
)


def default_period(start: date | None = None, deadline: date | None = None,
                   today: date | None = None) -> tuple[date, date]:
    """Return (start, deadline): the given dates, else the current calendar year.

    Only a start gives a one-year period from it; only a deadline, the year up to it.
    """
    today = today or date.today()
    if start is None and deadline is None:
        return date(today.year, 1, 1), date(today.year, 12, 31)
    if deadline is None:
        assert start is not None
        try:
            deadline = start.replace(year=start.year + 1)
        except ValueError:  # 29 February
            deadline = start.replace(year=start.year + 1, day=28)
        deadline = date.fromordinal(deadline.toordinal() - 1)
    elif start is None:
        try:
            start = deadline.replace(year=deadline.year - 1)
        except ValueError:
            start = deadline.replace(year=deadline.year - 1, day=28)
        start = date.fromordinal(start.toordinal() + 1)
    return start, deadline


def example_kpis(language: object = Language.EN, owner: str | None = None, department: str | None = None,
                 start: date | None = None, deadline: date | None = None, id_prefix: str = "") -> list[KpiRecord]:
    """Return the example KPIs as records (canonical vocabulary) in ``language``.

    ``owner`` replaces every example's role owner; ``id_prefix`` is put before every
    KPI ID and parent ID (the demo keeps IDs unique across departments with it). An
    unknown ``language`` raises DefinitionError (:meth:`Language.parse`).
    """
    language = Language.parse(language)
    start, deadline = default_period(start, deadline)
    records = []
    for ex in _EXAMPLES:
        # An example's fields are named by Language's values: en/da, owner_en/owner_da.
        name, source, specific, measurable, attainable, relevant = getattr(ex, language.value)
        records.append(KpiRecord(
            kpi_id=id_prefix + ex.code,
            name=name,
            level=ex.level,
            parent_id=(id_prefix + ex.parent) if ex.parent else None,
            department=department,
            owner=owner or getattr(ex, f"owner_{language.value}"),
            unit=_UNITS[language].get(ex.unit, ex.unit),
            direction=ex.direction,
            aggregation=ex.aggregation,
            frequency=ex.frequency,
            baseline=float(ex.baseline),
            target=float(ex.target),
            tolerance=ex.tolerance,
            start=start,
            deadline=deadline,
            green=core.DEFAULT_GREEN,
            amber=core.DEFAULT_AMBER,
            weight=1.0,
            data_source=source,
            specific=specific,
            measurable=measurable,
            attainable=attainable,
            relevant=relevant,
            phasing=_PHASED.get(ex.code, {}).get(language),
            weights=RETAIL_WEIGHTS if ex.code in _PHASED else None,
        ))
    return records


# The example phasing profiles (docs/kpi-semantics.md, "Phasing"), per language: a
# linear-by-month one (every month the same share, whatever its length) and a retail
# one (percent of the year's sales by month; Q4 brings 38%).
LINEAR_BY_MONTH = {Language.EN: "Linear by month", Language.DA: "Lige pr. måned"}
RETAIL_SEASONAL = {Language.EN: "Retail seasonal", Language.DA: "Detail sæson"}
RETAIL_WEIGHTS = (6.0, 6.0, 7.0, 7.0, 8.0, 7.0, 6.0, 7.0, 8.0, 10.0, 12.0, 16.0)
# The example KPIs whose plan follows a profile: revenue is seasonal.
_PHASED = {"REV-01": RETAIL_SEASONAL}


def example_profiles(language: object = Language.EN) -> list[PhasingRecord]:
    """Return the example phasing profiles, named in ``language``."""
    language = Language.parse(language)
    return [PhasingRecord(LINEAR_BY_MONTH[language], (1.0,) * 12),
            PhasingRecord(RETAIL_SEASONAL[language], RETAIL_WEIGHTS)]


_UNITS_DA = {"DKK": "kr.", "count": "antal", "visitors": "besøgende", "downloads": "downloads",
             "page views": "sidevisninger", "score 1-5": "score 1-5"}
# An example's unit in each language: English is the example's own.
_UNITS: dict[Language, dict[str, str]] = {Language.EN: {}, Language.DA: _UNITS_DA}
