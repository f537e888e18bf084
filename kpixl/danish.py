"""Own the Danish wording of every finding kpixl reports.

Findings are made in English at the place that knows the facts (the reader, the
rules, consolidate, rollover). A Danish workbook's findings are then said in
Danish by :func:`localize`: each English message is matched against its code's
templates below, and the Danish template is filled with the same facts. The
facts themselves are carried over with Danish conventions: an English column
label becomes the workbook's own Danish header, a number gets a decimal comma,
a vocabulary word its Danish word, and a nested message (a rule of the core) is
translated in turn.

One table, so a new or reworded message is one entry here; ``tests/test_danish.py``
runs Danish workbooks with every defect through validate, consolidate and rollover
and fails on any message that has no Danish template.

Placeholders: ``{name}`` is carried over as it is; ``{name:n}`` a number (decimal
comma); ``{name:h}`` a column label or header (Danish header); ``{name:w}`` a
vocabulary word (Danish word); ``{name:m}`` a nested message; ``{name:l}`` a list
of labels (each a header); ``{name:o}`` a list of options (``or`` is ``eller``);
``{name:k}`` a reader hint; ``{name:e}`` an Excel error value (Danish Excel's name); ``{name:a}`` amounts
(``target 1300 and baseline 1200``); ``{name:p}`` period labels (``week`` is ``uge``). ``{@table.key}`` in a Danish template is that column's
Danish header, ``{@table}`` the table's Danish sheet name.
"""

from __future__ import annotations

import dataclasses
import re
from functools import lru_cache
from typing import Iterable

from kpixl import core, schema
from kpixl.message import Message
from kpixl.model import Finding
from kpixl.vocab import Language

_PLACEHOLDER = re.compile(r"\{(\w+)(?::(\w))?\}")
_NUMBER = r"[-+]?\d[\d.,]*(?:e[-+]?\d+)?"

