"""Benchmark ``kpixl consolidate`` against the I/O floor and the naive pandas route, in one run.

Corpus: N department workbooks of 25 KPIs x 52 weekly measurements (``scripts/corpus.py``)
plus one HQ workbook holding the high-level KPIs they roll up to; by default the real
workbooks users have (``kpixl.template.write_template``), ``--builders`` the lean
test-builder ones. Figures printed as markdown tables:

* speed at ``--compare`` files (default 100), best of ``--repeat`` interleaved runs, in
  wall-clock seconds and in CPU seconds (the worker processes' included; on a shared
  machine the wall clock mostly measures the other processes):
  consolidate with ``--jobs 1`` and ``2``; the I/O floor: fastexcel reading every sheet
  of every input, plus XlsxWriter in constant_memory mode writing the same rows the
  company workbook holds once (each KPI row as read, and each measurement row with the
  company sheet's eight columns: department, source file, KPI ID, period end, value,
  entered by, note, origin cell); for reference, XlsxWriter writing every row of the
  KPIs and Measurements sheets as read (template workbooks carry ~1,700 blank formula
  rows each, so that "floor" is mostly blank rows); the naive route
  (``pandas.read_excel(sheet_name=None, engine="openpyxl")`` per file, concat,
  ``to_excel(engine="openpyxl")``) on ``--naive-files`` files, scaled linearly;
* peak memory and time per size (``--sizes``, default 10,100,1000), each in a fresh
  subprocess (``VmHWM`` of the child);
* the cost of the month-by-month history (``kpixl.consolidate.history``: the History sheet and the
  Summary's changes; 13 dates for the corpus' year): consolidate ``--jobs 1`` with and
  without it (the without run replaces the two writers by no-ops, as before the
  history existed), interleaved, in seconds and CPU seconds of the process (the target
  is judged on CPU seconds, which other processes on a shared machine disturb far
  less), and ``compute_history`` alone. ``--history-only`` runs
  just this comparison.

``--baseline DIR`` also times ``consolidate --jobs 1`` of another kpixl source tree (say main's:
``git archive main | tar -x -C DIR``) in the same run, interleaved, in a fresh warmed-up process:
before and after a change, measured under the same load.

``--kinds template,openpyxl,libreoffice`` measures only consolidate ``--jobs 1`` against the
I/O floor on each input kind (``scripts/corpus.py``: made by ``kpixl template``, re-saved by
openpyxl without cached values, re-saved by LibreOffice; the HQ workbook is template-made in
each), interleaved, best of ``--repeat``, at ``--compare`` files; then, for each of
``--sizes``, consolidate in a fresh process (seconds, CPU seconds, peak memory) and the floor
at the same size, so the cost per workbook and the ratio to the floor can be read at 100 and
at 1,000 (``--sizes 100,1000``).

``--scale --sizes 100,1000 --repeat 2 [--baseline DIR]`` measures only the scale (issue 23):
at each size, consolidate in a fresh process (seconds, CPU seconds with the workers', its own
peak memory and the peak of its whole process tree), the baseline the same way, and the
I/O floor at that size, interleaved; then the CPU per workbook at the largest size against
the smallest (target <= 1.15x), consolidate against the floor at the largest (<= 1.3x) and
the process tree's peak (<= 500 MB).

Usage: python scripts/bench_consolidate.py [--sizes 10,100,1000] [--compare 100] [--corpus DIR]
[--builders] [--naive-files N] [--repeat N] [--history-only] [--baseline DIR]
[--kinds template,openpyxl,libreoffice] [--scale]. The corpus is cached in ``--corpus`` between runs.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "tests"))

from corpus import AS_OF, KINDS, START, make_corpus, make_kind_corpus  # noqa: E402

HQ_IDS = tuple(f"CO-{k}" for k in range(4))  # corpus KPIs name these parents


def write_hq(folder: Path, template: bool) -> Path:
    """Write the HQ workbook with the high-level KPIs the corpus rolls up to (unmeasured: score = roll-up)."""
    path = folder / "HQ.xlsx"
    if path.exists():
        return path
    from datetime import timedelta

    deadline = START + timedelta(weeks=52) - timedelta(days=1)
    if template:
        from kpixl.model import KpiRecord
        from kpixl.template import write_template

        records = [KpiRecord(kpi_id=k, name=f"Company goal {k}", level="high", owner="CFO", direction="increase",
                             aggregation="last", frequency="weekly", target=1.0, start=START, deadline=deadline,
                             specific="a", measurable="b", attainable="c", relevant="d") for k in HQ_IDS]
        write_template(path, department="HQ", formulas="native", kpis=records)
    else:
        import workbooks
        from kpixl import schema

        rows = [workbooks.kpi_row(k, level="high", department="HQ", frequency="weekly", start=START,
                                  deadline=deadline, aggregation="last", baseline=None, target=1.0) for k in HQ_IDS]
        workbooks.write_workbook(path, kpis=rows, measurements=[], evaluations=[],
                                 metadata_values={schema.NAME_DEPARTMENT: "HQ"})
    return path


def corpus(folder: Path, n: int, template: bool) -> list[Path]:
    """Return HQ + the first ``n`` department workbooks, writing what is missing (in a process pool)."""
    folder.mkdir(parents=True, exist_ok=True)
    if len(list(folder.glob("Dept*.xlsx"))) < n:
        print(f"writing a corpus of {n} workbooks into {folder} ...", file=sys.stderr, flush=True)
    have = make_corpus(folder, n, use_template=template)
    return [write_hq(folder, template)] + have[:n]


# ------------------------------------------------------------------ routes

def cpu_seconds() -> float:
    """Return the CPU seconds of this process and of its finished worker processes (user + system)."""
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def run_consolidate(paths: list[Path], out: Path, jobs: int, cpu: list[float] | None = None) -> float:
    """Return the seconds of one consolidation; append its CPU seconds (workers included) to ``cpu`` if given."""
    from kpixl.consolidate import consolidate

    started, started_cpu = time.perf_counter(), cpu_seconds()
    consolidate(paths, out, as_of=AS_OF, jobs=jobs, force=True)
    if cpu is not None:
        cpu.append(cpu_seconds() - started_cpu)
    return time.perf_counter() - started


def run_history_comparison(paths: list[Path], out: Path, repeat: int) -> dict[str, float]:
    """Return the best seconds of consolidate --jobs 1 with and without the history, and of computing it alone."""
    from unittest import mock

    from kpixl.consolidate import history, history_out
    from kpixl.consolidate import consolidate

    # CPU seconds of this process too: on a shared machine they vary far less than wall-clock time.
    runs: dict[str, list[float]] = {"with": [], "without": [], "compute": [], "with_cpu": [], "without_cpu": []}
    for _ in range(repeat):
        cpu = time.process_time()
        runs["with"].append(run_consolidate(paths, out / "h1.xlsx", 1))
        runs["with_cpu"].append(time.process_time() - cpu)
        with mock.patch.object(history_out, "write_history_sheet", lambda *a, **k: None), \
                mock.patch.object(history_out, "write_changes", lambda *a, **k: None):
            cpu = time.process_time()
            runs["without"].append(run_consolidate(paths, out / "h0.xlsx", 1))
            runs["without_cpu"].append(time.process_time() - cpu)
        result = consolidate(paths, out / "h2.xlsx", as_of=AS_OF, force=True)
        started = time.perf_counter()
        computed = history.compute_history(result.company)
        runs["compute"].append(time.perf_counter() - started)
    best = {k: min(v) for k, v in runs.items()}
    best["dates"] = len(computed.dates)
    best["kpis"] = len(computed.lines)
    return best


def print_history(figures: dict[str, float], files: int, repeat: int) -> None:
    with_, without = figures["with"], figures["without"]
    extra = with_ / without - 1
    print(f"## history: {files} department workbooks + HQ, {figures['kpis']:.0f} KPIs x {figures['dates']:.0f} dates "
          f"(best of {repeat}, interleaved)\n")
    extra_cpu = figures["with_cpu"] / figures["without_cpu"] - 1
    print("| consolidate --jobs 1 | seconds | CPU seconds |")
    print("| --- | ---: | ---: |")
    print(f"| without the history (History sheet and Summary changes left out) | {without:.2f} "
          f"| {figures['without_cpu']:.2f} |")
    print(f"| with the history | {with_:.2f} | {figures['with_cpu']:.2f} |")
    print(f"| compute_history alone | {figures['compute']:.3f} | |")
    # Judged on CPU seconds: on a shared machine the wall clock mostly measures the other processes.
    print(f"\nTarget: the history adds at most 20% (CPU): {'yes' if extra_cpu <= 0.2 else 'NO'} "
          f"({extra_cpu:+.1%} CPU, {extra:+.1%} wall clock)\n")


def run_floor(paths: list[Path], out: Path, raw: Path | None = None) -> tuple[float, float, float]:
    """Return (read s, write s, raw write s): fastexcel every sheet; XlsxWriter the company's rows once.

    The rows written are the company workbook's: each KPI row of the KPIs table as read,
    and each measurement row (KPI ID filled in) with the company sheet's eight columns.
    ``raw`` also writes every row of the KPIs and Measurements sheets as read (blank
    template rows included), the previous definition of this floor.
    """
    import fastexcel
    import xlsxwriter

    started = time.perf_counter()
    kept: dict[str, list] = {"KPIs": [], "Measurements": []}
    for path in paths:
        reader = fastexcel.read_excel(str(path))
        for name in reader.sheet_names:
            table = reader.load_sheet(name, header_row=None).to_arrow()
            if name in kept:
                kept[name].append((path, table))
    read = time.perf_counter() - started
    started = time.perf_counter()
    book = xlsxwriter.Workbook(str(out), {"constant_memory": True})
    r = 0
    sheet = book.add_worksheet("KPIs")
    for _path, table in kept["KPIs"]:
        for row in zip(*(column.to_pylist() for column in table.columns)):
            if row[0] is not None:
                sheet.write_row(r, 0, row)
                r += 1
    sheet = book.add_worksheet("Measurements")
    r = 0
    for path, table in kept["Measurements"]:
        department, source = path.stem, str(path)
        columns = [column.to_pylist() for column in table.columns[:5]]
        for index, row in enumerate(zip(*columns)):
            if row[0] is not None and index:
                sheet.write_row(r, 0, (department, source) + row + (f"Measurements!A{index + 1}",))
                r += 1
    book.close()
    write = time.perf_counter() - started
    raw_write = 0.0
    if raw is not None:
        started = time.perf_counter()
        book = xlsxwriter.Workbook(str(raw), {"constant_memory": True})
        for name, tables in kept.items():
            sheet = book.add_worksheet(name)
            r = 0
            for _path, table in tables:
                for row in zip(*(column.to_pylist() for column in table.columns)):
                    sheet.write_row(r, 0, row)
                    r += 1
        book.close()
        raw_write = time.perf_counter() - started
    return read, write, raw_write


def run_naive(paths: list[Path], out: Path) -> float:
    import pandas as pd

    started = time.perf_counter()
    frames: dict[str, list] = {}
    for path in paths:
        for name, frame in pd.read_excel(path, sheet_name=None, engine="openpyxl").items():
            frames.setdefault(name, []).append(frame)
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        for name, parts in frames.items():
            pd.concat(parts, ignore_index=True).to_excel(writer, sheet_name=name[:31], index=False)
    return time.perf_counter() - started


def child(folder: Path, n: int, out: Path, jobs: int, warm: bool = False) -> None:
    """Run one consolidation (in a fresh process) and print seconds, CPU seconds and peak RSS as JSON.

    ``warm``: first consolidate three files, as the in-process runs do (imports, page cache).
    """
    paths = [folder / "HQ.xlsx"] + sorted(folder.glob("Dept*.xlsx"))[:n]
    if warm:
        run_consolidate(paths[:3], out, 1)
    cpu: list[float] = []
    seconds = run_consolidate(paths, out, jobs, cpu)
    print(json.dumps({"seconds": seconds, "cpu": cpu[0], "peak_mb": peak_mb()}))


def peak_mb() -> float:
    """Return this process's peak resident memory in MB.

    Linux keeps ru_maxrss across exec (a child would report the bench's own peak),
    so VmHWM of /proc/self/status is used where it exists.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024  # bytes on macOS, KB elsewhere
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale


def _tree_rss_mb(root: int) -> float:
    """Return the resident memory of process ``root`` and all its descendants, in MB (Linux /proc; 0 elsewhere)."""
    total, frontier = 0, [root]
    while frontier:
        pid = frontier.pop()
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1])
            for task in Path(f"/proc/{pid}/task").iterdir():
                frontier += [int(child) for child in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue  # it ended meanwhile (or there is no /proc)
    return total * os.sysconf("SC_PAGE_SIZE") / 2**20


def measure_child(folder: Path, n: int, out: Path, jobs: int = 1, source: Path | None = None) -> dict:
    """Return what :func:`child` prints, plus ``tree_mb``; ``source``: import kpixl from that source tree (a baseline).

    ``tree_mb`` is the peak resident memory of the whole process tree (the consolidating
    process and its worker processes together), sampled every 50 ms: what the machine
    must hold, where ``peak_mb`` is the consolidating process's own high-water mark.
    """
    env = dict(os.environ, PYTHONPATH=str(source)) if source is not None else None
    warm = ["--warm"] if source is not None else []
    with subprocess.Popen([sys.executable, __file__, "--child", str(folder), str(n), str(out), str(jobs), *warm],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) as running:
        tree = 0.0
        while running.poll() is None:
            tree = max(tree, _tree_rss_mb(running.pid))
            time.sleep(0.05)
        stdout, stderr = running.communicate()
    if running.returncode:
        raise RuntimeError(f"the measured consolidation failed:\n{stderr}")
    return {**json.loads(stdout.strip().splitlines()[-1]), "tree_mb": tree}


# ------------------------------------------------------------------ input kinds

def kind_corpus(base: Path, kind: str, n: int) -> list[Path]:
    """Return HQ (template-made) + ``n`` department workbooks of input ``kind``, writing what is missing."""
    paths = make_kind_corpus(base, kind, n)
    return [write_hq(base / kind, True)] + paths


def run_kinds(base: Path, kinds: list[str], compare: int, sizes: list[int], repeat: int) -> None:
    """Print, per input kind, consolidate --jobs 1 against the I/O floor (interleaved), then per size."""
    summary = []
    for kind in kinds:
        paths = kind_corpus(base, kind, max(sizes + [compare]))
        speed = paths[:compare + 1]
        one_cpu: list[float] = []
        floor_cpu: list[float] = []
        ones, floors = [], []
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp)
            run_consolidate(speed[:3], out / "warm.xlsx", 1)  # imports and page cache
            for _ in range(repeat):
                ones.append(run_consolidate(speed, out / "c1.xlsx", 1, one_cpu))
                started, started_cpu = time.perf_counter(), cpu_seconds()
                run_floor(speed, out / "floor.xlsx")
                floors.append(time.perf_counter() - started)
                floor_cpu.append(cpu_seconds() - started_cpu)
            scale = []
            for n in sizes:
                figures = measure_child(base / kind, n, out / f"m{n}.xlsx")
                started, started_cpu = time.perf_counter(), cpu_seconds()
                run_floor(paths[:n + 1], out / f"f{n}.xlsx")
                scale.append((n, figures, time.perf_counter() - started, cpu_seconds() - started_cpu))
        one, floor, cpu, fcpu = min(ones), min(floors), min(one_cpu), min(floor_cpu)
        print(f"## consolidate, kind {kind}: {compare} department workbooks + HQ, {compare * 25 * 52:,} measurements "
              f"({os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}, best of {repeat}, interleaved)\n")
        print(f"| route ({kind}) | seconds | vs I/O floor | CPU seconds | CPU vs I/O floor |")
        print("| --- | ---: | ---: | ---: | ---: |")
        print(f"| I/O floor: fastexcel read + XlsxWriter writing the company rows | {floor:.2f} | 1.00x | {fcpu:.2f} "
              f"| 1.00x |")
        print(f"| kpixl consolidate --jobs 1 | {one:.2f} | {one / floor:.2f}x | {cpu:.2f} | {cpu / fcpu:.2f}x |\n")
        if scale:
            print(f"| workbooks ({kind}) | consolidate s | CPU s | per workbook (ms CPU) | floor CPU s "
                  "| CPU vs floor | peak memory MB |")
            print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
            for n, figures, _floor_s, floor_n_cpu in scale:
                print(f"| {n} | {figures['seconds']:.2f} | {figures['cpu']:.2f} | {1000 * figures['cpu'] / n:.1f} "
                      f"| {floor_n_cpu:.2f} | {figures['cpu'] / floor_n_cpu:.2f}x | {figures['peak_mb']:.0f} |")
            print()
        summary.append((kind, one / floor, cpu / fcpu))
    print("Summary, consolidate --jobs 1 against the I/O floor (target <= 1.3x):")
    for kind, wall, cpu in summary:
        print(f"  {kind}: wall {wall:.2f}x, CPU {cpu:.2f}x: {'meets' if max(wall, cpu) <= 1.3 else 'MISSES'}")


