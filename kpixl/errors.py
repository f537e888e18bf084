"""Own the one exception tree of kpixl.

Every error a user can cause is a :class:`KpixlError`; the CLI turns it into one
``Error: ...`` line. Validation *findings* are data (:class:`kpixl.model.Finding`,
with codes from :mod:`kpixl.codes`), not exceptions: only what stops a piece of
work is raised.
"""

from __future__ import annotations


class KpixlError(Exception):
    """Report a problem the user can fix; ``str(error)`` is the whole message.

    ``language`` is the language the message is in (the run's, ``en`` or ``da``), so the
    command line says ``Fejl:`` before a Danish message rather than ``Error:``.
    """

    language: str = "en"


class DefinitionError(KpixlError, ValueError):
    """Report an invalid KPI definition or argument (says what to change)."""


class WorkbookError(KpixlError):
    """Report a file that cannot be read as a kpixl workbook (names file and place)."""

    def __init__(self, message: str, *, path: str | None = None, sheet: str | None = None,
                 cell: str | None = None, code: str = "KPX199"):
        self.path = path
        self.sheet = sheet
        self.cell = cell
        self.code = code
        self.reason = message
        super().__init__(self._render(message))

    def _render(self, message: str) -> str:
        place = self.path or ""
        if self.sheet:
            place += f":{self.sheet}"
            if self.cell:
                place += f"!{self.cell}"
        return f"{place}: {message}" if place else message


class OutputError(KpixlError):
    """Report an output that must not be written (exists, equals an input, unwritable)."""

    def __init__(self, message: str, language: str = "en"):
        self.language = str(language)
        super().__init__(message)


class ValidationFailed(KpixlError):
    """Report that inputs are invalid; carries the validation report for the caller."""

    def __init__(self, message: str, report=None, language: str = "en"):
        self.report = report
        self.language = str(language)
        super().__init__(message)
