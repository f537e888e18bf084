"""What ``kpixl rollover`` prints (its summary lines) and the notes it writes, in English and Danish.

Rollover's findings are not here: their codes are in :mod:`kpixl.codes`, their templates
(and what a refused run says) in :mod:`kpixl.texts.findings`. ``parent.retire`` / ``parent.adjust`` are the notes a
department KPI gets in its next Evaluation sheet when its company parent changed.
"""

TEXTS = {
    "en": {
        "headline": "Rolled over {source} into {output}",
        "decisions": "{kpis}: {kept} kept, {adjusted} adjusted, {retired} retired, {undecided} without a "
                     "decision (kept)",
        "kpis.one": "{n} KPI(s)",
        "kpis.many": "{n} KPI(s)",
        "period": "New period: {start} to {deadline}",
        "periods": "New periods: {count} different periods (see the KPIs sheet)",
        "warning": "{place}: warning {code}: {message}",
        "cascade": "Rolled over {workbooks}; {flagged} flagged in their Evaluation notes because their company KPI "
                   "was retired or re-targeted",
        "workbooks.one": "{n} workbook(s)",
        "workbooks.many": "{n} workbook(s)",
        "flagged.one": "{n} department KPI(s)",
        "flagged.many": "{n} department KPI(s)",
        "parent.retire": "Parent KPI {parent} ({name}) was retired in the company's rollover ({file}); give this KPI "
                         "another Parent KPI ID, or retire it.",
        "parent.adjust": "Parent KPI {parent} ({name}) has a new target, {old} -> {new} (company rollover, {file}); "
                         "check that this KPI's target still supports it.",
    },
    "da": {
        "headline": "Rullede {source} over til {output}",
        "decisions": "{kpis}: {kept} beholdt, {adjusted} justeret, {retired} udfaset, {undecided} uden "
                     "beslutning (beholdt)",
        "kpis.one": "{n} KPI",
        "kpis.many": "{n} KPI'er",
        "period": "Ny periode: {start} til {deadline}",
        "periods": "Nye perioder: {count} forskellige perioder (se arket Nøgletal)",
        "warning": "Advarsel: {place}: {code}: {message}",
        "cascade": "Rullede {workbooks} over; {flagged} markeret i deres evalueringsnoter, fordi deres "
                   "virksomheds-KPI blev udfaset eller fik nyt mål",
        "workbooks.one": "{n} projektmappe",
        "workbooks.many": "{n} projektmapper",
        "flagged.one": "{n} afdelings-KPI",
        "flagged.many": "{n} afdelings-KPI'er",
        "parent.retire": "Den overordnede KPI {parent} ({name}) blev udfaset ved virksomhedens rollover ({file}); giv "
                         "denne KPI et andet overordnet KPI-ID, eller udfas den.",
        "parent.adjust": "Den overordnede KPI {parent} ({name}) har fået nyt mål, {old} -> {new} (virksomhedens "
                         "rollover, {file}); tjek at denne KPI's mål stadig understøtter det.",
    },
}
