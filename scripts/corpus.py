"""Generate a corpus of filled department workbooks for benchmarks (validate, consolidate).

``make_corpus(folder, n_files, kpis=25, weeks=52)`` writes ``n_files`` workbooks of
``kpis`` weekly KPIs with ``weeks`` measurements each, reproducibly (seeded), in a
process pool. The default is the real department workbook users have, made by
``kpixl.template.write_template`` (native formulas, every template formula row);
``use_template=False`` writes lean workbooks with the test builders in
``tests/workbooks.py`` (tables only, no formula columns).

``make_kind_corpus(base, kind, n_files)`` gives the three kinds of input a company
sends, each in its own folder under ``base``:

* ``template``: made by ``kpixl template`` (XlsxWriter; every formula with its cached value);
* ``openpyxl``: each template workbook loaded with openpyxl and saved again, as a
  finance script or an ERP export fills one (formulas kept, no cached values);
* ``libreoffice``: each template workbook re-saved by LibreOffice
  (``soffice --convert-to xlsx``, a private profile so no desktop session interferes),
  as a person who opened and saved it in LibreOffice sends it (recalculated values).

The first ``distinct`` (default 20) of a converted kind are converted one by one; the
rest are copies of those with department and KPI IDs renamed, as for templates.
"""

from __future__ import annotations

import inspect
import os
import random
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START = date(2025, 1, 6)  # a Monday; 52 weeks end on 2026-01-04
AS_OF = START + timedelta(weeks=52)


def _template_writer():
    try:
        from kpixl.template import write_template
    except ImportError:
        return None
    params = inspect.signature(write_template).parameters
    return write_template if "kpis" in params and "measurements" in params else None


def make_corpus(folder: Path | str, n_files: int, kpis: int = 25, weeks: int = 52, *, language: str = "en",
                formulas: str = "native", use_template: bool = True, seed: int = 7, jobs: int | None = None,
                distinct: int = 100) -> list[Path]:
    """Write ``n_files`` department workbooks into ``folder`` and return their paths (sorted).

    Files already there (same name) are kept, so a corpus grows between runs; ``jobs``
    processes write the rest (default: every CPU). The first ``distinct`` files are
    written one by one (own seeded values); later ones are copies of those with the
    department and KPI IDs renamed, which is much faster for 1,000 files.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    todo = [(folder, f, kpis, weeks, language, formulas, use_template, seed) for f in range(min(n_files, distinct))
            if not (folder / _name(f)).exists()]
    clones = [(folder, f, f % distinct) for f in range(distinct, n_files) if not (folder / _name(f)).exists()]
    jobs = max(1, jobs or os.cpu_count() or 1)
    for work, items in ((_write_one, todo), (_clone_one, clones)):
        if jobs > 1 and len(items) > 1:
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                list(pool.map(work, items, chunksize=max(1, len(items) // (jobs * 8))))
        else:
            for args in items:
                work(args)
    return sorted(folder / _name(f) for f in range(n_files))


KINDS = ("template", "openpyxl", "libreoffice")


def make_kind_corpus(base: Path | str, kind: str, n_files: int, *, distinct: int = 20,
                     jobs: int | None = None) -> list[Path]:
    """Return ``n_files`` workbooks of input ``kind`` (see the module docstring) in ``base / kind``, made if missing."""
    base = Path(base)
    if kind == "template":
        return make_corpus(base / "template", n_files, jobs=jobs)
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; one of {', '.join(KINDS)}")
    count = min(n_files, distinct)
    sources = make_corpus(base / "template", count, jobs=jobs)
    folder = base / kind
    folder.mkdir(parents=True, exist_ok=True)
    todo = [path for path in sources if not (folder / path.name).exists()]
    if todo and kind == "openpyxl":
        items = [(path, folder / path.name) for path in todo]
        workers = max(1, jobs or os.cpu_count() or 1)
        if workers > 1 and len(items) > 1:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                list(pool.map(_resave_openpyxl, items))
        else:
            for item in items:
                _resave_openpyxl(item)
    elif todo:
        _resave_libreoffice(todo, folder)
    clones = [(folder, f, f % count) for f in range(count, n_files) if not (folder / _name(f)).exists()]
    for args in clones:
        _clone_one(args)
    return sorted(folder / _name(f) for f in range(n_files))


def _resave_openpyxl(item: tuple[Path, Path]) -> Path:
    """Load ``source`` with openpyxl and save it as ``target`` (formulas kept; openpyxl writes no cached values)."""
    import openpyxl

    source, target = item
    book = openpyxl.load_workbook(source)
    temp = target.with_suffix(".part.xlsx")
    book.save(temp)
    temp.replace(target)
    return target


def _resave_libreoffice(sources: list[Path], folder: Path) -> None:
    """Re-save ``sources`` into ``folder`` with LibreOffice in one headless run (a private, throw-away profile)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise RuntimeError("LibreOffice (soffice) is needed for the libreoffice kind")
    with tempfile.TemporaryDirectory(prefix="kpixl-lo-") as scratch:
        profile = Path(scratch) / "profile"
        out = Path(scratch) / "out"
        subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                        "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out),
                        *map(str, sources)], check=True, capture_output=True, timeout=3600)
        for source in sources:
            written = out / source.name
            if not written.exists():
                raise RuntimeError(f"LibreOffice did not write {source.name}")
            shutil.move(str(written), folder / source.name)


