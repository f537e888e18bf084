"""Own the lean copy of a package that the fast engine parses: each table sheet without its computed cells.

fastexcel parses a whole worksheet, whichever columns it is asked for, and in a kpixl
workbook nine bytes in ten of the Measurements sheet are the formulas of its computed
and helper columns, which the reader never reads. The pre-check has each table sheet
unpacked already (:mod:`kpixl.reader.prechecks`), so :func:`strip_cells` drops, in each
table's data rows, the cells of the table's computed and helper columns: numpy over
the bytes, no parser, because this runs before any parser has seen the file.
:func:`kpixl.reader.zipparts.repack` then writes the package again around the lean
sheets (stored, not deflated), every other part copied as it was packed. Both engines
parse that copy (so a cell only a computed column holds, say an Excel 365 ``#SPILL!``
python-calamine cannot read, stops neither of them, or both); the hash and the
pre-checks read the original.

A sheet is left whole (:func:`strip_cells` returns None) unless every cell in it is
written the plain way, ``<c r="A1" ...>``, and no element of its ``<sheetData>`` carries
a namespace prefix (a ``<x:c>`` is a cell too, and missed by a search for ``<c``): a cell
without its reference takes its place from the cell before it, so removing one would
move the rest. Header rows, totals rows,
rows below a table and columns beside it are kept as they are, so fastexcel still sees
anything typed there and the reader still hands such a table to the exact engine. A data
row left with no cell at all (a template's pre-sized blank row) goes whole.

How: one pass finds every tag (:func:`_tags`: compiled, ``kpixl/reader/_tagscan.c``, where
kpixl was built with its C part, one memchr pass that also places the cells by their rows;
else numpy, a megabyte at a time, all that is read of a tag gathered while that stretch is in
the CPU's cache; the same arrays either way, proven on random bytes and edited sheets by
``tests/test_lean.py``); cells are placed by their rows
(:func:`_places_by_row`, each cell's reference checked against its row's number) or, in a
sheet not written that way, by their own references (:func:`_places`).
"""

from __future__ import annotations

import re
from typing import AbstractSet, Any, NamedTuple

import numpy as np

from kpixl import schema
from kpixl.reader.ooxml import TableInfo, _schema_columns
from kpixl.reader.sheetscan import _TAG_END_LUT, _byte_set, _scratch
from kpixl.refs import parse_ref

_tagscan: Any
try:  # the tag scan compiled (setup.py builds it where a C compiler is): the same tags, a third of the time
    from kpixl.reader import _tagscan
except ImportError:  # a pure build (KPIXL_NO_EXTENSIONS=1, xlwings Lite's Pyodide): numpy scans
    _tagscan = None

# What one table drops: (first data row, last data row, the sheet columns that are no input columns).
Drop = tuple[int, int, frozenset[int]]

_LT, _C, _BANG, _QUESTION = ord("<"), ord("c"), ord("!"), ord("?")
_SLASH, _GT = ord("/"), ord(">")
MAX_COLUMN = 16384  # XFD, the last column a sheet may have
# Tags are found a megabyte at a time, what is read of each gathered while that stretch is
# still in the CPU's cache (smaller chunks cost more in numpy calls than they save).
TAG_CHUNK = 1 << 20
_CELL_HEAD = np.uint64(int.from_bytes(b'<c r="', "little"))
_LOW_SIX_BYTES = np.uint64(0xFFFFFFFFFFFF)
_LOW_FOUR_BYTES = np.uint64(0xFFFFFFFF)
_ROW_NAME = np.uint64(int.from_bytes(b"<row", "little"))
_ROW_HEAD = np.uint64(int.from_bytes(b'<row r="', "little"))
# For 1 to 7 digits: the digits and the quote after them, the low bytes of a little-endian word.
_DIGIT_MASKS = np.array([(1 << (8 * min(n + 1, 8))) - 1 for n in range(9)], np.uint64)
_BYTE = np.uint64(0xFF)
_PAIRS = np.uint64(0x000000FF000000FF)
_MUL1 = np.uint64(100 + (1000000 << 32))
_MUL2 = np.uint64(1 + (10000 << 32))
_MARK_BITS = np.array([1 << (8 * k + 7) for k in range(8)], np.uint64)  # the top bit of each byte
_UPPER = _byte_set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_NAME_START = _byte_set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")
_NAME = _byte_set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_0123456789.-")
_PREFIXED_TAG_RE = re.compile(rb"<[A-Za-z_][\w.\-]*:")


