"""Render the docs' pictures of the workbooks through LibreOffice (docs/dashboard.png and more).

Run: ``python scripts/render_dashboard.py [--lang en|da] [--out docs/dashboard.png]`` for
the Dashboard alone, ``--demo`` for the pictures of the demo's workbooks, ``--all`` for
both Dashboards (English and Danish) and the demo's pictures.

The Dashboard picture: it writes the example KPIs (``write_template(examples=True,
formulas="native")``) with a fixed As-of date and half a year of plausible measurements
chosen so the statuses vary (on track, at risk, off track, no data, not started), lets a
headless LibreOffice recalculate it and export it to PDF with one page per sheet, and
turns the Dashboard's page into a PNG with ``pdftoppm`` (Debian/Ubuntu: poppler-utils).
It prints the KPIs with the status LibreOffice computed beside the core's.

Every picture is exported by LibreOffice with its DEFAULT settings: a fresh user
profile that does not force recalculation on load (LibreOffice's default for Excel
files is not to recalculate them). So a picture shows the values kpixl cached in the
file, as Protected View and file previewers show them, not values LibreOffice
computed: the pictures prove the cached values. Beside each picture the script
recalculates the same workbook with the tests' recalculate-on-load profile and prints
every formula cell whose cached value differs from the recalculated one.

The demo's pictures (docs/guide.png, measurements.png, evaluation.png,
company-summary.png, company-history.png, company-kpis.png, next-period.png): it runs ``kpixl.demo.run_demo``
into a temporary folder, exports the workbooks the same way and cuts each picture out of
its sheet's page: the columns to show are found by their header text and the rows by the
lines of text, both from ``pdftotext -bbox``, so a cut never halves a word. Column ranges
left out are marked by a grey line. Pictures are written with numpy and zlib (no imaging
library needed); a picture showing ``###`` (a column too narrow) is reported.
"""

from __future__ import annotations

import argparse
import html
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the LibreOffice harness lives with the tests

import libreoffice  # noqa: E402
import numpy as np  # noqa: E402
import openpyxl  # noqa: E402

from kpixl import consolidate, core, demo, examples, schema  # noqa: E402
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

# A LibreOffice profile with the default settings: only the first-start dialogs are
# switched off (they do not touch calculation). Recalculation on load stays at
# LibreOffice's default, so the export shows the values cached in the file.
_DEFAULT_REGISTRY = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Misc">
 <prop oor:name="FirstRun" oor:op="fuse"><value>false</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc">
 <prop oor:name="ShowTipOfTheDay" oor:op="fuse"><value>false</value></prop></item>
</oor:items>
"""


def default_profile(directory: Path) -> Path:
    """Create a LibreOffice user profile with the default calculation settings in ``directory``."""
    user = directory / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(_DEFAULT_REGISTRY, encoding="utf-8")
    return directory


def _same(cached, computed) -> bool:
    """Return whether a cached cell value equals LibreOffice's (numbers to 1e-9, text exactly)."""
    if cached in (None, "") and computed in (None, ""):
        return True
    number = (int, float)
    if isinstance(cached, number) and isinstance(computed, number) and not isinstance(cached, bool):
        return abs(float(cached) - float(computed)) <= 1e-9 * max(1.0, abs(float(computed)))
    return cached == computed


def cached_differences(source: Path, recalculated: Path, limit: int = 10) -> tuple[int, int, list[str]]:
    """Return the formula cells compared, how many cache another value than LibreOffice computes, and
    the first ``limit`` of those, each as ``Sheet!A1: cached X, LibreOffice Y``.

    A cell LibreOffice's saved copy leaves out (it drops the empty rows of a long table past
    about row 1,000) cannot be compared and is not counted.
    """
    formulas = openpyxl.load_workbook(source, read_only=True)
    cached = openpyxl.load_workbook(source, read_only=True, data_only=True)
    computed = openpyxl.load_workbook(recalculated, read_only=True, data_only=True)
    count, wrong, differences = 0, 0, []
    for ws in formulas.worksheets:
        values = {(c.row, c.column): c.value for row in cached[ws.title].iter_rows() for c in row
                  if getattr(c, "row", None)}
        again = {(c.row, c.column): c.value for row in computed[ws.title].iter_rows() for c in row
                 if getattr(c, "row", None)}
        for row in ws.iter_rows():
            for cell in row:
                if not (isinstance(cell.value, str) and cell.value.startswith("=")):
                    continue
                key = (cell.row, cell.column)
                if key not in again:
                    continue
                count += 1
                if _same(values.get(key), again.get(key)):
                    continue
                wrong += 1
                if len(differences) < limit:
                    differences.append(f"{ws.title}!{cell.coordinate}: cached {values.get(key)!r}, "
                                       f"LibreOffice {again.get(key)!r}")
    for book in (formulas, cached, computed):
        book.close()
    return count, wrong, differences


