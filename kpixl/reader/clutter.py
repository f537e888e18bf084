"""Own recognising share clutter in a folder and reading who a lock file says has a workbook open.

A department folder on a synced share (SharePoint, OneDrive, an SMB drive used from Macs
and PCs) holds files nobody typed: a Mac's ``._Sales.xlsx`` (AppleDouble) and
``.DS_Store``, Windows' ``Thumbs.db`` and ``desktop.ini``, Excel's owner file
``~$Sales.xlsx`` and LibreOffice's ``.~lock.Sales.xlsx#`` while a workbook is open.
:func:`clutter_reason` names each in a note (KPX138): they are left out, never an
error, and a lock file's note says who has the workbook open, as the lock file records.
Lock files are read defensively: at most a few hundred bytes, and a garbled one still
gets its note, only without a name.
"""

from __future__ import annotations

from pathlib import Path

# An owner or lock file is a few hundred bytes; more is not a lock file kpixl should read.
LOCK_READ_LIMIT = 4096
# Excel's owner file: a length byte and the name in the Windows code page, padded with
# spaces to offset 55 (Word: zeros to 54), then the length as a 2-byte word and the name
# in UTF-16-LE. Office allows at most 52 characters.
_MSO_NAME_MAX = 52
_MSO_UTF16_AT = (55, 54)

_FIXED_NAMES = {
    ".ds_store": "a macOS Finder file (.DS_Store)",
    "thumbs.db": "a Windows thumbnail cache (Thumbs.db)",
    "ehthumbs.db": "a Windows thumbnail cache (ehthumbs.db)",
    "desktop.ini": "a Windows folder settings file (desktop.ini)",
}


def clutter_reason(path: Path) -> str | None:
    """Return the note for a share clutter file (left out, nothing to fix), or None when ``path`` is none."""
    name = path.name
    folded = name.casefold()
    if folded in _FIXED_NAMES:
        return f"{_FIXED_NAMES[folded]}, not a workbook; left out, nothing to do"
    if name.startswith("._"):
        return (f"a Mac's hidden companion file of {name[2:]} (._ AppleDouble, written on shared drives), not a "
                "workbook; left out, nothing to do")
    if name.startswith("~$"):
        return _open_note(name[2:], "Excel", excel_owner(path))
    if name.startswith(".~lock.") and name.endswith("#"):
        return _open_note(name[len(".~lock."):-1], "LibreOffice", libreoffice_owner(path))
    return None


def _open_note(workbook: str, program: str, user: str | None) -> str:
    who = f"by {user}" if user else "(the lock file names nobody)"
    return (f"{program}'s lock file: {workbook} is open in {program} {who}; left out, it is not a workbook; the "
            f"last saved {workbook} is read, so ask them to save and close it if they are still typing")


def _head(path: Path) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read(LOCK_READ_LIMIT)
    except OSError:
        return b""


def excel_owner(path: Path) -> str | None:
    """Return the user name an Excel owner file (``~$Book.xlsx``) holds, or None when it holds none readable."""
    return excel_owner_from(_head(path))


def excel_owner_from(data: bytes) -> str | None:
    """Return the user name in an Excel owner file's bytes: the UTF-16 copy, else the code-page copy."""
    if not data or not 0 < data[0] <= _MSO_NAME_MAX:
        return None
    length = data[0]
    for offset in _MSO_UTF16_AT:
        if len(data) >= offset + 2 + 2 * length and data[offset] == length and data[offset + 1] == 0:
            try:
                name = data[offset + 2:offset + 2 + 2 * length].decode("utf-16-le")
            except UnicodeDecodeError:
                continue
            if _printable(name):
                return name.strip()
    if len(data) > length:
        name = data[1:1 + length].decode("cp1252", errors="replace")
        if _printable(name):
            return name.strip()
    return None


def libreoffice_owner(path: Path) -> str | None:
    """Return the user a LibreOffice lock file (``.~lock.Book.xlsx#``) names, or None."""
    return libreoffice_owner_from(_head(path))


def libreoffice_owner_from(data: bytes) -> str | None:
    """Return the user in a LibreOffice lock file's CSV line: its user name, else the system user name.

    The line is ``Full Name,sysuser,host,date,profile-URL;`` (the full name often blank);
    a comma or semicolon inside a field is escaped with a backslash.
    """
    text = data.decode("utf-8", errors="replace").splitlines()[0] if data else ""
    fields: list[str] = []
    current: list[str] = []
    escaped = False
    for char in text:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in ",;":
            fields.append("".join(current))
            current = []
        else:
            current.append(char)
    fields.append("".join(current))
    if len(fields) < 3:  # not the five-field line LibreOffice writes
        return None
    for name in fields[:2]:
        if name.strip() and _printable(name):
            return name.strip()
    return None


def _printable(text: str) -> bool:
    return bool(text.strip()) and "\ufffd" not in text and all(ch.isprintable() for ch in text)


__all__ = ["clutter_reason", "excel_owner", "excel_owner_from", "libreoffice_owner",
           "libreoffice_owner_from", "LOCK_READ_LIMIT"]
