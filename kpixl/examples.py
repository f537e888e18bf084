"""Own the example KPI set: the common marketing and sales KPIs as complete SMART definitions.

``kpixl template --examples`` fills these in, and the demo reuses them. Each
example has a name, owner, unit, direction, aggregation, frequency, baseline,
target, start, deadline, data source and the four SMART texts (Specific,
Measurable, Attainable, Relevant; Time-bound is the start and deadline), in any
registered language: the words are the catalogue's ``examples.<code>.<field>``, an
example's unit ``examples.unit.<unit>``. Rates are fractions (0.021 is 2.1 %), shown
with % formats.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kpixl import core, texts
from kpixl.model import KpiRecord, PhasingRecord
from kpixl.vocab import Language, PerLanguage


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
    # Its words (owner role, name, data source, SMART texts) are the catalogue's examples.<code>.<field>.

    def text(self, field: str, language: Language) -> str:
        return texts.text("examples", f"{self.code}.{field}", language)


_EXAMPLES = (
    _Example("REV-01", "high", None, "DKK", core.INCREASE, core.SUM, "monthly", 12_000_000, 13_200_000, None),
    _Example("SAL-02", "low", "REV-01", "count", core.INCREASE, core.SUM, "monthly", 2_400, 2_640, None),
    _Example("SAL-03", "low", "REV-01", "DKK", core.INCREASE, core.AVERAGE, "monthly", 5_000, 5_250, None),
    _Example("MKT-04", "low", "REV-01", "count", core.INCREASE, core.SUM, "monthly", 3_600, 4_200, None),
    _Example("MKT-05", "low", "REV-01", "%", core.INCREASE, core.LAST, "monthly", 0.020, 0.021, None),
    _Example("WEB-06", "low", "REV-01", "visitors", core.INCREASE, core.SUM, "monthly", 480_000, 540_000, None),
    _Example("WEB-07", "low", "MKT-04", "downloads", core.INCREASE, core.SUM, "monthly", 6_000, 7_200, None),
    _Example("SEO-08", "low", "WEB-06", "%", core.INCREASE, core.LAST, "weekly", 0.18, 0.22, None),
    _Example("WEB-09", "low", "WEB-06", "page views", core.INCREASE, core.SUM, "monthly", 1_900_000, 2_100_000,
             None),
    _Example("CUS-10", "low", "CUS-11", "%", core.INCREASE, core.LAST, "monthly", 0.32, 0.35, None),
    _Example("CUS-11", "high", None, "score 1-5", core.MAINTAIN, core.AVERAGE, "quarterly", 4.5, 4.5, 0.2),
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
        name, source, specific, measurable, attainable, relevant = (
            ex.text(field, language) for field in ("name", "data_source", "specific", "measurable", "attainable",
                                                   "relevant"))
        records.append(KpiRecord(
            kpi_id=id_prefix + ex.code,
            name=name,
            level=ex.level,
            parent_id=(id_prefix + ex.parent) if ex.parent else None,
            department=department,
            owner=owner or ex.text("owner", language),
            unit=texts.text("examples", f"unit.{ex.unit}", language),
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
            phasing=_PHASED[ex.code][language] if ex.code in _PHASED else None,
            weights=RETAIL_WEIGHTS if ex.code in _PHASED else None,
        ))
    return records


# The example phasing profiles (docs/kpi-semantics.md, "Phasing"), per language: a
# linear-by-month one (every month the same share, whatever its length) and a retail
# one (percent of the year's sales by month; Q4 brings 38%).
LINEAR_BY_MONTH = PerLanguage(lambda language: texts.text("examples", "profile.linear", language))
RETAIL_SEASONAL = PerLanguage(lambda language: texts.text("examples", "profile.retail", language))
RETAIL_WEIGHTS = (6.0, 6.0, 7.0, 7.0, 8.0, 7.0, 6.0, 7.0, 8.0, 10.0, 12.0, 16.0)
# The example KPIs whose plan follows a profile: revenue is seasonal.
_PHASED: dict[str, PerLanguage[str]] = {"REV-01": RETAIL_SEASONAL}


def example_profiles(language: object = Language.EN) -> list[PhasingRecord]:
    """Return the example phasing profiles, named in ``language``."""
    language = Language.parse(language)
    return [PhasingRecord(LINEAR_BY_MONTH[language], (1.0,) * 12),
            PhasingRecord(RETAIL_SEASONAL[language], RETAIL_WEIGHTS)]


