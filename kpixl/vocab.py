"""Own the vocabulary of kpixl's inputs: the language, the formula mode, the one key of a KPI ID and the percent units.

:class:`Language` and :class:`FormulaMode` are parsed once, where an argument enters
(the CLI, a public function), and always raise :class:`~kpixl.errors.DefinitionError`
for an unknown value. They are ``str`` enums, so ``Language.DA == "da"`` and a dict
keyed by ``"da"`` finds them: code below the entry points may keep comparing texts.

Every place that matches a KPI ID (validate, consolidate, rollover, the UDFs and the
native formulas of the template) compares :func:`kpi_key` values, and the native
formulas compute the same key with :func:`excel_key`: the Python function and the
Excel expression are defined side by side here so they cannot drift apart.

The key (``docs/workbook.md``, "KPI IDs"):

1. Every white-space character Python knows (``str.isspace``: space, tab, line
   breaks, the no-break space U+00A0, the narrow no-break space U+202F, the
   ideographic space U+3000, ...) counts as a space. In Excel:
   ``SUBSTITUTE(x, <char>, " ")`` for each of them (``CHAR(n)`` below 128, the
   character itself above, because ``CHAR`` means another character set on a Mac).
2. Spaces at either end are dropped and a run of spaces inside counts as one: what
   Excel's ``TRIM`` does (it only knows U+0020, hence step 1), and what Python's
   ``" ".join(text.split())`` does. The reader's ``str.strip`` of a cell's text
   therefore never changes a key.
3. Upper case as LibreOffice's ``UPPER`` computes it: Python's ``str.upper`` except
   that ``ß`` becomes ``ẞ`` (LibreOffice) instead of ``SS``. Excel's ``UPPER`` leaves
   ``ß`` and ligatures such as ``ﬁ`` alone, but its MATCH ignores case, so IDs made of
   letters, digits and punctuation match the same in all three.

A number typed as an ID is its shortest text (``101``, not ``101.0``): what Excel's
TRIM makes of a number cell. A date is its ISO text (readers report a date where an ID
belongs as an error anyway). This module imports only the standard library, so the
UDF module can use it in xlwings Lite's Pyodide.
"""

from __future__ import annotations

import functools
import math
from datetime import date, datetime
from enum import Enum
from typing import Callable, Generic, Iterable, Iterator, Mapping, TypeVar

from kpixl import locales
from kpixl.errors import DefinitionError

try:
    from enum import StrEnum
except ImportError:  # Python 3.10 (pyproject allows it): the same behaviour, spelled out
    class StrEnum(str, Enum):  # type: ignore[no-redef]
        """A str whose members compare, hash, print and format as their value."""

        __str__ = str.__str__
        __format__ = str.__format__  # type: ignore[assignment]
        __hash__ = str.__hash__


class Language(StrEnum):
    """The language of a workbook and of everything kpixl says about it: the registry, one line each.

    A member is ``code, Babel (CLDR) locale, CSV dialect``: the code names the catalogue
    file (``kpixl/locales/<code>.po``, ``-`` spelled ``_``), the locale how Babel writes
    numbers and month names (:mod:`kpixl.i18n`), the dialect the company CSV files'
    default (:mod:`kpixl.consolidate.csvfiles`). Adding a language is its ``.po`` file and
    one line here (``docs/languages.md``).
    """

    locale: str
    csv_dialect: str

    EN = "en", "en", "plain"
    DA = "da", "da_DK", "excel-da"
    XA = "en-XA", "en", "plain"  # the pseudo-locale (scripts/make_pseudo_locale.py), for tests

    def __new__(cls, code: str, locale: str = "en", csv_dialect: str = "plain") -> "Language":
        member = str.__new__(cls, code)
        member._value_ = code
        member.locale = locale
        member.csv_dialect = csv_dialect
        return member

    @property
    def pseudo(self) -> bool:
        """Return whether this is a pseudo-locale (CLDR's regions XA and XB): for tests, not offered in help."""
        return self.value.upper().endswith(("-XA", "-XB"))

    @classmethod
    def parse(cls, value: object) -> "Language":
        """Return the language of an argument: its code or its name in any language's catalogue.

        ``da``, ``Danish``, ``dansk``, ``en-XA`` and ``en_xa`` (case and surrounding
        spaces ignored). Blank means English. Anything else raises :class:`DefinitionError`.
        """
        if isinstance(value, Language):
            return value
        folded = "" if value is None else str(value).strip().casefold()
        if folded == "":
            return cls.EN
        found = _spellings().get(folded)
        if found is None:
            raise DefinitionError(f"unknown language {str(value)!r}; use {_offered()}")
        return found


