"""Hold the worked examples of kpi-semantics.md, shared by the core and UDF tests."""

# (a, t, b, direction, aggregation, f, attainment, status); no dates, level unless sum
WORKED = [
    (95, 100, None, "increase", "last", 1.0, 0.95, "On track"),
    (1050, 1100, 1000, "increase", "last", 1.0, 0.5, "Off track"),
    (120, 100, 200, "decrease", "last", 1.0, 0.8, "Off track"),
    (103, 100, None, "maintain", "last", 1.0, 0.7, "Off track"),
    (550, 1100, 1000, "increase", "sum", 0.5, 1.0, "On track"),
    (450, 800, 1000, "decrease", "sum", 0.5, 0.5, "Off track"),
]
