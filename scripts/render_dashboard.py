"""Render the example workbook's Dashboard to a PNG for the docs (docs/dashboard.png).

Run: ``python scripts/render_dashboard.py [--lang en|da] [--out docs/dashboard.png]``.
It writes the example KPIs (``write_template(examples=True, formulas="native")``) with
a fixed As-of date and half a year of plausible measurements chosen so the statuses
vary (on track, at risk, off track, no data, not started), lets a headless
LibreOffice recalculate it and export it to PDF with one page per sheet, and turns
the Dashboard's page into a PNG with ``pdftoppm`` (Debian/Ubuntu: poppler-utils).
It prints the KPIs with the status LibreOffice computed beside the core's.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
from calendar import monthrange
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the LibreOffice harness lives with the tests

import libreoffice  # noqa: E402
import openpyxl  # noqa: E402

from kpixl import core, examples, schema  # noqa: E402
from kpixl.model import KpiRecord, MeasurementRecord  # noqa: E402
from kpixl.template import write_template  # noqa: E402

START, DEADLINE, AS_OF = date(2026, 1, 1), date(2026, 12, 31), date(2026, 6, 30)
# Attainment each example KPI should show as of AS_OF (None: nothing reported yet).
# Chosen to tell a story: sales beat plan, conversion and visibility lag, page views unreported.
STORY = {
    "REV-01": 1.06, "SAL-02": 0.91, "SAL-03": 1.02, "MKT-04": 0.78, "MKT-05": 0.55, "WEB-06": 0.97,
    "WEB-07": 1.15, "SEO-08": 0.62, "WEB-09": None, "CUS-10": 0.88, "CUS-11": 0.95,
}
PDF_ONE_PAGE_PER_SHEET = 'pdf:calc_pdf_Export:{"SinglePageSheets":{"type":"boolean","value":"true"}}'


def period_ends(frequency: str, start: date, as_of: date) -> list[date]:
    """Return the period ends of ``frequency`` from ``start`` up to ``as_of``."""
    ends: list[date] = []
    if frequency == "weekly":
        day = start + timedelta(days=(6 - start.weekday()) % 7)  # Sundays
        while day <= as_of:
            ends.append(day)
            day += timedelta(days=7)
        return ends
    step = {"monthly": 1, "quarterly": 3, "yearly": 12}[frequency]
    month = start.month + step - 1
    year = start.year
    while True:
        year_, month_ = year + (month - 1) // 12, (month - 1) % 12 + 1
        end = date(year_, month_, monthrange(year_, month_)[1])
        if end > as_of:
            return ends
        ends.append(end)
        month += step


def story_measurements(kpi: KpiRecord, wanted: float | None, rng: random.Random) -> list[MeasurementRecord]:
    """Return measurements of ``kpi`` whose actual as of AS_OF gives about the ``wanted`` attainment."""
    if wanted is None:
        return []
    d = kpi.definition()
    ends = period_ends(kpi.frequency or "monthly", d.start or START, AS_OF)
    f = core.elapsed_fraction(d.start, d.deadline, AS_OF)
    if d.direction == core.MAINTAIN:
        goal = d.target - (1 - wanted) * core.maintain_tolerance(d.target, d.tolerance)
    else:
        zero, planned = core.zero_and_plan(d.target, d.baseline, d.direction, f, d.aggregation)
        goal = zero + wanted * (planned - zero)
    n = len(ends)
    wobble = [1 + rng.uniform(-0.04, 0.04) for _ in ends]
    if d.aggregation == core.SUM:
        raw = [w * (1 + 0.05 * i / n) for i, w in enumerate(wobble)]
        values = [goal * r / sum(raw) for r in raw]
    elif d.aggregation == core.AVERAGE:
        start_level = d.baseline if d.baseline is not None else goal
        raw = [(start_level + (goal - start_level) * (i + 1) / n) * w for i, w in enumerate(wobble)]
        values = [v + goal - sum(raw) / n for v in raw]
    else:  # a level: climb from the baseline towards the goal, the last value is the goal
        start_level = d.baseline if d.baseline is not None else goal * 0.9
        values = [(start_level + (goal - start_level) * (i + 1) / n) * w for i, w in enumerate(wobble)]
        values[-1] = goal
    digits = 4 if abs(d.target) < 10 else 0
    return [MeasurementRecord(kpi_id=kpi.kpi_id, period_end=p, value=round(v, digits), entered_by=kpi.owner)
            for p, v in zip(ends, values)]


def not_started_kpi(language: str) -> KpiRecord:
    """Return a Q4 campaign KPI that starts after AS_OF (status Not started)."""
    name = "Christmas campaign sign-ups" if language == "en" else "Tilmeldinger til julekampagne"
    owner = "Marketing manager" if language == "en" else "Marketingchef"
    return KpiRecord(kpi_id="MKT-12", name=name, level="low", parent_id="MKT-04", owner=owner,
                     unit="count", direction=core.INCREASE, aggregation=core.SUM, frequency="weekly",
                     baseline=800, target=1000, start=date(2026, 10, 1), deadline=DEADLINE)


def build_workbook(path: Path, language: str) -> tuple[list[KpiRecord], list[MeasurementRecord]]:
    """Write the example workbook to ``path``; return its KPIs and measurements."""
    rng = random.Random(2026)
    kpis = examples.example_kpis(language, start=START, deadline=DEADLINE) + [not_started_kpi(language)]
    measurements = [m for k in kpis for m in story_measurements(k, STORY.get(k.kpi_id), rng)]
    department = "Marketing & Sales" if language == "en" else "Marketing og salg"
    # rows=1: the tables hold just the examples, so the Dashboard page has no empty tail.
    write_template(path, department=department, language=language, formulas="native", start=START,
                   deadline=DEADLINE, examples=True, rows=1, force=True, kpis=kpis[-1:],
                   measurements=measurements, as_of=AS_OF)
    return kpis, measurements


def dashboard_page(path: Path, language: str) -> int:
    """Return the 1-based PDF page of the Dashboard: one page per visible sheet, in tab order."""
    book = openpyxl.load_workbook(path, read_only=True)
    visible = [ws.title for ws in book.worksheets if ws.sheet_state == "visible"]
    book.close()
    return visible.index(schema.SHEET_DASHBOARD[language]) + 1


def render(out: Path, language: str, dpi: int, keep: Path | None) -> None:
    """Build, recalculate and render the Dashboard of the example workbook to ``out``."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        sys.exit("pdftoppm not found; install poppler-utils (apt-get install poppler-utils)")
    with tempfile.TemporaryDirectory(prefix="kpixl-render-") as temp:
        work = keep or Path(temp)
        work.mkdir(parents=True, exist_ok=True)
        source = work / f"dashboard-example-{language}.xlsx"
        kpis, measurements = build_workbook(source, language)
        profile = libreoffice.make_profile(Path(temp) / "profile")
        pdf = libreoffice.convert([source], work / "pdf", PDF_ONE_PAGE_PER_SHEET, profile=profile)[0]
        recalculated = libreoffice.recalculate(source, work / "recalculated", profile=profile)
        page = dashboard_page(source, language)
        out.parent.mkdir(parents=True, exist_ok=True)
        prefix = work / "page"
        subprocess.run([pdftoppm, "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile",
                        str(pdf), str(prefix)], check=True)
        shutil.copyfile(prefix.with_suffix(".png"), out)
        print_statuses(recalculated, kpis, measurements, language)
    print(f"\nwrote {out} (Dashboard = PDF page {page}, {dpi} dpi)")


