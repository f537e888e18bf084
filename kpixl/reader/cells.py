"""Own how one cell's value is typed, and the words a finding uses to show a value.

:func:`type_cell` is pure: given a column of :mod:`kpixl.schema` and a cell's value
(as python-calamine gives it), it returns the typed value or raises
:class:`_CellFinding` with the finding's code and message; the caller names the
place. :func:`_typed_column` types a whole Arrow column from fastexcel the same way,
or says that a cell needs :func:`type_cell`'s words. Number and date text
(``"12,5"``, ``"30.06.2026"``) are interpreted here, every reading shown.
"""

from __future__ import annotations

import functools
import re
from datetime import date, datetime
from typing import Any

import numpy as np

from kpixl import core, schema
from kpixl.errors import DefinitionError
from kpixl.message import Message, Number, Options, message
from kpixl.schema import Header
from kpixl.reader.findings import (E_DATE_AS_TEXT, E_ID_CONVERTED, E_NOT_DATE, E_NOT_NUMBER, E_NUMBER_AS_TEXT,
                                   E_VOCABULARY, E_WRONG_TYPE)

def _nice_label(header: str) -> str:
    """Return an English header as a message label: ``Target`` -> ``target``, ``KPI ID`` stays."""
    first = header.split(" ", 1)[0]
    return header if first.isupper() else header[:1].lower() + header[1:]


def _fmt_number(value: float) -> str:
    text = f"{value:.15g}"
    if "e" in text:
        text = f"{value:f}".rstrip("0").rstrip(".")
    return text


def fmt_number(value: float) -> str:
    """Return a number as a message shows it: up to 15 significant digits, no exponent."""
    return _fmt_number(value)


_SPACES = "\u00a0\u202f\u2009 "


def interpret_number_text(text: str) -> tuple[list[float], str]:
    """Return (possible numbers, a note) for a number typed as text; empty list when it is no number.

    ``"12,5"`` gives [12.5]; ``"1.234"`` gives [1234, 1.234] (Danish thousands or a decimal point);
    ``"12%"`` gives [0.12]. Nothing is guessed silently: callers show every reading.
    """
    sign, raw, scale, note = _undecorated_number(text)
    if not raw or not re.fullmatch(r"[0-9.,]+", raw) or not any(ch.isdigit() for ch in raw):
        return [], ""
    readings = _separator_readings(raw)
    if not readings:
        return [], ""
    try:
        values = [float(sign + r) * scale for r in readings]
    except ValueError:
        return [], ""
    return values, note


def _undecorated_number(text: str) -> tuple[str, str, float, str]:
    """Strip what surrounds a number typed as text: spaces, a percent sign, a currency, a sign, a quote.

    Returns (sign, the digits and separators left, scale, note).
    """
    raw = text.strip()
    for space in _SPACES:
        raw = raw.replace(space, "")
    note = ""
    scale = 1.0
    if raw.endswith("%"):
        raw, scale, note = raw[:-1], 0.01, "percent"
    for unit in ("kr.", "kr", "dkk", "eur", "usd", "€", "$"):
        if raw.casefold().endswith(unit):
            raw = raw[: -len(unit)]
        elif raw.casefold().startswith(unit):
            raw = raw[len(unit):]
    sign = ""
    if raw and raw[0] in "+-\u2212":
        sign, raw = ("-" if raw[0] != "+" else ""), raw[1:]
    if raw.startswith("'"):
        raw = raw[1:]
    return sign, raw, scale, note


