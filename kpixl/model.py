"""Own the in-memory form of a department workbook and of validation findings.

The reader produces these records, the validator adds findings to them, and
consolidate, rollover and demo consume them. Findings are data (code, severity,
place, message), never exceptions; a :class:`Report` is what ``validate``
returns and what ``--format json`` prints.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any, Iterable, Sequence

from kpixl import codes, core, texts
from kpixl.errors import ValidationFailed
from kpixl.leftout import left_out_kind
from kpixl.codes import ERROR, NOTE, WARNING
from kpixl.message import Message
from kpixl.vocab import Language, kpi_key


@dataclass(frozen=True)
class Place:
    """Locate a finding or a record: file, sheet, cell (any may be None)."""

    path: str | None = None
    sheet: str | None = None
    cell: str | None = None

    @classmethod
    def of_cells(cls, path: str | None, sheet: str | None, cells: Iterable[str]) -> list["Place"]:
        """Return one Place per cell of one sheet: equal to ``Place(path, sheet, cell)`` each, built faster.

        A reader makes one per record (thousands a workbook); a frozen dataclass's
        ``__init__`` sets each field through ``object.__setattr__``, which costs more than
        filling the instance's dictionary at once (1.1 against 1.9 ms for 1,300 places).
        """
        new = object.__new__
        places: list[Place] = []
        append = places.append
        for cell in cells:
            place = new(cls)
            fields = place.__dict__
            fields["path"], fields["sheet"], fields["cell"] = path, sheet, cell
            append(place)
        return places

    def __str__(self) -> str:
        text = self.path or ""
        if self.sheet:
            text += f":{self.sheet}"
            if self.cell:
                text += f"!{self.cell}"
        return text


@dataclass(frozen=True)
class Finding:
    """Describe one validation finding: a code from :mod:`kpixl.codes` (which owns its severity), a place and what to change.

    What it says is data, ``wording`` (:class:`kpixl.message.Message`: a key of the
    catalogue's ``findings`` area and its facts); it is said in ``language`` (the run's,
    set by :func:`said_in` where a run decides it) only when shown: :attr:`message`.
    """

    code: str
    severity: str
    # str: a test's plain text (every finding kpixl makes is a Message).
    wording: Message | str
    place: Place = field(default_factory=Place)
    kpi_id: str | None = None
    language: str = "en"

    def __post_init__(self) -> None:
        # The registry owns every code's severity (kpixl.codes); the argument only names it for the reader.
        registered = codes.REGISTRY.get(self.code)
        if registered is not None and registered.severity != self.severity:
            object.__setattr__(self, "severity", registered.severity)

    @property
    def message(self) -> str:
        """Return what the finding says, in its language."""
        if isinstance(self.wording, Message):
            return self.wording.render(self.language)
        return str(self.wording)  # a plain text: only tests build findings so (the types say Message)

    def in_language(self, language: object) -> "Finding":
        """Return the finding said in ``language`` (anything :meth:`Language.parse` accepts)."""
        return replace(self, language=str(Language.parse(language)))

    @property
    def title(self) -> str | None:
        """Return the registry's title of this finding's code (what it means), if registered."""
        registered = codes.REGISTRY.get(self.code)
        return registered.title if registered else None

    def __str__(self) -> str:
        return f"{self.place}: {self.severity} {self.code}: {self.message}"

    def said(self, language: object) -> str:
        """Return the finding's console line with its severity in ``language`` (its message as it is)."""
        severity = texts.of("console", language).get(self.severity, self.severity)
        return f"{self.place}: {severity} {self.code}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form of the finding."""
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "path": self.place.path,
            "sheet": self.place.sheet,
            "cell": self.place.cell,
            "kpi_id": self.kpi_id,
        }


