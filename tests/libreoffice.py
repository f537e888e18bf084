"""Own the headless-LibreOffice harness: recalculate workbooks and read back what Calc computed.

The template's native formulas are only trustworthy once a real spreadsheet engine
has computed them. This module finds ``soffice``, makes a throwaway user profile that
forces recalculation on load (so the cached values the writer put in the file are
never what we read), converts one or many files per soffice start (startup costs
seconds), and reads tables back by name and columns by header (English or Danish).

It is a test helper, not part of the package: ``scripts/render_dashboard.py`` imports
it too, by putting ``tests/`` on ``sys.path``.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Iterable, Sequence

XLSX_FILTER = 'xlsx:Calc MS Excel 2007 XML'
DEFAULT_TIMEOUT = 300.0

# Recalculate every formula on load, for OOXML (0 = always) and ODF files. Without this
# LibreOffice trusts the cached values and our tests would compare the writer with itself.
_REGISTRY = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
 <prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
 <prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc">
 <prop oor:name="FirstRun" oor:op="fuse"><value>false</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc">
 <prop oor:name="ShowTipOfTheDay" oor:op="fuse"><value>false</value></prop></item>
</oor:items>
"""

_CANDIDATES = (
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
)


class LibreOfficeError(RuntimeError):
    """Report a failed or timed-out soffice run, with its command line and output."""


def find_soffice() -> str | None:
    """Return the path of the soffice executable, or None when LibreOffice is not installed.

    ``KPIXL_SOFFICE`` overrides the search (a path to soffice).
    """
    override = os.environ.get("KPIXL_SOFFICE")
    if override:
        return override if Path(override).exists() else shutil.which(override)
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for candidate in _CANDIDATES:
        if Path(candidate).exists():
            return candidate
    return None


def make_profile(directory: Path) -> Path:
    """Create a LibreOffice user profile in ``directory`` that recalculates on load; return it."""
    user = Path(directory) / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(_REGISTRY, encoding="utf-8")
    return Path(directory)


def convert(sources: Sequence[Path | str], out_dir: Path | str, target: str = XLSX_FILTER, *,
            profile: Path | None = None, soffice: str | None = None,
            timeout: float = DEFAULT_TIMEOUT) -> list[Path]:
    """Convert ``sources`` with one soffice run into ``out_dir``; return the outputs in order.

    ``target`` is soffice's ``--convert-to`` argument (extension, optionally ``:filter``).
    Without ``profile`` a throwaway recalculate-on-load profile is made and removed.
    """
    sources = [Path(s).resolve() for s in sources]
    if not sources:
        return []
    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    extension = target.split(":", 1)[0]
    outputs = [out_dir / f"{s.stem}.{extension}" for s in sources]
    if len(set(outputs)) != len(outputs):
        raise ValueError(f"two sources would convert to the same file in {out_dir}: {[s.name for s in sources]}")
    for source, output in zip(sources, outputs):
        if not source.is_file():
            raise FileNotFoundError(source)
        if output == source:
            raise ValueError(f"{source}: converting into its own folder would overwrite it; use another out_dir")
        # A stale output from an earlier run would hide a failed conversion.
        output.unlink(missing_ok=True)
    soffice = soffice or find_soffice()
    if soffice is None:
        raise LibreOfficeError("LibreOffice (soffice) is not installed or not on PATH; set KPIXL_SOFFICE")
    if profile is None:
        with tempfile.TemporaryDirectory(prefix="kpixl-lo-profile-") as temp:
            return convert(sources, out_dir, target, profile=make_profile(Path(temp)), soffice=soffice,
                           timeout=timeout)
    command = [soffice, f"-env:UserInstallation={Path(profile).resolve().as_uri()}", "--headless",
               "--norestore", "--nologo", "--nodefault", "--nolockcheck",
               "--convert-to", target, "--outdir", str(out_dir), *map(str, sources)]
    stdout, stderr, code = _run(command, timeout)
    missing = [o for o in outputs if not o.is_file()]
    if code != 0 or missing:
        raise LibreOfficeError(
            f"soffice failed (exit code {code}); missing outputs: {[m.name for m in missing]}\n"
            f"command: {' '.join(command)}\nstdout:\n{stdout}\nstderr:\n{stderr}")
    return outputs