def _separator_readings(raw: str) -> list[str]:
    """Return each reading of digits with "," and "." as a Python number text (empty when none fits).

    Owns the separator rules: both present means the last one is the decimal; one kind
    repeated means thousands; a single one before three digits is either.
    """
    commas, dots = raw.count(","), raw.count(".")
    if commas == 0 and dots == 0:
        return [raw]
    if commas and dots:
        decimal = "," if raw.rfind(",") > raw.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        if raw.count(decimal) > 1:
            return []
        return [raw.replace(thousands, "").replace(decimal, ".")]
    sep = "," if commas else "."
    parts = raw.split(sep)
    if len(parts) > 2:
        if all(len(p) == 3 for p in parts[1:]) and parts[0]:
            return [raw.replace(sep, "")]
        return []
    if len(parts[1]) == 3 and parts[0] and parts[0] != "0":
        # 1.234 / 1,234: thousands separator or decimal separator; say both.
        return [raw.replace(sep, ""), raw.replace(sep, ".")]
    return [raw.replace(sep, ".")]


def number_text_message(label: str, text: str) -> Message | None:
    """Return the KPX204 message for number-like text (None when the text is no number)."""
    values, note = interpret_number_text(text)
    if not values:
        return None
    said = Header(label)
    if len(values) == 1:
        if note == "percent":
            return message("KPX204.percent", label=said, x=text, p=Number(_fmt_number(values[0] * 100)),
                           v=Number(_fmt_number(values[0])))
        return message("KPX204.number", label=said, x=text, v=Number(_fmt_number(values[0])))
    sep = "," if "," in text else "."
    return message("KPX204.either", label=said, x=text, a=Number(_fmt_number(values[0])), s1=repr(sep),
                   b=Number(_fmt_number(values[1])), s2=repr(sep))


_DATE_TEXT_RES = (
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), ("y", "m", "d")),
    (re.compile(r"^(\d{1,2})[.\-](\d{1,2})[.\-](\d{4})$"), ("d", "m", "y")),
)


def date_text_meanings(text: str) -> list[date]:
    """Return the dates a text could mean (ISO, Danish d-m-yyyy / d.m.yyyy, and both readings of a/b/yyyy)."""
    raw = text.strip()
    results: list[date] = []
    for pattern, order in _DATE_TEXT_RES:
        match = pattern.match(raw)
        if match:
            parts = dict(zip(order, (int(g) for g in match.groups())))
            _add_date(results, parts["y"], parts["m"], parts["d"])
    match = re.match(r"^(\d{1,2})/(\d{1,2})/(\d{4})$", raw)
    if match:
        a, b, y = (int(g) for g in match.groups())
        _add_date(results, y, b, a)  # day/month (Danish)
        _add_date(results, y, a, b)  # month/day (US)
    return results


def _add_date(results: list[date], y: int, m: int, d: int) -> None:
    try:
        value = date(y, m, d)
    except ValueError:
        return
    if value not in results:
        results.append(value)


def type_cell(column: schema.Column, value: Any) -> Any:
    """Return the typed value of one cell of ``column`` (None when blank); raise _CellFinding when it does not fit.

    Pure: the caller names the place. Each kind of column has its own function below.
    """
    if core.is_blank(value):
        return None
    label = _nice_label(column.en)
    if column.kind == "text":
        return _text_cell(column, label, value)
    if column.kind == "number":
        return _number_cell(label, value)
    if column.kind == "date":
        return _date_cell(label, value)
    if column.kind == "vocab":
        return _vocab_cell(column, label, value)
    return value


def _text_cell(column: schema.Column, label: str, value: Any) -> str | None:
    """Type a text cell: an ID Excel turned into a number or date is a finding (KPX215)."""
    converted = _converted_id_message(column, label, value)
    if converted:
        raise _CellFinding(E_ID_CONVERTED, converted)
    return _text(value)


