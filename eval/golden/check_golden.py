#!/usr/bin/env python3
"""Check eval/golden/sample.jsonl against the sample corpus in sample_docs/.

For every question it verifies that:

* the record has the documented fields and allowed values (site, role, answerable, ...);
* every ``relevant`` doc_id exists; a ``section`` is a heading of that document (Markdown
  ``#`` heading, HTML h1/h2, DOCX heading, or the section heading printed on the PDF
  ``page``); a ``row`` exists in the work-order export;
* every ``must_include`` string occurs verbatim in at least one relevant passage (the row,
  else the page, else the section, else the whole current revision);
* the asker (site, role) may read every relevant document (same site or ``all``, role in
  the audience);
* for ``notes`` starting with ``revision:``, the superseded revision does not contain all
  must_include strings;
* for ``notes`` starting with ``probe:``, every doc_id named in the notes exists and is NOT
  readable by the asker;
* unanswerable records have no relevant documents and no must_include.

Usage: python eval/golden/check_golden.py [path/to/sample.jsonl]
Needs pyyaml, pypdf, python-docx, openpyxl. Exit code 1 when a problem is found.
"""

from __future__ import annotations

import csv
import email
import html
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import build_sample_docs as corpus  # noqa: E402

SD = ROOT / "sample_docs"
SITES = {"brookfield", "calder", "dunmore"}
ROLES = {"operator", "technician", "quality", "admin"}
FIELDS = ["id", "question", "site", "role", "answerable", "relevant", "must_include", "notes"]
OPTIONAL = ["expected_count", "as_of"]  # asset-history questions, after the fields above


def _sections_md(text: str) -> dict[str, str]:
    secs, cur, buf = {"__all__": text}, None, []
    for line in text.splitlines():
        m = re.match(r"^(#+)\s+(.*)$", line)
        if m:
            if cur is not None:
                secs[cur] = "\n".join(buf)
            cur, buf = m.group(2).strip(), []
        else:
            buf.append(line)
    if cur is not None:
        secs[cur] = "\n".join(buf)
    return secs


def _strip_tags(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", text))


def _sections_html(text: str) -> dict[str, str]:
    secs = {"__all__": _strip_tags(text)}
    parts = re.split(r"<h[12][^>]*>(.*?)</h[12]>", text)
    for i in range(1, len(parts), 2):
        secs[html.unescape(parts[i]).strip()] = _strip_tags(parts[i + 1])
    return secs


def load(path: Path) -> dict:
    """Text of one document as {"secs": {heading: text}, "pages": {n: text}, "rows": {n: text}}.

    ``secs["__all__"]`` holds the whole text.
    """
    info: dict = {"secs": {}, "pages": {}, "rows": {}}
    ext = path.suffix
    if ext == ".md":
        info["secs"] = _sections_md(path.read_text(encoding="utf-8"))
    elif ext == ".html":
        info["secs"] = _sections_html(path.read_text(encoding="utf-8"))
    elif ext == ".txt":
        info["secs"] = {"__all__": path.read_text(encoding="utf-8")}
    elif ext == ".eml":
        msg = email.message_from_bytes(path.read_bytes())
        body = msg.get_payload(decode=True).decode("utf-8")
        info["secs"] = {"__all__": f"{msg['Subject']}\n{body}"}
    elif ext == ".pdf":
        import pypdf

        texts = []
        for n, page in enumerate(pypdf.PdfReader(str(path)).pages, 1):
            t = page.extract_text()
            texts.append(t)
            info["pages"][n] = t
            for line in t.splitlines():
                if re.match(r"^\d+ [A-Z]", line):
                    info["secs"][line.strip()] = t
                    break
        info["secs"]["__all__"] = "\n".join(texts)
    elif ext == ".docx":
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        d = docx.Document(str(path))
        cur, secs = "__pre__", {"__pre__": ""}
        for el in d.element.body.iterchildren():
            if el.tag.endswith("}p"):
                para = Paragraph(el, d)
                if para.style is not None and para.style.name.startswith("Heading"):
                    cur = para.text.strip()
                    secs[cur] = ""
                else:
                    secs[cur] += para.text + "\n"
            elif el.tag.endswith("}tbl"):
                t = Table(el, d)
                secs[cur] += (
                    "\n".join(" | ".join(c.text for c in row.cells) for row in t.rows) + "\n"
                )
        secs["__all__"] = "\n".join(secs.values())
        info["secs"] = secs
    elif ext == ".csv":
        with path.open(encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))[1:]
        info["rows"] = {i: ",".join(r) for i, r in enumerate(rows, 1)}
        info["secs"] = {"__all__": "\n".join(info["rows"].values())}
    elif ext == ".xlsx":
        import openpyxl

        ws = openpyxl.load_workbook(path, read_only=True).active
        rows = list(ws.iter_rows(min_row=2, values_only=True))
        info["rows"] = {i: ",".join(str(c) for c in r) for i, r in enumerate(rows, 1)}
        info["secs"] = {"__all__": "\n".join(info["rows"].values())}
    return info