# English template -> Danish template, per code. "core" holds the core's rule messages,
# which other messages embed ({x:m}).
CATALOG: dict[str, list[tuple[str, str]]] = {
    "core": [
        ("the target is blank; type the value to reach", "målværdien er tom; skriv den værdi, der skal nås"),
        ("an increase KPI with no baseline needs a target above 0 (target {t:n})",
         "en KPI, der skal øges, og som ikke har noget udgangspunkt, skal have en målværdi over 0 (målværdi {t:n})"),
        ("an increase KPI needs its target above its baseline (target {t:n}, baseline {b:n})",
         "en KPI, der skal øges, skal have sin målværdi over sit udgangspunkt (målværdi {t:n}, udgangspunkt {b:n})"),
        ("a decrease KPI needs a baseline to decrease from (target {t:n})",
         "en KPI, der skal mindskes, skal have et udgangspunkt at mindske fra (målværdi {t:n})"),
        ("a decrease KPI needs its target below its baseline (target {t:n}, baseline {b:n})",
         "en KPI, der skal mindskes, skal have sin målværdi under sit udgangspunkt (målværdi {t:n}, "
         "udgangspunkt {b:n})"),
        ("a maintain KPI with target 0 needs a tolerance; type the allowed distance",
         "en KPI, der skal fastholdes, med målværdi 0 skal have en tolerance; skriv den tilladte afstand"),
        ("the tolerance must be above 0 (tolerance {t:n})", "tolerancen skal være over 0 (tolerance {t:n})"),
        ("the deadline must be after the start date (start {s}, deadline {d})",
         "deadline skal ligge efter startdatoen (start {s}, deadline {d})"),
        ("green must be at least amber (green {g:n}, amber {a:n})",
         "grøn skal være mindst gul (grøn {g:n}, gul {a:n})"),
        ("unknown {v:w} {x}; use one of {words:o}", "ukendt {v:w} {x}; brug et af {words:o}"),
        ("{v:w} is blank; use one of {words:o}", "{v:w} er tom; brug et af {words:o}"),
        ("{what:h} {x} is not a number", "{what:h} {x} er ikke et tal"),
        ("{what:h} {x} is text, not a number; type the number", "{what:h} {x} er tekst, ikke et tal; skriv tallet"),
        ("{x} is not a date; type a date (e.g. 2026-06-30)", "{x} er ikke en dato; skriv en dato (f.eks. 2026-06-30)"),
    ],
    "KPX101": [("no such file or folder; check the path", "filen eller mappen findes ikke; tjek stien")],
    "KPX102": [("is not a regular file; give an .xlsx workbook", "er ikke en almindelig fil; angiv en .xlsx-projektmappe")],
    "KPX103": [("cannot be read (permission denied); ask for read access or copy the file",
                "kan ikke læses (adgang nægtet); bed om læseadgang, eller kopiér filen"),
               ("cannot be read ({why}); check the file", "kan ikke læses ({why}); tjek filen")],
    "KPX104": [("is empty (0 bytes); save the workbook again from Excel",
                "er tom (0 byte); gem projektmappen igen fra Excel")],
    "KPX105": [("is an old Excel 97-2003 (.xls) or other binary Office file; open it in Excel and save it as an "
                "Excel Workbook (.xlsx)",
                "er en gammel Excel 97-2003-fil (.xls) eller en anden binær Office-fil; åbn den i Excel, og gem den "
                "som Excel-projektmappe (.xlsx)")],
    "KPX106": [("is password-protected (encrypted); remove the password in Excel (File > Info > Protect Workbook) "
                "and save again",
                "er beskyttet med adgangskode (krypteret); fjern adgangskoden i Excel (Filer > Oplysninger > Beskyt "
                "projektmappe), og gem igen")],
    "KPX107": [("is an HTML page with an Excel name, not a workbook; open it in Excel and save it as an Excel "
                "Workbook (.xlsx)",
                "er en HTML-side med et Excel-navn, ikke en projektmappe; åbn den i Excel, og gem den som "
                "Excel-projektmappe (.xlsx)"),
               ("is an XML text file (e.g. Excel 2003 XML), not an .xlsx workbook; open it in Excel and save it as an "
                "Excel Workbook (.xlsx)",
                "er en XML-tekstfil (f.eks. Excel 2003 XML), ikke en .xlsx-projektmappe; åbn den i Excel, og gem den "
                "som Excel-projektmappe (.xlsx)"),
               ("is a text/CSV file renamed to a workbook name, not a workbook; open it in Excel and save it as an "
                "Excel Workbook (.xlsx)",
                "er en tekst-/CSV-fil omdøbt til et projektmappenavn, ikke en projektmappe; åbn den i Excel, og gem "
                "den som Excel-projektmappe (.xlsx)"),
               ("is a text file, not a workbook; give the .xlsx workbook",
                "er en tekstfil, ikke en projektmappe; angiv .xlsx-projektmappen")],
    "KPX108": [("is not an Excel workbook (not a zip package); give the .xlsx workbook",
                "er ikke en Excel-projektmappe (ikke en zip-pakke); angiv .xlsx-projektmappen")],
    "KPX109": [("is truncated or corrupt (not a complete zip package); get a fresh copy or save it again from Excel",
                "er afkortet eller beskadiget (ikke en hel zip-pakke); hent en ny kopi, eller gem den igen fra Excel"),
               ("is truncated or corrupt (part {part}: {why}); get a fresh copy or save it again from Excel",
                "er afkortet eller beskadiget (del {part}: {why}); hent en ny kopi, eller gem den igen fra Excel"),
               ("cannot be read as a workbook ({why}); save it again from Excel",
                "kan ikke læses som projektmappe ({why}); gem den igen fra Excel"),
               ("the sheet cannot be read ({why}); save the workbook again from Excel",
                "arket kan ikke læses ({why}); gem projektmappen igen fra Excel")],
    "KPX110": [("is an Excel binary workbook (.xlsb); save it as an Excel Workbook (.xlsx)",
                "er en binær Excel-projektmappe (.xlsb); gem den som Excel-projektmappe (.xlsx)"),
               ("is a Word or PowerPoint file, not an Excel workbook",
                "er en Word- eller PowerPoint-fil, ikke en Excel-projektmappe"),
               ("is an OpenDocument spreadsheet (.ods); save it as an Excel Workbook (.xlsx)",
                "er et OpenDocument-regneark (.ods); gem det som Excel-projektmappe (.xlsx)"),
               ("is a zip file but not an Excel workbook (no xl/workbook.xml); give the .xlsx workbook",
                "er en zip-fil, men ikke en Excel-projektmappe (ingen xl/workbook.xml); angiv .xlsx-projektmappen")],
    "KPX111": [("holds {n} parts (limit {limit}); this is not a department workbook",
                "indeholder {n} dele (grænse {limit}); dette er ikke en afdelingsprojektmappe"),
               ("unpacks to {mb} MB (limit {limit} MB); this is far beyond a department workbook (possible "
                "decompression bomb)",
                "fylder {mb} MB udpakket (grænse {limit} MB); det er langt over en afdelingsprojektmappe (muligvis "
                "en dekomprimeringsbombe)")],
    "KPX112": [("part {part} unpacks {n} times its packed size (limit {limit}:1); possible decompression bomb",
                "delen {part} fylder {n} gange sin pakkede størrelse udpakket (grænse {limit}:1); muligvis en "
                "dekomprimeringsbombe")],
    "KPX113": [("part {part} reaches cell {cell} ({cells} cells; limit {rows} rows, {cols} columns, {max} cells); "
                "this is far beyond a department workbook (possible decompression bomb)",
                "delen {part} når til celle {cell} ({cells} celler; grænse {rows} rækker, {cols} kolonner, {max} "
                "celler); det er langt over en afdelingsprojektmappe (muligvis en dekomprimeringsbombe)"),
               ("part {part} declares the range {ref} (limit {rows} rows, {cols} columns); this is far beyond a "
                "department workbook (possible decompression bomb)",
                "delen {part} angiver området {ref} (grænse {rows} rækker, {cols} kolonner); det er langt over en "
                "afdelingsprojektmappe (muligvis en dekomprimeringsbombe)"),
               ("part {part} holds more than {n} rows (limit {rows} rows, {cols} columns, {max} cells); this is far "
                "beyond a department workbook (possible decompression bomb)",
                "delen {part} indeholder mere end {n} rækker (grænse {rows} rækker, {cols} kolonner, {max} celler); "
                "det er langt over en afdelingsprojektmappe (muligvis en dekomprimeringsbombe)"),
               ("part {part} holds more than {n} cells (limit {rows} rows, {cols} columns, {max} cells); this is far "
                "beyond a department workbook (possible decompression bomb)",
                "delen {part} indeholder mere end {n} celler (grænse {rows} rækker, {cols} kolonner, {max} celler); "
                "det er langt over en afdelingsprojektmappe (muligvis en dekomprimeringsbombe)"),
               ("needs more memory than a department workbook; possible decompression bomb",
                "kræver mere hukommelse end en afdelingsprojektmappe; muligvis en dekomprimeringsbombe")],
    "KPX114": [("part {part} is UTF-16 XML, which Excel never writes; save the workbook again from Excel",
                "delen {part} er UTF-16-XML, som Excel aldrig skriver; gem projektmappen igen fra Excel"),
               ("part {part} declares XML entities (<!DOCTYPE/<!ENTITY), which Excel never writes; the file was "
                "tampered with",
                "delen {part} erklærer XML-entiteter (<!DOCTYPE/<!ENTITY), som Excel aldrig skriver; filen er "
                "blevet manipuleret"),
               ("part {part} has no root element in its first {n} bytes; the file was tampered with",
                "delen {part} har intet rodelement i sine første {n} byte; filen er blevet manipuleret")],
    "KPX115": [("is not a kpixl workbook (no table named KPIs and no kpixl metadata); start from a workbook made by "
                "`kpixl template`",
                "er ikke en kpixl-projektmappe (ingen tabel ved navn KPIs og ingen kpixl-metadata); start fra en "
                "projektmappe lavet med `kpixl template`")],
    "KPX116": [("the folder holds no .xlsx or .xlsm workbooks; give the folder with the department workbooks",
                "mappen indeholder ingen .xlsx- eller .xlsm-projektmapper; angiv mappen med afdelingernes "
                "projektmapper")],
    "KPX117": [("part {part} is missing or too large; save the workbook again from Excel",
                "delen {part} mangler eller er for stor; gem projektmappen igen fra Excel"),
               ("part {part} is not well-formed XML ({why}); save the workbook again from Excel",
                "delen {part} er ikke gyldig XML ({why}); gem projektmappen igen fra Excel"),
               ("the table {table} has no valid range ({ref}); save the workbook again from Excel",
                "tabellen {table} har intet gyldigt område ({ref}); gem projektmappen igen fra Excel")],
    "KPX120": [("the workbook has kpixl schema version {v}; this kpixl reads version {w}; results may be incomplete",
                "projektmappens kpixl-skemaversion er {v}; denne kpixl læser version {w}; resultaterne kan være "
                "ufuldstændige")],
    "KPX121": [("has no Excel table named KPIs; the KPI definitions must stay in the table named KPIs (Table Design "
                "> Table Name)",
                "har ingen Excel-tabel ved navn KPIs; KPI-definitionerne skal blive i tabellen ved navn KPIs "
                "(Tabeldesign > Tabelnavn)")],
    "KPX122": [("the workbook has no Excel table named Measurements; keep the measurements in the table named "
                "Measurements",
                "projektmappen har ingen Excel-tabel ved navn Measurements; hold målingerne i tabellen ved navn "
                "Measurements (arket {@Measurements})")],
    "KPX123": [("the workbook has no Excel table named Evaluation; rollover needs it at the end of the period",
                "projektmappen har ingen Excel-tabel ved navn Evaluation (arket {@Evaluation}); rollover skal bruge "
                "den ved periodens afslutning")],
    "KPX124": [("there is no Excel table named {table}, but this sheet holds its headers: kpixl reads {data} under "
                "them as the {table2} table; make it a table again, or the workbook's own formulas do not count it: in "
                "Excel select {ref}, Insert > Table (My table has headers), then Table Design > Table Name: {table3}; "
                "in LibreOffice select {ref2}, Data > Define Range, Name: {table4}",
                "der er ingen Excel-tabel ved navn {table}, men dette ark har dens overskrifter: kpixl læser {data} "
                "under dem som tabellen {table2}; gør området til en tabel igen, ellers tæller projektmappens egne "
                "formler det ikke med: i Excel markér {ref}, Indsæt > Tabel (Tabellen har overskrifter), og derefter "
                "Tabeldesign > Tabelnavn: {table3}; i LibreOffice markér {ref2}, Data > Definer område, Navn: "
                "{table4}")],
    "KPX130": [("table {table} has no column {header} ({en}); add the column to the table",
                "tabellen {table} har ingen kolonne {header} ({en}); tilføj kolonnen til tabellen")],
    "KPX131": [("unknown column {header} in table {table}; its values are kept with each KPI and carried into the "
                "company workbook and CSV, but not checked (rename it to a known header if it should be one)",
                "ukendt kolonne {header} i tabellen {table}; dens værdier bevares med hver KPI og føres med over i "
                "virksomhedsprojektmappen og CSV-filerne, men kontrolleres ikke (omdøb den til en kendt overskrift, "
                "hvis den skal være det)"),
               ("unknown column {header} in table {table}; its values are kept with each measurement and carried into "
                "the company workbook and CSV, but not checked (rename it to a known header if it should be one)",
                "ukendt kolonne {header} i tabellen {table}; dens værdier bevares med hver måling og føres med over i "
                "virksomhedsprojektmappen og CSV-filerne, men kontrolleres ikke (omdøb den til en kendt overskrift, "
                "hvis den skal være det)"),
               ("unknown column {header} in table {table}; kpixl does not use it (rollover reads Decision, New target "
                "and Notes) (rename it to a known header if it should be one)",
                "ukendt kolonne {header} i tabellen {table}; kpixl bruger den ikke (rollover læser "
                "{@Evaluation.decision}, {@Evaluation.new_target} og {@Evaluation.notes}) (omdøb den til en kendt "
                "overskrift, hvis den skal være det)")],
    "KPX132": [("row {row} is below the table {table} (which ends at row {end}); kpixl reads it, but the workbook's "
                "own formulas do not count it until you resize the table to include it (Table Design > Resize Table)",
                "række {row} står under tabellen {table} (som slutter i række {end}); kpixl læser den, men "
                "projektmappens egne formler tæller den ikke med, før du udvider tabellen, så den kommer med "
                "(Tabeldesign > Tilpas tabelstørrelse)")],
    "KPX133": [("column {header} repeats column {cell} of table {table}; only the first is read",
                "kolonnen {header} gentager kolonne {cell} i tabellen {table}; kun den første læses")],
    # What a folder argument held that is not read (kpixl/reader/paths.py): said in the run's language.
    "KPX134": [("an OpenDocument spreadsheet (.ods) is not read; save it as an Excel Workbook (.xlsx) to include it",
                "et OpenDocument-regneark (.ods) læses ikke; gem det som Excel-projektmappe (.xlsx) for at få det med"),
               ("an old Excel 97-2003 workbook (.xls) is not read; save it as an Excel Workbook (.xlsx) to include it",
                "en gammel Excel 97-2003-projektmappe (.xls) læses ikke; gem den som Excel-projektmappe (.xlsx) for at "
                "få den med"),
               ("an Excel binary workbook (.xlsb) is not read; save it as an Excel Workbook (.xlsx) to include it",
                "en binær Excel-projektmappe (.xlsb) læses ikke; gem den som Excel-projektmappe (.xlsx) for at få den "
                "med"),
               ("a CSV text file is not read; kpixl reads the department workbook (.xlsx), not CSV exports",
                "en CSV-tekstfil læses ikke; kpixl læser afdelingens projektmappe (.xlsx), ikke CSV-eksporter"),
               ("not an Excel workbook (.xlsx or .xlsm), so it is not read; move it out of the folder if it is not an "
                "input",
                "ikke en Excel-projektmappe (.xlsx eller .xlsm), så den læses ikke; flyt den ud af mappen, hvis den "
                "ikke er et input"),
               ("a company workbook kpixl consolidate wrote is not a department workbook, so it is not read; keep the "
                "company workbook outside the departments' folder",
                "en virksomhedsprojektmappe, som kpixl consolidate har skrevet, er ikke en afdelings projektmappe, så "
                "den læses ikke; hold virksomhedsprojektmappen uden for afdelingernes mappe"),
               ("the folder cannot be listed ({error}); its files are not read; check the folder's permissions",
                "mappens indhold kan ikke vises ({error}); dens filer læses ikke; kontrollér mappens rettigheder")],
    "KPX135": [("subfolder holds {n} workbook(s) that are not read; give the subfolder too, or use --recursive to "
                "read subfolders",
                "undermappen rummer {n} projektmappe(r), der ikke læses; angiv også undermappen, eller brug "
                "--recursive for at læse undermapper")],
    "KPX136": [("a value outside the {table} table (which ends at row {end}, with a blank row between): not counted; "
                "extend the table to include its row (Table Design > Resize Table) or delete it",
                "en værdi uden for tabellen {table} (som slutter i række {end}, med en tom række imellem): tælles ikke "
                "med; udvid tabellen, så rækken kommer med (Tabeldesign > Tilpas tabelstørrelse), eller slet værdien"),
               ("{n} more row(s) down to {cell} hold values outside the {table} table: not counted; extend the table "
                "to include them or delete them",
                "{n} række(r) mere ned til {cell} har værdier uden for tabellen {table}: tælles ikke med; udvid "
                "tabellen, så de kommer med, eller slet dem")],
    "KPX137": [(f"{where} has a value here but no {keys}: not counted; complete the row or clear it",
                f"{where_da} har en værdi her, men intet {keys_da}: tælles ikke med; udfyld rækken, eller ryd den")
               for where, where_da in (
                   ("row {row} of the {table} table", "række {row} i tabellen {table}"),
                   ("row {row}, just below the {table} table (which ends at row {end}),",
                    "række {row}, lige under tabellen {table} (som slutter i række {end}),"))
               for keys, keys_da in (
                   ("KPI ID, period end or value",
                    "{@Measurements.kpi_id}, {@Measurements.period_end} eller {@Measurements.value}"),
                   ("KPI ID, KPI name or target", "{@KPIs.kpi_id}, {@KPIs.name} eller {@KPIs.target}"),
                   ("KPI ID, decision or new target",
                    "{@Evaluation.kpi_id}, {@Evaluation.decision} eller {@Evaluation.new_target}"))],
    "KPX190": [("the spreadsheet reader crashed on this file ({why}); it may be damaged or hostile: open it in Excel, "
                "save it again as .xlsx, and send it again",
                "regnearkslæseren gik ned på denne fil ({why}); den kan være beskadiget eller ondsindet: åbn den i "
                "Excel, gem den igen som .xlsx, og send den igen")],
    "KPX191": [("reading this file took longer than {limit}; it may be damaged or far larger than a department "
                "workbook: save it again from Excel, or allow more time with --file-timeout",
                "det tog længere end {limit} at læse denne fil; den kan være beskadiget eller langt større end en "
                "afdelingsprojektmappe: gem den igen fra Excel, eller giv mere tid med --file-timeout")],
    "KPX192": [("reading this file needed more memory than {limit}; it may be a decompression bomb or far larger "
                "than a department workbook: save it again from Excel",
                "læsningen af denne fil krævede mere hukommelse end {limit}; den kan være en "
                "dekomprimeringsbombe eller langt større end en afdelingsprojektmappe: gem den igen fra Excel")],
    "KPX199": [("cannot be read ({why}); save it again from Excel and report this to finance",
                "kan ikke læses ({why}); gem den igen fra Excel, og meld det til økonomi")],
    "KPX201": [("{label:h} is blank; {hint:k}", "{label:h} er tom; {hint:k}")],
    "KPX202": [("{label:h} \"{x}\" is not a number; type a number", "{label:h} \"{x}\" er ikke et tal; skriv et tal"),
               ("{inner:m}; type a number", "{inner:m}; skriv et tal")],
    "KPX203": [("{label:h} is {b:w}, not a number; type a number", "{label:h} er {b:w}, ikke et tal; skriv et tal"),
               ("{label:h} is a date ({d}), not a number; type a number (and use a number format, not a date format)",
                "{label:h} er en dato ({d}), ikke et tal; skriv et tal (og brug et talformat, ikke et datoformat)")],
    "KPX204": [("{label:h} \"{x}\" is text; type the number {p:n}% (the value {v:n})",
                "{label:h} \"{x}\" er tekst; skriv tallet {p:n} % (værdien {v:n})"),
               ("{label:h} \"{x}\" is text; type the number {v:n}", "{label:h} \"{x}\" er tekst; skriv tallet {v:n}"),
               ("{label:h} \"{x}\" is text; it could mean {a:n} ({s1} as thousands separator) or {b:n} ({s2} as "
                "decimal separator); type the number you mean",
                "{label:h} \"{x}\" er tekst; det kan betyde {a:n} ({s1} som tusindtalsseparator) eller {b:n} ({s2} "
                "som decimaltegn); skriv det tal, du mener")],
    "KPX205": [("{label:h} \"{x}\" is text; type it as a date ({d})", "{label:h} \"{x}\" er tekst; skriv den som en "
                                                                     "dato ({d})"),
               ("{label:h} \"{x}\" is text; it could mean {options:o}; type the date you mean as a date",
                "{label:h} \"{x}\" er tekst; det kan betyde {options:o}; skriv den dato, du mener, som en dato")],
    "KPX206": [("{label:h} is {b:w}, not a date; type a date", "{label:h} er {b:w}, ikke en dato; skriv en dato"),
               ("{label:h} {x:n} is not a date; type a date (e.g. 2026-06-30)",
                "{label:h} {x:n} er ikke en dato; skriv en dato (f.eks. 2026-06-30)"),
               ("{label:h} \"{x}\" is not a date; type a date (e.g. 2026-06-30)",
                "{label:h} \"{x}\" er ikke en dato; skriv en dato (f.eks. 2026-06-30)")],
    "KPX207": [("{label:h}: {inner:m}", "{label:h}: {inner:m}")],
    "KPX208": [("{label:h} holds a formula with no saved value; open and save the workbook in Excel (which "
                "calculates it) or type the value",
                "{label:h} indeholder en formel uden gemt værdi; åbn og gem projektmappen i Excel (som beregner "
                "den), eller skriv værdien")],
    "KPX209": [("{label:h} shows the error {e}; fix the formula or type the value",
                "{label:h} viser fejlen {e:e}; ret formlen, eller skriv værdien")],
    "KPX215": [("{label:h} is the date {d}, not text: the spreadsheet turned an ID like MAR-01 into a date when it "
                "was typed; format the {column:h} column as Text (Format Cells > Text) and type the ID again",
                "{label:h} er datoen {d}, ikke tekst: regnearket gjorde et ID som MAR-01 til en dato, da det blev "
                "skrevet; formatér kolonnen {column:h} som Tekst (Formatér celler > Tekst), og skriv ID'et igen"),
               ("{label:h} is the number {v:n}, not text: the spreadsheet turned the ID into a number when it was "
                "typed (007 becomes 7, 1E3 becomes 1000); format the {column:h} column as Text (Format Cells > Text) "
                "and type the ID again",
                "{label:h} er tallet {v:n}, ikke tekst: regnearket gjorde ID'et til et tal, da det blev skrevet (007 "
                "bliver til 7, 1E3 til 1000); formatér kolonnen {column:h} som Tekst (Formatér celler > Tekst), og "
                "skriv ID'et igen")],
    "KPX301": [("KPI ID {id} is used twice (first at {where}); give each KPI its own ID",
                "KPI-ID {id} bruges to gange (første gang i {where}); giv hver KPI sit eget ID")],
    "KPX302": [("{inner:m}", "{inner:m}")],
    "KPX303": [("{inner:m}; move the deadline after the start", "{inner:m}; flyt deadline til efter starten")],
    "KPX304": [("{inner:m}; make Green from at least Amber from",
                "{inner:m}; gør {@KPIs.green} mindst lige så stor som {@KPIs.amber}")],
    "KPX305": [("weight {w:n} is negative; type 0 or more (blank means 1)",
                "vægten {w:n} er negativ; skriv 0 eller mere (tom betyder 1)")],
    "KPX306": [("no deadline: a SMART KPI is time-bound; type the deadline",
                "ingen deadline: en SMART KPI er tidsbestemt; skriv deadline")],
    "KPX307": [("SMART text missing: {fields:l}; describe how the KPI is {how}",
                "SMART-tekst mangler: {fields:l}; beskriv KPI'en i disse kolonner")],
    "KPX308": [("a low-level KPI without a parent KPI ID does not roll up; type the ID of the high-level KPI it "
                "supports",
                "en KPI på lavt niveau uden {@KPIs.parent_id} indgår ikke i sammentællingen; skriv ID'et på den "
                "KPI på højt niveau, den understøtter")],
    "KPX309": [("KPI {id} names itself as parent; give the ID of the high-level KPI it supports",
                "KPI {id} angiver sig selv som overordnet; angiv ID'et på den KPI på højt niveau, den understøtter")],
    "KPX310": [("{name:h} is {v:n}, an attainment of {p:n}%; did you mean {q:n}%? type it with a % sign",
                "{name:h} er {v:n}, en målopfyldelse på {p:n} %; mente du {q:n} %? skriv det med et %-tegn")],
    "KPX311": [("owner {who} looks like more than one person; a KPI has one responsible owner",
                "ejeren {who} ligner mere end én person; en KPI har én ansvarlig ejer")],
    "KPX320": [("phasing profile {name} is not in the Phasing table (profiles: {names}); pick a profile from the "
                "list or leave Phasing blank for a straight line",
                "periodiseringsprofilen {name} findes ikke i tabellen {@Phasing} (profiler: {names}); vælg en profil "
                "fra listen, eller lad {@KPIs.phasing} stå tom for en lige linje"),
               ("phasing profile {name} is not in the Phasing table (it has none yet); pick a profile from the "
                "list or leave Phasing blank for a straight line",
                "periodiseringsprofilen {name} findes ikke i tabellen {@Phasing} (den har ingen profiler endnu); "
                "skriv profilen på arket {@Phasing}, eller lad {@KPIs.phasing} stå tom for en lige linje")],
    "KPX321": [("the weight of phasing profile {name} for {month:h} is {w:n}, below 0; type 0 or more (0 plans "
                "nothing for that month)",
                "vægten for {month:h} i periodiseringsprofilen {name} er {w:n}, under 0; skriv 0 eller mere (0 "
                "planlægger intet for den måned)")],
    "KPX322": [("phasing profile {name} weighs 0 in every month from {start} to {deadline}, so nothing is ever "
                "planned; give one of these months a weight above 0 in the Phasing sheet, or pick another profile",
                "periodiseringsprofilen {name} vejer 0 i alle måneder fra {start} til {deadline}, så intet bliver "
                "nogensinde planlagt; giv en af disse måneder en vægt over 0 på arket {@Phasing}, eller vælg en "
                "anden profil")],
    "KPX323": [("phasing profile {name} is named twice (first at {first}); give each profile its own name",
                "periodiseringsprofilen {name} findes to gange (første gang i {first}); giv hver profil sit eget "
                "navn")],
    "KPX830": [("parent KPI ID {pid} of KPI {id} is not a high-level KPI of the company workbook {file}; pick one "
                "of {ids}",
                "overordnet KPI-ID {pid} for KPI {id} er ikke en KPI på højt niveau i virksomhedens projektmappe "
                "{file}; vælg en af {ids}")],
    "KPX831": [("deadline {d} is after the deadline {pd} of its parent {pid}: the KPI is not due when the company "
                "KPI is judged; move the deadline to {pd2} or earlier",
                "fristen {d} ligger efter fristen {pd} for den overordnede {pid}: KPI'en er ikke afsluttet, når "
                "virksomhedens KPI gøres op; flyt fristen til {pd2} eller tidligere")],
    "KPX832": [("direction {dir:w} differs from its parent {pid} ({pdir:w}); fine if moving this KPI that way "
                "drives the parent (the roll-up counts attainment), otherwise correct the direction or the parent "
                "KPI ID",
                "retningen {dir} afviger fra den overordnede {pid} ({pdir}); i orden, hvis KPI'en i den retning "
                "driver den overordnede (oprulningen tæller målopfyldelse), ellers ret retningen eller det "
                "overordnede KPI-ID")],
    "KPX833": [("unit {unit} differs from its parent {pid} ({punit}); fine for a driver measured in its own unit "
                "(the roll-up counts attainment), otherwise correct the unit or the parent KPI ID",
                "enheden {unit} afviger fra den overordnede {pid} ({punit}); i orden for en drivende KPI målt i "
                "sin egen enhed (oprulningen tæller målopfyldelse), ellers ret enheden eller det overordnede "
                "KPI-ID")],
    "KPX401": [("KPI ID {id} is not in the KPIs table; pick an existing KPI ID or add the KPI",
                "KPI-ID {id} findes ikke i tabellen på arket {@KPIs}; vælg et eksisterende KPI-ID, eller tilføj "
                "KPI'en")],
    "KPX402": [("a second value for KPI {id} and period end {d} (first at {where}); delete one of them",
                "en værdi mere for KPI {id} og periodeslut {d} (første gang i {where}); slet den ene")],
    "KPX403": [("period end {d} is before the KPI's start date {s}; check the date",
                "periodeslut {d} ligger før KPI'ens startdato {s}; tjek datoen")],
    "KPX404": [("period end {d} is after the KPI's deadline {e}; check the date",
                "periodeslut {d} ligger efter KPI'ens deadline {e}; tjek datoen")],
    "KPX405": [("no measurement for {n} {f:w} period(s) ended before {d}: {listed:p}; enter the missing values in "
                "Measurements",
                "ingen måling for {n} periode(r) ({f:w}), der sluttede før {d}: {listed:p}; indtast de manglende værdier "
                "på arket {@Measurements}")],
    "KPX406": [("close of period: no measurement for the last {f:w} period {label:p} before the deadline {d}; the "
                "final actual leaves it out (and rollover would take that as the next baseline); enter the value in "
                "Measurements",
                "periodens afslutning: ingen måling for den sidste periode ({f:w}) {label:p} før deadline {d}; den "
                "endelige faktiske værdi udelader den (og rollover ville bruge det som næste udgangspunkt); indtast "
                "værdien på arket {@Measurements}")],
    "KPX407": [("value {v:n} for a % KPI whose target is {t:n}% counts as {p:n}%; if you meant {v2:n}%, type it with "
                "a % sign ({v3:n}%) or as {x:n}",
                "værdien {v:n} for en %-KPI med målværdien {t:n} % tæller som {p:n} %; hvis du mente {v2:n} %, så "
                "skriv den med et %-tegn ({v3:n} %) eller som {x:n}")],
    "KPX408": [("value {v:n} is more than {m:n} times the KPI's target {t:n} and baseline {b:n}; check the value and "
                "its unit (a typo, or thousands typed as units?)",
                "værdien {v:n} er mere end {m:n} gange KPI'ens målværdi {t:n} og udgangspunkt {b:n}; tjek værdien og "
                "dens enhed (en tastefejl, eller tusinder skrevet som enheder?)"),
               ("value {v:n} is more than {m:n} times the KPI's target {t:n}; check the value and its unit (a typo, "
                "or thousands typed as units?)",
                "værdien {v:n} er mere end {m:n} gange KPI'ens målværdi {t:n}; tjek værdien og dens enhed (en "
                "tastefejl, eller tusinder skrevet som enheder?)")],
    "KPX138": [("a macOS Finder file (.DS_Store), not a workbook; left out, nothing to do",
                "en macOS Finder-fil (.DS_Store), ikke en projektmappe; udeladt, intet at gøre"),
               ("a Windows thumbnail cache ({name}), not a workbook; left out, nothing to do",
                "et Windows-miniaturelager ({name}), ikke en projektmappe; udeladt, intet at gøre"),
               ("a Windows folder settings file (desktop.ini), not a workbook; left out, nothing to do",
                "en Windows-mappeindstillingsfil (desktop.ini), ikke en projektmappe; udeladt, intet at gøre"),
               ("a Mac's hidden companion file of {name} (._ AppleDouble, written on shared drives), not a "
                "workbook; left out, nothing to do",
                "en skjult følgefil fra en Mac til {name} (._ AppleDouble, skrevet på delte drev), ikke en "
                "projektmappe; udeladt, intet at gøre"),
               ("{app}'s lock file: {book} is open in {app2} (the lock file names nobody); left out, it is not a "
                "workbook; the last saved {book2} is read, so ask them to save and close it if they are still "
                "typing",
                "låsefil fra {app}: {book} er åben i {app2} (låsefilen nævner ingen); udeladt, den er ikke en "
                "projektmappe; den senest gemte {book2} læses, så bed om at få den gemt og lukket, hvis der stadig "
                "skrives i den"),
               ("{app}'s lock file: {book} is open in {app2} by {user}; left out, it is not a workbook; the last "
                "saved {book2} is read, so ask them to save and close it if they are still typing",
                "låsefil fra {app}: {book} er åben i {app2} hos {user}; udeladt, den er ikke en projektmappe; den "
                "senest gemte {book2} læses, så bed {user} gemme og lukke den, hvis der stadig skrives i den")],
    "KPX312": [("Department {typed} differs from the workbook's department {department}; the KPI is read as "
                "{department2}; type {department3} here, or move the KPI to the {typed2} workbook",
                "{@KPIs.department} {typed} er ikke projektmappens afdeling {department}; KPI'en læses som "
                "{department2}; skriv {department3} her, eller flyt KPI'en til projektmappen for {typed2}")],
    "KPX601": [("KPI ID {id} is also in {where}; KPI IDs must be unique across the company: rename one of them",
                "KPI-ID {id} findes også i {where}; KPI-ID'er skal være entydige i hele virksomheden: omdøb en af "
                "dem"),
               ("KPI ID {id} is also in {where}; KPI IDs must be unique across the company and no file is preferred, "
                "so all of them are left out: remove the copy or rename the KPI in one file",
                "KPI-ID {id} findes også i {where}; KPI-ID'er skal være entydige i hele virksomheden, og ingen fil "
                "foretrækkes, så de udelades alle: fjern kopien, eller omdøb KPI'en i den ene fil")],
    "KPX602": [("parent KPI ID {parent} of KPI {id} matches no high-level KPI in any input ({files} and {n} more); "
                "use the ID of a KPI with level high",
                "{@KPIs.parent_id} {parent} for KPI {id} svarer ikke til nogen KPI på højt niveau i nogen af "
                "filerne ({files} og {n} flere); brug ID'et på en KPI med niveau høj"),
               ("parent KPI ID {parent} of KPI {id} matches no high-level KPI in any input ({files}); use the ID of a "
                "KPI with level high",
                "{@KPIs.parent_id} {parent} for KPI {id} svarer ikke til nogen KPI på højt niveau i nogen af "
                "filerne ({files}); brug ID'et på en KPI med niveau høj")],
    "KPX603": [("department {dept} is also in {other}; each department belongs in one workbook: merge the two files "
                "or correct the department",
                "afdelingen {dept} findes også i {other}; hver afdeling hører til i én projektmappe: flet de to "
                "filer, eller ret afdelingen"),
               ("department {dept} is also in {others}; each department belongs in one workbook and no file is "
                "preferred, so all of them are left out: remove the copy, merge the files or correct the department",
                "afdelingen {dept} findes også i {others}; hver afdeling hører til i én projektmappe, og ingen fil "
                "foretrækkes, så de udelades alle: fjern kopien, flet filerne, eller ret afdelingen")],
    "KPX606": [("identical copy of {name} (the same bytes); delete one; this copy's KPIs are not counted",
                "identisk kopi af {name} (de samme bytes); slet den ene; denne kopis KPI'er tælles ikke med")],
    "KPX607": [("likely a copy of {name}: named like a copy and holding the same department {dept}; delete the "
                "copy (first move any value typed only there into {name2}); never rename the KPI IDs, that would "
                "count them twice; this copy's KPIs are not counted",
                "sandsynligvis en kopi af {name}: navngivet som en kopi og med samme afdeling {dept}; slet kopien "
                "(flyt først værdier, der kun er skrevet her, over i {name2}); omdøb aldrig KPI-ID'erne, så ville de "
                "tælle dobbelt; denne kopis KPI'er tælles ikke med"),
               ("likely a copy of {name}: named like a copy and holding the same KPI ID(s) {ids}; delete the "
                "copy (first move any value typed only there into {name2}); never rename the KPI IDs, that would "
                "count them twice; this copy's KPIs are not counted",
                "sandsynligvis en kopi af {name}: navngivet som en kopi og med de samme KPI-ID'er {ids}; slet "
                "kopien (flyt først værdier, der kun er skrevet her, over i {name2}); omdøb aldrig KPI-ID'erne, så "
                "ville de tælle dobbelt; denne kopis KPI'er tælles ikke med")],
    "KPX604": [("KPI {id}: {inner:m}", "KPI {id}: {inner:m}")],
    "KPX605": [("could not be read ({why})", "kunne ikke læses ({why})")],
    "KPX501": [("KPI ID {id} is not in the KPIs table; pick an existing KPI ID",
                "KPI-ID {id} findes ikke i tabellen på arket {@KPIs}; vælg et eksisterende KPI-ID")],
    "KPX502": [("decision Adjust target needs a new target; type it in New target",
                "beslutningen Justér mål kræver en ny målværdi; skriv den i {@Evaluation.new_target}")],
    "KPX503": [("new target {t:n} is ignored with decision {d:w}; choose Adjust target or clear it",
                "den nye målværdi {t:n} ignoreres med beslutningen {d:w}; vælg Justér mål, eller ryd den")],
    "KPX504": [("KPI {id} is evaluated twice (first at {where}); keep one decision",
                "KPI {id} evalueres to gange (første gang i {where}); behold én beslutning")],
    # the commentary (kpixl.commentary)
    "KPX901": [("KPI {id} is {s:w} and no comment explains its latest period ({d}); add a row to {sheet} with this KPI "
                "ID, Period end {d2}, a comment on why and the action that will be taken",
                "KPI {id} er {s:w}, og ingen kommentar forklarer dens seneste periode ({d}); tilføj en række på arket "
                "{sheet} med dette KPI-ID, {@Commentary.period_end} {d2}, en kommentar om hvorfor og den handling, "
                "der vil blive taget")],
    "KPX902": [("the action is Open and was due {d} (as of {a}); set Action status to Done or Dropped, or agree a new "
                "Due date",
                "handlingen er Åben og skulle være udført {d} (pr. {a}); sæt {@Commentary.action_status} til Udført "
                "eller Droppet, eller aftal en ny {@Commentary.due_date}")],
    "KPX903": [("KPI ID {id} is not in the KPIs table, so this comment is shown nowhere; pick an existing KPI ID",
                "KPI-ID {id} findes ikke i tabellen på arket {@KPIs}, så kommentaren vises ingen steder; vælg et "
                "eksisterende KPI-ID")],
    "KPX904": [("the action has no owner; type the one person who owns it in Action owner",
                "handlingen har ingen ansvarlig; skriv den ene person, der ejer den, i {@Commentary.action_owner}")],
    "KPX905": [("action owner {who} looks like more than one person; an action has one owner: keep one name (split "
                "the action into one row per owner)",
                "handlingsansvarlig {who} ligner mere end én person; en handling har én ansvarlig: behold ét navn "
                "(del handlingen op i én række pr. ansvarlig)")],
    # rollover (kpixl.rollover): the decision words in these messages are already the workbook's own
    "KPX701": [("KPI {id} has no decision, so it was kept as it was; choose {k}, {a} or {r} on the Evaluation sheet",
                "KPI {id} har ingen beslutning, så den er beholdt uændret; vælg {k}, {a} eller {r} på arket "
                "{@Evaluation}")],
    "KPX702": [("KPI {id} is marked {k}, so its new target {t:n} is ignored; choose {a} to use it",
                "KPI {id} er markeret {k}, så dens nye målværdi {t:n} ignoreres; vælg {a} for at bruge den")],
    "KPX703": [("KPI {id} has no final actual as of {d} (no measurements in its period); its baseline stays blank",
                "KPI {id} har ingen endelig faktisk værdi pr. {d} (ingen målinger i perioden); dens udgangspunkt "
                "forbliver tomt"),
               ("KPI {id} has no final actual as of {d} (no measurements in its period); its baseline stays {b:n}",
                "KPI {id} har ingen endelig faktisk værdi pr. {d} (ingen målinger i perioden); dens udgangspunkt "
                "forbliver {b:n}")],
    "KPX704": [("KPI {id} has a new target {t:n} (was {o:n}); check that its SMART texts (Specific, Attainable) do "
                "not still name the old one",
                "KPI {id} har en ny målværdi {t:n} (var {o:n}); tjek, at dens SMART-tekster ({@KPIs.specific}, "
                "{@KPIs.attainable}) ikke stadig nævner den gamle")],
    "KPX705": [("KPI {id} has a start date but no deadline; give --deadline to make it time-bound",
                "KPI {id} har en startdato men ingen frist; angiv --deadline for at gøre den tidsbestemt")],
    "KPX706": [("the retired company KPI {id} may have department KPIs in other workbooks; give those a new Parent "
                "KPI ID or retire them too (rollover --departments DIR flags them in their next workbooks)",
                "den udfasede virksomheds-KPI {id} kan have afdelings-KPI'er i andre projektmapper; giv dem et nyt "
                "{@KPIs.parent_id}, eller udfas dem også (rollover --departments DIR markerer dem i deres næste "
                "projektmapper)")],
    "KPX707": [("every KPI was retired; the new workbook has no KPIs yet",
                "alle KPI'er er udfaset; den nye projektmappe har endnu ingen KPI'er")],
    "KPX708": [("KPI {id}'s final actual {v:n}, its new baseline, has no measurement for {n} of {m} {f:w} period(s) "
                "up to {d}: {listed:p}; it is the {agg:w} of the other {o}; enter the missing values and roll over "
                "again, or correct the new baseline",
                "KPI {id}s endelige faktiske værdi {v:n}, dens nye udgangspunkt, mangler en måling for {n} af {m} "
                "perioder ({f:w}) til og med {d}: {listed:p}; den er {agg:w} af de øvrige {o}; indtast de manglende "
                "værdier, og kør rollover igen, eller ret det nye udgangspunkt")],
    "KPX709": [("KPI {id} adds up over its period (sum): its {am:a} for {od} days ({os} to {oe}) are scaled by {r} "
                "to {new:a} for {nd} days ({ns} to {ne})",
                "KPI {id} lægges sammen over perioden (sum): {am:a} for {od} dage ({os} til {oe}) er skaleret med "
                "{r} til {new:a} for {nd} dage ({ns} til {ne})")],
    "KPX710": [("KPI {id}: Parent KPI {p} ({name}) was retired in the company's rollover ({file}); give this KPI "
                "another Parent KPI ID, or retire it. The note is in its next Evaluation.",
                "KPI {id}: Den overordnede KPI {p} ({name}) blev udfaset ved virksomhedens rollover ({file}); giv "
                "denne KPI et andet {@KPIs.parent_id}, eller udfas den. Noten står på arket {@Evaluation} i dens "
                "næste projektmappe.")],
    "KPX711": [("KPI {id}: Parent KPI {p} ({name}) has a new target, {o:n} -> {t:n} (company rollover, {file}); "
                "check that this KPI's target still supports it. The note is in its next Evaluation.",
                "KPI {id}: Den overordnede KPI {p} ({name}) har fået ny målværdi, {o:n} -> {t:n} (virksomhedens "
                "rollover, {file}); tjek, at denne KPI's målværdi stadig understøtter den. Noten står på arket "
                "{@Evaluation} i dens næste projektmappe.")],
    "KPX712": [("is the management workbook, so it is rolled over once, into the management output",
                "er ledelsens projektmappe, så den rulles kun over én gang, til ledelsens output")],
    "KPX731": [("KPI {id} is marked {a} but has no new target; type the new target, or choose {k} or {r}",
                "KPI {id} er markeret {a} men har ingen ny målværdi; skriv den nye målværdi, eller vælg {k} eller "
                "{r}")],
    "KPX732": [("{label} kept its target {t:n}, but its final actual {b:n} is already at or below it; choose {a} "
                "with a new target below {b2:n}, or {r}",
                "{label} beholdt sin målværdi {t:n}, men dens endelige faktiske værdi {b:n} er allerede på eller under "
                "den; vælg {a} med en ny målværdi under {b2:n}, eller {r}"),
               ("{label} has no decision, so it keeps its target {t:n}, but its final actual {b:n} is already at or "
                "below it; choose {a} with a new target below {b2:n}, or {r}",
                "{label} har ingen beslutning og beholder derfor sin målværdi {t:n}, men dens endelige faktiske værdi "
                "{b:n} er allerede på eller under den; vælg {a} med en ny målværdi under {b2:n}, eller {r}"),
               ("{label} kept its target {t:n}, but its final actual {b:n} already reached it; choose {a} with a new "
                "target above {b2:n}, or {r}",
                "{label} beholdt sin målværdi {t:n}, men dens endelige faktiske værdi {b:n} har allerede nået den; "
                "vælg {a} med en ny målværdi over {b2:n}, eller {r}"),
               ("{label} has no decision, so it keeps its target {t:n}, but its final actual {b:n} already reached "
                "it; choose {a} with a new target above {b2:n}, or {r}",
                "{label} har ingen beslutning og beholder derfor sin målværdi {t:n}, men dens endelige faktiske værdi "
                "{b:n} har allerede nået den; vælg {a} med en ny målværdi over {b2:n}, eller {r}"),
               ("{label}: {inner:m}; choose {a} or {r}", "{label}: {inner:m}; vælg {a} eller {r}")],
    "KPX733": [("{label} new target {t:n} does not fit its new baseline {b:n} (the final actual): {inner:m}; type a "
                "new target above {b2:n}",
                "{label}: den nye målværdi {t:n} passer ikke til det nye udgangspunkt {b:n} (den endelige faktiske "
                "værdi): {inner:m}; skriv en ny målværdi over {b2:n}"),
               ("{label} new target {t:n} does not fit its new baseline {b:n} (the final actual): {inner:m}; type a "
                "new target below {b2:n}",
                "{label}: den nye målværdi {t:n} passer ikke til det nye udgangspunkt {b:n} (den endelige faktiske "
                "værdi): {inner:m}; skriv en ny målværdi under {b2:n}")],
    "KPX734": [("KPI {id}: the new deadline {d} is not after its new start {s}; give a later --deadline or an "
                "earlier --start",
                "KPI {id}: den nye frist {d} ligger ikke efter den nye start {s}; angiv en senere --deadline eller en "
                "tidligere --start")],
    "KPX735": [("KPI {id} adds up over its period (sum): its {am:a} are for {od} days ({os} to {oe}), but the new "
                "period has {nd} days ({ns} to {ne}); run rollover with --prorate to scale them by {r}, or give a "
                "--deadline that keeps the period's length",
                "KPI {id} lægges sammen over perioden (sum): {am:a} gælder {od} dage ({os} til {oe}), men den nye "
                "periode har {nd} dage ({ns} til {ne}); kør rollover med --prorate for at skalere med {r}, eller "
                "angiv en --deadline, der bevarer periodens længde")],
    "KPX736": [("KPI {p} is retired, but KPI {c} ({where}) still rolls up to it; retire {c2} too, or give it another "
                "Parent KPI ID (the next consolidate would fail with KPX602)",
                "KPI {p} udfases, men KPI {c} ({where}) rulles stadig op til den; udfas også {c2}, eller giv den et "
                "andet {@KPIs.parent_id} (næste consolidate ville fejle med KPX602)")],
    # split (kpixl.split)
    "KPX801": [("KPI {id} is not a high-level KPI and has no Department, so split cannot tell whose workbook it "
                "belongs in; type its department, or Level high for a company KPI",
                "KPI {id} er ikke en høj KPI og har ingen {@KPIs.department}, så split kan ikke se, hvis projektmappe "
                "den hører til; skriv dens afdeling, eller {@KPIs.level} høj for en virksomheds-KPI")],
    "KPX802": [("department {d} of KPI {id} is spelled {first} at {where}; both go into the workbook of {first2}",
                "afdelingen {d} for KPI {id} staves {first} i {where}; begge kommer i projektmappen for {first2}")],
    "KPX803": [("the plan's {n} measurement(s) are not copied: the split workbooks start with empty Measurements",
                "planens {n} måling(er) kopieres ikke: de opdelte projektmapper starter med et tomt ark "
                "{@Measurements}")],
    "KPX804": [("the plan's {n} evaluation row(s) are not copied: the split workbooks start with an empty Evaluation",
                "planens {n} evalueringsrække(r) kopieres ikke: de opdelte projektmapper starter med et tomt ark "
                "{@Evaluation}")],
    "KPX805": [("the plan's extra KPIs column(s) {cols} are not copied into the split workbooks",
                "planens ekstra kolonne(r) {cols} på arket {@KPIs} kopieres ikke til de opdelte projektmapper")],
    "KPX806": [("the plan's KPIs table is empty; type the high-level KPIs and each department's KPIs (with their "
                "Department) first",
                "planens KPI-tabel er tom; skriv først de høje KPI'er og hver afdelings KPI'er (med deres "
                "{@KPIs.department})")],
    "KPX807": [("the plan has no high-level KPI (Level high), so the management workbook has nothing for the "
                "departments' KPIs to roll up to",
                "planen har ingen høj KPI ({@KPIs.level} høj), så ledelsens projektmappe har intet, som afdelingernes "
                "KPI'er kan rulles op til")],
}

