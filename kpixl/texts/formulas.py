"""The native formulas' words: the short ``#VALUE!`` texts a formula shows for an invalid
definition (each starts with ``#VALUE!`` like the UDFs' messages), and the month names of
the Dashboard's status strip (``months``: twelve short names, space-separated).
"""

TEXTS = {
    "en": {
        "error.direction": "#VALUE! unknown direction; use increase, decrease or maintain",
        "error.aggregation": "#VALUE! unknown aggregation; use sum, average, last, min or max",
        "error.target": "#VALUE! the target is blank or not a number",
        "error.baseline": "#VALUE! the baseline is not a number",
        "error.tolerance_nan": "#VALUE! the tolerance is not a number",
        "error.increase_zero": "#VALUE! an increase KPI with no baseline needs a target above 0",
        "error.increase": "#VALUE! an increase KPI needs its target above its baseline",
        "error.decrease_blank": "#VALUE! a decrease KPI needs a baseline",
        "error.decrease": "#VALUE! a decrease KPI needs its target below its baseline",
        "error.maintain_zero": "#VALUE! a maintain KPI with target 0 needs a tolerance",
        "error.tolerance": "#VALUE! the tolerance must be above 0",
        "error.dates_nan": "#VALUE! the start date or deadline is not a date",
        "error.dates": "#VALUE! the deadline must be after the start date",
        "error.thresholds_nan": "#VALUE! green or amber is not a number",
        "error.thresholds": "#VALUE! green must be at least amber",
        "error.phasing_unknown": "#VALUE! the phasing profile is not in the Phasing table",
        "error.phasing_weights": "#VALUE! the phasing profile needs 12 weights of 0 or more",
        "error.phasing_zero": "#VALUE! the phasing profile weighs 0 in every month of the period",
        "months": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec",
    },
    "da": {
        "error.direction": "#VALUE! ukendt retning; brug øge, mindske eller fastholde",
        "error.aggregation": "#VALUE! ukendt aggregering; brug sum, gennemsnit, seneste, min eller maks",
        "error.target": "#VALUE! målet er tomt eller ikke et tal",
        "error.baseline": "#VALUE! udgangspunktet er ikke et tal",
        "error.tolerance_nan": "#VALUE! tolerancen er ikke et tal",
        "error.increase_zero": "#VALUE! en øge-KPI uden udgangspunkt skal have et mål over 0",
        "error.increase": "#VALUE! en øge-KPI skal have målet over udgangspunktet",
        "error.decrease_blank": "#VALUE! en mindske-KPI skal have et udgangspunkt",
        "error.decrease": "#VALUE! en mindske-KPI skal have målet under udgangspunktet",
        "error.maintain_zero": "#VALUE! en fastholde-KPI med mål 0 skal have en tolerance",
        "error.tolerance": "#VALUE! tolerancen skal være over 0",
        "error.dates_nan": "#VALUE! startdato eller frist er ikke en dato",
        "error.dates": "#VALUE! fristen skal ligge efter startdatoen",
        "error.thresholds_nan": "#VALUE! grøn eller gul er ikke et tal",
        "error.thresholds": "#VALUE! grøn skal være mindst gul",
        "error.phasing_unknown": "#VALUE! periodiseringsprofilen findes ikke i tabellen Periodisering",
        "error.phasing_weights": "#VALUE! periodiseringsprofilen skal have 12 vægte på 0 eller mere",
        "error.phasing_zero": "#VALUE! periodiseringsprofilen vejer 0 i alle periodens måneder",
        "months": "jan feb mar apr maj jun jul aug sep okt nov dec",
    },
}
