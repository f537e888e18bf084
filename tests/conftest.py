"""Own the fixtures several test modules share (keep it small and generic), and the engine-marker guard.

LibreOffice: tests that need a real spreadsheet engine take ``soffice`` (skipped
when LibreOffice is missing locally, a failure under ``CI=true``) or ``recalc``,
which recalculates workbooks in one soffice run with one session-wide profile.

Today is pinned: every kpixl module that asks for today (``date.today()``) gets :data:`TODAY`
in tests, so no test's result depends on the day it runs (take the ``today`` fixture to
name it). ``tests/test_conftest.py`` checks that kpixl reads the clock no other way.

The guard: a test that starts a spreadsheet program carries its marker (``libreoffice``,
``gnumeric``, ``ironcalc``), so ``-m "not libreoffice"`` really leaves LibreOffice out and
CI can count what ran. It cannot be forgotten:

* a test that takes ``soffice`` (directly or through ``recalc``/``lo_profile``) without the
  ``libreoffice`` marker fails before its fixtures run, whether or not LibreOffice is installed;
* any process a test starts (an audit hook on ``subprocess.Popen``, so ``subprocess.run``,
  helpers and scripts alike) named ``soffice``/``libreoffice`` or ``ssconvert`` fails the test
  when its marker is missing; so does loading a workbook into IronCalc.
"""

from __future__ import annotations

import ast
import datetime
import functools
import importlib
import os
import re
import sys
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

import libreoffice

# The programs a test may start only under their marker (names as on Linux, macOS and Windows).
ENGINE_PROGRAMS = {"soffice": "libreoffice", "soffice.bin": "libreoffice", "soffice.exe": "libreoffice",
                   "libreoffice": "libreoffice", "ssconvert": "gnumeric", "ssconvert.exe": "gnumeric"}
# IronCalc is a Python package, not a program: these calls of it load or make a workbook.
IRONCALC_ENTRIES = ("create", "load_from_xlsx", "load_from_bytes", "load_from_icalc", "create_user_model",
                    "create_user_model_from_xlsx", "create_user_model_from_bytes", "create_user_model_from_icalc")

# The day kpixl's "today" is in tests: the day the pin came in (the suite's expectations were
# written on and around it); a fixed day, so a test run next year computes the same.
TODAY = datetime.date(2026, 12, 7)
_REAL_DATE = datetime.date
CLOCK_CALLS = ("today", "now", "utcnow")  # the methods that read the clock

_running: list[pytest.Item] = []  # the test whose setup, call or teardown is running
_UNMARKED = pytest.StashKey[list[str]]()


class UnmarkedEngineError(RuntimeError):
    """Raised where a test without an engine's marker starts that engine."""


def under_ci() -> bool:
    """Return whether CI=true is set: then a missing tool is a failure, not a skip."""
    return os.environ.get("CI", "").strip().casefold() in ("1", "true", "yes")


def require_soffice() -> str:
    """Return the soffice executable; skip without LibreOffice, but fail under CI=true."""
    found = libreoffice.find_soffice()
    if found is None:
        message = "LibreOffice (soffice) not found; install libreoffice-calc or set KPIXL_SOFFICE"
        if under_ci():
            pytest.fail(f"{message} (CI=true: the LibreOffice tests must run in CI)", pytrace=False)
        pytest.skip(message)
    return found


@pytest.fixture(scope="session")
def soffice() -> str:
    """Return the soffice executable (see :func:`require_soffice`)."""
    return require_soffice()


@pytest.fixture(scope="session")
def lo_profile(tmp_path_factory: pytest.TempPathFactory, soffice: str) -> Path:
    """Return a session-wide LibreOffice profile that recalculates every formula on load."""
    return libreoffice.make_profile(tmp_path_factory.mktemp("lo-profile"))


@pytest.fixture(scope="session")
def recalc(tmp_path_factory: pytest.TempPathFactory, soffice: str,
           lo_profile: Path) -> Callable[..., list[Path]]:
    """Return ``recalc(*paths)``: the LibreOffice-recalculated copies, made in one soffice run."""

    def run(*paths: Path) -> list[Path]:
        out_dir = tmp_path_factory.mktemp("recalculated")
        return libreoffice.recalculate_many(paths, out_dir, profile=lo_profile, soffice=soffice)

    return run


# ------------------------------------------------------------------ the engine-marker guard

def engine_marker(argv: Any) -> str | None:
    """Return the marker a process command line needs (``libreoffice``, ``gnumeric``), else None.

    Every word is looked at, not only the first, so ``sh -c "soffice ..."`` counts too.
    """
    parts = [argv] if isinstance(argv, (str, bytes, os.PathLike)) else list(argv or ())
    for word in (w for part in parts for w in os.fsdecode(part).split()):
        # Either slash: a Windows path names the program too; quotes from a shell line go.
        name = re.split(r"[\\/]", word.strip("\"'"))[-1].casefold()
        if name in ENGINE_PROGRAMS:
            return ENGINE_PROGRAMS[name]
    return None


