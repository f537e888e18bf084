"""Time a full LibreOffice recalculation of the demo's filled workbooks: this code against a baseline.

Run: ``python scripts/bench_recalc.py [--baseline REF] [--repeat N]``. The baseline is the
git revision ``REF`` (default ``main``), unpacked with ``git archive`` into a temporary
folder (no worktree). Each code writes the demo (``kpixl.demo.run_demo``, in its own
Python process) and LibreOffice converts each department workbook to xlsx with every
formula recalculated on load (the test harness's profile, ``tests/libreoffice.py``), one
soffice start per file; the two codes alternate, best of N per workbook of the CPU time
soffice spent (user + system, so Linux/macOS; a shared machine's load stretches wall
time, not CPU time). A one-formula workbook measures soffice's start-up, which is subtracted.

Prints a markdown table (the README's "Recalculation cost" figures).
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tarfile
import resource
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import libreoffice  # noqa: E402


def _unpack(ref: str, into: Path) -> Path:
    """Unpack revision ``ref`` of this repository into ``into``; return the folder."""
    data = subprocess.run(["git", "-C", str(ROOT), "archive", ref], check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        archive.extractall(into, filter="data")
    return into


def _demo(code: Path, out: Path) -> list[Path]:
    """Write the demo with the code in ``code``; return its department workbooks."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    script = "import sys; from pathlib import Path; from kpixl import demo; demo.run_demo(Path(sys.argv[1]))"
    subprocess.run([sys.executable, "-c", script, str(out)], check=True, env=env, capture_output=True)
    return sorted((out / "departments").glob("*.xlsx"))


def _startup(folder: Path, profile: Path) -> Path:
    import xlsxwriter

    path = folder / "one.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet().write_formula(0, 0, "=1+1", None, 2)
    wb.close()
    return path


def _time(path: Path, out: Path, profile: Path) -> float:
    """Return the CPU seconds (user + system) soffice and its children spent converting ``path``.

    CPU time, not wall time: the machines this runs on are shared, and another process's
    load stretches the wall time, not the CPU time the recalculation costs.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    libreoffice.recalculate(path, out, profile=profile)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="main", help="git revision to compare with (default: main)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kpixl-bench-recalc-") as temp:
        folder = Path(temp)
        profile = libreoffice.make_profile(folder / "profile")
        base = _unpack(args.baseline, folder / "baseline")
        books = {"baseline": _demo(base, folder / "demo-baseline"), "this": _demo(ROOT, folder / "demo-this")}
        one = _startup(folder, profile)
        _time(one, folder / "out", profile)  # the profile's first start is slower
        startup = min(_time(one, folder / "out", profile) for _ in range(args.repeat))
        best: dict[tuple[str, str], float] = {}
        for _ in range(args.repeat):
            for code, paths in books.items():
                for path in paths:
                    seconds = _time(path, folder / "out" / code, profile) - startup
                    key = (code, path.stem)
                    best[key] = min(best.get(key, seconds), seconds)
        print(f"LibreOffice full recalculation, CPU seconds, best of {args.repeat}, soffice start-up "
              f"({startup:.2f} s) subtracted; baseline = {args.baseline}\n")
        print("| workbook | baseline (s) | this (s) | ratio |")
        print("| --- | ---: | ---: | ---: |")
        totals = [0.0, 0.0]
        for path in books["this"]:
            old, new = best[("baseline", path.stem)], best[("this", path.stem)]
            totals[0] += old
            totals[1] += new
            print(f"| {path.stem} | {old:.2f} | {new:.2f} | {new / old:.2f} |")
        print(f"| all four | {totals[0]:.2f} | {totals[1]:.2f} | {totals[1] / totals[0]:.2f} |")


if __name__ == "__main__":
    main()
