"""The desk's article queries: any status, within what a key may see."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement

from app.articles.editorial_schemas import ArticleDeskSummary, ArticleEditorial
from app.articles.models import Article, ArticleSlug, ArticleTag
from app.articles.repository import SortSpec, summary_fields, summary_select, tags_of
from app.articles.schemas import Breadcrumb, TocItem
from app.articles.visibility import PUBLISHED, public_status, scheduled_after, visible_at

DESK_COLUMNS = (Article.status, Article.revision)
DETAIL_COLUMNS = (
    Article.body_html,
    Article.toc,
    Article.comments_open,
    Article.body_format,
    Article.body_source,
    Article.created_at,
)


def status_condition(status: str, now: datetime) -> ColumnElement[bool]:
    """`status` as the desk says it (scheduled = published with a future time)."""
    if status == "published":
        return visible_at(now)
    if status == "scheduled":
        return scheduled_after(now)
    return Article.status == status  # type: ignore[return-value]


def author_scope(author_id: int | None) -> ColumnElement[bool]:
    if author_id is None:
        return false()
    return Article.author_id == author_id  # type: ignore[return-value]


def desk_order(spec: SortSpec) -> tuple[Any, Any]:
    """Drafts have no publication time: they sort last either way, on both stores."""
    column = spec.column.desc() if spec.descending else spec.column.asc()
    tie = Article.id.desc() if spec.descending else Article.id.asc()  # type: ignore[union-attr]
    return column.nulls_last(), tie


def desk_summary(row: Any, tags: list[Any], public_base: str, now: datetime) -> ArticleDeskSummary:
    return ArticleDeskSummary(
        **summary_fields(row, tags, public_base),
        status=public_status(row.status, row.published_at, now),  # type: ignore[arg-type]
        revision=row.revision,
    )


async def desk_page(
    session: AsyncSession,
    conditions: Sequence[ColumnElement[bool]],
    spec: SortSpec,
    *,
    per_page: int,
    offset: int,
    public_base: str,
    now: datetime,
) -> tuple[list[ArticleDeskSummary], bool]:
    statement = (
        summary_select(*DESK_COLUMNS)
        .where(*conditions)
        .order_by(*desk_order(spec))
        .offset(offset)
        .limit(per_page + 1)
    )
    rows = list((await session.execute(statement)).all())
    tags = await tags_of(session, [row.id for row in rows[:per_page]])
    items = [desk_summary(row, tags.get(row.id, []), public_base, now) for row in rows[:per_page]]
    return items, len(rows) > per_page


async def desk_count(session: AsyncSession, conditions: Sequence[ColumnElement[bool]]) -> int:
    return int(
        await session.scalar(select(func.count()).select_from(Article).where(*conditions)) or 0
    )


async def find_desk_id(
    session: AsyncSession, slug_or_id: str, conditions: Sequence[ColumnElement[bool]]
) -> int | None:
    """The id of the article called `slug_or_id` (or, when it is a number, with that id)."""
    found = await session.scalar(select(Article.id).where(Article.slug == slug_or_id, *conditions))
    if found is None and slug_or_id.isdigit() and len(slug_or_id) < 12:
        found = await session.scalar(
            select(Article.id).where(Article.id == int(slug_or_id), *conditions)
        )
    return None if found is None else int(found)


async def old_slugs_of(session: AsyncSession, article_id: int) -> list[str]:
    rows = await session.scalars(
        select(ArticleSlug.slug)
        .where(ArticleSlug.article_id == article_id)
        .order_by(ArticleSlug.id)  # type: ignore[arg-type]
    )
    return list(rows)


async def desk_detail(
    session: AsyncSession, article_id: int, public_base: str, site_name: str, now: datetime
) -> ArticleEditorial | None:
    statement = summary_select(*DESK_COLUMNS, *DETAIL_COLUMNS).where(Article.id == article_id)
    row = (await session.execute(statement)).first()
    if row is None:
        return None
    tags = await tags_of(session, [article_id])
    fields = summary_fields(row, tags.get(article_id, []), public_base)
    status = public_status(row.status, row.published_at, now)
    return ArticleEditorial(
        **fields,
        body_html=row.body_html,
        toc=[TocItem(**entry) for entry in orjson.loads(row.toc)],
        breadcrumbs=[
            Breadcrumb(type="site", name=site_name),
            Breadcrumb(type="category", name=fields["category"].name, slug=fields["category"].slug),
            Breadcrumb(type="article", name=row.title, slug=row.slug),
        ],
        comments_open=row.comments_open,
        status=status,  # type: ignore[arg-type]
        publish_at=row.published_at if status == "scheduled" else None,
        body_format=row.body_format,
        body_source=row.body_source,
        revision=row.revision,
        created_at=row.created_at,
        old_slugs=await old_slugs_of(session, article_id),
    )


async def slugs_in_use(session: AsyncSession, base: str) -> tuple[set[str], dict[str, int]]:
    """Current slugs starting with `base`, and former ones with the article that had them."""
    like = or_(Article.slug == base, Article.slug.like(f"{base}-%"))  # type: ignore[attr-defined]
    current = set((await session.scalars(select(Article.slug).where(like))).all())
    old_like = or_(ArticleSlug.slug == base, ArticleSlug.slug.like(f"{base}-%"))  # type: ignore[attr-defined]
    rows = await session.execute(select(ArticleSlug.slug, ArticleSlug.article_id).where(old_like))
    former: dict[str, int] = {slug: int(owner) for slug, owner in rows.all()}
    return current, former


async def lock_article(session: AsyncSession, article_id: int) -> Article | None:
    """The article, locked for this transaction (PostgreSQL; SQLite writers are serialised)."""
    return await session.scalar(select(Article).where(Article.id == article_id).with_for_update())


def is_visible(status: str, published_at: datetime | None, now: datetime) -> bool:
    return status == PUBLISHED and published_at is not None and published_at <= now


async def ids_by_slugs(session: AsyncSession, model: Any, slugs: Sequence[str]) -> dict[str, int]:
    if not slugs:
        return {}
    rows = await session.execute(select(model.slug, model.id).where(model.slug.in_(list(slugs))))
    return {slug: int(found) for slug, found in rows.all()}


async def slugs_by_ids(session: AsyncSession, model: Any, ids: Sequence[int]) -> list[str]:
    if not ids:
        return []
    return list((await session.scalars(select(model.slug).where(model.id.in_(list(ids))))).all())


async def tag_ids_of(session: AsyncSession, article_id: int) -> set[int]:
    rows = await session.scalars(
        select(ArticleTag.tag_id).where(ArticleTag.article_id == article_id)
    )
    return set(rows.all())


async def former_owner(session: AsyncSession, slug: str) -> int | None:
    return await session.scalar(select(ArticleSlug.article_id).where(ArticleSlug.slug == slug))


async def current_owner(session: AsyncSession, slug: str) -> int | None:
    return await session.scalar(select(Article.id).where(Article.slug == slug))
