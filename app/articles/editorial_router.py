"""The desk's article writes: create, partial update, delete (API keys with roles)."""

from __future__ import annotations

from typing import Annotated, TypeGuard

from fastapi import APIRouter, Depends, FastAPI, Header, Path, Request
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement
from starlette.responses import Response

from app.articles import editorial_repository, service
from app.articles.editorial_schemas import (
    DESK_FIELDS_MEDIA_TYPE,
    DESK_MEDIA_TYPE,
    DESK_SUMMARY_FIELDS,
    ArticleCreate,
    ArticleDeskList,
    ArticleEditorial,
    ArticleUpdate,
)
from app.articles.purge import announce_purge
from app.articles.purge import install as install_purge
from app.articles.repository import ArticleFilters, sort_spec
from app.core.db import WriteSessionDep
from app.core.errors import Forbidden, NotFound, Unprocessable, responses
from app.core.json import model_response
from app.core.pagination import PageParams, build_page_meta
from app.core.query_params import parse_fields
from app.core.types import utcnow
from app.keys.dependencies import require
from app.keys.permissions import Permission, allows
from app.keys.service import Principal

router = APIRouter(tags=["editorial"])  # included by app.articles.router (prefix /api/v1)
ArticleId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The article's id.")]
IfMatch = Annotated[
    str | None,
    Header(max_length=200, description='The article\'s ETag (`"<id>-<revision>"`); stale → 412.'),
]
Writer = Annotated[Principal, Depends(require(Permission.WRITE_OWN_ARTICLES))]
Deleter = Annotated[Principal, Depends(require(Permission.DELETE_ARTICLES))]
NO_STORE = {"Cache-Control": "private, no-store"}


class DeskJSONResponse(JSONResponse):
    """Documents a route's answer as the desk's article representation (the routes answer
    through `model_response(..., media_type=DESK_MEDIA_TYPE)`)."""

    media_type = DESK_MEDIA_TYPE


def install(app: FastAPI) -> None:
    install_purge(app)


async def editorial_answer(
    request: Request, session: AsyncSession, result: service.WriteResult, *, status: int = 200
) -> Response:
    """Read the article back in the write's transaction, commit, then announce the purge."""
    settings = request.app.state.settings
    found = await editorial_repository.desk_detail(
        session, result.article_id, settings.public_base, settings.site_name, utcnow()
    )
    if found is None:  # pragma: no cover - it was just written in this transaction
        raise NotFound(f"No article with id {result.article_id}.")
    await session.commit()
    headers = {
        "ETag": service.etag_of(found.id, found.revision),
        **NO_STORE,
        **(await announce_purge(request, result.purge_keys)),
    }
    if status == 201:
        headers["Location"] = f"{settings.public_base}/api/v1/articles/{found.id}"
    return model_response(found, status=status, headers=headers, media_type=DESK_MEDIA_TYPE)


@router.post(
    "/articles",
    response_model=ArticleEditorial,
    response_class=DeskJSONResponse,
    status_code=201,
    responses=responses(401, 403, 409, 413, 422),
    summary="Create an article",
)
async def create_article(
    request: Request, session: WriteSessionDep, principal: Writer, body: ArticleCreate
) -> Response:
    """A new article (draft by default); editors may publish or schedule it at once.
    Answered as the desk sees it (`application/vnd.inkwell.desk+json`)."""
    result = await service.create_article(
        session, principal, body, request.app.state.settings.public_base
    )
    return await editorial_answer(request, session, result, status=201)


@router.patch(
    "/articles/{article_id}",
    response_model=ArticleEditorial,
    response_class=DeskJSONResponse,
    responses=responses(401, 403, 404, 409, 412, 413, 422),
    summary="Update an article",
)
async def update_article(
    request: Request,
    session: WriteSessionDep,
    principal: Writer,
    article_id: ArticleId,
    body: ArticleUpdate,
    if_match: IfMatch = None,
) -> Response:
    """Change only the fields sent; `If-Match` with the article's ETag guards against lost updates.
    Answered as the desk sees it (`application/vnd.inkwell.desk+json`)."""
    result = await service.update_article(
        session, principal, article_id, body, if_match, request.app.state.settings.public_base
    )
    return await editorial_answer(request, session, result)


