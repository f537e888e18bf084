"""What ``kpixl split`` prints (the headline and the table of written workbooks), in English and Danish.

``management`` is the management workbook's department when the plan names none.
The split's findings are not here: their codes are in :mod:`kpixl.codes`.
"""

TEXTS = {
    "en": {
        "headline": "Split {plan} into {workbooks} in {dir} ({kpis}, language {language}, formulas {formulas}):",
        "workbooks.one": "{n} workbook(s)",
        "workbooks.many": "{n} workbook(s)",
        "kpis.one": "{n} KPI(s)",
        "kpis.many": "{n} KPI(s)",
        "table.file": "File",
        "table.department": "Department",
        "table.kpis": "KPIs",
        "table.high": "High-level",
        "table.low": "Low-level",
        "table.owners": "Owners",
        "table.management": "{department} (management)",
        "management": "Management",
    },
    "da": {
        "headline": "Delte {plan} op i {workbooks} i {dir} ({kpis}, sprog {language}, formler {formulas}):",
        "workbooks.one": "{n} projektmappe",
        "workbooks.many": "{n} projektmapper",
        "kpis.one": "{n} KPI",
        "kpis.many": "{n} KPI'er",
        "table.file": "Fil",
        "table.department": "Afdeling",
        "table.kpis": "KPI'er",
        "table.high": "Højt niveau",
        "table.low": "Lavt niveau",
        "table.owners": "Ejere",
        "table.management": "{department} (ledelse)",
        "management": "Ledelse",
    },
}
