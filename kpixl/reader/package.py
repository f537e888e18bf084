"""Own :class:`Package`, a pre-checked workbook package: its bytes, small XML parts, sheet scans and lean sheets.

:func:`kpixl.reader.precheck` builds it (:mod:`kpixl.reader.prechecks`); the structure
reader (:mod:`kpixl.reader.ooxml`) and the engines read it. It sits below all of them,
so each can name the type.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Iterable, Mapping

from kpixl.reader import zipparts
from kpixl.reader.sheetscan import _scan_special, _SheetScan

_EMPTY: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True)
class Package:
    """Hold a pre-checked package, immutable: its bytes, small XML parts, and what the sheet scan found.

    Built once by :func:`precheck`; the mappings are read-only views.
    """

    path: str
    names: frozenset[str]
    parts: Mapping[str, bytes]
    sheets: Mapping[str, _SheetScan]
    data: bytes = b""  # the whole file, read once (readers and hashing reuse it)
    prefixed: Mapping[str, bool] = field(default_factory=lambda: _EMPTY)
    structure: Any = None  # (sheets, defined names, tables) once parsed
    infos: Mapping[str, zipfile.ZipInfo] = field(default_factory=lambda: _EMPTY)
    bounded: bool = True  # every worksheet was scanned whole for the sheet limits (see precheck)
    lean: Mapping[str, bytes] = field(default_factory=lambda: _EMPTY)  # table sheets without computed cells

    def parsed_source(self) -> bytes | str:
        """Return what the engines parse: the package with its lean table sheets (:mod:`kpixl.reader.lean`).

        The original bytes when no sheet could be made lean, the path when the file was
        too large to hold in memory.
        """
        if self.lean and self.data:
            copy = zipparts.repack(self.data, self.infos.values(), self.lean)
            if copy is not None:
                return copy
        return self.data or self.path

    def scan(self, part: str, columns: Iterable[int]) -> _SheetScan:
        """Return the special input cells (no saved value, error) of worksheet ``part`` in ``columns``.

        The pre-check scans every table's sheet already; this only unpacks a sheet again
        when it was not (a structure the pre-check could not parse).
        """
        found = self.sheets.get(part)
        if found is None:
            info = self.infos.get(part)
            xml = (zipparts.unpack(self.data, info) or b"") if info is not None and self.data else b""
            found = _scan_special(xml, set(columns), self.prefixed.get(part, False))
        return found


__all__ = ["Package"]
