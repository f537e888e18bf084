"""Own the one exception tree of kpixl.

Every error a user can cause is a :class:`KpixlError`; the CLI turns it into one
``Error: ...`` line. Validation *findings* are data (:class:`kpixl.model.Finding`,
with codes from :mod:`kpixl.codes`), not exceptions: only what stops a piece of
work is raised.
"""

from __future__ import annotations

from typing import Any


class KpixlError(Exception):
    """Report a problem the user can fix; ``str(error)`` is the whole message.

    ``language`` is the language the message is in (the run's, ``en`` or ``da``), so the
    command line says ``Fejl:`` before a Danish message rather than ``Error:``.
    """

    language: str = "en"

    def __init__(self, message: object = "", *args: object):
        # A message may be data (kpixl.message.Message, anything with render(language)): it is then said in the
        # error's language only when the error is shown, so one error reads right in every run's language.
        self.wording: Any = message if callable(getattr(message, "render", None)) else None
        super().__init__(message, *args)

    def __str__(self) -> str:
        if self.wording is not None:
            return str(self.wording.render(self.language))  # type: ignore[attr-defined]
        return super().__str__()

    def as_fact(self) -> object:
        """Return the message as a fact of another message: its data, or its text when it is plain text."""
        return self.wording if self.wording is not None else super().__str__()

    def said(self, language: object) -> str:
        """Return the message in ``language`` (a message that is plain text reads as it is)."""
        if self.wording is not None:
            return str(self.wording.render(language))  # type: ignore[attr-defined]
        return super().__str__()


class DefinitionError(KpixlError, ValueError):
    """Report an invalid KPI definition or argument (says what to change)."""


class WorkbookError(KpixlError):
    """Report a file that cannot be read as a kpixl workbook (names file and place).

    ``message`` is what the finding says (a :class:`kpixl.message.Message`, said in the
    error's language when shown); ``reason`` is it without the place.
    """

    def __init__(self, message: object, *, path: str | None = None, sheet: str | None = None,
                 cell: str | None = None, code: str = "KPX199"):
        self.path = path
        self.sheet = sheet
        self.cell = cell
        self.code = code
        super().__init__(message)

    def __reduce__(self) -> tuple[object, ...]:
        # Raised in a worker process and re-raised in the parent: keep the place and the code.
        return (_workbook_error, (self.args[0], self.path, self.sheet, self.cell, self.code, self.language))

    @property
    def reason(self) -> str:
        """Return the message without the place, in the error's language."""
        return self.said(self.language)

    def __str__(self) -> str:
        place = self.path or ""
        if self.sheet:
            place += f":{self.sheet}"
            if self.cell:
                place += f"!{self.cell}"
        return f"{place}: {self.reason}" if place else self.reason


def _workbook_error(message: object, path: str | None, sheet: str | None, cell: str | None, code: str,
                    language: str) -> WorkbookError:
    error = WorkbookError(message, path=path, sheet=sheet, cell=cell, code=code)
    error.language = language
    return error


class OutputError(KpixlError):
    """Report an output that must not be written (exists, equals an input, unwritable)."""

    def __init__(self, message: object, language: str = "en"):
        self.language = str(language)
        super().__init__(message)


class ValidationFailed(KpixlError):
    """Report that inputs are invalid; carries the validation report for the caller."""

    def __init__(self, message: object, report=None, language: str = "en"):
        self.report = report
        self.language = str(language)
        super().__init__(message)
