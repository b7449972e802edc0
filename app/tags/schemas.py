from __future__ import annotations

from pydantic import BaseModel, Field

from app.core.pagination import Page


class TagPublic(BaseModel):
    id: int
    slug: str = Field(examples=["markets"])
    name: str = Field(examples=["Markets"])
    article_count: int = Field(description="Published articles with this tag.")


class TagList(Page[TagPublic]):
    """A page of tags."""