def print_statuses(recalculated: Path, kpis: list[KpiRecord], measurements: list[MeasurementRecord],
                   language: str) -> None:
    """Print each KPI's attainment and status as LibreOffice computed them, beside the core's."""
    book = openpyxl.load_workbook(recalculated, data_only=True)
    rows = {r["kpi_id"]: r for r in libreoffice.read_table(book, schema.KPIS) if r["kpi_id"]}
    print("| KPI | attainment (LibreOffice) | status (LibreOffice) | status (core) |")
    print("| --- | ---: | --- | --- |")
    for k in kpis:
        series = [(m.period_end, m.value) for m in measurements if m.kpi_id == k.kpi_id]
        expected = core.word("status", core.evaluate(k.definition(), series, AS_OF).status, language)
        got = rows.get(k.kpi_id, {})
        att = got.get("attainment")
        shown = f"{att:.1%}" if isinstance(att, (int, float)) else ""
        print(f"| {k.kpi_id} | {shown} | {got.get('status')} | {expected} |")


def main() -> None:
    """Parse the arguments and render."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=schema.LANGUAGES, default="en")
    parser.add_argument("--out", type=Path, help="PNG to write (default docs/dashboard.png, -da for Danish)")
    parser.add_argument("--dpi", type=int, default=80)
    parser.add_argument("--keep", type=Path, help="keep the workbook and PDF in this folder")
    args = parser.parse_args()
    out = args.out or ROOT / "docs" / ("dashboard.png" if args.lang == "en" else f"dashboard-{args.lang}.png")
    render(out, args.lang, args.dpi, args.keep)


if __name__ == "__main__":
    main()
