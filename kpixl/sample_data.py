"""Own the built-in sample company that ``kpixl demo`` runs the KPI cycle on.

"Nordlys Living", a small Danish webshop, has a management workbook with four
high-level KPIs and Sales, Marketing and Customer Service workbooks whose
low-level KPIs roll up to them (parent IDs and weights). Every KPI has one owner,
SMART texts in every language (the catalogue's ``sample.*``: units are kept as typed in the pseudo-locale), and a fiscal year (2025) of measurements:
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

from kpixl import core, texts
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

COMPANY = "Nordlys Living"  # a name: the same in every language

# Share of a normal month's activity per month: a summer dip and the Q4 peak
# (Black Friday in November, Christmas in December). Mean is 1.
SEASON = (0.90, 0.84, 0.93, 0.97, 1.00, 0.92, 0.78, 0.88, 0.98, 1.05, 1.30, 1.45)


@dataclass(frozen=True)
class Text:
    """Name one text of the sample company in the catalogue: ``sample.<key>``, in every language."""

    key: str

    def get(self, language: object) -> str:
        """Return the text in ``language`` (an unknown one raises DefinitionError, as Language.parse does)."""
        return texts.text("sample", self.key, language)


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
PCT = T("unit.percent")

MANAGEMENT = SampleDepartment(
    key="management", name=T("management.name"), owner="Mette Kjær", level="high",
    kpis=(
        SampleKpi(
            "MGT-01", T("MGT-01.name"), "Mette Kjær", PCT,
            "increase", "last", "monthly", baseline=0.04, target=0.10, decimals=4, performance=1.15,
            seasonal=0.0, noise=0.03,
            specific=T("MGT-01.specific"),
            measurable=T("MGT-01.measurable"),
            attainable=T("MGT-01.attainable"),
            relevant=T("MGT-01.relevant"),
            data_source=T("MGT-01.data_source")),
        SampleKpi(
            "MGT-02", T("MGT-02.name"), "Mette Kjær",
            T("MGT-02.unit"), "increase", "average", "monthly", baseline=7.8, target=8.5,
            decimals=2, performance=0.88, seasonal=-0.3, noise=0.012,
            specific=T("MGT-02.specific"),
            measurable=T("MGT-02.measurable"),
            attainable=T("MGT-02.attainable"),
            relevant=T("MGT-02.relevant"),
            data_source=T("MGT-02.data_source")),
        SampleKpi(
            "MGT-03", T("MGT-03.name"), "Mette Kjær", PCT,
            "increase", "average", "monthly", baseline=0.018, target=0.025, decimals=4, performance=0.3,
            seasonal=0.5, noise=0.03,
            specific=T("MGT-03.specific"),
            measurable=T("MGT-03.measurable"),
            attainable=T("MGT-03.attainable"),
            relevant=T("MGT-03.relevant"),
            data_source=T("MGT-03.data_source")),
        SampleKpi(
            "MGT-04", T("MGT-04.name"), "Mette Kjær", PCT,
            "increase", "last", "monthly", baseline=0.28, target=0.34, decimals=4, performance=0.97,
            seasonal=0.0, noise=0.006,
            specific=T("MGT-04.specific"),
            measurable=T("MGT-04.measurable"),
            attainable=T("MGT-04.attainable"),
            relevant=T("MGT-04.relevant"),
            data_source=T("MGT-04.data_source")),
    ),
)

SALES = SampleDepartment(
    key="sales", name=T("sales.name"), owner="Lars Mortensen",
    kpis=(
        SampleKpi(
            "SAL-01", T("SAL-01.name"), "Lars Mortensen", T("SAL-01.unit"),
            "increase", "sum", "monthly", baseline=38000, target=42000, parent_id="MGT-01", weight=2,
            performance=1.05, noise=0.04,
            specific=T("SAL-01.specific"),
            measurable=T("SAL-01.measurable"),
            attainable=T("SAL-01.attainable"),
            relevant=T("SAL-01.relevant"),
            data_source=T("SAL-01.data_source")),
        SampleKpi(
            "SAL-02", T("SAL-02.name"), "Sofie Lund", T("SAL-02.unit"),
            "increase", "average", "monthly", baseline=640, target=700, parent_id="MGT-01", weight=1,
            performance=0.9, seasonal=0.6, noise=0.008,
            specific=T("SAL-02.specific"),
            measurable=T("SAL-02.measurable"),
            attainable=T("SAL-02.attainable"),
            relevant=T("SAL-02.relevant"),
            data_source=T("SAL-02.data_source")),
        SampleKpi(
            "SAL-03", T("SAL-03.name"), "Sofie Lund", PCT,
            "increase", "last", "monthly", baseline=0.28, target=0.34, parent_id="MGT-04", weight=1,
            decimals=4, performance=1.0, seasonal=0.0, noise=0.006,
            specific=T("SAL-03.specific"),
            measurable=T("SAL-03.measurable"),
            attainable=T("SAL-03.attainable"),
            relevant=T("SAL-03.relevant"),
            data_source=T("SAL-03.data_source")),
    ),
)

MARKETING = SampleDepartment(
    key="marketing", name=T("marketing.name"), owner="Anders Holm",
    kpis=(
        SampleKpi(
            "MKT-01", T("MKT-01.name"), "Anders Holm",
            T("MKT-01.unit"), "increase", "sum", "weekly", baseline=1_900_000, target=2_200_000,
            parent_id="MGT-03", weight=1, performance=1.08, noise=0.06,
            specific=T("MKT-01.specific"),
            measurable=T("MKT-01.measurable"),
            attainable=T("MKT-01.attainable"),
            relevant=T("MKT-01.relevant"),
            data_source=T("MKT-01.data_source")),
        SampleKpi(
            "MKT-02", T("MKT-02.name"), "Camilla Dahl", T("MKT-02.unit"),
            "increase", "sum", "weekly", baseline=5200, target=6000, parent_id="MGT-01", weight=1,
            performance=1.0, noise=0.08,
            specific=T("MKT-02.specific"),
            measurable=T("MKT-02.measurable"),
            attainable=T("MKT-02.attainable"),
            relevant=T("MKT-02.relevant"),
            data_source=T("MKT-02.data_source")),
        SampleKpi(
            "MKT-03", T("MKT-03.name"), "Camilla Dahl", PCT,
            "increase", "average", "weekly", baseline=0.018, target=0.025, parent_id="MGT-03", weight=2,
            decimals=4, performance=0.25, seasonal=0.5, noise=0.05,
            specific=T("MKT-03.specific"),
            measurable=T("MKT-03.measurable"),
            attainable=T("MKT-03.attainable"),
            relevant=T("MKT-03.relevant"),
            data_source=T("MKT-03.data_source")),
        SampleKpi(
            "MKT-04", T("MKT-04.name"), "Jonas Friis", T("MKT-04.unit"),
            "increase", "last", "monthly", baseline=42, target=55, parent_id="MGT-03", weight=1,
            decimals=1, performance=0.88, seasonal=0.0, noise=0.01,
            specific=T("MKT-04.specific"),
            measurable=T("MKT-04.measurable"),
            attainable=T("MKT-04.attainable"),
            relevant=T("MKT-04.relevant"),
            data_source=T("MKT-04.data_source")),
        SampleKpi(
            "MKT-05", T("MKT-05.name"), "Jonas Friis", T("MKT-05.unit"),
            "increase", "sum", "monthly", target=9000, parent_id="MGT-01", weight=0.5,
            performance=1.02, noise=0.07,
            specific=T("MKT-05.specific"),
            measurable=T("MKT-05.measurable"),
            attainable=T("MKT-05.attainable"),
            relevant=T("MKT-05.relevant"),
            data_source=T("MKT-05.data_source")),
    ),
)

CUSTOMER_SERVICE = SampleDepartment(
    key="customer-service", name=T("customer-service.name"), owner="Ida Bach",
    kpis=(
        SampleKpi(
            "CS-01", T("CS-01.name"), "Ida Bach", T("CS-01.unit"),
            "increase", "average", "monthly", baseline=7.8, target=8.5, parent_id="MGT-02", weight=2,
            decimals=2, performance=0.9, seasonal=-0.3, noise=0.012,
            specific=T("CS-01.specific"),
            measurable=T("CS-01.measurable"),
            attainable=T("CS-01.attainable"),
            relevant=T("CS-01.relevant"),
            data_source=T("CS-01.data_source")),
        SampleKpi(
            "CS-02", T("CS-02.name"), "Mikkel Sørensen", T("CS-02.unit"),
            "decrease", "average", "weekly", baseline=24, target=8, parent_id="MGT-02", weight=1,
            decimals=1, performance=0.85, seasonal=0.6, noise=0.08,
            specific=T("CS-02.specific"),
            measurable=T("CS-02.measurable"),
            attainable=T("CS-02.attainable"),
            relevant=T("CS-02.relevant"),
            data_source=T("CS-02.data_source")),
        SampleKpi(
            "CS-03", T("CS-03.name"), "Mikkel Sørensen", PCT,
            "maintain", "last", "monthly", target=0.80, tolerance=0.05, parent_id="MGT-02", weight=1,
            decimals=3, seasonal=0.0, noise=0.02,
            specific=T("CS-03.specific"),
            measurable=T("CS-03.measurable"),
            attainable=T("CS-03.attainable"),
            relevant=T("CS-03.relevant"),
            data_source=T("CS-03.data_source")),
        SampleKpi(
            "CS-04", T("CS-04.name"), "Ida Bach", PCT,
            "decrease", "average", "monthly", baseline=0.020, target=0.015, parent_id="MGT-04", weight=1,
            decimals=4, performance=0.95, seasonal=0.0, noise=0.05,
            specific=T("CS-04.specific"),
            measurable=T("CS-04.measurable"),
            attainable=T("CS-04.attainable"),
            relevant=T("CS-04.relevant"),
            data_source=T("CS-04.data_source")),
    ),
)

DEPARTMENTS: tuple[SampleDepartment, ...] = (MANAGEMENT, SALES, MARKETING, CUSTOMER_SERVICE)

# The management's evaluation of the year, as an example of the evaluation phase:
# decision, how the new target is chosen (a factor on the final actual, rounded),
# and the note written beside it.
EVALUATION_EXAMPLE: dict[str, tuple[str, float | None, Text]] = {
    "MGT-01": ("adjust", 1.12, T("MGT-01.evaluation_note")),
    "MGT-02": ("keep", None, T("MGT-02.evaluation_note")),
    "MGT-03": ("adjust", 1.1, T("MGT-03.evaluation_note")),
    "MGT-04": ("retire", None, T("MGT-04.evaluation_note")),
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
    11: T("note.11"),
    12: T("note.12"),
    7: T("note.7"),
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
    "MGT-02": (T("MGT-02.comment"),
               T("MGT-02.action"), date(2026, 1, 31)),
    "MGT-03": (T("MGT-03.comment"),
               T("MGT-03.action"),
               date(2026, 2, 28)),
    "MGT-04": (T("MGT-04.comment"),
               T("MGT-04.action"), date(2026, 1, 31)),
    "SAL-02": (T("SAL-02.comment"),
               T("SAL-02.action"), date(2026, 1, 15)),
    "MKT-03": (T("MKT-03.comment"),
               T("MKT-03.action"), date(2026, 2, 15)),
    "MKT-04": (T("MKT-04.comment"),
               T("MKT-04.action"), date(2026, 1, 31)),
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
