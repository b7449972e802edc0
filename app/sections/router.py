"""The home page and mega-menus in one call: each category with its latest articles."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from sqlalchemy import CompoundSelect, bindparam, select, union_all
from starlette.responses import Response

from app.articles import repository as articles
from app.articles.models import Article
from app.articles.schemas import ArticleSummary
from app.articles.visibility import visible_at
from app.categories import repository as categories
from app.categories.schemas import CategoryPublic
from app.core.db import SessionDep, run_select
from app.core.errors import responses
from app.core.json import model_response
from app.core.schemas import OutputModel
from app.core.surrogate import surrogate_header
from app.core.types import utcnow

router = APIRouter(prefix="/api/v1", tags=["articles"])


class Section(OutputModel):
    category: CategoryPublic
    articles: list[ArticleSummary]


class SectionList(OutputModel):
    data: list[Section]


@lru_cache(maxsize=8)
def latest_of_categories(count: int) -> CompoundSelect[Any]:
    """The newest few of each of `count` categories (`category_0`…), each an index seek, glued
    with UNION ALL: one statement, built once per number of categories."""
    latest = [
        select(Article.id)
        .where(Article.category_id == bindparam(f"category_{i}"), visible_at(articles.now_param()))
        .order_by(Article.published_at.desc(), Article.id.desc())
        .limit(bindparam("per_category"))
        .subquery()
        for i in range(count)
    ]
    return union_all(*(select(part.c.id) for part in latest))


@router.get(
    "/sections", response_model=SectionList, responses=responses(422), summary="Home page sections"
)
async def list_sections(
    request: Request,
    session: SessionDep,
    per_category: Annotated[int, Query(ge=1, le=20, description="Articles per category.")] = 5,
) -> Response:
    """Every category in menu order with its latest `per_category` articles: the mega-menu."""
    now = utcnow()
    menu = await categories.all_in_menu_order(session, now)
    ids: list[int] = []
    if menu:
        params: dict[str, Any] = {f"category_{i}": c.id for i, c in enumerate(menu)}
        params |= {articles.NOW: now, "per_category": per_category}
        found_ids = await run_select(session, latest_of_categories(len(menu)), params)
        ids = list(found_ids.scalars())
    found = await articles.summaries_by_ids(
        session, ids, request.app.state.settings.public_base, now
    )
    by_category: dict[str, list[ArticleSummary]] = {}
    for summary in found:
        by_category.setdefault(summary.category.slug, []).append(summary)
    data = [Section(category=c, articles=by_category.get(c.slug, [])) for c in menu]
    return model_response(
        SectionList(data=data), headers=surrogate_header("articles", "categories")
    )
