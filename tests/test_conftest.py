"""Test the engine-marker guard of tests/conftest.py: a test that starts a spreadsheet program unmarked fails.

An inner pytest session (a subprocess, in a folder holding copies of conftest.py and
libreoffice.py) runs small tests that start stand-in ``soffice`` and ``ssconvert``
programs (shell scripts: no LibreOffice or Gnumeric needed) and IronCalc, with and
without their markers; the outcome of each is read from its report.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import conftest

TESTS = Path(__file__).resolve().parent

INNER = '''
import subprocess
import pytest

def run(name):
    subprocess.run([name, "--version"], check=True)

def test_unmarked_soffice():
    run("soffice")

@pytest.mark.libreoffice
def test_marked_soffice():
    run("soffice")

def test_unmarked_soffice_through_a_shell():
    subprocess.run("soffice --headless", shell=True, check=True)

def test_unmarked_soffice_whose_error_is_caught():
    try:
        run("soffice")
    except Exception:
        pass

def test_unmarked_soffice_fixture(soffice):
    pass

def test_unmarked_recalc_fixture(recalc):
    pass

@pytest.mark.libreoffice
def test_marked_soffice_fixture(soffice):
    assert soffice.endswith("soffice")

def test_unmarked_ssconvert():
    run("ssconvert")

@pytest.mark.gnumeric
def test_marked_ssconvert():
    run("ssconvert")

@pytest.mark.libreoffice
def test_ssconvert_under_the_wrong_marker():
    run("ssconvert")

def test_unmarked_soffice_through_os_system():
    import os
    os.system("soffice --headless")

def test_other_programs_need_no_marker():
    subprocess.run(["true"], check=True)
'''

IRONCALC = '''
import ironcalc
import pytest

def test_unmarked_ironcalc():
    ironcalc.create("x", "en", "UTC")

@pytest.mark.ironcalc
def test_marked_ironcalc():
    ironcalc.create("x", "en", "UTC")
'''


def test_engine_marker_reads_every_word_of_a_command_line():
    assert conftest.engine_marker(["/usr/bin/soffice", "--headless"]) == "libreoffice"
    assert conftest.engine_marker([b"/opt/libreoffice/program/soffice.bin"]) == "libreoffice"
    assert conftest.engine_marker(r"C:\Program Files\LibreOffice\program\soffice.exe") == "libreoffice"
    assert conftest.engine_marker(["/bin/sh", "-c", "ssconvert --recalc a.xlsx b.xlsx"]) == "gnumeric"
    assert conftest.engine_marker(["git", "status"]) is None
    assert conftest.engine_marker(["python", "soffice_helper.py"]) is None


@pytest.mark.skipif(sys.platform == "win32", reason="the stand-in programs are shell scripts")
def test_a_test_that_starts_an_engine_without_its_marker_fails(tmp_path):
    for helper in ("conftest.py", "libreoffice.py"):
        shutil.copy(TESTS / helper, tmp_path / helper)
    (tmp_path / "pytest.ini").write_text("[pytest]\nmarkers =\n    libreoffice: x\n    gnumeric: x\n    ironcalc: x\n",
                                         encoding="utf-8")
    (tmp_path / "test_inner.py").write_text(INNER, encoding="utf-8")
    have_ironcalc = _importable("ironcalc")
    if have_ironcalc:
        (tmp_path / "test_inner_ironcalc.py").write_text(IRONCALC, encoding="utf-8")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for program in ("soffice", "ssconvert"):
        (bin_dir / program).write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
        (bin_dir / program).chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "KPIXL_SOFFICE", "PYTEST_ADDOPTS")}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rA", str(tmp_path)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    outcomes = _outcomes(done.stdout)
    assert outcomes == {
        "test_unmarked_soffice": "FAILED",
        "test_marked_soffice": "PASSED",
        "test_unmarked_soffice_through_a_shell": "FAILED",
        "test_unmarked_soffice_whose_error_is_caught": "FAILED",
        "test_unmarked_soffice_through_os_system": "FAILED",
        "test_unmarked_soffice_fixture": "ERROR",
        "test_unmarked_recalc_fixture": "ERROR",
        "test_marked_soffice_fixture": "PASSED",
        "test_unmarked_ssconvert": "FAILED",
        "test_marked_ssconvert": "PASSED",
        "test_ssconvert_under_the_wrong_marker": "FAILED",
        "test_other_programs_need_no_marker": "PASSED",
        **({"test_unmarked_ironcalc": "FAILED", "test_marked_ironcalc": "PASSED"} if have_ironcalc else {}),
    }, done.stdout[-4000:]
    assert ("test_inner.py::test_unmarked_soffice starts libreoffice (['soffice', '--version']) without "
            "@pytest.mark.libreoffice: mark the test") in done.stdout
    assert ("test_inner.py::test_unmarked_soffice_fixture takes the soffice fixture (or recalc/lo_profile) "
            "without @pytest.mark.libreoffice: mark the test") in done.stdout
    assert "test_inner.py::test_unmarked_ssconvert starts gnumeric (['ssconvert', '--version'])" in done.stdout
    assert "test_inner.py::test_unmarked_soffice_through_os_system starts libreoffice ('soffice --headless')" in done.stdout
    if have_ironcalc:
        assert ("test_inner_ironcalc.py::test_unmarked_ironcalc starts IronCalc (ironcalc.create) without "
                "@pytest.mark.ironcalc") in done.stdout


def _importable(name: str) -> bool:
    import importlib.util
    return importlib.util.find_spec(name) is not None


def _outcomes(output: str) -> dict[str, str]:
    """Return each inner test's outcome from the ``-rA`` summary lines (``PASSED file::name``)."""
    found = {}
    for line in output.splitlines():
        word, _, rest = line.partition(" ")
        if word in ("PASSED", "FAILED", "ERROR") and "::" in rest:
            found[rest.split("::", 1)[1].split(" ")[0]] = word
    return found