@dataclass
class KpiRecord:
    """Hold one parsed row of the KPIs table (canonical vocabulary, floats, dates)."""

    kpi_id: str
    name: str | None = None
    level: str | None = None  # "high" | "low" | None
    parent_id: str | None = None
    department: str | None = None
    owner: str | None = None
    unit: str | None = None
    direction: str | None = None
    aggregation: str | None = None
    frequency: str | None = None
    baseline: float | None = None
    target: float | None = None
    tolerance: float | None = None
    start: date | None = None
    deadline: date | None = None
    phasing: str | None = None  # the name of a profile of the Phasing table; None: linear
    green: float | None = None
    amber: float | None = None
    weight: float | None = None
    data_source: str | None = None
    specific: str | None = None
    measurable: str | None = None
    attainable: str | None = None
    relevant: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # unknown columns, kept by header
    place: Place = field(default_factory=Place)  # the row's first cell
    valid: bool = True  # False when an error finding makes its numbers meaningless
    # The 12 month weights of the named profile (resolve_phasing); None: no profile or an unknown one.
    weights: tuple[float | None, ...] | None = None

    def definition(self) -> core.KpiDefinition:
        """Return the core's view of this KPI (defaults filled in)."""
        return core.KpiDefinition(
            kpi_id=self.kpi_id,
            target=self.target,  # type: ignore[arg-type]
            direction=self.direction or core.INCREASE,
            aggregation=self.aggregation or core.LAST,
            baseline=self.baseline,
            tolerance=self.tolerance,
            start=self.start,
            deadline=self.deadline,
            green=core.DEFAULT_GREEN if self.green is None else self.green,
            amber=core.DEFAULT_AMBER if self.amber is None else self.amber,
            phasing=self.weights,  # type: ignore[arg-type]  # check() names a blank weight
            profile=self.phasing,
        )

    @property
    def effective_weight(self) -> float:
        """Return the roll-up weight (default 1)."""
        return core.DEFAULT_WEIGHT if self.weight is None else self.weight


@dataclass
class MeasurementRecord:
    """Hold one parsed row of the Measurements table."""

    kpi_id: str
    period_end: date
    value: float
    entered_by: str | None = None
    note: str | None = None
    place: Place = field(default_factory=Place)
    extra: dict[str, Any] = field(default_factory=dict)  # unknown columns, kept by header


@dataclass
class EvaluationRecord:
    """Hold one parsed row of the Evaluation table."""

    kpi_id: str
    decision: str | None = None  # "keep" | "adjust" | "retire" | None
    new_target: float | None = None
    notes: str | None = None
    place: Place = field(default_factory=Place)
    extra: dict[str, Any] = field(default_factory=dict)  # unknown columns, kept by header


@dataclass
class CommentRecord:
    """Hold one parsed row of the Commentary table: why a KPI's number is what it is, and what will be done."""

    kpi_id: str
    period_end: date | None = None
    comment: str | None = None
    action: str | None = None
    action_owner: str | None = None
    due_date: date | None = None
    action_status: str | None = None  # "Open" | "Done" | "Dropped" | None (an action without one is Open)
    entered_by: str | None = None
    place: Place = field(default_factory=Place)

    @property
    def is_open(self) -> bool:
        """Return True for an action still to be done (typed, and not Done or Dropped)."""
        return bool(self.action) and self.action_status in (None, core.OPEN)


@dataclass
class PhasingRecord:
    """Hold one parsed row of the Phasing table: a profile's name and its 12 month weights (January first)."""

    profile: str
    weights: tuple[float | None, ...] = (None,) * 12
    place: Place = field(default_factory=Place)


def profile_key(name: object) -> str:
    """Return the matching key of a profile name: case and runs of white space ignored."""
    return " ".join(str(name).split()).casefold() if name is not None else ""


def resolve_phasing(kpis: Iterable[KpiRecord], profiles: Sequence[PhasingRecord]) -> None:
    """Give each KPI that names a profile that profile's weights (the first row of a repeated name).

    A KPI naming no known profile keeps ``weights`` None: its definition is then invalid
    (:meth:`kpixl.core.KpiDefinition.check` names the profile).
    """
    by_key: dict[str, PhasingRecord] = {}
    for p in profiles:
        by_key.setdefault(profile_key(p.profile), p)
    for k in kpis:
        found = by_key.get(profile_key(k.phasing)) if k.phasing else None
        k.weights = None if found is None else tuple(found.weights)


