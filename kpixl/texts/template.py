"""Own the words of the department workbook (:mod:`kpixl.template`), in English and Danish.

Dashboard, Lists and validation texts (``title`` ... ``count_units``), the names of
the two formula modes (``mode_*``), the Guide sheet's headings and paragraphs
(``guide_*``; :mod:`kpixl.template.guide` owns their order and which are headings) and
the Guide section and dropdown texts of ``template --company`` (``company_*``).
Sheet names, table headers and column notes are the schema's (:mod:`kpixl.schema`),
the Dashboard's headers and month names the formulas' (:mod:`kpixl.formulas`).
"""

TEXTS = {
    "en": {
        "title": "KPI dashboard",
        "as_of": "As of",
        "period": "Period",
        "as_of_note": ("The date every number is computed as of. =TODAY() by default; type a date to look back or "
                       "to close a period at its deadline."),
        "chart_attainment": "Attainment per KPI",
        "chart_actual_plan": "Against plan (higher is better)",
        "series_plan": "Plan (100%)",
        "strip_title": "Status at each month-end",
        "strip_calc_count": "(calc) Count {month}",
        "strip_calc_elapsed": "(calc) Elapsed {month}",
        "strip_calc_actual": "(calc) Actual {month}",
        "strip_calc_plan": "(calc) Plan {month}",
        "strip_calc_attainment": "(calc) Attainment {month}",
        "lists_title": "Dropdown lists (used by the data validation of the other sheets)",
        "yes_no": "Yes/No",
        "decision": "Decision",
        "status": "Status",
        "trend": "Trend",
        "kpi_pick": "Pick a KPI ID from the KPIs sheet.",
        "phasing_pick": "Pick a profile from the Phasing sheet, or leave it blank for a straight line.",
        "allowance_left": "left",
        "phasing_help": ("Each row is a phasing profile: 12 month weights, January to December (0 or more; only "
                         "their ratios matter: shares, percentages or each month's own sub-target). Pick a "
                         "profile in the KPIs sheet's Phasing column and the KPI's plan follows it; a period may "
                         "start in any month (a July-June year uses July's weight first)."),
        "new_target_error": "Give a new target (a number) only with the decision Adjust target.",
        "date_error": "Type a date, e.g. 2026-06-30.",
        "number_error": "Type a number.",
        "list_error": "Pick a value from the list.",
        "used_rows": "Measurement rows in use",
        "self_check_title": "Self-check",
        "self_check_intro": ("Each row computes a known answer with one construct the workbook's formulas rely on. "
                             "Where the program you opened the workbook in gets one wrong, the message below names "
                             "it and every KPI cell shows #N/A instead of a number that could be wrong."),
        "self_check_construct": "Construct",
        "self_check_result": "Result",
        "self_check_answer": "Known answer",
        "self_check_ok": "OK (1)",
        "self_check_data": "Self-check data",
        "percent_units": "Percent units",
        "count_units": "Count units",
        "mode_xlwings": "xlwings (kpixl UDFs)",
        "mode_native": "native Excel",
        "guide_title": "KPI workbook{department}",
        "guide_intro": ("This workbook holds the department's KPIs (key performance indicators): what we measure, "
                        "the target, who is responsible, and the measured values. The Dashboard shows for every KPI "
                        "where it is against plan, with traffic-light status, trend and forecast. Finance collects "
                        "this file with kpixl (validate, consolidate) and starts the next period from it (rollover)."),
        "guide_phases_title": "The four phases",
        "guide_phases": ("1. Design: define each KPI on the KPIs sheet (one row per KPI). 2. Execution: type the "
                         "measured values on the Measurements sheet as the period goes. 3. Evaluation: at the "
                         "deadline, decide per KPI on the Evaluation sheet: Keep, Adjust target (give the new "
                         "target) or Retire. 4. Re-design: kpixl rollover writes next period's workbook from those "
                         "decisions."),
        "guide_smart_title": "SMART KPIs",
        "guide_smart": ("Specific: say exactly what is measured and what should change. Measurable: name the "
                        "number, its unit and data source. Attainable: explain why the target is realistic "
                        "(baseline, history, resources). Relevant: say which goal it serves. Time-bound: give a "
                        "start date and a deadline. The columns Specific, Measurable, Attainable and Relevant hold "
                        "the texts; Start date and Deadline make it time-bound."),
        "guide_levels_title": "High- and low-level KPIs",
        "guide_levels": ("High-level KPIs are company goals (e.g. revenue growth). Low-level KPIs are department "
                         "KPIs that drive a high-level one: give them Level low and the parent's ID in Parent KPI "
                         "ID. Weight says how much a low-level KPI counts in its parent's roll-up (default 1)."),
        "guide_owner_title": "One owner per KPI",
        "guide_owner": ("Every KPI has exactly one responsible owner: a person, not a team. The owner keeps the "
                        "measurements up to date and proposes the evaluation decision."),
        "guide_where_title": "Where to type",
        "guide_where": ("Type only in the tinted (yellow) cells: they are unlocked. Grey cells are computed and "
                        "locked; the sheets are protected without a password (Review > Unprotect Sheet) so that "
                        "formulas are not overwritten by accident. Dropdowns offer the allowed words for Level, "
                        "Direction, Aggregation, Frequency, KPI ID and Decision; hover a header cell's column for a "
                        "hint."),
        "guide_numbers_title": "How the numbers work",
        "guide_numbers": ("Direction: increase (higher is better), decrease (lower is better) or maintain (close to "
                          "the target). Aggregation: sum for counts that add up over the period (sales, leads), "
                          "last for rates and scores, or average, min, max. Plan is where the KPI should be by the "
                          "As of date (a straight line from the baseline to the target between start and deadline, or the "
                          "path of a phasing profile, below). "
                          "Attainment = (actual - baseline part) / (plan - baseline part): 100% is exactly on plan. "
                          "Status: On track from the green threshold (default 95%), At risk from amber (85%), else "
                          "Off track; Not started before the start date; No data without measurements. Rates are "
                          "fractions: type 2.1% (0.021)."),
        "guide_phasing_title": "Daily, monthly and yearly goals: phasing a target",
        "guide_phasing": ("A business is rarely linear: if the fourth quarter brings 40% of the year's sales, a plan "
                          "that runs in a straight line calls you behind all autumn and far ahead at Christmas. On "
                          "the Phasing sheet each row is a profile: a name and 12 month weights, January to December. "
                          "Only their ratios matter, so type shares, percentages or each month's own budget. Pick the "
                          "profile in the KPIs sheet's Phasing column and the KPI's Plan, Attainment and Status follow "
                          "it: by the end of each month the plan holds exactly the months' share of the target so "
                          "far, and within a month it grows day by day. A period may start in any month (a July-June "
                          "year uses July's weight first) and be shorter or longer than a year; blank Phasing keeps "
                          "the straight line. The Dashboard shows the goals now: the target, the plan to date, this "
                          "month's goal and, for a KPI that adds up (sum), what is still needed this month and per "
                          "day; for a cost you want to keep down (decrease) it reads as the allowance left."),
        "guide_formulas_title": "Formulas: {mode}",
        "guide_formulas_xlwings": ("This workbook's computed cells call the kpixl functions (KPI_ACTUAL, KPI_PLAN, "
                                   "KPI_ATTAINMENT, KPI_STATUS, KPI_ELAPSED); where Excel cannot find them, these "
                                   "cells show #NAME? once Excel recalculates. Classic xlwings add-in (Windows, "
                                   "desktop Excel): 1. pip install kpixl and run 'xlwings addin install'. 2. File > "
                                   "Options > Trust Center > Trust Center Settings > Macro Settings: tick 'Trust "
                                   "access to the VBA project object model'. 3. On the xlwings ribbon set UDF "
                                   "Modules to kpixl.udfs and click Import Functions. 4. Press Ctrl+Alt+F9 to "
                                   "recalculate every cell. 5. Save the workbook as .xlsm (Excel Macro-Enabled "
                                   "Workbook) to keep the functions. xlwings Lite does not compute this workbook: "
                                   "Excel stores an add-in's functions in a file under an internal name, and it "
                                   "does not link the plain names kpixl wrote here to Lite's functions, so the "
                                   "cells stay #NAME?. With xlwings Lite, use the native workbook (kpixl template "
                                   "--formulas native): add kpixl to Lite's requirements.txt and 'from kpixl.udfs "
                                   "import *' to its main.py, then type the kpixl functions in cells of your own. "
                                   "Trend and Forecast use plain Excel functions and work without an add-in, in "
                                   "Excel 2019 or later."),
        "guide_formulas_native": ("This workbook uses plain Excel functions only: it computes in Excel 2019 or "
                                  "later, Excel for the web, LibreOffice 7.4 or later, IronCalc and Gnumeric with no "
                                  "add-in (see the self-check at the end of this sheet). Hidden, "
                                  "locked '(calc)' columns on the KPIs and Measurements sheets hold intermediate "
                                  "results."),
        "guide_more_title": "Good to know",
        "guide_more_rows": ("Add KPIs and measurements in the tables' empty rows. The tables are pre-sized because "
                            "a table on a protected sheet cannot grow: this workbook has {kpi_rows} KPI rows and "
                            "{measurement_rows} measurement rows; do not type below them. The Dashboard follows the "
                            "KPIs table row by row. Do not rename the tables (KPIs, Measurements, Evaluation); "
                            "sheets may be renamed. Do not change the hidden Lists sheet."),
        "guide_more_running_out": ("When the rows run out: ask finance for a new workbook with more rows (kpixl "
                                   "template --rows N --measurement-rows N) and copy your rows into it. In Excel "
                                   "you can instead unprotect the Measurements sheet (Review > Unprotect Sheet) and "
                                   "type in the row just below the table: Excel extends the table and its formulas "
                                   "(or use Table Design > Resize Table). More KPI rows need a new workbook, since "
                                   "the Dashboard and Evaluation are sized to the KPIs table."),
        "guide_more_units": ("Units: a KPI whose Unit is % (or percent, pct) shows its baseline, target, tolerance, "
                             "values, actual, plan and forecast as percentages. A count (Unit count, leads, orders, "
                             "visitors and the other count words on the Lists sheet) shows them as whole numbers. "
                             "KPI IDs are text: MAR-01 stays MAR-01."),
        "company_list_title": "Company KPIs",
        "company_parent_error": "Pick a company KPI ID from the list; the Guide lists the company's KPIs.",
        "company_h2": "Company KPIs (from {file})",
        "company_p": ("These are the company's high-level KPIs, from the management workbook {file} (SHA-256 {sha}; "
                      "this workbook records both as the defined names kpixl_company_file and "
                      "kpixl_company_sha256). A low-level KPI supports one of them: pick its ID in Parent KPI ID, "
                      "whose dropdown offers exactly these IDs. They are read-only here: finance changes them in "
                      "the management workbook and makes new department workbooks from it."),
        "company_kpi": "{kpi_id}  {name}. Owner: {owner}. Target: {target} ({direction}). Deadline: {deadline}.",
        "company_none": "none",
    },
    "da": {
        "title": "KPI-overblik",
        "as_of": "Opgjort pr.",
        "period": "Periode",
        "as_of_note": ("Datoen alle tal opgøres pr. =TODAY() som standard; skriv en dato for at se tilbage eller "
                       "afslutte en periode på fristen."),
        "chart_attainment": "Målopfyldelse pr. KPI",
        "chart_actual_plan": "I forhold til plan (højere er bedre)",
        "series_plan": "Plan (100%)",
        "strip_title": "Status ved hver månedsafslutning",
        "strip_calc_count": "(beregn) Antal {month}",
        "strip_calc_elapsed": "(beregn) Forløbet {month}",
        "strip_calc_actual": "(beregn) Faktisk {month}",
        "strip_calc_plan": "(beregn) Plan {month}",
        "strip_calc_attainment": "(beregn) Målopfyldelse {month}",
        "lists_title": "Rullelister (bruges af datavalideringen på de andre ark)",
        "yes_no": "Ja/Nej",
        "decision": "Beslutning",
        "status": "Status",
        "trend": "Tendens",
        "kpi_pick": "Vælg et KPI-ID fra arket Nøgletal.",
        "phasing_pick": "Vælg en profil fra arket Periodisering, eller lad feltet stå tomt for en lige linje.",
        "allowance_left": "tilbage",
        "phasing_help": ("Hver række er en periodiseringsprofil: 12 månedsvægte, januar til december (0 eller "
                         "mere; kun forholdet mellem dem tæller: andele, procenter eller hver måneds eget "
                         "delmål). Vælg profilen i kolonnen Periodisering på arket Nøgletal, så følger KPI'ens plan "
                         "den; en periode kan starte i enhver måned (et år fra juli til juni bruger julis vægt "
                         "først)."),
        "new_target_error": "Angiv kun et nyt mål (et tal) ved beslutningen Juster mål.",
        "date_error": "Skriv en dato, fx 2026-06-30.",
        "number_error": "Skriv et tal.",
        "list_error": "Vælg en værdi fra listen.",
        "used_rows": "Målingsrækker i brug",
        "self_check_title": "Selvtjek",
        "self_check_intro": ("Hver række beregner et kendt svar med én konstruktion, projektmappens formler "
                             "bygger på. "
                             "Hvis programmet, du har åbnet projektmappen i, regner en af dem forkert, nævner "
                             "meddelelsen nedenfor den, og alle KPI-celler viser #I/T i stedet for et tal, der kunne "
                             "være forkert."),
        "self_check_construct": "Konstruktion",
        "self_check_result": "Resultat",
        "self_check_answer": "Kendt svar",
        "self_check_ok": "OK (1)",
        "self_check_data": "Data til selvtjek",
        "percent_units": "Procentenheder",
        "count_units": "Antalsenheder",
        "mode_xlwings": "xlwings (kpixl-funktioner)",
        "mode_native": "almindelige Excel-formler",
        "guide_title": "KPI-projektmappe{department}",
        "guide_intro": ("Denne projektmappe rummer afdelingens KPI'er (nøgletal): hvad vi måler, målet, hvem der er "
                        "ansvarlig, og de målte værdier. Arket Overblik viser for hver KPI hvor den står i forhold "
                        "til planen, med trafiklys, tendens og prognose. Økonomi indsamler filen med kpixl "
                        "(validate, consolidate) og starter næste periode ud fra den (rollover)."),
        "guide_phases_title": "De fire faser",
        "guide_phases": ("1. Design: definér hver KPI på arket Nøgletal (én række pr. KPI). 2. Udførelse: skriv de "
                         "målte værdier på arket Målinger i løbet af perioden. 3. Evaluering: ved fristen beslutter "
                         "I pr. KPI på arket Evaluering: Behold, Juster mål (angiv det nye mål) eller Udfas. 4. "
                         "Re-design: kpixl rollover skriver næste periodes projektmappe ud fra beslutningerne."),
        "guide_smart_title": "SMART-KPI'er",
        "guide_smart": ("Specifik: sig præcist hvad der måles og hvad der skal ændre sig. Målbar: angiv tallet, "
                        "dets enhed og datakilde. Opnåelig: forklar hvorfor målet er realistisk (udgangspunkt, "
                        "historik, ressourcer). Relevant: sig hvilket mål den tjener. Tidsbestemt: angiv startdato "
                        "og frist. Kolonnerne Specifik, Målbar, Opnåelig og Relevant rummer teksterne; Startdato og "
                        "Frist gør KPI'en tidsbestemt."),
        "guide_levels_title": "Høj- og lavniveau-KPI'er",
        "guide_levels": ("Høje KPI'er er virksomhedens mål (fx omsætningsvækst). Lave KPI'er er afdelings-KPI'er "
                         "der driver en høj: giv dem Niveau lav og den overordnedes ID i Overordnet KPI-ID. Vægt "
                         "angiver hvor meget en lav KPI tæller i den overordnedes samling (standard 1)."),
        "guide_owner_title": "Én ansvarlig pr. KPI",
        "guide_owner": ("Hver KPI har præcis én ansvarlig: en person, ikke et team. Den ansvarlige holder "
                        "målingerne opdateret og foreslår evalueringens beslutning."),
        "guide_where_title": "Hvor I skriver",
        "guide_where": ("Skriv kun i de farvede (gule) celler: de er ulåste. Grå celler beregnes og er låste; "
                        "arkene er beskyttet uden adgangskode (Gennemse > Fjern arkbeskyttelse), så formler ikke "
                        "overskrives ved et uheld. Rullelister giver de tilladte ord for Niveau, Retning, "
                        "Aggregering, Frekvens, KPI-ID og Beslutning."),
        "guide_numbers_title": "Sådan virker tallene",
        "guide_numbers": ("Retning: øge (højere er bedre), mindske (lavere er bedre) eller fastholde (tæt på "
                          "målet). Aggregering: sum for antal der lægges sammen over perioden (salg, leads), "
                          "seneste for rater og scorer, eller gennemsnit, min, maks. Plan er hvor KPI'en bør være "
                          "på opgørelsesdatoen (en ret linje fra udgangspunkt til mål mellem start og frist, eller "
                          "en periodiseringsprofils forløb, se nedenfor). "
                          "Målopfyldelse = (faktisk - udgangspunktsdel) / (plan - udgangspunktsdel): 100% er præcis "
                          "på planen. Status: På sporet fra grøn tærskel (standard 95%), I risiko fra gul (85%), "
                          "ellers Bagud; Ikke startet før startdatoen; Ingen data uden målinger. Rater er brøker: "
                          "skriv 2,1% (0,021)."),
        "guide_phasing_title": "Dags-, måneds- og årsmål: periodisering af et mål",
        "guide_phasing": ("En forretning er sjældent lineær: hvis fjerde kvartal bringer 40% af årets salg, siger en "
                          "plan i en lige linje, at I er bagud hele efteråret og langt foran til jul. På arket "
                          "Periodisering er hver række en profil: et navn og 12 månedsvægte, januar til december. "
                          "Kun forholdet mellem dem tæller, så skriv andele, procenter eller hver måneds eget budget. "
                          "Vælg profilen i kolonnen Periodisering på arket Nøgletal, så følger KPI'ens Plan, "
                          "Målopfyldelse og Status den: ved hver månedsslut rummer planen præcis månedernes andel af "
                          "målet indtil da, og inden for en måned vokser den dag for dag. En periode kan starte i "
                          "enhver måned (et år fra juli til juni bruger julis vægt først) og være kortere eller "
                          "længere end et år; tom Periodisering beholder den lige linje. Overblikket viser målene nu: "
                          "målet, planen til dato, månedens mål og, for en KPI der lægges sammen (sum), hvad der "
                          "mangler denne måned og pr. dag; for en omkostning, der skal ned (mindske), er det det, der "
                          "er tilbage at bruge."),
        "guide_formulas_title": "Formler: {mode}",
        "guide_formulas_xlwings": ("De beregnede celler kalder kpixl-funktionerne (KPI_ACTUAL, KPI_PLAN, "
                                   "KPI_ATTAINMENT, KPI_STATUS, KPI_ELAPSED); hvor Excel ikke finder dem, viser "
                                   "cellerne #NAVN?, når Excel genberegner. Klassisk xlwings-tilføjelsesprogram "
                                   "(Windows, Excel på skrivebordet): 1. pip install kpixl og kør 'xlwings addin "
                                   "install'. 2. Filer > Indstillinger > Center for sikkerhed og "
                                   "rettighedsadministration > Indstillinger for Center for sikkerhed og "
                                   "rettighedsadministration > Indstillinger for makro: sæt hak ved tillid til "
                                   "adgang til VBA-projektobjektmodellen (engelsk Excel: File > Options > Trust "
                                   "Center > Trust Center Settings > Macro Settings > Trust access to the VBA "
                                   "project object model). 3. Sæt UDF Modules til kpixl.udfs i xlwings-båndet, og "
                                   "klik Import Functions. 4. Tryk Ctrl+Alt+F9 for at genberegne alle celler. 5. "
                                   "Gem projektmappen som .xlsm (Excel-projektmappe med makroer) for at beholde "
                                   "funktionerne. xlwings Lite beregner ikke denne projektmappe: Excel gemmer et "
                                   "tilføjelsesprograms funktioner i filen under et internt navn og knytter ikke de "
                                   "almindelige navne, som kpixl skrev her, til Lites funktioner, så cellerne "
                                   "bliver ved med at vise #NAVN?. Med xlwings Lite bruges den almindelige "
                                   "projektmappe (kpixl template --formulas native): tilføj kpixl i Lites "
                                   "requirements.txt og 'from kpixl.udfs import *' i dens main.py, og skriv så "
                                   "kpixl-funktionerne i jeres egne celler. Tendens og Prognose bruger almindelige "
                                   "Excel-funktioner og virker uden tilføjelsesprogram, i Excel 2019 eller nyere."),
        "guide_formulas_native": ("Projektmappen bruger kun almindelige Excel-funktioner: den regner i Excel 2019 "
                                  "eller nyere, Excel på nettet, LibreOffice 7.4 eller nyere, IronCalc og Gnumeric "
                                  "uden tilføjelsesprogram (se selvtjekket sidst på dette ark). Skjulte, låste '(beregn)'-kolonner på arkene "
                                  "Nøgletal og Målinger rummer mellemresultater."),
        "guide_more_title": "Godt at vide",
        "guide_more_rows": ("Tilføj KPI'er og målinger i tabellernes tomme rækker. Tabellerne har faste størrelser, "
                            "fordi en tabel på et beskyttet ark ikke kan vokse: denne projektmappe har {kpi_rows} "
                            "KPI-rækker og {measurement_rows} målingsrækker; skriv ikke under dem. Overblikket "
                            "følger KPI-tabellen række for række. Omdøb ikke tabellerne (KPIs, Measurements, "
                            "Evaluation); arkene må gerne omdøbes. Ret ikke det skjulte ark Lister."),
        "guide_more_running_out": ("Når rækkerne slipper op: bed økonomi om en ny projektmappe med flere rækker "
                                   "(kpixl template --rows N --measurement-rows N) og kopiér jeres rækker over. I "
                                   "Excel kan I i stedet fjerne beskyttelsen af arket Målinger (Gennemse > Fjern "
                                   "arkbeskyttelse) og skrive i rækken lige under tabellen: Excel udvider tabellen "
                                   "og dens formler (eller brug Tabeldesign > Tilpas tabelstørrelse). Flere "
                                   "KPI-rækker kræver en ny projektmappe, da Overblik og Evaluering har "
                                   "KPI-tabellens størrelse."),
        "guide_more_units": ("Enheder: en KPI med enheden % (eller procent, pct) viser udgangspunkt, mål, "
                             "tolerance, værdier, faktisk, plan og prognose som procent. Et antal (enheden antal, "
                             "stk, ordrer, besøgende og de andre antalsord på arket Lister) vises som hele tal. "
                             "KPI-ID'er er tekst: MAR-01 forbliver MAR-01."),
        "company_list_title": "Virksomhedens KPI'er",
        "company_parent_error": "Vælg et KPI-ID fra virksomhedens liste; Vejledningen viser virksomhedens KPI'er.",
        "company_h2": "Virksomhedens KPI'er (fra {file})",
        "company_p": ("Dette er virksomhedens høje KPI'er fra ledelsens projektmappe {file} (SHA-256 {sha}; denne "
                      "projektmappe gemmer begge som de definerede navne kpixl_company_file og "
                      "kpixl_company_sha256). En lav KPI understøtter én af dem: vælg dens ID i Overordnet KPI-ID, "
                      "hvis rulleliste tilbyder netop disse ID'er. De kan ikke ændres her: økonomi retter dem i "
                      "ledelsens projektmappe og laver nye afdelingsprojektmapper ud fra den."),
        "company_kpi": "{kpi_id}  {name}. Ansvarlig: {owner}. Mål: {target} ({direction}). Frist: {deadline}.",
        "company_none": "ingen",
    },
}
