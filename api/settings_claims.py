"""Settings of reimbursement claims (``SPORTELLO_CLAIMS__*``, docs/claims.md). Part of
``api.settings``, which reads them; kept apart for size."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ClaimSettings(BaseModel):
    """What an SME may send for a claim, and how each file is read."""

    max_files: int = Field(default=30, ge=1, le=500, description="Files one claim may have.")
    max_file_mb: int = Field(default=10, ge=1, le=50, description="Size of one file (Telegram bots get 20 MB at most).")
    max_claim_mb: int = Field(default=60, ge=1, le=1000, description="Size of all of a claim's files together.")
    read_seconds: float = Field(default=30.0, gt=0, le=600, description="Time reading one file may take.")
    read_memory_mb: int = Field(
        default=900, ge=200, le=8000, description="Memory reading one file may take, above the reader's models."
    )
    ocr: bool = Field(default=True, description="Read photos by OCR; false = photos go to the staff unread.")
    recovery_grace_seconds: float = Field(
        default=60.0, gt=0, le=3600,
        description="A file stored this long ago and still unread was left by a stopped process: read it.",
    )  # fmt: skip
    uploads_per_minute: int = Field(default=20, ge=1, le=1000, description="Files one web session may send a minute.")