def _check_marker(marker: str, what: str) -> None:
    if not _running or _running[-1].get_closest_marker(marker) is not None:
        return
    item = _running[-1]
    message = (f"{item.nodeid} starts {what} without @pytest.mark.{marker}: mark the test "
               f"(tests/conftest.py guards this so that -m 'not {marker}' and CI's counts hold)")
    item.stash.setdefault(_UNMARKED, []).append(message)
    raise UnmarkedEngineError(message)


# The audit events that start a program, and where in their arguments its command line is.
_LAUNCHES = {"subprocess.Popen": (0, 1), "os.system": (0,), "os.posix_spawn": (0, 1), "os.exec": (0, 1),
             "os.spawn": (1, 2), "os.startfile": (0,)}


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event in _LAUNCHES and _running:
        words: list[Any] = []
        for i in _LAUNCHES[event]:
            part = args[i] if i < len(args) else None
            words.extend([part] if isinstance(part, (str, bytes, os.PathLike)) else list(part or ()))
        marker = engine_marker(words)
        if marker is not None:
            command = args[_LAUNCHES[event][-1]]
            command = os.fsdecode(command) if isinstance(command, bytes) else command
            _check_marker(marker, f"{marker} ({command!r:.120})")


def _guard_ironcalc() -> None:
    try:
        import ironcalc
    except ImportError:
        return
    for name in IRONCALC_ENTRIES:
        entry = getattr(ironcalc, name, None)
        if entry is None or getattr(entry, "_kpixl_guarded", False):
            continue

        @functools.wraps(entry)
        def guarded(*args: Any, _entry: Callable[..., Any] = entry, _name: str = name, **kwargs: Any) -> Any:
            _check_marker("ironcalc", f"IronCalc (ironcalc.{_name})")
            return _entry(*args, **kwargs)

        guarded._kpixl_guarded = True  # type: ignore[attr-defined]
        setattr(ironcalc, name, guarded)


def pytest_configure(config: pytest.Config) -> None:
    # An audit hook cannot be removed; it stays harmless outside a test (_running is empty).
    sys.addaudithook(_audit)
    _guard_ironcalc()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    _running.append(item)
    try:
        return (yield)
    finally:
        _running.pop()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    # Static half of the guard: fails even where LibreOffice is missing (the fixture would skip).
    if "soffice" in getattr(item, "fixturenames", ()) and item.get_closest_marker("libreoffice") is None:
        pytest.fail(f"{item.nodeid} takes the soffice fixture (or recalc/lo_profile) without "
                    f"@pytest.mark.libreoffice: mark the test", pytrace=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[pytest.TestReport]:
    # A test that caught the UnmarkedEngineError still fails: the launch was recorded.
    report = yield
    unmarked = item.stash.get(_UNMARKED, [])
    if unmarked and report.when in ("setup", "call") and report.passed:
        report.outcome = "failed"
        report.longrepr = "\n".join(unmarked)
    return report


# ------------------------------------------------------------------ today, pinned

class _DateType(type):
    """Make :class:`PinnedDate` act as ``datetime.date`` in every way but ``today()``."""

    def __instancecheck__(cls, obj: object) -> bool:
        return isinstance(obj, _REAL_DATE)

    def __subclasscheck__(cls, sub: type) -> bool:
        return issubclass(sub, _REAL_DATE)

    def __call__(cls, *args: Any, **kwargs: Any) -> datetime.date:
        return _REAL_DATE(*args, **kwargs)  # real dates out, so nothing downstream sees the stand-in

    def __getattr__(cls, name: str) -> Any:
        return getattr(_REAL_DATE, name)  # fromisoformat, fromordinal, min, max, ...


class PinnedDate(metaclass=_DateType):
    """Stand in for ``datetime.date`` in the kpixl modules that ask for today."""

    @staticmethod
    def today() -> datetime.date:
        return TODAY


def clock_readers() -> dict[str, set[str]]:
    """Return, per kpixl module, the names it calls ``today()``/``now()``/``utcnow()`` on (parsed, not run)."""
    package = Path(__file__).resolve().parent.parent / "kpixl"
    found: dict[str, set[str]] = {}
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in CLOCK_CALLS and isinstance(node.func.value, ast.Name)):
                found.setdefault(name, set()).add(node.func.value.id)
    return found


def pin_today() -> None:
    """Import every kpixl module that reads the clock and give it :class:`PinnedDate` for ``date``."""
    for name in clock_readers():
        if name.endswith("__main__"):
            continue
        module = importlib.import_module(name)
        for key, value in list(vars(module).items()):
            if value is _REAL_DATE:
                setattr(module, key, PinnedDate)


@pytest.fixture(scope="session", autouse=True)
def _today_is_pinned() -> None:
    pin_today()


@pytest.fixture
def today() -> datetime.date:
    """Return the day kpixl takes for today in tests (:data:`TODAY`)."""
    return TODAY
