"""Own the byte scanner of one worksheet's XML: its extent, and its odd input cells.

No XML parser sees a worksheet before this scan: python-calamine aborts the whole
process on a tiny sheet that declares cell XFD1048576 (tafia/calamine#693). The
sheet is scanned as one numpy byte array (vectorised; numpy releases the GIL):

* its declared ``<dimension>``, its largest cell references and its count of row and
  cell tags must stay within the sheet limits below (KPX113);
* the same pass notes the input cells (of the columns asked for) that hold a formula
  without a saved value (KPX208) or an error value (KPX209): a value reader cannot
  tell those from a blank or a text.

Only the few references near a limit and the few candidate cells are looked at in Python.
"""

from __future__ import annotations

import html
import re
import threading
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from kpixl.message import message
from kpixl.reader.findings import E_DIMENSION, _fail
from kpixl.refs import column_letter, column_number

# The limits a worksheet must stay within (docs/validation.md names them); the
# package-level limits are kpixl.reader.prechecks'.
MAX_ROWS = 110_000  # the largest Measurements table is 100,001 rows with its header
MAX_COLUMNS = 200  # column GR
MAX_CELLS = 3_000_000  # cells per sheet, and rows x columns (at least 26) of its used range from A1

_DIMENSION_RE = re.compile(rb"<(?:\w+:)?dimension\s+ref\s*=\s*[\"']([^\"']*)[\"']")
_CELL_TAG_RE = re.compile(rb"<(?:\w+:)?c[\s>/]")
_ROW_TAG_RE = re.compile(rb"<(?:\w+:)?row[\s>/]")
_CELL_CLOSE_RE = re.compile(rb"</(?:\w+:)?c>")
_TAG_CLOSE_RE = re.compile(rb"/?>")
_DIMENSION_WORD_RE = re.compile(rb"dimension")
_REF_TEXT_RE = re.compile(r"\s*\$?([A-Za-z]*)\$?([0-9]+)")
_SPACE_RUN_RE = re.compile(rb"[ \t\r\n]*")
_QUOTED_RE = re.compile(rb"\"([^\"]*)(?:\"|\Z)|'([^']*)(?:'|\Z)")
# A reference longer than this is far beyond every limit: only this much of it is numbered.
_REF_PART_CAP = 1000
_PREFIXED_CELL_RE = re.compile(rb"<(?:\w+:)?c\s[^>]*>\s*<(?:\w+:)?f\b|<(?:\w+:)?c\s[^>]*\bt=[\"']e[\"']")
_LT, _EQ = ord("<"), ord("=")


def _byte_set(chars: bytes) -> np.ndarray:
    table = np.zeros(256, bool)
    table[list(chars)] = True
    return table


# Byte classes as lookup tables (one gather classifies a whole array).
_QUOTE_LUT = _byte_set(b"\"'")
_SPACE_LUT = _byte_set(b" \t\r\n")
_TAG_END_LUT = _byte_set(b" \t\r\n>/")
_ALPHA_LUT = _byte_set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_DIGIT_LUT = _byte_set(b"0123456789")
_R_ATTR_RE = re.compile(rb"\br=\"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})\"")
_ERROR_TYPE_RE = re.compile(rb"\bt=\"e\"")
# What _quick_special's candidates start with: a formula element, a value starting with "#".
_CANDIDATE_RE = re.compile(rb"<f[ \t\r\n>/]|<v>#")
_FORMULA_RE = re.compile(rb"<(?:\w+:)?f[\s>/]")
_VALUE_OPEN_RE = re.compile(rb"<(?:\w+:)?v>([^<]*)")
# A formula whose cell closes with no value, or with an empty <v/>: </f></c>, <f .../></c>, </f><v /></c>.
# Not </f><v></v></c>: that is a saved value, the empty text a text formula gave.
_NO_VALUE_END_RE = re.compile(rb"(?:</(?:\w+:)?f>|<(?:\w+:)?f\b[^>]*/>)\s*(?:<(?:\w+:)?v\s*/>\s*)?</(?:\w+:)?c>")


