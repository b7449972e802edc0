"""Maintained `article_count`s: published articles (scheduled ones included until their time;
readers see the count less those still waiting). Recomputed exactly for what a write touched."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.articles.models import Article, ArticleTag
from app.authors.models import Author
from app.categories.models import Category
from app.tags.models import Tag


def _statements(
    category_ids: Iterable[int] | None,
    author_ids: Iterable[int] | None,
    tag_ids: Iterable[int] | None,
) -> list[object]:
    published = Article.status == "published"
    statements: list[object] = []
    for model, column, ids in (
        (Category, Article.category_id, category_ids),
        (Author, Article.author_id, author_ids),
    ):
        count = select(func.count()).where(column == model.id, published).scalar_subquery()  # type: ignore[attr-defined]
        statement = update(model).values(article_count=count)
        if ids is not None:
            statement = statement.where(model.id.in_(list(ids)))  # type: ignore[attr-defined]
        statements.append(statement)
    tag_count = (
        select(func.count())
        .select_from(ArticleTag)
        .join(Article, Article.id == ArticleTag.article_id)  # type: ignore[arg-type]
        .where(ArticleTag.tag_id == Tag.id, published)
        .scalar_subquery()
    )
    tag_statement = update(Tag).values(article_count=tag_count)
    if tag_ids is not None:
        tag_statement = tag_statement.where(Tag.id.in_(list(tag_ids)))  # type: ignore[union-attr]
    statements.append(tag_statement)
    return statements


async def refresh_counts(
    session: AsyncSession,
    *,
    category_ids: Iterable[int] = (),
    author_ids: Iterable[int] = (),
    tag_ids: Iterable[int] = (),
) -> None:
    for statement in _statements(set(category_ids), set(author_ids), set(tag_ids)):
        await session.execute(statement)  # type: ignore[call-overload]


def refresh_all_counts_sync(conn: Connection) -> None:
    for statement in _statements(None, None, None):
        conn.execute(statement)  # type: ignore[call-overload]
