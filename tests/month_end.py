"""Own the month-end folder of a real shared drive, as tests of issue 18 build it.

Department workbooks are written with :func:`kpixl.template.write_template` (as
``kpixl template`` writes them) and filled with KPIs and measurements; then the share
adds what nobody typed: conflict copies (OneDrive's machine suffix, ``(1)``, ``Kopi af``)
and clutter written as the programs write it (a Mac's AppleDouble ``._`` file and
``.DS_Store``, Windows' ``Thumbs.db`` and ``desktop.ini``, Excel's owner file ``~$`` and
LibreOffice's ``.~lock.NAME#``).
"""

from __future__ import annotations

import hashlib
import shutil
import struct
from datetime import date
from pathlib import Path

from kpixl.model import KpiRecord, MeasurementRecord
from kpixl.template import write_template

AS_OF = "2026-04-15"
START, DEADLINE = date(2026, 1, 1), date(2026, 12, 31)
MONTH_ENDS = (date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31))


def kpi(kpi_id: str, department: str | None, **fields) -> KpiRecord:
    """Return a SMART KPI record (increase, sum, monthly, 2026) of ``department``."""
    values = dict(name=f"KPI {kpi_id}", level="high", department=department, owner="Anna Berg", unit="DKK",
                  direction="increase", aggregation="sum", frequency="monthly", baseline=100.0, target=1200.0,
                  start=START, deadline=DEADLINE, specific="Revenue from the webshop", measurable="ERP report",
                  attainable="Grew 10% last year", relevant="Funds the plan", data_source="ERP")
    values.update(fields)
    return KpiRecord(kpi_id=kpi_id, **values)  # type: ignore[arg-type]


def department_workbook(path: Path, department: str, kpis: list[KpiRecord], *, language: str = "en",
                        values: tuple[float, ...] = (100.0, 110.0, 120.0)) -> Path:
    """Write a template-made department workbook holding ``kpis`` and three month-end values of each."""
    measurements = [MeasurementRecord(k.kpi_id, end, value) for k in kpis for end, value in zip(MONTH_ENDS, values)]
    return write_template(path, department=department, language=language, kpis=kpis, measurements=measurements,
                          evaluations=[])


def excel_owner_file(user: str) -> bytes:
    """Return Excel's owner file (``~$Book.xlsx``) for ``user``: 165 bytes.

    A length byte and the name in the Windows code page, spaces up to offset 55, the
    length again as a 2-byte word and the name in UTF-16-LE, then space/zero pairs.
    """
    data = bytes([len(user)]) + user.encode("cp1252")
    data += b" " * (55 - len(data)) + struct.pack("<H", len(user)) + user.encode("utf-16-le")
    while len(data) < 165:
        data += b" \x00"
    return data[:165]


def libreoffice_lock_file(user: str, system_user: str = "anna", host: str = "LAPTOP-7F3K") -> bytes:
    """Return LibreOffice's ``.~lock.Book.xlsx#``: one CSV line, user, system user, host, time, profile URL."""
    return (f"{user},{system_user},{host},07.12.2026 09:12,file:///C:/Users/{system_user}/AppData/Roaming/"
            f"LibreOffice/4;").encode("utf-8")


def apple_double() -> bytes:
    """Return a Mac's AppleDouble ``._`` companion file: magic, version, one Finder-info entry."""
    header = struct.pack(">II16sH", 0x00051607, 0x00020000, b"Mac OS X        ", 1)
    entry = struct.pack(">III", 9, 50, 32)
    return header + entry + b"\x00" * 32


def add_clutter(folder: Path, *, excel_user: str = "Anna Berg", libreoffice_user: str = "Bo Ørsted") -> None:
    """Add the clutter a synced share holds at month-end: Mac and Windows files, and two lock files."""
    (folder / "._Sales.xlsx").write_bytes(apple_double())
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1" + b"\x00" * 2040)
    (folder / "Thumbs.db").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    (folder / "desktop.ini").write_text("[.ShellClassInfo]\r\nIconResource=C:\\Windows\\System32\\imageres.dll,-3\r\n",
                                        encoding="utf-16")
    (folder / "~$Marketing.xlsx").write_bytes(excel_owner_file(excel_user))
    (folder / ".~lock.Sales.xlsx#").write_bytes(libreoffice_lock_file(libreoffice_user))


def sales_and_marketing(folder: Path, *, language: str = "en") -> tuple[Path, Path]:
    """Write Sales (two KPIs) and Marketing (one) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    sales = department_workbook(folder / "Sales.xlsx", "Sales", [kpi("SAL-01", "Sales"), kpi("SAL-02", "Sales")],
                                language=language)
    marketing = department_workbook(folder / "Marketing.xlsx", "Marketing", [kpi("MKT-01", "Marketing")],
                                    language=language)
    return sales, marketing


def copy(source: Path, name: str) -> Path:
    """Copy ``source`` beside itself as ``name``, bytes and times (as a sync client does)."""
    target = source.parent / name
    shutil.copy2(source, target)
    return target


def state(folder: Path) -> dict[str, tuple[str, int]]:
    """Return every file's SHA-256 and modification time: what 'nothing in the folder changes' compares."""
    return {p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in sorted(folder.iterdir())}