@dataclass
class _SheetScan:
    """Hold what the byte scan of one worksheet learned (input cells only; see :func:`_scan_special`)."""

    formulas_without_value: set[str] = field(default_factory=set)
    error_cells: dict[str, str] = field(default_factory=dict)


_LOCAL = threading.local()


def _scratch(name: str, size: int) -> np.ndarray:
    """Return this thread's reusable boolean array ``name`` of at least ``size`` items (grown as needed)."""
    buffer = getattr(_LOCAL, name, None)
    if buffer is None or len(buffer) < size:
        size = max(size, 2 * len(buffer) if buffer is not None else 0)
        buffer = np.empty(size, dtype=bool)
        setattr(_LOCAL, name, buffer)
    return buffer


def _check_sheet_extent(shown: str, member: str, content: bytes | bytearray, prefixed: bool,
                        columns: set[int] | None = None, *, bound: bool = True) -> _SheetScan | None:
    """Reject a worksheet reaching beyond the row, column or cell limits (what would abort calamine).

    Works on the bytes as one numpy array (vectorised, and numpy releases the GIL): only the
    few references that could be near a limit, and the few input cells of ``columns`` that
    hold a formula or an error, are looked at in Python. With ``columns``, returns those
    cells (see :class:`_SheetScan`); without, None. With ``bound`` False the limits are not
    checked (see :func:`_scan_special`).
    """
    if not bound:
        if not columns:
            return _SheetScan()
        if prefixed:
            return _classify_special(content, [m.start() for m in _PREFIXED_CELL_RE.finditer(content)], columns)
        return _quick_special(content, columns)
    if bound:
        _check_declared_dimension(shown, member, content)
    data = np.frombuffer(content if len(content) else b"\0", dtype=np.uint8)
    last = data.size - 1
    hits = _scratch("hits", data.size)[:data.size]  # reused: fresh 10 MB arrays cost page faults
    # Every tag starts with "<"; every attribute value follows "=".
    tags = np.flatnonzero(np.equal(data, _LT, out=hits))
    equals = np.flatnonzero(np.equal(data, _EQ, out=hits))
    # Looking ahead of a mark near the end of the part reads its last byte instead (">" in XML).
    near_end = max(int(tags[-1]) if tags.size else 0, int(equals[-1]) if equals.size else 0) + 9 > last

    def at(positions: np.ndarray, offset: int) -> np.ndarray:
        return data[np.minimum(positions + offset, last)] if near_end else data[positions + offset]

    first = at(tags, 1)
    before, quote = data[equals - 1], at(equals, 1)  # "=" never starts a sheet; index -1 is harmless
    quoted = _QUOTE_LUT[quote]
    if bound:
        _check_counts_and_references(shown, member, content, data, tags, equals, first, before, quote, quoted,
                                     prefixed, at)
    if columns is None:
        return None
    if prefixed:
        return _classify_special(content, [m.start() for m in _PREFIXED_CELL_RE.finditer(content)], columns)
    return _special_input_cells(content, tags, equals, first, before, quoted, at, columns)


