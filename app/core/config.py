"""Settings from `INKWELL_*` environment variables (and a `.env` file)."""

from __future__ import annotations

from functools import cached_property
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_SECRET_KEY = "inkwell-development-secret-change-me"  # noqa: S105 (refused in production)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="INKWELL_", env_file=".env", extra="ignore")

    # --- core ---
    env: Literal["development", "test", "production"] = "development"
    database_url: str = "sqlite:///./inkwell.db"
    redis_url: str | None = None
    redis_prefix: str = "inkwell"
    public_url: str = "http://127.0.0.1:8000"
    secret_key: str = DEFAULT_SECRET_KEY
    site_name: str = "inkwell"
    # Comma-separated origins, or "*". NoDecode: read raw, never parsed as JSON first.
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=lambda: ["*"])
    log_level: str = "INFO"
    log_json: bool = True

    # --- http caching and limits ---
    cache_max_age: int = 10
    cache_stale_while_revalidate: int = 60
    response_cache_entries: int = 4096
    version_poll_seconds: float = 0.1
    max_body_bytes: int = 64 * 1024
    background_workers: bool = True

    # --- outbox ---
    outbox_poll_seconds: float = 0.5
    outbox_lease_seconds: float = 60.0
    outbox_max_attempts: int = 8
    # Retry n waits base * 2**(n-1) seconds, capped (tests shorten the base).
    outbox_backoff_base_seconds: float = 1.0
    outbox_backoff_max_seconds: float = 3600.0

    # --- editorial / webhooks ---
    webhooks_allow_private: bool = False
    webhook_timeout_seconds: float = 5.0

    # --- feeds ---
    # The public page of an article, for feed and sitemap links: {public_url}, {slug}, {id}, {category}.
    article_url_template: str = "{public_url}/articles/{slug}"
    category_url_template: str = "{public_url}/categories/{slug}"
    feed_items: int = Field(default=50, ge=1, le=500)
    # URLs per sitemap file (the protocol's maximum is 50,000); past it /sitemap.xml is an index.
    sitemap_page_size: int = Field(default=50_000, ge=1, le=50_000)

    # --- popularity ---
    views_flush_seconds: float = 1.0
    views_dedupe_seconds: int = 1800
    # Without Redis: how many recent visitors one worker remembers for dedupe (~100 bytes each).
    memory_dedupe_entries: int = Field(default=500_000, ge=1_000)
    views_rate_limit: str = "120/minute"
    popular_cache_seconds: float = 3.0
    views_max_beacon_bytes: int = 1024
    views_slug_cache_entries: int = 10_000
    views_stale_batch_seconds: float = 30.0  # a batch left this long by another worker is recovered

    # --- comments ---
    comments_max_depth: int = 5
    comments_policy: Literal["hold", "approve_known", "open"] = "approve_known"
    comments_max_links: int = 2
    comments_moderation_words: Annotated[list[str], NoDecode] = Field(default_factory=list)
    comments_rate_limit_address: str = "5/minute"
    comments_rate_limit_email: str = "5/minute"
    comments_max_body_chars: int = 5000
    akismet_key: str | None = None
    akismet_url: str = "https://rest.akismet.com/1.1/comment-check"
    akismet_timeout_seconds: float = 3.0

    # --- newsletter ---
    smtp_url: str | None = None
    smtp_timeout_seconds: float = 10.0
    mail_from: str = "inkwell <newsletter@localhost>"
    newsletter_token_max_age_seconds: int = 7 * 24 * 3600
    newsletter_consent_version: str = "2026-01"
    newsletter_rate_limit_address: str = "10/hour"
    newsletter_rate_limit_email: str = "3/hour"
    # Confirm and unsubscribe, per client address: generous (one-click unsubscribes arrive from a
    # mail provider's few addresses), yet a bound on token guessing.
    newsletter_rate_limit_confirm_address: str = "300/minute"
    # The frontend pages an email links to; each gets `?token=…` and POSTs it to the API.
    # Unset: {public_url}/newsletter/confirm and {public_url}/newsletter/unsubscribe.
    newsletter_confirm_page_url: str | None = None
    newsletter_unsubscribe_page_url: str | None = None
    newsletter_export_batch_size: int = 5000

    @field_validator("cors_origins", "comments_moderation_words", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @model_validator(mode="after")
    def _refuse_default_secret_in_production(self) -> Settings:
        if self.env == "production" and self.secret_key == DEFAULT_SECRET_KEY:
            raise ValueError(
                "INKWELL_SECRET_KEY must be set to a long random value when INKWELL_ENV=production"
            )
        return self

    @cached_property
    def public_base(self) -> str:
        return self.public_url.rstrip("/")


def load_settings(**overrides: object) -> Settings:
    return Settings(**overrides)  # type: ignore[arg-type]
