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
anything typed there and the reader still hands such a table to the exact engine.
"""

from __future__ import annotations

import re

import numpy as np

from kpixl import schema
from kpixl.reader.ooxml import TableInfo, _schema_columns
from kpixl.reader.sheetscan import _TAG_END_LUT, _byte_set
from kpixl.refs import parse_ref

# What one table drops: (first data row, last data row, the sheet columns that are no input columns).
Drop = tuple[int, int, frozenset[int]]

_LT = ord("<")
_SLASH, _GT = ord("/"), ord(">")
_CELL_CLOSE = int.from_bytes(b"</c>", "little")
_CELL_HEAD = np.uint64(int.from_bytes(b'<c r="', "little"))
_LOW_SIX_BYTES = np.uint64(0xFFFFFFFFFFFF)
_BYTE = np.uint64(0xFF)
_PAIRS = np.uint64(0x000000FF000000FF)
_MUL1 = np.uint64(100 + (1000000 << 32))
_MUL2 = np.uint64(1 + (10000 << 32))
_MARK_BITS = np.array([1 << (8 * k + 7) for k in range(8)], np.uint64)  # the top bit of each byte
_UPPER = _byte_set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_NAME_START = _byte_set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")
_NAME = _byte_set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_0123456789.-")
_PREFIXED_TAG_RE = re.compile(rb"<[A-Za-z_][\w.\-]*:")
# Tags are found a megabyte at a time: each "<"'s four bytes are gathered while that
# stretch is still in the CPU's cache (a third faster than one pass over a 13 MB sheet).
TAG_CHUNK = 1 << 20


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
    tags, heads, starts, cells, cell_tags = _tags(content)
    second = (heads >> 8) & 0xFF
    declarations = tags[second == ord("?")]
    if (second == ord("!")).any() or declarations.size > 1 or (declarations.size and declarations[0] > 3):
        return None
    if _prefixed_in_sheet_data(content, tags, heads):
        return None
    is_close = heads == _CELL_CLOSE
    closes = tags[is_close]
    located = _cell_places(content, starts, cells) if starts.size else None
    if located is None:
        return None
    rows, columns = located
    drop = np.zeros(starts.size, bool)
    in_rows = np.zeros(starts.size, bool)
    for first, last, dropped in drops:
        span = (rows >= first) & (rows <= last)
        in_rows |= span
        drop |= span & np.isin(columns, np.fromiter(dropped, np.int64))
    # A cell's own </c> is the first one after it, when that comes before the next cell
    # (the closes before a cell are counted along the tags: no search).
    following = np.cumsum(is_close)[cell_tags]
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
    codes = np.frombuffer(content, np.uint8)
    closed = (codes[np.maximum(after - 2, 0)] == _SLASH) & (codes[np.maximum(after - 1, 0)] == _GT)
    empty = unowned[closed]
    drop[empty] = True
    ends[empty] = after[closed]
    cut_from, cut_to = starts[drop], ends[drop]
    # Neighbouring cells (F2 to M2) go in one cut.
    breaks = np.flatnonzero(cut_from[1:] != cut_to[:-1]) + 1
    cut_from = cut_from[np.concatenate(([0], breaks))]
    cut_to = cut_to[np.concatenate((breaks - 1, [cut_to.size - 1]))]
    view = memoryview(content)
    return b"".join([view[a:b] for a, b in zip([0, *cut_to.tolist()], [*cut_from.tolist(), size])])


def _tags(content: bytes | bytearray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Return where each "<" of ``content`` is, the four bytes from it, where each cell starts, its first 24 bytes
    and which of the tags it is.

    The four bytes are one little-endian number; the last tag of a part is its root's
    closing tag, never a cell: it is read from four bytes before the end. A cell is a
    ``<c`` tag (its third byte ends the name); its 24 bytes are what :func:`_cell_places`
    reads. Found :data:`TAG_CHUNK` bytes at a time (a tag's bytes may run past its chunk:
    they are read from the whole part). ``content`` is at least 24 bytes long.
    """
    size = len(content)
    codes, items, wide = np.frombuffer(content, np.uint8), _items(content, 4), _items(content, 24)
    tags, heads, starts, cells, indexes = [], [], [], [], []
    counted = 0
    for start in range(0, size, TAG_CHUNK):
        found = np.flatnonzero(codes[start:start + TAG_CHUNK] == _LT) + start
        head = items[np.minimum(found, size - 4)].view("<u4")
        index = np.flatnonzero(((head >> 8) & 0xFF == ord("c")) & _TAG_END_LUT[(head >> 16) & 0xFF])
        cell = found[index]
        tags.append(found)
        heads.append(head)
        starts.append(cell)
        cells.append(wide[np.minimum(cell, size - 24)])
        indexes.append(index + counted)
        counted += found.size
    return (np.concatenate(tags), np.concatenate(heads), np.concatenate(starts), np.concatenate(cells),
            np.concatenate(indexes))