def _check_counts_and_references(shown: str, member: str, content: bytes | bytearray, data: np.ndarray,
                                 tags: np.ndarray, equals: np.ndarray, first: np.ndarray, before: np.ndarray,
                                 quote: np.ndarray, quoted: np.ndarray, prefixed: bool,
                                 at: Callable[[np.ndarray, int], np.ndarray]) -> None:
    """Reject a worksheet whose row and cell tags, or largest reference, exceed the limits (KPX113)."""
    # The counts of tags beginning "<row" and "<c" bound the rows and cells (upper bounds:
    # <rowBreaks>, <col>, <cfRule>... count too).
    if prefixed:
        rows = len(_ROW_TAG_RE.findall(content)) if tags.size > MAX_ROWS else int(tags.size)
        cells = len(_CELL_TAG_RE.findall(content)) if tags.size > MAX_CELLS else int(tags.size)
    else:
        row_like = tags[first == ord("r")]
        rows = int(np.count_nonzero((at(row_like, 2) == ord("o")) & (at(row_like, 3) == ord("w"))))
        cells = int(np.count_nonzero(first == ord("c")))
    # References: any attribute named r (r="..." or r='...'). Only those with two or more
    # column letters or five or more row digits can be near a limit (9999 rows x 200 columns
    # is within MAX_CELLS); those, and any "=" with a space beside it, are read with the
    # regular expression.
    max_row, max_col = _largest_reference(content, data, equals, before, quote, quoted, at)
    if max_row > MAX_ROWS or max_col > MAX_COLUMNS or cells > MAX_CELLS or rows > MAX_ROWS \
            or max_row * max(max_col, 26) > MAX_CELLS:
        _too_big(shown, member, max_row, max_col, cells)


class _TagCounter:
    """Count a worksheet's row and cell tags piece by piece while it is unpacked; stop past the limits (KPX113).

    Handed to :func:`kpixl.reader.zipparts.unpack_watched`, so a sheet of a million rows
    is refused after the first 110,000, before the rest is unpacked (a decompression
    bomb costs neither the time nor the memory of unpacking it whole). The counts are
    upper bounds, as the whole-sheet scan's (``<rowBreaks>`` counts as a row).
    """

    # The bytes of a piece whose tag may continue in the next piece: counted with it.
    _CARRY = 48

    def __init__(self, shown: str, member: str, prefixed: bool):
        self.shown, self.member, self.prefixed = shown, member, prefixed
        self.rows = self.cells = 0
        self.carry = b""

    def __call__(self, piece: bytes) -> None:
        text = self.carry + piece
        end = max(0, len(text) - self._CARRY)
        if self.prefixed:
            rows = sum(1 for m in _ROW_TAG_RE.finditer(text) if m.start() < end)
            cells = sum(1 for m in _CELL_TAG_RE.finditer(text) if m.start() < end)
        else:
            data = np.frombuffer(text, np.uint8)
            tags = np.flatnonzero(data[:end] == _LT)
            first = data[tags + 1]
            rows = int(np.count_nonzero((first == ord("r")) & (data[tags + 2] == ord("o"))
                                        & (data[tags + 3] == ord("w"))))
            cells = int(np.count_nonzero((first == ord("c")) & _TAG_END_LUT[data[tags + 2]]))
        self.carry = text[end:]
        self.rows += rows
        self.cells += cells
        for count, limit, what in ((self.rows, MAX_ROWS, "rows"), (self.cells, MAX_CELLS, "cells")):
            if count > limit:
                _fail(self.shown, E_DIMENSION, message("KPX113.rows" if what == "rows" else "KPX113.cells", part=self.member, n=limit, rows=MAX_ROWS,
                                                       cols=MAX_COLUMNS, max=MAX_CELLS))


def _check_declared_dimension(shown: str, member: str, content: bytes | bytearray) -> None:
    """Reject a worksheet whose <dimension ref="..."> declares a range beyond the limits."""
    word = _DIMENSION_WORD_RE.search(content)
    if word is not None:
        found = word.start()
        match = _DIMENSION_RE.search(content, max(0, found - 64), found + 4096)
        if match:
            _check_dimension(shown, member, _unescape(match.group(1)))