def table_drop(table: schema.Table, info: TableInfo) -> Drop | None:
    """Return what :func:`strip_cells` may drop of kpixl table ``info``: its data rows' computed and helper cells.

    Columns the schema does not know are kept (their values are carried with each
    record). None when the table has no data row or no computed column, or a range
    that cannot be read.
    """
    try:
        top, _left, bottom, _right = parse_ref(info.ref)
    except ValueError:
        return None
    dropped = frozenset(n for n, column in _schema_columns(table, info).items() if column.computed or column.helper)
    first, last = top + info.header_rows, bottom - info.totals_rows
    return (first, last, dropped) if dropped and first <= last else None


def strip_cells(content: bytes | bytearray, drops: list[Drop]) -> bytes | None:
    """Return worksheet XML ``content`` without the cells ``drops`` name; None to parse the sheet whole.

    The named cells closed by their own ``</c>`` are dropped, and with them every
    self-closing cell (``<c r="A9" s="3"/>``, which holds no value) in the drops' rows. None
    when no named cell with a ``</c>`` is there, when the sheet is not written
    the plain way (see the module's docstring), or when it holds comments, CDATA or
    processing instructions, inside which a ``<c`` would not be a cell.
    """
    size = len(content)
    if not drops or size < 32:
        return None
    sheet = _tags(content)
    codes, tags, second, third, cell_tags = sheet.codes, sheet.tags, sheet.second, sheet.third, sheet.cells
    if not tags.size or (second == _BANG).any():
        return None
    declarations = np.flatnonzero(second == _QUESTION)
    if declarations.size > 1 or (declarations.size and tags[declarations[0]] > 3):
        return None
    if not cell_tags.size or _prefixed_in_sheet_data(content, codes, tags, second, third):
        return None
    starts = tags[cell_tags]
    by_row = _places_by_row(sheet)
    located = by_row[:2] if by_row is not None else _places(sheet.heads)
    if located is None:
        return None
    rows, columns = located
    drop = np.zeros(starts.size, bool)
    in_rows = np.zeros(starts.size, bool)
    for first, last, dropped in drops:
        span = (rows >= first) & (rows <= last)
        in_rows |= span
        drop |= span & _column_set(dropped)[np.minimum(columns, MAX_COLUMN + 1)]
    # A cell's own </c> is the first one after it, when that comes before the next cell.
    closes = tags[sheet.closes]
    following = _count_before(sheet.closes, cell_tags, tags.size)  # the closes before each cell
    close_at = closes[np.minimum(following, closes.size - 1)] if closes.size else np.full(starts.size, size)
    owned = (following < closes.size) & (close_at < np.append(starts[1:], size))
    drop &= owned
    if not drop.any():
        return None
    # A cell without a </c> of its own closes itself ("/>" just before the next tag) and holds
    # no value: in the tables' data rows it goes too, whatever its column, so a parser does not
    # walk a template's pre-sized blank rows (fastexcel parses kpixl's lean Measurements sheet
    # in 1.7 ms instead of 2.9).
    ends = close_at + 4
    unowned = np.flatnonzero(~owned & in_rows)
    after = tags[np.minimum(cell_tags[unowned] + 1, tags.size - 1)]
    closed = (codes[np.maximum(after - 2, 0)] == _SLASH) & (codes[np.maximum(after - 1, 0)] == _GT)
    empty = unowned[closed]
    drop[empty] = True
    ends[empty] = after[closed]
    cut_from = starts.copy()
    if by_row is not None:
        _whole_rows(sheet, by_row[2], by_row[3], drop, owned, following, cut_from, ends)
    cut_from, cut_to = cut_from[drop], ends[drop]
    # Neighbouring cells (F2 to M2) go in one cut.
    breaks = np.flatnonzero(cut_from[1:] != cut_to[:-1]) + 1
    cut_from = cut_from[np.concatenate(([0], breaks))]
    cut_to = cut_to[np.concatenate((breaks - 1, [cut_to.size - 1]))]
    view = memoryview(content)
    return b"".join([view[a:b] for a, b in zip([0, *cut_to.tolist()], [*cut_from.tolist(), size])])


