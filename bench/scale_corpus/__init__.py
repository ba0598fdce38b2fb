"""A deterministic, real-size plant corpus for the scale benchmark (``bench/scale_bench.py``).

``generate(root, plan)`` writes ``<root>/<site>/<doc_type>/<file>`` for the sample sites
brookfield, calder and dunmore: years of CMMS work-order exports (20,000+ rows per site at scale
1, MaintIE-style text), long PDF manuals, SOPs and incident reports with revisions, thousands of
small near-miss reports and shift notes, and a copy of ``sample_docs/`` so the golden question
sets still apply with a haystack around them. The corpus is data, never committed: it is written
where the caller says (default under ``$TMPDIR``).
"""

from bench.scale_corpus.generate import Summary, generate

__all__ = ["Summary", "generate"]