def _largest_reference(content: bytes | bytearray, data: np.ndarray, equals: np.ndarray, before: np.ndarray,
                       quote: np.ndarray, quoted: np.ndarray,
                       at: Callable[[np.ndarray, int], np.ndarray]) -> tuple[int, int]:
    """Return (largest row, largest column) among a sheet's cell references that could be near a limit.

    Smaller references (one column letter, four row digits) are left at 0: they cannot reach one.
    """
    refs = equals[(before == ord("r")) & quoted] + 2
    spaced = equals[_SPACE_LUT[before] | _SPACE_LUT[quote]]
    start = refs + (at(refs, 0) == ord("$"))
    letter = _ALPHA_LUT[at(start, 0)]
    two_letters = letter & _ALPHA_LUT[at(start, 1)]
    digits_from = start + letter
    digits_from = digits_from + (at(digits_from, 0) == ord("$"))
    five_digits = _DIGIT_LUT[at(digits_from, 4)]  # a superset: checked exactly below
    # Two upper-case letters and a digit (AA1..ZZ9999, e.g. the KPIs sheet's columns) are
    # numbered here; anything else near a limit goes through the regular expression.
    second_letter = at(start, 1)
    plain = two_letters & ~five_digits & (at(start, 0) <= ord("Z")) & (second_letter <= ord("Z")) \
        & _DIGIT_LUT[at(start, 2)]
    max_col = int(((at(start[plain], 0).astype(np.int64) - 64) * 26 + second_letter[plain] - 64).max(initial=0))
    near = refs[(two_letters & ~plain) | five_digits] - 2
    max_row = 0
    values = [_quoted_value(content, position + 1) for position in near.tolist()]
    for position in spaced.tolist():
        # XML allows any amount of whitespace around "=": the name before it may be far back.
        name_end = _solid_before(data, position)
        if name_end >= 0 and content[name_end] == ord("r"):
            run = _SPACE_RUN_RE.match(content, position + 1)
            values.append(_quoted_value(content, run.end() if run else position + 1))
    for value in values:
        for letters, digit_text in _refs_in(value):
            if len(letters) >= 2:
                max_col = max(max_col, column_number(letters[:_REF_PART_CAP]))
            if len(digit_text) >= 5:
                max_row = max(max_row, int(digit_text[:_REF_PART_CAP]))
    return max_row, max_col


def _special_input_cells(content: bytes | bytearray, tags: np.ndarray, equals: np.ndarray, first: np.ndarray,
                         before: np.ndarray, quoted: np.ndarray, at: Callable[[np.ndarray, int], np.ndarray],
                         columns: set[int]) -> _SheetScan:
    """Return the input cells (of ``columns``) holding a formula or an error, from the tag and "=" marks."""
    # Input cells holding a formula (<f) or an error (t="e"): each such mark is traced back to
    # the cell holding it. The column is read from r when it comes first (Excel's order);
    # other cells are all looked at.
    tag_end = _TAG_END_LUT[at(tags, 2)]
    cell_starts = tags[(first == ord("c")) & tag_end]
    formulas = tags[(first == ord("f")) & tag_end]
    maybe_error = equals[(before == ord("t")) & quoted]
    errors = maybe_error[(at(maybe_error, 2) == ord("e")) & _QUOTE_LUT[at(maybe_error, 3)]]
    if not cell_starts.size or not (formulas.size or errors.size):
        return _SheetScan()
    standard = np.ones(cell_starts.size, bool)
    for offset, byte in enumerate(b'c r="', start=1):
        standard &= at(cell_starts, offset) == byte
    codes = [at(cell_starts, offset).astype(np.int64) for offset in (6, 7, 8)]
    upper = [(x >= ord("A")) & (x <= ord("Z")) for x in codes]
    one = codes[0] - 64
    two = one * 26 + codes[1] - 64
    three = two * 26 + codes[2] - 64
    number = np.where(upper[1], np.where(upper[2], three, two), one)
    look = ~standard | (np.isin(number, np.fromiter(columns, np.int64)) & upper[0])
    owner = np.searchsorted(cell_starts, np.concatenate([formulas, errors])) - 1
    owner = owner[owner >= 0]
    owner = _distinct(owner[look[owner]])
    return _classify_special(content, cell_starts[owner].tolist(), columns)


