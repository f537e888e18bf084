"""Make a command's module callable as its API function: ``kpixl.validate(...)``, ``kpixl.consolidate(...)``.

``kpixl.validate`` and ``kpixl.consolidate`` are modules (the commands' code) and, by the
API's fixed names, functions too. Python binds a package's submodule to the package's
attribute of the same name once it is imported, so the module itself is made callable:
calling it calls :func:`kpixl.api.validate` / :func:`kpixl.api.consolidate`.
"""

from __future__ import annotations

import sys
import types
from typing import Any


class ApiModule(types.ModuleType):
    """A module that, called, calls the API function of its last name (kpixl.api)."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from kpixl import api

        return getattr(api, self.__name__.rsplit(".", 1)[-1])(*args, **kwargs)


def make_callable(name: str) -> None:
    """Make the module ``name`` (already in sys.modules) an :class:`ApiModule`."""
    sys.modules[name].__class__ = ApiModule
