"""Test kpixl.texts and kpixl.locales, the catalogue: every key in every language, alike in shape.

:func:`catalogue_problems` is the check; it runs on the shipped ``.po`` files of every
registered language and, so it can be seen to fail, on catalogues built wrong on purpose.
"""

from __future__ import annotations

import string
import subprocess
import sys
from pathlib import Path

import pytest

from kpixl import locales, texts
from kpixl.errors import DefinitionError
from kpixl.vocab import Language

ROOT = Path(__file__).resolve().parents[1]


def placeholders(template: str) -> set[str]:
    """Return the names of a text's ``{placeholders}`` (a format spec or conversion does not count)."""
    return {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}


def catalogue_problems(catalogues: dict[str, dict[str, str]]) -> list[str]:
    """Return what is wrong with the catalogues ``{code: {key: text}}`` against English, one line each."""
    if "en" not in catalogues:
        return ["there is no en catalogue"]
    en = catalogues["en"]
    problems: list[str] = []
    for code, words in catalogues.items():
        problems += [f"{key!r} is missing in {code}" for key in sorted(en.keys() - words.keys())]
        problems += [f"{key!r} is only in {code}" for key in sorted(words.keys() - en.keys())]
        problems += [f"{code} {key!r} is not a non-empty text: {value!r}" for key, value in sorted(words.items())
                     if not isinstance(value, str) or not value.strip()]
        for key in sorted(en.keys() & words.keys()):
            try:
                if placeholders(en[key]) != placeholders(words[key]):
                    problems.append(f"{key!r} has placeholders {sorted(placeholders(en[key]))} in en but "
                                    f"{sorted(placeholders(words[key]))} in {code}")
            except (ValueError, TypeError) as error:  # an unbalanced brace, or not a text (reported above)
                problems.append(f"{key!r} is not a valid format text in {code}: {error}")
    return problems


def test_every_key_exists_in_every_language_with_the_same_placeholders():
    shipped = {language.value: dict(locales.messages(language.value)) for language in Language}
    assert set(shipped) == {"en", "da", "en-XA"}
    assert len(shipped["en"]) > 400
    assert catalogue_problems(shipped) == []


def test_the_check_fails_on_a_missing_key_another_placeholder_and_an_empty_text():
    en = {"demo.title": "Demo in {dir}", "demo.done": "Done"}
    assert catalogue_problems({"en": en, "da": {"demo.title": "Demo i {dir}"}}) == ["'demo.done' is missing in da"]
    assert catalogue_problems({"en": en, "da": {"demo.title": "Demo i {mappe}", "demo.done": "Færdig",
                                                "demo.extra": "x"}}) == [
        "'demo.extra' is only in da", "'demo.title' has placeholders ['dir'] in en but ['mappe'] in da"]
    assert catalogue_problems({"en": {"t": " "}}) == ["en 't' is not a non-empty text: ' '"]
    assert catalogue_problems({"en": {"t": "x"}, "da": {"t": "{a"}})[0].startswith("'t' is not a valid format text")
    assert catalogue_problems({"da": {}}) == ["there is no en catalogue"]
    # A format spec is not another placeholder: "{n:,}" and "{n}" fill the same value.
    assert catalogue_problems({"en": {"t": "{n:,} files"}, "da": {"t": "{n} filer"}}) == []


def test_the_catalogue_files_are_sorted_by_key_and_as_the_writer_writes_them(tmp_path):
    sys.path.insert(0, str(ROOT / "scripts"))
    import texts_to_po

    for language in Language:
        path = locales.path(language.value)
        entries = texts_to_po.read(path)
        assert list(entries) == sorted(entries), path.name
        header = path.read_text(encoding="utf-8").split("\n\n", 1)[0].splitlines()[0]
        copy = tmp_path / path.name
        texts_to_po.write(copy, header.split("words in ", 1)[1].split(":", 1)[0], entries)
        assert copy.read_text(encoding="utf-8") == path.read_text(encoding="utf-8"), path.name


def test_no_area_module_is_left_to_convert():
    # Every text lives in the .po files: a kpixl/texts/<area>.py with TEXTS (a branch that still
    # adds one) is converted with scripts/texts_to_po.py.
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "texts_to_po.py"), "--check"],
                            capture_output=True, text=True, cwd=ROOT)
    assert (result.returncode, result.stdout) == (0, "nothing left to convert\n")


