"""Own the choice of route for each table sheet: the lean copy (computed cells dropped) or the sheet whole.

The pre-check (:mod:`kpixl.reader.prechecks`) unpacks every table sheet anyway (its input
cells are scanned for KPX208/KPX209). Then either

* **lean**: :func:`kpixl.reader.lean.strip_cells` copies it without its computed and
  helper cells, the input-cell scan runs on that copy and fastexcel parses the package
  repacked around it; or
* **whole**: the scan and fastexcel take the sheet as it was saved.

:func:`lean_route` decides from what the pre-check sees before paying for either: the
sheet's unpacked size and how many cells the lean copy would drop (the tables' data rows
times their computed and helper columns). The lean copy also leaves out the empty cells of
the tables' data rows (:func:`kpixl.reader.lean.strip_cells`).

Figures behind the rule (in-process CPU per workbook, 15 workbooks of 25 KPIs x 52 weekly
measurements of each kind, the ``scripts/bench_validate.py`` corpus, both routes in one run;
2026-12-07, 2-core machine at a load average of 15, so every figure is inflated alike). Lean:
strip + input-cell scan of the lean copy + fastexcel parsing it; whole: the scan and the parse
of the sheet as saved (both unpack it first: 1.4-1.5 ms for the Measurements sheet):

| kind | sheet (unpacked) | strip | scan lean / whole | parse lean / whole | lean route | whole route |
| --- | --- | ---: | ---: | ---: | ---: | ---: |
| template-made (cached values) | Measurements (9.4 MB) | 9.4 ms | 0.4 / 7.6 ms | 1.8 / 15.2 ms | **11.6 ms** | 22.7 ms |
| | KPIs (0.9 MB) | 1.1 ms | 0.1 / 0.7 ms | 0.3 / 1.1 ms | **1.5 ms** | 1.7 ms |
| | Commentary (0.27 MB) | 0.8 ms | 0.1 / 0.4 ms | 0.1 / 0.8 ms | **1.0 ms** | 1.2 ms |
| | Evaluation (0.10 MB) | 0.7 ms | 0.1 / 0.3 ms | 0.1 / 0.2 ms | 0.9 ms | **0.5 ms** |
| re-saved by openpyxl (no cached values) | Measurements (9.4 MB) | 8.9 ms | 0.5 / 13.0 ms | 2.2 / 14.4 ms | **11.5 ms** | 27.4 ms |
| | KPIs (0.9 MB) | 1.1 ms | 0.1 / 0.7 ms | 0.4 / 1.0 ms | **1.6 ms** | 1.8 ms |
| | Commentary (0.28 MB) | 0.8 ms | 0.1 / 0.5 ms | 0.1 / 0.7 ms | **1.0 ms** | 1.2 ms |
| | Evaluation (0.10 MB) | 0.7 ms | 0.1 / 0.2 ms | 0.1 / 0.2 ms | 0.8 ms | **0.5 ms** |
| re-saved by LibreOffice | Measurements (9.2 MB) | 8.3 ms | 0.5 / 7.6 ms | 2.0 / 23.2 ms | **10.8 ms** | 30.8 ms |
| | KPIs (1.1 MB) | 1.2 ms | 0.2 / 0.7 ms | 0.3 / 1.9 ms | **1.7 ms** | 2.7 ms |
| | Commentary (0.43 MB) | 1.0 ms | 0.1 / 0.5 ms | 0.1 / 1.7 ms | **1.2 ms** | 2.2 ms |
| | Evaluation (0.15 MB) | 0.7 ms | 0.1 / 0.3 ms | 0.1 / 0.5 ms | 0.9 ms | **0.8 ms** |

Whether the computed cells carry cached values (kpixl template and LibreOffice write them,
openpyxl does not) changes neither the decision nor the ranking: the lean copy's saving is
the formula text, which every kind carries, and the input-cell scan of the whole sheet. The
strip has a fixed cost of about 0.6 ms (numpy's set-up, the tag and cell arrays, a repacked
part), so below :data:`LEAN_FROM_BYTES` (192 KB) a sheet is parsed whole: the Evaluation
sheet, 100-150 KB, costs 0.5-0.8 ms whole against 0.8-0.9 ms lean (with 64 KB, the rule
until this measurement, it went lean). Above it the lean copy won on every sheet of every
kind, by half on the Measurements sheet. A table with fewer than
:data:`LEAN_FROM_CELLS` computed cells saves nothing worth a copy (a sheet's bytes are then
elsewhere), so such sheets go whole too. The count is of cells, not bytes, because a
computed cell's formula is long: the KPIs sheet's 50 pre-sized rows x 14 computed columns
(700 cells) are 95% of its 900 KB. Measured with ``python`` on the corpus, strip by strip
(``lean.strip_cells``, ``prechecks._scan_special``, fastexcel's ``load_sheet`` on the lean
package and on the file); ``scripts/bench_validate.py``'s "route as chosen" and "every table
sheet whole" rows give the same comparison over whole files.

Since then (third round, same day) the strip costs less: one pass over the tags, cells placed
by their rows, blank rows cut whole (:mod:`kpixl.reader.lean`): the Measurements sheet's
strip is 5.8-6.6 ms where the table says 8.3-9.4, and the lean copy's own scan is skipped when
it holds no formula and no error value. That only widens the lean route's lead on large
sheets; the thresholds stand. Over whole files, in-process CPU against fastexcel reading the
same sheets (``python scripts/bench_validate.py 100 --corpus DIR --repeat 2``): route as chosen
0.89x, 0.92x and 0.56x on template-made, openpyxl-saved and LibreOffice-saved files; every
table sheet whole 1.92x, 1.73x and 1.37x.

Fifth round: the tag scan compiled (``kpixl/reader/_tagscan.c``, which also places the cells
by their rows; ``python scripts/bench_strip.py --corpus DIR``, best of 15, one core). The
Measurements sheet's strip is 2.3-2.8 ms with it against 5.1-5.9 ms with numpy's scan; the
KPIs and Commentary sheets' 0.23-0.26 against 0.42-0.60 ms. On a sheet of the Evaluation
sheet's size that saves about 0.1 ms, less than the 0.3 ms by which the whole route led
there: the thresholds stand, for both builds.
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
