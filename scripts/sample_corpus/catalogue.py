"""Metadata scan, validation and the README document table of the sample corpus.

Every document in ``sample_docs/<site>/<doc_type>/`` carries metadata, as YAML front matter (Markdown)
or as a ``.meta.yaml`` sidecar. ``scan_documents`` reads and validates all of it against the layout
and metadata convention (required keys and types, doc_id prefix per site, known audience roles,
unique revisions per doc_id), and ``update_readme`` rewrites the document table in
``sample_docs/README.md`` from it. The golden-set checker (``eval/golden/check_golden.py``) uses
``scan_documents`` through ``build_sample_docs`` as its view of the corpus.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .common import DEFAULT_AUDIENCE, DOC_TYPES, SD, SITES

SITE_PREFIX = {"all": "ALL", "brookfield": "BRK", "calder": "CAL", "dunmore": "DUN"}
ROLES = {"operator", "technician", "quality", "admin"}


def read_meta(path: Path) -> dict:
    """Metadata of one document: its front matter (.md) or its ``.meta.yaml`` sidecar."""
    import yaml

    if path.suffix == ".md":
        text = path.read_text(encoding="utf-8")
        if not text.startswith("---\n"):
            raise ValueError(f"{path}: Markdown file without YAML front matter")
        end = text.index("\n---\n", 4)
        return yaml.safe_load(text[4:end])
    side = Path(str(path) + ".meta.yaml")
    if not side.exists():
        raise ValueError(f"{path}: missing sidecar {side.name}")
    return yaml.safe_load(side.read_text(encoding="utf-8"))


def _check_meta(p: Path, site: str, m: dict) -> None:
    for key in ("doc_id", "title", "revision", "effective_date"):
        if key not in m:
            raise ValueError(f"{p}: metadata lacks {key}")
    if not isinstance(m["revision"], str):
        raise ValueError(f"{p}: revision must be a string")
    if not isinstance(m["effective_date"], dt.date):
        raise ValueError(f"{p}: effective_date must be an ISO date")
    if not m["doc_id"].startswith(SITE_PREFIX[site] + "-"):
        raise ValueError(f"{p}: doc_id {m['doc_id']} does not match site {site}")
    audience = m.get("audience")
    if audience is not None and not set(audience) <= ROLES:
        raise ValueError(f"{p}: unknown role in audience {audience}")


def _folder_documents(site: str, doc_type: str) -> list[dict]:
    folder = SD / site / doc_type
    if not folder.is_dir():
        return []
    docs = []
    for p in sorted(folder.iterdir()):
        if p.name.endswith(".meta.yaml") or p.name.startswith("."):
            continue
        m = read_meta(p)
        _check_meta(p, site, m)
        audience = m.get("audience")
        docs.append(
            {
                "path": p.relative_to(SD).as_posix(),
                "site": site,
                "doc_type": doc_type,
                **m,
                "audience_eff": audience or DEFAULT_AUDIENCE[doc_type],
                "audience_set": audience is not None,
            }
        )
    return docs


def scan_documents() -> list[dict]:
    """All documents of the corpus with their validated metadata, in site/type/name order."""
    docs = []
    for site in SITES:
        for doc_type in DOC_TYPES:
            docs += _folder_documents(site, doc_type)
    by_id: dict[str, list[dict]] = {}
    for d in docs:
        by_id.setdefault(d["doc_id"], []).append(d)
    for doc_id, group in by_id.items():
        revs = [d["revision"] for d in group]
        if len(set(revs)) != len(revs):
            raise ValueError(f"{doc_id}: two files with the same revision")
        if len({(d["site"], d["doc_type"]) for d in group}) != 1:
            raise ValueError(f"{doc_id}: revisions in different folders")
    return docs


def update_readme(docs: list[dict]) -> None:
    """Rewrite the table between the DOCUMENT TABLE markers of ``sample_docs/README.md``."""
    readme = SD / "README.md"
    text = readme.read_text(encoding="utf-8")
    begin, end = "<!-- BEGIN DOCUMENT TABLE -->", "<!-- END DOCUMENT TABLE -->"
    lines = [
        begin,
        "",
        "| path | doc_id | site | doc_type | revision | effective_date | audience |",
        "|---|---|---|---|---|---|---|",
    ]
    for d in sorted(docs, key=lambda d: d["path"]):
        aud = ", ".join(d["audience_eff"]) + ("" if d["audience_set"] else " (default)")
        lines.append(
            f"| `{d['path']}` | {d['doc_id']} | {d['site']} | {d['doc_type']} | {d['revision']} | "
            f"{d['effective_date']} | {aud} |"
        )
    lines += [
        "",
        f"{len(docs)} files, {len({d['doc_id'] for d in docs})} distinct doc_ids.",
        "",
        end,
    ]
    i, j = text.index(begin), text.index(end) + len(end)
    readme.write_text(text[:i] + "\n".join(lines) + text[j:], encoding="utf-8")
