"""Texts of the console lines of ``kpixl template``, ``validate`` and ``consolidate``, in English and Danish.

A run speaks one language (``--lang``, else the workbooks' own): its summary, its
findings and the errors of a refused run. English keeps the library's ``file(s)`` style.
"""

TEXTS = {
    "en": {
        "error": "error",
        "warning": "warning",
        "note": "note",
        # validate's summary line
        "validate.summary": "{files} file(s){copies}, {kpis} KPI(s), {measurements} measurement(s): {errors} "
                            "error(s), {warnings} warning(s)",
        "validate.copy": " (1 of them a copy, not counted)",
        "validate.copies": " ({n} of them copies, not counted)",
        # what folders held that was not read
        "left_out.files": "{n} file(s) left out ({kinds})",
        "left_out.folders": "{n} subfolder(s) left out (use --recursive)",
        "left_out.and": " and ",
        "kind.subfolder": "subfolder",
        "kind.lock file": "lock file",
        "kind.lock files": "lock files",
        "kind.company workbook": "company workbook",
        "kind.share clutter file": "share clutter file",
        "kind.share clutter files": "share clutter files",
        "kind.other file": "other file",
        "kind.other files": "other files",
        # refused outputs (kpixl.output)
        "output.is_input": "{path}: the output is also an input; choose another output path",
        "output.is_folder": "{path}: is a folder; give a file name for the output",
        "output.exists": "{path}: already exists; use --force to overwrite it",
        "output.no_folder": "{path}: the folder {folder} does not exist; create it first",
        "output.is_file": "{path}: is a file; give a folder for {option}",
        # template
        "wrote_file": "Wrote {path}",
        # consolidate
        "wrote": "Wrote {path}: {files} file(s), {kpis} KPI(s), {measurements} measurement(s) as of {as_of}",
        "status": "Status: {counts}",
        "warnings": "{n} warning(s) in the included files, listed on the Findings sheet (kpixl validate prints "
                    "them): {codes}",
        "wrote_csv": "Wrote {n} CSV file(s) to {folder}",
        "wrote_parquet": "Wrote {n} Parquet file(s) to {folder}",
        "skipped": "Skipped {n} invalid file(s):",
        "done": "Done in {seconds} s",
        "company_kpis": "Company KPIs as of {as_of}:",
        "failed": "{errors} error(s) in {bad} of {files} file(s); nothing was written (fix them, or use "
                  "--skip-invalid to leave those files out):",
        "more": "  ... and {n} more",
        "no_valid": "no valid input among {n} file(s); nothing was written",
        "no_inputs": "{paths}: no .xlsx or .xlsm workbooks to consolidate; give the department workbooks or the "
                     "folder that holds them",
    },
    "da": {
        "error": "fejl",
        "warning": "advarsel",
        "note": "bemærkning",
        "validate.summary": "{files} fil(er){copies}, {kpis} KPI(er), {measurements} måling(er): {errors} fejl, "
                            "{warnings} advarsel(er)",
        "validate.copy": " (1 af dem en kopi, ikke talt med)",
        "validate.copies": " ({n} af dem kopier, ikke talt med)",
        "left_out.files": "{n} fil(er) udeladt ({kinds})",
        "left_out.folders": "{n} undermappe(r) udeladt (brug --recursive)",
        "left_out.and": " og ",
        "kind.subfolder": "undermappe",
        "kind.lock file": "låsefil",
        "kind.lock files": "låsefiler",
        "kind.company workbook": "virksomhedens projektmappe",
        "kind.share clutter file": "rodfil fra delt drev",
        "kind.share clutter files": "rodfiler fra delt drev",
        "kind.other file": "anden fil",
        "kind.other files": "andre filer",
        "output.is_input": "{path}: outputtet er også et input; vælg en anden sti til outputtet",
        "output.is_folder": "{path}: er en mappe; angiv et filnavn til outputtet",
        "output.exists": "{path}: findes allerede; brug --force for at overskrive den",
        "output.no_folder": "{path}: mappen {folder} findes ikke; opret den først",
        "output.is_file": "{path}: er en fil; angiv en mappe til {option}",
        "wrote_file": "Skrev {path}",
        "wrote": "Skrev {path}: {files} fil(er), {kpis} KPI(er), {measurements} måling(er) opgjort pr. {as_of}",
        "status": "Status: {counts}",
        "warnings": "{n} advarsel(er) i de medtagne filer, vist på arket Fund (kpixl validate udskriver dem): "
                    "{codes}",
        "wrote_csv": "Skrev {n} CSV-fil(er) i {folder}",
        "wrote_parquet": "Skrev {n} Parquet-fil(er) i {folder}",
        "skipped": "Udelod {n} ugyldig(e) fil(er):",
        "done": "Færdig på {seconds} s",
        "company_kpis": "Virksomhedens KPI'er opgjort pr. {as_of}:",
        "failed": "{errors} fejl i {bad} af {files} fil(er); intet blev skrevet (ret dem, eller brug "
                  "--skip-invalid for at udelade de filer):",
        "more": "  ... og {n} mere",
        "no_valid": "intet gyldigt input blandt {n} fil(er); intet blev skrevet",
        "no_inputs": "{paths}: ingen .xlsx- eller .xlsm-projektmapper at konsolidere; angiv afdelingernes "
                     "projektmapper eller den mappe, der rummer dem",
    },
}
