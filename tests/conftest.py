"""Own the fixtures several test modules share (keep it small and generic).

LibreOffice: tests that need a real spreadsheet engine take ``soffice`` (skipped
when LibreOffice is missing locally, a failure under ``CI=true``) or ``recalc``,
which recalculates workbooks in one soffice run with one session-wide profile.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

import pytest

import libreoffice


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
