"""What goes in and out of Popular News."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from app.articles.schemas import ArticleSummary
from app.core.schemas import OutputModel
from app.popularity.ranking import RankBy, Window

VISITOR_MAX_LENGTH = 128


class ViewBeacon(BaseModel):
    """The optional body of a view beacon (JSON, or text/plain holding JSON, as sendBeacon sends)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    visitor: str | None = Field(
        default=None,
        min_length=1,
        max_length=VISITOR_MAX_LENGTH,
        description="A frontend's opaque anonymous visitor id. Without it: client address and User-Agent.",
    )


class PopularItem(OutputModel):
    rank: int
    article: ArticleSummary
    count: int = Field(description="Views (or approved comments) in the window: what ranked it.")


class PopularMeta(OutputModel):
    window: Window
    by: RankBy
    category: str | None
    limit: int


class PopularList(OutputModel):
    data: list[PopularItem]
    meta: PopularMeta