def test_the_conversion_moves_an_area_module_into_the_po_files_and_deletes_it(tmp_path, monkeypatch):
    sys.path.insert(0, str(ROOT / "scripts"))
    import make_pseudo_locale
    import texts_to_po

    folder = tmp_path / "locales"
    folder.mkdir()
    for language in Language:
        (folder / locales.path(language.value).name).write_bytes(locales.path(language.value).read_bytes())
    package = tmp_path / "texts"
    package.mkdir()
    (package / "zz_new.py").write_text('TEXTS = {"en": {"hello": "Hello {name}", "console.done": "x"}, '
                                       '"da": {"hello": "Hej {name}", "console.done": "y"}}\n', encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(locales, "FOLDER", folder)
    monkeypatch.setattr(texts_to_po, "TEXTS_DIR", package)
    monkeypatch.setattr(texts_to_po.importlib, "import_module",
                        lambda name: __import__(name.replace("kpixl.texts.", "texts."), fromlist=["TEXTS"]))
    monkeypatch.setattr(make_pseudo_locale.locales, "FOLDER", folder)
    (package / "__init__.py").write_text("", encoding="utf-8")
    assert texts_to_po.convert() == ["zz_new"]
    assert not (package / "zz_new.py").exists()
    en, da, xa = (texts_to_po.read(folder / f"{code}.po") for code in ("en", "da", "en_XA"))
    assert en["zz_new.hello"][0] == "Hello {name}" and da["zz_new.hello"][0] == "Hej {name}"
    assert xa["zz_new.hello"][0] == "⟦Ĥéļļö {name}⟧"
    assert en["console.done"][0] == "Done in {seconds} s"  # another area's key is not touched
    assert list(en) == sorted(en)
    assert texts_to_po.convert() == []  # re-runnable: nothing left


def test_the_areas_are_the_keys_first_parts():
    assert {"console", "demo", "rollover", "schema", "split", "vocabulary"} <= set(texts.areas())
    assert texts.catalogue("demo")["da"]["done"] == "Færdig på {seconds} s"
    assert set(texts.catalogue("demo")) == {"en", "da", "en-XA"}


def test_texts_are_looked_up_by_any_spelling_of_a_language_and_filled():
    assert texts.text("demo", "done", "dansk", seconds="1,5") == "Færdig på 1,5 s"
    assert texts.text("demo", "done", Language.EN, seconds="1.5") == "Done in 1.5 s"
    assert texts.text("demo", "done", "en-XA", seconds="1.5") == "⟦Ðöñé îñ 1.5 š⟧"
    assert texts.of("split", " DA ")["table.file"] == "Fil"
    with pytest.raises(DefinitionError) as caught:
        texts.of("demo", "fr")
    assert str(caught.value) == "unknown language 'fr'; use en or da"


def test_a_count_picks_the_noun_form_and_the_language_s_separators():
    assert texts.count("demo", "csv.files", 1, "da") == "1 fil"
    assert texts.count("demo", "csv.files", 8, "da") == "8 filer"
    assert texts.count("demo", "csv.files", 1, "en") == "1 file"
    assert texts.count("demo", "validation.measurements", 3000, "da") == "3.000 målinger"
    assert texts.count("demo", "validation.measurements", 3000, "en") == "3,000 measurement(s)"
    assert texts.count("rollover", "kpis", 0, "da") == "0 KPI'er"


def test_a_placeholder_may_share_a_name_with_an_argument_of_text():
    assert texts.text("split", "headline", "en", plan="p.xlsx", workbooks="2 workbook(s)", dir="out",
                      kpis="3 KPI(s)", language=Language.DA, formulas="native") == (
        "Split p.xlsx into 2 workbook(s) in out (3 KPI(s), language da, formulas native):")


def test_the_built_package_ships_the_catalogues_and_finds_them(tmp_path):
    # pyproject's package data: setuptools' build of the package (what a wheel holds) has every .po
    # file beside kpixl/locales, and the built package, run from elsewhere, reads them.
    build = [sys.executable, "-c", "from setuptools import setup; setup()", "-q", "egg_info", "--egg-base",
             str(tmp_path), "build", "--build-base", str(tmp_path / "build"), "build_py", "--build-lib",
             str(tmp_path / "lib")]
    result = subprocess.run(build, capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-2000:]
    built = tmp_path / "lib" / "kpixl"
    assert {p.name for p in (built / "locales").glob("*.po")} == {locales.path(x.value).name for x in Language}
    assert [p.name for p in (built / "texts").iterdir() if p.suffix == ".py"] == ["__init__.py"]
    check = ("import kpixl.locales, kpixl.texts; print(kpixl.locales.FOLDER.parent.parent); "
             "print(kpixl.texts.text('demo', 'done', 'da', seconds='1,5'))")
    result = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, cwd=tmp_path,
                            env={"PYTHONPATH": str(tmp_path / "lib"), "PATH": ""})
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.splitlines() == [str(tmp_path / "lib"), "Færdig på 1,5 s"]
