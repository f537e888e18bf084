"""Test kpixl.message: a finding's message is a key and facts, said in a language only when rendered."""

from __future__ import annotations

import pickle

import pytest

from kpixl import core
from kpixl.errors import DefinitionError, WorkbookError
from kpixl.message import ExcelError, Message, Number, Options, Period, Periods, message
from kpixl.model import Finding, Place
from kpixl.schema import Amounts, Header, HeaderOf, Headers, SheetName


def test_a_message_is_said_in_each_language_from_the_catalogue():
    said = message("KPX201", label=Header("target"), hint=message("hint.target"))
    assert said.render("en") == "target is blank; type the value to reach by the deadline"
    assert said.render("da") == "Mål er tom; skriv den værdi, der skal nås inden deadline"
    assert str(said) == said.render("en")


def test_facts_are_said_in_the_language():
    assert Number(12.5).render(core.Language.DA) == "12,5"
    assert Number("1234.5").render(core.Language.DA) == "1234,5"  # as typed: no thousands separator added
    assert Number(-2.5, "g").render(core.Language.EN) == "-2.5"
    assert Options(("a", "b", "c")).render(core.Language.DA) == "a, b eller c"
    assert Options(("2026-03-01", "2026-01-03"), before=None).render(core.Language.EN) == "2026-03-01 or 2026-01-03"
    assert ExcelError("#VALUE!").render(core.Language.DA) == "#VÆRDI!"
    assert ExcelError("#SPILL!").render(core.Language.DA) == "#SPILL!"  # one it does not know stays
    assert Periods((Period("week 3"), Period("2026-01-31"))).render(core.Language.DA) == "uge 3, 2026-01-31"
    assert core.Word("weekly").render(core.Language.DA) == core.word("frequency", "weekly", "da")
    assert core.Word("TRUE").render(core.Language.DA) == "SAND"
    assert core.Word("TRUE").render(core.Language.EN) == "TRUE"
    assert Header("period end").render(core.Language.DA) == "Periodeslut"
    assert Header("period end").render(core.Language.EN) == "period end"
    assert Header("not a column").render(core.Language.DA) == "not a column"
    assert Headers(("Specific", "Relevant")).render(core.Language.DA) == "Specifik, Relevant".replace(
        "Relevant", Header("Relevant").render(core.Language.DA))
    assert Amounts((("target", Number(1300)), ("baseline", Number(1200.5)))).render(core.Language.DA) == \
        "mål 1300 og udgangspunkt 1200,5"
    assert SheetName("Measurements").render(core.Language.DA) == "Målinger"
    assert HeaderOf("Evaluation", "new_target").render(core.Language.EN) == "New target"


def test_a_core_rule_is_a_message_nested_in_a_finding():
    with pytest.raises(DefinitionError) as caught:
        core.check_definition(400.0, 500.0, core.INCREASE)
    assert str(caught.value) == "an increase KPI needs its target above its baseline (target 400, baseline 500)"
    assert caught.value.said("da") == ("en KPI, der skal øges, skal have sin målværdi over sit udgangspunkt "
                                       "(målværdi 400, udgangspunkt 500)")
    assert isinstance(caught.value.wording, Message)
    assert caught.value.wording.key == "core.increase_above"


def test_messages_and_findings_are_frozen_hashable_and_picklable():
    said = message("KPX204.percent", label=Header("target"), x="12%", p=Number("12"), v=Number("0.12"))
    again = message("KPX204.percent", v=Number("0.12"), p=Number("12"), x="12%", label=Header("target"))
    assert said == again and hash(said) == hash(again)  # the facts' order does not matter
    finding = Finding("KPX204", "error", said, Place("a.xlsx", "KPIs", "F2"), "SAL-01")
    assert pickle.loads(pickle.dumps(finding)) == finding
    assert len({finding, pickle.loads(pickle.dumps(finding))}) == 1
    assert finding.message == 'target "12%" is text; type the number 12% (the value 0.12)'
    assert finding.in_language("da").message == 'Mål "12%" er tekst; skriv tallet 12 % (værdien 0,12)'


def test_a_workbook_error_is_said_in_its_language_and_survives_a_process():
    error = WorkbookError(message("KPX104"), path="a.xlsx", code="KPX104")
    assert str(error) == "a.xlsx: is empty (0 bytes); save the workbook again from Excel"
    error.language = "da"
    assert error.reason == "er tom (0 byte); gem projektmappen igen fra Excel"
    again = pickle.loads(pickle.dumps(error))
    assert (str(again), again.code, again.path) == (str(error), "KPX104", "a.xlsx")


def test_an_unknown_key_fails_loudly():
    with pytest.raises(KeyError):
        message("KPX000.nothing").render("en")
