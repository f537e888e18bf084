"""Test kpixl.reader.clutter: share clutter is recognised, and a lock file's user is read defensively."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

import month_end as M
from kpixl.reader import collect_inputs
from kpixl.reader.clutter import clutter_reason, excel_owner_from, libreoffice_owner_from


def word_owner_file(user: str) -> bytes:
    """Return Word's owner file: the name padded with zeros to offset 54, then its UTF-16 copy (162 bytes)."""
    data = bytes([len(user)]) + user.encode("cp1252")
    data += b"\x00" * (54 - len(data)) + struct.pack("<H", len(user)) + user.encode("utf-16-le")
    return (data + b"\x00" * 162)[:162]


@pytest.mark.parametrize("user", ["Anna Berg", "Søren Ærø", "Åse Lindqvist-Ørsted", "x" * 52])
def test_excel_and_word_owner_files_give_the_user(user):
    assert excel_owner_from(M.excel_owner_file(user)) == user
    assert excel_owner_from(word_owner_file(user)) == user


def test_the_utf16_copy_wins_over_the_code_page_name():
    data = bytearray(M.excel_owner_file("Zoë Ng"))
    data[3] = ord("?")  # the code-page copy lost a letter the Windows code page had no room for
    assert excel_owner_from(bytes(data)) == "Zoë Ng"


@pytest.mark.parametrize("data", [b"", b"\x00", b"\xff" * 165, b"\x05ab", bytes([9]) + b"\x01\x02" * 80,
                                  b"PK\x03\x04" + b"\x00" * 200])
def test_a_garbled_owner_file_names_nobody(data):
    assert excel_owner_from(data) is None


def test_libreoffice_lock_files_give_the_user_else_the_system_user():
    assert libreoffice_owner_from(M.libreoffice_lock_file("Bo Ørsted")) == "Bo Ørsted"
    assert libreoffice_owner_from(M.libreoffice_lock_file("", system_user="bo")) == "bo"
    assert libreoffice_owner_from(b"Hansen\\, Bo,bo,host,07.12.2026 09:12,file:///x;") == "Hansen, Bo"
    # As LibreOffice 7 wrote it on a machine with no name in Tools > Options > User Data (one line, no newline).
    assert libreoffice_owner_from(b",bo,vm,07.12.2026 03:13,file:///home/bo/.config/libreoffice/4;") == "bo"
    for garbled in (b"", b"\xff\xfe\x00", b"just text", b",,,,;"):
        assert libreoffice_owner_from(garbled) is None


def test_a_garbled_lock_file_still_gets_its_note(tmp_path):
    (tmp_path / "~$Sales.xlsx").write_bytes(b"\xff" * 10)
    (tmp_path / ".~lock.Sales.xlsx#").write_bytes(b"")
    assert clutter_reason(tmp_path / "~$Sales.xlsx") == (
        "Excel's lock file: Sales.xlsx is open in Excel (the lock file names nobody); left out, it is not a workbook; "
        "the last saved Sales.xlsx is read, so ask them to save and close it if they are still typing")
    assert clutter_reason(tmp_path / ".~lock.Sales.xlsx#").startswith(
        "LibreOffice's lock file: Sales.xlsx is open in LibreOffice (the lock file names nobody);")


def test_a_huge_lock_file_is_read_only_at_its_start(tmp_path):
    path = tmp_path / "~$Sales.xlsx"
    path.write_bytes(M.excel_owner_file("Anna Berg") + b"\x00" * (50 << 20))
    assert clutter_reason(path).startswith("Excel's lock file: Sales.xlsx is open in Excel by Anna Berg;")


def test_clutter_is_a_note_and_a_macs_companion_is_not_a_workbook(tmp_path):
    M.sales_and_marketing(tmp_path)
    M.add_clutter(tmp_path)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "._Sales.xlsx").write_bytes(M.apple_double())
    found = collect_inputs([tmp_path])
    assert found.files == [tmp_path / "Marketing.xlsx", tmp_path / "Sales.xlsx"]
    assert [(f.code, f.severity, Path(f.place.path or "").name) for f in found.left_out] == [
        ("KPX138", "note", ".DS_Store"), ("KPX138", "note", "._Sales.xlsx"), ("KPX138", "note", ".~lock.Sales.xlsx#"),
        ("KPX138", "note", "Thumbs.db"), ("KPX138", "note", "desktop.ini"), ("KPX138", "note", "~$Marketing.xlsx")]
    # The subfolder holds only a Mac's companion file: no workbook, so no KPX135 for it.
    assert collect_inputs([tmp_path], recursive=True).files == found.files
