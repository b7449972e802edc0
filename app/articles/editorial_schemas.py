"""What the desk sends and gets back for articles (strict inputs: unknown fields are refused)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictStr

from app.articles.schemas import ArticleDetail, ArticleSummary, fields_trimmed
from app.core.pagination import Page
from app.core.types import Timestamp
from app.taxonomy.schemas import NoNullUpdate, TaxonomySlug

DeskStatus = Literal["draft", "scheduled", "published", "archived"]
BodyFormat = Literal["markdown", "html"]
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

DESK_MEDIA_TYPE = "application/vnd.inkwell.desk+json"
"""The media type of the desk's article representations (`ArticleDeskList`, `ArticleEditorial`):
what a key that may read unpublished articles gets, from the public GETs and from the writes."""
DESK_FIELDS_MEDIA_TYPE = "application/vnd.inkwell.desk.fields+json"
"""The desk's list trimmed by `?fields=` (`ArticleDeskFieldsList`)."""

Slug = Annotated[StrictStr, Field(min_length=1, max_length=200, pattern=SLUG_PATTERN)]
Title = Annotated[StrictStr, Field(min_length=1, max_length=300)]


class HeroImageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: Annotated[StrictStr, Field(max_length=500, pattern=r"^(https?://|/)\S+$")]
    alt: Annotated[StrictStr, Field(max_length=300)] | None = None
    caption: Annotated[StrictStr, Field(max_length=500)] | None = None
    credit: Annotated[StrictStr, Field(max_length=200)] | None = None


class ArticleCreate(BaseModel):
    """A new article. Authors may send only `status: draft` and no `publish_at` or other author."""

    model_config = ConfigDict(extra="forbid")

    title: Title = Field(examples=["Markets rally as rates hold"])
    slug: Slug | None = Field(default=None, description="Derived from the title when left out.")
    category: TaxonomySlug = Field(examples=["business"])
    author: TaxonomySlug | None = Field(
        default=None, description="Author slug; defaults to the key's author (required otherwise)."
    )
    tags: Annotated[list[TaxonomySlug], Field(max_length=20)] = Field(default_factory=list)
    excerpt: Annotated[StrictStr, Field(max_length=1000)] | None = Field(
        default=None, description="Derived from the body when left out."
    )
    body: Annotated[StrictStr, Field(max_length=200_000)] = Field(
        default="", examples=["## What happened\n\nShares rose…"]
    )
    body_format: BodyFormat = "markdown"
    hero_image: HeroImageIn | None = None
    comments_open: StrictBool = True
    status: DeskStatus = "draft"
    publish_at: Timestamp | None = Field(
        default=None, description="When a scheduled (or back-dated published) article goes public."
    )


class ArticleUpdate(NoNullUpdate):
    """A partial update: only the fields sent change. `hero_image: null` removes the image;
    `publish_at` reschedules (or, with `status: published`, back-dates)."""

    nullable = ("hero_image",)

    title: Title | None = None
    slug: Slug | None = None
    category: TaxonomySlug | None = None
    author: TaxonomySlug | None = None
    tags: Annotated[list[TaxonomySlug], Field(max_length=20)] | None = None
    excerpt: Annotated[StrictStr, Field(max_length=1000)] | None = None
    body: Annotated[StrictStr, Field(max_length=200_000)] | None = None
    body_format: BodyFormat | None = None
    hero_image: HeroImageIn | None = None
    comments_open: StrictBool | None = None
    status: DeskStatus | None = None
    publish_at: Timestamp | None = None


class ArticleDeskSummary(ArticleSummary):
    """A summary as the desk sees it: any status, with the revision behind the ETag."""

    published_at: Timestamp | None  # type: ignore[assignment]
    status: DeskStatus = Field(examples=["scheduled"])
    revision: int = Field(examples=[3])


DESK_SUMMARY_FIELDS = tuple(ArticleDeskSummary.model_fields)


class ArticleDeskList(Page[ArticleDeskSummary]):
    """A page of articles as a key sees them (any status it may see)."""


ArticleDeskSummaryFields = fields_trimmed(
    "ArticleDeskSummaryFields",
    ArticleDeskSummary,
    "A desk summary trimmed by `?fields=`: only the fields asked for are present.",
)


class ArticleDeskFieldsList(Page[ArticleDeskSummaryFields]):  # type: ignore[valid-type]
    """A page of articles as a key sees them, trimmed by `?fields=`."""


class ArticleEditorial(ArticleDetail):
    """One article as the desk sees it: the whole public article plus its source and lifecycle."""

    published_at: Timestamp | None  # type: ignore[assignment]
    status: DeskStatus = Field(examples=["scheduled"])
    publish_at: Timestamp | None = Field(description="Set while the article is scheduled.")
    body_format: BodyFormat
    body_source: str
    revision: int = Field(description='Bumped on every change; the ETag is `"<id>-<revision>"`.')
    created_at: Timestamp
    old_slugs: list[str] = Field(description="Former slugs; each answers 301 to the current one.")
