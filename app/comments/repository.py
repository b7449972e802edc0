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

PUBLIC_COLUMNS = (Comment.id, Comment.parent_id, Comment.author_name, Comment.body, Comment.created_at)
MODERATION_COLUMNS = (
    *PUBLIC_COLUMNS,
    Comment.article_id,
    Comment.root_id,
    Comment.depth,
    Comment.author_email,
    Comment.email_hash,
    Comment.address_hash,
    Comment.user_agent,
    Comment.status,
    Comment.updated_at,
    Article.slug.label("article_slug"),  # type: ignore[attr-defined]
    Article.title.label("article_title"),  # type: ignore[attr-defined]
)


async def visible_article(session: AsyncSession, slug: str, now: datetime) -> Row[Any] | None:
    statement = select(Article.id, Article.comment_count).where(Article.slug == slug, visible_at(now))
    return (await session.execute(statement)).first()


async def article_by_slug(session: AsyncSession, slug: str) -> Row[Any] | None:
    """Any status: the caller tells unknown (404) from closed (403)."""
    statement = select(
        Article.id, Article.slug, Article.status, Article.published_at, Article.comments_open
    ).where(Article.slug == slug)
    return (await session.execute(statement)).first()


async def lock_articles(session: AsyncSession, article_ids: Iterable[int]) -> None:
    """Serialise comment writes per article (PostgreSQL row locks; SQLite writes are serial
    already), so counts recomputed and duplicates checked inside the transaction are exact."""
    ids = sorted(set(article_ids))
    if ids:
        await session.execute(
            select(Article.id).where(Article.id.in_(ids)).order_by(Article.id).with_for_update()  # type: ignore[union-attr,arg-type]
        )


def _thread_condition(article_id: int) -> Any:
    return (Comment.article_id == article_id) & (Comment.depth == 0) & (Comment.status == APPROVED)


async def thread_page(
    session: AsyncSession,
    article_id: int,
    *,
    newest_first: bool,
    limit: int,
    offset: int,
    after: tuple[datetime, int] | None,
) -> Sequence[Row[Any]]:
    key = tuple_(Comment.created_at, Comment.id)
    statement = select(*PUBLIC_COLUMNS).where(_thread_condition(article_id))
    if after is not None:
        statement = statement.where(key < tuple_(*after) if newest_first else key > tuple_(*after))
    elif offset:
        statement = statement.offset(offset)
    if newest_first:
        statement = statement.order_by(Comment.created_at.desc(), Comment.id.desc())  # type: ignore[attr-defined,union-attr]
    else:
        statement = statement.order_by(Comment.created_at, Comment.id)
    return (await session.execute(statement.limit(limit))).all()


async def thread_count(session: AsyncSession, article_id: int) -> int:
    statement = select(func.count()).select_from(Comment).where(_thread_condition(article_id))
    return int(await session.scalar(statement) or 0)


async def approved_replies(session: AsyncSession, root_ids: list[int]) -> Sequence[Row[Any]]:
    """Every approved reply of these threads, parents before children, siblings oldest first."""
    if not root_ids:
        return []
    statement = (
        select(*PUBLIC_COLUMNS)
        .where(Comment.root_id.in_(root_ids), Comment.status == APPROVED)  # type: ignore[union-attr]
        .order_by(Comment.depth, Comment.created_at, Comment.id)
    )
    return (await session.execute(statement)).all()


async def get_comment(session: AsyncSession, comment_id: int) -> Comment | None:
    return await session.get(Comment, comment_id)


async def comments_by_ids(session: AsyncSession, ids: Iterable[int]) -> list[Comment]:
    statement = select(Comment).where(Comment.id.in_(list(ids))).order_by(Comment.id)  # type: ignore[union-attr]
    return list((await session.scalars(statement)).all())


async def approved_before(session: AsyncSession, email_hash: str) -> bool:
    statement = select(
        exists().where(Comment.email_hash == email_hash, Comment.status == APPROVED)
    )
    return bool(await session.scalar(statement))


async def duplicate_exists(session: AsyncSession, content_hash: str) -> bool:
    """The same text by the same email on the same article, unless the desk trashed it."""
    statement = select(exists().where(Comment.content_hash == content_hash, Comment.status != TRASH))
    return bool(await session.scalar(statement))


async def visible_count(session: AsyncSession, article_id: int) -> int:
    """Approved comments whose every ancestor is approved too: what the public list shows."""
    roots = (
        select(Comment.id)
        .where(_thread_condition(article_id))
        .cte("visible_comments", recursive=True)
    )
    child = select(Comment.id).join(roots, Comment.parent_id == roots.c.id).where(Comment.status == APPROVED)
    tree = roots.union_all(child)
    return int(await session.scalar(select(func.count()).select_from(tree)) or 0)


async def refresh_comment_counts(session: AsyncSession, article_ids: Iterable[int]) -> None:
    """Recompute `comment_count` of these articles from the table (call under `lock_articles`)."""
    for article_id in sorted(set(article_ids)):
        count = await visible_count(session, article_id)
        await session.execute(update(Article).where(Article.id == article_id).values(comment_count=count))


async def add_to_comment_count(session: AsyncSession, article_id: int, amount: int) -> None:
    await session.execute(
        update(Article)
        .where(Article.id == article_id)
        .values(comment_count=Article.comment_count + amount)
    )


async def delete_comment(session: AsyncSession, comment_id: int) -> None:
    """Its replies go with it (the parent_id foreign key cascades)."""
    await session.execute(delete(Comment).where(Comment.id == comment_id))  # type: ignore[arg-type]


async def moderation_page(
    session: AsyncSession,
    *,
    status: str | None,
    article_id: int | None,
    limit: int,
    offset: int,
    before: tuple[datetime, int] | None,
) -> Sequence[Row[Any]]:
    statement = select(*MODERATION_COLUMNS).join(Article, Article.id == Comment.article_id)  # type: ignore[arg-type]
    statement = statement.where(*_moderation_filters(status, article_id))
    if before is not None:
        statement = statement.where(tuple_(Comment.created_at, Comment.id) < tuple_(*before))
    elif offset:
        statement = statement.offset(offset)
    statement = statement.order_by(Comment.created_at.desc(), Comment.id.desc()).limit(limit)  # type: ignore[attr-defined,union-attr]
    return (await session.execute(statement)).all()


async def moderation_count(session: AsyncSession, *, status: str | None, article_id: int | None) -> int:
    statement = select(func.count()).select_from(Comment).where(*_moderation_filters(status, article_id))
    return int(await session.scalar(statement) or 0)


def _moderation_filters(status: str | None, article_id: int | None) -> list[Any]:
    filters: list[Any] = []
    if status is not None:
        filters.append(Comment.status == status)
    if article_id is not None:
        filters.append(Comment.article_id == article_id)
    return filters


async def article_ref(session: AsyncSession, article_id: int) -> Row[Any]:
    statement = select(Article.id, Article.slug, Article.title).where(Article.id == article_id)
    return (await session.execute(statement)).one()


async def article_id_by_slug(session: AsyncSession, slug: str) -> int | None:
    return await session.scalar(select(Article.id).where(Article.slug == slug))