def _whole_rows(sheet: _Tags, row_tags: np.ndarray, owner: np.ndarray, drop: np.ndarray, owned: np.ndarray,
                following: np.ndarray, cut_from: np.ndarray, ends: np.ndarray) -> None:
    """Widen the cuts of each row whose every cell goes to the whole row, ``<row ...>`` to ``</row>``.

    A template's pre-sized blank rows then leave nothing behind, and one cut takes a run of
    them: fewer pieces to join, no empty rows for a parser to walk. ``owner``: each cell's
    row among ``row_tags``; ``following``: how many ``</c>`` come before each cell.
    """
    counts = np.bincount(owner, minlength=row_tags.size)
    gone = np.bincount(owner[drop], minlength=row_tags.size)
    whole = np.flatnonzero((counts > 0) & (gone == counts))
    if not whole.size:
        return
    first, last = np.searchsorted(owner, whole), np.searchsorted(owner, whole, "right") - 1
    # The tag after a row's last cell: after its </c>, or after the cell when it closes itself.
    after = np.where(owned[last], sheet.closes[np.minimum(following[last], sheet.closes.size - 1)],
                     sheet.cells[last]) + 1
    after = np.minimum(after, sheet.tags.size - 1)
    at = sheet.tags[after]
    ending = (sheet.second[after] == _SLASH) & (sheet.third[after] == ord("r"))
    word = _items(sheet.codes, 3)[np.minimum(at + 3, sheet.codes.size - 3)]
    ending &= word == np.void(b"ow>")
    cut_from[first[ending]] = sheet.tags[row_tags[whole[ending]]]
    ends[last[ending]] = at[ending] + 6


def _column_set(columns: AbstractSet[int]) -> np.ndarray:
    """Return a lookup table of ``columns`` by column number (up to :data:`MAX_COLUMN`; one more entry, False)."""
    table = np.zeros(MAX_COLUMN + 2, bool)
    table[[c for c in columns if 0 <= c <= MAX_COLUMN]] = True
    return table


_NOT_READ: Any = object()  # _Tags.by_row of a scan that left placing the cells to _places_by_row


class _Tags(NamedTuple):
    """The tags of a worksheet part, as :func:`_tags` finds them."""

    codes: np.ndarray   # the part's bytes
    tags: np.ndarray    # where each "<" is
    second: np.ndarray  # the byte after each
    third: np.ndarray   # and the one after that
    cells: np.ndarray   # which tags are cells ("<c" and a byte that ends the name)
    closes: np.ndarray  # which tags close a cell ("</c>")
    heads: np.ndarray   # each cell's first 24 bytes, three little-endian words a row
    # What _places_by_row returns, when the scan placed the cells itself (the compiled one does).
    by_row: Any = _NOT_READ