def report_cache(name: str, source: Path, recalculated: Path) -> None:
    """Print whether every cached formula value of ``source`` equals LibreOffice's recalculation."""
    count, wrong, differences = cached_differences(source, recalculated)
    if not wrong:
        print(f"  {name}: all {count} formula cells LibreOffice's copy holds cache the value it computes")
        return
    print(f"  {name}: {wrong} of {count} formula cells cache another value than LibreOffice computes; the first:")
    for line in differences:
        print(f"    {line}")


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
    f = d.phase(AS_OF)  # Φ: a phased KPI (REV-01) plans by its profile
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
        pdf = libreoffice.convert([source], work / "pdf", PDF_ONE_PAGE_PER_SHEET,
                                  profile=default_profile(Path(temp) / "default-profile"))[0]
        recalculated = libreoffice.recalculate(source, work / "recalculated",
                                               profile=libreoffice.make_profile(Path(temp) / "profile"))
        page = dashboard_page(source, language)
        out.parent.mkdir(parents=True, exist_ok=True)
        prefix = work / "page"
        subprocess.run([pdftoppm, "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile",
                        str(pdf), str(prefix)], check=True)
        shutil.copyfile(prefix.with_suffix(".png"), out)
        print_statuses(source, recalculated, kpis, measurements, language)
        report_cache(source.name, source, recalculated)
    print(f"\nwrote {out} (Dashboard = PDF page {page}, {dpi} dpi, LibreOffice's default settings)")


def print_statuses(source: Path, recalculated: Path, kpis: list[KpiRecord], measurements: list[MeasurementRecord],
                   language: str) -> None:
    """Print each KPI's status as cached in the file (what the picture shows), LibreOffice's and the core's."""
    def rows(path: Path) -> dict:
        book = openpyxl.load_workbook(path, data_only=True)
        return {r["kpi_id"]: r for r in libreoffice.read_table(book, schema.KPIS) if r["kpi_id"]}

    cached, computed = rows(source), rows(recalculated)
    print("| KPI | attainment (LibreOffice) | status (cached) | status (LibreOffice) | status (core) |")
    print("| --- | ---: | --- | --- | --- |")
    for k in kpis:
        series = [(m.period_end, m.value) for m in measurements if m.kpi_id == k.kpi_id]
        expected = core.word("status", core.evaluate(k.definition(), series, AS_OF).status, language)
        got = computed.get(k.kpi_id, {})
        att = got.get("attainment")
        shown = f"{att:.1%}" if isinstance(att, (int, float)) else ""
        print(f"| {k.kpi_id} | {shown} | {cached.get(k.kpi_id, {}).get('status')} | {got.get('status')} "
              f"| {expected} |")


# ------------------------------------------------------------------ the demo's pictures

ALL_ROWS = 10**6  # Shot.rows: every line of text on the page


@dataclass(frozen=True)
class Shot:
    """Describe one picture of a demo workbook: the sheet, and the part of its page to keep."""

    file: str  # PNG name in the docs folder
    workbook: str  # key of kpixl.demo.demo_paths(): a department key, "company" or "next-period"
    sheet: str  # English sheet name
    # Header keys of the column ranges to keep, each [first, stop) (stop None: to the right edge);
    # () keeps the page's full width. Keys are resolved to header text through ``table``.
    columns: tuple[tuple[str, str | None], ...] = ()
    table: tuple = ()  # the sheet's column descriptions (objects with .key and .header(language))
    rows: int | None = None  # lines of text to keep below the header row; None: the whole page
    blank_rows: int = 0  # empty (pre-sized) table rows to show below the last kept line
    height: float | None = None  # or keep the top this many points, cut between two lines of text


