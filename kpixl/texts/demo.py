"""The demo's console lines (``kpixl demo``), in English and Danish.

Numbers are filled in already formatted (:mod:`kpixl.i18n`); dates stay ISO 8601, as
the command line takes them. The English validation line reads like the validator's
own summary (:meth:`kpixl.model.Report.summary`); the rollover lines are rollover's own
(:mod:`kpixl.texts.rollover`).
"""

TEXTS = {
    "en": {
        "title": "Demo of the KPI cycle for {name} (fiscal year {year}, as of {as_of}, English, {mode}) in {dir}",
        "mode.native": "native formulas",
        "mode.xlwings": "xlwings formulas",
        "split": "Design: the company plan {plan}, split into {dir} (kpixl split):",
        "design": "Execution: a year of measurements in each workbook; the departments' Parent KPI ID dropdowns "
                  "offer the company KPIs of {company} (kpixl template --company)",
        "validation": "Validation against the company KPIs: {files}, {kpis}, {measurements}: {errors}, {warnings}",
        "validation.files.one": "{n} file(s)",
        "validation.files.many": "{n} file(s)",
        "validation.kpis.one": "{n} KPI(s)",
        "validation.kpis.many": "{n} KPI(s)",
        "validation.measurements.one": "{n} measurement(s)",
        "validation.measurements.many": "{n} measurement(s)",
        "validation.errors.one": "{n} error(s)",
        "validation.errors.many": "{n} error(s)",
        "validation.warnings.one": "{n} warning(s)",
        "validation.warnings.many": "{n} warning(s)",
        "late": "  ({dept} submitted late: no measurements after {late}; the warnings are listed by "
                "kpixl validate --company {company} {dir} --as-of {as_of})",
        "evaluation": "Evaluation: company workbook {path}",
        "csv": "  CSV tables in {dir} ({files})",
        "csv.files.one": "{n} file",
        "csv.files.many": "{n} files",
        "redesign": "Re-design: next period's management workbook {path}",
        "company": "Company KPIs as of {as_of}:",
        "done": "Done in {seconds} s",
    },
    "da": {
        "title": "Demo af KPI-cyklussen for {name} (regnskabsår {year}, opgjort {as_of}, dansk, {mode}) i {dir}",
        "mode.native": "almindelige Excel-formler",
        "mode.xlwings": "xlwings-formler",
        "split": "Design: virksomhedens plan {plan}, delt op i {dir} (kpixl split):",
        "design": "Udførelse: et års målinger i hver projektmappe; afdelingernes rullelister i Overordnet KPI-ID "
                  "tilbyder virksomhedens KPI'er fra {company} (kpixl template --company)",
        "validation": "Validering mod virksomhedens KPI'er: {files}, {kpis}, {measurements}: {errors}, {warnings}",
        "validation.files.one": "{n} fil",
        "validation.files.many": "{n} filer",
        "validation.kpis.one": "{n} KPI",
        "validation.kpis.many": "{n} KPI'er",
        "validation.measurements.one": "{n} måling",
        "validation.measurements.many": "{n} målinger",
        "validation.errors.one": "{n} fejl",
        "validation.errors.many": "{n} fejl",
        "validation.warnings.one": "{n} advarsel",
        "validation.warnings.many": "{n} advarsler",
        "late": "  ({dept} afleverede for sent: ingen målinger efter {late}; advarslerne vises af "
                "kpixl validate --company {company} {dir} --as-of {as_of})",
        "evaluation": "Evaluering: virksomhedens projektmappe {path}",
        "csv": "  CSV-tabeller i {dir} ({files})",
        "csv.files.one": "{n} fil",
        "csv.files.many": "{n} filer",
        "redesign": "Re-design: ledelsens projektmappe for næste periode {path}",
        "company": "Virksomhedens KPI'er pr. {as_of}:",
        "done": "Færdig på {seconds} s",
    },
}
