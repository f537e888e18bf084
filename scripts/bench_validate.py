"""Benchmark ``kpixl validate`` against fastexcel merely reading the same workbooks.

Corpus: N department workbooks of 25 weekly KPIs x 52 measurements
(``scripts/corpus.py``) of each input kind (``--kinds``, default all three): made by
``kpixl template`` (every template formula row with its cached value; the Measurements
sheet is most of each file), re-saved by openpyxl (formulas without cached values, as a
finance script or an ERP export writes them) and re-saved by LibreOffice;
``--builders`` uses the small test-builder workbooks instead. Each kind is measured in
its own table, best of ``--repeat`` (runs interleaved so load from other processes hits
all of them alike): fastexcel loading the sheets validate reads (the sheets of every kpixl table: KPIs,
Measurements, Evaluation, Phasing, Commentary) of every file (the baseline), and every sheet for reference; ``validate
--jobs 1`` as shipped (every file read in one long-lived worker process,
``kpixl.isolation``); the same with numpy's tag scan, as a pure build
(``KPIXL_NO_EXTENSIONS=1``) runs it; ``--jobs 2``; the pre-checks as a worker runs them (each sheet's
prolog; each table sheet unpacked, made lean for fastexcel when its route says so, and
its input cells scanned for KPX208/KPX209); both routes of the table sheets
(:mod:`kpixl.reader.route`: the lean copy as chosen, and every sheet whole), each as
pre-checks plus fastexcel parsing the sheets validate reads; with ``--no-worker-routes`` also
``check_workbook`` file after file in this process (no isolation, so every worksheet is
scanned whole before any parser sees it) and the pre-checks with the whole-sheet scan.
Each is timed in wall-clock and in CPU seconds (this process plus the workers it waited
for). Target: validate --jobs 1 within 1.3x fastexcel in both, on each kind.

Usage: python scripts/bench_validate.py [N_FILES] [--kinds template,openpyxl,libreoffice] [--builders]
[--corpus DIR] [--repeat N] [--brief] [--no-worker-routes]
(``--brief``: only the baseline and ``validate --jobs 1``, what the target compares; for 1,000 files)
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
from corpus import AS_OF, KINDS, make_corpus, make_kind_corpus  # noqa: E402

from kpixl import isolation, reader, schema  # noqa: E402
from kpixl.reader import lean, route  # noqa: E402
from kpixl.model import Report  # noqa: E402
from kpixl.validate import check_workbook, validate  # noqa: E402


def read_with_fastexcel(paths: list[Path], sheets: tuple[str, ...] | None = None) -> int:
    """Load ``sheets`` (default every sheet) of every file with fastexcel; return the cells read."""
    cells = 0
    for path in paths:
        book = fastexcel.read_excel(str(path))
        for name in book.sheet_names if sheets is None else [s for s in sheets if s in book.sheet_names]:
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


def validate_with_numpy_scan(paths: list[Path]) -> Report:
    """Validate as shipped, but with the tag scan a pure build uses (numpy's; the worker is forked with it)."""
    scan = lean._tags
    lean._tags = lean._numpy_tags
    try:
        return validate(paths, as_of=AS_OF, jobs=1)
    finally:
        lean._tags = scan


def precheck_only(paths: list[Path], bound_sheets: bool) -> None:
    """Run only the byte-level pre-checks on every file: with or without the whole-sheet scan."""
    for path in paths:
        reader.precheck(path, bound_sheets=bound_sheets)


def read_by_route(paths: list[Path], lean: bool) -> None:
    """Pre-check each file as a worker does and have fastexcel parse the sheets validate reads, by one route.

    ``lean``: as :mod:`kpixl.reader.route` decides; otherwise every table sheet whole (the
    route's size threshold set beyond any sheet), so both routes are measured on each kind.
    """
    saved = route.LEAN_FROM_BYTES
    route.LEAN_FROM_BYTES = saved if lean else 2**62
    try:
        for path in paths:
            book = fastexcel.read_excel(reader.precheck(path, bound_sheets=False).parsed_source())
            for name in READ_SHEETS:
                book.load_sheet(name, header_row=None)
    finally:
        route.LEAN_FROM_BYTES = saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n_files", nargs="?", type=int, default=100)
    parser.add_argument("--builders", action="store_true", help="lean test-builder workbooks instead of templates")
    parser.add_argument("--kinds", default=",".join(KINDS),
                        help=f"input kinds to measure, comma-separated (default {','.join(KINDS)})")
    parser.add_argument("--corpus", type=Path, default=None, help="folder to keep the corpus in between runs")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--brief", action="store_true",
                        help="time only the baseline and validate --jobs 1 (the target's two rows; for 1,000 files)")
    parser.add_argument("--no-worker-routes", action="store_true",
                        help="also time check_workbook and the whole-sheet-scan pre-checks in this process")
    args = parser.parse_args()
    # The in-process rows stand for what a worker does, so this process's malloc keeps freed
    # memory as a worker's does (kpixl.isolation); fastexcel's own allocations see no page faults either way.
    isolation._keep_freed_memory()
    kinds = ["builders"] if args.builders else [k for k in args.kinds.split(",") if k]
    verdicts = []
    with tempfile.TemporaryDirectory(prefix="kpixl-bench-") as scratch:
        base = args.corpus or Path(scratch)
        for kind in kinds:
            verdicts.append(measure_kind(base, kind, args.n_files, args.repeat, args.no_worker_routes, args.brief))
    print("Summary, validate --jobs 1 against fastexcel reading the same sheets (target <= 1.3x in wall and CPU):")
    for kind, wall, cpu in verdicts:
        print(f"  {kind}: wall {wall:.2f}x, CPU {cpu:.2f}x: {'meets' if max(wall, cpu) <= 1.3 else 'MISSES'}")