def _compiled_tags(content: bytes | bytearray) -> _Tags:
    """Return :func:`_numpy_tags` of ``content`` as the compiled scan finds them (:mod:`kpixl.reader._tagscan`).

    The scan also places the cells by their rows, by :func:`_places_by_row`'s rules: its
    ``by_row`` is what that function returns.
    """
    assert _tagscan is not None
    tags, second, third, cells, closes, heads, by_row = _tagscan.scan(content)
    placed = None if by_row is None else tuple(np.frombuffer(part, kind) for part, kind in zip(by_row, _BY_ROW_KINDS))
    return _Tags(np.frombuffer(content, np.uint8), np.frombuffer(tags, np.int64), np.frombuffer(second, np.uint8),
                 np.frombuffer(third, np.uint8), np.frombuffer(cells, np.int64), np.frombuffer(closes, np.int64),
                 np.frombuffer(heads, "<u8").reshape(-1, 3), placed)


# What the compiled scan's places by row hold: rows, columns, row tags (int64), each cell's row among them (int32).
_BY_ROW_KINDS = (np.int64, np.int64, np.int64, np.int32)


def _numpy_tags(content: bytes | bytearray) -> _Tags:
    """Return the tags of ``content`` (at least 24 bytes): every "<", the two bytes after each, the cells.

    Found :data:`TAG_CHUNK` bytes at a time, and everything read of a tag gathered while
    that stretch is still in the CPU's cache (a kpixl Measurements sheet is 10 MB: one
    pass over it, not four). Two bytes are all a tag's kind needs: a cell's ``<c`` and the
    byte ending its name, a closing ``</c`` (and its ``>``), ``<!``, ``<?``; a cell's first 24 bytes are
    what :func:`_places` reads. A tag in the part's last two bytes reads its last byte instead.
    """
    size = len(content)
    codes, wide = np.frombuffer(content, np.uint8), _items(content, 24)
    hits = _scratch("hits", min(size, TAG_CHUNK))
    found, seconds, thirds, cells, closes, heads = [], [], [], [], [], []
    counted = 0
    for start in range(0, size, TAG_CHUNK):
        part = codes[start:start + TAG_CHUNK]
        at = np.flatnonzero(np.equal(part, _LT, out=hits[:part.size])) + start
        if at.size and at[-1] + 2 >= size:
            near = np.minimum(at, size - 3)
            second, third = codes[near + 1], codes[near + 2]
        else:
            second, third = codes[1:][at], codes[2:][at]  # no shifted copy of the positions
        cell = np.flatnonzero(second == _C)
        cell = cell[_TAG_END_LUT[third[cell]]]
        close = np.flatnonzero((second == _SLASH) & (third == _C))
        close = close[codes[np.minimum(at[close] + 3, size - 1)] == _GT]
        found.append(at)
        seconds.append(second)
        thirds.append(third)
        heads.append(wide[np.minimum(at[cell], size - 24)])
        cells.append(cell + counted)
        closes.append(close + counted)
        counted += at.size
    joined: list[np.ndarray] = [np.concatenate(pieces) if len(pieces) > 1 else pieces[0]
                                for pieces in (found, seconds, thirds, cells, closes, heads)]
    at, second, third, cell, close, head = joined
    return _Tags(codes, at, second, third, cell, close, head.view("<u8").reshape(-1, 3))


# The scan strip_cells uses: compiled where kpixl was built with it (setup.py), numpy where not.
_tags = _numpy_tags if _tagscan is None else _compiled_tags


def _count_before(marked: np.ndarray, indexes: np.ndarray, size: int) -> np.ndarray:
    """Return how many of the sorted tag indexes ``marked`` come before each of ``indexes`` (of ``size`` tags).

    A running count along the tags: cheaper than a binary search for each index.
    """
    flags = np.zeros(size + 1, np.int32)
    flags[marked + 1] = 1
    return np.cumsum(flags, dtype=np.int32)[indexes]


