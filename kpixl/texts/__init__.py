"""Own the one text catalogue: every word kpixl writes into a workbook or prints, in English and Danish.

One module per area (``kpixl/texts/<area>.py``: the template, the company workbook, the
demo, the formulas' messages, ...). Each defines ``TEXTS = {"en": {...}, "da": {...}}``
with the same keys and the same ``{placeholders}`` in both languages;
``tests/test_texts.py`` checks every area, so a text cannot exist in one language only.
Code asks for a language's texts of an area with :func:`of`; adding an area is adding a
module here.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from typing import Mapping

from kpixl.vocab import Language


def areas() -> list[str]:
    """Return the names of the catalogue's areas (its modules), sorted."""
    return sorted(info.name for info in pkgutil.iter_modules(__path__) if not info.name.startswith("_"))


@functools.cache
def catalogue(area: str) -> Mapping[str, Mapping[str, str]]:
    """Return an area's whole table, ``{"en": {...}, "da": {...}}``."""
    return importlib.import_module(f"{__name__}.{area}").TEXTS


def of(area: str, language: object) -> Mapping[str, str]:
    """Return the texts of ``area`` in ``language`` (anything :meth:`Language.parse` accepts)."""
    return catalogue(area)[Language.parse(language).value]


def text(area: str, key: str, language: object, **values: object) -> str:
    """Return one text, with ``{placeholders}`` filled from ``values`` when given."""
    template = of(area, language)[key]
    return template.format(**values) if values else template


__all__ = ["areas", "catalogue", "of", "text"]
