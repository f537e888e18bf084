"""Time writing a department workbook: both formula modes, blank, with examples, and prefilled.

Run: ``python scripts/bench_template.py [--repeat N]``. Prints a markdown table of the
best-of-N wall time per case and the file size. The baseline, measured in the same
run, is a bare XlsxWriter workbook with the same three table shapes and no formulas
(what the writing itself costs without kpixl's formulas, validations and formats).
Target: every case well under one second.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import xlsxwriter

from kpixl import core, schema
from kpixl.model import KpiRecord, MeasurementRecord
from kpixl.template import write_template


def _prefilled(n_kpis: int = 50) -> tuple[list[KpiRecord], list[MeasurementRecord]]:
    kpis, measurements = [], []
    for i in range(n_kpis):
        kpis.append(KpiRecord(f"K-{i:02d}", name=f"KPI {i}", owner="Owner", direction=core.INCREASE,
                              aggregation=core.SUM if i % 2 else core.LAST, baseline=100.0, target=150.0,
                              start=date(2026, 1, 1), deadline=date(2026, 12, 31)))
        for month in range(12):
            measurements.append(MeasurementRecord(f"K-{i:02d}", date(2026, 1, 31) + timedelta(days=30 * month),
                                                  100.0 + month))
    return kpis, measurements


def _baseline(path: Path) -> None:
    wb = xlsxwriter.Workbook(str(path), {"in_memory": True})
    for table, rows in ((schema.KPIS, 50), (schema.MEASUREMENTS, 1000), (schema.EVALUATION, 50)):
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


def main() -> None:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    kpis, measurements = _prefilled()
    rows = []
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        base = folder / "baseline.xlsx"
        rows.append(("baseline: bare XlsxWriter tables, no formulas", _best(lambda: _baseline(base), args.repeat),
                     base.stat().st_size))
        for mode in ("xlwings", "native"):
            cases = {
                "blank": {},
                "--examples": {"examples": True},
                "50 KPIs + 600 measurements": {"kpis": kpis, "measurements": measurements,
                                               "as_of": date(2026, 6, 30)},
            }
            for label, kwargs in cases.items():
                path = folder / f"{mode}-{len(rows)}.xlsx"
                seconds = _best(lambda: write_template(path, formulas=mode, force=True, **kwargs), args.repeat)
                rows.append((f"{mode}, {label}", seconds, path.stat().st_size))
    print("| case | seconds (best of %d) | file size (KB) |" % args.repeat)
    print("| --- | ---: | ---: |")
    for label, seconds, size in rows:
        print(f"| {label} | {seconds:.3f} | {size / 1024:.0f} |")


if __name__ == "__main__":
    main()
