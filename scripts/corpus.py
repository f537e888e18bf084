"""Generate a corpus of filled department workbooks for benchmarks (validate, consolidate).

``make_corpus(folder, n_files, kpis=25, weeks=52)`` writes ``n_files`` workbooks of
``kpis`` weekly KPIs with ``weeks`` measurements each, reproducibly (seeded). It uses
``kpixl.template.write_template`` when that accepts prefilled KPIs and
measurements, and otherwise the test builders in ``tests/workbooks.py``.
"""

from __future__ import annotations

import inspect
import random
import sys
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
                formulas: str = "native", use_template: bool = True, seed: int = 7) -> list[Path]:
    """Write ``n_files`` department workbooks into ``folder`` and return their paths (sorted)."""
    from kpixl.model import KpiRecord, MeasurementRecord

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    deadline = START + timedelta(weeks=weeks) - timedelta(days=1)
    writer = _template_writer() if use_template else None
    paths = []
    for f in range(n_files):
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
        path = folder / f"{department}.xlsx"
        if writer is not None:
            writer(path, department=department, language=language, formulas=formulas, kpis=records,
                   measurements=values, force=True)
        else:
            _write_with_builders(path, records, values, language)
        paths.append(path)
    return sorted(paths)


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
