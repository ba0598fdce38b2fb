"""Public-benchmark (BEIR) evaluation of the retrieval method: BM25, dense, hybrid."""
