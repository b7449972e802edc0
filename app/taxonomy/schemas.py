"""Input pieces shared by categories, authors and tags."""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import BaseModel, ConfigDict, Field, StrictStr, model_validator

TaxonomySlug = Annotated[
    StrictStr, Field(min_length=1, max_length=120, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
]


class NoNullUpdate(BaseModel):
    """A partial update: only fields sent change; `null` only where a field may be empty."""

    model_config = ConfigDict(extra="forbid")
    nullable: ClassVar[tuple[str, ...]] = ()

    @model_validator(mode="after")
    def _no_null_for_required(self) -> NoNullUpdate:
        nulls = [
            name
            for name in self.model_fields_set
            if getattr(self, name) is None and name not in self.nullable
        ]
        if nulls:
            raise ValueError(f"may not be null: {', '.join(sorted(nulls))}")
        return self