@functools.cache
def _spellings() -> dict[str, Language]:
    """Return every accepted spelling of every language, casefolded: codes, then names from the catalogues."""
    spellings: dict[str, Language] = {}
    for language in Language:
        for spelling in (language.value, language.value.replace("-", "_")):
            spellings.setdefault(spelling.casefold(), language)
    for catalogue_language in Language:
        words = locales.messages(catalogue_language.value)
        for language in Language:
            name = words.get(f"language.{language.value}")
            if name:
                spellings.setdefault(name.strip().casefold(), language)
    return spellings


def _offered() -> str:
    """Return the codes offered to people, ``en or da`` (pseudo-locales are left out)."""
    codes = [language.value for language in Language if not language.pseudo]
    return codes[0] if len(codes) == 1 else ", ".join(codes[:-1]) + " or " + codes[-1]


# The languages offered to people (help texts, shipped templates); Language itself also has the pseudo-locale.
LANGUAGES = tuple(language for language in Language if not language.pseudo)


T = TypeVar("T")


class PerLanguage(Mapping[str, T], Generic[T]):
    """A value per registered language, made on first use by ``make(language)``: ``SHEET_LISTS["da"]``.

    Keyed by any spelling :meth:`Language.parse` accepts; iterates the codes of every
    registered language. It replaces the ``{"en": ..., "da": ...}`` dicts, so a new
    language needs no edit where such a table is used.
    """

    def __init__(self, make: Callable[[Language], T]) -> None:
        self._make = make
        self._made: dict[Language, T] = {}

    def __getitem__(self, language: object) -> T:
        try:
            parsed = Language.parse(language)
        except DefinitionError:
            raise KeyError(language) from None
        if parsed not in self._made:
            self._made[parsed] = self._make(parsed)
        return self._made[parsed]

    def __iter__(self) -> Iterator[str]:
        return iter([language.value for language in Language])

    def __len__(self) -> int:
        return len(Language)


def run_language(explicit: object, languages: Iterable[object]) -> Language:
    """Return the one language of a run: ``explicit`` (``--lang``) when given, else the workbooks' own.

    Workbooks in different languages (or none) give English: a run speaks one language,
    never one per file.
    """
    if explicit is not None:
        return Language.parse(explicit)
    found = {Language.parse(language) for language in languages}
    return found.pop() if len(found) == 1 else Language.EN


class FormulaMode(StrEnum):
    """How a department workbook computes: plain Excel formulas or xlwings UDFs."""

    NATIVE = "native"
    XLWINGS = "xlwings"

    @classmethod
    def parse(cls, value: object) -> "FormulaMode":
        """Return the formula mode of an argument (case and spaces ignored; blank means native).

        Anything else raises :class:`DefinitionError`.
        """
        if isinstance(value, FormulaMode):
            return value
        folded = "" if value is None else str(value).strip().casefold()
        if folded in ("", "native"):
            return cls.NATIVE
        if folded == "xlwings":
            return cls.XLWINGS
        raise DefinitionError(f"unknown formula mode {str(value)!r}; use native or xlwings")


# Every character str.isspace() accepts (tests/test_vocab.py checks the list is complete).
WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
              "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