def _solid_before(data: np.ndarray, position: int) -> int:
    """Return the index of the last byte before ``position`` that is not whitespace (-1 if none)."""
    end, size = position, 64
    while end > 0:
        start = max(0, end - size)
        solid = np.flatnonzero(~_SPACE_LUT[data[start:end]])
        if solid.size:
            return start + int(solid[-1])
        end, size = start, size * 4  # a long run of whitespace: look further back, ever larger steps
    return -1


def _quoted_value(content: bytes | bytearray, at: int) -> bytes:
    """Return the attribute value whose opening quote is at ``at`` (empty when there is no quote)."""
    found = _QUOTED_RE.match(content, at)
    return b"" if found is None else found.group(1) if found.group(1) is not None else found.group(2)


def _refs_in(value: bytes) -> list[tuple[str, str]]:
    """Return the (letters, digits) of a cell reference attribute value (entities resolved), if it is one."""
    found = _REF_TEXT_RE.match(_unescape(value))
    return [(found.group(1), found.group(2))] if found else []


def _unescape(raw: bytes) -> str:
    """Return an attribute value as an XML parser reads it (character and entity references resolved)."""
    text = raw.decode("utf-8", "replace")
    return html.unescape(text) if "&" in text else text


def _too_big(shown: str, member: str, max_row: int, max_col: int, cells: int) -> None:
    _fail(shown, E_DIMENSION, message("KPX113.cell", part=member,
                                      cell=f"{column_letter(max(max_col, 1))}{max(max_row, 1)}", cells=cells,
                                      rows=MAX_ROWS, cols=MAX_COLUMNS, max=MAX_CELLS))


def _check_dimension(shown: str, member: str, ref: str) -> None:
    last = ref.split(":")[-1]
    match = _REF_TEXT_RE.fullmatch(last.strip())
    if not match or not match.group(1):
        return
    col, row = column_number(match.group(1)[:_REF_PART_CAP]), int(match.group(2)[:_REF_PART_CAP])
    if row > MAX_ROWS or col > MAX_COLUMNS or row * col > MAX_CELLS:
        _fail(shown, E_DIMENSION, message("KPX113.range", part=member, ref=ref, rows=MAX_ROWS, cols=MAX_COLUMNS))


def _scan_special(xml: bytes | bytearray, columns: set[int], prefixed: bool) -> _SheetScan:
    """Return the cells of ``columns`` holding a formula with no saved value, or an error value.

    The sheet's extent is not checked: where this runs, a parser reading the sheet cannot
    take kpixl down with it (an isolated worker), or the extent was checked already.
    """
    if not xml or not columns:
        return _SheetScan()
    return _check_sheet_extent("", "", xml, prefixed, columns, bound=False) or _SheetScan()


def _classify_special(xml: bytes | bytearray, starts: list[int], columns: set[int]) -> _SheetScan:
    """Sort the candidate cells starting at ``starts`` into formulas without value and error cells."""
    scan = _SheetScan()
    for start in starts:
        cell = bytes(xml[start:_cell_end(xml, start)])
        head = cell[:cell.find(b">") + 1]
        ref_match = _R_ATTR_RE.search(head)
        if not ref_match or column_number(ref_match.group(1).decode("ascii")) not in columns:
            continue
        ref = (ref_match.group(1) + ref_match.group(2)).decode("ascii").upper()
        if _ERROR_TYPE_RE.search(head):
            value = _VALUE_OPEN_RE.search(cell)
            scan.error_cells[ref] = value.group(1).decode("utf-8", "replace") if value and value.group(1) \
                else "#VALUE!"
        elif _FORMULA_RE.search(cell) and _NO_VALUE_END_RE.search(cell):
            scan.formulas_without_value.add(ref)
    return scan


def _cell_end(xml, start: int) -> int:
    """Return the end of the cell element starting at ``start`` (self-closing or closed by </c>)."""
    tag = _TAG_CLOSE_RE.search(xml, start)
    if tag is None:
        return len(xml)
    if tag.group() == b"/>":
        return tag.end()
    close = _CELL_CLOSE_RE.search(xml, tag.end())
    return close.end() if close else len(xml)


