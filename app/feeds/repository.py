"""The queries behind feeds and the sitemap: visible articles only (the one door)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Row, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.articles.models import Article
from app.articles.repository import ArticleFilters, count_visible, summary_select
from app.articles.visibility import visible_at
from app.categories.models import Category


async def latest(
    session: AsyncSession, now: datetime, limit: int, category_id: int | None = None
) -> list[Row[Any]]:
    """The newest visible articles (summary columns), newest first."""
    statement = summary_select().where(visible_at(now))
    if category_id is not None:
        statement = statement.where(Article.category_id == category_id)  # type: ignore[arg-type]
    statement = statement.order_by(Article.published_at.desc(), Article.id.desc()).limit(limit)  # type: ignore[union-attr]
    return list((await session.execute(statement)).all())


async def visible_count(session: AsyncSession, now: datetime) -> int:
    return await count_visible(session, ArticleFilters(), now)


async def sitemap_articles(
    session: AsyncSession, now: datetime, *, offset: int, limit: int
) -> list[Row[Any]]:
    """(id, slug, category_slug, published_at, updated_at), oldest first: pages stay stable as
    new articles arrive at the end."""
    statement = (
        select(
            Article.id,
            Article.slug,
            Category.slug.label("category_slug"),  # type: ignore[attr-defined]
            Article.published_at,
            Article.updated_at,
        )
        .join(Category, Category.id == Article.category_id)  # type: ignore[arg-type]
        .where(visible_at(now))
        .order_by(Article.published_at, Article.id)
        .offset(offset)
        .limit(limit)
    )
    return list((await session.execute(statement)).all())


async def categories_with_latest(session: AsyncSession, now: datetime) -> list[Row[Any]]:
    """(slug, updated_at, newest visible published_at or None) in menu order."""
    newest = (
        select(func.max(Article.published_at))
        .where(Article.category_id == Category.id, visible_at(now))  # type: ignore[arg-type]
        .correlate(Category)
        .scalar_subquery()
    )
    statement = select(Category.slug, Category.updated_at, newest.label("newest")).order_by(
        Category.position, Category.id
    )
    return list((await session.execute(statement)).all())
