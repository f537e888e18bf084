"""Own the choice of route for each table sheet: the lean copy (computed cells dropped) or the sheet whole.

The pre-check (:mod:`kpixl.reader.prechecks`) unpacks every table sheet anyway (its input
cells are scanned for KPX208/KPX209). Then either

* **lean**: :func:`kpixl.reader.lean.strip_cells` copies it without its computed and
  helper cells, the input-cell scan runs on that copy and fastexcel parses the package
  repacked around it; or
* **whole**: the scan and fastexcel take the sheet as it was saved.

:func:`lean_route` decides from what the pre-check sees before paying for either: the
sheet's unpacked size and how many cells the lean copy would drop (the tables' data rows
times their computed and helper columns). Whether the computed cells carry cached values
(kpixl template and LibreOffice write them, openpyxl does not) changes neither the
decision nor the ranking (the whole route never cost less than the lean one, on any kind): the lean copy's saving is the formula text, which both kinds
carry.

Figures behind the rule (in-process CPU per workbook, 15 workbooks of 25 KPIs x 52 weekly
measurements each kind, ``python scripts/bench_validate.py`` corpus, 2-core machine under
load, both routes in one run). The Measurements sheet, 12.9 MB unpacked:

| kind | unpack | strip | scan lean / whole | fastexcel (3 sheets) lean / whole | lean route | whole route |
| --- | ---: | ---: | ---: | ---: | ---: | ---: |
| template-made (cached values) | 2.5 ms | 13.4 ms | 0.6 / 10.7 ms | 3.8 / 17.7 ms | 20.6 ms | 30.9 ms |
| re-saved by openpyxl (no cached values) | 2.6 ms | 13.2 ms | 0.6 / 15.3 ms | 4.8 / 17.2 ms | 21.5 ms | 35.1 ms |
| re-saved by LibreOffice (11.9 MB) | 3.0 ms | 17.3 ms | 0.7 / 13.0 ms | 5.2 / 34.5 ms | 26.6 ms | 50.5 ms |

Repeated under heavier load (CPU per workbook, lean / whole, 20 files in-process, and 100 files
in ``bench_validate.py``'s "route as chosen" and "every table sheet whole" rows): template
28.7 / 31.7 ms and 1.96x / 1.90x fastexcel (even), openpyxl 24.3 / 34.8 ms and 2.09x / 2.18x,
LibreOffice 0.78x / 1.61x. The margin on template-made files moves with the load; the
lean copy was never the worse route by more than the noise, and is far the better one on
LibreOffice-saved files (fastexcel parses their original Measurements sheet in 34 ms).

The KPIs sheet (830 KB) strips in 0.8 ms and scans lean in 0.1 ms against 1.1 ms whole:
lean wins there too. The Evaluation sheet (118 KB) costs 0.5 ms lean against 0.3 ms of
scanning plus about 0.15 ms of parsing whole: even. Below 64 KB the strip's fixed cost
(numpy set-up, a repacked part) is more than the parse it saves, and a table with fewer
than 100 computed cells saves nothing worth a copy (a sheet's bytes are then elsewhere),
so such sheets go whole. The count is of cells, not bytes, because a computed cell's
formula is long: the KPIs sheet's 50 pre-sized rows x 14 computed columns (700 cells)
are 95% of its 830 KB.
"""

from __future__ import annotations

from kpixl.reader.lean import Drop

LEAN_FROM_BYTES = 192 * 1024  # a smaller sheet is parsed whole
LEAN_FROM_CELLS = 100  # fewer computed cells than this to drop: parsed whole


def lean_route(size: int, drops: list[Drop]) -> bool:
    """Return whether a table sheet of ``size`` unpacked bytes takes the lean route, dropping ``drops``' cells.

    See the module's docstring for the measurements behind the two thresholds.
    """
    if not drops or size < LEAN_FROM_BYTES:
        return False
    dropped = sum((last - first + 1) * len(columns) for first, last, columns in drops)
    return dropped >= LEAN_FROM_CELLS