def _run(command: list[str], timeout: float) -> tuple[str, str, int]:
    # soffice is a launcher that forks soffice.bin: run it in its own process group so a
    # timeout can stop the whole tree it started, and nothing else.
    kwargs: dict[str, Any] = {"start_new_session": True} if sys.platform != "win32" else {}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               errors="replace", **kwargs)
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        if sys.platform != "win32":
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
        stdout, stderr = process.communicate()
        raise LibreOfficeError(f"soffice did not finish within {timeout:g} s\ncommand: {' '.join(command)}\n"
                               f"stdout:\n{stdout}\nstderr:\n{stderr}") from None
    return stdout, stderr, process.returncode


def recalculate_many(sources: Iterable[Path | str], out_dir: Path | str, *, profile: Path | None = None,
                     soffice: str | None = None, timeout: float = DEFAULT_TIMEOUT) -> list[Path]:
    """Recalculate every workbook in one soffice run; return the recalculated xlsx copies in order."""
    return convert(list(sources), out_dir, XLSX_FILTER, profile=profile, soffice=soffice, timeout=timeout)


def recalculate(src: Path | str, out_dir: Path | str, *, profile: Path | None = None,
                soffice: str | None = None, timeout: float = DEFAULT_TIMEOUT) -> Path:
    """Recalculate one workbook with LibreOffice; return the xlsx copy holding Calc's values."""
    return recalculate_many([src], out_dir, profile=profile, soffice=soffice, timeout=timeout)[0]


# ------------------------------------------------------------------------- reading back

def find_table(workbook, name: str):
    """Return (worksheet, openpyxl Table) of the table called ``name`` (case ignored) in any sheet."""
    for ws in workbook.worksheets:
        # TableList.items() yields (name, ref) pairs; indexing gives the Table itself.
        for table_name in ws.tables:
            if table_name.casefold() == name.casefold():
                return ws, ws.tables[table_name]
    raise KeyError(f"no table named {name!r}; tables: "
                   f"{[t for ws in workbook.worksheets for t in ws.tables.keys()]}")


def read_table(workbook, table) -> list[dict[str, Any]]:
    """Return the rows of schema ``table`` as dicts keyed by column key (headers in either language).

    Every row of the table's range is returned, blank ones included, so row i is the
    i-th data row the writer put there; ``_row`` holds its sheet row number. Unknown
    headers are kept under their own text.
    """
    from openpyxl.utils.cell import range_boundaries

    from kpixl.schema import normalise_header

    ws, found = find_table(workbook, table.name)
    min_col, min_row, max_col, max_row = range_boundaries(found.ref)
    lookup = table.header_lookup()
    cells = list(ws.iter_rows(min_row=min_row, max_row=max_row, min_col=min_col, max_col=max_col,
                              values_only=True))
    keys = []
    for header in cells[0]:
        column = lookup.get(normalise_header(header))
        keys.append(column.key if column else str(header))
    return [dict(zip(keys, row), _row=min_row + i) for i, row in enumerate(cells[1:], start=1)]


def read_header_block(ws, headers: dict[str, Iterable[str]], *, max_scan_rows: int = 60) -> list[dict[str, Any]]:
    """Return the rows under the first row of ``ws`` holding every wanted header, keyed by key.

    ``headers`` maps a key to the header texts that name it (any language, case ignored).
    Rows are read until the first row whose key columns are all blank.
    """
    from kpixl.schema import normalise_header

    wanted = {key: {normalise_header(h) for h in texts} for key, texts in headers.items()}
    for row in ws.iter_rows(min_row=1, max_row=max_scan_rows):
        positions: dict[str, int] = {}
        for cell in row:
            text = normalise_header(cell.value)
            for key, names in wanted.items():
                if text in names and key not in positions:
                    positions[key] = cell.column
        if len(positions) == len(wanted):
            header_row = row[0].row
            break
    else:
        raise KeyError(f"{ws.title}: no row holds all of the headers {sorted(wanted)}")
    rows = []
    for r in range(header_row + 1, ws.max_row + 1):
        record = {key: ws.cell(row=r, column=c).value for key, c in positions.items()}
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in record.values()):
            break
        record["_row"] = r
        rows.append(record)
    return rows
