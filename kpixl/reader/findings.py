"""Own the finding codes the reader raises and :func:`fail`, the one way it refuses a whole file.

Each code is one entry in the registry :mod:`kpixl.codes` (title, severity, what to
change; ``docs/validation.md`` is generated from it); the names below only say which
code a reader module means. ``KPX1xx`` are about the file and its tables, ``KPX2xx``
about one cell's value.
"""

from __future__ import annotations

from typing import NoReturn

from kpixl.errors import WorkbookError
from kpixl.message import Message

# Finding codes raised here; docs/validation.md describes each one.
E_MISSING = "KPX101"
E_NOT_FILE = "KPX102"
E_UNREADABLE = "KPX103"
E_EMPTY = "KPX104"
E_OLD_XLS = "KPX105"
E_ENCRYPTED = "KPX106"
E_TEXT = "KPX107"
E_NOT_ZIP = "KPX108"
E_CORRUPT = "KPX109"
E_NOT_XLSX = "KPX110"
E_TOO_BIG = "KPX111"
E_RATIO = "KPX112"
E_DIMENSION = "KPX113"
E_ENTITY = "KPX114"
E_NOT_KPIXL = "KPX115"
E_BAD_XML = "KPX117"
W_SCHEMA_VERSION = "KPX120"
E_NO_KPI_TABLE = "KPX121"
E_NO_MEASUREMENT_TABLE = "KPX122"
W_NO_EVALUATION_TABLE = "KPX123"
W_TABLE_FROM_HEADERS = "KPX124"
E_MISSING_COLUMN = "KPX130"
W_UNKNOWN_COLUMN = "KPX131"
W_BELOW_TABLE = "KPX132"
W_DUPLICATE_COLUMN = "KPX133"
W_FILE_NOT_READ = "KPX134"
W_SUBFOLDER_NOT_READ = "KPX135"
W_OUTSIDE_TABLE = "KPX136"
W_KEYLESS_ROW = "KPX137"
N_CLUTTER = "KPX138"
E_REQUIRED = "KPX201"
E_NOT_NUMBER = "KPX202"
E_WRONG_TYPE = "KPX203"
E_NUMBER_AS_TEXT = "KPX204"
E_DATE_AS_TEXT = "KPX205"
E_NOT_DATE = "KPX206"
E_VOCABULARY = "KPX207"
E_NO_CACHED_VALUE = "KPX208"
E_ERROR_VALUE = "KPX209"
E_ID_CONVERTED = "KPX215"


def _fail(path: str, code: str, said: Message, sheet: str | None = None, cell: str | None = None) -> NoReturn:
    raise WorkbookError(said, path=path, sheet=sheet, cell=cell, code=code)
