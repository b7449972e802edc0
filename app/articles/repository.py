"""Every public article query, with what it shows loaded up front (no N+1)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Row, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement, Select

from app.articles.models import Article, ArticleSlug, ArticleTag
from app.articles.schemas import (
    ArticleDetail,
    ArticleSummary,
    AuthorRef,
    Breadcrumb,
    CategoryRef,
    HeroImage,
    TagRef,
    TocItem,
)
from app.articles.visibility import scheduled_after, visible_at
from app.authors.models import Author
from app.categories.models import Category
from app.core.errors import Unprocessable
from app.tags.models import Tag

SUMMARY_COLUMNS = (
    Article.id,
    Article.slug,
    Article.title,
    Article.excerpt,
    Article.published_at,
    Article.updated_at,
    Article.reading_time_minutes,
    Article.comment_count,
    Article.hero_url,
    Article.hero_alt,
    Article.hero_caption,
    Article.hero_credit,
    Category.slug.label("category_slug"),  # type: ignore[attr-defined]
    Category.name.label("category_name"),  # type: ignore[attr-defined]
    Author.slug.label("author_slug"),  # type: ignore[attr-defined]
    Author.name.label("author_name"),  # type: ignore[attr-defined]
)


def summary_select(*extra: Any) -> Select[Any]:
    return (
        select(*SUMMARY_COLUMNS, *extra)
        .join(Category, Category.id == Article.category_id)  # type: ignore[arg-type]
        .join(Author, Author.id == Article.author_id)  # type: ignore[arg-type]
    )


def absolute_url(public_base: str, url: str | None) -> str | None:
    if url is None:
        return None
    return public_base + url if url.startswith("/") else url


async def tags_of(session: AsyncSession, article_ids: Sequence[int]) -> dict[int, list[TagRef]]:
    if not article_ids:
        return {}
    rows = await session.execute(
        select(ArticleTag.article_id, Tag.slug, Tag.name)
        .join(Tag, Tag.id == ArticleTag.tag_id)  # type: ignore[arg-type]
        .where(ArticleTag.article_id.in_(article_ids))  # type: ignore[attr-defined]
        .order_by(ArticleTag.article_id, Tag.name)
    )
    found: dict[int, list[TagRef]] = defaultdict(list)
    for article_id, slug, name in rows.all():
        found[article_id].append(TagRef(slug=slug, name=name))
    return found


def summary_from(row: Row[Any], tags: list[TagRef], public_base: str) -> ArticleSummary:
    return ArticleSummary(**summary_fields(row, tags, public_base))


def summary_fields(row: Row[Any], tags: list[TagRef], public_base: str) -> dict[str, Any]:
    """The summary's values of a `summary_select()` row (the desk's schemas add to them)."""
    hero = None
    if row.hero_url:
        hero = HeroImage(
            url=absolute_url(public_base, row.hero_url) or "",
            alt=row.hero_alt,
            caption=row.hero_caption,
            credit=row.hero_credit,
        )
    return {
        "id": row.id,
        "slug": row.slug,
        "title": row.title,
        "excerpt": row.excerpt,
        "category": CategoryRef(slug=row.category_slug, name=row.category_name),
        "author": AuthorRef(slug=row.author_slug, name=row.author_name),
        "tags": tags,
        "hero_image": hero,
        "published_at": row.published_at,
        "updated_at": row.updated_at,
        "reading_time_minutes": row.reading_time_minutes,
        "comment_count": row.comment_count,
    }


async def summaries(
    session: AsyncSession, statement: Select[Any], public_base: str
) -> tuple[list[ArticleSummary], list[Row[Any]]]:
    """Run a `summary_select()` statement; the summaries in order, and the raw rows."""
    rows = list((await session.execute(statement)).all())
    tags = await tags_of(session, [row.id for row in rows])
    return [summary_from(row, tags.get(row.id, []), public_base) for row in rows], rows


async def summaries_by_ids(
    session: AsyncSession, ids: Sequence[int], public_base: str, now: datetime
) -> list[ArticleSummary]:
    """Visible summaries for `ids`, in the order given."""
    if not ids:
        return []
    found, _ = await summaries(
        session,
        summary_select().where(Article.id.in_(ids), visible_at(now)),
        public_base,  # type: ignore[union-attr]
    )
    by_id = {summary.id: summary for summary in found}
    return [by_id[i] for i in ids if i in by_id]


@dataclass(frozen=True)
class SortSpec:
    column: Any
    descending: bool
    value_type: type
    # For a sort column from another table (trending): adds that table to the list query.
    join: Callable[[Select[Any]], Select[Any]] | None = None

    def order_by(self) -> tuple[Any, Any]:
        if self.descending:
            return self.column.desc(), Article.id.desc()  # type: ignore[union-attr]
        return self.column.asc(), Article.id.asc()  # type: ignore[union-attr]

    def after(self, value: Any, last_id: int) -> ColumnElement[bool]:
        """Keyset bound past (value, id), plus a plain bound on the first column for the planner."""
        pair = tuple_(self.column, Article.id)
        if self.descending:
            return (self.column <= value) & (pair < tuple_(value, last_id))  # type: ignore[no-any-return]
        return (self.column >= value) & (pair > tuple_(value, last_id))  # type: ignore[no-any-return]

    def value_of(self, row: Row[Any]) -> Any:
        return getattr(row, self.column.key)


SORTS: dict[str, SortSpec] = {
    "-published_at": SortSpec(Article.published_at, True, datetime),
    "published_at": SortSpec(Article.published_at, False, datetime),
    "-updated_at": SortSpec(Article.updated_at, True, datetime),
    "title": SortSpec(Article.title, False, str),
}


@dataclass(frozen=True)
class ArticleFilters:
    category_id: int | None = None
    author_id: int | None = None
    tag_id: int | None = None
    match: ColumnElement[bool] | None = None
    published_after: datetime | None = None
    published_before: datetime | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.category_id is not None:
            found.append(Article.category_id == self.category_id)  # type: ignore[arg-type]
        if self.author_id is not None:
            found.append(Article.author_id == self.author_id)  # type: ignore[arg-type]
        if self.tag_id is not None:
            found.append(
                Article.id.in_(
                    select(ArticleTag.article_id).where(ArticleTag.tag_id == self.tag_id)
                )  # type: ignore[union-attr]
            )
        if self.match is not None:
            found.append(self.match)
        if self.published_after is not None:
            found.append(Article.published_at >= self.published_after)  # type: ignore[operator,arg-type]
        if self.published_before is not None:
            found.append(Article.published_at < self.published_before)  # type: ignore[operator,arg-type]
        return found

    @property
    def counted_by_maintained_counter(self) -> bool:
        chosen = [self.category_id, self.author_id, self.tag_id]
        others = [self.match, self.published_after, self.published_before]
        return sum(v is not None for v in chosen) <= 1 and all(v is None for v in others)


async def id_by_slug(session: AsyncSession, model: Any, slug: str, field: str) -> int:
    found = await session.scalar(select(model.id).where(model.slug == slug))
    if found is None:
        raise Unprocessable.on(f"query.{field}", f"no {field} with slug {slug!r}")
    return int(found)


async def count_visible(session: AsyncSession, filters: ArticleFilters, now: datetime) -> int:
    """Exact total of visible articles. Single-scope lists read a maintained counter and subtract
    the (few) scheduled ones still waiting; anything else counts over an index, once per version."""
    conditions = filters.conditions()
    if not filters.counted_by_maintained_counter:
        return int(
            await session.scalar(select(func.count()).where(visible_at(now), *conditions)) or 0
        )
    if filters.category_id is not None:
        published = select(Category.article_count).where(Category.id == filters.category_id)
    elif filters.author_id is not None:
        published = select(Author.article_count).where(Author.id == filters.author_id)
    elif filters.tag_id is not None:
        published = select(Tag.article_count).where(Tag.id == filters.tag_id)
    else:
        published = select(func.coalesce(func.sum(Category.article_count), 0))
    waiting = select(func.count()).where(scheduled_after(now), *conditions)
    total = await session.scalar(select(published.scalar_subquery() - waiting.scalar_subquery()))
    return max(0, int(total or 0))


async def list_page(
    session: AsyncSession,
    *,
    filters: ArticleFilters,
    sort: SortSpec,
    per_page: int,
    offset: int,
    cursor_values: list[Any] | None,
    now: datetime,
    public_base: str,
) -> tuple[list[ArticleSummary], list[Any] | None]:
    """One page, and the keyset values after its last item when more follow."""
    base = summary_select() if sort.join is None else sort.join(summary_select(sort.column))
    statement = base.where(*filters.conditions())
    if cursor_values is not None:
        statement = statement.where(sort.after(cursor_values[0], cursor_values[1]))
        # The cursor's own time bounds visibility: an index range, not a filter on `now`.
        statement = statement.where(Article.status == "published")
        if not (sort.column is Article.published_at and sort.descending):
            statement = statement.where(visible_at(now))
    else:
        statement = statement.where(visible_at(now))
    statement = statement.order_by(*sort.order_by()).limit(per_page + 1)
    if cursor_values is None and offset:
        statement = statement.offset(offset)
    items, rows = await summaries(session, statement, public_base)
    if len(items) <= per_page:
        return items, None
    last = rows[per_page - 1]
    return items[:per_page], [sort.value_of(last), last.id]


async def find_visible_by_slug(session: AsyncSession, slug: str, now: datetime) -> Row[Any] | None:
    statement = summary_select(
        Article.body_html, Article.toc, Article.comments_open, Article.category_id
    ).where(Article.slug == slug, visible_at(now))
    return (await session.execute(statement)).first()


async def current_slug_for_old(session: AsyncSession, old_slug: str, now: datetime) -> str | None:
    """The current slug of a visible article that was once called `old_slug`."""
    return await session.scalar(
        select(Article.slug)
        .join(ArticleSlug, ArticleSlug.article_id == Article.id)  # type: ignore[arg-type]
        .where(ArticleSlug.slug == old_slug, visible_at(now))
    )


async def detail(
    session: AsyncSession, row: Row[Any], public_base: str, site_name: str
) -> ArticleDetail:
    tags = await tags_of(session, [row.id])
    summary = summary_from(row, tags.get(row.id, []), public_base)
    return ArticleDetail(
        **summary.model_dump(),
        body_html=row.body_html,
        toc=[TocItem(**entry) for entry in orjson.loads(row.toc)],
        breadcrumbs=[
            Breadcrumb(type="site", name=site_name),
            Breadcrumb(type="category", name=summary.category.name, slug=summary.category.slug),
            Breadcrumb(type="article", name=summary.title, slug=summary.slug),
        ],
        comments_open=row.comments_open,
    )


RELATED_POOL = 100


async def related_ids(
    session: AsyncSession, article_id: int, category_id: int, limit: int, now: datetime
) -> list[int]:
    """Rank a bounded pool of candidates: 2 points per shared tag, 1 for the same category,
    newest first among equals. The pool is the newest few per tag and in the category, so the
    cost does not grow with the size of the archive."""
    tag_ids = list(
        (
            await session.scalars(
                select(ArticleTag.tag_id).where(ArticleTag.article_id == article_id)
            )
        ).all()
    )
    shared: dict[int, int] = defaultdict(int)
    for tag_id in tag_ids:
        candidates = await session.scalars(
            select(ArticleTag.article_id)
            .where(ArticleTag.tag_id == tag_id, ArticleTag.article_id != article_id)
            .order_by(ArticleTag.article_id.desc())  # type: ignore[attr-defined]
            .limit(RELATED_POOL)
        )
        for candidate in candidates:
            shared[candidate] += 1
    same_category = await session.scalars(
        select(Article.id)
        .where(Article.category_id == category_id, Article.id != article_id, visible_at(now))
        .order_by(Article.published_at.desc(), Article.id.desc())  # type: ignore[union-attr]
        .limit(RELATED_POOL)
    )
    pool = set(shared) | set(same_category)
    if not pool:
        return []
    rows = await session.execute(
        select(Article.id, Article.category_id, Article.published_at).where(
            Article.id.in_(pool),
            visible_at(now),  # type: ignore[union-attr]
        )
    )
    scored = sorted(
        rows.all(),
        key=lambda r: (
            shared.get(r.id, 0) * 2 + (1 if r.category_id == category_id else 0),
            r.published_at,
            r.id,
        ),
        reverse=True,
    )
    return [r.id for r in scored[:limit]]


def sort_spec(sort: str) -> SortSpec:
    """The keyset of a sort. `trending` is ranked by the popularity domain (Popular News issue)."""
    if sort == "trending":
        from app.popularity.ranking import trending_sort  # the popularity domain owns the score

        return trending_sort()
    return SORTS[sort]