def _clone_one(args: tuple) -> Path:
    """Copy workbook number ``source`` as number ``f``: department and KPI IDs renamed in the parts holding them."""
    import zipfile

    folder, f, source = args
    old_department, new_department = f"Dept{source:03d}".encode(), f"Dept{f:03d}".encode()
    old_prefix, new_prefix = f"D{source:03d}-".encode(), f"D{f:03d}-".encode()
    target = folder / _name(f)
    temp = target.with_suffix(".tmp")
    with zipfile.ZipFile(folder / _name(source)) as original, \
            zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in original.infolist():
            data = original.read(info)
            if old_department in data or old_prefix in data:
                data = data.replace(old_department, new_department).replace(old_prefix, new_prefix)
            copy.writestr(info, data, compress_type=info.compress_type)
    temp.replace(target)
    return target


def _name(index: int) -> str:
    return f"Dept{index:03d}.xlsx" if index < 1000 else f"Dept{index}.xlsx"


def _write_one(args: tuple) -> Path:
    """Write department workbook number ``f`` (its own seeded values, so files differ but are reproducible)."""
    from kpixl.model import KpiRecord, MeasurementRecord

    folder, f, kpis, weeks, language, formulas, use_template, seed = args
    rng = random.Random(seed * 100_003 + f)
    deadline = START + timedelta(weeks=weeks) - timedelta(days=1)
    writer = _template_writer() if use_template else None
    department = f"Dept{f:03d}"
    records, values = [], []
    for k in range(kpis):
        kpi_id = f"D{f:03d}-{k:02d}"
        cumulative = k % 2 == 0
        records.append(KpiRecord(
            kpi_id=kpi_id, name=f"KPI {k} of {department}", level="low", parent_id=f"CO-{k % 4}",
            department=department, owner=f"Owner {k}", unit="count", direction="increase",
            aggregation="sum" if cumulative else "last", frequency="weekly", baseline=100.0,
            target=200.0 * weeks if cumulative else 150.0, start=START, deadline=deadline, weight=1.0,
            specific="What", measurable="How", attainable="Why possible", relevant="Why it matters"))
        for w in range(weeks):
            values.append(MeasurementRecord(kpi_id, START + timedelta(weeks=w, days=6),
                                            round(rng.uniform(90, 210), 2)))
    path = folder / _name(f)
    if writer is not None:
        writer(path, department=department, language=language, formulas=formulas, kpis=records,
               measurements=values, force=True)
    else:
        _write_with_builders(path, records, values, language)
    return path


def _write_with_builders(path: Path, records, values, language: str) -> None:
    tests = str(ROOT / "tests")
    if tests not in sys.path:
        sys.path.insert(0, tests)
    import workbooks
    from kpixl import schema

    kpi_keys = [c.key for c in schema.KPIS.input_columns]
    kpis = [{key: getattr(r, key) for key in kpi_keys} for r in records]
    measurements = [{"kpi_id": m.kpi_id, "period_end": m.period_end, "value": m.value} for m in values]
    workbooks.write_workbook(path, kpis=kpis, measurements=measurements, evaluations=[], language=language,
                             metadata_values={schema.NAME_DEPARTMENT: records[0].department})


if __name__ == "__main__":
    import tempfile

    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="kpixl-corpus-"))
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    for written in make_corpus(target, count):
        print(written)
