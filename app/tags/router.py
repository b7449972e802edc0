"""Tags with their counts."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy import func, select
from starlette.responses import Response

from app.core.db import SessionDep
from app.core.errors import Unprocessable, responses
from app.core.json import model_response
from app.core.pagination import PageParams, build_page_meta, page_params
from app.core.surrogate import surrogate_header
from app.tags.models import Tag
from app.tags.schemas import TagList, TagPublic

router = APIRouter(prefix="/api/v1", tags=["taxonomy"])


@router.get("/tags", response_model=TagList, responses=responses(404, 422), summary="List tags")
async def list_tags(
    request: Request,
    session: SessionDep,
    paging: Annotated[PageParams, Depends(page_params)],
    sort: Annotated[Literal["name", "-article_count"], Query()] = "name",
) -> Response:
    """Tags with their counts of published articles, by name or most used first. Page paging."""
    order = (Tag.name, Tag.id) if sort == "name" else (Tag.article_count.desc(), Tag.id)  # type: ignore[attr-defined]
    if paging.cursor is not None:
        raise Unprocessable.on("query.cursor", "tags are paged by page number only")
    rows = (
        (
            await session.execute(
                select(Tag).order_by(*order).offset(paging.offset).limit(paging.per_page + 1)
            )
        )
        .scalars()
        .all()
    )
    total = int(await session.scalar(select(func.count()).select_from(Tag)) or 0)
    items = [
        TagPublic(id=t.id or 0, slug=t.slug, name=t.name, article_count=t.article_count)
        for t in rows
    ]
    meta, links, link_header = build_page_meta(
        request, paging, total=total, next_cursor=None, has_more=len(items) > paging.per_page
    )
    page = TagList(data=items[: paging.per_page], meta=meta, links=links)
    return model_response(page, headers={"Link": link_header, **surrogate_header("tags")})


from app.taxonomy.kinds import TAGS  # noqa: E402  (the desk's writes, shared by the three taxonomies)
from app.taxonomy.router import taxonomy_routes  # noqa: E402

router.include_router(taxonomy_routes(TAGS))
