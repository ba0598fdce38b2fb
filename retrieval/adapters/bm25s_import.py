"""Import bm25s without numba: every BM25 module imports bm25s through here first.

bm25s imports numba whenever it is installed (unstructured brings it in) to offer JIT scorers
this project never activates; the import alone costs about 0.5 s of every cold CLI ``ask``. While
bm25s itself is imported, ``numba`` is marked missing, so bm25s takes its pure-NumPy paths; the
mark is removed right after, so anything else that needs numba still imports it normally.
"""

from __future__ import annotations

import sys
from types import ModuleType


def import_bm25s() -> ModuleType:
    """The bm25s module, imported (once) without pulling in numba."""
    if "bm25s" in sys.modules:
        return sys.modules["bm25s"]
    hide = "numba" not in sys.modules
    if hide:
        sys.modules["numba"] = None  # type: ignore[assignment]  # makes `import numba` fail
    try:
        import bm25s
        import bm25s.stopwords
        import bm25s.tokenization
    finally:
        if hide:
            del sys.modules["numba"]
    return bm25s


bm25s = import_bm25s()
