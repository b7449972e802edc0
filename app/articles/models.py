"""Articles, their tags and their slug history."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, Text
from sqlmodel import Field, SQLModel

from app.core.types import UTCDateTime, utcnow


class Article(SQLModel, table=True):
    """`status` is draft | published | archived. A published article with a future
    `published_at` is *scheduled*: it becomes public at that time (app.articles.visibility)."""

    __tablename__ = "article"
    __table_args__ = (
        Index("ix_article_status_published", "status", "published_at", "id"),
        Index("ix_article_category_published", "category_id", "status", "published_at", "id"),
        Index("ix_article_author_published", "author_id", "status", "published_at", "id"),
        Index("ix_article_status_updated", "status", "updated_at", "id"),
        Index("ix_article_status_title", "status", "title", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=200, unique=True)
    title: str = Field(max_length=300)
    excerpt: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    status: str = Field(default="draft", max_length=16)
    published_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    category_id: int = Field(
        sa_column=Column(Integer, ForeignKey("category.id", ondelete="RESTRICT"), nullable=False)
    )
    author_id: int = Field(
        sa_column=Column(Integer, ForeignKey("author.id", ondelete="RESTRICT"), nullable=False)
    )
    hero_url: str | None = Field(default=None, max_length=500)
    hero_alt: str | None = Field(default=None, max_length=300)
    hero_caption: str | None = Field(default=None, max_length=500)
    hero_credit: str | None = Field(default=None, max_length=200)
    body_format: str = Field(default="markdown", max_length=16)  # markdown | html
    body_source: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    body_html: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    body_text: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    toc: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))  # JSON
    reading_time_minutes: int = 1
    comment_count: int = 0  # approved comments, maintained by the comments domain
    comments_open: bool = True
    revision: int = 1  # bumped on every change: the ETag behind If-Match


class ArticleTag(SQLModel, table=True):
    __tablename__ = "article_tag"
    __table_args__ = (Index("ix_article_tag_tag", "tag_id", "article_id"),)

    article_id: int = Field(
        sa_column=Column(Integer, ForeignKey("article.id", ondelete="CASCADE"), primary_key=True)
    )
    tag_id: int = Field(
        sa_column=Column(Integer, ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True)
    )


class ArticleSlug(SQLModel, table=True):
    """A slug an article had before it was renamed: it answers 301 to the current one."""

    __tablename__ = "article_slug"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=200, unique=True)
    article_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("article.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
