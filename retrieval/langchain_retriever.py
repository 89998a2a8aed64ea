"""The hybrid searcher as a langchain ``BaseRetriever`` (for chains and agents)."""

from __future__ import annotations

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from retrieval.filters import SearchFilters
from retrieval.hybrid import HybridSearcher
from retrieval.passages import Passage


class HybridRetriever(BaseRetriever):
    """Returns langchain ``Document``s whose metadata carry the passage and its scores."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    searcher: HybridSearcher
    k: int = 5
    filters: SearchFilters | None = None

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        result = self.searcher.search(query, k=self.k, filters=self.filters)
        return [passage_document(p) for p in result.passages]


def passage_document(passage: Passage) -> Document:
    """A langchain Document for a passage (dates as ISO strings)."""
    metadata = passage.to_dict()
    metadata.pop("text")
    return Document(page_content=passage.text, metadata=metadata, id=passage.chunk_id)
