"""Every query of the comments domain."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, delete, exists, func, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.articles.models import Article
from app.articles.visibility import visible_at
from app.comments.models import APPROVED, TRASH, Comment

AnyRow = Row[*tuple[Any, ...]]
C = Comment.__table__.c  # type: ignore[attr-defined]
A = Article.__table__.c  # type: ignore[attr-defined]

PUBLIC_COLUMNS = (
    C.id,
    C.parent_id,
    C.author_name,
    C.body,
    C.created_at,
)
MODERATION_COLUMNS = (
    *PUBLIC_COLUMNS,
    C.article_id,
    C.root_id,
    C.depth,
    C.author_email,
    C.email_hash,
    C.address_hash,
    C.user_agent,
    C.status,
    C.updated_at,
    A.slug.label("article_slug"),
    A.title.label("article_title"),
)


async def visible_article(session: AsyncSession, slug: str, now: datetime) -> AnyRow | None:
    statement = select(A.id, A.comment_count).where(A.slug == slug, visible_at(now))
    return (await session.execute(statement)).first()


async def article_by_slug(session: AsyncSession, slug: str) -> AnyRow | None:
    """Any status: the caller tells unknown (404) from closed (403)."""
    statement = select(A.id, A.slug, A.status, A.published_at, A.comments_open).where(
        A.slug == slug
    )
    return (await session.execute(statement)).first()


async def lock_articles(session: AsyncSession, article_ids: Iterable[int]) -> None:
    """Serialise comment writes per article (PostgreSQL row locks; SQLite writes are serial
    already), so counts recomputed and duplicates checked inside the transaction are exact."""
    ids = sorted(set(article_ids))
    if ids:
        await session.execute(select(A.id).where(A.id.in_(ids)).order_by(A.id).with_for_update())


def _thread_condition(article_id: int) -> Any:
    return (C.article_id == article_id) & (C.depth == 0) & (C.status == APPROVED)


async def thread_page(
    session: AsyncSession,
    article_id: int,
    *,
    newest_first: bool,
    limit: int,
    offset: int,
    after: tuple[datetime, int] | None,
) -> Sequence[AnyRow]:
    key = tuple_(C.created_at, C.id)
    statement = select(*PUBLIC_COLUMNS).where(_thread_condition(article_id))
    if after is not None:
        statement = statement.where(key < tuple_(*after) if newest_first else key > tuple_(*after))
    elif offset:
        statement = statement.offset(offset)
    if newest_first:
        statement = statement.order_by(C.created_at.desc(), C.id.desc())
    else:
        statement = statement.order_by(C.created_at, C.id)
    return (await session.execute(statement.limit(limit))).all()


async def thread_count(session: AsyncSession, article_id: int) -> int:
    statement = select(func.count()).select_from(Comment).where(_thread_condition(article_id))
    return int(await session.scalar(statement) or 0)


async def approved_replies(session: AsyncSession, root_ids: list[int]) -> Sequence[AnyRow]:
    """Every approved reply of these threads, parents before children, siblings oldest first."""
    if not root_ids:
        return []
    statement = (
        select(*PUBLIC_COLUMNS)
        .where(C.root_id.in_(root_ids), C.status == APPROVED)
        .order_by(C.depth, C.created_at, C.id)
    )
    return (await session.execute(statement)).all()


async def get_comment(session: AsyncSession, comment_id: int) -> Comment | None:
    return await session.get(Comment, comment_id)


async def comments_by_ids(session: AsyncSession, ids: Iterable[int]) -> list[Comment]:
    statement = select(Comment).where(C.id.in_(list(ids))).order_by(C.id)
    return list((await session.scalars(statement)).all())


async def approved_before(session: AsyncSession, email_hash: str) -> bool:
    statement = select(exists().where(C.email_hash == email_hash, C.status == APPROVED))
    return bool(await session.scalar(statement))


async def duplicate_exists(session: AsyncSession, content_hash: str) -> bool:
    """The same text by the same email on the same article, unless the desk trashed it."""
    statement = select(exists().where(C.content_hash == content_hash, C.status != TRASH))
    return bool(await session.scalar(statement))


async def visible_count(session: AsyncSession, article_id: int) -> int:
    """Approved comments whose every ancestor is approved too: what the public list shows."""
    roots = (
        select(C.id).where(_thread_condition(article_id)).cte("visible_comments", recursive=True)
    )
    child = select(C.id).join(roots, C.parent_id == roots.c.id).where(C.status == APPROVED)
    tree = roots.union_all(child)
    return int(await session.scalar(select(func.count()).select_from(tree)) or 0)


async def refresh_comment_counts(session: AsyncSession, article_ids: Iterable[int]) -> None:
    """Recompute `comment_count` of these articles from the table (call under `lock_articles`)."""
    for article_id in sorted(set(article_ids)):
        count = await visible_count(session, article_id)
        await session.execute(update(Article).where(A.id == article_id).values(comment_count=count))


async def add_to_comment_count(session: AsyncSession, article_id: int, amount: int) -> None:
    await session.execute(
        update(Article).where(A.id == article_id).values(comment_count=A.comment_count + amount)
    )


async def delete_comment(session: AsyncSession, comment_id: int) -> None:
    """Its replies go with it (the parent_id foreign key cascades)."""
    await session.execute(delete(Comment).where(C.id == comment_id))


async def moderation_page(
    session: AsyncSession,
    *,
    status: str | None,
    article_id: int | None,
    limit: int,
    offset: int,
    before: tuple[datetime, int] | None,
) -> Sequence[AnyRow]:
    statement = select(*MODERATION_COLUMNS).join(Article, A.id == C.article_id)
    statement = statement.where(*_moderation_filters(status, article_id))
    if before is not None:
        statement = statement.where(tuple_(C.created_at, C.id) < tuple_(*before))
    elif offset:
        statement = statement.offset(offset)
    statement = statement.order_by(C.created_at.desc(), C.id.desc()).limit(limit)
    return (await session.execute(statement)).all()


async def moderation_count(
    session: AsyncSession, *, status: str | None, article_id: int | None
) -> int:
    statement = (
        select(func.count()).select_from(Comment).where(*_moderation_filters(status, article_id))
    )
    return int(await session.scalar(statement) or 0)


def _moderation_filters(status: str | None, article_id: int | None) -> list[Any]:
    filters: list[Any] = []
    if status is not None:
        filters.append(C.status == status)
    if article_id is not None:
        filters.append(C.article_id == article_id)
    return filters


async def article_ref(session: AsyncSession, article_id: int) -> AnyRow:
    statement = select(A.id, A.slug, A.title).where(A.id == article_id)
    return (await session.execute(statement)).one()


async def article_id_by_slug(session: AsyncSession, slug: str) -> int | None:
    return await session.scalar(select(A.id).where(A.slug == slug))


async def approved_counts_since(
    session: AsyncSession, since: datetime, category_id: int | None, limit: int, now: datetime
) -> list[tuple[int, int]]:
    count = func.count(Comment.id)
    statement = (
        select(Comment.article_id, count.label("count"))
        .join(Article, Article.id == Comment.article_id)
        .where(Comment.status == APPROVED, Comment.created_at >= since, visible_at(now))
        .group_by(Comment.article_id)
        .order_by(count.desc(), Comment.article_id.desc())  # type: ignore[attr-defined]
        .limit(limit)
    )
    if category_id is not None:
        statement = statement.where(Article.category_id == category_id)
    return [
        (int(row.article_id), int(row.count)) for row in (await session.execute(statement)).all()
    ]
