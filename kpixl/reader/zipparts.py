"""Own a package's parts as bytes: locating a packed part, unpacking it, and packing a copy of the package.

The pre-check (:mod:`kpixl.reader.prechecks`) reads the whole file once; each part is
then located through its local header (:func:`packed`) and unpacked in one call
(:func:`unpack`) with libdeflate, several times faster than zlib on a kpixl sheet's
10 MB of XML (zlib when libdeflate is missing). The declared size bounds every part:
the pre-check has checked the sizes against the package limits before, and a part that
unpacks to any other size is corrupt. :func:`repack` writes the copy of the package
the engines parse (:mod:`kpixl.reader.lean`).
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from typing import Any, Callable, Iterable, Iterator, Mapping

_libdeflate: Any
try:  # libdeflate: whole-buffer inflate and CRC-32 several times faster than zlib's
    import deflate as _libdeflate
except ImportError:  # pragma: no cover - a declared dependency; zlib gives the same bytes, slower
    _libdeflate = None

crc32 = _libdeflate.crc32 if _libdeflate is not None else zlib.crc32

# What a part that cannot be unpacked raises (zipfile's, zlib's and libdeflate's errors).
UNPACK_ERRORS: tuple[type[BaseException], ...] = (zipfile.BadZipFile, EOFError, OSError, ValueError, RuntimeError,
                                                  NotImplementedError, zlib.error) + (
    (_libdeflate.DeflateError,) if _libdeflate is not None else ())


def packed(data: bytes, info: zipfile.ZipInfo) -> bytes:
    """Return the packed bytes of a part, located through its local header."""
    offset = info.header_offset
    header = data[offset:offset + 30]
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile("bad local file header")
    start = offset + 30 + int.from_bytes(header[26:28], "little") + int.from_bytes(header[28:30], "little")
    body = data[start:start + info.compress_size]
    if len(body) != info.compress_size:
        raise zipfile.BadZipFile("truncated part")
    return body


def plain(info: zipfile.ZipInfo) -> bool:
    """Return whether a part is stored or deflated and not encrypted (what this module unpacks)."""
    return not info.flag_bits & 0x1 and info.compress_type in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)


def unpack(data: bytes, info: zipfile.ZipInfo, *, crc: bool = True) -> bytes | bytearray | None:
    """Return a stored or deflated part unpacked in one call, its size (and CRC, unless ``crc`` is False) checked.

    None for any other part: zipfile unpacks it then. libdeflate hands back a bytearray;
    it is not copied into bytes (10 MB a sheet), so keep it only where nothing changes it.
    """
    if not plain(info):
        return None
    body = packed(data, info)
    content: bytes | bytearray
    if info.compress_type == zipfile.ZIP_STORED:
        content = body
    elif _libdeflate is not None:
        try:
            content = _libdeflate.deflate_decompress(body, info.file_size)
        except _libdeflate.DeflateError:
            content = _inflate_with_zlib(body, info)  # libdeflate says only "Decompression failed": zlib says why
    else:
        content = _inflate_with_zlib(body, info)
    if len(content) != info.file_size:
        raise zipfile.BadZipFile(f"part {info.filename!r} is not the size its directory entry says")
    if crc and crc32(content) != info.CRC:
        raise zipfile.BadZipFile(f"Bad CRC-32 for file {info.filename!r}")
    return content


def _inflate_with_zlib(body: bytes, info: zipfile.ZipInfo) -> bytes:
    """Return ``body`` inflated by zlib, never past the declared size plus one byte (a lying part stops there)."""
    try:
        return zlib.decompressobj(-15).decompress(body, info.file_size + 1)
    except zlib.error as error:
        raise zipfile.BadZipFile(str(error)) from None


def unpack_watched(data: bytes, archive: zipfile.ZipFile, info: zipfile.ZipInfo, watch: Callable[[bytes], None],
                   piece: int = 1 << 20) -> bytearray:
    """Return a part unpacked piece by piece, each ``piece`` bytes handed to ``watch`` before the next is unpacked.

    ``watch`` raises to stop (a sheet beyond its limits): no more than one piece past what
    it has seen is ever unpacked. The output never grows past the declared size (a
    directory that lies about it is corrupt, found at the first byte too many), and the
    CRC is checked at the end. zlib inflates (libdeflate cannot stop half-way);
    ``archive`` reads a part that is neither stored nor deflated, or a package not in
    memory (``data`` empty).
    """
    content = bytearray()  # grown in place (realloc): no second copy of a large sheet
    for chunk in _pieces(data, archive, info, piece):
        if len(content) + len(chunk) > info.file_size:
            raise zipfile.BadZipFile(f"part {info.filename!r} is larger than its directory entry says")
        watch(chunk)
        content += chunk
    if len(content) != info.file_size:
        raise zipfile.BadZipFile(f"part {info.filename!r} is not the size its directory entry says")
    if crc32(content) != info.CRC:
        raise zipfile.BadZipFile(f"Bad CRC-32 for file {info.filename!r}")
    return content


def _pieces(data: bytes, archive: zipfile.ZipFile, info: zipfile.ZipInfo, piece: int) -> Iterator[bytes]:
    """Yield a part's unpacked bytes ``piece`` at a time (never more than one piece beyond the declared size)."""
    if not data or not plain(info):
        with archive.open(info) as stream:  # zipfile stops at the declared size and checks the CRC
            while chunk := stream.read(piece):
                yield chunk
        return
    body = packed(data, info)
    if info.compress_type == zipfile.ZIP_STORED:
        for start in range(0, len(body), piece):
            yield body[start:start + piece]
        return
    inflater = zlib.decompressobj(-15)
    # The packed bytes go in 64 KB at a time: zlib copies what it has not used yet on every call.
    view, fed, step = memoryview(body), 0, 1 << 16
    pending = b""
    while not inflater.eof:
        if len(pending) < step and fed < len(body):
            pending, fed = bytes(pending) + view[fed:fed + step], fed + step
        try:
            chunk = inflater.decompress(pending, piece)
        except zlib.error as error:
            raise zipfile.BadZipFile(str(error)) from None
        pending = inflater.unconsumed_tail
        if chunk:
            yield chunk
        elif not pending and fed >= len(body):
            return  # truncated: the size check says so


