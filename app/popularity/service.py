"""The rules of Popular News rankings."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from app.articles import repository as articles_repository
from app.categories.models import Category
from app.comments import service as comments_service
from app.popularity import repository
from app.popularity.ranking import WINDOW_HOURS, RankBy, Window
from app.popularity.schemas import PopularItem, PopularList, PopularMeta


async def popular(
    session: AsyncSession,
    *,
    window: Window,
    by: RankBy,
    category: str | None,
    limit: int,
    now: datetime,
    public_base: str,
) -> PopularList:
    category_id = (
        await articles_repository.id_by_slug(session, Category, category, "category")
        if category
        else None
    )
    if by == "comments" and window == "all":
        ranked = await repository.top_by_comments(session, category_id, limit, now)
    elif by == "comments":
        since = now - timedelta(hours=WINDOW_HOURS[window])
        ranked = await comments_service.most_commented(
            session, since=since, category_id=category_id, limit=limit, now=now
        )
    else:
        ranked = await repository.top_by_views(session, window, category_id, limit, now)
    counts = dict(ranked)
    summaries = await articles_repository.summaries_by_ids(
        session, [i for i, _ in ranked], public_base, now
    )
    items = [
        PopularItem(rank=rank, article=summary, count=counts[summary.id])
        for rank, summary in enumerate(summaries, start=1)
    ]
    return PopularList(
        data=items, meta=PopularMeta(window=window, by=by, category=category, limit=limit)
    )
