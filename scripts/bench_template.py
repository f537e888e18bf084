"""Time writing a department workbook: both formula modes, blank, with examples, prefilled, and large.

Run: ``python scripts/bench_template.py [--repeat N] [--recalc]``. Prints a markdown
table of the best-of-N wall time per case and the file size. The baseline, measured
in the same run, is a bare XlsxWriter workbook with the same three table shapes and
no formulas (what the writing itself costs without kpixl's formulas, validations and
formats). Target: every default-sized case well under one second.

``--large`` also writes the largest templates the options allow (100,000 measurement
rows; and with 5,000 KPI rows), each in a fresh Python process that reports its wall
time, CPU time and peak memory (``resource.getrusage``, so Linux/macOS). Target: <= 3 s
and <= 250 MB at 100,000 rows.

``--recalc`` also times a headless LibreOffice recalculation (one soffice start per
file, so it includes start-up; the baseline is a one-formula workbook) of native
workbooks: the default 3,000-row Measurements table with 600 and with 1,300 filled
rows, and a 20,000-row table with 2,600 filled rows. It needs LibreOffice and imports
the test harness ``tests/libreoffice.py``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import xlsxwriter

from kpixl import core, schema
from kpixl.model import KpiRecord, MeasurementRecord
from kpixl.template import measurement_capacity, write_template


def _prefilled(n_kpis: int = 50, periods: int = 12, days: int = 30) -> tuple[list[KpiRecord], list[MeasurementRecord]]:
    kpis, measurements = [], []
    for i in range(n_kpis):
        kpis.append(KpiRecord(f"K-{i:02d}", name=f"KPI {i}", owner="Owner", direction=core.INCREASE,
                              aggregation=core.SUM if i % 2 else core.LAST, baseline=100.0, target=150.0,
                              start=date(2026, 1, 1), deadline=date(2026, 12, 31)))
    # Interleaved, as typed: period by period, every KPI.
    for period in range(periods):
        for i in range(n_kpis):
            measurements.append(MeasurementRecord(f"K-{i:02d}", date(2026, 1, 4) + timedelta(days=days * period),
                                                  100.0 + period))
    return kpis, measurements


def _baseline(path: Path) -> None:
    wb = xlsxwriter.Workbook(str(path), {"in_memory": True})
    for table, rows in ((schema.KPIS, 50), (schema.MEASUREMENTS, measurement_capacity()), (schema.EVALUATION, 50)):
        ws = wb.add_worksheet(table.name)
        ws.add_table(0, 0, rows, len(table.columns) - 1,
                     {"name": table.name, "columns": [{"header": c.en} for c in table.columns]})
    wb.close()


def _best(call, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        began = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - began)
    return best


def _write_times(folder: Path, repeat: int) -> list[tuple[str, float, int]]:
    kpis, measurements = _prefilled()
    rows = []
    base = folder / "baseline.xlsx"
    rows.append((f"baseline: bare XlsxWriter tables ({measurement_capacity()} measurement rows), no formulas",
                 _best(lambda: _baseline(base), repeat), base.stat().st_size))
    for mode in ("xlwings", "native"):
        cases = {
            "blank": {},
            "--examples": {"examples": True},
            "50 KPIs + 600 measurements": {"kpis": kpis, "measurements": measurements, "as_of": date(2026, 6, 30)},
            "blank, --measurement-rows 20000": {"measurement_rows": 20000},
        }
        for label, kwargs in cases.items():
            path = folder / f"{mode}-{len(rows)}.xlsx"
            seconds = _best(lambda: write_template(path, formulas=mode, force=True, **kwargs), repeat)
            rows.append((f"{mode}, {label}", seconds, path.stat().st_size))
    return rows


_LARGE_CHILD = """
import resource, sys, time
from kpixl.template import write_template
began, cpu = time.perf_counter(), time.process_time()
write_template(sys.argv[1], rows=int(sys.argv[2]), measurement_rows=int(sys.argv[3]), force=True)
wall, cpu = time.perf_counter() - began, time.process_time() - cpu
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
peak_mb = peak / 2**20 if sys.platform == "darwin" else peak / 1024  # bytes on macOS, KB on Linux
print(wall, cpu, peak_mb)
"""


def _large_times(folder: Path) -> list[tuple[str, float, float, float, int]]:
    """Write the largest templates, each in its own process: (label, wall s, CPU s, peak MB, file size)."""
    rows = []
    for kpi_rows, measurement_rows in ((50, 100_000), (5000, 100_000)):
        path = folder / f"large-{kpi_rows}.xlsx"
        done = subprocess.run([sys.executable, "-c", _LARGE_CHILD, str(path), str(kpi_rows), str(measurement_rows)],
                              check=True, capture_output=True, text=True)
        wall, cpu, peak = (float(x) for x in done.stdout.split())
        rows.append((f"--rows {kpi_rows} --measurement-rows {measurement_rows}", wall, cpu, peak,
                     path.stat().st_size))
    return rows


def _recalc_times(folder: Path) -> list[tuple[str, float, int]]:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    import libreoffice

    tiny = folder / "tiny.xlsx"
    wb = xlsxwriter.Workbook(str(tiny))
    wb.add_worksheet().write_formula(0, 0, "=1+1")
    wb.close()
    cases = [("baseline: soffice start + one-formula workbook", tiny)]
    for label, n_kpis, periods, days, capacity in (
            ("native, 3000 rows, 50 KPIs x 12 = 600 filled", 50, 12, 30, None),
            ("native, 3000 rows, 25 KPIs x 52 = 1300 filled", 25, 52, 7, None),
            ("native, 20000 rows, 50 KPIs x 52 = 2600 filled", 50, 52, 7, 20000)):
        kpis, measurements = _prefilled(n_kpis, periods, days)
        path = folder / f"recalc-{len(cases)}.xlsx"
        write_template(path, formulas="native", kpis=kpis, measurements=measurements, as_of=date(2026, 12, 31),
                       measurement_rows=capacity, force=True)
        cases.append((label, path))
    rows = []
    with tempfile.TemporaryDirectory() as profile:
        libreoffice.make_profile(Path(profile))
        for label, path in cases:
            began = time.perf_counter()
            libreoffice.recalculate(path, folder / "out", profile=Path(profile))
            rows.append((f"LibreOffice recalc: {label}", time.perf_counter() - began, path.stat().st_size))
    return rows


def main() -> None:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--recalc", action="store_true", help="also time LibreOffice recalculations")
    parser.add_argument("--large", action="store_true", help="also write the largest templates (time, memory)")
    parser.add_argument("--only-large", action="store_true", help="only the --large cases")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        rows = [] if args.only_large else _write_times(Path(temp), args.repeat)
        if args.recalc:
            rows += _recalc_times(Path(temp))
        large = _large_times(Path(temp)) if args.large or args.only_large else []
    if rows:
        print("| case | seconds (best of %d; recalc: one run) | file size (KB) |" % args.repeat)
        print("| --- | ---: | ---: |")
        for label, seconds, size in rows:
            print(f"| {label} | {seconds:.3f} | {size / 1024:.0f} |")
    if large:
        print("\n| largest template (own process) | wall s | CPU s | peak memory (MB) | file size (KB) |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for label, wall, cpu, peak, size in large:
            print(f"| {label} | {wall:.2f} | {cpu:.2f} | {peak:.0f} | {size / 1024:.0f} |")


if __name__ == "__main__":
    main()