def _prefixed_in_sheet_data(content: bytes | bytearray, tags: np.ndarray, heads: np.ndarray) -> bool:
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
    codes = heads[inside]
    # Only a tag whose third byte may continue a name or be its colon can match (a cell's
    # "<c ", a value's "<v>", a closing "</" cannot): the rest is looked at on those alone.
    second, third = (codes >> 8) & 0xFF, (codes >> 16) & 0xFF
    named = np.flatnonzero((third >= ord("-")) & (third != ord("/")) & (third != ord(">")) & (second != ord("/")))
    codes, second, third = codes[named], second[named], third[named]
    fourth = codes >> 24
    row = (second == ord("r")) & (third == ord("o")) & (fourth == ord("w"))
    maybe = _NAME_START[second] & ((third == ord(":")) | (fourth == ord(":"))
                                   | (_NAME[third] & _NAME[fourth] & ~row))
    return any(_PREFIXED_TAG_RE.match(content, at) for at in tags[inside][named][maybe].tolist())


def _items(content: bytes | bytearray, width: int) -> np.ndarray:
    """Return every ``width`` bytes of ``content`` from each offset, as one item each (a view: nothing is copied).

    Gathering whole items copies ``width`` bytes at once: several times faster than
    gathering byte by byte.
    """
    return np.ndarray(shape=(len(content) - width + 1,), dtype=f"V{width}", buffer=content, strides=(1,))


def _cell_places(content: bytes | bytearray, starts: np.ndarray,
                 cells: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray] | None:
    """Return the (row, column) numbers of the cells starting at ``starts``; None unless all read ``<c r="A1"``.

    Each reference is read as 64-bit words, eight bytes at a time, with no loop over
    cells (kpixl's Measurements sheet has 40,000 of them). ``cells``: their first 24 bytes
    when :func:`_tags` has gathered them already.
    """
    if cells is None:
        cells = _items(content, 24)[np.minimum(starts, len(content) - 24)]
    head = cells.view("<u8").reshape(-1, 3)
    if not ((head[:, 0] & _LOW_SIX_BYTES) == _CELL_HEAD).all():
        return None
    letter = [(head[:, 0] >> np.uint64(48)) & _BYTE, head[:, 0] >> np.uint64(56), head[:, 1] & _BYTE]
    upper = [_UPPER[code] for code in letter]
    if not upper[0].all():
        return None
    second, third = upper[1], upper[1] & upper[2]
    code = [c.astype(np.int64) - 64 for c in letter]
    two = code[0] * 26 + code[1]
    columns = np.where(third, two * 26 + code[2], np.where(second, two, code[0]))
    # The row number: one to seven digits after the letters, then the closing quote, read
    # from the eight bytes after the letters (bytes 7-14, 8-15 or 9-16 of the cell).
    word = np.where(second, np.where(third, (head[:, 1] >> np.uint64(8)) | (head[:, 2] << np.uint64(56)), head[:, 1]),
                    (head[:, 0] >> np.uint64(56)) | (head[:, 1] << np.uint64(8)))
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