@dataclass
class DepartmentWorkbook:
    """Hold everything read from one department workbook."""

    path: str
    language: str = "en"
    department: str | None = None
    formulas: str | None = None
    schema_version: str | None = None
    company_file: str | None = None  # the company workbook it was made from (template --company)
    company_sha256: str | None = None
    kpis: list[KpiRecord] = field(default_factory=list)
    measurements: list[MeasurementRecord] = field(default_factory=list)
    evaluations: list[EvaluationRecord] = field(default_factory=list)
    comments: list[CommentRecord] = field(default_factory=list)
    phasing: list[PhasingRecord] = field(default_factory=list)
    sheets: dict[str, str] = field(default_factory=dict)  # table name -> sheet name
    columns: dict[str, dict[str, str]] = field(default_factory=dict)  # table name -> input column key -> letter
    ranges: dict[str, str] = field(default_factory=dict)  # table name -> its A1 range as read (e.g. D3:J9)
    findings: list[Finding] = field(default_factory=list)

    def cell(self, table: str, key: str, row: int) -> str | None:
        """Return the cell (e.g. ``F7``) of column ``key`` of ``table`` in sheet row ``row``; None if not read."""
        letter = self.columns.get(table, {}).get(key)
        return f"{letter}{row}" if letter else None

    def cell_in_row(self, table: str, key: str, place: Place) -> str | None:
        """Return the cell of column ``key`` of ``table`` in the row of ``place`` (a record's place); None if unknown."""
        digits = "".join(ch for ch in (place.cell or "") if ch.isdigit())
        return self.cell(table, key, int(digits)) if digits else None

    def measurements_by_kpi(self) -> dict[str, list[tuple[date, float]]]:
        """Group (period_end, value) pairs by the key of their KPI ID (:func:`kpixl.vocab.kpi_key`)."""
        grouped: dict[str, list[tuple[date, float]]] = {}
        for m in self.measurements:
            grouped.setdefault(kpi_key(m.kpi_id), []).append((m.period_end, m.value))
        return grouped


class FindingsView:
    """Split a ``findings`` list into errors and warnings (for reports and consolidation sources)."""

    findings: list[Finding]

    @property
    def errors(self) -> list[Finding]:
        """Return the error findings."""
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        """Return the warning findings."""
        return [f for f in self.findings if f.severity == WARNING]

    @property
    def notes(self) -> list[Finding]:
        """Return the notes (what was left out and why, nothing to fix)."""
        return [f for f in self.findings if f.severity == NOTE]


