"""Minimal greedy generator over ik_llama_cpp low-level API (own argmax, ChatML prompt)."""

import os
import time

import numpy as np
from ik_llama_cpp import IkLlama
from ik_llama_cpp import _ctypes_api as C
from ik_llama_cpp._internals import make_batch_range, make_batch_single

MODEL = os.environ.get("QGEN_MODEL", "/tmp/synth/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf")


class Greedy:
    def __init__(self, model_path=MODEL, n_ctx=1024, n_threads=2):
        self.llm = IkLlama(model_path, n_ctx=n_ctx, n_threads=n_threads, verbose=False)
        self.ctx = self.llm._context
        self.model = self.llm._model
        self.n_vocab = self.model.n_vocab
        self.n_ctx = n_ctx
        self.n_ubatch = self.ctx._n_ubatch
        self.im_end = self.llm.tokenize("<|im_end|>", add_bos=False, special=True)
        assert len(self.im_end) == 1, self.im_end
        self.im_end = self.im_end[0]
        fn = C._lib.llama_kv_cache_seq_rm
        fn.argtypes = [C.ctypes.c_void_p, C.ctypes.c_int32, C.ctypes.c_int32, C.ctypes.c_int32]
        fn.restype = C.ctypes.c_bool
        self._seq_rm = fn
        self._cached = []  # prompt tokens currently valid in the KV cache (positions 0..)

    @staticmethod
    def chatml(system, user):
        return (
            f"<|im_start|>system\n{system}<|im_end|>\n"
            f"<|im_start|>user\n{user}<|im_end|>\n<|im_start|>assistant\n"
        )

    def _argmax(self, idx=-1):
        p = C.llama_get_logits_ith(self.ctx.ctx, idx)
        arr = np.ctypeslib.as_array(p, shape=(self.n_vocab,))
        return int(arr.argmax())

    def generate(self, prompt, max_new=40, stop_newline=True, prefix="", first_rank=0):
        """Greedy decode. Returns (text, n_prompt_tokens, n_gen_tokens)."""
        toks = self.llm.tokenize(prompt + prefix, add_bos=False, special=True)
        if len(toks) + max_new > self.n_ctx:
            toks = toks[-(self.n_ctx - max_new) :]
        n = len(toks)
        # reuse the longest common token prefix already in the KV cache (shared system + few-shot)
        k = 0
        for a, b_ in zip(self._cached, toks, strict=False):
            if a != b_:
                break
            k += 1
        k = min(k, n - 1)
        if k == 0 or not self._seq_rm(self.ctx.ctx, 0, k, -1):
            self.ctx.kv_cache_clear()
            k = 0
        self.n_reused = k
        self._cached = []
        step = self.n_ubatch
        for i in range(k, n, step):
            chunk = toks[i : i + step]
            b = make_batch_range(chunk, pos_start=i, logits_last=(i + step >= n))
            ret = self.ctx.decode(b)
            C.llama_batch_free(b)
            if ret != 0:
                raise RuntimeError(f"decode failed {ret}")
        self._cached = list(toks)
        out = []
        pos = n
        text = ""
        for step_i in range(max_new):
            if step_i == 0 and first_rank > 0:
                p = C.llama_get_logits_ith(self.ctx.ctx, -1)
                arr = np.ctypeslib.as_array(p, shape=(self.n_vocab,))
                top = [int(x) for x in np.argsort(-arr)[: first_rank + 8]]
                top = [
                    x
                    for x in top
                    if x != self.im_end
                    and "\n" not in self.model.detokenize([x])
                    and self.model.detokenize([x]).strip()
                ]
                t = top[min(first_rank, len(top) - 1)]
            else:
                t = self._argmax(-1)
            if t == self.im_end or C.llama_token_is_eog(self.model.model, t):
                break
            out.append(t)
            text = self.model.detokenize(out)
            if stop_newline and "\n" in text:
                text = text.split("\n")[0]
                break
            b = make_batch_single(t, pos)
            ret = self.ctx.decode(b)
            C.llama_batch_free(b)
            if ret != 0:
                break
            pos += 1
        else:
            text = self.model.detokenize(out)
        return prefix + text, n, len(out)


if __name__ == "__main__":
    g = Greedy()
    sysmsg = "You are a helpful assistant."
    t = time.time()
    txt, n_p, n_g = g.generate(
        g.chatml(
            sysmsg,
            "Write one question a maintenance technician might ask about a leaking filler valve.",
        ),
        max_new=40,
    )
    dt = time.time() - t
    print(repr(txt), n_p, n_g, f"{dt:.2f}s")