# What to type in a blank required cell (kpixl.reader's hints), in Danish.
_HINTS_DA = {
    "type a short unique code, e.g. SAL-01": "skriv en kort, entydig kode, f.eks. SAL-01",
    "type what is measured": "skriv, hvad der måles",
    "type the one person responsible": "skriv den ene ansvarlige person",
    "type the value to reach by the deadline": "skriv den værdi, der skal nås inden deadline",
    "choose increase, decrease or maintain": "vælg øge, mindske eller fastholde",
    "choose sum, average, last, min or max": "vælg sum, gennemsnit, seneste, min eller maks",
    "type the last day of the measured period": "skriv den målte periodes sidste dag",
    "type the measured value": "skriv den målte værdi",
    "fill it in": "udfyld den",
    "type a name for the phasing profile": "skriv et navn til periodiseringsprofilen",
    "type the month's weight (0 or more; 0 plans nothing for that month)":
        "skriv månedens vægt (0 eller mere; 0 planlægger intet for den måned)",
}
_EXCEL_ERRORS_DA = {"#VALUE!": "#VÆRDI!", "#NAME?": "#NAVN?", "#N/A": "#I/T", "#DIV/0!": "#DIVISION/0!",
                    "#REF!": "#REFERENCE!", "#NUM!": "#NUM!", "#NULL!": "#NUL!"}