def _quick_special(content: bytes | bytearray, columns: set[int]) -> _SheetScan:
    """Return the cells of ``columns`` holding a formula with no saved value or an error: one pass over the tags.

    Cheaper than the marks of :func:`_special_input_cells` (no "=" pass): a formula
    element followed by anything but a ``<v>`` with content, and a ``<v>`` whose value
    starts with "#" (the way every writer saves an error), name the candidate cells;
    :func:`_classify_special` decides about each as before. Only for unprefixed XML.
    """
    if _CANDIDATE_RE.search(content) is None:
        return _SheetScan()  # no formula and no error value at all: a lean copy's usual case, found at C speed
    size = len(content)
    data = np.frombuffer(content if size else b"\0", dtype=np.uint8)
    hits = _scratch("hits", data.size)[:data.size]
    tags = np.flatnonzero(np.equal(data, _LT, out=hits))
    if not tags.size:
        return _SheetScan()
    # The last tag of a sheet is its closing tag: three bytes after any other tag are in the part.
    ends = np.minimum(tags, size - 4)
    second, third, fourth = data[ends + 1], data[ends + 2], data[ends + 3]
    cell_tags = np.flatnonzero((second == ord("c")) & _TAG_END_LUT[third])
    formulas = np.flatnonzero((second == ord("f")) & _TAG_END_LUT[third])
    values = (second == ord("v")) & _TAG_END_LUT[third]
    candidates = np.flatnonzero(values & (third == ord(">")) & (fourth == ord("#")))
    if formulas.size:
        # After <f>...</f> the next tag is its closing one; after <f .../> there is none.
        closed = (second[np.minimum(formulas + 1, tags.size - 1)] == ord("/")) \
            & (third[np.minimum(formulas + 1, tags.size - 1)] == ord("f"))
        value_at = np.minimum(formulas + 1 + closed, tags.size - 1)
        # "<v>" and then text is a saved value; "<v/>" and "<v />" (openpyxl writes that) are none,
        # and "<v></v>" (the empty text a formula gave) goes to _classify_special like any doubt.
        with_value = values[value_at] & (third[value_at] == ord(">")) & (fourth[value_at] != _LT)
        candidates = np.concatenate([candidates, formulas[~with_value]])
    if not candidates.size or not cell_tags.size:
        return _SheetScan()
    owner = np.searchsorted(cell_tags, candidates) - 1
    starts = tags[cell_tags[_distinct(owner[owner >= 0])]]
    return _classify_special(content, starts[_maybe_in(data, starts, columns)].tolist(), columns)


def _distinct(values: np.ndarray) -> np.ndarray:
    """Return the distinct ``values``, sorted: ``np.unique`` without the import of ``numpy.ma`` it costs a new worker."""
    values = np.sort(values)
    return values[np.concatenate(([True], values[1:] != values[:-1]))] if values.size else values


def _maybe_in(data: np.ndarray, starts: np.ndarray, columns: set[int]) -> np.ndarray:
    """Return which cells starting at ``starts`` may lie in ``columns`` (read from r when it comes first).

    A cell whose tag is not ``<c r="...`` is kept: :func:`_classify_special` reads it.
    """
    last = data.size - 1

    def at(offset: int) -> np.ndarray:
        return data[np.minimum(starts + offset, last)]

    standard = np.ones(starts.size, bool)
    for offset, byte in enumerate(b'c r="', start=1):
        standard &= at(offset) == byte
    codes = [at(offset).astype(np.int64) for offset in (6, 7, 8)]
    upper = [(x >= ord("A")) & (x <= ord("Z")) for x in codes]
    one = codes[0] - 64
    two = one * 26 + codes[1] - 64
    three = two * 26 + codes[2] - 64
    number = np.where(upper[1], np.where(upper[2], three, two), one)
    return ~standard | (np.isin(number, np.fromiter(columns, np.int64)) & upper[0])
