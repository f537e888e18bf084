"""Own how kpixl writes files: atomically, never over an input, never half-written.

Every writer (template, consolidate, rollover, demo, CSV export) goes through
:func:`atomic_output`: the content is written to a temporary file in the target's
folder and moved into place only when complete, so a failure or Ctrl-C leaves
the old file (or nothing) behind.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Iterable, Iterator

from kpixl.errors import OutputError


def check_output(path: Path | str, *, force: bool = False, inputs: Iterable[Path | str] = ()) -> Path:
    """Return ``path`` as a Path after refusing an existing file (without force) or an input path."""
    target = Path(path)
    resolved = target.resolve()
    for source in inputs:
        if Path(source).resolve() == resolved:
            raise OutputError(f"{target}: the output is also an input; choose another output path")
    if target.exists() and target.is_dir():
        raise OutputError(f"{target}: is a folder; give a file name for the output")
    if target.exists() and not force:
        raise OutputError(f"{target}: already exists; use --force to overwrite it")
    if not target.parent.exists():
        raise OutputError(f"{target}: the folder {target.parent} does not exist; create it first")
    return target


def folder_targets(folder: Path | str, names: Iterable[tuple[str, str]], option: str, *, force: bool = False,
                   inputs: Iterable[Path | str] = ()) -> list[tuple[str, Path]]:
    """Return (table, path) of each file ``names`` gives in the output ``folder`` of ``option``.

    Refuses, before any work, a folder that is a file, a missing parent folder and (without
    ``force``) files that exist; a missing folder is fine (it is created later).
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{folder}: is a file; give a folder for {option}")
    targets = [(table, folder / name) for table, name in names]
    inputs = list(inputs)
    if folder.exists():
        for _, path in targets:
            check_output(path, force=force, inputs=inputs)
    elif not folder.parent.exists() and str(folder.parent) not in ("", "."):
        raise OutputError(f"{folder}: the folder {folder.parent} does not exist; create it first")
    return targets


@contextlib.contextmanager
def atomic_output(path: Path | str, *, force: bool = False, inputs: Iterable[Path | str] = (),
                  suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; move it into place only if the block succeeds."""
    target = check_output(path, force=force, inputs=inputs)
    handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix or target.suffix or ".tmp",
                                         dir=target.parent)
    os.close(handle)
    temp = Path(temp_name)
    # mkstemp makes the file private (0600); give the output the usual umask-based mode.
    umask = os.umask(0)
    os.umask(umask)
    with contextlib.suppress(OSError):
        temp.chmod(0o666 & ~umask)
    try:
        yield temp
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