_EXTRA_WORDS_DA = {"direction": "retning", "aggregation": "sammentælling", "frequency": "frekvens",
                   "level": "niveau", "decision": "beslutning", "keep": "behold", "retire": "udgå",
                   "adjust": "justér mål", "true": "SAND", "false": "FALSK"}


@lru_cache(maxsize=None)
def _compiled(code: str) -> list[tuple[re.Pattern[str], str, dict[str, str]]]:
    rules = []
    for english, danish in CATALOG.get(code, []):
        kinds: dict[str, str] = {}
        pattern, last = "", 0
        for match in _PLACEHOLDER.finditer(english):
            pattern += re.escape(english[last:match.start()])
            name, kind = match.group(1), match.group(2) or ""
            kinds[name] = kind
            pattern += f"(?P<{name}>{_NUMBER})" if kind == "n" else f"(?P<{name}>.+?)"
            last = match.end()
        pattern += re.escape(english[last:])
        rules.append((re.compile(pattern, re.S), danish, kinds))
    return rules


def translate(code: str, message: str) -> str | None:
    """Return the Danish wording of ``message`` (a finding of ``code``), or None when no template fits."""
    for pattern, danish, kinds in _compiled(code):
        match = pattern.fullmatch(message)
        if match is None:
            continue
        values = {name: _carry(value, kinds[name]) for name, value in match.groupdict().items()}
        if None in values.values():
            continue
        return _fill(danish, values)
    return None


