"""What goes out (and, for the desk, comes in) for articles."""

from __future__ import annotations

from copy import copy
from typing import Any, Literal

from pydantic import BaseModel, Field, create_model

from app.core.pagination import Page
from app.core.schemas import OutputModel
from app.core.types import Timestamp

FIELDS_MEDIA_TYPE = "application/vnd.inkwell.fields+json"
"""The media type of a public list trimmed by `?fields=` (`ArticleFieldsList`)."""


class CategoryRef(OutputModel):
    slug: str = Field(examples=["business"])
    name: str = Field(examples=["Business"])


class AuthorRef(OutputModel):
    slug: str = Field(examples=["ada-okafor"])
    name: str = Field(examples=["Ada Okafor"])


class TagRef(OutputModel):
    slug: str = Field(examples=["markets"])
    name: str = Field(examples=["Markets"])


class HeroImage(OutputModel):
    url: str = Field(examples=["http://127.0.0.1:8000/media/demo/42.svg"])
    alt: str | None = Field(default=None, examples=["Traders on a busy floor"])
    caption: str | None = Field(default=None, examples=["The exchange at opening time."])
    credit: str | None = Field(default=None, examples=["Photo: inkwell demo studio"])


class ArticleSummary(OutputModel):
    id: int = Field(examples=[42])
    slug: str = Field(examples=["markets-rally-as-rates-hold"])
    title: str = Field(examples=["Markets rally as rates hold"])
    excerpt: str
    category: CategoryRef
    author: AuthorRef
    tags: list[TagRef]
    hero_image: HeroImage | None
    published_at: Timestamp
    updated_at: Timestamp
    reading_time_minutes: int = Field(examples=[4])
    comment_count: int = Field(examples=[3])


SUMMARY_FIELDS = tuple(ArticleSummary.model_fields)


class TocItem(OutputModel):
    id: str = Field(examples=["what-happened"])
    text: str = Field(examples=["What happened"])
    level: int = Field(examples=[2])


class Breadcrumb(OutputModel):
    type: Literal["site", "category", "article"]
    name: str
    slug: str | None = None


class ArticleDetail(ArticleSummary):
    body_html: str
    toc: list[TocItem]
    breadcrumbs: list[Breadcrumb]
    comments_open: bool


class ArticleList(Page[ArticleSummary]):
    """A page of article summaries."""


def _absent() -> None:
    return None


def fields_trimmed(name: str, model: type[BaseModel], doc: str) -> type[BaseModel]:
    """`model` with every field optional (absent, never null): an item trimmed by `?fields=`."""
    fields: dict[str, Any] = {}
    for field_name, info in model.model_fields.items():
        trimmed = copy(info)
        trimmed.default_factory = _absent  # not required, and no `default` in the schema
        fields[field_name] = (info.annotation, trimmed)
    # A plain BaseModel, not an OutputModel: these fields may be absent, so none is `required`.
    return create_model(name, __base__=BaseModel, __doc__=doc, **fields)


ArticleSummaryFields = fields_trimmed(
    "ArticleSummaryFields",
    ArticleSummary,
    "An article summary trimmed by `?fields=`: only the fields asked for are present.",
)


class ArticleFieldsList(Page[ArticleSummaryFields]):  # type: ignore[valid-type]
    """A page of article summaries trimmed by `?fields=` (each item has only those fields),
    answered as `application/vnd.inkwell.fields+json`."""


class RelatedList(OutputModel):
    data: list[ArticleSummary]


ArticleSort = Literal["-published_at", "published_at", "-updated_at", "title", "trending"]