def _prefixed_in_sheet_data(content: bytes | bytearray, codes: np.ndarray, tags: np.ndarray, second: np.ndarray,
                            third: np.ndarray) -> bool:
    """Return True when an element in ``<sheetData>`` carries a namespace prefix (``<x:c>``, ``<x:row>``), or none is found.

    The cells are found as unprefixed ``<c`` tags; a prefixed cell (written without its
    reference, it takes its place from the cell before) would be missed and moved. A tag
    whose name may hold a colon (one within its first three bytes, or a long name other
    than ``row``) is looked at exactly: rare in a sheet's data (``<rPr>`` of rich text).
    """
    start, end = content.find(b"<sheetData"), content.rfind(b"</sheetData>")
    if start < 0 or end < start:
        return True
    inside = slice(np.searchsorted(tags, start, "right"), np.searchsorted(tags, end))
    second, third = second[inside], third[inside]
    # Only a tag whose third byte may continue a name or be its colon can match (a cell's
    # "<c ", a value's "<v>", a closing "</" cannot): the rest is looked at on those alone.
    named = np.flatnonzero((third >= ord("-")) & (third != ord("/")) & (third != ord(">")) & (second != ord("/")))
    at = tags[inside][named]
    second, third = second[named], third[named]
    fourth = codes[np.minimum(at + 3, codes.size - 1)]
    row = (second == ord("r")) & (third == ord("o")) & (fourth == ord("w"))
    maybe = _NAME_START[second] & ((third == ord(":")) | (fourth == ord(":"))
                                   | (_NAME[third] & _NAME[fourth] & ~row))
    return any(_PREFIXED_TAG_RE.match(content, a) for a in at[maybe].tolist())


def _items(content: bytes | bytearray | np.ndarray, width: int) -> np.ndarray:
    """Return every ``width`` bytes of ``content`` from each offset, as one item each (a view: nothing is copied).

    Gathering whole items copies ``width`` bytes at once: several times faster than
    gathering byte by byte.
    """
    return np.ndarray(shape=(len(content) - width + 1,), dtype=f"V{width}", buffer=content, strides=(1,))


def _places_by_row(sheet: _Tags) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
    """Return :func:`_places` of the sheet's cells read by their rows, the rows' tags and each cell's row among them.

    None to read them cell by cell.

    A row's number is read once from its ``<row r="12"``; each cell's own reference is
    then checked to spell the same digits (one masked comparison of eight bytes, not a
    parse), so the numbers are the cells' own. None, and :func:`_places` reads each
    reference, unless every row is written ``<row r="..."`` and every cell ``<c r="..."`` after
    a row's tag.
    """
    if sheet.by_row is not _NOT_READ:
        return sheet.by_row  # the compiled scan placed them, by the same rules
    content_size = sheet.codes.size
    row_tags = np.flatnonzero(sheet.second == ord("r"))
    row_tags = row_tags[sheet.third[row_tags] == ord("o")]
    if not row_tags.size or not sheet.cells.size or content_size < 24:
        return None
    words = _items(sheet.codes, 16)[np.minimum(sheet.tags[row_tags], content_size - 16)].view("<u8").reshape(-1, 2)
    # "<row" and a byte that ends a name: a row ("<rowBreaks>" after the sheet's data is not one).
    is_row = ((words[:, 0] & _LOW_FOUR_BYTES) == _ROW_NAME) & _TAG_END_LUT[(words[:, 0] >> np.uint64(32)) & _BYTE]
    row_tags, words = row_tags[is_row], words[is_row]
    if not row_tags.size or not (words[:, 0] == _ROW_HEAD).all():
        return None
    digits = _first_byte(words[:, 1], ord('"'))
    if not ((digits >= 1) & (digits <= 7)).all():
        return None
    numbers = _swar_number(words[:, 1], digits)
    owner = _count_before(row_tags, sheet.cells, sheet.tags.size) - 1
    if (numbers < 0).any() or owner[0] < 0:
        return None
    found = _columns(sheet.heads)
    if found is None:
        return None
    columns, word = found
    # The cell's digits and the quote after them are its row's (the masks keep digits + 1 bytes).
    if not (((word ^ words[:, 1][owner]) & _DIGIT_MASKS[digits][owner]) == 0).all():
        return None
    return numbers[owner], columns, row_tags, owner


