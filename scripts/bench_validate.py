"""Benchmark ``kpixl validate`` against fastexcel merely reading the same workbooks.

Corpus: N department workbooks of 25 weekly KPIs x 52 measurements
(``scripts/corpus.py``): by default the real workbooks users have, made by
``kpixl.template.write_template`` (every template formula row; the Measurements
sheet is most of each file); ``--builders`` uses the lean test-builder workbooks
instead. Measured in one run, best of ``--repeat`` (runs interleaved so load from
other processes hits all of them alike): fastexcel loading every sheet of every
file (the baseline); ``validate`` as shipped (the next file's byte pre-check runs
in a helper process while this one is parsed); ``check_workbook`` file after file
in one process; and the pre-checks alone. Target: validate within 2x fastexcel.

Usage: python scripts/bench_validate.py [N_FILES] [--builders] [--corpus DIR] [--repeat N]
(the corpus is cached in DIR between runs; default a temporary folder).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import fastexcel  # noqa: E402
from corpus import AS_OF, make_corpus  # noqa: E402

from kpixl import reader  # noqa: E402
from kpixl.model import Report  # noqa: E402
from kpixl.validate import check_workbook, validate  # noqa: E402


def read_with_fastexcel(paths: list[Path]) -> int:
    """Load every sheet of every file with fastexcel; return the cells read."""
    cells = 0
    for path in paths:
        book = fastexcel.read_excel(str(path))
        for name in book.sheet_names:
            sheet = book.load_sheet(name, header_row=None)
            cells += sheet.height * sheet.width
    return cells


def validate_in_one_process(paths: list[Path]) -> Report:
    """Validate file after file in this process, nothing ahead (what one core does alone)."""
    report = Report()
    for path in paths:
        workbook = check_workbook(path, AS_OF)
        report.findings.extend(workbook.findings)
        report.kpi_count += len(workbook.kpis)
        report.measurement_count += len(workbook.measurements)
    return report


def precheck_only(paths: list[Path]) -> None:
    """Run only the byte-level pre-checks (zip and sheet XML scan) on every file."""
    for path in paths:
        reader.precheck(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n_files", nargs="?", type=int, default=100)
    parser.add_argument("--builders", action="store_true", help="lean test-builder workbooks instead of templates")
    parser.add_argument("--corpus", type=Path, default=None, help="folder to keep the corpus in between runs")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kpixl-bench-") as scratch:
        base = args.corpus or Path(scratch)
        folder = base / ("builders" if args.builders else "template")
        began = time.perf_counter()
        paths = make_corpus(folder, args.n_files, use_template=not args.builders)
        made = time.perf_counter() - began
        size = sum(p.stat().st_size for p in paths)
        report = validate(paths, as_of=AS_OF)
        expected = (25 * args.n_files, 25 * 52 * args.n_files)
        assert (report.kpi_count, report.measurement_count) == expected, report.summary()
        routes = {
            "fastexcel: load every sheet (baseline)": lambda: read_with_fastexcel(paths),
            "kpixl validate (pre-checks + read + rules)": lambda: validate(paths, as_of=AS_OF),
            "  the same in one process (no pre-check ahead)": lambda: validate_in_one_process(paths),
            "  of which pre-checks only (zip + sheet XML scan)": lambda: precheck_only(paths),
        }
        times: dict[str, list[float]] = {label: [] for label in routes}
        for _ in range(args.repeat):
            for label, work in routes.items():
                began = time.perf_counter()
                work()
                times[label].append(time.perf_counter() - began)
    kind = "lean test-builder workbooks" if args.builders else "template workbooks (kpixl.template.write_template)"
    print(f"Corpus: {args.n_files} {kind} x 25 KPIs x 52 weekly measurements, {size / 2**20:.1f} MB "
          f"(prepared in {made:.1f} s); validate found {len(report.errors)} error(s), "
          f"{len(report.warnings)} warning(s); {os.cpu_count()} CPUs\n")
    baseline = min(times["fastexcel: load every sheet (baseline)"])
    print(f"| run | best of {args.repeat} (s) | median (s) | per file (ms) | vs fastexcel |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for label, runs in times.items():
        best = min(runs)
        print(f"| {label} | {best:.3f} | {statistics.median(runs):.3f} | {1000 * best / args.n_files:.1f} | "
              f"{best / baseline:.2f}x |")
    shipped = min(times["kpixl validate (pre-checks + read + rules)"])
    alone = min(times["  the same in one process (no pre-check ahead)"])
    verdict = "meets" if shipped <= 2 * baseline else "MISSES"
    print(f"\nTarget validate <= 2x fastexcel: {verdict} ({shipped / baseline:.2f}x; "
          f"{alone / baseline:.2f}x in one process).")


if __name__ == "__main__":
    main()
