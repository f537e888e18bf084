"""Own what a finding says as data: a message key and its facts, said in a language only at output.

A :class:`Message` is a key of the catalogue's ``findings`` area (:mod:`kpixl.texts`;
``KPX201.blank``, ``core.target_blank``, ...) and the facts that fill its
placeholders: the cell, the text typed, numbers, columns, words. Nothing here is in
a language; :meth:`Message.render` looks the key up in the language asked for and
renders each fact in it. Messages are frozen, hashable and picklable (findings cross
worker processes and are deduplicated).

A fact is a plain value (a text such as a KPI ID or a quoted typed text, an int,
shown as it is) or an object with ``render(language) -> str`` that knows how to say
itself in a language. The kinds that need nothing above this module are here:
:class:`Number` (the language's decimal mark, :mod:`kpixl.i18n`), :class:`Options`
(a list of choices joined with the language's "or"), :class:`ExcelError` (Danish
Excel's own error names), :class:`Periods` (period labels: ``week 3`` is ``uge 3``)
and a nested :class:`Message` (a rule of the core inside a finding, a reader hint).
The kinds that need the schema or the vocabulary live where that knowledge is:
:class:`kpixl.core.Word` (a vocabulary word), :class:`kpixl.schema.Header` (a column
label, said as the workbook language's header), :class:`kpixl.schema.Headers`,
:class:`kpixl.schema.Amounts`, :class:`kpixl.schema.Sheet` and
:class:`kpixl.schema.Column`. This module sits below the core so the core's own rule
messages are messages too (it imports only the catalogue, :mod:`kpixl.i18n` and
:mod:`kpixl.vocab`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol, Union, runtime_checkable

from kpixl import i18n, texts
from kpixl.vocab import Language

AREA = "findings"  # the catalogue's area holding every message template


@runtime_checkable
class Fact(Protocol):
    """Say one fact of a message in a language (a plain text or int needs no such object)."""

    def render(self, language: Language) -> str:
        """Return the fact as it reads in ``language``."""


FactValue = Union[str, int, Fact]

# A decimal point between two digits: the only mark a number written in English carries that a language changes
# (a thousands separator is never written in a finding's number, which reads as it was typed).
_POINT = re.compile(r"(?<=\d)\.(?=\d)")


def render_fact(value: object, language: Language) -> str:
    """Return one fact as it reads in ``language``: an object's own ``render``, anything else as it is."""
    if isinstance(value, Fact):
        return value.render(language)
    return str(value)


@dataclass(frozen=True)
class Message:
    """Say one thing to a person: a key of the ``findings`` catalogue and the facts for its placeholders."""

    key: str
    facts: tuple[tuple[str, object], ...] = ()

    @classmethod
    def of(cls, key: str, /, **facts: object) -> "Message":
        """Return the message ``key`` with ``facts`` (kept sorted by name, so equal messages are equal)."""
        return cls(key, tuple(sorted(facts.items())))

    @property
    def code(self) -> str:
        """Return the part of the key before the first dot (a finding code, or ``core``/``hint``)."""
        return self.key.split(".", 1)[0]

    def fact(self, name: str) -> object:
        """Return the fact ``name`` (KeyError if it has none)."""
        return dict(self.facts)[name]

    def render(self, language: object = Language.EN) -> str:
        """Return the message in ``language``: its template from the catalogue, each fact said in that language."""
        language = Language.parse(language)
        values = {name: render_fact(value, language) for name, value in self.facts}
        return texts.text(AREA, self.key, language, **values) if values else texts.text(AREA, self.key, language)

    def __str__(self) -> str:
        return self.render(Language.EN)


def message(key: str, /, **facts: object) -> Message:
    """Return :meth:`Message.of` ``(key, **facts)``: the short way call sites build a message."""
    return Message.of(key, **facts)


@dataclass(frozen=True)
class Number:
    """Say a number as it was written or formatted (``value`` formatted with ``spec``), with the language's decimal mark.

    A text ``value`` is a number already written (``"12.5"``, ``"1e+06"``); ``12.5`` reads
    ``12,5`` in Danish. No thousands separator is added: the number reads as typed.
    """

    value: float | int | str
    spec: str = ""

    def render(self, language: Language) -> str:
        """Return the number with ``language``'s decimal mark."""
        text = self.value if isinstance(self.value, str) else format(self.value, self.spec)
        return _POINT.sub(i18n.separators(language)[0], text)


@dataclass(frozen=True)
class Options:
    """Say a list of choices: ``a, b or c`` (the language's ``or``), each choice shown as it is or rendered.

    ``before`` is the separator between all but the last two (``", "``); None puts "or" between every two.
    """

    items: tuple[object, ...]
    before: str | None = ", "

    def render(self, language: Language) -> str:
        """Return the choices joined in ``language`` (``before`` None: the language's "or" between every two)."""
        said = [render_fact(item, language) for item in self.items]
        if len(said) < 2:
            return "".join(said)
        if self.before is not None:
            return texts.text(AREA, "word.or", language, a=self.before.join(said[:-1]), b=said[-1])
        text = said[0]
        for item in said[1:]:
            text = texts.text(AREA, "word.or", language, a=text, b=item)
        return text


# Excel's error values, by the catalogue's key of their name in each language's Excel.
_EXCEL_ERRORS = {"#VALUE!": "excel.value", "#NAME?": "excel.name", "#N/A": "excel.na", "#DIV/0!": "excel.div0",
                 "#REF!": "excel.ref", "#NUM!": "excel.num", "#NULL!": "excel.null"}


@dataclass(frozen=True)
class ExcelError:
    """Say an Excel error value (``#VALUE!``) as that language's Excel shows it (``#VÆRDI!``)."""

    value: str

    def render(self, language: Language) -> str:
        """Return the error's name in ``language``'s Excel (an unknown one as it is)."""
        key = _EXCEL_ERRORS.get(self.value)
        return texts.text(AREA, key, language) if key else self.value


@dataclass(frozen=True)
class Period:
    """Say one period label: an ISO date or month as it is, ``week N`` in the language (``uge N``)."""

    label: str

    def render(self, language: Language) -> str:
        """Return the label in ``language``."""
        if self.label.startswith("week "):
            return texts.text(AREA, "word.week", language, n=self.label[5:])
        return self.label


@dataclass(frozen=True)
class Periods:
    """Say a list of period labels, each a :class:`Period` (the list's own words, e.g. ``and 3 more``, a message)."""

    items: tuple[object, ...]
    sep: str = ", "

    def render(self, language: Language) -> str:
        """Return the labels in ``language``."""
        return self.sep.join(render_fact(item, language) for item in self.items)


__all__ = ["AREA", "Fact", "FactValue", "Message", "message", "Number", "Options", "ExcelError", "Period",
           "Periods", "render_fact"]