@router.delete(
    "/articles/{article_id}",
    status_code=204,
    responses=responses(401, 403, 404, 412, 422),
    summary="Delete an article",
)
async def delete_article(
    request: Request,
    session: WriteSessionDep,
    principal: Deleter,
    article_id: ArticleId,
    if_match: IfMatch = None,
) -> Response:
    """Delete an article for good (its former slugs stop redirecting)."""
    result = await service.delete_article(
        session, principal, article_id, if_match, request.app.state.settings.public_base
    )
    await session.commit()
    headers = {**NO_STORE, **(await announce_purge(request, result.purge_keys))}
    return Response(status_code=204, headers=headers)


# --- reads with a key (called from the public routes in app.articles.router) -------------------


def may_read_unpublished(principal: Principal | None) -> TypeGuard[Principal]:
    return principal is not None and allows(principal.role, Permission.READ_UNPUBLISHED)


def desk_scope(principal: Principal) -> list[ColumnElement[bool]]:
    """Editors and admins see every article; authors their own."""
    if allows(principal.role, Permission.WRITE_ANY_ARTICLE):
        return []
    return [editorial_repository.author_scope(principal.author_id)]


def check_status_param(principal: Principal | None, status: str | None) -> None:
    if status is None:
        return
    if principal is None:
        raise Unprocessable.on(
            "query.status", "filtering by status needs an API key (drafts are never public)"
        )
    if not may_read_unpublished(principal):
        raise Forbidden(f"The {principal.role.value} role may not read unpublished articles.")


async def desk_list(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    filters: ArticleFilters,
    paging: PageParams,
    sort: str,
    status: str | None,
    fields: str | None,
) -> Response:
    """Every article the key may see (any status, or `status`), page-numbered, never cached."""
    if sort == "trending":
        raise Unprocessable.on("query.sort", "trending ranks what readers see: ask without a key")
    if paging.cursor is not None:
        raise Unprocessable.on("query.cursor", "with an API key, lists page by number (?page=)")
    include = parse_fields(fields, DESK_SUMMARY_FIELDS)
    now = utcnow()
    conditions = [*filters.conditions(), *desk_scope(principal)]
    if status is not None:
        conditions.append(editorial_repository.status_condition(status, now))
    items, has_more = await editorial_repository.desk_page(
        session,
        conditions,
        sort_spec(sort),
        per_page=paging.per_page,
        offset=paging.offset,
        public_base=request.app.state.settings.public_base,
        now=now,
    )
    total = await editorial_repository.desk_count(session, conditions)
    meta, links, link_header = build_page_meta(
        request, paging, total=total, next_cursor=None, has_more=has_more
    )
    return model_response(
        ArticleDeskList(data=items, meta=meta, links=links),
        headers={"Link": link_header, **NO_STORE},
        include={"data": {"__all__": include}, "meta": True, "links": True} if include else None,
        media_type=DESK_FIELDS_MEDIA_TYPE if include else DESK_MEDIA_TYPE,
    )


async def desk_article(
    request: Request, session: AsyncSession, principal: Principal, slug_or_id: str
) -> Response | None:
    """The article (any status the key may see) by slug or id, else None."""
    article_id = await editorial_repository.find_desk_id(session, slug_or_id, desk_scope(principal))
    if article_id is None:
        return None
    settings = request.app.state.settings
    found = await editorial_repository.desk_detail(
        session, article_id, settings.public_base, settings.site_name, utcnow()
    )
    if found is None:
        return None
    headers = {"ETag": service.etag_of(found.id, found.revision), **NO_STORE}
    return model_response(found, headers=headers, media_type=DESK_MEDIA_TYPE)
