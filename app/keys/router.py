"""API keys over HTTP (admins): list, create (shown once), revoke."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from starlette.responses import Response

from app.core.db import SessionDep, WriteSessionDep
from app.core.errors import NotFound, Unprocessable, responses
from app.core.json import model_response
from app.core.pagination import PageParams, build_page_meta, page_params
from app.keys import repository, service
from app.keys.dependencies import require
from app.keys.permissions import Permission, Role
from app.keys.schemas import KeyCreate, KeyCreated, KeyList
from app.keys.service import Principal

router = APIRouter(prefix="/api/v1", tags=["editorial"])
Admin = Annotated[Principal, Depends(require(Permission.MANAGE_KEYS))]
NO_STORE = {"Cache-Control": "private, no-store"}


@router.get(
    "/keys",
    response_model=KeyList,
    responses=responses(401, 403, 404, 422),
    summary="List API keys",
)
async def list_keys(
    request: Request,
    session: SessionDep,
    _admin: Admin,
    paging: Annotated[PageParams, Depends(page_params)],
) -> Response:
    """Every key, oldest first: role, name, prefix, author, when created and revoked. Never a hash."""
    if paging.cursor is not None:
        raise Unprocessable.on("query.cursor", "keys are paged by page number only")
    items = await repository.page(session, paging.offset, paging.per_page + 1)
    total = await repository.count(session)
    meta, links, link_header = build_page_meta(
        request, paging, total=total, next_cursor=None, has_more=len(items) > paging.per_page
    )
    page = KeyList(data=items[: paging.per_page], meta=meta, links=links)
    return model_response(page, headers={"Link": link_header, **NO_STORE})


@router.post(
    "/keys",
    response_model=KeyCreated,
    status_code=201,
    responses=responses(401, 403, 413, 422),
    summary="Create an API key",
)
async def create_key(
    request: Request, session: WriteSessionDep, _admin: Admin, body: KeyCreate
) -> Response:
    """A new key with a role; the answer shows the key once (only its hash is stored)."""
    author_id = None
    if body.author is not None:
        author_id = await repository.author_id_by_slug(session, body.author)
        if author_id is None:
            raise Unprocessable.on("body.author", f"no author with slug {body.author!r}")
    elif body.role is Role.AUTHOR:
        raise Unprocessable.on(
            "body.author", "an author key needs the author whose articles it writes"
        )
    settings = request.app.state.settings
    key, row = await service.create(
        session, settings.secret_key, role=body.role, name=body.name, author_id=author_id
    )
    await session.commit()
    created = KeyCreated(**repository.public(row, body.author).model_dump(), key=key)
    location = f"{settings.public_base}/api/v1/keys/{row.id}"
    return model_response(created, status=201, headers={"Location": location, **NO_STORE})


@router.delete(
    "/keys/{key_id}",
    status_code=204,
    responses=responses(401, 403, 404, 422),
    summary="Revoke an API key",
)
async def revoke_key(
    session: WriteSessionDep, _admin: Admin, key_id: Annotated[int, Path(ge=1, le=2**31 - 1)]
) -> Response:
    """Revoke a key: it stops working at once. Revoked keys stay listed, for the record."""
    if not await service.revoke(session, key_id):
        raise NotFound(f"No active key with id {key_id}.")
    await session.commit()
    return Response(status_code=204, headers=NO_STORE)
