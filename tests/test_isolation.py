"""Test kpixl.isolation: untrusted parsing in worker processes; a worker's fault costs one finding.

The fault-injection engines in ``fault_engines.py`` abort the process, sleep
forever or allocate without end on files named so; every other file is read for
real. Each fault gives exactly one finding for its file, the other files are
validated (or consolidated) as if alone, and no input changes.
"""

from __future__ import annotations

import hashlib
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
    names = ["a.xlsx", "abort.xlsx", "b.xlsx", "hang.xlsx", "hog.xlsx", "c.xlsx"]
    for name in names:
        # The same KPIs, each file with its own note: no file is a byte-identical copy of another (KPX606).
        W.write_workbook(folder / name, measurements=[dict(m, note=name) for m in W.default_measurements()])
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


def page_faults_of_big_buffers(size: int = 40 * 1024 ** 2, times: int = 5) -> int:
    """Return the page faults of filling and freeing a ``size`` buffer ``times`` over (a worker's task here)."""
    import resource

    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(times):
        buffer = bytearray(size)
        buffer[::4096] = b"x" * len(buffer[::4096])
        del buffer
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before


def _glibc() -> bool:
    import ctypes
    import sys

    return sys.platform.startswith("linux") and hasattr(ctypes.CDLL(None), "mallopt")


@pytest.mark.skipif(not _glibc(), reason="no glibc malloc to tune")
def test_a_worker_keeps_the_memory_one_file_freed_for_the_next(monkeypatch):
    """A worker's malloc serves the next file's sheet buffers from memory already mapped (issue 23)."""
    pages = 40 * 1024 ** 2 // 4096
    with isolation.WorkerPool(1) as pool:
        assert pool.call("test_isolation:page_faults_of_big_buffers", ()) < 2 * pages  # the first buffer's pages, once
    # With glibc's own thresholds every buffer of 40 MB is a fresh mapping, its pages zero-filled again.
    monkeypatch.setattr(isolation, "_keep_freed_memory", lambda: False)
    with isolation.WorkerPool(1) as pool:
        assert pool.call("test_isolation:page_faults_of_big_buffers", ()) > 4 * pages


def collector_state() -> tuple[int, int]:
    """Return this process's young-generation threshold and how many objects the collector leaves alone (frozen)."""
    import gc

    return gc.get_threshold()[0], gc.get_freeze_count()


def collections_while_building(count: int = 30_000) -> int:
    """Return how many young collections building ``count`` records takes in this process."""
    import gc

    from kpixl.model import MeasurementRecord, Place

    before = gc.get_stats()[0]["collections"]
    records = [MeasurementRecord("A", W.START, 1.0, place=place) for place in Place.of_cells("p", "s", ["A1"] * count)]
    assert len(records) == count
    return gc.get_stats()[0]["collections"] - before


def test_a_worker_keeps_the_collector_off_what_it_inherited_and_off_each_files_records():
    """The records a worker builds for a file do not set the cyclic collector walking (issue 23)."""
    with isolation.WorkerPool(1) as pool:
        threshold, frozen = pool.call("test_isolation:collector_state", ())
        assert threshold == isolation.GC_YOUNG and frozen > 10_000  # the modules and catalogues inherited
        assert pool.call("test_isolation:collections_while_building", ()) <= 2 * 60_000 // isolation.GC_YOUNG + 1
    # In this process, with Python's defaults, the same records cost dozens of collections.
    assert collections_while_building() > 40


# ------------------------------------------------------------------ what a worker pre-checks

def _hostile(path: Path, rows: bytes) -> None:
    """Append raw rows to the Measurements sheet of ``path`` (a sheet the parser may not survive)."""
    part = W.sheet_part(path, "Measurements")
    W.rezip(path, lambda name, data: data.replace(b"</sheetData>", rows + b"</sheetData>") if name == part else None)


def _odd_inputs(folder: Path) -> list[Path]:
    """Return workbooks whose input cells hold a formula without a saved value (KPX208) or an error (KPX209)."""
    nocache, error = folder / "nocache.xlsx", folder / "error.xlsx"
    W.write_workbook(nocache, kpis=[W.kpi_row(target=W.Formula("=1000+200"))])
    layout = W.write_workbook(error, measurements=[W.measurement_row(value=W.Formula("=1/0", 0)),
                                                   W.measurement_row(note=W.Formula('=""&1', "1"))])
    part, cell = W.sheet_part(error, "Measurements"), layout.cell("Measurements", 0, "value")
    note = layout.cell("Measurements", 1, "note")
    W.rezip(error, lambda name, data: data.replace(
        f'<c r="{cell}"><f>1/0</f><v>0</v></c>'.encode(), f'<c r="{cell}" t="e"><f>1/0</f><v>#DIV/0!</v></c>'.encode())
        .replace(f'<c r="{note}" t="str"><f>""&amp;1</f><v>1</v></c>'.encode(),
                 f'<c r="{note}" t="e"><v>#N/A</v></c>'.encode()) if name == part else None)
    return [nocache, error]


def test_a_worker_scans_only_the_input_cells_and_finds_the_same(tmp_path):
    """A worker skips the whole-sheet bounds scan; its input-cell scan finds what the whole scan finds."""
    from kpixl import reader

    for path in _odd_inputs(tmp_path):
        whole, light = reader.precheck(path), reader.precheck(path, bound_sheets=False)
        assert whole.bounded and not light.bounded
        assert dict(light.sheets) == dict(whole.sheets) and any(
            scan.formulas_without_value or scan.error_cells for scan in whole.sheets.values())


def test_odd_input_cells_give_the_same_findings_in_a_worker(tmp_path):
    paths = _odd_inputs(tmp_path)
    alone = [check_workbook(p, W.AS_OF) for p in paths]
    report = validate(paths, as_of=W.AS_OF, jobs=1, file_timeout=TIMEOUT)
    assert [str(f) for f in report.findings] == [str(f) for wb in alone for f in wb.findings]
    assert sorted({f.code for f in report.findings} & {"KPX208", "KPX209"}) == ["KPX208", "KPX209"]
    assert [f.place.cell for f in report.findings if f.code == "KPX209"] == ["C2", "E3"]


@pytest.mark.slow
@pytest.mark.parametrize("rows", [
    b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',  # calamine aborts on this (tafia/calamine#693)
    b"<row r='7'><c r='XFD1048576'><v>1</v></c></row>",
    b'<row r="5"><c r="A' + b"9" * 80 + b'"><v>1</v></c></row>',
], ids=["huge cell", "single quotes", "long row digits"])
def test_a_sheet_beyond_the_limits_gets_the_same_finding_through_a_worker(tmp_path, capfd, rows):
    """The worker's parser meets the sheet (and may die); the finding is the whole-sheet scan's, said once."""
    from kpixl import reader
    from kpixl.errors import WorkbookError

    hostile, fine = tmp_path / "hostile.xlsx", tmp_path / "fine.xlsx"
    W.write_workbook(hostile)
    W.write_workbook(fine)
    _hostile(hostile, rows)
    before = _digest([hostile, fine])
    with pytest.raises(WorkbookError) as caught:
        reader.precheck(hostile)
    report = validate([hostile, fine], as_of=W.AS_OF, jobs=1, file_timeout=TIMEOUT)
    assert [(f.code, f.message, f.place.path) for f in report.findings] == [
        ("KPX113", caught.value.reason, str(hostile))]
    assert report.kpi_count == 1 and report.files == [str(hostile), str(fine)]
    assert capfd.readouterr().err == ""  # not a word from the worker's parser (its abort, a backtrace)
    assert _digest([hostile, fine]) == before
