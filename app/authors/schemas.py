from __future__ import annotations

from pydantic import BaseModel, Field


class AuthorPublic(BaseModel):
    id: int
    slug: str = Field(examples=["ada-okafor"])
    name: str = Field(examples=["Ada Okafor"])
    bio: str
    avatar_url: str | None
    article_count: int
