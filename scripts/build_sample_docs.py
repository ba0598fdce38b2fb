#!/usr/bin/env python3
"""Regenerate the generated files of the Plant Copilot sample corpus (``sample_docs/``).

Hand-written documents (.md, .txt, .html and their sidecars) are committed as they are. This script
(re)builds everything else from the YAML data in ``scripts/sample_corpus/data/``, so a manual or a
work-order export can be edited there and rebuilt. The builders live in the ``sample_corpus`` package
next to this script (one module per kind of document); this file is the command-line entry point:

* 4 equipment manuals as multi-page PDFs (reportlab platypus, one section per page, spec tables);
* 1 SOP as .docx (python-docx: headings, numbered steps, tables);
* 3 CMMS work-order exports (2 x CSV, 1 x XLSX) mixing plant-specific rows from the data files with terse
  maintenance texts from the MaintIE gold set (MIT, Bikaun et al., LREC-COLING 2024, nlp-tlp/maintie);
* 1 shift-handover e-mail (.eml, RFC 822, plain text);
* the ``.meta.yaml`` sidecar of each generated file;
* the document table in ``sample_docs/README.md`` (between the ``BEGIN/END DOCUMENT TABLE`` markers),
  built from the metadata of every file, which also validates the layout and metadata convention.

Everything is deterministic: no randomness, fixed dates inside the files, reportlab ``invariant=1``,
and the zip containers of .docx/.xlsx are rewritten with fixed timestamps. Re-running the script on an
unchanged tree gives byte-identical files.

Usage::

    python scripts/build_sample_docs.py [--maintie PATH/TO/gold_release.json] [--check]

Needs reportlab, python-docx, openpyxl, pyyaml (the project's dev extras). The MaintIE file is looked up
at ``--maintie``, ``$MAINTIE_GOLD``, ``<repo>/../shared/datasets/maintie/gold_release.json`` or
``/work/shared/datasets/maintie/gold_release.json``.
"""

from __future__ import annotations

import argparse

# ``sample_corpus`` is found next to this file: Python puts the script's folder on sys.path, and
# importers (eval/golden/check_golden.py) put scripts/ there before importing build_sample_docs.
from sample_corpus.catalogue import read_meta, scan_documents, update_readme
from sample_corpus.common import ROOT, SD, write_meta
from sample_corpus.maintie import find_maintie

__all__ = [
    "ROOT",
    "SD",
    "find_maintie",
    "main",
    "read_meta",
    "scan_documents",
    "update_readme",
    "write_meta",
]


def generate(maintie_arg: str | None) -> None:
    """Build every generated file (manuals, SOP, work-order exports, e-mail) and its sidecar."""
    # Imported here so that ``--check`` and importers of scan_documents need no reportlab/python-docx.
    from sample_corpus import docx_sop, eml, manuals, work_orders

    manuals.build_manuals()
    docx_sop.build_sop()
    wo = work_orders.build_exports(find_maintie(maintie_arg))
    eml.build_handover(wo["brookfield"])
    brk, cal, dun = (len(wo[site]) for site in ("brookfield", "calder", "dunmore"))
    print(f"work orders: brookfield {brk}, calder {cal}, dunmore {dun} (total {brk + cal + dun})")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--maintie", help="path to MaintIE gold_release.json")
    ap.add_argument("--check", action="store_true", help="only validate metadata, generate nothing")
    args = ap.parse_args(argv)

    if not args.check:
        generate(args.maintie)

    docs = scan_documents()
    update_readme(docs)
    print(
        f"{len(docs)} documents, {len({d['doc_id'] for d in docs})} doc_ids; README table updated"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
