"""The desk's routes for a taxonomy: POST on the collection, PATCH and DELETE by id.

Built by one factory for categories, authors and tags. (No `from __future__ import annotations`
here: FastAPI reads the endpoints' annotations, which name each kind's own schemas.)
"""

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Request
from starlette.responses import Response

from app.articles.purge import announce_purge
from app.core.db import WriteSessionDep
from app.core.errors import responses
from app.core.json import model_response
from app.keys.dependencies import require
from app.keys.permissions import Permission
from app.keys.service import Principal
from app.taxonomy import service
from app.taxonomy.service import TaxonomyKind

Editor = Annotated[Principal, Depends(require(Permission.WRITE_TAXONOMY))]
NO_STORE = {"Cache-Control": "private, no-store"}


def taxonomy_routes(kind: TaxonomyKind) -> APIRouter:
    router = APIRouter(tags=["editorial"])  # included by the kind's router (prefix /api/v1)
    ItemId = Annotated[int, Path(ge=1, le=2**31 - 1, description=f"The {kind.singular}'s id.")]
    CreateBody = Annotated[kind.create_schema, Body()]  # type: ignore[name-defined]
    UpdateBody = Annotated[kind.update_schema, Body()]  # type: ignore[name-defined]

    async def answer(
        request: Request, session: Any, write: service.TaxonomyWrite, status: int
    ) -> Response:
        found = await kind.public_view(session, write.row, request)
        await session.commit()
        headers = {**NO_STORE, **(await announce_purge(request, write.purge_keys))}
        if status == 201:
            headers["Location"] = (
                f"{request.app.state.settings.public_base}/api/v1/{kind.plural}/{write.row.slug}"
            )
        return model_response(found, status=status, headers=headers)

    async def create(
        request: Request, session: WriteSessionDep, _editor: Editor, body: CreateBody
    ) -> Response:
        return await answer(request, session, await service.create(session, kind, body), 201)

    async def update(
        request: Request,
        session: WriteSessionDep,
        _editor: Editor,
        item_id: ItemId,
        body: UpdateBody,
    ) -> Response:
        return await answer(
            request, session, await service.update(session, kind, item_id, body), 200
        )

    async def remove(
        request: Request, session: WriteSessionDep, _editor: Editor, item_id: ItemId
    ) -> Response:
        write = await service.delete(session, kind, item_id)
        await session.commit()
        return Response(
            status_code=204,
            headers={**NO_STORE, **(await announce_purge(request, write.purge_keys))},
        )

    create.__doc__ = (
        f"A new {kind.singular}; its slug comes from its name unless given (a clash is 409)."
    )
    update.__doc__ = f"Change only the fields sent of a {kind.singular} (a slug clash is 409)."
    remove.__doc__ = f"Delete a {kind.singular}" + (
        " (409 while articles still use it)."
        if kind.article_column is not None
        else "; articles lose the tag."
    )
    router.add_api_route(
        f"/{kind.plural}",
        create,
        methods=["POST"],
        name=f"create_{kind.singular}",
        status_code=201,
        response_model=kind.public_schema,
        responses=responses(401, 403, 409, 413, 422),
        summary=f"Create a {kind.singular}",
    )
    router.add_api_route(
        f"/{kind.plural}/{{item_id}}",
        update,
        methods=["PATCH"],
        name=f"update_{kind.singular}",
        response_model=kind.public_schema,
        responses=responses(401, 403, 404, 409, 413, 422),
        summary=f"Update a {kind.singular}",
    )
    router.add_api_route(
        f"/{kind.plural}/{{item_id}}",
        remove,
        methods=["DELETE"],
        name=f"delete_{kind.singular}",
        status_code=204,
        responses=responses(401, 403, 404, 409, 422),
        summary=f"Delete a {kind.singular}",
    )
    return router
