"""Test kpixl.reader.zipparts: a part unpacked in one call (libdeflate, or zlib), and the repacked copy.

Both inflaters must give the same bytes and the same refusals: a corrupt stream, a part
longer or shorter than its directory entry says, a wrong CRC. The copy fastexcel reads
must be a sound package holding the other parts exactly as they were packed.
"""

from __future__ import annotations

import io
import zipfile
import zlib

import fastexcel
import pytest
from python_calamine import CalamineWorkbook

from kpixl.reader import zipparts

import workbooks as W

XML = b'<?xml version="1.0"?><worksheet>' + b'<row r="1"><c r="A1"><v>1</v></c></row>' * 5000 + b"</worksheet>"


@pytest.fixture(params=["libdeflate", "zlib"])
def inflater(request, monkeypatch):
    """Run the test with libdeflate and again with zlib only (what runs where libdeflate is missing)."""
    if request.param == "zlib":
        monkeypatch.setattr(zipparts, "_libdeflate", None)
    return request.param


def _package(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> tuple[bytes, list[zipfile.ZipInfo]]:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    data = buffer.getvalue()
    return data, zipfile.ZipFile(io.BytesIO(data)).infolist()


def _with_info(info: zipfile.ZipInfo, **fields) -> zipfile.ZipInfo:
    changed = zipfile.ZipInfo(info.filename)
    for name in ("compress_type", "flag_bits", "header_offset", "compress_size", "file_size", "CRC"):
        setattr(changed, name, fields.get(name, getattr(info, name)))
    return changed


@pytest.mark.parametrize("method", [zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED])
def test_a_part_unpacks_to_its_bytes(inflater, method):
    data, (info,) = _package({"xl/worksheets/sheet1.xml": XML}, method)
    assert bytes(zipparts.unpack(data, info)) == XML


def test_a_corrupt_stream_is_named_in_zlibs_words(inflater):
    data, (info,) = _package({"s.xml": XML})
    start = info.header_offset + 30 + len(info.filename)
    broken = data[:start] + b"\xff" * 8 + data[start + 8:]
    with pytest.raises(zipfile.BadZipFile, match="invalid"):
        zipparts.unpack(broken, info)


@pytest.mark.parametrize("declared", [len(XML) - 1, len(XML) + 1, 10])
def test_a_part_of_another_size_than_declared_is_refused(inflater, declared):
    data, (info,) = _package({"s.xml": XML})
    with pytest.raises(zipfile.BadZipFile, match="not the size its directory entry says"):
        zipparts.unpack(data, _with_info(info, file_size=declared))


def test_a_part_that_lies_about_its_size_cannot_unpack_past_it(inflater):
    # 100 MB of zeros declared as 10 bytes: refused after at most 11 bytes, either way.
    bomb = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed = bomb.compress(b"\0" * (100 * 2**20)) + bomb.flush()
    data, (info,) = _package({"s.xml": b"x"})
    start = info.header_offset + 30 + len(info.filename)
    data = data[:start] + packed
    with pytest.raises(zipfile.BadZipFile):
        zipparts.unpack(data, _with_info(info, compress_size=len(packed), file_size=10))


def test_a_wrong_crc_is_refused_unless_asked_not_to_check(inflater):
    data, (info,) = _package({"s.xml": XML})
    wrong = _with_info(info, CRC=info.CRC ^ 1)
    with pytest.raises(zipfile.BadZipFile, match="Bad CRC-32"):
        zipparts.unpack(data, wrong)
    assert bytes(zipparts.unpack(data, wrong, crc=False)) == XML


def test_an_encrypted_or_other_method_part_is_left_to_zipfile():
    data, (info,) = _package({"s.xml": XML})
    assert zipparts.unpack(data, _with_info(info, flag_bits=1)) is None
    assert zipparts.unpack(data, _with_info(info, compress_type=zipfile.ZIP_BZIP2)) is None
    assert zipparts.unpack_head(data, _with_info(info, compress_type=zipfile.ZIP_LZMA), 10) is None
    assert zipparts.unpack_head(data, info, 10) == XML[:10]


def test_the_repacked_copy_is_sound_and_keeps_every_other_part_as_packed(tmp_path):
    path = tmp_path / "book.xlsx"
    W.write_workbook(path)
    data = path.read_bytes()
    infos = zipfile.ZipFile(path).infolist()
    part = W.sheet_part(path, "Measurements")
    original = zipfile.ZipFile(path).read(part)
    lean = original.replace(b"<row", b"<row", 1)  # the same sheet, stored this time
    copy = zipparts.repack(data, infos, {part: lean})
    with zipfile.ZipFile(io.BytesIO(copy)) as archive:
        assert archive.testzip() is None
        assert [i.filename for i in archive.infolist()] == [i.filename for i in infos]
        for info in archive.infolist():
            old = next(i for i in infos if i.filename == info.filename)
            if info.filename == part:
                assert info.compress_type == zipfile.ZIP_STORED and archive.read(info) == lean
            else:
                assert (info.compress_type, info.CRC) == (old.compress_type, old.CRC)
                assert zipparts.packed(copy, info) == zipparts.packed(data, old)
    # Both readers open it and read the same cells as from the original.
    assert fastexcel.read_excel(copy).load_sheet("Measurements").to_arrow().equals(
        fastexcel.read_excel(data).load_sheet("Measurements").to_arrow())
    assert CalamineWorkbook.from_object(io.BytesIO(copy)).get_sheet_by_name("KPIs").to_python() == \
        CalamineWorkbook.from_path(str(path)).get_sheet_by_name("KPIs").to_python()


def test_a_package_with_a_part_it_cannot_copy_is_not_repacked():
    data, infos = _package({"a.xml": XML, "b.xml": XML})
    assert zipparts.repack(data, [infos[0], _with_info(infos[1], flag_bits=1)], {}) is None
    assert zipparts.repack(data, infos, {}) is not None


# ------------------------------------------------------------ piece by piece, watched

@pytest.mark.parametrize("method", [zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED])
@pytest.mark.parametrize("in_memory", [True, False])
def test_a_watched_part_unpacks_to_its_bytes_in_pieces(method, in_memory):
    data, (info,) = _package({"s.xml": XML}, method)
    seen: list[int] = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        content = zipparts.unpack_watched(data if in_memory else b"", archive, info, lambda p: seen.append(len(p)),
                                          piece=4096)
    assert bytes(content) == XML
    assert sum(seen) == len(XML) and max(seen) <= 4096 and len(seen) >= len(XML) // 4096


def test_a_watch_that_refuses_stops_the_unpacking_at_that_piece():
    data, (info,) = _package({"s.xml": XML})
    seen: list[int] = []

    def watch(piece: bytes) -> None:
        seen.append(len(piece))
        if len(seen) == 3:
            raise ValueError("past a limit")

    with zipfile.ZipFile(io.BytesIO(data)) as archive, pytest.raises(ValueError, match="past a limit"):
        zipparts.unpack_watched(data, archive, info, watch, piece=1024)
    assert seen == [1024] * 3


def test_a_watched_part_that_lies_about_its_size_stops_at_the_first_piece_past_it():
    # 100 MB of zeros declared as 10 bytes: refused after one piece, nothing handed on.
    bomb = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed = bomb.compress(b"\0" * (100 * 2**20)) + bomb.flush()
    original, (info,) = _package({"s.xml": b"x"})
    start = info.header_offset + 30 + len(info.filename)
    data = original[:start] + packed
    lying = _with_info(info, compress_size=len(packed), file_size=10)
    seen: list[int] = []
    with zipfile.ZipFile(io.BytesIO(original)) as archive, pytest.raises(zipfile.BadZipFile, match="larger than"):
        zipparts.unpack_watched(data, archive, lying, lambda p: seen.append(len(p)))
    assert seen == []


def test_a_watched_part_with_a_wrong_crc_or_cut_short_is_refused():
    data, (info,) = _package({"s.xml": XML})
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        with pytest.raises(zipfile.BadZipFile, match="Bad CRC-32"):
            zipparts.unpack_watched(data, archive, _with_info(info, CRC=info.CRC ^ 1), lambda p: None)
        with pytest.raises(zipfile.BadZipFile, match="not the size"):
            zipparts.unpack_watched(data, archive, _with_info(info, file_size=len(XML) + 1), lambda p: None)
