"""Test kpixl.isolation: untrusted parsing in worker processes; a worker's fault costs one finding.

The fault-injection engines in ``fault_engines.py`` abort the process, sleep
forever or allocate without end on files named so; every other file is read for
real. Each fault gives exactly one finding for its file, the other files are
validated (or consolidated) as if alone, and no input changes.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from kpixl import consolidate as cons
from kpixl import isolation
from kpixl.validate import check_workbook, validate

import workbooks as W

# Long enough for a real file on a loaded 2-core CI machine, short enough for the hang test.
TIMEOUT = 20.0
MEMORY = 256 * 1024 ** 2


def _digest(paths):
    return {str(p): hashlib.sha256(Path(p).read_bytes()).hexdigest() for p in paths}


@pytest.fixture()
def faulty_folder(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    W.write_workbook(folder / "a.xlsx")
    names = ["a.xlsx", "abort.xlsx", "b.xlsx", "hang.xlsx", "hog.xlsx", "c.xlsx"]
    for name in names[1:]:
        shutil.copy(folder / "a.xlsx", folder / name)
    return [folder / n for n in names]


EXPECTED = {"abort.xlsx": ("KPX190", "the spreadsheet reader crashed on this file (signal SIGABRT); it may be "
                                     "damaged or hostile: open it in Excel, save it again as .xlsx, and send it again"),
            "hang.xlsx": ("KPX191", "reading this file took longer than 20 s; it may be damaged or far larger than a "
                                    "department workbook: save it again from Excel, or allow more time with "
                                    "--file-timeout"),
            "hog.xlsx": ("KPX192", "reading this file needed more memory than 256 MB; it may be a decompression bomb "
                                   "or far larger than a department workbook: save it again from Excel")}


@pytest.mark.slow
@pytest.mark.parametrize("jobs", [1, 2])
def test_each_fault_costs_one_finding_and_the_run_goes_on(faulty_folder, jobs):
    before = _digest(faulty_folder)
    alone = check_workbook(faulty_folder[0], W.AS_OF)
    report = validate(faulty_folder, as_of=W.AS_OF, jobs=jobs, file_timeout=TIMEOUT, memory_limit=MEMORY,
                      task="fault_engines:check")
    assert report.files == [str(p) for p in faulty_folder]
    by_file: dict[str, list] = {}
    for finding in report.findings:
        by_file.setdefault(Path(finding.place.path).name, []).append(finding)
    for name, (code, message) in EXPECTED.items():
        assert [(f.code, f.severity, f.message) for f in by_file[name]] == [(code, "error", message)], name
    for name in ("a.xlsx", "b.xlsx", "c.xlsx"):  # read for real, before and after each fault
        assert [(f.code, f.message) for f in by_file.get(name, [])] == [(f.code, f.message) for f in alone.findings]
    assert report.kpi_count == 3 * len(alone.kpis) and report.measurement_count == 3 * len(alone.measurements)
    assert _digest(faulty_folder) == before


@pytest.mark.slow
def test_consolidate_leaves_out_only_the_faulty_files(faulty_folder, tmp_path):
    inputs = [p for p in faulty_folder if p.name in ("a.xlsx", "abort.xlsx", "hog.xlsx")]
    before = _digest(inputs)
    sources = cons.load_sources(inputs, W.AS_OF, jobs=1, file_timeout=TIMEOUT, memory_limit=MEMORY,
                                task="fault_engines:load")
    assert [s.path for s in sources] == [str(p) for p in inputs]
    assert [[f.code for f in s.errors] for s in sources] == [[], ["KPX190"], ["KPX192"]]
    assert sources[1].sha256 == before[str(inputs[1])]  # the Sources sheet still names the file's bytes
    assert sources[0].kpis and not sources[1].kpis
    assert _digest(inputs) == before


def test_the_pool_keeps_input_order_and_reuses_its_workers():
    with isolation.WorkerPool(2) as pool:
        pids = list(pool.map("os:getpid", [()] * 8))
        assert len(set(pids)) == 2  # two long-lived workers, not one process per item
        assert list(pool.map("builtins:abs", [(-n,) for n in range(10)])) == list(range(10))
    with isolation.WorkerPool(1) as pool:
        assert len(set(pool.map("os:getpid", [()] * 4))) == 1


def test_an_exception_in_a_task_is_raised_here_not_swallowed():
    with isolation.WorkerPool(1) as pool:
        with pytest.raises(isolation.WorkerError, match="ValueError"):
            pool.call("builtins:int", ("not a number",))
        assert pool.call("builtins:int", ("7",)) == 7  # the worker survives a raising task


def test_without_processes_the_tasks_run_here(monkeypatch):
    monkeypatch.setattr(isolation, "_processes_allowed", lambda: False)
    with isolation.WorkerPool(2) as pool:
        import os

        assert set(pool.map("os:getpid", [()] * 3)) == {os.getpid()}