@dataclass
class Report(FindingsView):
    """Collect the findings of one validation run; ``valid`` drives the exit code."""

    findings: list[Finding] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    kpi_count: int = 0
    measurement_count: int = 0
    strict: bool = False
    left_out: list[Finding] = field(default_factory=list)  # files and subfolders of folder arguments not read
    copies: list[str] = field(default_factory=list)  # inputs named as copies (KPX606/607): their KPIs not counted
    language: str = "en"  # the run's: of the summary and (kpixl.validate says them in it) the findings

    @property
    def valid(self) -> bool:
        """Return True when nothing must be fixed (with strict, no warnings either)."""
        return not self.errors and not (self.strict and self.warnings)

    def summary(self) -> str:
        """Return the one-line summary in the run's language: files, KPIs, measurements, errors, warnings."""
        copies = ""
        if self.copies:
            copies = texts.text("console", "validate.copy" if len(self.copies) == 1 else "validate.copies",
                                self.language, n=len(self.copies))
        text = texts.text("console", "validate.summary", self.language, files=len(self.files), copies=copies,
                          kpis=self.kpi_count, measurements=self.measurement_count, errors=len(self.errors),
                          warnings=len(self.warnings))
        left_out = left_out_summary(self.left_out, self.language)
        return f"{text}; {left_out}" if left_out else text

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form of the report."""
        return {
            "valid": self.valid,
            "strict": self.strict,
            "language": str(self.language),  # of the findings' messages (codes and keys never change)
            "files": list(self.files),
            "stats": {
                "files": len(self.files),
                "kpis": self.kpi_count,
                "measurements": self.measurement_count,
                "errors": len(self.errors),
                "warnings": len(self.warnings),
                "left_out": len(self.left_out),
                "copies": len(self.copies),
            },
            "findings": [f.to_dict() for f in self.findings],
            "left_out": [{"path": f.place.path, "code": f.code, "reason": f.message} for f in self.left_out],
            "copies": list(self.copies),
        }


def said_in(findings: Iterable[Finding], language: object) -> list[Finding]:
    """Return ``findings`` said in ``language`` (the run's): each renders its message in it when shown."""
    return [f.in_language(language) for f in findings]


def left_out_summary(left_out: list[Finding], language: object = "en") -> str:
    """Return how many files and subfolders folder arguments held that were not read, by kind ("" if none).

    In ``language`` (the run's): the kinds are the console catalogue's ``kind.<kind>``;
    a kind it does not name (a file suffix such as ``.ods``) is shown as it is.
    """
    words = texts.of("console", language)
    counts: dict[str, int] = {}
    for finding in left_out:
        kind = left_out_kind(finding.code, finding.place.path)
        counts[kind] = counts.get(kind, 0) + 1
    folders = counts.pop("subfolder", 0)
    parts = []
    if counts:
        kinds = []
        for kind, n in sorted(counts.items()):
            plural = n > 1 and kind.endswith("file")
            said = words.get(f"kind.{kind}{'s' if plural else ''}") or (kind + ("s" if plural else ""))
            kinds.append(f"{n} {said}")
        parts.append(words["left_out.files"].format(n=sum(counts.values()), kinds=", ".join(kinds)))
    if folders:
        parts.append(words["left_out.folders"].format(n=folders))
    return words["left_out.and"].join(parts)


def refuse_invalid(workbook: DepartmentWorkbook, source: object, reason: str, shown_max: int = 10,
                   language: object = Language.EN) -> None:
    """Raise ValidationFailed naming ``workbook``'s first errors when it has any.

    ``reason`` is the key of what cannot be done in the catalogue's ``findings`` area, with
    ``{n}`` for the number of errors (``rollover.invalid``). The exception carries the whole
    report, in the workbook's language; its message is data (:class:`Refusal`): ``str()`` says
    it in ``language`` (the error's), ``said(report.language)`` in the workbook's.
    """
    errors = [f for f in workbook.findings if f.severity == ERROR]
    if not errors:
        return
    report = Report(findings=list(workbook.findings), files=[str(source)], kpi_count=len(workbook.kpis),
                    measurement_count=len(workbook.measurements), language=str(Language.parse(workbook.language)))
    raise ValidationFailed(Refusal(str(source), Message.of(reason, n=len(errors)), tuple(errors), shown_max),
                           report=report, language=Language.parse(language).value)


@dataclass(frozen=True)
class Refusal:
    """Say why a command refuses an input with errors: ``source: reason; fix them and run again:`` and the errors.

    Each error is its console line with the severity said in the language asked for and the
    message in the finding's own language; past ``shown_max`` one line says how many more.
    """

    source: str
    reason: Message
    errors: tuple[Finding, ...]
    shown_max: int = 10

    def render(self, language: object) -> str:
        """Return the refusal in ``language``."""
        shown = [f.said(language) for f in self.errors[:self.shown_max]]
        if len(self.errors) > self.shown_max:
            shown.append(Message.of("refusal.more", n=len(self.errors) - self.shown_max,
                                    source=self.source).render(language))
        head = Message.of("refusal.head", source=self.source, reason=self.reason).render(language)
        return head + "\n  " + "\n  ".join(shown)


__all__ = ["Place", "Finding", "KpiRecord", "MeasurementRecord", "EvaluationRecord", "CommentRecord",
           "DepartmentWorkbook", "Report", "FindingsView", "Refusal", "left_out_summary", "said_in", "ERROR", "WARNING", "NOTE", "asdict"]
