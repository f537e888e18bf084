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

from kpixl import texts
from kpixl.errors import OutputError


def _refuse(key: str, language: object, **values: object) -> OutputError:
    """Return the OutputError of the console catalogue's ``output.<key>`` in ``language`` (the run's)."""
    return OutputError(texts.text("console", f"output.{key}", language or "en", **values),
                       language=str(language or "en"))


def check_output(path: Path | str, *, force: bool = False, inputs: Iterable[Path | str] = (),
                 language: object = None) -> Path:
    """Return ``path`` as a Path after refusing an existing file (without force) or an input path.

    The refusal is in ``language`` (the run's; default English).
    """
    target = Path(path)
    resolved = target.resolve()
    for source in inputs:
        if Path(source).resolve() == resolved:
            raise _refuse("is_input", language, path=target)
    if target.exists() and target.is_dir():
        raise _refuse("is_folder", language, path=target)
    if target.exists() and not force:
        raise _refuse("exists", language, path=target)
    if not target.parent.exists():
        raise _refuse("no_folder", language, path=target, folder=target.parent)
    return target


def folder_targets(folder: Path | str, names: Iterable[tuple[str, str]], option: str, *, force: bool = False,
                   inputs: Iterable[Path | str] = (), language: object = None) -> list[tuple[str, Path]]:
    """Return (table, path) of each file ``names`` gives in the output ``folder`` of ``option``.

    Refuses, before any work, a folder that is a file, a missing parent folder and (without
    ``force``) files that exist; a missing folder is fine (it is created later).
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise _refuse("is_file", language, path=folder, option=option)
    targets = [(table, folder / name) for table, name in names]
    inputs = list(inputs)
    if folder.exists():
        for _, path in targets:
            check_output(path, force=force, inputs=inputs, language=language)
    elif not folder.parent.exists() and str(folder.parent) not in ("", "."):
        raise _refuse("no_folder", language, path=folder, folder=folder.parent)
    return targets


@contextlib.contextmanager
def atomic_output(path: Path | str, *, force: bool = False, inputs: Iterable[Path | str] = (),
                  suffix: str | None = None, language: object = None) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; move it into place only if the block succeeds."""
    target = check_output(path, force=force, inputs=inputs, language=language)
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
