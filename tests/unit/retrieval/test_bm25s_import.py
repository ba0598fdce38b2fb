"""bm25s is imported without numba (its JIT scorers are never used; the import is slow)."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.unit


def test_the_keyword_index_imports_without_numba_and_numba_still_imports_after() -> None:
    code = (
        "import sys, retrieval.adapters.bm25_index as b\n"
        "print('numba' in sys.modules, b.bm25s.NUMBA_AVAILABLE)\n"
        "import numba\n"
        "print(type(numba).__name__)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False", "module"]
