"""One settings tree for the whole application, read once at start-up and passed down.

Values come from environment variables prefixed ``PLANT_COPILOT_`` (nested fields use ``__``,
e.g. ``PLANT_COPILOT_LLM__BASE_URL``) and from an optional ``.env`` file. Nothing here is read at
import time: call :func:`load_settings` at an entry point.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from core.support import SupportModel

# Variables that keep third-party libraries from reaching the network (see README, "Offline").
# TIKTOKEN_CACHE_DIR is deliberately absent: llama-index points it at its own bundled cache.
OFFLINE_ENV: dict[str, str] = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "DO_NOT_TRACK": "1",
    "RAGAS_DO_NOT_TRACK": "true",
    "UNSTRUCTURED_DISABLE_NOTICE": "1",
    "SCARF_NO_ANALYTICS": "true",
    "ANONYMIZED_TELEMETRY": "False",
    "TOKENIZERS_PARALLELISM": "false",
}


class ChromaSettings(BaseModel):
    """Where the vector index lives: on disk (embedded) or a Chroma server over HTTP.

    Server mode is for several app instances sharing one index (with PostgreSQL as the
    database); see ``docs/deployment.md``. ``token`` is sent as a bearer token for a reverse
    proxy to check: the single-node Chroma server itself does not authenticate.
    """

    mode: Literal["embedded", "server"] = "embedded"
    path: Path | None = Field(default=None, description="Embedded store; default <home>/chroma")
    host: str = "127.0.0.1"
    port: int = 8001
    ssl: bool = Field(default=False, description="Server mode: https instead of http")
    token: SecretStr | None = None
    timeout_s: float = Field(
        default=60.0, gt=0, description="Server mode: per-request timeout (connect: 5 s at most)"
    )
    collection: str = "plant_chunks"


def default_onnx_dir() -> Path:
    """Where ``scripts/export_onnx_embedder.py`` writes the ONNX MiniLM at install time.

    Inside the environment (``<venv>/share/plant-copilot/minilm-onnx``): the export belongs to
    the installed torch/onnxruntime versions, so a rebuilt venv gets a fresh one.
    """
    return Path(sys.prefix) / "share" / "plant-copilot" / "minilm-onnx"


class EmbeddingSettings(BaseModel):
    """Which embedder to use.

    ``onnx`` (the default) is all-MiniLM-L6-v2 exported to ONNX Runtime, int8 (no torch at run
    time: 1.9x the chunks/s of torch on a quiet 2-core machine, cold start 0.3 s instead of
    seconds; same SciFact dense nDCG@10, bench/embed_bench.py); ``minilm`` is
    the same model through sentence-transformers and torch; ``hashing`` is the deterministic
    fake. An index remembers the embedder that built it and refuses any other.
    """

    backend: Literal["onnx", "minilm", "hashing"] = "onnx"
    model_path: Path | None = Field(default=None, description="Override the packaged model dir")
    onnx_dir: Path | None = Field(
        default=None, description="Exported ONNX model dir; default <venv>/share/plant-copilot/..."
    )
    onnx_precision: Literal["int8", "fp32"] = Field(
        default="int8", description="Which exported file the onnx backend runs"
    )
    threads: int | None = Field(
        default=None, ge=1, description="ONNX Runtime intra-op threads; default: usable cores"
    )
    batch_size: int = Field(
        default=32,
        description="Texts per forward pass (torch, ONNX fp32); ONNX int8 embeds each text alone",
    )
    dimension: int = 384

    @property
    def resolved_onnx_dir(self) -> Path:
        """The configured ONNX model directory, or the install-time default."""
        return self.onnx_dir or default_onnx_dir()


class ChunkingSettings(BaseModel):
    """Chunk size bounds in characters (MiniLM reads at most 256 word pieces, ~1,000 chars)."""

    max_characters: int = 1200
    new_after_n_chars: int = 900
    combine_under_n_chars: int = 200
    outline_sections: bool = Field(
        default=True,
        description="Give a document without headings its sections from its numbered outline "
        "(a regulation: '(c) General > (7) Training and communication'); it quotes the OSHA "
        "text better (eval/calibration/outline_v2.md). Re-read with `reindex --full` after "
        "changing it",
    )


LOCAL_LLM_FILE = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
"""The local generator's file name under ``<venv>/share/plant-copilot`` (``make local-llm``)."""


class LLMSettings(BaseModel):
    """Optional LLM answer mode: an OpenAI-compatible chat endpoint (``base_url``; the key is
    read from ``api_key_env``), or a local GGUF model run in-process (``backend="gguf"``,
    installed by ``make local-llm``)."""

    backend: Literal["http", "gguf"] = "http"
    base_url: str | None = None
    model: str = "gpt-4o-mini"
    api_key_env: str = "PLANT_COPILOT_LLM_API_KEY"
    timeout_s: float = 30.0
    model_path: Path | None = Field(
        default=None,
        description="gguf backend: the model file (default: the one `make local-llm` installs)",
    )
    threads: int = Field(default=2, ge=1, description="gguf backend: CPU threads")
    max_tokens: int = Field(default=320, ge=16, description="gguf backend: reply length cap")

    @property
    def enabled(self) -> bool:
        """True when an LLM answer mode is configured."""
        return self.backend == "gguf" or bool(self.base_url)

    @property
    def resolved_model_path(self) -> Path:
        """The configured GGUF file, or where ``make local-llm`` puts it."""
        return self.model_path or Path(sys.prefix) / "share" / "plant-copilot" / LOCAL_LLM_FILE


