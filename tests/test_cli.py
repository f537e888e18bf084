"""Test the kpixl command group: version, help, error handling and its documentation."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kpixl import __version__
from kpixl.cli import cli
from kpixl.errors import KpixlError

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = sorted(cli.commands)


def run(*args: str):
    return CliRunner().invoke(cli, list(args), prog_name="kpixl")


def test_the_group_has_the_commands_of_the_spec():
    assert set(COMMANDS) >= {"template", "validate", "consolidate", "rollover", "demo"}


def test_version_on_the_group():
    result = run("--version")
    assert result.exit_code == 0
    assert result.output == f"kpixl, version {__version__}\n"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_and_version(command):
    got_help = run(command, "--help")
    assert got_help.exit_code == 0
    assert got_help.output.startswith(f"Usage: kpixl {command} ")
    assert "--debug" in got_help.output
    got_version = run(command, "--version")
    assert got_version.exit_code == 0
    assert got_version.output == f"kpixl, version {__version__}\n"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_documented_in_the_readme(command):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.search(rf"`kpixl {command}\b", readme), f"README.md does not document `kpixl {command}`"


def test_cli_reference_is_generated_from_the_code():
    spec = importlib.util.spec_from_file_location("make_cli_docs", ROOT / "scripts" / "make_cli_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    exp = module.render()
    got = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert got == exp, "docs/cli.md is stale: run python scripts/make_cli_docs.py"


def test_usage_error_exits_2():
    result = run("validate")
    assert result.exit_code == 2
    assert "Missing argument 'PATHS...'" in result.output


def test_bad_date_option_is_a_usage_error():
    result = run("validate", "x.xlsx", "--as-of", "30/06/2026")
    assert result.exit_code == 2
    assert "'30/06/2026' is not a date; use YYYY-MM-DD" in result.output


def _raise_from_library(monkeypatch, exc):
    import kpixl.template

    def boom(*args, **kwargs):
        raise exc

    monkeypatch.setattr(kpixl.template, "write_template", boom)


def test_library_error_is_one_line_without_traceback(monkeypatch, tmp_path):
    _raise_from_library(monkeypatch, KpixlError("out.xlsx: already exists; use --force to overwrite it"))
    result = run("template", str(tmp_path / "out.xlsx"))
    assert result.exit_code == 1
    assert result.output == "Error: out.xlsx: already exists; use --force to overwrite it\n"


def test_unexpected_error_is_one_line_unless_debug(monkeypatch, tmp_path):
    _raise_from_library(monkeypatch, RuntimeError("disk on fire"))
    result = run("template", str(tmp_path / "out.xlsx"))
    assert result.exit_code == 1
    assert result.output == "Error: unexpected RuntimeError: disk on fire (run with --debug for details)\n"
    debug = run("--debug", "template", str(tmp_path / "out.xlsx"))
    assert isinstance(debug.exception, RuntimeError)
    debug_after = run("template", str(tmp_path / "out.xlsx"), "--debug")
    assert isinstance(debug_after.exception, RuntimeError)


# ------------------------------------------------------------------ issue 9, item 9: command-line behaviour

@pytest.mark.parametrize("args, shown", [
    (["template", "{d}/x.csv"], "'OUT'"),
    (["template", "{d}/x"], "'OUT'"),
    (["consolidate", "{d}", "-o", "{d}/out.csv"], "'-o' / '--output'"),
    (["rollover", "{d}/in.xlsx", "-o", "{d}/next.xlsm"], "'-o' / '--output'"),
])
def test_a_workbook_output_not_named_xlsx_is_a_usage_error(tmp_path, args, shown):
    (tmp_path / "in.xlsx").write_bytes(b"x")
    argv = [a.format(d=tmp_path) for a in args]
    result = run(*argv)
    assert result.exit_code == 2, result.output
    hint = "; for CSV tables use --csv DIR" if args[0] == "consolidate" else ""
    assert f"Error: Invalid value for {shown}: '{argv[-1]}' does not end in .xlsx; this writes an Excel " \
           f"workbook, so give a name ending in .xlsx{hint}" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.xlsx"]  # nothing written


def test_an_xlsx_name_in_capitals_is_fine(tmp_path):
    result = run("template", str(tmp_path / "SALES.XLSX"))
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("command", ["validate", "consolidate", "rollover"])
@pytest.mark.parametrize("word", ["today", " TODAY ", "i dag"])
def test_as_of_today_is_accepted_everywhere(tmp_path, command, word, monkeypatch, today):
    import kpixl.consolidate
    import kpixl.rollover
    import kpixl.validate

    seen = {}

    def remember(*args, as_of=None, **kwargs):
        seen["as_of"] = as_of
        raise KpixlError("stop here")

    monkeypatch.setattr({"validate": kpixl.validate, "consolidate": kpixl.consolidate,
                         "rollover": kpixl.rollover}[command], command, remember)
    extra = [] if command == "validate" else ["-o", str(tmp_path / "out.xlsx")]
    result = run(command, str(tmp_path / "in.xlsx"), *extra, "--as-of", word)
    assert result.output == "Error: stop here\n" and result.exit_code == 1
    assert seen["as_of"] == today
