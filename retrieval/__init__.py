"""Embeddings, the Chroma vector index, BM25, fusion and filters: chunks in, scored passages out.

Imports only ``knowledge`` among Sportello's packages.
"""