class AuthSettings(BaseModel):
    """Login hardening for the UI: bcrypt cost, lock-out after failed attempts, idle timeout."""

    max_failed_attempts: int = Field(default=5, ge=1, description="Failures before a lock-out")
    lockout_minutes: float = Field(default=15.0, gt=0, description="How long a lock-out lasts")
    session_timeout_minutes: float = Field(default=30.0, gt=0, description="Idle UI session")
    bcrypt_rounds: int = Field(default=12, ge=4, le=16, description="bcrypt cost factor")
    min_password_length: int = Field(default=8, ge=1)


class UISettings(BaseModel):
    """Streamlit app behaviour that is policy rather than layout."""

    history_turns: int = Field(default=20, ge=1, description="Chat turns kept on screen")
    stream_delay_s: float = Field(default=0.02, ge=0.0, description="Pause between sentences")
    max_download_bytes: int = Field(default=50 * 1024 * 1024, ge=1)
    review_page_size: int = Field(default=200, ge=1, description="Interactions listed at once")
    warm_on_start: bool = Field(
        default=True, description="Load the model and index snapshot before the server listens"
    )


class AnswerSettings(BaseModel):
    """How answers are composed and when the copilot abstains.

    The reader model (``services/answering/reader.py``) reads every quotable unit of the top
    ``reader_candidates`` hits with the question; when the support score (``support``: the
    best unit's logit and the embedder's best cosine, combined by a fitted logistic,
    ``core/support.py``) is below ``reader_threshold`` the copilot says the documents do not
    answer. The threshold and the other
    reader settings were chosen on the development question sets (``eval/golden/*.jsonl``, with
    ``eval/threshold_sweep.py``; README "Evaluation"); re-run the sweep when the reader model,
    the corpus or the retriever changes.
    """

    retrieve_k: int = Field(default=8, ge=1, le=50)
    max_sentences: int = Field(default=6, ge=1, description="Units in a factual answer")
    max_sources: int = Field(default=3, ge=1, description="Chunks quoted in a factual answer")
    closest_documents: int = Field(default=3, ge=0, description="Named when abstaining")
    llm_max_sources: int = Field(default=6, ge=1, description="Numbered sources sent to an LLM")
    postcheck_min_overlap: float = Field(
        default=0.6, ge=0.0, le=1.0, description="Share of a reply sentence's words in its source"
    )
    prompt_version: str = "v1"
    max_question_chars: int = 2000
    reader_threshold: float = Field(
        default=0.625,
        ge=0.0,
        le=1.0,
        description="Abstain when the support score (see ``support``) is below",
    )
    support: SupportModel = Field(
        default_factory=SupportModel,
        description="Weights of the support score, fitted by eval/fit_support.py",
    )
    reader_candidates: int = Field(default=8, ge=1, le=50, description="Hits the reader reads")
    reader_max_units: int = Field(
        default=64, ge=1, le=200, description="Units of those hits the reader reads, at most"
    )
    reader_read_procedures: bool = Field(
        default=True,
        description="Also read each run of numbered steps as one passage, so that a terse "
        "'what are the steps' question can be answered by a procedure whose single steps "
        "each score low",
    )
    reader_rank_prior: float = Field(
        default=1.0,
        ge=0.0,
        description="A unit's value is its reader logit minus this times ln(1 + its hit's "
        "fused position): the retriever's order breaks the reader's near-ties",
    )
    procedure_extra_units: int = Field(
        default=2,
        ge=0,
        description="When the answer is a procedure, units from outside it (within the unit "
        "margin of its best step) quoted after the steps, at most",
    )
    reader_unit_margin: float = Field(
        default=3.0, ge=0.0, description="Units quoted when their value is this close to the best"
    )
    history_margin: float = Field(
        default=0.35,
        ge=0.0,
        le=2.0,
        description="Asset-history answers count the records whose score (cosine plus word "
        "coverage) is within this of the best one (services/asset_rows.py)",
    )


class IngestSettings(BaseModel):
    """Limits that protect ingestion from hostile or accidental inputs."""

    max_file_bytes: int = 25 * 1024 * 1024
    lock_wait_s: float = Field(
        default=3600.0,
        ge=0,
        description="How long a run waits for another ingest/reindex run to finish (exit 6 after)",
    )


