"""Own the pseudo-locale transform: English made visibly foreign, but still readable and still working.

``en-XA`` (CLDR reserves region XA for a pseudo-locale with accents) is English with
every letter accented and each text wrapped in ``⟦ ⟧``. A run in it shows at a glance
any word that bypassed the catalogue (plain letters outside the markers) and any text
cut short or glued together (a marker missing or in the middle). What the program or
Excel reads back stays intact: ``{placeholders}``, Excel error values and function
names (``#VALUE!``, ``SUMIFS``), command options (``--force``), ``kpixl`` and file
names. A sheet name stays valid for Excel: at most 31 characters, none of ``[]:*?/\\``.

``scripts/make_pseudo_locale.py`` writes ``en_XA.po`` from ``en.po`` with
:func:`transform`; :mod:`kpixl.i18n` applies it to the words that come from CLDR
(month names), so they are pseudo too.
"""

from __future__ import annotations

import re

OPEN, CLOSE = "⟦", "⟧"
_PLAIN = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_ACCENTED = "ÅƁÇÐÉƑĜĤÎĴĶĻṀÑÖÞǪŔŠŢÛṼŴẊÝŽåƀçðéƒĝĥîĵķļṁñöþǫŕšţûṽŵẋýž"
ACCENT = str.maketrans(_PLAIN, _ACCENTED)
UNACCENT = str.maketrans(_ACCENTED, _PLAIN)

# Kept as they are: placeholders (with any format spec), Excel error values, formulas and
# upper-case names (function names, KPI, ID), command options, kpixl itself, file names.
KEEP = re.compile(r"""
    \{[^{}]*\}                          # {placeholder} or {n:,}
  | [\w.-]+\.(?:xlsx|xlsm|csv|parquet)\b  # LAST_MONTH_COMPANY.xlsx
  | \#[A-Z/0]+[!?]?                     # #VALUE!  #N/A  #NAME?  #DIV/0!
  | =[A-Z]+\([^)]*\)                    # =TODAY()
  | \b[A-Z][A-Z0-9_]+\b(?:\(\))?        # SUMIFS  KPI  ID  KPI_ACTUAL
  | --[a-z][a-z-]*                      # --skip-invalid
  | \bkpixl[\w.]*                       # kpixl, kpixl.udfs
""", re.VERBOSE)
SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_MAX = 31


def accent(text: str) -> str:
    """Return ``text`` with every plain letter accented, the tokens of :data:`KEEP` left intact."""
    out, at = [], 0
    for match in KEEP.finditer(text):
        out.append(text[at:match.start()].translate(ACCENT))
        out.append(match.group())
        at = match.end()
    out.append(text[at:].translate(ACCENT))
    return "".join(out)


def transform(text: str, *, sheet: bool = False) -> str:
    """Return the pseudo-locale's form of an English text: accented, between ``⟦`` and ``⟧``.

    ``sheet=True`` keeps the result a valid Excel sheet name (the accented text is cut
    to leave room for the markers; the forbidden characters are dropped).
    """
    inner = accent(text)
    if sheet:
        inner = SHEET_FORBIDDEN.sub("", inner)[:SHEET_MAX - len(OPEN) - len(CLOSE)].rstrip()
    return f"{OPEN}{inner}{CLOSE}"


def is_sheet_key(key: str) -> bool:
    """Return whether a catalogue key names a sheet: ``<area>.sheet.<name>``."""
    parts = key.split(".")
    return len(parts) > 2 and parts[1] == "sheet"


def is_kept_key(key: str) -> bool:
    """Return whether a catalogue text stays as it is in the pseudo-locale: a unit (``units.*``, a sample or example KPI's).

    A unit is what a person types (``%``, ``DKK``), and kpixl reads it back: ``%`` makes a
    KPI a percentage (``PERCENT_UNITS``), so it must not be transformed.
    """
    parts = key.split(".")
    return parts[0] == "units" or (parts[0] in ("sample", "examples") and "unit" in parts[1:])


def entry(key: str, english: str) -> str:
    """Return the pseudo-locale's text of catalogue ``key`` whose English is ``english``."""
    return english if is_kept_key(key) else transform(english, sheet=is_sheet_key(key))


__all__ = ["CLOSE", "OPEN", "accent", "entry", "is_kept_key", "is_sheet_key", "transform"]