# ------------------------------------------------------------------ scale

def run_scale(base: Path, sizes: list[int], repeat: int, baseline: Path | None, jobs: int = 1,
              baseline_sizes: list[int] | None = None) -> None:
    """Print consolidate at each size against the I/O floor at that size, interleaved, ``repeat`` times.

    Each consolidation runs in a fresh process (``--jobs``), with its CPU seconds (workers
    included), its own peak memory and the peak of its whole process tree; ``baseline``
    (another source tree) is run the same way right before it, under the same load. The
    floor (:func:`run_floor`) runs in this process between them. Template-made inputs.
    ``baseline_sizes``: the sizes the baseline runs at (default every size; a baseline that is
    slow at the largest may be left out there).
    """
    paths = kind_corpus(base, "template", max(sizes))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        run_consolidate(paths[:3], out / "warm.xlsx", 1)  # imports and page cache
        for attempt in range(repeat):
            for n in sizes:
                if baseline is not None and (baseline_sizes is None or n in baseline_sizes):
                    rows.append((n, attempt, "baseline", measure_child(base / "template", n, out / "b.xlsx", jobs,
                                                                       baseline)))
                rows.append((n, attempt, "kpixl", measure_child(base / "template", n, out / "k.xlsx", jobs)))
                started, started_cpu = time.perf_counter(), cpu_seconds()
                run_floor(paths[:n + 1], out / "floor.xlsx")
                rows.append((n, attempt, "floor", {"seconds": time.perf_counter() - started,
                                                   "cpu": cpu_seconds() - started_cpu}))
    print(f"## consolidate at scale: template-made department workbooks + HQ, --jobs {jobs} "
          f"({os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}, {repeat} interleaved runs)\n")
    print("| workbooks | run | route | seconds | CPU s | CPU ms per workbook | CPU vs floor | own peak MB "
          "| process tree peak MB |")
    print("| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    floors = {(n, a): f["cpu"] for n, a, route, f in rows if route == "floor"}
    for n, attempt, route, f in rows:
        ratio = f"{f['cpu'] / floors[(n, attempt)]:.2f}x" if route != "floor" else "1.00x"
        peaks = (f"{f['peak_mb']:.0f} | {f['tree_mb']:.0f}" if "peak_mb" in f else " | ")
        print(f"| {n} | {attempt + 1} | {route} | {f['seconds']:.2f} | {f['cpu']:.2f} | {1000 * f['cpu'] / n:.1f} "
              f"| {ratio} | {peaks} |")
    print()
    for route in ("baseline", "kpixl") if baseline is not None else ("kpixl",):
        measured = sorted({m for m, _, r, _f in rows if r == route})
        if len(measured) < 2:
            continue
        best = {n: min((f for m, _, r, f in rows if m == n and r == route), key=lambda f: f["cpu"]) for n in measured}
        floor = {n: min(f["cpu"] for m, _, r, f in rows if m == n and r == "floor") for n in sizes}
        small, large = min(measured), max(measured)
        growth = (best[large]["cpu"] / large) / (best[small]["cpu"] / small)
        tree = max(f["tree_mb"] for m, _, r, f in rows if r == route)
        print(f"{route}: CPU per workbook at {large} / at {small}: {growth:.2f}x (target <= 1.15x); CPU vs floor at "
              f"{large}: {best[large]['cpu'] / floor[large]:.2f}x (target <= 1.3x); process tree peak {tree:.0f} MB "
              f"(target <= 500 MB)")


# ------------------------------------------------------------------ main

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,100,1000", help="department workbook counts for the memory curve")
    parser.add_argument("--compare", type=int, default=100, help="files for the speed comparison")
    parser.add_argument("--naive-files", type=int, default=None,
                        help="files for the naive route, scaled linearly (default 10 for templates, else --compare)")
    parser.add_argument("--corpus", type=Path, default=Path(tempfile.gettempdir()) / "kpixl-bench-corpus")
    parser.add_argument("--builders", action="store_true", help="lean test-builder workbooks instead of templates")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--history-only", action="store_true", help="only compare consolidate with/without history")
    parser.add_argument("--baseline", type=Path, default=None,
                        help="another kpixl source tree (e.g. `git archive main` unpacked): its consolidate "
                             "--jobs 1 is timed in the same run, interleaved, in a fresh process")
    parser.add_argument("--kinds", default=None,
                        help=f"only consolidate against the floor on these input kinds ({','.join(KINDS)})")
    parser.add_argument("--scale", action="store_true",
                        help="only consolidate at each of --sizes (e.g. 100,1000) against the I/O floor at that size, "
                             "in fresh processes: CPU per workbook, peak memory of the process tree; with --baseline")
    parser.add_argument("--baseline-sizes", default=None,
                        help="with --scale: the sizes the baseline runs at (default: every size)")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    parser.add_argument("--warm", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        folder, n, out, jobs = args.child
        child(Path(folder), int(n), Path(out), int(jobs), args.warm)
        return

    template = not args.builders
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if args.scale:
        run_scale(args.corpus, sizes, args.repeat, args.baseline,
                  baseline_sizes=[int(s) for s in args.baseline_sizes.split(",")] if args.baseline_sizes else None)
        return
    if args.kinds:
        run_kinds(args.corpus, [k for k in args.kinds.split(",") if k], args.compare, sizes, args.repeat)
        return
    folder = args.corpus / ("template" if template else "builders")
    all_paths = corpus(folder, max(sizes + [args.compare]), template)
    paths = all_paths[:args.compare + 1]
    if args.history_only:
        with tempfile.TemporaryDirectory() as tmp:
            run_consolidate(paths[:3], Path(tmp) / "warm.xlsx", 1)
            print_history(run_history_comparison(paths, Path(tmp), args.repeat), len(paths) - 1, args.repeat)
        return
    n_naive = args.naive_files if args.naive_files is not None else (min(10, args.compare) if template
                                                                     else args.compare)
    measurements = (len(paths) - 1) * 25 * 52
    runs: dict[str, list[float]] = {"one": [], "two": [], "read": [], "write": [], "raw": [], "one_cpu": [],
                                    "two_cpu": [], "floor_cpu": [], "base": [], "base_cpu": []}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        curve = [(n, measure_child(folder, n, out / f"m{n}.xlsx")) for n in sizes]
        run_consolidate(paths[:3], out / "warm.xlsx", 1)  # imports and page cache
        for attempt in range(args.repeat):
            if args.baseline is not None:
                figures = measure_child(folder, args.compare, out / "base.xlsx", 1, args.baseline)
                runs["base"].append(figures["seconds"])
                runs["base_cpu"].append(figures["cpu"])
            runs["one"].append(run_consolidate(paths, out / "c1.xlsx", 1, runs["one_cpu"]))
            runs["two"].append(run_consolidate(paths, out / "c2.xlsx", 2, runs["two_cpu"]))
            started_cpu = cpu_seconds()
            read, write, _ = run_floor(paths, out / "floor.xlsx")
            runs["floor_cpu"].append(cpu_seconds() - started_cpu)
            if attempt == 0:
                _, _, raw = run_floor(paths, out / "floor2.xlsx", out / "raw.xlsx")
            runs["read"].append(read)
            runs["write"].append(write)
            if attempt == 0:
                runs["raw"].append(raw)
        history_figures = run_history_comparison(paths, out, args.repeat)
        naive = run_naive(paths[:n_naive + 1], out / "naive.xlsx")
        naive_scaled = naive * (len(paths) / (n_naive + 1))
    one, two = min(runs["one"]), min(runs["two"])
    read, write = min(runs["read"]), min(runs["write"])
    floor = read + write
    one_cpu, two_cpu, floor_cpu = min(runs["one_cpu"]), min(runs["two_cpu"]), min(runs["floor_cpu"])
    kind = "template" if template else "lean test-builder"
    print(f"## consolidate: {len(paths) - 1} {kind} department workbooks + HQ, {measurements:,} measurements "
          f"({os.cpu_count()} CPUs, best of {args.repeat})\n")
    # CPU seconds count the worker processes too; on a shared machine they vary far less than the wall clock.
    print("| route | seconds | vs I/O floor | CPU seconds | CPU vs I/O floor |")
    print("| --- | ---: | ---: | ---: | ---: |")
    print(f"| I/O floor: fastexcel read ({read:.2f} s) + XlsxWriter writing the company rows ({write:.2f} s) "
          f"| {floor:.2f} | 1.00x | {floor_cpu:.2f} | 1.00x |")
    routes = [("--jobs 1", one, one_cpu), ("--jobs 2", two, two_cpu)]
    if runs["base"]:
        routes.insert(0, (f"--jobs 1 of the baseline {args.baseline.name}", min(runs["base"]), min(runs["base_cpu"])))
    for label, wall, cpu in routes:
        print(f"| kpixl consolidate {label} | {wall:.2f} | {wall / floor:.2f}x | {cpu:.2f} | {cpu / floor_cpu:.2f}x |")
    label = "" if n_naive == args.compare else f" ({n_naive} files, scaled to {len(paths) - 1})"
    print(f"| naive pandas + openpyxl{label} | {naive_scaled:.2f} | {naive_scaled / floor:.2f}x | | |")
    print(f"| (reference) fastexcel read + XlsxWriter writing every sheet row as read, blank template rows "
          f"included ({runs['raw'][0]:.2f} s) | {read + runs['raw'][0]:.2f} | {(read + runs['raw'][0]) / floor:.2f}x "
          f"| | |")
    print()
    print(f"Targets: consolidate --jobs 1 within 1.3x the floor (issue 11): wall clock "
          f"{'yes' if one <= 1.3 * floor else 'NO'} ({one / floor:.2f}x), CPU "
          f"{'yes' if one_cpu <= 1.3 * floor_cpu else 'NO'} ({one_cpu / floor_cpu:.2f}x); "
          "at least 10x faster than naive: "
          f"{'yes' if naive_scaled >= 10 * one else 'NO'} ({naive_scaled / one:.1f}x); "
          f"--jobs 2 faster than 1: {'yes' if two < one else 'NO'} ({one / two:.2f}x)\n")
    print_history(history_figures, len(paths) - 1, args.repeat)
    print("| department workbooks | measurements | seconds (--jobs 1) | per workbook (ms) | peak memory MB |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    for n, figures in curve:
        print(f"| {n} | {n * 25 * 52:,} | {figures['seconds']:.2f} | {1000 * figures['seconds'] / n:.1f} "
              f"| {figures['peak_mb']:.0f} |")


if __name__ == "__main__":
    main()
