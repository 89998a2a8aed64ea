"""Settings of the web sources' sync (``SPORTELLO_SOURCES__*``, docs/web-sources.md). Part of
``api.settings``, which reads them; kept apart for size."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field, field_validator

from api.settings_channels import ip_networks


class SourcesSettings(BaseModel):
    """Fetching and re-fetching the websites, sitemaps and feeds an admin follows."""

    dir: Path | None = Field(
        default=None,
        description="Where synced pages are written for the ingest; unset = web/ in the data directory. "
        "With several processes, the same path on each (filled from the database, like uploads).",
    )
    schedule: bool = Field(
        default=True,
        description="Sync due sources in `sportello serve` (with desk tasks on) or `sportello worker`; false = "
        "only when asked (`sportello sources sync`, the console's button).",
    )
    check_seconds: float = Field(default=60.0, gt=0, description="How often the schedule looks for a due source.")
    user_agent: str = Field(
        default="SportelloBot/0.1 (+https://github.com/sportello/sportello; help-desk knowledge sync)",
        min_length=8, max_length=300,
        description="The User-Agent sent to sites, and matched against their robots.txt.",
    )  # fmt: skip
    allow_networks: list[str] = Field(
        default_factory=list,
        description='Private networks a source may be fetched from, e.g. ["127.0.0.0/8"] for a site served on this '
        "machine or an intranet; empty = loopback, private and link-local addresses are refused.",
    )
    max_page_mb: float = Field(default=10.0, gt=0, le=100, description="Larger pages and documents are refused.")
    timeout_seconds: float = Field(
        default=20.0, gt=0, le=300, description="Longest one page may take to arrive, however slowly it trickles."
    )
    max_redirects: int = Field(default=5, ge=0, le=20, description="Redirects followed for one page.")
    host_interval_seconds: float = Field(
        default=1.0, ge=0, le=60, description="Pause between two requests to the same site."
    )
    retire_after_days: float = Field(
        default=7.0, ge=0, le=365,
        description="A page gone (404/410, or out of its sitemap) this long leaves the knowledge base.",
    )  # fmt: skip
    max_query_variants: int = Field(
        default=3, ge=1, le=100,
        description="Pages of one path with different query strings followed per sync (endless calendars stop here).",
    )  # fmt: skip

    @field_validator("allow_networks")
    @classmethod
    def _networks(cls, networks: list[str]) -> list[str]:
        return ip_networks(networks, "sources.allow_networks")
