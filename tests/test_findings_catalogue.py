"""Test the catalogue's ``findings`` area: every message kpixl can say exists in every language and renders.

Three checks: a static scan of the package for the message keys code uses (each must be
in the catalogue, and none is built from an f-string, so the scan sees them all); every
finding code of :mod:`kpixl.codes` that the package emits has templates; and every key
renders in every language from sample facts, leaving no placeholder behind.
"""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from kpixl import codes, texts
from kpixl.message import AREA, Message, Number
from kpixl.vocab import Language

ROOT = Path(__file__).resolve().parents[1] / "kpixl"
KEY = re.compile(r"(KPX\d{3}(\.\w+)?|core\.\w+|hint\.\w+|word\.\w+|excel\.\w+)")
# The refusals of rollover, split and company are keys too; a file name (company.xlsx) is not.
DOTTED = re.compile(r"(KPX\d{3}|core|hint|word|excel|rollover|split|company|refusal)\.(?!xls[xm]$)\w+")
CODE = re.compile(r"KPX\d{3}")


PENDING: set[str] = set()  # every module makes its findings as data


def _sources() -> list[Path]:
    return [p for p in sorted(ROOT.rglob("*.py"))
            if "texts" not in p.parts and p.name != "codes.py" and p.name not in PENDING]


def _is_message_call(node: ast.Call) -> bool:
    func = node.func
    return (isinstance(func, ast.Name) and func.id == "message") or (
        isinstance(func, ast.Attribute) and func.attr == "of" and isinstance(func.value, ast.Name)
        and func.value.id == "Message")


def used_keys() -> tuple[set[str], list[str], set[str]]:
    """Return (keys the package names, message calls whose key is an f-string, codes it names)."""
    keys: set[str] = set()
    formatted: list[str] = []
    named_codes: set[str] = set()
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _is_message_call(node) and node.args:
                first = node.args[0]
                if isinstance(first, ast.JoinedStr):
                    formatted.append(f"{path.name}:{node.lineno}")
                elif isinstance(first, ast.Constant) and isinstance(first.value, str):
                    keys.add(first.value)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                if DOTTED.fullmatch(node.value):
                    keys.add(node.value)
                if CODE.fullmatch(node.value):
                    named_codes.add(node.value)
    return keys, formatted, named_codes


def test_every_key_the_code_names_is_in_the_catalogue_in_every_language():
    keys, formatted, _codes = used_keys()
    assert len(keys) > 150, len(keys)  # the scan sees the sites
    assert formatted == []  # a key built at run time would escape this scan
    for language in Language:
        catalogue = texts.of(AREA, language)
        assert sorted(k for k in keys if k not in catalogue) == [], language


def test_every_emitted_code_has_its_templates_and_every_template_a_registered_code():
    _keys, _formatted, named = used_keys()
    en = texts.of(AREA, Language.EN)
    emitted = named & set(codes.REGISTRY)
    assert len(emitted) > 80, len(emitted)
    missing = sorted(c for c in emitted if not any(k == c or k.startswith(c + ".") for k in en))
    assert missing == []
    unknown = sorted({k.split(".")[0] for k in en if k.startswith("KPX")} - set(codes.REGISTRY))
    assert unknown == []


@pytest.mark.parametrize("language", list(Language))
def test_every_key_renders_from_sample_facts(language):
    for key, template in texts.of(AREA, language).items():
        names = {field for _, field, _, _ in string.Formatter().parse(template) if field}
        said = Message.of(key, **{name: Number(1.5) for name in names}).render(language)
        assert "{" not in said and "}" not in said, (key, said)
        assert said.strip(), key


def test_a_message_reads_differently_in_danish_where_it_has_words():
    en, da = texts.of(AREA, Language.EN), texts.of(AREA, Language.DA)
    # Only messages that are all placeholders and symbols may read the same in both languages.
    same = sorted(k for k in en if en[k] == da[k] and re.search(r"[a-z]{3}", re.sub(r"\{\w+\}", "", en[k])))
    assert same == []
