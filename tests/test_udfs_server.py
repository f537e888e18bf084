"""Test kpixl.udfs loaded as xlwings Lite / Server load it: Office.js metadata and custom function calls.

The module runs in a subprocess with XLWINGS_ON_SERVER=true, so ``xw.func`` is
xlwings.server's. XLWINGS_LICENSE_KEY=noncommercial is set for this test only:
xlwings' server code asks for it; kpixl itself needs no licence key.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

SCRIPT = r"""
import asyncio, json, sys
import xlwings as xw
from xlwings.server import custom_functions_call, custom_functions_meta
import kpixl.udfs as module

def call(name, *args):
    data = {"func_name": name, "args": list(args), "caller_address": "Sheet1!B2", "version": xw.__version__,
            "client": "Office.js", "runtime": "1.4", "culture_info_name": "en-US", "date_format": "yyyy-mm-dd"}
    return asyncio.run(custom_functions_call(data, module))

calls = json.loads(sys.stdin.read())
print(json.dumps({"meta": custom_functions_meta(module), "results": [call(name, *args) for name, args in calls]}))
"""

EXPECTED_ARGS = {
    "KPI_ELAPSED": ["start", "deadline", "as_of"],
    "KPI_ACTUAL": ["kpi_id", "ids", "period_ends", "values", "aggregation", "as_of", "start"],
    "KPI_PLAN": ["target", "baseline", "direction", "elapsed", "aggregation", "tolerance"],
    "KPI_ATTAINMENT": ["actual", "target", "baseline", "direction", "elapsed", "aggregation", "tolerance"],
    "KPI_STATUS": ["actual", "target", "baseline", "direction", "elapsed", "aggregation", "tolerance", "green",
                   "amber", "language"],
    "KPI_TREND": ["values", "direction", "target", "language"],
    "KPI_FORECAST": ["values", "period_ends", "deadline", "aggregation", "start", "weights"],
    "KPI_PHASE": ["start", "deadline", "as_of", "weights"],
    "KPI_NEEDED": ["actual", "target", "phase_now", "phase_until"],
    "KPI_ROLLUP": ["attainments", "weights"],
}
REQUIRED = {"KPI_ELAPSED": 2, "KPI_ACTUAL": 4, "KPI_PLAN": 1, "KPI_ATTAINMENT": 2, "KPI_STATUS": 2, "KPI_TREND": 1,
            "KPI_FORECAST": 3, "KPI_ROLLUP": 1, "KPI_PHASE": 2, "KPI_NEEDED": 4}

# (function, args as the add-in sends them: every argument a 2-D list; an empty cell is [[None]])
CALLS = [
    ("KPI_ATTAINMENT", [[[95], [1050], [120], [103], [550], [450]], [[100], [1100], [100], [100], [1100], [800]],
                        [[None], [1000], [200], [None], [1000], [1000]],
                        [["increase"], ["increase"], ["decrease"], ["maintain"], ["increase"], ["decrease"]],
                        [[1], [1], [1], [1], [0.5], [0.5]], [["last"], ["last"], ["last"], ["last"], ["sum"], ["sum"]]]),
    ("KPI_STATUS", [[[95], [1050], [120], [103], [550], [450]], [[100], [1100], [100], [100], [1100], [800]],
                    [[None], [1000], [200], [None], [1000], [1000]],
                    [["increase"], ["increase"], ["decrease"], ["maintain"], ["increase"], ["decrease"]],
                    [[1], [1], [1], [1], [0.5], [0.5]], [["last"], ["last"], ["last"], ["last"], ["sum"], ["sum"]]]),
    ("KPI_STATUS", [[[95]], [[100]]]),
    ("KPI_STATUS", [[[95, 120, None]], [[100]], [[200]], [["decrease"]], [[None]], [[None]], [[None]], [[None]],
                    [[None]], [["da"]]]),
    ("KPI_ATTAINMENT", [[[95], [None]], [[100], [100]], [[None]], [["decrease"]]]),
    ("KPI_ELAPSED", [[[46023]], [[46033]], [[46028]]]),
    ("KPI_ACTUAL", [[["K1"], ["K2"], ["K3"]], [["K1"], ["K1"], ["K2"]], [[46023], [46053], [46023]], [[10], [20], [5]],
                    [["sum"]]]),
    ("KPI_ROLLUP", [[[0.5], [1.5], [None]]]),
    ("KPI_TREND", [[[100], [103], [106]], [["decrease"]], [[None]], [["da"]]]),
    ("KPI_ATTAINMENT", [[[95], [95], [None], ["x"]], [[100], [90], [None], [100]], [[None], [100], [None], [None]]]),
    ("KPI_PHASE", [[[46023]], [[46387]], [[46112]], [[1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 4]]]),
    ("KPI_NEEDED", [[[400], [None]], [[1000]], [[0.4]], [[0.5]]]),
]


@pytest.fixture(scope="module")
def served():
    env = dict(os.environ, XLWINGS_ON_SERVER="true", XLWINGS_LICENSE_KEY="noncommercial")
    done = subprocess.run([sys.executable, "-c", SCRIPT], input=json.dumps(CALLS), capture_output=True, text=True,
                          env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_metadata_lists_all_ten_functions_with_argument_docs(served):
    functions = {f["name"]: f for f in served["meta"]["functions"]}
    assert set(functions) == set(EXPECTED_ARGS)
    for name, args in EXPECTED_ARGS.items():
        meta = functions[name]
        assert meta["description"].startswith("Return "), name
        params = meta["parameters"]
        assert [p["name"] for p in params] == args, name
        assert [p.get("optional", False) for p in params] == [i >= REQUIRED[name] for i in range(len(args))], name
        for p in params:
            assert p["description"] and not p["description"].startswith("Positional argument"), (name, p)
            assert p["dimensionality"] == "matrix"
    assert functions["KPI_STATUS"]["description"] == "Return the status: On track, At risk, Off track, Not started or No data."
    assert functions["KPI_STATUS"]["parameters"][9]["description"] == "Optional. en or da (Danish status words); default en."


def test_worked_examples_as_ranges(served):
    attainments, statuses = served["results"][0], served["results"][1]
    assert [row[0] for row in attainments] == pytest.approx([0.95, 0.5, 0.8, 0.7, 1.0, 0.5], abs=1e-12)
    assert statuses == [["On track"], ["Off track"], ["Off track"], ["Off track"], ["On track"], ["Off track"]]


def test_single_cell_and_spilled_row(served):
    assert served["results"][2] == [["On track"]]
    # a row of actuals against one definition spills a row of Danish statuses
    assert served["results"][3] == [["På sporet", "Bagud", "Ingen data"]]


def test_value_error_in_every_element_of_an_invalid_definition(served):
    assert served["results"][4] == [["#VALUE! a decrease KPI needs a baseline to decrease from (target 100)"],
                                    ["#VALUE! a decrease KPI needs a baseline to decrease from (target 100)"]]


def test_other_functions(served):
    assert served["results"][5] == [[0.5]]
    assert served["results"][6] == [[30.0], [5.0], [""]]  # K3 has no measurement: an empty cell
    assert served["results"][7] == [[0.75]]
    assert served["results"][8] == [["Forværres"]]


def test_one_bad_element_among_good_ones(served):
    assert served["results"][9] == [
        [0.95],
        ["#VALUE! an increase KPI needs its target above its baseline (target 90, baseline 100)"],
        [""],
        ["#VALUE! actual 'x' is text, not a number; type the number"],
    ]


def test_phase_and_needed(served):
    # 2026-01-01 .. 2026-12-31, as of 2026-03-31: January to March weigh 1 + 1 + 2 of 24
    assert served["results"][10] == [[pytest.approx(4 / 24, abs=1e-15)]]
    assert served["results"][11] == [[pytest.approx(100)], [pytest.approx(1000 / 6)]]
