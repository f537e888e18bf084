"""Build kpixl's one compiled part, the reader's tag scan (``kpixl/reader/_tagscan.c``), where it can be built.

Everything else is in pyproject.toml. The extension is optional: without a C compiler
(or with ``KPIXL_NO_EXTENSIONS=1``, for the pure wheel xlwings Lite's Pyodide installs)
the package is built without it and :mod:`kpixl.reader.lean` scans with numpy: the same
results, about 3 ms a department workbook slower (README, "Performance").
"""

import os

from setuptools import Extension, setup

PURE = os.environ.get("KPIXL_NO_EXTENSIONS", "") not in ("", "0")

setup(ext_modules=[] if PURE else [
    Extension("kpixl.reader._tagscan", ["kpixl/reader/_tagscan.c"], optional=True),
])
