"""Vendor adapters: the only modules that import chromadb, sentence-transformers or llama-index."""
