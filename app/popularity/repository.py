"""Every query of Popular News: resolving slugs, applying flushed counts, sweeping, ranking."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.articles.models import Article
from app.articles.visibility import visible_at
from app.popularity.models import AppliedFlush, PopularityState, ViewBucket, ViewTotal
from app.popularity.ranking import (
    REBASE_AFTER_HALF_LIVES,
    TRENDING_HALF_LIFE_HOURS,
    WINDOW_COLUMNS,
    WINDOW_HOURS,
    in_window,
    trending_weight,
    window_column,
)

STATE_ID = 1
CHUNK = 500
LEDGER_KEEP_HOURS = 7 * 24  # applied-batch tokens older than this are forgotten


async def visible_article_id(session: AsyncSession, slug: str, now: datetime) -> int | None:
    found = await session.scalar(select(Article.id).where(Article.slug == slug, visible_at(now)))
    return int(found) if found is not None else None


def _insert(session: AsyncSession) -> Any:
    return postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert


async def lock_state(session: AsyncSession, hour: int, *, exclusive: bool) -> PopularityState:
    """The state row, created on first use; locked for the transaction on PostgreSQL (shared by
    flushes, exclusive for the sweep) so that a sweep never interleaves with a flush."""
    await session.execute(
        _insert(session)(PopularityState)
        .values(id=STATE_ID, swept_hour=hour, trending_base_hour=hour)
        .on_conflict_do_nothing(index_elements=["id"])
    )
    statement = select(PopularityState.swept_hour, PopularityState.trending_base_hour).where(
        PopularityState.id == STATE_ID
    )
    row = (await session.execute(statement.with_for_update(read=not exclusive))).one()
    return PopularityState(
        id=STATE_ID, swept_hour=row.swept_hour, trending_base_hour=row.trending_base_hour
    )


@dataclass
class _Rollup:
    views_24h: int = 0
    views_7d: int = 0
    views_30d: int = 0
    views_all: int = 0
    trending: float = 0.0
    columns: dict[str, int] = field(default_factory=dict)


async def already_applied(session: AsyncSession, tokens: Sequence[str]) -> set[str]:
    if not tokens:
        return set()
    found = await session.scalars(select(AppliedFlush.token).where(AppliedFlush.token.in_(tokens)))  # type: ignore[attr-defined]
    return set(found)


async def existing_articles(session: AsyncSession, ids: Iterable[int]) -> set[int]:
    wanted = sorted(set(ids))
    found: set[int] = set()
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        found.update(await session.scalars(select(Article.id).where(Article.id.in_(chunk))))  # type: ignore[union-attr]
    return found


async def apply_counts(
    session: AsyncSession, counts: dict[tuple[int, int], int], tokens: Sequence[str], hour: int
) -> int:
    """Add `counts` ((article id, hour) -> views) to the buckets and rollups and record `tokens`,
    in the caller's transaction. Counts for articles deleted meanwhile are dropped. Answers the
    number of views applied."""
    state = await lock_state(session, hour, exclusive=False)
    alive = await existing_articles(session, (article for article, _ in counts))
    rows = [
        {"article_id": article, "hour": bucket_hour, "views": views}
        for (article, bucket_hour), views in sorted(counts.items())
        if article in alive and views > 0
    ]
    rollups: dict[int, _Rollup] = defaultdict(_Rollup)
    for row in rows:
        rollup = rollups[row["article_id"]]
        views = row["views"]
        rollup.views_all += views
        rollup.trending += views * trending_weight(row["hour"], state.trending_base_hour)
        if in_window(row["hour"], state.swept_hour, WINDOW_HOURS["24h"]):
            rollup.views_24h += views
        if in_window(row["hour"], state.swept_hour, WINDOW_HOURS["7d"]):
            rollup.views_7d += views
        if in_window(row["hour"], state.swept_hour, WINDOW_HOURS["30d"]):
            rollup.views_30d += views
    insert = _insert(session)
    if rows:
        bucket_insert = insert(ViewBucket)
        await session.execute(
            bucket_insert.on_conflict_do_update(
                index_elements=["article_id", "hour"],
                set_={"views": ViewBucket.views + bucket_insert.excluded.views},
            ),
            rows,
        )
        total_insert = insert(ViewTotal)
        names = ("views_24h", "views_7d", "views_30d", "views_all", "trending")
        await session.execute(
            total_insert.on_conflict_do_update(
                index_elements=["article_id"],
                set_={
                    name: getattr(ViewTotal, name) + getattr(total_insert.excluded, name)
                    for name in names
                },
            ),
            [
                {"article_id": article, **{name: getattr(rollup, name) for name in names}}
                for article, rollup in sorted(rollups.items())
            ],
        )
    if tokens:
        await session.execute(
            insert(AppliedFlush), [{"token": token, "hour": hour} for token in tokens]
        )
    return sum(row["views"] for row in rows)


async def _subtract_leaving_hour(session: AsyncSession, column: str, leaving: int) -> None:
    leaving_views = (
        select(ViewBucket.views)
        .where(ViewBucket.article_id == ViewTotal.article_id, ViewBucket.hour == leaving)
        .scalar_subquery()
    )
    await session.execute(
        update(ViewTotal)
        .where(
            col(ViewTotal.article_id).in_(
                select(ViewBucket.article_id).where(ViewBucket.hour == leaving)
            )
        )
        .values({column: getattr(ViewTotal, column) - leaving_views})
    )


async def _recompute_windows(session: AsyncSession, hour: int) -> None:
    """After a gap longer than the widest window: every window from its buckets. Any article with
    a bucket in the last 30 days has views_30d > 0, so that bounds the rows touched."""
    values = {
        WINDOW_COLUMNS[window]: func.coalesce(
            select(func.sum(ViewBucket.views))
            .where(ViewBucket.article_id == ViewTotal.article_id, ViewBucket.hour > hour - hours)
            .scalar_subquery(),
            0,
        )
        for window, hours in WINDOW_HOURS.items()
    }
    await session.execute(update(ViewTotal).where(ViewTotal.views_30d > 0).values(values))  # type: ignore[arg-type]


async def sweep(session: AsyncSession, hour: int) -> int:
    """Move the window rollups forward to `hour`: subtract the buckets of each hour that leaves a
    window (cost bounded by the articles viewed in that hour), rebase the trending score when due,
    forget old ledger tokens. Answers the hour the rollups are now consistent with."""
    state = await lock_state(session, hour, exclusive=True)
    if state.swept_hour >= hour:
        return state.swept_hour
    if hour - state.swept_hour > WINDOW_HOURS["30d"]:
        await _recompute_windows(session, hour)
    else:
        for next_hour in range(state.swept_hour + 1, hour + 1):
            for window, hours in WINDOW_HOURS.items():
                await _subtract_leaving_hour(session, WINDOW_COLUMNS[window], next_hour - hours)
    values: dict[str, Any] = {"swept_hour": hour}
    if hour - state.trending_base_hour > REBASE_AFTER_HALF_LIVES * TRENDING_HALF_LIFE_HOURS:
        factor = trending_weight(state.trending_base_hour, hour)
        await session.execute(update(ViewTotal).values(trending=ViewTotal.trending * factor))
        values["trending_base_hour"] = hour
    await session.execute(
        update(PopularityState).where(PopularityState.id == STATE_ID).values(values)
    )  # type: ignore[arg-type]
    await session.execute(delete(AppliedFlush).where(AppliedFlush.hour < hour - LEDGER_KEEP_HOURS))  # type: ignore[arg-type]
    return hour


async def top_by_views(
    session: AsyncSession, window: str, category_id: int | None, limit: int, now: datetime
) -> list[tuple[int, int]]:
    """(article id, views in window), most viewed first, higher id first among equals. Walks the
    rollup index of the window; only visible articles with at least one view in it."""
    column = window_column(window)
    statement = (
        select(ViewTotal.article_id, column.label("count"))
        .join(Article, Article.id == ViewTotal.article_id)  # type: ignore[arg-type]
        .where(column > 0, visible_at(now))
        .order_by(column.desc(), ViewTotal.article_id.desc())  # type: ignore[attr-defined]
        .limit(limit)
    )
    if category_id is not None:
        statement = statement.where(Article.category_id == category_id)  # type: ignore[arg-type]
    return [
        (int(row.article_id), int(row.count)) for row in (await session.execute(statement)).all()
    ]


async def top_by_comments(
    session: AsyncSession, category_id: int | None, limit: int, now: datetime
) -> list[tuple[int, int]]:
    """(article id, approved comments ever), most first: the maintained `Article.comment_count`."""
    statement = (
        select(Article.id, Article.comment_count)
        .where(Article.comment_count > 0, visible_at(now))  # type: ignore[arg-type]
        .order_by(Article.comment_count.desc(), Article.id.desc())  # type: ignore[attr-defined,union-attr]
        .limit(limit)
    )
    if category_id is not None:
        statement = statement.where(Article.category_id == category_id)  # type: ignore[arg-type]
    return [
        (int(row.id), int(row.comment_count)) for row in (await session.execute(statement)).all()
    ]