def _rev_key(d: dict) -> tuple:
    r = d["revision"]
    return (1, int(r), "") if r.isdigit() else (0, 0, r)


def main(argv: list[str]) -> int:
    golden = Path(argv[1]) if len(argv) > 1 else Path(__file__).with_name("sample.jsonl")
    docs = corpus.scan_documents()
    by_id: dict[str, list[dict]] = {}
    for d in docs:
        by_id.setdefault(d["doc_id"], []).append(d)
    current = {k: max(v, key=_rev_key) for k, v in by_id.items()}
    cache: dict[str, dict] = {}

    def info(d: dict) -> dict:
        if d["path"] not in cache:
            cache[d["path"]] = load(SD / d["path"])
        return cache[d["path"]]

    def readable(site: str, role: str, d: dict) -> bool:
        return d["site"] in (site, "all") and role in d["audience_eff"]

    errors: list[str] = []
    records = [
        json.loads(line) for line in golden.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    ids = Counter(r.get("id") for r in records)
    errors += [f"duplicate id {k}" for k, v in ids.items() if v > 1]
    for q in records:
        qid = q.get("id", "?")
        extra = list(q)[len(FIELDS) :]
        if list(q)[: len(FIELDS)] != FIELDS or any(k not in OPTIONAL for k in extra):
            errors.append(f"{qid}: fields {list(q)} != {FIELDS} (+ optional {OPTIONAL})")
            continue
        count = q.get("expected_count")
        rows = [r for r in q["relevant"] if r.get("row") is not None]
        if count is not None and (not isinstance(count, int) or (count and count != len(rows))):
            errors.append(f"{qid}: expected_count {count} != {len(rows)} relevant rows")
        if (
            q["site"] not in SITES
            or q["role"] not in ROLES
            or not isinstance(q["answerable"], bool)
        ):
            errors.append(f"{qid}: bad site/role/answerable")
        if not q["answerable"]:
            if q["relevant"] or q["must_include"]:
                errors.append(f"{qid}: unanswerable but has relevant/must_include")
        elif not q["relevant"] or not q["must_include"]:
            errors.append(f"{qid}: answerable without relevant or must_include")
        passages = []
        for r in q["relevant"]:
            if r.get("doc_id") not in current:
                errors.append(f"{qid}: unknown doc_id {r.get('doc_id')}")
                continue
            d = current[r["doc_id"]]
            inf = info(d)
            if not readable(q["site"], q["role"], d):
                errors.append(f"{qid}: {q['site']}/{q['role']} may not read {r['doc_id']}")
            if "row" in r:
                if r["row"] not in inf["rows"]:
                    errors.append(f"{qid}: {r['doc_id']} has no row {r['row']}")
                    continue
                passages.append(inf["rows"][r["row"]])
            elif "page" in r:
                page = inf["pages"].get(r["page"], "")
                if "section" in r and r["section"] not in page:
                    errors.append(
                        f"{qid}: section {r['section']!r} not on page {r['page']} of {r['doc_id']}"
                    )
                passages.append(page)
            elif "section" in r:
                if r["section"] not in inf["secs"]:
                    errors.append(f"{qid}: {r['doc_id']} has no section {r['section']!r}")
                    continue
                passages.append(inf["secs"][r["section"]])
            else:
                passages.append(inf["secs"]["__all__"])
        for m in q["must_include"]:
            if not any(m in p for p in passages):
                errors.append(f"{qid}: must_include {m!r} not found in the relevant passages")
        if q["notes"].startswith("revision:") and q["relevant"]:
            doc_id = q["relevant"][0]["doc_id"]
            older = [d for d in by_id.get(doc_id, []) if d is not current.get(doc_id)]
            if not older:
                errors.append(f"{qid}: revision question on a document with one revision")
            for d in older:
                if all(m in info(d)["secs"]["__all__"] for m in q["must_include"]):
                    errors.append(
                        f"{qid}: superseded revision {d['revision']} also contains all must_include"
                    )
        if q["notes"].startswith("probe:"):
            named = [
                i
                for i in re.findall(r"[A-Z]{3}-[A-Z0-9]+(?:-[A-Z0-9]+)*", q["notes"])
                if i in current
            ]
            if not named:
                errors.append(f"{qid}: probe notes name no known doc_id")
            for i in named:
                if readable(q["site"], q["role"], current[i]):
                    errors.append(
                        f"{qid}: probe document {i} is readable by {q['site']}/{q['role']}"
                    )
    for e in errors:
        print(e)
    n_probe = sum(1 for q in records if q["notes"].startswith("probe:"))
    n_unans = sum(1 for q in records if not q["answerable"]) - n_probe
    print(
        f"{len(records)} questions: {len(records) - n_unans - n_probe} answerable, "
        f"{n_unans} unanswerable, {n_probe} permission probes; "
        f"sites {dict(Counter(q['site'] for q in records))}; "
        f"roles {dict(Counter(q['role'] for q in records))}; {len(errors)} problem(s)"
    )
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