# Characters whose Python upper case differs from LibreOffice's UPPER.
_UPPER_FIX = str.maketrans({"ß": "ẞ"})


def id_text(value: object) -> str:
    """Return the text of a KPI ID cell value as a spreadsheet shows it (blank: "")."""
    if value is None or isinstance(value, bool):
        return "" if value is None else ("TRUE" if value else "FALSE")
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def kpi_key(value: object) -> str:
    """Return the matching key of a KPI ID: white space trimmed and collapsed, upper case.

    Two IDs are the same KPI exactly when their keys are equal; a blank ID has the
    key "". The native formulas compute the same key with :func:`excel_key`.
    """
    if type(value) is str:
        # Every measurement row is keyed, by the rules and the UDFs, and a workbook's rows name a
        # few dozen IDs: each text is keyed once (the cache is dropped when it grows large).
        key = _KEYS.get(value)
        if key is None:
            # ASCII needs no upper-case fix.
            key = " ".join(value.split()).upper() if value.isascii() else \
                " ".join(value.split()).translate(_UPPER_FIX).upper()
            if len(_KEYS) >= _KEYS_KEPT:
                _KEYS.clear()
            _KEYS[value] = key
        return key
    return " ".join(id_text(value).split()).translate(_UPPER_FIX).upper()


# The keys of the texts kpi_key has seen, by text (only str: 1, 1.0 and True are equal keys of a dict).
_KEYS: dict[str, str] = {}
_KEYS_KEPT = 65536


def same_kpi(a: object, b: object) -> bool:
    """Return True when two KPI IDs name the same KPI (non-blank and equal keys)."""
    key = kpi_key(a)
    return key != "" and key == kpi_key(b)


def _excel_char(ch: str) -> str:
    return f"CHAR({ord(ch)})" if ord(ch) < 128 else f'"{ch}"'


def excel_key(expr: str) -> str:
    """Return an Excel expression computing :func:`kpi_key` of the cell or expression ``expr``.

    Plain Excel 2007 functions (SUBSTITUTE, TRIM, UPPER), so it works in every Excel
    and in LibreOffice; ``docs/workbook.md`` explains why each step is there.
    """
    text = expr
    for ch in WHITESPACE:
        if ch != " ":
            text = f'SUBSTITUTE({text},{_excel_char(ch)}," ")'
    return f"UPPER(TRIM({text}))"


# A KPI whose Unit is one of these is a percent KPI: its numbers are fractions shown as
# percentages (0.032 is 3.2%) in every workbook kpixl writes, its parent's unit counts as
# the same unit, and validate's plausibility takes them as fractions. Case is ignored and
# spaces are trimmed as Excel's TRIM does (the template's conditional format matches TRIM
# of the Unit against this list on the Lists sheet): "pct.", " Procent " and "per  cent"
# are percent units, "%-point" and "% of sales" are not. pst/pst. is the Norwegian
# abbreviation, which Danish offices also type.
PERCENT_UNITS = ("%", "percent", "per cent", "procent", "pct", "pct.", "pst", "pst.")


def unit_text(unit: object) -> str:
    """Return a unit as it is compared: spaces trimmed as Excel's TRIM does, case folded (None is "")."""
    return " ".join(str(unit or "").split()).casefold()


def is_percent_unit(unit: object) -> bool:
    """Return True for a percent unit (:data:`PERCENT_UNITS`, case and spaces as Excel's TRIM and MATCH see them)."""
    return isinstance(unit, str) and unit_text(unit) in PERCENT_UNITS


def excel_lookup_value(key_expr: str) -> str:
    """Return ``key_expr`` escaped for MATCH: ``~``, ``*`` and ``?`` taken literally, not as wildcards."""
    return f'SUBSTITUTE(SUBSTITUTE(SUBSTITUTE({key_expr},"~","~~"),"*","~*"),"?","~?")'