def unpack_head(data: bytes, info: zipfile.ZipInfo, size: int) -> bytes | None:
    """Return the first ``size`` unpacked bytes of a stored or deflated part (None: another method)."""
    if not plain(info):
        return None
    body = packed(data, info)
    if info.compress_type == zipfile.ZIP_STORED:
        return body[:size]
    return zlib.decompressobj(-15).decompress(body, size)


_LOCAL = struct.Struct("<4s5H3L2H")
_CENTRAL = struct.Struct("<4s6H3L5H2L")
_END = struct.Struct("<4s4H2LH")
_UTF8_NAMES = 0x800
_DOS_DATE = (1 << 5) | 1  # 1980-01-01: no reader of the copy looks at the times


def repack(data: bytes, infos: Iterable[zipfile.ZipInfo], replaced: Mapping[str, bytes]) -> bytes | None:
    """Return package ``data`` again with the parts in ``replaced`` swapped in (stored); None if it cannot be.

    Every other part is copied as it was packed (no inflating, no deflating). None when a
    part is neither stored nor deflated, or encrypted.
    """
    pieces: list[bytes] = []
    directory: list[bytes] = []
    offset = 0
    for info in infos:
        if not plain(info):
            return None
        name = info.filename.encode("utf-8")
        new = replaced.get(info.filename)
        if new is not None:
            body, method, crc, packed_size, size = new, zipfile.ZIP_STORED, crc32(new), len(new), len(new)
        else:
            body, method, crc = packed(data, info), info.compress_type, info.CRC
            packed_size, size = info.compress_size, info.file_size
        pieces += [_LOCAL.pack(b"PK\x03\x04", 20, _UTF8_NAMES, method, 0, _DOS_DATE, crc, packed_size, size,
                               len(name), 0), name, body]
        directory.append(_CENTRAL.pack(b"PK\x01\x02", 20, 20, _UTF8_NAMES, method, 0, _DOS_DATE, crc, packed_size,
                                       size, len(name), 0, 0, 0, 0, 0, offset) + name)
        offset += _LOCAL.size + len(name) + len(body)
    central = b"".join(directory)
    return b"".join(pieces) + central + _END.pack(b"PK\x05\x06", 0, 0, len(directory), len(directory), len(central),
                                                  offset, 0)
