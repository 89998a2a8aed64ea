"""Named errors for bad knowledge input: each says which file and why, in plain words."""

from __future__ import annotations


class KnowledgeError(Exception):
    """A source could not be turned into documents; ``source`` names it."""

    code = "knowledge_error"

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason

    def __reduce__(self) -> tuple[type[KnowledgeError], tuple[str, str]]:
        # Pickled across the isolated parser's pipe: rebuilt from the two arguments, not the message.
        return (type(self), (self.source, self.reason))


class UnsupportedFormatError(KnowledgeError):
    """The file extension has no loader."""

    code = "unsupported_format"


class FileTooLargeError(KnowledgeError):
    """The file is over the configured size limit."""

    code = "file_too_large"


class EmptyDocumentError(KnowledgeError):
    """The file holds no text (empty, or only whitespace/markup)."""

    code = "empty_document"


class BinaryContentError(KnowledgeError):
    """A text format (e.g. ``.md``) whose bytes are binary."""

    code = "binary_content"


class EncodingError(KnowledgeError):
    """Text that is not valid UTF-8."""

    code = "not_utf8"


class CorruptFileError(KnowledgeError):
    """A PDF or DOCX that its parser cannot read."""

    code = "corrupt_file"


class CatalogError(KnowledgeError):
    """Catalog YAML that is not valid YAML or breaks the schema; ``field`` names the place."""

    code = "catalog_schema"

    def __init__(self, source: str, reason: str, field: str | None = None) -> None:
        super().__init__(source, reason)
        self.field = field


class OverBudgetError(KnowledgeError):
    """Reading the file would go over one of the parse budgets (pages, unpacked size, text, time, memory);
    the reason names the limit, its value and the setting that raises it."""

    code = "over_limit"