def _number_cell(label: str, value: Any) -> float | None:
    """Type a number cell: TRUE/FALSE, a date, or text (even number-like text) is a finding."""
    if isinstance(value, bool):
        raise _CellFinding(E_WRONG_TYPE, message("KPX203.boolean", label=Header(label), b=_boolean(value)))
    if isinstance(value, (int, float)):
        try:
            return core.to_number(value, Header(label))
        except DefinitionError as error:
            raise _CellFinding(E_NOT_NUMBER, message("KPX202.inner", inner=error.as_fact())) from None
    if isinstance(value, (date, datetime)):
        raise _CellFinding(E_WRONG_TYPE, message("KPX203.date", label=Header(label), d=_iso(value)))
    text = str(value)
    said = number_text_message(label, text.strip())
    if said:
        raise _CellFinding(E_NUMBER_AS_TEXT, said)
    raise _CellFinding(E_NOT_NUMBER, message("KPX202.text", label=Header(label), x=text.strip()))


def _boolean(value: bool) -> core.Word:
    return core.Word("TRUE" if value else "FALSE")


def _date_cell(label: str, value: Any) -> date | None:
    """Type a date cell: a serial number is read as Excel's date; TRUE/FALSE or text is a finding."""
    if isinstance(value, (date, datetime)):
        return value.date() if isinstance(value, datetime) else value
    if isinstance(value, bool):
        raise _CellFinding(E_NOT_DATE, message("KPX206.boolean", label=Header(label), b=_boolean(value)))
    if isinstance(value, (int, float)):
        try:
            return core.to_date(value)
        except DefinitionError:
            raise _CellFinding(E_NOT_DATE, message("KPX206.number", label=Header(label),
                                                   x=Number(_fmt_number(float(value))))) from None
    text = str(value).strip()
    meanings = date_text_meanings(text)
    if len(meanings) == 1:
        raise _CellFinding(E_DATE_AS_TEXT, message("KPX205.date", label=Header(label), x=text,
                                                   d=meanings[0].isoformat()))
    if meanings:
        options = Options(tuple(d.isoformat() for d in meanings), before=None)
        raise _CellFinding(E_DATE_AS_TEXT, message("KPX205.either", label=Header(label), x=text, options=options))
    raise _CellFinding(E_NOT_DATE, message("KPX206.text", label=Header(label), x=text))


def _vocab_cell(column: schema.Column, label: str, value: Any) -> Any:
    """Type a cell of a closed vocabulary (direction, aggregation, decision...): another word is a finding."""
    word = _text(value)
    try:
        if column.vocabulary == "decision":
            return schema.parse_decision(word)
        return core.parse_word(column.vocabulary or "", word)
    except DefinitionError as error:
        raise _CellFinding(E_VOCABULARY, message("KPX207", label=Header(label), inner=error.as_fact())) from None


# Columns holding KPI IDs: a spreadsheet must not have turned their text into a date or a number.
_ID_KEYS = frozenset({"kpi_id", "parent_id"})


def _converted_id_message(column: schema.Column, label: str, value: Any) -> Message | None:
    """Return the KPX215 message when a KPI ID cell holds a date or number (the spreadsheet converted it), else None."""
    if column.key not in _ID_KEYS or isinstance(value, bool) or not isinstance(value, (date, datetime, int, float)):
        return None
    if isinstance(value, (date, datetime)):
        return message("KPX215.date", label=Header(label), d=_iso(value), column=Header(label))
    return message("KPX215.number", label=Header(label), v=Number(_fmt_number(float(value))), column=Header(label))


def _typed_column(column: schema.Column, array: Any) -> list[Any] | None:
    """Return one fastexcel column as the values ``ExactEngine._typed`` gives; None if any cell needs it.

    Numbers and dates are converted as whole arrays (numpy), text cell by cell (``str.strip``).
    """
    kind = column.kind
    type_name = str(array.type)
    if array.null_count == len(array):
        return [None] * len(array)
    if kind in ("text", "vocab"):
        if type_name not in ("string", "large_string", "string_view"):
            return None
        stripped = [v.strip() or None if v is not None else None for v in array.to_pylist()]
        if kind == "text":
            return stripped
        vocabulary = column.vocabulary or ""
        try:
            return [None if word is None else _canonical_word(vocabulary, word) for word in stripped]
        except DefinitionError:
            return None
    if kind == "number":
        return _number_column(array) if type_name == "double" else None
    if kind == "date":
        return _date_column(array, type_name)
    return None


