"""Own what a department's Commentary says about its KPIs, and the rules validate applies to it.

One place reads the Commentary records (:class:`kpixl.model.CommentRecord`) against the
KPIs and their numbers from :mod:`kpixl.core`: :func:`kpi_words` gives per KPI its
status, latest measured period, latest comment and open actions (overdue ones
marked), which the Dashboard's cached values, validate (:func:`check`) and
consolidate's "Comments and actions" sheet all use. workbook.md ("Commentary") is the
contract.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from typing import Iterable, Sequence

from kpixl import core, schema
from kpixl.codes import WARNING
from kpixl.core import Word
from kpixl.message import message
from kpixl.model import CommentRecord, DepartmentWorkbook, Finding, KpiRecord, MeasurementRecord, Place
from kpixl.schema import HeaderOf, SheetName
from kpixl.vocab import kpi_key

W_NO_COMMENT = "KPX901"
W_OVERDUE_ACTION = "KPX902"
W_COMMENT_UNKNOWN_KPI = "KPX903"
W_ACTION_NO_OWNER = "KPX904"
W_ACTION_OWNERS = "KPX905"

# Statuses that need a word: the meeting asks why, and what will be done.
NEEDS_WORD = (core.OFF_TRACK, core.AT_RISK)
# How names are joined when a cell holds more than one person (English and Danish).
OWNER_SEPARATORS = (",", ";", "/", "&", "+", " and ", " og ")


@dataclass
class KpiWord:
    """What the Commentary says about one KPI as of a date, beside its status."""

    kpi_id: str
    status: str
    latest_period: date | None = None  # the last measured period end in the window
    latest: CommentRecord | None = None  # the latest comment (by Period end, then row)
    open_actions: list[CommentRecord] = field(default_factory=list)
    overdue: list[CommentRecord] = field(default_factory=list)

    @property
    def missing(self) -> bool:
        """Return True when the KPI is Off track or At risk and no comment explains its latest period."""
        if self.status not in NEEDS_WORD or self.latest_period is None:
            return False
        return self.latest is None or self.latest.period_end is None or self.latest.period_end < self.latest_period


def several_people(text: str | None) -> bool:
    """Return True when ``text`` looks like more than one person ("Anna, Bo", "Anna og Bo")."""
    folded = f" {text.casefold()} " if text else ""
    return bool(folded.strip()) and any(sep in folded for sep in OWNER_SEPARATORS)


def _standing(kpi: KpiRecord, points: list[tuple[date, float]], as_of: date) -> tuple[list[tuple[date, float]], str]:
    """Return the KPI's measurements that count as of ``as_of``, in period order, and its status (the core's).

    The status is No data for a definition the core cannot use.
    """
    if kpi.valid and kpi.target is not None:
        try:
            return core.window_and_status(kpi.definition(), points, as_of)
        except Exception:  # noqa: BLE001 - a definition the rules name elsewhere: no status to comment on
            pass
    return core.window(points, as_of, kpi.start), core.NO_DATA


def kpi_words(kpis: Sequence[KpiRecord], measurements: Iterable[MeasurementRecord],
              comments: Sequence[CommentRecord], as_of: date) -> dict[str, KpiWord]:
    """Return per KPI key its :class:`KpiWord` as of ``as_of`` (comments dated after ``as_of`` are not yet said)."""
    points: dict[str, list[tuple[date, float]]] = {}
    for m in measurements:
        points.setdefault(kpi_key(m.kpi_id), []).append((m.period_end, m.value))
    said: dict[str, list[CommentRecord]] = {}
    for c in comments:
        said.setdefault(kpi_key(c.kpi_id), []).append(c)
    words: dict[str, KpiWord] = {}
    for kpi in kpis:
        key = kpi_key(kpi.kpi_id)
        if key in words:
            continue
        # The latest period that counts is the last of the window, in period order.
        counted, status = _standing(kpi, points.get(key, []), as_of)
        words[key] = word_for(kpi.kpi_id, status, counted[-1][0] if counted else None, said.get(key, []), as_of)
    return words


def word_for(kpi_id: str, status: str, latest_period: date | None, comments: Iterable[CommentRecord],
             as_of: date) -> KpiWord:
    """Return the :class:`KpiWord` of one KPI from its status, latest measured period and its comments."""
    word = KpiWord(kpi_id, status, latest_period)
    rows = [c for c in comments if c.period_end is None or c.period_end <= as_of]
    dated = [c for c in rows if c.period_end is not None and (c.comment or c.action)]
    if dated:
        # The latest Period end; of several on that date, the one lowest in the table.
        word.latest = max(reversed(dated), key=lambda c: c.period_end or date.min)
    word.open_actions = [c for c in rows if c.is_open]
    word.overdue = [c for c in word.open_actions if c.due_date is not None and c.due_date < as_of]
    return word


def check(workbook: DepartmentWorkbook, as_of: date) -> list[Finding]:
    """Return the Commentary findings of a read workbook (English; validate says them in the workbook's language)."""
    findings: list[Finding] = []
    known = {kpi_key(k.kpi_id): k for k in workbook.kpis}
    sheet = workbook.sheets.get(schema.COMMENTARY.name) or schema.COMMENTARY.sheet(workbook.language)
    comments = []
    for c in workbook.comments:
        if kpi_key(c.kpi_id) not in known:
            findings.append(Finding(W_COMMENT_UNKNOWN_KPI, WARNING, message("KPX903", id=repr(c.kpi_id),
                                                                            sheet=SheetName("KPIs")), c.place, c.kpi_id))
            continue
        comments.append(c)
        findings.extend(_action_findings(workbook, c, as_of))
    if schema.COMMENTARY.name not in workbook.sheets:
        return findings  # a workbook made before the Commentary table has nowhere to write the comment
    words = kpi_words(workbook.kpis, workbook.measurements, comments, as_of)
    for key, word in words.items():
        if word.missing:
            kpi = known[key]
            assert word.latest_period is not None
            findings.append(Finding(W_NO_COMMENT, WARNING, message(
                "KPX901", id=repr(kpi.kpi_id), s=Word(str(word.status)), d=word.latest_period.isoformat(), sheet=sheet,
                column=HeaderOf("Commentary", "period_end")), kpi.place, kpi.kpi_id))
    return findings


def _action_findings(workbook: DepartmentWorkbook, c: CommentRecord, as_of: date) -> list[Finding]:
    """Return the findings of one comment's action: no owner, several owners, Open past its due date."""
    found: list[Finding] = []
    if not c.action:
        return found

    def at(key: str) -> Place:
        cell = workbook.cell_in_row(schema.COMMENTARY.name, key, c.place)
        return dataclasses.replace(c.place, cell=cell) if cell else c.place

    if c.action_status in (core.DONE, core.DROPPED):
        return found
    if not c.action_owner:
        found.append(Finding(W_ACTION_NO_OWNER, WARNING, message("KPX904", column=HeaderOf("Commentary", "action_owner")),
                             at("action_owner"), c.kpi_id))
    elif several_people(c.action_owner):
        found.append(Finding(W_ACTION_OWNERS, WARNING, message("KPX905", who=repr(c.action_owner)), at("action_owner"),
                             c.kpi_id))
    if c.due_date is not None and c.due_date < as_of:
        found.append(Finding(W_OVERDUE_ACTION, WARNING, message(
            "KPX902", d=c.due_date.isoformat(), a=as_of.isoformat(), status=HeaderOf("Commentary", "action_status"),
            due=HeaderOf("Commentary", "due_date")), at("due_date"), c.kpi_id))
    return found


__all__ = ["KpiWord", "kpi_words", "word_for", "check", "several_people", "NEEDS_WORD", "W_NO_COMMENT", "W_OVERDUE_ACTION",
           "W_COMMENT_UNKNOWN_KPI", "W_ACTION_NO_OWNER", "W_ACTION_OWNERS"]
