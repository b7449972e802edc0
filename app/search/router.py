"""Full-text search with relevance, highlighted snippets and per-category facets."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import Field
from sqlalchemy import func, select
from starlette.responses import Response

from app.articles import repository as articles
from app.articles.models import Article
from app.articles.router import FiltersDep, PageDep
from app.articles.schemas import ArticleSummary
from app.articles.visibility import visible_at
from app.categories.models import Category
from app.core.db import SessionDep
from app.core.errors import Unprocessable, responses
from app.core.json import model_response
from app.core.pagination import Links, PageMeta, build_page_meta
from app.core.schemas import OutputModel
from app.core.surrogate import surrogate_header
from app.core.types import utcnow
from app.search import engine

router = APIRouter(prefix="/api/v1", tags=["search"])


class SearchHit(ArticleSummary):
    snippet: str = Field(description="Matching text, HTML-escaped, matches wrapped in <mark>.")


class Facet(OutputModel):
    slug: str
    name: str
    count: int


class SearchMeta(PageMeta):
    facets: list[Facet] = Field(description="Hits per category.")


class SearchResults(OutputModel):
    data: list[SearchHit]
    meta: SearchMeta
    links: Links


@router.get(
    "/search",
    response_model=SearchResults,
    responses=responses(404, 422),
    summary="Search articles",
)
async def search_articles(
    request: Request,
    session: SessionDep,
    filters: FiltersDep,
    paging: PageDep,
    q: Annotated[str, Query(min_length=1, max_length=200, description="What to look for.")],
) -> Response:
    """Articles matching `q` by relevance, with snippets; `meta.facets` counts hits per category."""
    if paging.cursor is not None:
        raise Unprocessable.on("query.cursor", "search results are paged by page number")
    if not engine.terms(q):
        raise Unprocessable.on("query.q", "the query has no words to look for")
    dialect = request.app.state.database.read_engine.dialect.name
    now = utcnow()
    hits = engine.ranked_matches(dialect, q).subquery("hits")
    base_conditions = [
        visible_at(now),
        *[c for c in filters.conditions() if c is not filters.match],
    ]
    statement = (
        articles.summary_select()
        .join(hits, hits.c.id == Article.id)
        .where(*base_conditions)
        .order_by(hits.c.rank, Article.published_at.desc())  # type: ignore[union-attr]
        .offset(paging.offset)
        .limit(paging.per_page + 1)
    )
    public_base = request.app.state.settings.public_base
    items, _rows = await articles.summaries(session, statement, public_base)
    facet_rows = await session.execute(
        select(Category.slug, Category.name, func.count())
        .select_from(Article)
        .join(hits, hits.c.id == Article.id)
        .join(Category, Category.id == Article.category_id)  # type: ignore[arg-type]
        .where(*base_conditions)
        .group_by(Category.slug, Category.name, Category.position)
        .order_by(func.count().desc(), Category.position)
    )
    facets = [Facet(slug=slug, name=name, count=count) for slug, name, count in facet_rows.all()]
    total = sum(f.count for f in facets)
    shown = items[: paging.per_page]
    snippets: dict[int, str] = {}
    if shown:
        rows = await session.execute(engine.snippet_sql(dialect, q), {"ids": [i.id for i in shown]})
        snippets = {int(row.id): engine.safe_snippet(row.snippet or "") for row in rows.all()}
    meta, links, link_header = build_page_meta(
        request, paging, total=total, next_cursor=None, has_more=len(items) > paging.per_page
    )
    results = SearchResults(
        data=[
            SearchHit(
                **i.model_dump(), snippet=snippets.get(i.id) or engine.safe_snippet(i.excerpt)
            )
            for i in shown
        ],
        meta=SearchMeta(**meta.model_dump(), facets=facets),
        links=links,
    )
    return model_response(results, headers={"Link": link_header, **surrogate_header("articles")})