SHOTS = (
    Shot("guide.png", "marketing", schema.SHEET_GUIDE["en"], height=365),
    Shot("measurements.png", "marketing", schema.MEASUREMENTS.sheet("en"), rows=16),
    Shot("evaluation.png", "management", schema.EVALUATION.sheet("en"), rows=ALL_ROWS, blank_rows=2),
    Shot("company-summary.png", "company", consolidate.sheet_name("summary")),
    Shot("company-history.png", "company", consolidate.sheet_name("history")),
    Shot("company-kpis.png", "company", consolidate.sheet_name("kpis"), table=consolidate.KPI_COLUMNS,
         columns=(("department", "source"), ("kpi_id", "unit"), ("actual", "forecast")), rows=ALL_ROWS),
    Shot("next-period.png", "next-period", schema.KPIS.sheet("en"), table=schema.KPIS.columns,
         columns=(("kpi_id", "level"), ("owner", "unit"), ("baseline", "green")), rows=ALL_ROWS, blank_rows=1),
)


@dataclass(frozen=True)
class Word:
    """Hold one word pdftotext found on a page, with its box in points (origin top left)."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float


def sheet_page(xlsx: Path, pdf: Path, sheet: str) -> int:
    """Return the 1-based PDF page of ``sheet``: one page per sheet, hidden ones counted if exported."""
    book = openpyxl.load_workbook(xlsx, read_only=True)
    every = [ws.title for ws in book.worksheets]
    visible = [ws.title for ws in book.worksheets if ws.sheet_state == "visible"]
    book.close()
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    # LibreOffice 7.4 exports hidden sheets too with SinglePageSheets; count them only when it did.
    order = every if pages == len(every) else visible
    if pages != len(order):
        sys.exit(f"{pdf}: {pages} pages for the sheets {every}; expected one page per sheet")
    return order.index(sheet) + 1


def page_words(pdf: Path, page: int) -> tuple[float, float, list[Word]]:
    """Return the page's width and height in points and its words, from ``pdftotext -bbox``."""
    out = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-bbox", str(pdf), "-"],
                         check=True, capture_output=True, text=True).stdout
    size = re.search(r'<page width="([\d.]+)" height="([\d.]+)"', out)
    words = [Word(html.unescape(m.group(5)), *(float(m.group(i)) for i in range(1, 5)))
             for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>',
                                  out)]
    return float(size.group(1)), float(size.group(2)), words


def text_lines(words: list[Word]) -> list[tuple[float, float]]:
    """Return the lines of text as (top, bottom), top to bottom; numbers sit a little lower than text."""
    lines: list[list[float]] = []
    for w in sorted(words, key=lambda w: w.y0):
        if lines and w.y0 - lines[-1][0] < 4:
            lines[-1][1] = max(lines[-1][1], w.y1)
        else:
            lines.append([w.y0, w.y1])
    return [(top, bottom) for top, bottom in lines]


def column_starts(words: list[Word], headers: list[str], header_bottom: float) -> dict[str, float]:
    """Return the left edge (points) of each column whose header is printed, by header text.

    ``headers`` are the sheet's headers in column order (hidden columns left out). Header
    cells are left-aligned, so a cell starts just left of its first word; a header that
    wraps continues on the next line at the same x. Words are matched to the headers in
    order, because the gap between two cells can be as narrow as a space.
    """
    head = [w for w in words if w.y1 <= header_bottom + 1]
    top = min(w.y0 for w in head)
    line1 = sorted((w for w in head if w.y0 - top < 4), key=lambda w: w.x0)
    below = sorted((w for w in head if w.y0 - top >= 4), key=lambda w: (w.y0, w.x0))
    starts: dict[str, float] = {}
    i = 0
    for header in headers:
        if i >= len(line1):
            break
        tokens = header.split()
        wrapped = [v.text for v in below if abs(v.x0 - line1[i].x0) < 6]
        for k in range(len(tokens), 0, -1):
            if [w.text for w in line1[i:i + k]] == tokens[:k] and wrapped[:len(tokens) - k] == tokens[k:]:
                starts[header] = max(0.0, line1[i].x0 - 1)
                i += k
                break
        else:
            if line1[i].text != tokens[0]:
                sys.exit(f"header {header!r} not found where expected; printed headers: {[w.text for w in line1]}")
            # Only the header's first word is printed: the rest is cut off (a column too narrow).
            print(f"  warning: header {header!r} is cut off on the page")
            starts[header] = max(0.0, line1[i].x0 - 1)
            i += 1
    return starts


