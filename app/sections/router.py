"""The home page and mega-menus in one call: each category with its latest articles."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from sqlalchemy import select, union_all
from starlette.responses import Response

from app.articles import repository as articles
from app.articles.models import Article
from app.articles.schemas import ArticleSummary
from app.articles.visibility import visible_at
from app.categories import repository as categories
from app.categories.schemas import CategoryPublic
from app.core.db import SessionDep
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
    # One statement: the newest few of each category, each an index seek, glued with UNION ALL.
    latest = [
        select(Article.id)
        .where(Article.category_id == category.id, visible_at(now))
        .order_by(Article.published_at.desc(), Article.id.desc())
        .limit(per_category)
        .subquery()
        for category in menu
    ]
    ids: list[int] = []
    if latest:
        statement = union_all(*(select(part.c.id) for part in latest))
        ids = list((await session.scalars(statement)).all())
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
