from __future__ import annotations

from pydantic import BaseModel, Field

from app.core.types import Timestamp


class CategoryPublic(BaseModel):
    id: int = Field(examples=[2])
    slug: str = Field(examples=["business"])
    name: str = Field(examples=["Business"])
    description: str
    position: int = Field(description="Menu order, ascending.", examples=[2])
    article_count: int = Field(description="Published articles.", examples=[120])
    updated_at: Timestamp


class CategoryList(BaseModel):
    data: list[CategoryPublic]
