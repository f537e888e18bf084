"""Benchmark ``kpixl validate`` against fastexcel merely reading the same workbooks.

Generates 100 department workbooks of 25 weekly KPIs x 52 measurements into a
temporary folder (``scripts/corpus.py``), then measures in one run: validate on
all of them, and fastexcel loading every sheet of every file. Target: validate
takes at most twice as long as fastexcel. Prints a markdown table.

Usage: python scripts/bench_validate.py [N_FILES] [--builders]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import fastexcel  # noqa: E402
from corpus import AS_OF, make_corpus  # noqa: E402

from kpixl import reader  # noqa: E402
from kpixl.validate import validate  # noqa: E402


def read_with_fastexcel(paths: list[Path]) -> int:
    """Load every sheet of every file with fastexcel; return the cells read."""
    cells = 0
    for path in paths:
        book = fastexcel.read_excel(str(path))
        for name in book.sheet_names:
            sheet = book.load_sheet(name, header_row=None)
            cells += sheet.height * sheet.width
    return cells


def precheck_only(paths: list[Path]) -> None:
    """Run only the byte-level pre-checks (zip scan) on every file."""
    for path in paths:
        reader.precheck(path)


def best_of(runs: int, work) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        work()
        times.append(time.perf_counter() - began)
    return min(times), statistics.median(times)


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    n_files = int(args[0]) if args else 100
    with tempfile.TemporaryDirectory(prefix="kpixl-bench-") as folder:
        began = time.perf_counter()
        paths = make_corpus(folder, n_files, use_template="--builders" not in sys.argv)
        made = time.perf_counter() - began
        size = sum(p.stat().st_size for p in paths)
        report = validate(paths, as_of=AS_OF)
        assert report.kpi_count == 25 * n_files and report.measurement_count == 25 * 52 * n_files, report.summary()
        fx_best, fx_median = best_of(3, lambda: read_with_fastexcel(paths))
        va_best, va_median = best_of(3, lambda: validate(paths, as_of=AS_OF))
        pre_best, pre_median = best_of(3, lambda: precheck_only(paths))
    print(f"Corpus: {n_files} workbooks x 25 KPIs x 52 weekly measurements, {size / 2**20:.1f} MB, "
          f"written in {made:.1f} s; validate found {len(report.errors)} error(s), {len(report.warnings)} warning(s)\n")
    print("| run | best of 3 (s) | median (s) | per file (ms) | vs fastexcel |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for label, best, median in (("fastexcel: load every sheet (baseline)", fx_best, fx_median),
                                ("kpixl validate (pre-checks + read + rules)", va_best, va_median),
                                ("  of which pre-checks only (zip/XML byte scan)", pre_best, pre_median)):
        print(f"| {label} | {best:.3f} | {median:.3f} | {1000 * best / n_files:.1f} | {best / fx_best:.2f}x |")
    verdict = "meets" if va_best <= 2 * fx_best else "MISSES"
    print(f"\nTarget validate <= 2x fastexcel: {verdict} ({va_best / fx_best:.2f}x).")


if __name__ == "__main__":
    main()
