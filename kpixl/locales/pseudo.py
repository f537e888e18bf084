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
  | \#[A-Z/0]+[!?]?                     # #VALUE!  #N/A  #NAME?  #DIV/0!
  | =[A-Z]+\([^)]*\)                    # =TODAY()
  | \b[A-Z][A-Z0-9_]+\b(?:\(\))?        # SUMIFS  KPI  ID  KPI_ACTUAL
  | --[a-z][a-z-]*                      # --skip-invalid
  | \bkpixl[\w.]*                       # kpixl, kpixl.udfs
  | [\w.-]+\.(?:xlsx|xlsm|csv|parquet)\b  # LAST_MONTH_COMPANY.xlsx
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
        inner = SHEET_FORBIDDEN.sub("", inner)[:SHEET_MAX - len(OPEN) - len(CLOSE)]
    return f"{OPEN}{inner}{CLOSE}"


def is_sheet_key(key: str) -> bool:
    """Return whether a catalogue key names a sheet (its last part is ``sheet`` or starts with ``sheet_``)."""
    last = key.rsplit(".", 1)[-1]
    return last == "sheet" or last.startswith("sheet_")


__all__ = ["CLOSE", "OPEN", "accent", "is_sheet_key", "transform"]
