from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictStr

from app.core.pagination import Page
from app.core.schemas import OutputModel
from app.taxonomy.schemas import NoNullUpdate, TaxonomySlug


class TagPublic(OutputModel):
    id: int
    slug: str = Field(examples=["markets"])
    name: str = Field(examples=["Markets"])
    article_count: int = Field(description="Published articles with this tag.")


class TagList(Page[TagPublic]):
    """A page of tags."""


class TagCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[StrictStr, Field(min_length=1, max_length=120)] = Field(examples=["Markets"])
    slug: TaxonomySlug | None = Field(
        default=None, description="Derived from the name when left out."
    )


class TagUpdate(NoNullUpdate):
    name: Annotated[StrictStr, Field(min_length=1, max_length=120)] | None = None
    slug: TaxonomySlug | None = None
