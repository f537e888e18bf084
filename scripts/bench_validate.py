"""Benchmark ``kpixl validate`` against fastexcel merely reading the same workbooks.

Corpus: N department workbooks of 25 weekly KPIs x 52 measurements
(``scripts/corpus.py``): by default the real workbooks users have, made by
``kpixl.template.write_template`` (every template formula row; the Measurements
sheet is most of each file); ``--builders`` uses the small test-builder workbooks
instead. Measured in one run, best of ``--repeat`` (runs interleaved so load from
other processes hits all of them alike): fastexcel loading every sheet of every
file (the baseline); ``validate --jobs 1`` as shipped (every file read in one
long-lived worker process, ``kpixl.isolation``); ``--jobs 2``; ``check_workbook``
file after file in this process (no isolation, so every worksheet is scanned whole
before any parser sees it); and the pre-checks alone, both ways: as a worker runs
them (each sheet's prolog; each table sheet unpacked, made lean for fastexcel, and its
input cells scanned for KPX208/KPX209) and with the whole-sheet scan. Each is
timed in wall-clock and in CPU seconds (this process plus the workers it waited
for). Target: validate --jobs 1 within 1.3x fastexcel in both.

Usage: python scripts/bench_validate.py [N_FILES] [--builders] [--corpus DIR] [--repeat N]
(the corpus is cached in DIR between runs; default a temporary folder).
"""

from __future__ import annotations

import argparse
import os
import resource
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


def precheck_only(paths: list[Path], bound_sheets: bool) -> None:
    """Run only the byte-level pre-checks on every file: with or without the whole-sheet scan."""
    for path in paths:
        reader.precheck(path, bound_sheets=bound_sheets)


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
            BASELINE: lambda: read_with_fastexcel(paths),
            SHIPPED: lambda: validate(paths, as_of=AS_OF, jobs=1),
            "kpixl validate --jobs 2": lambda: validate(paths, as_of=AS_OF, jobs=2),
            "  check_workbook in this process (no worker: whole-sheet scan)": lambda: validate_in_one_process(paths),
            "  pre-checks as a worker runs them (prologs, lean table sheets, input-cell scan)": lambda: precheck_only(paths, False),
            "  pre-checks with the whole-sheet scan (no worker)": lambda: precheck_only(paths, True),
        }
        times: dict[str, list[float]] = {label: [] for label in routes}
        cpus: dict[str, list[float]] = {label: [] for label in routes}
        for _ in range(args.repeat):
            for label, work in routes.items():
                began, cpu = time.perf_counter(), _cpu()
                work()
                times[label].append(time.perf_counter() - began)
                cpus[label].append(_cpu() - cpu)
    kind = "lean test-builder workbooks" if args.builders else "template workbooks (kpixl.template.write_template)"
    print(f"Corpus: {args.n_files} {kind} x 25 KPIs x 52 weekly measurements, {size / 2**20:.1f} MB "
          f"(prepared in {made:.1f} s); validate found {len(report.errors)} error(s), "
          f"{len(report.warnings)} warning(s); {os.cpu_count()} CPUs\n")
    baseline, baseline_cpu = min(times[BASELINE]), min(cpus[BASELINE])
    print(f"| run | wall, best of {args.repeat} (s) | median (s) | vs fastexcel | CPU (s) | CPU vs fastexcel |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for label, runs in times.items():
        best, cpu = min(runs), min(cpus[label])
        print(f"| {label} | {best:.3f} | {statistics.median(runs):.3f} | {best / baseline:.2f}x | {cpu:.3f} | "
              f"{cpu / baseline_cpu:.2f}x |")
    wall, cpu = min(times[SHIPPED]) / baseline, min(cpus[SHIPPED]) / baseline_cpu
    verdict = "meets" if max(wall, cpu) <= 1.3 else "MISSES"
    print(f"\nTarget validate --jobs 1 <= 1.3x fastexcel in wall and CPU time: {verdict} "
          f"(wall {wall:.2f}x, CPU {cpu:.2f}x).")


BASELINE = "fastexcel: load every sheet (baseline)"
SHIPPED = "kpixl validate --jobs 1 (one worker process: pre-checks, read, rules)"


def _cpu() -> float:
    """Return the CPU seconds of this process and of the children it has waited for."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


if __name__ == "__main__":
    main()
