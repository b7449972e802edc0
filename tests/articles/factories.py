"""Rows for content tests, written straight to the store (the editorial API has its own tests)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import insert, select, text

from app.articles.counts import refresh_all_counts_sync
from app.articles.models import Article, ArticleSlug, ArticleTag
from app.articles.rendering import render_body
from app.authors.models import Author
from app.categories.models import Category
from app.tags.models import Tag
from tests.conftest import Store

_numbers = itertools.count(1)


def now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Site:
    store: Store
    categories: dict[str, int]
    authors: dict[str, int]
    tags: dict[str, int]

    def article(
        self,
        title: str | None = None,
        *,
        category: str = "business",
        author: str = "ada-okafor",
        tags: tuple[str, ...] = (),
        status: str = "published",
        published_at: datetime | None = None,
        body: str = "## First part\n\nSome words about markets.\n\n## Second part\n\nMore words.",
        slug: str | None = None,
        old_slugs: tuple[str, ...] = (),
        **columns: Any,
    ) -> int:
        number = next(_numbers)
        title = title or f"Story number {number}"
        rendered = render_body(body, "markdown")
        when = published_at if published_at is not None else now() - timedelta(hours=number)
        row = {
            "slug": slug or f"story-{number}",
            "title": title,
            "excerpt": rendered.excerpt,
            "status": status,
            "published_at": when if status != "draft" else None,
            "created_at": when,
            "updated_at": when,
            "category_id": self.categories[category],
            "author_id": self.authors[author],
            "body_format": "markdown",
            "body_source": body,
            "body_html": rendered.html,
            "body_text": rendered.text,
            "toc": orjson.dumps([t.__dict__ for t in rendered.toc]).decode(),
            "reading_time_minutes": rendered.reading_time_minutes,
            **columns,
        }
        with self.store.engine.begin() as conn:
            article_id = conn.execute(insert(Article).returning(Article.id), [row]).scalar_one()
            if tags:
                conn.execute(
                    insert(ArticleTag),
                    [{"article_id": article_id, "tag_id": self.tags[t]} for t in tags],
                )
            for old in old_slugs:
                conn.execute(
                    insert(ArticleSlug),
                    [{"slug": old, "article_id": article_id, "created_at": now()}],
                )
            refresh_all_counts_sync(conn)
            conn.execute(text("UPDATE content_version SET version = version + 1"))
        return int(article_id)


CATEGORY_ROWS = [("breaking-news", "Breaking News"), ("business", "Business"), ("sports", "Sports")]
AUTHOR_ROWS = [("ada-okafor", "Ada Okafor"), ("bruno-lindqvist", "Bruno Lindqvist")]
TAG_ROWS = [("markets", "Markets"), ("football", "Football"), ("analysis", "Analysis")]


def make_site(store: Store) -> Site:
    stamp = now()
    with store.engine.begin() as conn:
        conn.execute(
            insert(Category),
            [
                {
                    "slug": s,
                    "name": n,
                    "description": "",
                    "position": i,
                    "article_count": 0,
                    "created_at": stamp,
                    "updated_at": stamp,
                }
                for i, (s, n) in enumerate(CATEGORY_ROWS, start=1)
            ],
        )
        conn.execute(
            insert(Author),
            [
                {
                    "slug": s,
                    "name": n,
                    "bio": "",
                    "article_count": 0,
                    "created_at": stamp,
                    "updated_at": stamp,
                }
                for s, n in AUTHOR_ROWS
            ],
        )
        conn.execute(
            insert(Tag),
            [{"slug": s, "name": n, "article_count": 0, "created_at": stamp} for s, n in TAG_ROWS],
        )
        categories = dict(conn.execute(select(Category.slug, Category.id)).all())  # type: ignore[arg-type]
        authors = dict(conn.execute(select(Author.slug, Author.id)).all())  # type: ignore[arg-type]
        tags = dict(conn.execute(select(Tag.slug, Tag.id)).all())  # type: ignore[arg-type]
    return Site(store, categories, authors, tags)