def header_height(xlsx: Path, sheet: str) -> float:
    """Return the height in points of the sheet's first row (the table header)."""
    book = openpyxl.load_workbook(xlsx, read_only=False)
    ws = book[sheet]
    height = ws.row_dimensions[1].ht or ws.sheet_format.defaultRowHeight or 15.0
    book.close()
    return float(height)


def crop_box(shot: Shot, width: float, height: float, words: list[Word], head: float,
             language: str = "en") -> tuple[list[tuple[float, float]], float]:
    """Return the column ranges (x0, x1) and the bottom, in points, that ``shot`` keeps of its page."""
    if shot.columns:
        # Helper columns are hidden, so they are not printed.
        shown = [col for col in shot.table if not getattr(col, "helper", False)]
        starts = column_starts(words, [col.header(language) for col in shown], head)
        x = {col.key: starts[col.header(language)] for col in shown if col.header(language) in starts}
        spans = [(x[first], width if stop is None else x[stop]) for first, stop in shot.columns]
    else:
        spans = [(0.0, width)]
    lines = text_lines(words)
    if shot.height is not None:
        kept = [line for line in lines if line[1] <= shot.height]
    elif shot.rows is not None:
        kept = [line for line in lines if line[0] < head] + [line for line in lines if line[0] >= head][:shot.rows]
    else:
        return spans, height
    rest = lines[len(kept):]
    # Cut halfway between the last kept line and the next one, or just below the last.
    bottom = (kept[-1][1] + rest[0][0]) / 2 if rest else kept[-1][1] + 1
    bottom += shot.blank_rows * 15.0
    return spans, min(bottom, height)


def render_page(pdf: Path, page: int, dpi: int, work: Path) -> np.ndarray:
    """Return the page rendered by pdftoppm as an RGB array (height x width x 3)."""
    prefix = work / f"page-{pdf.stem}-{page}"
    subprocess.run(["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile", str(pdf),
                    str(prefix)], check=True)
    data = prefix.with_suffix(".ppm").read_bytes()
    # Binary PPM: "P6", width, height, maxval (255), one whitespace, then the pixels.
    magic, w, h, maxval, pixels = re.match(rb"(P6)\s+(\d+)\s+(\d+)\s+(\d+)\s(.*)", data, re.S).groups()
    if int(maxval) != 255:
        sys.exit(f"{prefix}.ppm: unexpected maxval {maxval!r}")
    return np.frombuffer(pixels, dtype=np.uint8).reshape(int(h), int(w), 3)


def write_png(path: Path, image: np.ndarray) -> None:
    """Write an RGB array as a PNG, choosing per row the filter that compresses best (None, Sub, Up)."""
    h, w, _ = image.shape
    raw = image.reshape(h, w * 3).astype(np.int16)
    sub = raw.copy()
    sub[:, 3:] -= raw[:, :-3]
    up = raw.copy()
    up[1:] -= raw[:-1]
    candidates = np.stack([raw, sub, up]) % 256  # filter types 0, 1, 2
    # The usual heuristic: the smallest sum of the bytes read as signed values.
    cost = np.abs(np.where(candidates > 127, candidates - 256, candidates)).sum(axis=2)
    best = cost.argmin(axis=0)
    rows = candidates[best, np.arange(h)].astype(np.uint8)
    body = np.hstack([best.astype(np.uint8)[:, None], rows]).tobytes()

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(body, 9)) + chunk(b"IEND", b""))


def cut(image: np.ndarray, spans: list[tuple[float, float]], bottom: float, dpi: int) -> np.ndarray:
    """Return the column ranges of the page image down to ``bottom``, side by side with grey lines between."""
    px = dpi / 72
    rows = min(image.shape[0], round(bottom * px))
    pieces = []
    for i, (x0, x1) in enumerate(spans):
        if i:
            pieces.append(np.full((rows, 2, 3), 160, dtype=np.uint8))  # columns left out here
        pieces.append(image[:rows, round(x0 * px):min(image.shape[1], round(x1 * px))])
    return np.ascontiguousarray(np.hstack(pieces))


