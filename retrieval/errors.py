"""Named errors for searches and the index."""

from __future__ import annotations


class RetrievalError(Exception):
    """Base of retrieval errors; ``code`` is stable for APIs and the CLI."""

    code = "retrieval_error"


class EmptyQueryError(RetrievalError):
    """The query has no words to search for."""

    code = "empty_query"


class QueryTooLongError(RetrievalError):
    """The query is over the configured length."""

    code = "query_too_long"


class IndexMismatchError(RetrievalError):
    """The index was built with another embedding model than the one configured."""

    code = "index_mismatch"


class EmbeddingError(RetrievalError):
    """The embedding model or endpoint gave something unusable."""

    code = "embedding_error"