def _number_column(array: Any) -> list[float | None] | None:
    """Return a double column as floats (None for blanks); None when it holds an infinite or NaN value."""
    numbers, valid = _buffer_values(array, np.float64)
    if not np.isfinite(numbers[valid] if valid is not None else numbers).all():
        return None  # infinite or NaN values: the exact reader decides
    values: list[float | None] = numbers.tolist()
    if valid is not None:
        for index in np.flatnonzero(~valid).tolist():
            values[index] = None
    return values


def _date_column(array: Any, type_name: str) -> list[date | None] | None:
    """Return a timestamp or date column as dates (a timestamp's day; None for blanks); None for another type."""
    if type_name.startswith("timestamp") and getattr(array.type, "tz", None) is None:
        raw, valid = _buffer_values(array, np.int64)
        stamps = raw.view(f"datetime64[{array.type.unit}]")
    elif type_name == "date32[day]":
        raw, valid = _buffer_values(array, np.int32)
        stamps = raw.astype("datetime64[D]")
    else:
        return None
    # datetime64[D] becomes datetime.date, the day a timestamp falls on; NaT (a blank) becomes None.
    days = stamps.astype("datetime64[D]")
    known = days[valid] if valid is not None else days
    if known.size and (known.min() < _FIRST_DAY or known.max() > _LAST_DAY):
        return None  # outside what datetime.date holds: the exact reader decides
    if valid is not None:
        days[~valid] = np.datetime64("NaT")
    return days.tolist()


def _buffer_values(array: Any, dtype: Any) -> tuple[np.ndarray, np.ndarray | None]:
    """Return an Arrow array's values as numpy (what blanks hold is undefined) and its validity (None: no blanks).

    Read from the buffers: pyarrow's own conversion of an array with blanks imports
    pandas, over half a second in every new worker process.
    """
    validity, data = array.buffers()[:2]
    start, count = array.offset, len(array)
    values = np.frombuffer(data, dtype)[start:start + count]
    if not array.null_count or validity is None:
        return values, None
    bits = np.unpackbits(np.frombuffer(validity, np.uint8), bitorder="little")[start:start + count]
    return values, bits.astype(bool)


# The days datetime.date can hold; numpy's datetime64 reaches further.
_FIRST_DAY, _LAST_DAY = np.datetime64("0001-01-01", "D"), np.datetime64("9999-12-31", "D")


@functools.lru_cache(maxsize=1024)
def _canonical_word(vocabulary: str, word: str) -> str | None:
    """Return the canonical value of a vocabulary word (words are few: each is parsed once); raise DefinitionError."""
    return schema.parse_decision(word) if vocabulary == "decision" else core.parse_word(vocabulary, word)


class _CellFinding(Exception):
    """A cell that does not fit its column: the finding's code and message (the caller adds the place)."""

    def __init__(self, code: str, said: Message):
        super().__init__(said)
        self.code = code
        self.message = said


def _text(value: Any) -> str | None:
    if core.is_blank(value):
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return _fmt_number(value)
    if isinstance(value, (date, datetime)):
        return _iso(value)
    return str(value).strip()


def _iso(value: date | datetime) -> str:
    return (value.date() if isinstance(value, datetime) else value).isoformat()


# The required columns with their own hint of what to type (the catalogue's keys); others say hint.other.
_HINTS = {"kpi_id": "hint.kpi_id", "name": "hint.name", "owner": "hint.owner", "target": "hint.target",
          "direction": "hint.direction", "aggregation": "hint.aggregation", "period_end": "hint.period_end",
          "value": "hint.value", "profile": "hint.profile"}


def _required_hint(column: schema.Column) -> Message:
    if column.key in schema.MONTH_KEYS:
        return message("hint.month")
    return message(_HINTS.get(column.key, "hint.other"))
