"""Every public article query, with what it shows loaded up front (no N+1)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

import orjson
from sqlalchemy import Row, bindparam, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement, Select

from app.articles.models import Article, ArticleSlug, ArticleTag
from app.articles.rendering import absolute_urls
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
from app.core.db import run_select
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


# Public reads run prebuilt statements with bind parameters: building a statement costs more
# than running it (SQLAlchemy memoises a built statement's cache key), so the hot reads build
# theirs once per shape (issue 7). `NOW` is the visibility instant of every one of them.
NOW = "now"


def now_param() -> Any:
    return bindparam(NOW, type_=Article.published_at.type)


def ids_param(name: str = "ids") -> Any:
    return bindparam(name, expanding=True)


@lru_cache(maxsize=1)
def _tags_statement() -> Select[Any]:
    return (
        select(ArticleTag.article_id, Tag.slug, Tag.name)
        .join(Tag, Tag.id == ArticleTag.tag_id)  # type: ignore[arg-type]
        .where(ArticleTag.article_id.in_(ids_param()))  # type: ignore[attr-defined]
        .order_by(ArticleTag.article_id, Tag.name)
    )


async def tags_of(session: AsyncSession, article_ids: Sequence[int]) -> dict[int, list[TagRef]]:
    if not article_ids:
        return {}
    rows = await run_select(session, _tags_statement(), {"ids": list(article_ids)})
    found: dict[int, list[TagRef]] = defaultdict(list)
    for row in rows:
        found[row.article_id].append(TagRef(slug=row.slug, name=row.name))
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
    session: AsyncSession,
    statement: Select[Any],
    public_base: str,
    params: dict[str, Any] | None = None,
) -> tuple[list[ArticleSummary], list[Row[Any]]]:
    """Run a `summary_select()` statement; the summaries in order, and the raw rows."""
    rows = list((await run_select(session, statement, params)).all())
    tags = await tags_of(session, [row.id for row in rows])
    return [summary_from(row, tags.get(row.id, []), public_base) for row in rows], rows


@lru_cache(maxsize=1)
def _by_ids_statement() -> Select[Any]:
    return summary_select().where(Article.id.in_(ids_param()), visible_at(now_param()))  # type: ignore[union-attr]


async def summaries_by_ids(
    session: AsyncSession, ids: Sequence[int], public_base: str, now: datetime
) -> list[ArticleSummary]:
    """Visible summaries for `ids`, in the order given."""
    if not ids:
        return []
    found, _ = await summaries(
        session, _by_ids_statement(), public_base, {"ids": list(ids), NOW: now}
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
        """The filters as SQL conditions, values included (`bound_conditions` with its values)."""
        found = bound_conditions(self.bound_shape, self.params())
        if self.match is not None:
            found.append(self.match)
        return found

    @property
    def bound_shape(self) -> tuple[bool, ...]:
        """Which of BOUND_FILTERS are set."""
        return tuple(getattr(self, name) is not None for name in BOUND_FILTERS)

    @property
    def shape(self) -> tuple[bool, ...] | None:
        """The key of the filters' prebuilt statements. None with a full-text match, whose
        expression is built for its query."""
        return None if self.match is not None else self.bound_shape

    def params(self) -> dict[str, Any]:
        return {
            name: getattr(self, name) for name in BOUND_FILTERS if getattr(self, name) is not None
        }


BOUND_FILTERS = ("category_id", "author_id", "tag_id", "published_after", "published_before")


def bound_conditions(
    shape: tuple[bool, ...], values: dict[str, Any] | None = None
) -> list[ColumnElement[bool]]:
    """The conditions of the filters set in `shape`, with bind parameters named as the fields:
    left open for a prebuilt statement, or holding `values`."""

    def param(name: str, type_: Any = None) -> Any:
        if values is None:
            return bindparam(name, type_=type_)
        return bindparam(name, values[name], type_=type_, unique=True)

    category, author, tag, after, before = shape
    published_at = Article.published_at
    found: list[ColumnElement[bool]] = []
    if category:
        found.append(Article.category_id == param("category_id"))  # type: ignore[arg-type]
    if author:
        found.append(Article.author_id == param("author_id"))  # type: ignore[arg-type]
    if tag:
        found.append(
            Article.id.in_(  # type: ignore[union-attr]
                select(ArticleTag.article_id).where(ArticleTag.tag_id == param("tag_id"))
            )
        )
    if after:
        found.append(published_at >= param("published_after", published_at.type))  # type: ignore[operator,arg-type]
    if before:
        found.append(published_at < param("published_before", published_at.type))  # type: ignore[operator,arg-type]
    return found


@lru_cache(maxsize=16)
def _id_by_slug_statement(model: Any) -> Select[Any]:
    return select(model.id).where(model.slug == bindparam("slug"))


async def id_by_slug(session: AsyncSession, model: Any, slug: str, field: str) -> int:
    found = (await run_select(session, _id_by_slug_statement(model), {"slug": slug})).scalar()
    if found is None:
        raise Unprocessable.on(f"query.{field}", f"no {field} with slug {slug!r}")
    return int(found)


async def count_visible(session: AsyncSession, filters: ArticleFilters, now: datetime) -> int:
    """Exact total of visible articles (see `_count_statement`)."""
    shape = filters.shape
    if shape is None:
        statement = select(func.count()).where(visible_at(now), *filters.conditions())
        return int(await session.scalar(statement) or 0)
    params = {**filters.params(), NOW: now}
    total = (await run_select(session, _count_statement(shape), params)).scalar()
    return max(0, int(total or 0))


@lru_cache(maxsize=64)
def _count_statement(shape: tuple[bool, ...]) -> Select[Any]:
    """Single-scope lists read a maintained counter and subtract the (few) scheduled articles
    still waiting; anything else counts over an index."""
    conditions = bound_conditions(shape)
    category, author, tag, after, before = shape
    if category + author + tag > 1 or after or before:
        return select(func.count()).where(visible_at(now_param()), *conditions)
    if category:
        published = select(Category.article_count).where(Category.id == bindparam("category_id"))
    elif author:
        published = select(Author.article_count).where(Author.id == bindparam("author_id"))
    elif tag:
        published = select(Tag.article_count).where(Tag.id == bindparam("tag_id"))
    else:
        published = select(func.coalesce(func.sum(Category.article_count), 0))
    waiting = select(func.count()).where(scheduled_after(now_param()), *conditions)
    return select(published.scalar_subquery() - waiting.scalar_subquery())


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
    shape = filters.shape
    cursor = cursor_values is not None
    params: dict[str, Any] = {NOW: now, "limit": per_page + 1}
    if cursor_values is not None:
        params |= {"cursor_value": cursor_values[0], "cursor_id": cursor_values[1]}
    elif offset:
        params["offset"] = offset
    paged_by_offset = bool(offset) and not cursor
    if shape is not None and sort.join is None:
        statement = _page_statement(sort, shape, cursor, paged_by_offset)
        params |= filters.params()
    else:  # a full-text match or a sort from another table: built for this query
        statement = page_statement(sort, filters.conditions(), cursor, paged_by_offset)
    items, rows = await summaries(session, statement, public_base, params)
    if len(items) <= per_page:
        return items, None
    last = rows[per_page - 1]
    return items[:per_page], [sort.value_of(last), last.id]


def page_statement(
    sort: SortSpec, conditions: Sequence[ColumnElement[bool]], cursor: bool, offset: bool
) -> Select[Any]:
    """A list page: bind parameters `now`, `limit`, and `cursor_value`/`cursor_id` or `offset`."""
    base = summary_select() if sort.join is None else sort.join(summary_select(sort.column))
    statement = base.where(*conditions)
    if cursor:
        value = bindparam("cursor_value", type_=sort.column.type)
        statement = statement.where(sort.after(value, bindparam("cursor_id")))
        # The cursor's own time bounds visibility: an index range, not a filter on `now`.
        statement = statement.where(Article.status == "published")
        if not (sort.column is Article.published_at and sort.descending):
            statement = statement.where(visible_at(now_param()))
    else:
        statement = statement.where(visible_at(now_param()))
    statement = statement.order_by(*sort.order_by()).limit(bindparam("limit"))
    return statement.offset(bindparam("offset")) if offset else statement


@lru_cache(maxsize=256)
def _page_statement(
    sort: SortSpec, shape: tuple[bool, ...], cursor: bool, offset: bool
) -> Select[Any]:
    return page_statement(sort, bound_conditions(shape), cursor, offset)


@lru_cache(maxsize=1)
def _visible_by_slug_statement() -> Select[Any]:
    return summary_select(
        Article.body_html, Article.toc, Article.comments_open, Article.category_id
    ).where(Article.slug == bindparam("slug"), visible_at(now_param()))


async def find_visible_by_slug(session: AsyncSession, slug: str, now: datetime) -> Row[Any] | None:
    params = {"slug": slug, NOW: now}
    return (await run_select(session, _visible_by_slug_statement(), params)).first()


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
        body_html=absolute_urls(public_base, row.body_html),
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