def _fill(danish: str, values: dict[str, str | None]) -> str:
    def put(match: re.Match[str]) -> str:
        return str(values[match.group(1)])

    text = re.sub(r"\{@(\w+)(?:\.(\w+))?\}", _schema_word, danish)
    return _PLACEHOLDER.sub(put, text)


def _schema_word(match: re.Match[str]) -> str:
    table = _table(match.group(1))
    return table.column(match.group(2)).da if match.group(2) else table.sheet_da


def _table(name: str) -> schema.Table:
    return {t.name: t for t in schema.TABLES}[name]


def _carry(value: str, kind: str) -> str | None:
    """Return a captured fact in Danish form (None: this template does not fit it)."""
    if kind == "n":
        return _number(value)
    if kind == "h":
        return header_da(value)
    if kind == "l":
        return ", ".join(header_da(part.strip()) for part in value.split(","))
    if kind == "w":
        return word_da(value)
    if kind == "e":
        return _EXCEL_ERRORS_DA.get(value, value)
    if kind == "m":
        return translate("core", value)
    if kind == "o":
        return value.replace(" or ", " eller ").replace("(or ", "(eller ")
    if kind == "k":
        return _HINTS_DA.get(value)
    if kind == "a":
        return _amounts(value)
    if kind == "p":
        return value.replace("week ", "uge ")
    return value


