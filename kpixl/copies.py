"""Own recognising copies among the inputs of one run: byte-identical files and files named like a copy.

A synced share makes copies nobody meant: OneDrive's ``Sales-LAPTOP-7F3K.xlsx`` (a
machine suffix), ``Sales (1).xlsx``, Windows' ``Sales - Copy.xlsx`` / ``Sales - Kopi.xlsx``,
``Copy of Sales.xlsx`` / ``Kopi af Sales.xlsx``. Counted as inputs they double a
department's KPIs, and renaming their KPI IDs (the usual advice for a duplicate ID)
would count Sales twice. :func:`find_copies` names each copy once, at the copy:

- KPX606: the same bytes (SHA-256) as another input; the copy is the one whose name
  looks like a copy, else the later in sort order;
- KPX607: named like a copy of another input and holding the same department or some
  of its KPI IDs.

validate and consolidate both use it; a copy's KPIs are not counted, and its own
findings (the original's again, or a stale version's) give way to the one finding.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from kpixl.message import message
from kpixl.model import ERROR, DepartmentWorkbook, Finding, Place
from kpixl.vocab import kpi_key

E_IDENTICAL_COPY = "KPX606"
E_LIKELY_COPY = "KPX607"
# How many shared KPI IDs a likely copy's finding lists before "and N more".
IDS_SHOWN = 3

# Names that say "copy" on their own, each giving the name copied (casefolded stem).
_COPY_PATTERNS = (
    re.compile(r"(.+?) ?\(\d{1,3}\)"),  # Sales (1), Sales(2)
    re.compile(r"(?:copy|kopi)(?: \(\d{1,3}\))? (?:of|af) (.+)"),  # Copy of Sales, Kopi (2) af Sales
    re.compile(r"(.+?) - (?:copy|kopi)(?: \(\d{1,3}\))?"),  # Sales - Copy, Sales - Kopi (2)
)
# OneDrive's conflict copy: the original name, a hyphen and the computer's name (at most 15
# characters, letters, digits and hyphens, upper case as Windows names computers).
_MACHINE = re.compile(r"[A-Z0-9][A-Z0-9-]{0,14}")


@dataclass(frozen=True)
class Input:
    """Describe one input for the copy check: its path, SHA-256, department, KPI IDs and language."""

    path: str
    sha256: str | None = None
    department: str | None = None
    kpi_ids: tuple[str, ...] = ()
    language: str = "en"


def department_of(workbook: DepartmentWorkbook) -> str:
    """Return the file's department: stored in the workbook, else its KPIs' most common one, else the file name."""
    if workbook.department and str(workbook.department).strip():
        return str(workbook.department).strip()
    named = Counter(k.department.strip() for k in workbook.kpis if k.department and k.department.strip())
    if named:
        return named.most_common(1)[0][0]
    return Path(workbook.path).stem


def input_of(workbook: DepartmentWorkbook, sha256: str | None) -> Input:
    """Return what the copy check needs of a read workbook."""
    return Input(workbook.path, sha256, department_of(workbook), tuple(k.kpi_id for k in workbook.kpis),
                 workbook.language)


def _copied_stems(stem: str) -> set[str]:
    """Return every (casefolded) stem a file named ``stem`` looks like a copy of, by its name alone."""
    found: set[str] = set()
    todo = [" ".join(stem.split()).casefold()]
    while todo:
        current = todo.pop()
        for pattern in _COPY_PATTERNS:
            match = pattern.fullmatch(current)
            if match and match.group(1).strip() and match.group(1).strip() not in found:
                found.add(match.group(1).strip())
                todo.append(match.group(1).strip())
    return found


def looks_like_copy(name: str) -> bool:
    """Return True when a file name says "copy" on its own (``Sales (1).xlsx``, ``Kopi af Sales.xlsx`` ...)."""
    return bool(_copied_stems(Path(name).stem))


def is_copy_name(copy: str, original: str) -> bool:
    """Return True when file name ``copy`` is a usual copy name of file name ``original`` (suffix ignored)."""
    copy_stem, original_stem = Path(copy).stem, Path(original).stem
    target = " ".join(original_stem.split()).casefold()
    if not target or copy_stem.casefold() == original_stem.casefold():
        return False
    if target in _copied_stems(copy_stem):
        return True
    # OneDrive's machine suffix, on the name as typed (the computer's name is upper case).
    plain = " ".join(copy_stem.split())
    return plain.casefold().startswith(target + "-") and _MACHINE.fullmatch(plain[len(target) + 1:]) is not None


def find_copies(inputs: Sequence[Input]) -> dict[int, Finding]:
    """Return the copy finding of each input that is a copy, by its index in ``inputs``.

    First the byte-identical groups (KPX606), then, among the rest, every input named like
    a copy of another holding the same department or KPI IDs (KPX607).
    """
    found: dict[int, Finding] = {}
    by_sha: dict[str, list[int]] = {}
    for index, item in enumerate(inputs):
        if item.sha256:
            by_sha.setdefault(item.sha256, []).append(index)
    for group in by_sha.values():
        if len(group) < 2:
            continue
        original = _original(inputs, group)
        for index in group:
            if index != original:
                found[index] = _finding(E_IDENTICAL_COPY, inputs[index], inputs[original], None)
    rest = [i for i in range(len(inputs)) if i not in found]
    names = {i: Path(inputs[i].path).name for i in rest}
    by_stem: dict[str, list[int]] = {}  # each input by its name's matching key, in input order
    for index in rest:
        by_stem.setdefault(" ".join(Path(names[index]).stem.split()).casefold(), []).append(index)
    for index in rest:
        # Only an input whose name is one this name can be a copy of needs the full test:
        # with 1,000 inputs, testing every pair took 25 s.
        for other in _named_originals(names[index], by_stem):
            if other == index or other in found or not is_copy_name(names[index], names[other]):
                continue
            shared = _shared(inputs[index], inputs[other])
            if shared is not None:
                found[index] = _finding(E_LIKELY_COPY, inputs[index], inputs[other], shared)
                break
    return found


def _named_originals(name: str, by_stem: dict[str, list[int]]) -> list[int]:
    """Return, in input order, the inputs whose name's key ``name`` may be a copy name of (:func:`is_copy_name`).

    A superset: the stems the name looks like a copy of, and each stretch of it before a "-"
    (OneDrive's machine suffix); :func:`is_copy_name` decides.
    """
    folded = " ".join(Path(name).stem.split()).casefold()
    keys = _copied_stems(Path(name).stem) | {folded[:at] for at, char in enumerate(folded) if char == "-"}
    return sorted(index for key in keys for index in by_stem.get(key, ()))


def _original(inputs: Sequence[Input], group: list[int]) -> int:
    """Return the index of the original among byte-identical inputs: named like no copy, first in sort order."""
    names = {i: Path(inputs[i].path).name for i in group}

    def copy_like(i: int) -> bool:
        return looks_like_copy(names[i]) or any(is_copy_name(names[i], names[j]) for j in group if j != i)

    ordered = sorted(group, key=lambda i: (copy_like(i), inputs[i].path))
    return ordered[0]


def _shared(copy: Input, original: Input) -> tuple[str, object] | None:
    """Return what a likely copy shares with its original (the catalogue's key and its fact), or None."""
    if copy.department and original.department and _fold(copy.department) == _fold(original.department):
        return "KPX607.department", repr(copy.department)
    theirs = {kpi_key(k) for k in original.kpi_ids}
    ids = [k for k in dict.fromkeys(copy.kpi_ids) if kpi_key(k) in theirs]
    if not ids:
        return None
    listed = ", ".join(ids[:IDS_SHOWN])
    if len(ids) > IDS_SHOWN:
        return "KPX607.ids", message("KPX607.more", ids=listed, n=len(ids) - IDS_SHOWN)
    return "KPX607.ids", listed


def _finding(code: str, copy: Input, original: Input, shared: tuple[str, object] | None) -> Finding:
    shown = _shown(original.path, copy.path)
    if code == E_IDENTICAL_COPY or shared is None:
        return Finding(code, ERROR, message("KPX606", name=shown), Place(copy.path))
    key, fact = shared
    return Finding(code, ERROR, message(key, name=shown, shared=fact), Place(copy.path))


def _shown(path: str, beside: str) -> str:
    """Return ``path`` as its bare name when it is in the same folder as ``beside``, else whole."""
    return Path(path).name if Path(path).parent == Path(beside).parent else path


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


__all__ = ["Input", "find_copies", "input_of", "department_of", "looks_like_copy", "is_copy_name",
           "E_IDENTICAL_COPY", "E_LIKELY_COPY"]