def measure_kind(base: Path, kind: str, n_files: int, repeat: int, no_worker_routes: bool,
                 brief: bool = False) -> tuple[str, float, float]:
    """Time every route on ``n_files`` workbooks of input ``kind``, interleaved; print the table; return the ratios."""
    began = time.perf_counter()
    if kind == "builders":
        paths = make_corpus(base / "builders", n_files, use_template=False)
    else:
        paths = make_kind_corpus(base, kind, n_files)
    made = time.perf_counter() - began
    size = sum(p.stat().st_size for p in paths)
    report = validate(paths, as_of=AS_OF)
    expected = (25 * n_files, 25 * 52 * n_files)
    assert (report.kpi_count, report.measurement_count) == expected, report.summary()
    routes = {
        BASELINE: lambda: read_with_fastexcel(paths, READ_SHEETS),
        "fastexcel: load every sheet": lambda: read_with_fastexcel(paths),
        SHIPPED: lambda: validate(paths, as_of=AS_OF, jobs=1),
        NUMPY_SCAN: lambda: validate_with_numpy_scan(paths),
        "kpixl validate --jobs 2": lambda: validate(paths, as_of=AS_OF, jobs=2),
        "  pre-checks as a worker runs them (prologs, table sheets, input-cell scan)": lambda: precheck_only(paths, False),
        "  route as chosen (kpixl.reader.route): pre-checks + fastexcel parsing what they give": lambda: read_by_route(
            paths, True),
        "  every table sheet whole: pre-checks + fastexcel parsing the original": lambda: read_by_route(paths, False),
    }
    if brief:
        routes = {label: work for label, work in routes.items() if label in (BASELINE, SHIPPED)}
    if lean._tagscan is None:  # a pure build: the shipped row is this one already
        routes.pop(NUMPY_SCAN, None)
    if no_worker_routes:
        routes["  check_workbook in this process (no worker: whole-sheet scan)"] = lambda: validate_in_one_process(paths)
        routes["  pre-checks with the whole-sheet scan (no worker)"] = lambda: precheck_only(paths, True)
    times: dict[str, list[float]] = {label: [] for label in routes}
    cpus: dict[str, list[float]] = {label: [] for label in routes}
    for _ in range(repeat):
        for label, work in routes.items():
            began, cpu = time.perf_counter(), _cpu()
            work()
            times[label].append(time.perf_counter() - began)
            cpus[label].append(_cpu() - cpu)
    print(f"Kind {kind}: {n_files} workbooks ({DESCRIPTIONS.get(kind, kind)}) x 25 KPIs x 52 weekly measurements, "
          f"{size / 2**20:.1f} MB (prepared in {made:.1f} s); validate found {len(report.errors)} error(s), "
          f"{len(report.warnings)} warning(s); {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; "
          f"tag scan {'compiled' if lean._tagscan is not None else 'numpy (pure build)'}\n")
    baseline, baseline_cpu = min(times[BASELINE]), min(cpus[BASELINE])
    print(f"| run ({kind}) | wall, best of {repeat} (s) | median (s) | vs fastexcel | CPU (s) | CPU vs fastexcel "
          "| CPU ms a workbook |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, runs in times.items():
        best, cpu = min(runs), min(cpus[label])
        print(f"| {label} | {best:.3f} | {statistics.median(runs):.3f} | {best / baseline:.2f}x | {cpu:.3f} | "
              f"{cpu / baseline_cpu:.2f}x | {1000 * cpu / n_files:.1f} |")
    wall, cpu = min(times[SHIPPED]) / baseline, min(cpus[SHIPPED]) / baseline_cpu
    verdict = "meets" if max(wall, cpu) <= 1.3 else "MISSES"
    print(f"\nTarget validate --jobs 1 <= 1.3x fastexcel in wall and CPU time ({kind}): {verdict} "
          f"(wall {wall:.2f}x, CPU {cpu:.2f}x).\n", flush=True)
    return kind, wall, cpu


# The sheets validate reads (what the baseline loads): every kpixl table's sheet (KPIs,
# Measurements, Evaluation, Phasing, Commentary), so the baseline grows with the reader.
READ_SHEETS = tuple(table.sheet("en") for table in schema.TABLES)
DESCRIPTIONS = {"template": "made by kpixl template", "openpyxl": "template re-saved by openpyxl, no cached values",
                "libreoffice": "template re-saved by LibreOffice", "builders": "lean test-builder workbooks"}
BASELINE = f"fastexcel: load {', '.join(READ_SHEETS)} (baseline)"
SHIPPED = "kpixl validate --jobs 1 (one worker process: pre-checks, read, rules)"
NUMPY_SCAN = "  validate --jobs 1 as a pure build runs it (numpy's tag scan, KPIXL_NO_EXTENSIONS=1)"


def _cpu() -> float:
    """Return the CPU seconds of this process and of the children it has waited for."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


if __name__ == "__main__":
    main()