def _amounts(text: str) -> str | None:
    """Return ``target 1300, baseline 1200 and tolerance 50`` in Danish (None: not such a list)."""
    parts = [p.strip() for p in re.split(r",| and ", text) if p.strip()]
    said = []
    for part in parts:
        match = re.fullmatch(rf"(\w+) ({_NUMBER})", part)
        if match is None or header_da(match.group(1)) == match.group(1):
            return None
        said.append(f"{header_da(match.group(1)).lower()} {_number(match.group(2))}")
    return said[0] if len(said) == 1 else ", ".join(said[:-1]) + " og " + said[-1]


def _number(text: str) -> str:
    # 12.5 -> 12,5; 1234.5 stays without a thousands separator, as it was typed; ISO dates never reach here.
    return re.sub(r"(?<=\d)\.(?=\d)", ",", text)


@lru_cache(maxsize=None)
def _headers() -> dict[str, str]:
    found: dict[str, str] = {}
    for table in schema.TABLES:
        for column in table.columns:
            for english in (column.en, column.en[:1].lower() + column.en[1:], column.en.lower()):
                found.setdefault(english, column.da)
            found.setdefault(column.da, column.da)
    return found


def header_da(label: str) -> str:
    """Return the Danish header for an English column label (as the messages cite it); others unchanged."""
    return _headers().get(label.strip(), label)