# ------------------------------------------------------------------ today, pinned

def test_kpixl_reads_the_clock_only_through_the_pinned_date():
    """Every today()/now() call in kpixl is on a name the pin replaced, so no test depends on the day."""
    import importlib

    readers = conftest.clock_readers()
    assert readers, "the scan finds kpixl's date.today() calls"
    unpinned = {module: sorted(name for name in names
                               if getattr(importlib.import_module(module), name, None) is not conftest.PinnedDate)
                for module, names in readers.items() if not module.endswith("__main__")}
    assert {m: n for m, n in unpinned.items() if n} == {}, (
        "these read the clock some other way than date.today(): use date.today(), or pin it in tests/conftest.py")


def test_the_pinned_date_is_datetime_date_but_for_today(today):
    from datetime import date, datetime

    from kpixl import validate

    pinned = validate.date
    assert pinned is conftest.PinnedDate and today == conftest.TODAY
    assert pinned.today() == today
    made = pinned(2026, 6, 30)
    assert type(made) is date and made == date(2026, 6, 30)
    assert isinstance(made, pinned) and isinstance(datetime(2026, 1, 1), pinned) and not isinstance("x", pinned)
    assert issubclass(datetime, pinned) and not issubclass(str, pinned)
    assert type(pinned.fromisoformat("2026-06-30")) is date and pinned.max == date.max


def test_the_cli_takes_the_pinned_today(tmp_path, monkeypatch):
    from datetime import date

    from click.testing import CliRunner

    import openpyxl

    from kpixl.cli import cli

    today = date(2031, 2, 28)  # not the day the suite runs: the Dashboard's As of shows the pin took
    monkeypatch.setattr(conftest, "TODAY", today)
    result = CliRunner().invoke(cli, ["template", str(tmp_path / "Sales.xlsx")], prog_name="kpixl")
    assert (result.exit_code, result.output) == (0, f"Wrote {tmp_path / 'Sales.xlsx'}\n")
    dashboard = openpyxl.load_workbook(tmp_path / "Sales.xlsx", data_only=True)["Dashboard"]
    assert dashboard["B2"].value.date() == today


def test_no_test_reads_the_clock():
    """A test names its day (the ``today`` fixture or a literal date), never asks the clock for it."""
    readers = []
    for path in sorted(TESTS.glob("*.py")):
        if path.name == "conftest.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in conftest.CLOCK_CALLS and isinstance(node.func.value, ast.Name)
                    and node.func.value.id in ("date", "datetime", "dt", "time")):
                readers.append(f"{path.name}:{node.lineno}")
    assert readers == [], "take the today fixture, or name the date"
