from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictStr

from app.core.schemas import OutputModel
from app.taxonomy.schemas import NoNullUpdate, TaxonomySlug


class AuthorPublic(OutputModel):
    id: int
    slug: str = Field(examples=["ada-okafor"])
    name: str = Field(examples=["Ada Okafor"])
    bio: str
    avatar_url: str | None
    article_count: int


AvatarUrl = Annotated[StrictStr, Field(max_length=500, pattern=r"^(https?://|/)\S+$")]


class AuthorCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[StrictStr, Field(min_length=1, max_length=120)] = Field(examples=["Ada Okafor"])
    slug: TaxonomySlug | None = Field(
        default=None, description="Derived from the name when left out."
    )
    bio: Annotated[StrictStr, Field(max_length=5000)] = ""
    avatar_url: AvatarUrl | None = None


class AuthorUpdate(NoNullUpdate):
    nullable = ("avatar_url",)

    name: Annotated[StrictStr, Field(min_length=1, max_length=120)] | None = None
    slug: TaxonomySlug | None = None
    bio: Annotated[StrictStr, Field(max_length=5000)] | None = None
    avatar_url: AvatarUrl | None = None