def _columns(head: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Return the column numbers of cells whose first 24 bytes are ``head`` (three words each) and the word after
    each one's letters; None unless all read ``<c r="`` and a capital letter."""
    if not ((head[:, 0] & _LOW_SIX_BYTES) == _CELL_HEAD).all():
        return None
    letter = [(head[:, 0] >> np.uint64(48)) & _BYTE, head[:, 0] >> np.uint64(56), head[:, 1] & _BYTE]
    upper = [_UPPER[code] for code in letter]
    if not upper[0].all():
        return None
    second, third = upper[1], upper[1] & upper[2]
    code = [c.astype(np.int64) - 64 for c in letter]
    if not second.any():  # every column is one letter (A to Z): the common case, and the cheapest
        return code[0], (head[:, 0] >> np.uint64(56)) | (head[:, 1] << np.uint64(8))
    two = code[0] * 26 + code[1]
    columns = np.where(third, two * 26 + code[2], np.where(second, two, code[0]))
    # What follows the letters: bytes 7-14, 8-15 or 9-16 of the cell.
    word = np.where(second, np.where(third, (head[:, 1] >> np.uint64(8)) | (head[:, 2] << np.uint64(56)), head[:, 1]),
                    (head[:, 0] >> np.uint64(56)) | (head[:, 1] << np.uint64(8)))
    return columns, word


def _places(heads: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Return the (row, column) numbers of cells whose first 24 bytes are ``heads``; None unless all read ``<c r="A1"``.

    Each reference is read as 64-bit words, eight bytes at a time, with no loop over
    cells (kpixl's Measurements sheet has 40,000 of them).
    """
    found = _columns(heads)
    if found is None:
        return None
    columns, word = found
    # The row number: one to seven digits after the letters, then the closing quote.
    digits = _first_byte(word, ord('"'))
    rows = _swar_number(word, digits) if ((digits >= 1) & (digits <= 7)).all() else None
    return None if rows is None or (rows < 0).any() else (rows, columns)


def _first_byte(words: np.ndarray, byte: int) -> np.ndarray:
    """Return the index of the first ``byte`` in each little-endian 64-bit word (8 when there is none)."""
    # The classic "has a zero byte" test on word ^ byte-repeated: its lowest set bit marks
    # the first match exactly (false marks can only lie above a true one).
    x = words ^ np.uint64(byte * 0x0101010101010101)
    marks = (x - np.uint64(0x0101010101010101)) & ~x & np.uint64(0x8080808080808080)
    lowest = marks & (~marks + np.uint64(1))
    return np.where(marks == 0, 8, np.searchsorted(_MARK_BITS, lowest))


def _swar_number(words: np.ndarray, digits: np.ndarray) -> np.ndarray:
    """Return the number the first ``digits`` bytes of each word spell; -1 where one is no digit.

    The eight-digits-at-once parse (D. Lemire, "Fast integer parsing"): the digits are moved
    to the top of the word (zero digits in front), then pairs, fours and eights are combined.
    """
    shift = (np.uint64(8) * (np.uint64(8) - digits.astype(np.uint64)))
    kept = (words << shift) >> shift  # the bytes beyond the number cleared
    values = kept - (np.uint64(0x3030303030303030) & (np.uint64(0xFFFFFFFFFFFFFFFF) >> shift))
    # Every kept byte must be 0-9 now: no high nibble, and nothing past 9 in the low one.
    bad = (values & np.uint64(0xF0F0F0F0F0F0F0F0)) | ((values + np.uint64(0x0606060606060606))
                                                     & np.uint64(0xF0F0F0F0F0F0F0F0))
    number = values << shift
    number = number * np.uint64(10) + (number >> np.uint64(8))
    number = ((number & _PAIRS) * _MUL1 + ((number >> np.uint64(16)) & _PAIRS) * _MUL2) >> np.uint64(32)
    return np.where(bad == 0, (number & np.uint64(0xFFFFFFFF)).astype(np.int64), -1)
