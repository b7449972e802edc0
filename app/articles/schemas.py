"""What goes out (and, for the desk, comes in) for articles."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from app.core.pagination import Page
from app.core.types import Timestamp


class CategoryRef(BaseModel):
    slug: str = Field(examples=["business"])
    name: str = Field(examples=["Business"])


class AuthorRef(BaseModel):
    slug: str = Field(examples=["ada-okafor"])
    name: str = Field(examples=["Ada Okafor"])


class TagRef(BaseModel):
    slug: str = Field(examples=["markets"])
    name: str = Field(examples=["Markets"])


class HeroImage(BaseModel):
    url: str = Field(examples=["http://127.0.0.1:8000/media/demo/42.svg"])
    alt: str | None = Field(default=None, examples=["Traders on a busy floor"])
    caption: str | None = Field(default=None, examples=["The exchange at opening time."])
    credit: str | None = Field(default=None, examples=["Photo: inkwell demo studio"])


class ArticleSummary(BaseModel):
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


class TocItem(BaseModel):
    id: str = Field(examples=["what-happened"])
    text: str = Field(examples=["What happened"])
    level: int = Field(examples=[2])


class Breadcrumb(BaseModel):
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


class RelatedList(BaseModel):
    data: list[ArticleSummary]


ArticleSort = Literal["-published_at", "published_at", "-updated_at", "title", "trending"]
