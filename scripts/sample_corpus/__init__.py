"""Builders for the generated files of the Plant Copilot sample corpus (``sample_docs/``).

The package holds what ``scripts/build_sample_docs.py`` (the command-line entry point) runs: shared
paths and writers (``common``), the PDF manuals (``manuals``), the .docx SOP (``docx_sop``), the MaintIE
text selection (``maintie``), the CMMS work-order exports (``work_orders``), the shift-handover e-mail
(``eml``) and the metadata scan and README document table (``catalogue``). The literal content of the
documents lives in YAML files under ``data/`` so it can be edited without touching the code.
"""
