"""Every finding's message, and the words its facts are said in, in English and Danish.

A finding is data (:class:`kpixl.model.Finding`): its code, a message key and the facts
(:class:`kpixl.message.Message`). Here is each key's template per language, with the
same ``{placeholders}`` in both. Keys are ``<code>.<variant>`` for a finding code (one
code may say several things: ``KPX109.zip``, ``KPX109.part``), ``core.<rule>`` for
the core's rule messages (a finding nests them), ``hint.<column>`` for what to type in a
blank required cell, ``word.<word>`` for the words facts are said with, ``excel.<error>``
for Excel's error values, and ``rollover.``, ``split.``, ``company.`` and ``refusal.`` for what
those commands say when they refuse a run (:class:`kpixl.model.Refusal`). A new finding code is one :class:`kpixl.codes.Code` entry and
its templates here (``tests/test_findings_catalogue.py`` checks every code kpixl emits
has them, and renders every key). Entries are sorted by key.
"""

TEXTS = {
    "en": {
        'KPX101': 'no such file or folder; check the path',
        'KPX102': 'is not a regular file; give an .xlsx workbook',
        'KPX103.os': 'cannot be read ({why}); check the file',
        'KPX103.permission': 'cannot be read (permission denied); ask for read access or copy the file',
        'KPX104': 'is empty (0 bytes); save the workbook again from Excel',
        'KPX105':
            ('is an old Excel 97-2003 (.xls) or other binary Office file; open it in Excel and save it as an Excel '
             'Workbook (.xlsx)'),
        'KPX106':
            ('is password-protected (encrypted); remove the password in Excel (File > Info > Protect Workbook) and '
             'save again'),
        'KPX107.csv':
            ('is a text/CSV file renamed to a workbook name, not a workbook; open it in Excel and save it as an Excel'
             ' Workbook (.xlsx)'),
        'KPX107.html':
            ('is an HTML page with an Excel name, not a workbook; open it in Excel and save it as an Excel Workbook '
             '(.xlsx)'),
        'KPX107.text': 'is a text file, not a workbook; give the .xlsx workbook',
        'KPX107.xml':
            ('is an XML text file (e.g. Excel 2003 XML), not an .xlsx workbook; open it in Excel and save it as an '
             'Excel Workbook (.xlsx)'),
        'KPX108': 'is not an Excel workbook (not a zip package); give the .xlsx workbook',
        'KPX109.part': 'is truncated or corrupt (part {part}: {why}); get a fresh copy or save it again from Excel',
        'KPX109.sheet': 'the sheet cannot be read ({why}); save the workbook again from Excel',
        'KPX109.workbook': 'cannot be read as a workbook ({why}); save it again from Excel',
        'KPX109.zip':
            'is truncated or corrupt (not a complete zip package); get a fresh copy or save it again from Excel',
        'KPX110.ods': 'is an OpenDocument spreadsheet (.ods); save it as an Excel Workbook (.xlsx)',
        'KPX110.office': 'is a Word or PowerPoint file, not an Excel workbook',
        'KPX110.xlsb': 'is an Excel binary workbook (.xlsb); save it as an Excel Workbook (.xlsx)',
        'KPX110.zip': 'is a zip file but not an Excel workbook (no xl/workbook.xml); give the .xlsx workbook',
        'KPX111.parts': 'holds {n} parts (limit {limit}); this is not a department workbook',
        'KPX111.size':
            ('unpacks to {mb} MB (limit {limit} MB); this is far beyond a department workbook (possible decompression'
             ' bomb)'),
        'KPX112': 'part {part} unpacks {n} times its packed size (limit {limit}:1); possible decompression bomb',
        'KPX113.cell':
            ('part {part} reaches cell {cell} ({cells} cells; limit {rows} rows, {cols} columns, {max} cells); this '
             'is far beyond a department workbook (possible decompression bomb)'),
        'KPX113.cells':
            ('part {part} holds more than {n} cells (limit {rows} rows, {cols} columns, {max} cells); this is far '
             'beyond a department workbook (possible decompression bomb)'),
        'KPX113.memory': 'needs more memory than a department workbook; possible decompression bomb',
        'KPX113.range':
            ('part {part} declares the range {ref} (limit {rows} rows, {cols} columns); this is far beyond a '
             'department workbook (possible decompression bomb)'),
        'KPX113.rows':
            ('part {part} holds more than {n} rows (limit {rows} rows, {cols} columns, {max} cells); this is far '
             'beyond a department workbook (possible decompression bomb)'),
        'KPX114.entities':
            ('part {part} declares XML entities (<!DOCTYPE/<!ENTITY), which Excel never writes; the file was tampered'
             ' with'),
        'KPX114.root': 'part {part} has no root element in its first {n} bytes; the file was tampered with',
        'KPX114.utf16': 'part {part} is UTF-16 XML, which Excel never writes; save the workbook again from Excel',
        'KPX115':
            ('is not a kpixl workbook (no table named KPIs and no kpixl metadata); start from a workbook made by '
             '`kpixl template`'),
        'KPX116': 'the folder holds no .xlsx or .xlsm workbooks; give the folder with the department workbooks',
        'KPX116.recursive':
            ('the folder and its subfolders hold no .xlsx or .xlsm workbooks; give the folder with the department '
             'workbooks'),
        'KPX117.part': 'part {part} is missing or too large; save the workbook again from Excel',
        'KPX117.range': 'the table {table} has no valid range ({ref}); save the workbook again from Excel',
        'KPX117.xml': 'part {part} is not well-formed XML ({why}); save the workbook again from Excel',
        'KPX120': 'the workbook has kpixl schema version {v}; this kpixl reads version {w}; results may be incomplete',
        'KPX121':
            ('has no Excel table named KPIs; the KPI definitions must stay in the table named KPIs (Table Design > '
             'Table Name)'),
        'KPX122':
            'the workbook has no Excel table named Measurements; keep the measurements in the table named {sheet}',
        'KPX123': 'the workbook has no Excel table named {sheet}; rollover needs it at the end of the period',
        'KPX124':
            ('there is no Excel table named {table}, but this sheet holds its headers: kpixl reads {data} under them '
             "as the {table} table; make it a table again, or the workbook's own formulas do not count it: in Excel "
             'select {ref}, Insert > Table (My table has headers), then Table Design > Table Name: {table}; in '
             'LibreOffice select {ref}, Data > Define Range, Name: {table}'),
        'KPX130': 'table {table} has no column {header} ({en}); add the column to the table',
        'KPX131.kpis':
            ('unknown column {header} in table {table}; its values are kept with each KPI and carried into the '
             'company workbook and CSV, but not checked (rename it to a known header if it should be one)'),
        'KPX131.measurements':
            ('unknown column {header} in table {table}; its values are kept with each measurement and carried into '
             'the company workbook and CSV, but not checked (rename it to a known header if it should be one)'),
        'KPX131.other':
            ('unknown column {header} in table {table}; kpixl does not use it (rollover reads {decision}, '
             '{new_target} and {notes}) (rename it to a known header if it should be one)'),
        'KPX132':
            ("row {row} is below the table {table} (which ends at row {end}); kpixl reads it, but the workbook's own "
             'formulas do not count it until you resize the table to include it (Table Design > Resize Table)'),
        'KPX133': 'column {header} repeats column {cell} of table {table}; only the first is read',
        'KPX134.clutter': "share clutter (a lock file, a Mac's ._ file, Thumbs.db, ...), not a workbook",
        'KPX134.company':
            ('a company workbook kpixl consolidate wrote is not a department workbook, so it is not read; keep the '
             "company workbook outside the departments' folder"),
        'KPX134.csv': 'a CSV text file is not read; kpixl reads the department workbook (.xlsx), not CSV exports',
        'KPX134.folder':
            "the folder cannot be listed ({error}); its files are not read; check the folder's permissions",
        'KPX134.ods':
            'an OpenDocument spreadsheet (.ods) is not read; save it as an Excel Workbook (.xlsx) to include it',
        'KPX134.other':
            ('not an Excel workbook (.xlsx or .xlsm), so it is not read; move it out of the folder if it is not an '
             'input'),
        'KPX134.xls':
            'an old Excel 97-2003 workbook (.xls) is not read; save it as an Excel Workbook (.xlsx) to include it',
        'KPX134.xlsb':
            'an Excel binary workbook (.xlsb) is not read; save it as an Excel Workbook (.xlsx) to include it',
        'KPX135':
            ('subfolder holds {n} workbook(s) that are not read; give the subfolder too, or use --recursive to read '
             'subfolders'),
        'KPX136.more':
            ('{n} more row(s) down to {cell} hold values outside the {table} table: not counted; extend the table to '
             'include them or delete them'),
        'KPX136.value':
            ('a value outside the {table} table (which ends at row {end}, with a blank row between): not counted; '
             'extend the table to include its row (Table Design > Resize Table) or delete it'),
        'KPX137.below':
            ('row {row}, just below the {table} table (which ends at row {end}), has a value here but no {keys}: not '
             'counted; complete the row or clear it'),
        'KPX137.row':
            'row {row} of the {table} table has a value here but no {keys}: not counted; complete the row or clear it',
        'KPX138.appledouble':
            ("a Mac's hidden companion file of {name} (._ AppleDouble, written on shared drives), not a workbook; "
             'left out, nothing to do'),
        'KPX138.desktop_ini': 'a Windows folder settings file (desktop.ini), not a workbook; left out, nothing to do',
        'KPX138.ds_store': 'a macOS Finder file (.DS_Store), not a workbook; left out, nothing to do',
        'KPX138.lock':
            ("{app}'s lock file: {book} is open in {app} (the lock file names nobody); left out, it is not a "
             'workbook; the last saved {book} is read, so ask them to save and close it if they are still typing'),
        'KPX138.lock_user':
            ("{app}'s lock file: {book} is open in {app} by {user}; left out, it is not a workbook; the last saved "
             '{book} is read, so ask them to save and close it if they are still typing'),
        'KPX138.thumbs': 'a Windows thumbnail cache ({name}), not a workbook; left out, nothing to do',
        'KPX190':
            ('the spreadsheet reader crashed on this file ({detail}); it may be damaged or hostile: open it in Excel,'
             ' save it again as .xlsx, and send it again'),
        'KPX191':
            ('reading this file took longer than {detail}; it may be damaged or far larger than a department '
             'workbook: save it again from Excel, or allow more time with --file-timeout'),
        'KPX192':
            ('reading this file needed more memory than {detail}; it may be a decompression bomb or far larger than a'
             ' department workbook: save it again from Excel'),
        'KPX199': 'cannot be read ({why}); save it again from Excel and report this to finance',
        'KPX201': '{label} is blank; {hint}',
        'KPX202.inner': '{inner}; type a number',
        'KPX202.text': '{label} "{x}" is not a number; type a number',
        'KPX203.boolean': '{label} is {b}, not a number; type a number',
        'KPX203.date':
            '{label} is a date ({d}), not a number; type a number (and use a number format, not a date format)',
        'KPX204.either':
            ('{label} "{x}" is text; it could mean {a} ({s1} as thousands separator) or {b} ({s2} as decimal '
             'separator); type the number you mean'),
        'KPX204.number': '{label} "{x}" is text; type the number {v}',
        'KPX204.percent': '{label} "{x}" is text; type the number {p}% (the value {v})',
        'KPX205.date': '{label} "{x}" is text; type it as a date ({d})',
        'KPX205.either': '{label} "{x}" is text; it could mean {options}; type the date you mean as a date',
        'KPX206.boolean': '{label} is {b}, not a date; type a date',
        'KPX206.number': '{label} {x} is not a date; type a date (e.g. 2026-06-30)',
        'KPX206.text': '{label} "{x}" is not a date; type a date (e.g. 2026-06-30)',
        'KPX207': '{label}: {inner}',
        'KPX208':
            ('{label} holds a formula with no saved value; open and save the workbook in Excel (which calculates it) '
             'or type the value'),
        'KPX209': '{label} shows the error {e}; fix the formula or type the value',
        'KPX215.date':
            ('{label} is the date {d}, not text: the spreadsheet turned an ID like MAR-01 into a date when it was '
             'typed; format the {column} column as Text (Format Cells > Text) and type the ID again'),
        'KPX215.number':
            ('{label} is the number {v}, not text: the spreadsheet turned the ID into a number when it was typed (007'
             ' becomes 7, 1E3 becomes 1000); format the {column} column as Text (Format Cells > Text) and type the ID'
             ' again'),
        'KPX301': 'KPI ID {id} is used twice (first at {where}); give each KPI its own ID',
        'KPX302': '{inner}',
        'KPX303': '{inner}; move the deadline after the start',
        'KPX304': '{inner}; make {green} at least {amber}',
        'KPX305': 'weight {w} is negative; type 0 or more (blank means 1)',
        'KPX306': 'no deadline: a SMART KPI is time-bound; type the deadline',
        'KPX307': 'SMART text missing: {fields}; describe how the KPI is {how}',
        'KPX308':
            'a low-level KPI without a {parent_id} does not roll up; type the ID of the high-level KPI it supports',
        'KPX309': 'KPI {id} names itself as parent; give the ID of the high-level KPI it supports',
        'KPX310': '{name} is {v}, an attainment of {p}%; did you mean {v}%? type it with a % sign',
        'KPX311': 'owner {who} looks like more than one person; a KPI has one responsible owner',
        'KPX312':
            ("{header} {typed} differs from the workbook's department {department}; the KPI is read as {department}; "
             'type {department} here, or move the KPI to the {typed} workbook'),
        'KPX320.none':
            ('phasing profile {name} is not in the {sheet} table (it has none yet); pick a profile from the list or '
             'leave {column} blank for a straight line'),
        'KPX320.profiles':
            ('phasing profile {name} is not in the {sheet} table (profiles: {names}); pick a profile from the list or'
             ' leave {column} blank for a straight line'),
        'KPX321':
            ('the weight of phasing profile {name} for {month} is {w}, below 0; type 0 or more (0 plans nothing for '
             'that month)'),
        'KPX322':
            ('phasing profile {name} weighs 0 in every month from {start} to {deadline}, so nothing is ever planned; '
             'give one of these months a weight above 0 in the {sheet} sheet, or pick another profile'),
        'KPX323': 'phasing profile {name} is named twice (first at {first}); give each profile its own name',
        'KPX401': 'KPI ID {id} is not in the {sheet} table; pick an existing KPI ID or add the KPI',
        'KPX402': 'a second value for KPI {id} and period end {d} (first at {where}); delete one of them',
        'KPX403': "period end {d} is before the KPI's start date {s}; check the date",
        'KPX404': "period end {d} is after the KPI's deadline {e}; check the date",
        'KPX405':
            'no measurement for {n} {f} period(s) ended before {d}: {listed}; enter the missing values in {sheet}',
        'KPX406':
            ('close of period: no measurement for the last {f} period {label} before the deadline {d}; the final '
             'actual leaves it out (and rollover would take that as the next baseline); enter the value in {sheet}'),
        'KPX407':
            ('value {v} for a % KPI whose target is {t}% counts as {p}%; if you meant {v}%, type it with a % sign '
             '({v}%) or as {x}'),
        'KPX408':
            ("value {v} is more than {m} times the KPI's target {t}; check the value and its unit (a typo, or "
             'thousands typed as units?)'),
        'KPX408.baseline':
            ("value {v} is more than {m} times the KPI's target {t} and baseline {b}; check the value and its unit (a"
             ' typo, or thousands typed as units?)'),
        'KPX501': 'KPI ID {id} is not in the {sheet} table; pick an existing KPI ID',
        'KPX502': 'decision Adjust target needs a new target; type it in {column}',
        'KPX503': 'new target {t} is ignored with decision {d}; choose Adjust target or clear it',
        'KPX504': 'KPI {id} is evaluated twice (first at {where}); keep one decision',
        'KPX601.earlier':
            'KPI ID {id} is also in {where}; KPI IDs must be unique across the company: rename one of them',
        'KPX601.shared':
            ('KPI ID {id} is also in {where}; KPI IDs must be unique across the company and no file is preferred, so '
             'all of them are left out: remove the copy or rename the KPI in one file'),
        'KPX602':
            ('{parent_id} {parent} of KPI {id} matches no high-level KPI in any input ({files}); use the ID of a KPI '
             'with level high'),
        'KPX602.more':
            ('{parent_id} {parent} of KPI {id} matches no high-level KPI in any input ({files} and {n} more); use the'
             ' ID of a KPI with level high'),
        'KPX603.earlier':
            ('department {dept} is also in {other}; each department belongs in one workbook: merge the two files or '
             'correct the department'),
        'KPX603.shared':
            ('department {dept} is also in {others}; each department belongs in one workbook and no file is '
             'preferred, so all of them are left out: remove the copy, merge the files or correct the department'),
        'KPX604': 'KPI {id}: {inner}',
        'KPX605': 'could not be read ({why})',
        'KPX606': "identical copy of {name} (the same bytes); delete one; this copy's KPIs are not counted",
        'KPX607.department':
            ('likely a copy of {name}: named like a copy and holding the same department {shared}; delete the copy '
             '(first move any value typed only there into {name}); never rename the KPI IDs, that would count them '
             "twice; this copy's KPIs are not counted"),
        'KPX607.ids':
            ('likely a copy of {name}: named like a copy and holding the same KPI ID(s) {shared}; delete the copy '
             '(first move any value typed only there into {name}); never rename the KPI IDs, that would count them '
             "twice; this copy's KPIs are not counted"),
        'KPX607.more': '{ids} and {n} more',
        'KPX608.no_as_of':
            '--previous has no as-of date in {cell}; give the company workbook kpixl consolidate wrote last month',
        'KPX608.no_columns':
            ('--previous has no Department, KPI ID, Period end and Value columns on {sheet}; give the company '
             'workbook kpixl consolidate wrote last month'),
        'KPX608.not_company':
            ('--previous is not a company workbook (no Summary, History and Measurements sheets); give the company '
             'workbook kpixl consolidate wrote last month'),
        'KPX608.unreadable':
            ('--previous cannot be read as a workbook ({why}); give the company workbook kpixl consolidate wrote last'
             ' month'),
        'KPX701':
            ('KPI {id} has no decision, so it was kept as it was; choose {keep}, {adjust} or {retire} on the {sheet} '
             'sheet'),
        'KPX702': 'KPI {id} is marked {marked}, so its new target {t} is ignored; choose {adjust} to use it',
        'KPX703.baseline':
            'KPI {id} has no final actual as of {d} (no measurements in its period); its baseline stays {b}',
        'KPX703.blank':
            'KPI {id} has no final actual as of {d} (no measurements in its period); its baseline stays blank',
        'KPX704':
            ('KPI {id} has a new target {t} (was {o}); check that its SMART texts ({specific}, {attainable}) do not '
             'still name the old one'),
        'KPX705': 'KPI {id} has a start date but no deadline; give --deadline to make it time-bound',
        'KPX706':
            ('the retired company KPI {id} may have department KPIs in other workbooks; give those a new {parent_id} '
             'or retire them too (rollover --departments DIR flags them in their next workbooks)'),
        'KPX707': 'every KPI was retired; the new workbook has no KPIs yet',
        'KPX708':
            ("KPI {id}'s final actual {v}, its new baseline, has no measurement for {n} of {m} {f} period(s) up to "
             '{d}: {listed}; it is the {agg} of the other {o}; enter the missing values and roll over again, or '
             'correct the new baseline'),
        'KPX709':
            ('KPI {id} adds up over its period (sum): its {amounts} for {od} days ({os} to {oe}) are scaled by {r} '
             'to {new} for {nd} days ({ns} to {ne})'),
        'KPX710':
            ("KPI {id}: Parent KPI {parent} ({name}) was retired in the company's rollover ({file}); give this KPI "
             'another {parent_id}, or retire it. The note is in its next {sheet}.'),
        'KPX711':
            ('KPI {id}: Parent KPI {parent} ({name}) has a new target, {old} -> {new} (company rollover, {file}); '
             "check that this KPI's target still supports it. The note is in its next {sheet}."),
        'KPX712': 'is the management workbook, so it is rolled over once, into the management output',
        'KPX731':
            'KPI {id} is marked {adjust} but has no new target; type the new target, or choose {keep} or {retire}',
        'KPX732.kept_below':
            ('{label} kept its target {t}, but its final actual {b} is already at or below it; choose {adjust} with '
             'a new target below {b}, or {retire}'),
        'KPX732.kept_reached':
            ('{label} kept its target {t}, but its final actual {b} already reached it; choose {adjust} with a new '
             'target above {b}, or {retire}'),
        'KPX732.rule': '{label}: {inner}; choose {adjust} or {retire}',
        'KPX732.undecided_below':
            ('{label} has no decision, so it keeps its target {t}, but its final actual {b} is already at or below '
             'it; choose {adjust} with a new target below {b}, or {retire}'),
        'KPX732.undecided_reached':
            ('{label} has no decision, so it keeps its target {t}, but its final actual {b} already reached it; '
             'choose {adjust} with a new target above {b}, or {retire}'),
        'KPX733.above':
            ('{label} new target {t} does not fit its new baseline {b} (the final actual): {inner}; type a new '
             'target above {b}'),
        'KPX733.below':
            ('{label} new target {t} does not fit its new baseline {b} (the final actual): {inner}; type a new '
             'target below {b}'),
        'KPX734':
            ('KPI {id}: the new deadline {d} is not after its new start {s}; give a later --deadline or an earlier '
             '--start'),
        'KPX735':
            ('KPI {id} adds up over its period (sum): its {amounts} are for {od} days ({os} to {oe}), but the new '
             'period has {nd} days ({ns} to {ne}); run rollover with --prorate to scale them by {r}, or give a '
             "--deadline that keeps the period's length"),
        'KPX736':
            ('KPI {parent} is retired, but KPI {child} ({where}) still rolls up to it; retire {child} too, or give '
             'it another {parent_id} (the next consolidate would fail with KPX602)'),
        'KPX801':
            ('KPI {id} is not a high-level KPI and has no {department}, so split cannot tell whose workbook it '
             'belongs in; type its department, or {level} high for a company KPI'),
        'KPX802': 'department {d} of KPI {id} is spelled {first} at {where}; both go into the workbook of {first}',
        'KPX803': "the plan's {n} measurement(s) are not copied: the split workbooks start with empty {sheet}",
        'KPX804': "the plan's {n} evaluation row(s) are not copied: the split workbooks start with an empty {sheet}",
        'KPX805': "the plan's extra {sheet} column(s) {cols} are not copied into the split workbooks",
        'KPX806':
            ("the plan's KPIs table is empty; type the high-level KPIs and each department's KPIs (with their "
             '{department}) first'),
        'KPX807':
            ('the plan has no high-level KPI ({level} high), so the management workbook has nothing for the '
             "departments' KPIs to roll up to"),
        'KPX830':
            'parent KPI ID {pid} of KPI {id} is not a high-level KPI of the company workbook {file}; pick one of {ids}',
        'KPX831':
            ('deadline {d} is after the deadline {pd} of its parent {pid}: the KPI is not due when the company KPI '
             'is judged; move the deadline to {pd} or earlier'),
        'KPX832':
            ('direction {dir} differs from its parent {pid} ({pdir}); fine if moving this KPI that way drives the '
             'parent (the roll-up counts attainment), otherwise correct the direction or the parent KPI ID'),
        'KPX833':
            ('unit {unit} differs from its parent {pid} ({punit}); fine for a driver measured in its own unit (the '
             'roll-up counts attainment), otherwise correct the unit or the parent KPI ID'),
        'KPX901':
            ('KPI {id} is {s} and no comment explains its latest period ({d}); add a row to {sheet} with this KPI ID,'
             ' {column} {d}, a comment on why and the action that will be taken'),
        'KPX902':
            'the action is Open and was due {d} (as of {a}); set {status} to Done or Dropped, or agree a new {due}',
        'KPX903': 'KPI ID {id} is not in the {sheet} table, so this comment is shown nowhere; pick an existing KPI ID',
        'KPX904': 'the action has no owner; type the one person who owns it in {column}',
        'KPX905':
            ('action owner {who} looks like more than one person; an action has one owner: keep one name (split the '
             'action into one row per owner)'),
        'company.invalid': 'the company workbook has {n} error(s), so it cannot be used for --company',
        'company.no_high':
            ('{source}: the company workbook holds no high-level KPI ({level} high); give the management workbook '
             "with the company's KPIs"),
        'core.deadline_after_start': 'the deadline must be after the start date (start {s}, deadline {d})',
        'core.decrease_below': 'a decrease KPI needs its target below its baseline (target {t}, baseline {b})',
        'core.decrease_no_baseline': 'a decrease KPI needs a baseline to decrease from (target {t})',
        'core.elapsed_range': 'the elapsed fraction must be between 0 and 1 (elapsed {e})',
        'core.green_amber': 'green must be at least amber (green {g}, amber {a})',
        'core.increase_above': 'an increase KPI needs its target above its baseline (target {t}, baseline {b})',
        'core.increase_no_baseline': 'an increase KPI with no baseline needs a target above 0 (target {t})',
        'core.maintain_tolerance': 'a maintain KPI with target 0 needs a tolerance; type the allowed distance',
        'core.not_a_date': '{x} is not a date',
        'core.not_a_date_serial': '{x} is not a date serial between 1900 and 9999',
        'core.not_a_date_type': '{x} is not a date; type a date (e.g. 2026-06-30)',
        'core.not_a_number': '{what} {x} is not a number',
        'core.not_finite': '{what} {x} is not a finite number',
        'core.phase_range': '{what} must be between 0 and 1 ({what} {v})',
        'core.profile': 'the phasing profile',
        'core.profile_named': 'the phasing profile {name}',
        'core.profile_unknown':
            ('the phasing profile {name} is not in the Phasing table; pick a profile from the list or leave Phasing '
             'blank for a straight line'),
        'core.rollup_weights': 'roll-up needs one weight per attainment ({n} attainments, {w} weights)',
        'core.target_blank': 'the target is blank; type the value to reach',
        'core.target_close': 'the target is too close to the baseline to measure progress (target {t}, baseline {b})',
        'core.text_not_number': '{what} {x} is text, not a number; type the number',
        'core.tolerance_above_0': 'the tolerance must be above 0 (tolerance {t})',
        'core.tolerance_small': 'the tolerance is too small to measure (tolerance {t})',
        'core.trend_target': 'a maintain trend needs the target to measure distances from',
        'core.unknown_aggregation': 'unknown aggregation {x}',
        'core.unknown_direction': 'unknown direction {x}',
        'core.weight_below_0': 'a weight cannot be negative (weight {w})',
        'core.weight_blank': '{name} has a blank weight for month {month}; type 0 or more',
        'core.weight_negative': '{name} has a negative weight for month {month} ({w}); type 0 or more',
        'core.weight_of': "{name}'s weight for month {month}",
        'core.weights_count': '{name} needs 12 month weights, January to December ({n} given)',
        'core.weights_zero':
            '{name} weighs 0 in every month from {s} to {d}; give at least one of these months a weight above 0',
        'core.word_blank': '{v} is blank; use one of {words}',
        'core.word_unknown': 'unknown {v} {x}; use one of {words}',
        'core.words': '{words}',
        'core.words_other': '{words} (or {other})',
        'excel.div0': '#DIV/0!',
        'excel.na': '#N/A',
        'excel.name': '#NAME?',
        'excel.null': '#NULL!',
        'excel.num': '#NUM!',
        'excel.ref': '#REF!',
        'excel.value': '#VALUE!',
        'hint.aggregation': 'choose sum, average, last, min or max',
        'hint.direction': 'choose increase, decrease or maintain',
        'hint.kpi_id': 'type a short unique code, e.g. SAL-01',
        'hint.month': "type the month's weight (0 or more; 0 plans nothing for that month)",
        'hint.name': 'type what is measured',
        'hint.other': 'fill it in',
        'hint.owner': 'type the one person responsible',
        'hint.period_end': 'type the last day of the measured period',
        'hint.profile': 'type a name for the phasing profile',
        'hint.target': 'type the value to reach by the deadline',
        'hint.value': 'type the measured value',
        'refusal.head': '{source}: {reason}; fix them and run again:',
        'refusal.more': '... and {n} more (run kpixl validate {source})',
        'rollover.dates':
            'the new deadline {deadline} must be after the new start {start}; change --start or --deadline',
        'rollover.folder_is_file': "{folder}: is a file; give a folder for the departments' next workbooks",
        'rollover.invalid': 'cannot roll over a workbook with {n} error(s)',
        'rollover.not_a_folder': '{folder}: is not a folder; give the folder that holds the department workbooks',
        'rollover.not_written':
            '{output}: the new workbook would not validate, so it was not written (please report this): {errors}',
        'rollover.refused': '{where}: {n} {sheet} decision(s) must be fixed before rollover',
        'rollover.same_folder':
            '{folder}: is the folder of the department workbooks; give another folder for their next workbooks',
        'rollover.workbooks': '{n} workbooks',
        'split.folder_is_file': '{folder}: is a file; give a folder for the split workbooks',
        'split.invalid': 'cannot split a plan with {n} error(s)',
        'split.not_placed': 'cannot split the plan because of {n} error(s)',
        'split.not_written':
            '{target}: the split workbook would not validate, so nothing was written (please report this): {errors}',
        'word.adjust': 'adjust',
        'word.aggregation': 'aggregation',
        'word.and': '{a} and {b}',
        'word.blank': 'blank',
        'word.decision': 'decision',
        'word.direction': 'direction',
        'word.false': 'FALSE',
        'word.frequency': 'frequency',
        'word.keep': 'keep',
        'word.level': 'level',
        'word.or': '{a} or {b}',
        'word.retire': 'retire',
        'word.true': 'TRUE',
        'word.week': 'week {n}',
    },
    "da": {
        'KPX101': 'filen eller mappen findes ikke; tjek stien',
        'KPX102': 'er ikke en almindelig fil; angiv en .xlsx-projektmappe',
        'KPX103.os': 'kan ikke læses ({why}); tjek filen',
        'KPX103.permission': 'kan ikke læses (adgang nægtet); bed om læseadgang, eller kopiér filen',
        'KPX104': 'er tom (0 byte); gem projektmappen igen fra Excel',
        'KPX105':
            ('er en gammel Excel 97-2003-fil (.xls) eller en anden binær Office-fil; åbn den i Excel, og gem den som '
             'Excel-projektmappe (.xlsx)'),
        'KPX106':
            ('er beskyttet med adgangskode (krypteret); fjern adgangskoden i Excel (Filer > Oplysninger > Beskyt '
             'projektmappe), og gem igen'),
        'KPX107.csv':
            ('er en tekst-/CSV-fil omdøbt til et projektmappenavn, ikke en projektmappe; åbn den i Excel, og gem den '
             'som Excel-projektmappe (.xlsx)'),
        'KPX107.html':
            ('er en HTML-side med et Excel-navn, ikke en projektmappe; åbn den i Excel, og gem den som '
             'Excel-projektmappe (.xlsx)'),
        'KPX107.text': 'er en tekstfil, ikke en projektmappe; angiv .xlsx-projektmappen',
        'KPX107.xml':
            ('er en XML-tekstfil (f.eks. Excel 2003 XML), ikke en .xlsx-projektmappe; åbn den i Excel, og gem den som'
             ' Excel-projektmappe (.xlsx)'),
        'KPX108': 'er ikke en Excel-projektmappe (ikke en zip-pakke); angiv .xlsx-projektmappen',
        'KPX109.part':
            'er afkortet eller beskadiget (del {part}: {why}); hent en ny kopi, eller gem den igen fra Excel',
        'KPX109.sheet': 'arket kan ikke læses ({why}); gem projektmappen igen fra Excel',
        'KPX109.workbook': 'kan ikke læses som projektmappe ({why}); gem den igen fra Excel',
        'KPX109.zip':
            'er afkortet eller beskadiget (ikke en hel zip-pakke); hent en ny kopi, eller gem den igen fra Excel',
        'KPX110.ods': 'er et OpenDocument-regneark (.ods); gem det som Excel-projektmappe (.xlsx)',
        'KPX110.office': 'er en Word- eller PowerPoint-fil, ikke en Excel-projektmappe',
        'KPX110.xlsb': 'er en binær Excel-projektmappe (.xlsb); gem den som Excel-projektmappe (.xlsx)',
        'KPX110.zip':
            'er en zip-fil, men ikke en Excel-projektmappe (ingen xl/workbook.xml); angiv .xlsx-projektmappen',
        'KPX111.parts': 'indeholder {n} dele (grænse {limit}); dette er ikke en afdelingsprojektmappe',
        'KPX111.size':
            ('fylder {mb} MB udpakket (grænse {limit} MB); det er langt over en afdelingsprojektmappe (muligvis en '
             'dekomprimeringsbombe)'),
        'KPX112':
            ('delen {part} fylder {n} gange sin pakkede størrelse udpakket (grænse {limit}:1); muligvis en '
             'dekomprimeringsbombe'),
        'KPX113.cell':
            ('delen {part} når til celle {cell} ({cells} celler; grænse {rows} rækker, {cols} kolonner, {max} '
             'celler); det er langt over en afdelingsprojektmappe (muligvis en dekomprimeringsbombe)'),
        'KPX113.cells':
            ('delen {part} indeholder mere end {n} celler (grænse {rows} rækker, {cols} kolonner, {max} celler); det '
             'er langt over en afdelingsprojektmappe (muligvis en dekomprimeringsbombe)'),
        'KPX113.memory': 'kræver mere hukommelse end en afdelingsprojektmappe; muligvis en dekomprimeringsbombe',
        'KPX113.range':
            ('delen {part} angiver området {ref} (grænse {rows} rækker, {cols} kolonner); det er langt over en '
             'afdelingsprojektmappe (muligvis en dekomprimeringsbombe)'),
        'KPX113.rows':
            ('delen {part} indeholder mere end {n} rækker (grænse {rows} rækker, {cols} kolonner, {max} celler); det '
             'er langt over en afdelingsprojektmappe (muligvis en dekomprimeringsbombe)'),
        'KPX114.entities':
            ('delen {part} erklærer XML-entiteter (<!DOCTYPE/<!ENTITY), som Excel aldrig skriver; filen er blevet '
             'manipuleret'),
        'KPX114.root': 'delen {part} har intet rodelement i sine første {n} byte; filen er blevet manipuleret',
        'KPX114.utf16': 'delen {part} er UTF-16-XML, som Excel aldrig skriver; gem projektmappen igen fra Excel',
        'KPX115':
            ('er ikke en kpixl-projektmappe (ingen tabel ved navn KPIs og ingen kpixl-metadata); start fra en '
             'projektmappe lavet med `kpixl template`'),
        'KPX116':
            'mappen indeholder ingen .xlsx- eller .xlsm-projektmapper; angiv mappen med afdelingernes projektmapper',
        'KPX116.recursive':
            ('mappen og dens undermapper indeholder ingen .xlsx- eller .xlsm-projektmapper; angiv mappen med '
             'afdelingernes projektmapper'),
        'KPX117.part': 'delen {part} mangler eller er for stor; gem projektmappen igen fra Excel',
        'KPX117.range': 'tabellen {table} har intet gyldigt område ({ref}); gem projektmappen igen fra Excel',
        'KPX117.xml': 'delen {part} er ikke gyldig XML ({why}); gem projektmappen igen fra Excel',
        'KPX120':
            ('projektmappens kpixl-skemaversion er {v}; denne kpixl læser version {w}; resultaterne kan være '
             'ufuldstændige'),
        'KPX121':
            ('har ingen Excel-tabel ved navn KPIs; KPI-definitionerne skal blive i tabellen ved navn KPIs '
             '(Tabeldesign > Tabelnavn)'),
        'KPX122':
            ('projektmappen har ingen Excel-tabel ved navn Measurements; hold målingerne i tabellen ved navn '
             'Measurements (arket {sheet})'),
        'KPX123':
            ('projektmappen har ingen Excel-tabel ved navn Evaluation (arket {sheet}); rollover skal bruge den ved '
             'periodens afslutning'),
        'KPX124':
            ('der er ingen Excel-tabel ved navn {table}, men dette ark har dens overskrifter: kpixl læser {data} '
             'under dem som tabellen {table}; gør området til en tabel igen, ellers tæller projektmappens egne '
             'formler det ikke med: i Excel markér {ref}, Indsæt > Tabel (Tabellen har overskrifter), og derefter '
             'Tabeldesign > Tabelnavn: {table}; i LibreOffice markér {ref}, Data > Definer område, Navn: {table}'),
        'KPX130': 'tabellen {table} har ingen kolonne {header} ({en}); tilføj kolonnen til tabellen',
        'KPX131.kpis':
            ('ukendt kolonne {header} i tabellen {table}; dens værdier bevares med hver KPI og føres med over i '
             'virksomhedsprojektmappen og CSV-filerne, men kontrolleres ikke (omdøb den til en kendt overskrift, hvis'
             ' den skal være det)'),
        'KPX131.measurements':
            ('ukendt kolonne {header} i tabellen {table}; dens værdier bevares med hver måling og føres med over i '
             'virksomhedsprojektmappen og CSV-filerne, men kontrolleres ikke (omdøb den til en kendt overskrift, hvis'
             ' den skal være det)'),
        'KPX131.other':
            ('ukendt kolonne {header} i tabellen {table}; kpixl bruger den ikke (rollover læser {decision}, '
             '{new_target} og {notes}) (omdøb den til en kendt overskrift, hvis den skal være det)'),
        'KPX132':
            ('række {row} står under tabellen {table} (som slutter i række {end}); kpixl læser den, men '
             'projektmappens egne formler tæller den ikke med, før du udvider tabellen, så den kommer med '
             '(Tabeldesign > Tilpas tabelstørrelse)'),
        'KPX133': 'kolonnen {header} gentager kolonne {cell} i tabellen {table}; kun den første læses',
        'KPX134.clutter': 'rod fra et delt drev (en låsefil, en Macs ._-fil, Thumbs.db, ...), ikke en projektmappe',
        'KPX134.company':
            ('en virksomhedsprojektmappe, som kpixl consolidate har skrevet, er ikke en afdelings projektmappe, så '
             'den læses ikke; hold virksomhedsprojektmappen uden for afdelingernes mappe'),
        'KPX134.csv': 'en CSV-tekstfil læses ikke; kpixl læser afdelingens projektmappe (.xlsx), ikke CSV-eksporter',
        'KPX134.folder':
            'mappens indhold kan ikke vises ({error}); dens filer læses ikke; kontrollér mappens rettigheder',
        'KPX134.ods':
            'et OpenDocument-regneark (.ods) læses ikke; gem det som Excel-projektmappe (.xlsx) for at få det med',
        'KPX134.other':
            ('ikke en Excel-projektmappe (.xlsx eller .xlsm), så den læses ikke; flyt den ud af mappen, hvis den ikke'
             ' er et input'),
        'KPX134.xls':
            ('en gammel Excel 97-2003-projektmappe (.xls) læses ikke; gem den som Excel-projektmappe (.xlsx) for at '
             'få den med'),
        'KPX134.xlsb':
            'en binær Excel-projektmappe (.xlsb) læses ikke; gem den som Excel-projektmappe (.xlsx) for at få den med',
        'KPX135':
            ('undermappen rummer {n} projektmappe(r), der ikke læses; angiv også undermappen, eller brug --recursive '
             'for at læse undermapper'),
        'KPX136.more':
            ('{n} række(r) mere ned til {cell} har værdier uden for tabellen {table}: tælles ikke med; udvid '
             'tabellen, så de kommer med, eller slet dem'),
        'KPX136.value':
            ('en værdi uden for tabellen {table} (som slutter i række {end}, med en tom række imellem): tælles ikke '
             'med; udvid tabellen, så rækken kommer med (Tabeldesign > Tilpas tabelstørrelse), eller slet værdien'),
        'KPX137.below':
            ('række {row}, lige under tabellen {table} (som slutter i række {end}), har en værdi her, men intet '
             '{keys}: tælles ikke med; udfyld rækken, eller ryd den'),
        'KPX137.row':
            ('række {row} i tabellen {table} har en værdi her, men intet {keys}: tælles ikke med; udfyld rækken, '
             'eller ryd den'),
        'KPX138.appledouble':
            ('en skjult følgefil fra en Mac til {name} (._ AppleDouble, skrevet på delte drev), ikke en projektmappe;'
             ' udeladt, intet at gøre'),
        'KPX138.desktop_ini':
            'en Windows-mappeindstillingsfil (desktop.ini), ikke en projektmappe; udeladt, intet at gøre',
        'KPX138.ds_store': 'en macOS Finder-fil (.DS_Store), ikke en projektmappe; udeladt, intet at gøre',
        'KPX138.lock':
            ('låsefil fra {app}: {book} er åben i {app} (låsefilen nævner ingen); udeladt, den er ikke en '
             'projektmappe; den senest gemte {book} læses, så bed om at få den gemt og lukket, hvis der stadig '
             'skrives i den'),
        'KPX138.lock_user':
            ('låsefil fra {app}: {book} er åben i {app} hos {user}; udeladt, den er ikke en projektmappe; den senest '
             'gemte {book} læses, så bed {user} gemme og lukke den, hvis der stadig skrives i den'),
        'KPX138.thumbs': 'et Windows-miniaturelager ({name}), ikke en projektmappe; udeladt, intet at gøre',
        'KPX190':
            ('regnearkslæseren gik ned på denne fil ({detail}); den kan være beskadiget eller ondsindet: åbn den i '
             'Excel, gem den igen som .xlsx, og send den igen'),
        'KPX191':
            ('det tog længere end {detail} at læse denne fil; den kan være beskadiget eller langt større end en '
             'afdelingsprojektmappe: gem den igen fra Excel, eller giv mere tid med --file-timeout'),
        'KPX192':
            ('læsningen af denne fil krævede mere hukommelse end {detail}; den kan være en dekomprimeringsbombe eller'
             ' langt større end en afdelingsprojektmappe: gem den igen fra Excel'),
        'KPX199': 'kan ikke læses ({why}); gem den igen fra Excel, og meld det til økonomi',
        'KPX201': '{label} er tom; {hint}',
        'KPX202.inner': '{inner}; skriv et tal',
        'KPX202.text': '{label} "{x}" er ikke et tal; skriv et tal',
        'KPX203.boolean': '{label} er {b}, ikke et tal; skriv et tal',
        'KPX203.date': '{label} er en dato ({d}), ikke et tal; skriv et tal (og brug et talformat, ikke et datoformat)',
        'KPX204.either':
            ('{label} "{x}" er tekst; det kan betyde {a} ({s1} som tusindtalsseparator) eller {b} ({s2} som '
             'decimaltegn); skriv det tal, du mener'),
        'KPX204.number': '{label} "{x}" er tekst; skriv tallet {v}',
        'KPX204.percent': '{label} "{x}" er tekst; skriv tallet {p} % (værdien {v})',
        'KPX205.date': '{label} "{x}" er tekst; skriv den som en dato ({d})',
        'KPX205.either': '{label} "{x}" er tekst; det kan betyde {options}; skriv den dato, du mener, som en dato',
        'KPX206.boolean': '{label} er {b}, ikke en dato; skriv en dato',
        'KPX206.number': '{label} {x} er ikke en dato; skriv en dato (f.eks. 2026-06-30)',
        'KPX206.text': '{label} "{x}" er ikke en dato; skriv en dato (f.eks. 2026-06-30)',
        'KPX207': '{label}: {inner}',
        'KPX208':
            ('{label} indeholder en formel uden gemt værdi; åbn og gem projektmappen i Excel (som beregner den), '
             'eller skriv værdien'),
        'KPX209': '{label} viser fejlen {e}; ret formlen, eller skriv værdien',
        'KPX215.date':
            ('{label} er datoen {d}, ikke tekst: regnearket gjorde et ID som MAR-01 til en dato, da det blev skrevet;'
             " formatér kolonnen {column} som Tekst (Formatér celler > Tekst), og skriv ID'et igen"),
        'KPX215.number':
            ("{label} er tallet {v}, ikke tekst: regnearket gjorde ID'et til et tal, da det blev skrevet (007 bliver "
             "til 7, 1E3 til 1000); formatér kolonnen {column} som Tekst (Formatér celler > Tekst), og skriv ID'et "
             'igen'),
        'KPX301': 'KPI-ID {id} bruges to gange (første gang i {where}); giv hver KPI sit eget ID',
        'KPX302': '{inner}',
        'KPX303': '{inner}; flyt deadline til efter starten',
        'KPX304': '{inner}; gør {green} mindst lige så stor som {amber}',
        'KPX305': 'vægten {w} er negativ; skriv 0 eller mere (tom betyder 1)',
        'KPX306': 'ingen deadline: en SMART KPI er tidsbestemt; skriv deadline',
        'KPX307': "SMART-tekst mangler: {fields}; beskriv, hvordan KPI'en er {how}",
        'KPX308':
            ("en KPI på lavt niveau uden {parent_id} indgår ikke i sammentællingen; skriv ID'et på den KPI på højt "
             'niveau, den understøtter'),
        'KPX309': "KPI {id} angiver sig selv som overordnet; angiv ID'et på den KPI på højt niveau, den understøtter",
        'KPX310': '{name} er {v}, en målopfyldelse på {p} %; mente du {v} %? skriv det med et %-tegn',
        'KPX311': 'ejeren {who} ligner mere end én person; en KPI har én ansvarlig ejer',
        'KPX312':
            ("{header} {typed} er ikke projektmappens afdeling {department}; KPI'en læses som {department}; skriv "
             "{department} her, eller flyt KPI'en til projektmappen for {typed}"),
        'KPX320.none':
            ('periodiseringsprofilen {name} findes ikke i tabellen {sheet} (den har ingen profiler endnu); skriv '
             'profilen på arket {sheet}, eller lad {column} stå tom for en lige linje'),
        'KPX320.profiles':
            ('periodiseringsprofilen {name} findes ikke i tabellen {sheet} (profiler: {names}); vælg en profil fra '
             'listen, eller lad {column} stå tom for en lige linje'),
        'KPX321':
            ('vægten for {month} i periodiseringsprofilen {name} er {w}, under 0; skriv 0 eller mere (0 planlægger '
             'intet for den måned)'),
        'KPX322':
            ('periodiseringsprofilen {name} vejer 0 i alle måneder fra {start} til {deadline}, så intet bliver '
             'nogensinde planlagt; giv en af disse måneder en vægt over 0 på arket {sheet}, eller vælg en anden '
             'profil'),
        'KPX323':
            'periodiseringsprofilen {name} findes to gange (første gang i {first}); giv hver profil sit eget navn',
        'KPX401':
            "KPI-ID {id} findes ikke i tabellen på arket {sheet}; vælg et eksisterende KPI-ID, eller tilføj KPI'en",
        'KPX402': 'en værdi mere for KPI {id} og periodeslut {d} (første gang i {where}); slet den ene',
        'KPX403': "periodeslut {d} ligger før KPI'ens startdato {s}; tjek datoen",
        'KPX404': "periodeslut {d} ligger efter KPI'ens deadline {e}; tjek datoen",
        'KPX405':
            ('ingen måling for {n} periode(r) ({f}), der sluttede før {d}: {listed}; indtast de manglende værdier på '
             'arket {sheet}'),
        'KPX406':
            ('periodens afslutning: ingen måling for den sidste periode ({f}) {label} før deadline {d}; den endelige '
             'faktiske værdi udelader den (og rollover ville bruge det som næste udgangspunkt); indtast værdien på '
             'arket {sheet}'),
        'KPX407':
            ('værdien {v} for en %-KPI med målværdien {t} % tæller som {p} %; hvis du mente {v} %, så skriv den med '
             'et %-tegn ({v} %) eller som {x}'),
        'KPX408':
            ("værdien {v} er mere end {m} gange KPI'ens målværdi {t}; tjek værdien og dens enhed (en tastefejl, eller"
             ' tusinder skrevet som enheder?)'),
        'KPX408.baseline':
            ("værdien {v} er mere end {m} gange KPI'ens målværdi {t} og udgangspunkt {b}; tjek værdien og dens enhed "
             '(en tastefejl, eller tusinder skrevet som enheder?)'),
        'KPX501': 'KPI-ID {id} findes ikke i tabellen på arket {sheet}; vælg et eksisterende KPI-ID',
        'KPX502': 'beslutningen Justér mål kræver en ny målværdi; skriv den i {column}',
        'KPX503': 'den nye målværdi {t} ignoreres med beslutningen {d}; vælg Justér mål, eller ryd den',
        'KPX504': 'KPI {id} evalueres to gange (første gang i {where}); behold én beslutning',
        'KPX601.earlier':
            "KPI-ID {id} findes også i {where}; KPI-ID'er skal være entydige i hele virksomheden: omdøb en af dem",
        'KPX601.shared':
            ("KPI-ID {id} findes også i {where}; KPI-ID'er skal være entydige i hele virksomheden, og ingen fil "
             "foretrækkes, så de udelades alle: fjern kopien, eller omdøb KPI'en i den ene fil"),
        'KPX602':
            ('{parent_id} {parent} for KPI {id} svarer ikke til nogen KPI på højt niveau i nogen af filerne '
             "({files}); brug ID'et på en KPI med niveau høj"),
        'KPX602.more':
            ('{parent_id} {parent} for KPI {id} svarer ikke til nogen KPI på højt niveau i nogen af filerne ({files} '
             "og {n} flere); brug ID'et på en KPI med niveau høj"),
        'KPX603.earlier':
            ('afdelingen {dept} findes også i {other}; hver afdeling hører til i én projektmappe: flet de to filer, '
             'eller ret afdelingen'),
        'KPX603.shared':
            ('afdelingen {dept} findes også i {others}; hver afdeling hører til i én projektmappe, og ingen fil '
             'foretrækkes, så de udelades alle: fjern kopien, flet filerne, eller ret afdelingen'),
        'KPX604': 'KPI {id}: {inner}',
        'KPX605': 'kunne ikke læses ({why})',
        'KPX606': "identisk kopi af {name} (de samme bytes); slet den ene; denne kopis KPI'er tælles ikke med",
        'KPX607.department':
            ('sandsynligvis en kopi af {name}: navngivet som en kopi og med samme afdeling {shared}; slet kopien '
             "(flyt først værdier, der kun er skrevet her, over i {name}); omdøb aldrig KPI-ID'erne, så ville de "
             "tælle dobbelt; denne kopis KPI'er tælles ikke med"),
        'KPX607.ids':
            ("sandsynligvis en kopi af {name}: navngivet som en kopi og med de samme KPI-ID'er {shared}; slet kopien "
             "(flyt først værdier, der kun er skrevet her, over i {name}); omdøb aldrig KPI-ID'erne, så ville de "
             "tælle dobbelt; denne kopis KPI'er tælles ikke med"),
        'KPX607.more': '{ids} og {n} flere',
        'KPX608.no_as_of':
            ('--previous har ingen opgørelsesdato i {cell}; angiv den virksomhedsprojektmappe, som kpixl consolidate '
             'skrev sidste måned'),
        'KPX608.no_columns':
            ('--previous har ingen kolonner Afdeling, KPI-ID, Periodeslut og Værdi på {sheet}; angiv den '
             'virksomhedsprojektmappe, som kpixl consolidate skrev sidste måned'),
        'KPX608.not_company':
            ('--previous er ikke en virksomhedsprojektmappe (ingen ark Oversigt, Historik og Målinger); angiv den '
             'virksomhedsprojektmappe, som kpixl consolidate skrev sidste måned'),
        'KPX608.unreadable':
            ('--previous kan ikke læses som projektmappe ({why}); angiv den virksomhedsprojektmappe, som kpixl '
             'consolidate skrev sidste måned'),
        'KPX701':
            ('KPI {id} har ingen beslutning, så den er beholdt uændret; vælg {keep}, {adjust} eller {retire} på '
             'arket {sheet}'),
        'KPX702': 'KPI {id} er markeret {marked}, så dens nye målværdi {t} ignoreres; vælg {adjust} for at bruge den',
        'KPX703.baseline':
            ('KPI {id} har ingen endelig faktisk værdi pr. {d} (ingen målinger i perioden); dens udgangspunkt '
             'forbliver {b}'),
        'KPX703.blank':
            ('KPI {id} har ingen endelig faktisk værdi pr. {d} (ingen målinger i perioden); dens udgangspunkt '
             'forbliver tomt'),
        'KPX704':
            ('KPI {id} har en ny målværdi {t} (var {o}); tjek, at dens SMART-tekster ({specific}, {attainable}) ikke '
             'stadig nævner den gamle'),
        'KPX705': 'KPI {id} har en startdato men ingen frist; angiv --deadline for at gøre den tidsbestemt',
        'KPX706':
            ("den udfasede virksomheds-KPI {id} kan have afdelings-KPI'er i andre projektmapper; giv dem et nyt "
             '{parent_id}, eller udfas dem også (rollover --departments DIR markerer dem i deres næste projektmapper)'),
        'KPX707': "alle KPI'er er udfaset; den nye projektmappe har endnu ingen KPI'er",
        'KPX708':
            ('KPI {id}s endelige faktiske værdi {v}, dens nye udgangspunkt, mangler en måling for {n} af {m} '
             'perioder ({f}) til og med {d}: {listed}; den er {agg} af de øvrige {o}; indtast de manglende værdier, '
             'og kør rollover igen, eller ret det nye udgangspunkt'),
        'KPX709':
            ('KPI {id} lægges sammen over perioden (sum): {amounts} for {od} dage ({os} til {oe}) er skaleret med '
             '{r} til {new} for {nd} dage ({ns} til {ne})'),
        'KPX710':
            ('KPI {id}: Den overordnede KPI {parent} ({name}) blev udfaset ved virksomhedens rollover ({file}); giv '
             'denne KPI et andet {parent_id}, eller udfas den. Noten står på arket {sheet} i dens næste projektmappe.'),
        'KPX711':
            ('KPI {id}: Den overordnede KPI {parent} ({name}) har fået ny målværdi, {old} -> {new} (virksomhedens '
             "rollover, {file}); tjek, at denne KPI's målværdi stadig understøtter den. Noten står på arket {sheet} "
             'i dens næste projektmappe.'),
        'KPX712': 'er ledelsens projektmappe, så den rulles kun over én gang, til ledelsens output',
        'KPX731':
            ('KPI {id} er markeret {adjust} men har ingen ny målværdi; skriv den nye målværdi, eller vælg {keep} '
             'eller {retire}'),
        'KPX732.kept_below':
            ('{label} beholdt sin målværdi {t}, men dens endelige faktiske værdi {b} er allerede på eller under den; '
             'vælg {adjust} med en ny målværdi under {b}, eller {retire}'),
        'KPX732.kept_reached':
            ('{label} beholdt sin målværdi {t}, men dens endelige faktiske værdi {b} har allerede nået den; vælg '
             '{adjust} med en ny målværdi over {b}, eller {retire}'),
        'KPX732.rule': '{label}: {inner}; vælg {adjust} eller {retire}',
        'KPX732.undecided_below':
            ('{label} har ingen beslutning og beholder derfor sin målværdi {t}, men dens endelige faktiske værdi {b} '
             'er allerede på eller under den; vælg {adjust} med en ny målværdi under {b}, eller {retire}'),
        'KPX732.undecided_reached':
            ('{label} har ingen beslutning og beholder derfor sin målværdi {t}, men dens endelige faktiske værdi {b} '
             'har allerede nået den; vælg {adjust} med en ny målværdi over {b}, eller {retire}'),
        'KPX733.above':
            ('{label}: den nye målværdi {t} passer ikke til det nye udgangspunkt {b} (den endelige faktiske værdi): '
             '{inner}; skriv en ny målværdi over {b}'),
        'KPX733.below':
            ('{label}: den nye målværdi {t} passer ikke til det nye udgangspunkt {b} (den endelige faktiske værdi): '
             '{inner}; skriv en ny målværdi under {b}'),
        'KPX734':
            ('KPI {id}: den nye frist {d} ligger ikke efter den nye start {s}; angiv en senere --deadline eller en '
             'tidligere --start'),
        'KPX735':
            ('KPI {id} lægges sammen over perioden (sum): {amounts} gælder {od} dage ({os} til {oe}), men den nye '
             'periode har {nd} dage ({ns} til {ne}); kør rollover med --prorate for at skalere med {r}, eller angiv '
             'en --deadline, der bevarer periodens længde'),
        'KPX736':
            ('KPI {parent} udfases, men KPI {child} ({where}) rulles stadig op til den; udfas også {child}, eller '
             'giv den et andet {parent_id} (næste consolidate ville fejle med KPX602)'),
        'KPX801':
            ('KPI {id} er ikke en høj KPI og har ingen {department}, så split kan ikke se, hvis projektmappe den '
             'hører til; skriv dens afdeling, eller {level} høj for en virksomheds-KPI'),
        'KPX802': 'afdelingen {d} for KPI {id} staves {first} i {where}; begge kommer i projektmappen for {first}',
        'KPX803': 'planens {n} måling(er) kopieres ikke: de opdelte projektmapper starter med et tomt ark {sheet}',
        'KPX804':
            'planens {n} evalueringsrække(r) kopieres ikke: de opdelte projektmapper starter med et tomt ark {sheet}',
        'KPX805': 'planens ekstra kolonne(r) {cols} på arket {sheet} kopieres ikke til de opdelte projektmapper',
        'KPX806':
            "planens KPI-tabel er tom; skriv først de høje KPI'er og hver afdelings KPI'er (med deres {department})",
        'KPX807':
            ("planen har ingen høj KPI ({level} høj), så ledelsens projektmappe har intet, som afdelingernes KPI'er "
             'kan rulles op til'),
        'KPX830':
            ('overordnet KPI-ID {pid} for KPI {id} er ikke en KPI på højt niveau i virksomhedens projektmappe '
             '{file}; vælg en af {ids}'),
        'KPX831':
            ("fristen {d} ligger efter fristen {pd} for den overordnede {pid}: KPI'en er ikke afsluttet, når "
             'virksomhedens KPI gøres op; flyt fristen til {pd} eller tidligere'),
        'KPX832':
            ("retningen {dir} afviger fra den overordnede {pid} ({pdir}); i orden, hvis KPI'en i den retning driver "
             'den overordnede (oprulningen tæller målopfyldelse), ellers ret retningen eller det overordnede KPI-ID'),
        'KPX833':
            ('enheden {unit} afviger fra den overordnede {pid} ({punit}); i orden for en drivende KPI målt i sin '
             'egen enhed (oprulningen tæller målopfyldelse), ellers ret enheden eller det overordnede KPI-ID'),
        'KPX901':
            ('KPI {id} er {s}, og ingen kommentar forklarer dens seneste periode ({d}); tilføj en række på arket '
             '{sheet} med dette KPI-ID, {column} {d}, en kommentar om hvorfor og den handling, der vil blive taget'),
        'KPX902':
            ('handlingen er Åben og skulle være udført {d} (pr. {a}); sæt {status} til Udført eller Droppet, eller '
             'aftal en ny {due}'),
        'KPX903':
            ('KPI-ID {id} findes ikke i tabellen på arket {sheet}, så kommentaren vises ingen steder; vælg et '
             'eksisterende KPI-ID'),
        'KPX904': 'handlingen har ingen ansvarlig; skriv den ene person, der ejer den, i {column}',
        'KPX905':
            ('handlingsansvarlig {who} ligner mere end én person; en handling har én ansvarlig: behold ét navn (del '
             'handlingen op i én række pr. ansvarlig)'),
        'company.invalid': 'virksomhedens projektmappe har {n} fejl, så den kan ikke bruges til --company',
        'company.no_high':
            ('{source}: virksomhedens projektmappe har ingen KPI på højt niveau ({level} høj); angiv ledelsens '
             "projektmappe med virksomhedens KPI'er"),
        'core.deadline_after_start': 'deadline skal ligge efter startdatoen (start {s}, deadline {d})',
        'core.decrease_below':
            ('en KPI, der skal mindskes, skal have sin målværdi under sit udgangspunkt (målværdi {t}, udgangspunkt '
             '{b})'),
        'core.decrease_no_baseline':
            'en KPI, der skal mindskes, skal have et udgangspunkt at mindske fra (målværdi {t})',
        'core.elapsed_range': 'den forløbne andel skal ligge mellem 0 og 1 (forløbet {e})',
        'core.green_amber': 'grøn skal være mindst gul (grøn {g}, gul {a})',
        'core.increase_above':
            'en KPI, der skal øges, skal have sin målværdi over sit udgangspunkt (målværdi {t}, udgangspunkt {b})',
        'core.increase_no_baseline':
            'en KPI, der skal øges, og som ikke har noget udgangspunkt, skal have en målværdi over 0 (målværdi {t})',
        'core.maintain_tolerance':
            'en KPI, der skal fastholdes, med målværdi 0 skal have en tolerance; skriv den tilladte afstand',
        'core.not_a_date': '{x} er ikke en dato',
        'core.not_a_date_serial': '{x} er ikke et datoserienummer mellem 1900 og 9999',
        'core.not_a_date_type': '{x} er ikke en dato; skriv en dato (f.eks. 2026-06-30)',
        'core.not_a_number': '{what} {x} er ikke et tal',
        'core.not_finite': '{what} {x} er ikke et endeligt tal',
        'core.phase_range': '{what} skal ligge mellem 0 og 1 ({what} {v})',
        'core.profile': 'periodiseringsprofilen',
        'core.profile_named': 'periodiseringsprofilen {name}',
        'core.profile_unknown':
            ('periodiseringsprofilen {name} findes ikke i tabellen Periodisering; vælg en profil fra listen, eller '
             'lad Periodisering stå tom for en lige linje'),
        'core.rollup_weights': 'sammentællingen kræver én vægt pr. målopfyldelse ({n} målopfyldelser, {w} vægte)',
        'core.target_blank': 'målværdien er tom; skriv den værdi, der skal nås',
        'core.target_close':
            'målværdien ligger for tæt på udgangspunktet til at måle fremskridt (målværdi {t}, udgangspunkt {b})',
        'core.text_not_number': '{what} {x} er tekst, ikke et tal; skriv tallet',
        'core.tolerance_above_0': 'tolerancen skal være over 0 (tolerance {t})',
        'core.tolerance_small': 'tolerancen er for lille til at måle (tolerance {t})',
        'core.trend_target': 'en tendens for en KPI, der skal fastholdes, kræver målværdien at måle afstande fra',
        'core.unknown_aggregation': 'ukendt sammentælling {x}',
        'core.unknown_direction': 'ukendt retning {x}',
        'core.weight_below_0': 'en vægt kan ikke være negativ (vægt {w})',
        'core.weight_blank': '{name} har en tom vægt for måned {month}; skriv 0 eller mere',
        'core.weight_negative': '{name} har en negativ vægt for måned {month} ({w}); skriv 0 eller mere',
        'core.weight_of': 'vægten for måned {month} i {name}',
        'core.weights_count': '{name} skal have 12 månedsvægte, januar til december ({n} angivet)',
        'core.weights_zero':
            '{name} vejer 0 i alle måneder fra {s} til {d}; giv mindst en af disse måneder en vægt over 0',
        'core.word_blank': '{v} er tom; brug et af {words}',
        'core.word_unknown': 'ukendt {v} {x}; brug et af {words}',
        'core.words': '{words}',
        'core.words_other': '{words} (eller {other})',
        'excel.div0': '#DIVISION/0!',
        'excel.na': '#I/T',
        'excel.name': '#NAVN?',
        'excel.null': '#NUL!',
        'excel.num': '#NUM!',
        'excel.ref': '#REFERENCE!',
        'excel.value': '#VÆRDI!',
        'hint.aggregation': 'vælg sum, gennemsnit, seneste, min eller maks',
        'hint.direction': 'vælg øge, mindske eller fastholde',
        'hint.kpi_id': 'skriv en kort, entydig kode, f.eks. SAL-01',
        'hint.month': 'skriv månedens vægt (0 eller mere; 0 planlægger intet for den måned)',
        'hint.name': 'skriv, hvad der måles',
        'hint.other': 'udfyld den',
        'hint.owner': 'skriv den ene ansvarlige person',
        'hint.period_end': 'skriv den målte periodes sidste dag',
        'hint.profile': 'skriv et navn til periodiseringsprofilen',
        'hint.target': 'skriv den værdi, der skal nås inden deadline',
        'hint.value': 'skriv den målte værdi',
        'refusal.head': '{source}: {reason}; ret dem, og kør igen:',
        'refusal.more': '... og {n} mere (kør kpixl validate {source})',
        'rollover.dates':
            'den nye frist {deadline} skal ligge efter den nye start {start}; ret --start eller --deadline',
        'rollover.folder_is_file': '{folder}: er en fil; angiv en mappe til afdelingernes næste projektmapper',
        'rollover.invalid': 'kan ikke rulle en projektmappe med {n} fejl over',
        'rollover.not_a_folder': '{folder}: er ikke en mappe; angiv mappen med afdelingernes projektmapper',
        'rollover.not_written':
            ('{output}: den nye projektmappe ville ikke bestå valideringen, så den blev ikke skrevet (rapportér '
             'venligst dette): {errors}'),
        'rollover.refused': '{where}: {n} beslutning(er) på arket {sheet} skal rettes før rollover',
        'rollover.same_folder':
            '{folder}: er mappen med afdelingernes projektmapper; angiv en anden mappe til deres næste projektmapper',
        'rollover.workbooks': '{n} projektmapper',
        'split.folder_is_file': '{folder}: er en fil; angiv en mappe til de opdelte projektmapper',
        'split.invalid': 'kan ikke dele en plan med {n} fejl op',
        'split.not_placed': 'kan ikke dele planen op på grund af {n} fejl',
        'split.not_written':
            ('{target}: den opdelte projektmappe ville ikke bestå valideringen, så intet blev skrevet (rapportér '
             'venligst dette): {errors}'),
        'word.adjust': 'justér mål',
        'word.aggregation': 'sammentælling',
        'word.and': '{a} og {b}',
        'word.blank': 'tom',
        'word.decision': 'beslutning',
        'word.direction': 'retning',
        'word.false': 'FALSK',
        'word.frequency': 'frekvens',
        'word.keep': 'behold',
        'word.level': 'niveau',
        'word.or': '{a} eller {b}',
        'word.retire': 'udgå',
        'word.true': 'SAND',
        'word.week': 'uge {n}',
    },
}
