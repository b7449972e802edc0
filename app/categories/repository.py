from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.articles.models import Article
from app.articles.visibility import scheduled_after
from app.categories.models import Category
from app.categories.schemas import CategoryPublic


async def waiting_by_category(session: AsyncSession, now: datetime) -> dict[int, int]:
    """Scheduled articles not yet live, per category: counters include them until their time."""
    rows = await session.execute(
        select(Article.category_id, func.count())
        .where(scheduled_after(now))
        .group_by(Article.category_id)
    )
    return {category_id: count for category_id, count in rows.all()}


def public(category: Any, waiting: dict[int, int]) -> CategoryPublic:
    return CategoryPublic(
        id=category.id,
        slug=category.slug,
        name=category.name,
        description=category.description,
        position=category.position,
        article_count=max(0, category.article_count - waiting.get(category.id, 0)),
        updated_at=category.updated_at,
    )


async def all_in_menu_order(session: AsyncSession, now: datetime) -> list[CategoryPublic]:
    rows = (
        await session.execute(select(Category).order_by(Category.position, Category.id))
    ).scalars()
    waiting = await waiting_by_category(session, now)
    return [public(row, waiting) for row in rows]


async def by_slug(session: AsyncSession, slug: str, now: datetime) -> CategoryPublic | None:
    row = await session.scalar(select(Category).where(Category.slug == slug))
    if row is None:
        return None
    return public(row, await waiting_by_category(session, now))