def word_da(text: str) -> str:
    """Return the Danish word for a vocabulary word or value (direction, frequency, decision ...)."""
    folded = text.strip().casefold()
    for vocabulary in core.VOCABULARIES:
        try:
            canonical = core.parse_word(vocabulary, folded)
        except Exception:  # noqa: BLE001 - not a word of this vocabulary
            continue
        return core.word(vocabulary, canonical, Language.DA)
    return _EXTRA_WORDS_DA.get(folded, text)


def localize(findings: Iterable[Finding], language: object) -> list[Finding]:
    """Return ``findings`` worded in ``language`` (Danish messages for ``da``; English as they are)."""
    findings = list(findings)
    if core.parse_language(language) is not Language.DA:
        return [f.in_language(language) if isinstance(f.wording, Message) else f for f in findings]
    out = []
    for finding in findings:
        if isinstance(finding.wording, Message):
            out.append(finding.in_language(language))
            continue
        danish = translate(finding.code, finding.message)
        out.append(finding if danish is None else dataclasses.replace(finding, wording=danish))
    return out


def untranslated(findings: Iterable[Finding]) -> list[Finding]:
    """Return the findings whose message has no Danish template (a test keeps this empty)."""
    return [f for f in findings if not isinstance(f.wording, Message) and translate(f.code, f.message) is None]
