"""Own the faulty readers the isolation tests inject: each misbehaves on a file whose name says so.

A worker runs these by name (``"fault_engines:check"``), exactly as it runs the real
``kpixl.validate:check_counts``; every other file is checked for real.
"""

from __future__ import annotations

import os
import time
from datetime import date
from pathlib import Path

from kpixl.validate import check_counts


def check(path: str, as_of: date | None = None):
    """Abort, hang or eat memory on files named so; otherwise check the workbook for real."""
    name = Path(path).name
    if "abort" in name:
        os.abort()
    if "hang" in name:
        time.sleep(3600)
    if "hog" in name:
        hoard = []
        while True:  # until the worker's memory limit stops it
            hoard.append(bytearray(64 * 1024 * 1024))
    return check_counts(path, as_of)


def load(path: str, as_of: date):
    """The same faults for consolidate's per-file task; otherwise load the source for real."""
    from kpixl.consolidate import _load_one

    name = Path(path).name
    if any(word in name for word in ("abort", "hang", "hog")):
        check(path, as_of)
    return _load_one(Path(path), as_of)
