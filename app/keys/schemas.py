"""Keys over HTTP, for admins. The key itself appears once, in the answer that creates it."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictStr

from app.core.pagination import Page
from app.core.schemas import OutputModel
from app.core.types import Timestamp
from app.keys.permissions import Role


class KeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Role = Field(examples=["editor"])
    name: Annotated[StrictStr, Field(min_length=1, max_length=120)] = Field(examples=["Night desk"])
    author: (
        Annotated[StrictStr, Field(max_length=120, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")] | None
    ) = Field(
        default=None,
        description="Author slug: whose articles the key writes (required for `author`).",
    )


class KeyPublic(OutputModel):
    id: int = Field(examples=[7])
    name: str
    role: Role
    prefix: str = Field(
        description="The key's first characters, to recognise it.", examples=["ink_3fQx9aZ"]
    )
    author: str | None = Field(description="Author slug, for keys that write as an author.")
    created_at: Timestamp
    revoked_at: Timestamp | None


class KeyCreated(KeyPublic):
    key: str = Field(description="The key itself: shown this once, never stored.")


class KeyList(Page[KeyPublic]):
    """A page of keys, oldest first."""
