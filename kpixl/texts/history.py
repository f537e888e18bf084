"""The month-by-month history's words (:mod:`kpixl.consolidate.history`), in English and Danish.

The History sheet, the Summary's status changes and the company KPIs table the CLI
prints after ``consolidate`` and ``demo``. The status words are the core's
(:func:`kpixl.core.word`); department, KPI ID and KPI name are the schema's headers.
"""

TEXTS = {
    "en": {
        "title": "KPI attainment month by month",
        "as_of": "As of",
        "legend": "Colours",
        "rollup": "roll-up",
        "rollup_now": "Roll-up now",
        "changes": "Status changes since {since}",
        "none": "No KPI changed status since {since}.",
        "changed": "Changed",
        "worse": "Worse",
        "better": "Better",
        "status_on": "Status {day}",
        "attainment_on": "Attainment {day}",
        "company": "Company",
        "id": "ID",
        "kpi": "KPI",
        "attainment": "Attainment",
        "status": "Status",
        "rollup_head": "Roll-up",
        "change": "Change since {since}",
        "pp": "pp",
        "was": "was",
        "not_comparable": "{name} (incomplete: not comparable)",
        "incomplete_note": "* incomplete: child KPIs may be missing ({files} left out with --skip-invalid), so the "
                           "change is not comparable",
    },
    "da": {
        "title": "KPI-målopfyldelse måned for måned",
        "as_of": "Opgjort pr.",
        "legend": "Farver",
        "rollup": "oprulning",
        "rollup_now": "Oprulning nu",
        "changes": "Statusændringer siden {since}",
        "none": "Ingen KPI har skiftet status siden {since}.",
        "changed": "Ændret",
        "worse": "Dårligere",
        "better": "Bedre",
        "status_on": "Status {day}",
        "attainment_on": "Målopfyldelse {day}",
        "company": "Virksomheden",
        "id": "ID",
        "kpi": "KPI",
        "attainment": "Målopfyldelse",
        "status": "Status",
        "rollup_head": "Oprulning",
        "change": "Ændring siden {since}",
        "pp": "%-point",
        "was": "var",
        "not_comparable": "{name} (ufuldstændig: kan ikke sammenlignes)",
        "incomplete_note": "* ufuldstændig: underordnede KPI'er kan mangle ({files} udeladt med --skip-invalid), så "
                           "ændringen kan ikke sammenlignes",
    },
}
