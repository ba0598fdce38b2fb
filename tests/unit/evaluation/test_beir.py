"""The BEIR benchmark on a tiny hand-made BEIR folder, with the hashing embedder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli.main import main
from core.errors import NotFoundError
from eval.beir.data import load_dataset
from eval.beir.methods import BM25Params, FusionParams, KeywordCorpus, fuse, score_rankings
from eval.beir.prepare import prepare
from eval.beir.reference import parse_references
from eval.beir.run import BeirOptions, run_beir
from eval.beir.tune import tune
from retrieval.embedders import HashingEmbedder
from retrieval.fusion import score_fusion

pytestmark = pytest.mark.unit

DOCS = {
    "d1": ("Gearbox seizure", "The conveyor gearbox seized after the oil level dropped."),
    "d2": ("Caustic wash", "Filler CIP uses 2.0% caustic at 80 C for 25 minutes."),
    "d3": ("Resin drying", "Polycarbonate is dried at 120 C to a dew point of -40 C."),
    "d4": ("Hose burst", "A hydraulic hose burst on the press and sprayed oil."),
    "d5": ("Lockout", "Isolate every energy source and apply a personal lock."),
    "d6": ("Seal pot", "The pump seal pot is pressurised with nitrogen at 4.5 bar."),
}
QUERIES = {
    "1": "why did the gearbox seize",
    "2": "caustic concentration for filler cleaning",
    "3": "drying polycarbonate resin",
    "4": "hydraulic oil hose failure",
    "5": "lock out energy sources",
    "6": "nitrogen pressure of the seal pot",
}
REFERENCES = """Published reference numbers, BEIR Toy test          nDCG@10   R@100
BM25 flat        - Somewhere regression                 0.6789    0.9253
BM25 + CE (cross-encoder rerank)
                 - Paper "BM25+CE"                     0.688     = BM25 R@100 (rerank only)
MiniLM - results
         results/x/Toy.json (mteb 0.0.2)             0.64508   0.925
         (a later entry lists 0.67393; no recall given)