class RetrievalSettings(BaseModel):
    """How search finds and fuses chunks (see ``retrieval/hybrid.py``).

    Dense and keyword searches each return ``candidates`` hits inside the scope; they are fused
    with weighted reciprocal rank fusion, ``w / (rrf_k + rank)`` summed over both lists.
    """

    k: int = Field(default=8, ge=1, le=100, description="Hits returned by default")
    candidates: int = Field(default=30, ge=1, le=500, description="Hits per retriever")
    rrf_k: int = Field(default=60, ge=1, description="RRF damping constant")
    dense_weight: float = Field(default=1.0, ge=0.0)
    keyword_weight: float = Field(default=1.0, ge=0.0)
    record_weight: float = Field(
        default=0.9,
        gt=0.0,
        le=1.0,
        description="Score multiplier of work orders and incidents when the question is not "
        "about the past (manuals and SOPs first); 1.0 turns it off",
    )
    dedup_overlap: float = Field(
        default=0.9, gt=0.0, le=1.0, description="Word-set Jaccard above which chunks collapse"
    )
    join_steps: bool = Field(default=True, description="Join chunks continuing numbered steps")
    max_join_chunks: int = Field(default=3, ge=0, le=10, description="Neighbours per side")
    max_context_chars: int = Field(default=6000, ge=500)
    rerank_model_path: Path | None = Field(
        default=None, description="Local cross-encoder directory; reranking is off when unset"
    )
    reranker: Literal["reader", "cross-encoder", "none"] | None = Field(
        default=None,
        description="reader: the shipped int8 ONNX reader (retrieval/reader_model); "
        "cross-encoder: a transformers model at rerank_model_path; none: off; unset: "
        "cross-encoder when rerank_model_path is set, else off",
    )
    reader_model_path: Path | None = Field(
        default=None, description="Reader model directory; default the shipped one"
    )
    reader_threads: int = Field(
        default=2, ge=1, le=64, description="Reader pairs run at once, one core each"
    )
    rerank_max_length: int = Field(
        default=128,
        ge=16,
        le=512,
        description="Word pieces the reader reads of a passage when it reranks whole chunks "
        "(reranker=reader); 128, its training length, was better than 256 on SciFact train. "
        "The answerer's units are read at up to 256 (chosen on the development sets)",
    )
    reader_backend: Literal["onnx", "overlap"] = Field(
        default="onnx",
        description="onnx: the shipped reader model; overlap: the deterministic word-overlap "
        "fake (retrieval/readers.py) for fast tests, never for serving",
    )
    rerank_candidates: int = Field(default=20, ge=1, le=200)
    rerank_rank_prior: float = Field(
        default=0.0,
        ge=0.0,
        description="Rerank by score (a probability is read on the logit scale) minus this "
        "times ln(1 + fused position): the fused order breaks the reranker's near-ties",
    )
    keyword_dir: Path | None = Field(default=None, description="Default <home>/bm25")
    dense_snapshot: bool = Field(
        default=True,
        description="Exact in-memory dense search on the index snapshot (4 bytes x dim per "
        "chunk of RAM) while it is current; off: always the vector index's filtered query",
    )
    keyword_refresh: Literal["sync", "background"] = Field(
        default="background",
        description="Rebuild a stale keyword index while serving the old one, or before searching",
    )

    @model_validator(mode="after")
    def _cross_encoder_needs_a_path(self) -> RetrievalSettings:
        """Fail at start-up, not on the first question, when the cross-encoder has no model."""
        if self.reranker == "cross-encoder" and self.rerank_model_path is None:
            raise ValueError("retrieval.reranker=cross-encoder needs retrieval.rerank_model_path")
        return self


class Settings(BaseSettings):
    """Application settings. Build with :func:`load_settings`; pass the object down."""

    model_config = SettingsConfigDict(
        env_prefix="PLANT_COPILOT_",
        env_nested_delimiter="__",
        env_file=".env",
        extra="ignore",
    )

    home: Path = Path(".plant-copilot")
    database_url: str | None = None
    chroma: ChromaSettings = ChromaSettings()
    embedding: EmbeddingSettings = EmbeddingSettings()
    chunking: ChunkingSettings = ChunkingSettings()
    auth: AuthSettings = AuthSettings()
    ui: UISettings = UISettings()
    llm: LLMSettings = LLMSettings()
    answer: AnswerSettings = AnswerSettings()
    ingest: IngestSettings = IngestSettings()
    retrieval: RetrievalSettings = RetrievalSettings()
    policy_file: Path | None = Field(
        default=None, description="YAML mapping doc_type -> roles; default policy when unset"
    )

    @property
    def resolved_database_url(self) -> str:
        """The configured URL, or a SQLite file inside ``home``."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.home / 'plant_copilot.db').resolve()}"

    @property
    def keyword_path(self) -> Path:
        """Where keyword index snapshots are persisted, one folder per index generation."""
        return self.retrieval.keyword_dir or (self.home / "bm25")

    @property
    def chroma_path(self) -> Path:
        """The embedded Chroma directory."""
        return self.chroma.path or (self.home / "chroma")


def apply_offline_env() -> None:
    """Set the variables that stop libraries phoning home, unless the user already chose."""
    for key, value in OFFLINE_ENV.items():
        os.environ.setdefault(key, value)


def load_settings(**overrides: object) -> Settings:
    """Build settings from the environment (and ``.env``), apply offline guards, make ``home``."""
    apply_offline_env()
    settings = Settings(**overrides)  # type: ignore[arg-type]
    settings.home.mkdir(parents=True, exist_ok=True)
    return settings