def inked(image: np.ndarray, word: Word, dpi: int) -> bool:
    """Return whether the word's box on the page image holds any dark pixel (a clipped word holds none)."""
    px = dpi / 72
    box = image[round(word.y0 * px):round(word.y1 * px), round(word.x0 * px):round(word.x1 * px)]
    return bool(box.size) and int(box.min()) < 128


def render_demo(docs: Path, dpi: int, keep: Path | None, shots: tuple[Shot, ...] = SHOTS) -> None:
    """Run the demo, export its workbooks through LibreOffice and write each picture of ``shots``."""
    for tool in ("pdftoppm", "pdftotext", "pdfinfo"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} not found; install poppler-utils (apt-get install poppler-utils)")
    with tempfile.TemporaryDirectory(prefix="kpixl-render-") as temp:
        work = keep or Path(temp)
        work.mkdir(parents=True, exist_ok=True)
        result = demo.run_demo(work / "demo", language="en", formulas="native", force=True)
        paths = demo.demo_paths(result.directory)
        # Two workbooks are called management.xlsx: give each export its own name.
        sources = {}
        for key in dict.fromkeys(s.workbook for s in shots):
            sources[key] = work / "sources" / f"{key}.xlsx"
            sources[key].parent.mkdir(exist_ok=True)
            shutil.copyfile(paths[key], sources[key])
        pdfs = dict(zip(sources, libreoffice.convert(list(sources.values()), work / "pdf", PDF_ONE_PAGE_PER_SHEET,
                                                     profile=default_profile(Path(temp) / "default-profile"))))
        recalculated = dict(zip(sources, libreoffice.recalculate_many(
            list(sources.values()), work / "recalculated", profile=libreoffice.make_profile(Path(temp) / "profile"))))
        docs.mkdir(parents=True, exist_ok=True)
        print("| picture | workbook | sheet | pixels | KB |")
        print("| --- | --- | --- | --- | ---: |")
        for shot in shots:
            pdf, xlsx = pdfs[shot.workbook], sources[shot.workbook]
            page = sheet_page(xlsx, pdf, shot.sheet)
            width, height, words = page_words(pdf, page)
            spans, bottom = crop_box(shot, width, height, words, header_height(xlsx, shot.sheet))
            page_image = render_page(pdf, page, dpi, work)
            image = cut(page_image, spans, bottom, dpi)
            out = docs / shot.file
            write_png(out, image)
            print(f"| {out.name} | {paths[shot.workbook].relative_to(result.directory)} | {shot.sheet} "
                  f"| {image.shape[1]}x{image.shape[0]} | {out.stat().st_size / 1024:.0f} |")
            if any(inked(page_image, w, dpi) for w in words if "###" in w.text and w.y0 < bottom
                   and any(x0 <= w.x0 < x1 for x0, x1 in spans)):
                print(f"  warning: {out.name} shows ### (a column too narrow for its number)")
        print("Cached values (what the pictures show) against LibreOffice's recalculation:")
        for key, source in sources.items():
            report_cache(str(paths[key].relative_to(result.directory)), source, recalculated[key])


def main() -> None:
    """Parse the arguments and render."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=schema.LANGUAGES, default="en")
    parser.add_argument("--out", type=Path, help="PNG to write (default docs/dashboard.png, -da for Danish)")
    parser.add_argument("--dpi", type=int, default=80)
    parser.add_argument("--keep", type=Path, help="keep the workbooks and PDFs in this folder")
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--demo", action="store_true", help="render only the pictures of the demo's workbooks")
    what.add_argument("--all", action="store_true", help="render both Dashboards and the demo's pictures")
    parser.add_argument("--docs", type=Path, default=ROOT / "docs", help="folder for the pictures of --demo and --all")
    args = parser.parse_args()
    if (args.all or args.demo) and args.out:
        parser.error("--out names the one Dashboard picture; use --docs with --demo and --all")
    if args.all:
        for language in schema.LANGUAGES:
            name = "dashboard.png" if language == "en" else f"dashboard-{language}.png"
            render(args.docs / name, language, args.dpi, args.keep and args.keep / language)
    elif not args.demo:
        out = args.out or ROOT / "docs" / ("dashboard.png" if args.lang == "en" else f"dashboard-{args.lang}.png")
        render(out, args.lang, args.dpi, args.keep)
        return
    render_demo(args.docs, args.dpi, args.keep and args.keep / "demo")


if __name__ == "__main__":
    main()