BM25 (paper)  - Table 2                              0.665     0.908*
"""


@pytest.fixture
def beir_dir(tmp_path: Path) -> Path:
    root = tmp_path / "toy"
    (root / "qrels").mkdir(parents=True)
    (root / "corpus.jsonl").write_text(
        "".join(json.dumps({"_id": k, "title": t, "text": x}) + "\n" for k, (t, x) in DOCS.items())
    )
    (root / "queries.jsonl").write_text(
        "".join(json.dumps({"_id": k, "text": v}) + "\n" for k, v in QUERIES.items())
    )
    header = "query-id\tcorpus-id\tscore\n"
    (root / "qrels" / "train.tsv").write_text(header + "1\td1\t1\n2\td2\t1\n3\td3\t1\n")
    (root / "qrels" / "test.tsv").write_text(header + "4\td4\t1\n5\td5\t1\n6\td6\t1\n6\td2\t0\n")
    (root / "REFERENCE_NUMBERS.txt").write_text(REFERENCES)
    return root


def test_dataset_reading_and_missing_files(beir_dir: Path) -> None:
    ds = load_dataset(beir_dir, "test")
    assert len(ds.docs) == 6 and ds.docs[1].joined.startswith("Caustic wash Filler")
    assert ds.qrels == {"4": {"d4": 1}, "5": {"d5": 1}, "6": {"d6": 1}}  # grade 0 dropped
    assert list(ds.split_queries) == ["4", "5", "6"]
    with pytest.raises(NotFoundError, match=r"qrels/dev\.tsv"):
        load_dataset(beir_dir, "dev")


def test_scores_by_hand() -> None:
    qrels = {"a": {"x": 1}, "b": {"y": 1, "z": 1}}
    rankings = {"a": [("w", 1.0), ("x", 0.5)], "b": [("z", 1.0)]}
    scores = score_rankings(rankings, qrels)
    assert scores["recall@100"] == 0.75  # (1 + 1/2) / 2
    assert scores["ndcg@10"] == pytest.approx(round((0.6309 + 1 / (1 + 0.6309)) / 2, 4), abs=1e-4)


def test_keyword_title_weight_and_fusion_methods() -> None:
    from eval.beir.data import BeirDoc

    docs = [
        BeirDoc(doc_id="t", title="pump seal", text="maintenance notes"),
        BeirDoc(doc_id="b", title="notes", text="pump seal pump seal replaced today again"),
    ]
    corpus = KeywordCorpus(docs)
    assert corpus.search("pump seal", BM25Params(title_repeat=0), 5)[0][0] == "b"
    assert corpus.search("pump seal", BM25Params(title_repeat=3), 5)[0][0] == "t"
    dense = [("a", 0.9), ("b", 0.2), ("c", 0.1)]
    keyword = [("b", 12.0), ("c", 11.5)]
    assert fuse(dense, keyword, FusionParams(method="rrf"))[0][0] == "b"
    by_score = fuse(
        dense, keyword, FusionParams(method="score", dense_weight=0.6, keyword_weight=0.4)
    )
    assert by_score[0][0] == "a"  # a's dense lead is kept (0.6 vs b's 0.6*0.125 + 0.4)
    fused = {f.chunk_id: f for f in score_fusion(dense, keyword, 0.5, 0.5)}
    assert fused["b"].score == pytest.approx(0.5 * 0.125 + 0.5)  # min-max: 0.2 -> 0.125, 12 -> 1
    assert fused["a"].score == 0.5 and fused["a"].keyword_rank is None
    assert (fused["b"].dense_rank, fused["b"].keyword_rank) == (2, 1)


def test_reference_numbers_are_parsed_with_their_flags() -> None:
    refs = parse_references(REFERENCES)
    assert list(refs) == ["BM25 flat", "BM25 + CE (cross-encoder rerank)", "MiniLM", "BM25 (paper)"]
    assert refs["BM25 flat"].recall_at_100 == 0.9253
    assert refs["BM25 + CE (cross-encoder rerank)"].recall_at_100 is None
    assert refs["MiniLM"].ndcg_at_10 == 0.64508
    assert refs["BM25 (paper)"].verified is False


def test_tuning_reads_train_only_and_the_benchmark_uses_the_params(
    beir_dir: Path, tmp_path: Path
) -> None:
    embedder = HashingEmbedder()
    cache = tmp_path / "cache"
    test_split = prepare(beir_dir, "test", tmp_path / "other-cache", embedder)
    with pytest.raises(ValueError, match="train split only"):
        tune(test_split)
    params_file = tmp_path / "params.json"
    seen: list[tuple[int, int]] = []
    report = run_beir(
        BeirOptions(root=beir_dir, params_file=params_file, tune=True),
        embedder,
        cache,
        progress=lambda done, total: seen.append((done, total)),
    )
    saved = json.loads(params_file.read_text())
    assert saved["chosen_on"] == "train" and saved["train_queries"] == 3
    assert set(saved["train_scores"]) >= {"bm25", "dense", "hybrid"}
    assert report.params["source"].startswith("train split")
    data = report.public()
    for method in ("bm25", "dense", "hybrid"):
        assert set(data[method]) == {"ndcg@10", "recall@100"}
    assert data["reference"]["BM25 flat"]["ndcg@10"] == 0.6789
    assert data["split"] == "test" and data["queries"] == 3 and data["rerank"] is None
    assert seen and seen[-1] == (6, 6)  # the corpus was embedded once, with progress
    assert [p.name for p in cache.glob("*.npy") if "queries" not in p.name] == [
        f"{test_split.dataset.corpus_hash}-hashing-384.npy"
    ]
    again = prepare(beir_dir, "test", cache, embedder)
    assert again.docs_cached


def test_cli_json(beir_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                  capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    monkeypatch.setenv("PLANT_COPILOT_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PLANT_COPILOT_EMBEDDING__BACKEND", "hashing")
    code = main(["eval", "beir", str(beir_dir), "--json", "--params", str(tmp_path / "p.json")])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert {"bm25", "dense", "hybrid", "reference", "params"} <= set(data)
    assert data["params"]["source"].startswith("product defaults")
    assert (tmp_path / "home" / "beir-cache").is_dir()
    assert main(["eval", "beir", str(tmp_path / "missing")]) == 4


class _PreferLongest:
    """A stand-in cross-encoder: scores a passage by its length."""

    model_id = "longest"

    def score(self, question: str, passages: list[str]) -> list[float]:
        return [float(len(p)) for p in passages]


def test_rerank_runs_only_when_a_reranker_is_configured(beir_dir: Path, tmp_path: Path) -> None:
    from eval.beir.bench import rerank_rankings, run_benchmark

    prepared = prepare(beir_dir, "test", tmp_path / "cache", HashingEmbedder())
    report = run_benchmark(prepared, None, reranker=_PreferLongest(), rerank_top=3)
    assert report.rerank is not None and set(report.rerank) == {"ndcg@10", "recall@100"}
    assert "rerank" in report.timings_s
    ranking = {"4": [("d1", 1.0), ("d2", 0.9), ("d6", 0.8), ("d3", 0.1)]}
    reranked = rerank_rankings(prepared, ranking, _PreferLongest(), top=3)["4"]
    order = [d for d, _ in reranked]
    by_length = sorted(["d1", "d2", "d6"], key=lambda d: -len(" ".join(DOCS[d])))
    assert order == [*by_length, "d3"]  # top 3 reordered by the reranker, the rest kept


def test_rerank_mixing_keeps_a_strong_hybrid_lead() -> None:
    from eval.beir.rerank import RerankParams, mixed

    ranking = [("a", 1.0), ("b", 0.5), ("c", 0.0), ("tail", -1.0)]
    reader = [0.40, 0.45, 0.50]
    alone = [d for d, _ in mixed(ranking, reader, RerankParams(top=3, mix=0.0))]
    assert alone == ["c", "b", "a", "tail"]
    with_hybrid = [d for d, _ in mixed(ranking, reader, RerankParams(top=3, mix=0.5))]
    assert with_hybrid == ["a", "b", "c", "tail"]  # 0.40+0.5 > 0.45+0.25 > 0.50+0
    assert [d for d, _ in mixed(ranking, reader, RerankParams(top=2))] == ["b", "a", "c", "tail"]


def test_rerank_tuning_uses_only_held_out_train_queries(beir_dir: Path, tmp_path: Path) -> None:
    from eval.beir.rerank import is_tune_query, load_rerank, save_rerank, tune_rerank, tune_split

    share = sum(is_tune_query(str(q)) for q in range(2000)) / 2000
    assert 0.27 < share < 0.33
    prepared = prepare(beir_dir, "train", tmp_path / "cache", HashingEmbedder())
    held = tune_split(prepared)
    assert set(held.dataset.qrels) == {q for q in prepared.dataset.qrels if is_tune_query(q)}
    fused = {q: [(d, 1.0 / (i + 1)) for i, d in enumerate(DOCS)] for q in prepared.dataset.qrels}
    tuned = tune_rerank(prepared, fused, _PreferLongest())
    assert tuned.best_ndcg10 == max(tuned.grid.values()) and tuned.queries == 3
    path = save_rerank(tuned, tmp_path / "rerank.json")
    assert load_rerank(path) == tuned.params and load_rerank(tmp_path / "none.json") is None
