"""Test kpixl.leftout: what a folder left out is classified by code and file name, never by wording."""

from __future__ import annotations

from pathlib import Path

import pytest

from kpixl import leftout
from kpixl.leftout import is_lock_file, left_out_kind
from kpixl.model import Finding, Place, left_out_summary
from kpixl.reader import collect_inputs, findings as reader_findings, paths


def test_the_codes_are_the_reader_s():
    assert (leftout.FILE_NOT_READ, leftout.SUBFOLDER_NOT_READ, leftout.CLUTTER) == (
        reader_findings.W_FILE_NOT_READ, reader_findings.W_SUBFOLDER_NOT_READ, reader_findings.N_CLUTTER)


def test_every_suffix_with_its_own_reason_is_a_kind():
    assert set(paths._LEFT_OUT_REASONS) == set(leftout.NAMED_SUFFIXES)


@pytest.mark.parametrize("code, path, kind", [
    ("KPX135", "dept/2025", "subfolder"),
    ("KPX138", "dept/~$Sales.xlsx", "lock file"),
    ("KPX138", "dept/.~lock.Sales.xlsx#", "lock file"),
    ("KPX138", "dept/Thumbs.db", "share clutter file"),
    ("KPX134", "dept/Company.xlsx", "company workbook"),
    ("KPX134", "dept/Old.XLS", ".xls"),
    ("KPX134", "dept/notes.txt", "other file"),
    ("KPX134", None, "other file"),
])
def test_kind_by_code_and_name(code, path, kind):
    assert left_out_kind(code, path) == kind


def test_the_wording_does_not_change_the_kind():
    said = [Finding("KPX134", "warning", message, Place("dept/Company.xlsx")) for message in ("anything", "")]
    assert left_out_summary(said) == "2 file(s) left out (2 company workbook)"


def test_is_lock_file():
    assert is_lock_file("~$Sales.xlsx") and is_lock_file(".~lock.Sales.xlsx#")
    assert not is_lock_file("Sales.xlsx") and not is_lock_file(".~lock.Sales.xlsx")


def test_a_folder_s_left_out_files_summed_up_by_kind(tmp_path: Path):
    (tmp_path / "Old.xls").write_bytes(b"x")
    (tmp_path / "~$Sales.xlsx").write_bytes(b"x")
    (tmp_path / "notes.txt").write_text("x")
    inputs = collect_inputs([tmp_path])
    assert inputs.files == []
    assert left_out_summary(inputs.left_out) == "3 file(s) left out (1 .xls, 1 lock file, 1 other file)"
    assert left_out_summary(inputs.left_out, "da") == "3 fil(er) udeladt (1 .xls, 1 låsefil, 1 anden fil)"
