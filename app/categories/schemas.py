from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr

from app.core.schemas import OutputModel
from app.core.types import Timestamp
from app.taxonomy.schemas import NoNullUpdate, TaxonomySlug


class CategoryPublic(OutputModel):
    id: int = Field(examples=[2])
    slug: str = Field(examples=["business"])
    name: str = Field(examples=["Business"])
    description: str
    position: int = Field(description="Menu order, ascending.", examples=[2])
    article_count: int = Field(description="Published articles.", examples=[120])
    updated_at: Timestamp


class CategoryList(OutputModel):
    data: list[CategoryPublic]


class CategoryCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[StrictStr, Field(min_length=1, max_length=120)] = Field(examples=["Science"])
    slug: TaxonomySlug | None = Field(
        default=None, description="Derived from the name when left out."
    )
    description: Annotated[StrictStr, Field(max_length=5000)] = ""
    position: Annotated[StrictInt, Field(ge=0, le=100_000)] | None = Field(
        default=None, description="Menu order, ascending; left out: after the last one."
    )


class CategoryUpdate(NoNullUpdate):
    name: Annotated[StrictStr, Field(min_length=1, max_length=120)] | None = None
    slug: TaxonomySlug | None = None
    description: Annotated[StrictStr, Field(max_length=5000)] | None = None
    position: Annotated[StrictInt, Field(ge=0, le=100_000)] | None = None
