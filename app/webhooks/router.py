"""Webhooks for admins: register receivers, and see every delivery and its attempts."""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, FastAPI, Path, Request
from starlette.responses import Response

from app.core.db import SessionDep, WriteSessionDep
from app.core.errors import responses
from app.core.json import model_response
from app.core.pagination import (
    PageParams,
    build_page_meta,
    decode_cursor,
    encode_cursor,
    page_params,
)
from app.keys.dependencies import require
from app.keys.permissions import Permission
from app.webhooks import repository, service
from app.webhooks.events import EVENT_JOB
from app.webhooks.models import Webhook, WebhookDelivery
from app.webhooks.schemas import (
    DeliveryList,
    DeliveryPublic,
    WebhookCreate,
    WebhookCreated,
    WebhookList,
    WebhookPublic,
)

router = APIRouter(
    prefix="/api/v1/webhooks",
    tags=["webhooks"],
    dependencies=[Depends(require(Permission.MANAGE_WEBHOOKS))],
)
WebhookId = Annotated[int, Path(ge=1, le=2**31 - 1)]
PageDep = Annotated[PageParams, Depends(page_params)]
NO_STORE = {"Cache-Control": "no-store"}


def install(app: FastAPI) -> None:
    """Register the outbox handlers: event fan-out and signed delivery."""
    settings = app.state.settings
    writer = app.state.database.writer
    outbox = app.state.outbox
    delivery_settings = service.DeliverySettings(
        timeout_seconds=settings.webhook_timeout_seconds,
        allow_private=settings.webhooks_allow_private,
    )
    outbox.register(EVENT_JOB, partial(service.fan_out, writer))
    outbox.register(
        service.DELIVERY_JOB, partial(service.deliver, writer, outbox, delivery_settings)
    )


def public(webhook: Webhook) -> WebhookPublic:
    return WebhookPublic.model_validate(
        {**webhook.model_dump(exclude={"secret"}), "events": repository.events_of(webhook)}
    )


def delivery_public(delivery: WebhookDelivery) -> DeliveryPublic:
    data: dict[str, Any] = delivery.model_dump(exclude={"event_job_id"})
    data["payload"] = orjson.loads(delivery.payload)
    return DeliveryPublic.model_validate(data)


@router.post(
    "",
    status_code=201,
    response_model=WebhookCreated,
    responses=responses(401, 403, 413, 422),
    summary="Register a webhook",
)
async def create_webhook(
    request: Request, session: WriteSessionDep, body: WebhookCreate
) -> Response:
    """Register a receiver URL for events; the answer shows its signing secret, once."""
    webhook, secret = await service.create(
        session, body, allow_private=request.app.state.settings.webhooks_allow_private
    )
    await session.commit()
    created = WebhookCreated(**public(webhook).model_dump(), secret=secret)
    location = f"{request.app.state.settings.public_base}/api/v1/webhooks/{webhook.id}"
    return model_response(created, status=201, headers={"Location": location, **NO_STORE})


@router.get(
    "", response_model=WebhookList, responses=responses(401, 403, 404, 422), summary="List webhooks"
)
async def list_webhooks(request: Request, session: SessionDep, paging: PageDep) -> Response:
    """Every webhook, oldest first (secrets are never shown again)."""
    after = decode_cursor(paging.cursor, "webhooks", (int,))[0] if paging.cursor else None
    rows = await repository.page_of_webhooks(
        session, per_page=paging.per_page, offset=paging.offset, after_id=after
    )
    more = len(rows) > paging.per_page
    rows = rows[: paging.per_page]
    total = None if paging.cursor else await repository.count_webhooks(session)
    next_cursor = encode_cursor("webhooks", [rows[-1].id]) if more else None
    meta, links, link = build_page_meta(
        request, paging, total=total, next_cursor=next_cursor, has_more=more
    )
    page = WebhookList(data=[public(row) for row in rows], meta=meta, links=links)
    return model_response(page, headers={"Link": link})


@router.get(
    "/{webhook_id}",
    response_model=WebhookPublic,
    responses=responses(401, 403, 404, 422),
    summary="Get a webhook",
)
async def get_webhook(session: SessionDep, webhook_id: WebhookId) -> Response:
    """One webhook."""
    return model_response(public(await service.get_or_404(session, webhook_id)))


@router.delete(
    "/{webhook_id}",
    status_code=204,
    responses=responses(401, 403, 404, 422),
    summary="Delete a webhook",
)
async def delete_webhook(session: WriteSessionDep, webhook_id: WebhookId) -> Response:
    """Delete a webhook with its deliveries; nothing more is sent to it."""
    await service.delete(session, webhook_id)
    await session.commit()
    return Response(status_code=204)


@router.get(
    "/{webhook_id}/deliveries",
    response_model=DeliveryList,
    responses=responses(401, 403, 404, 422),
    summary="List a webhook's deliveries",
)
async def list_webhook_deliveries(
    request: Request, session: SessionDep, webhook_id: WebhookId, paging: PageDep
) -> Response:
    """Deliveries newest first: status, attempts, the receiver's last status code and error."""
    await service.get_or_404(session, webhook_id)
    before = decode_cursor(paging.cursor, "deliveries", (int,))[0] if paging.cursor else None
    rows = await repository.page_of_deliveries(
        session, webhook_id, per_page=paging.per_page, offset=paging.offset, before_id=before
    )
    more = len(rows) > paging.per_page
    rows = rows[: paging.per_page]
    total = None if paging.cursor else await repository.count_deliveries(session, webhook_id)
    next_cursor = encode_cursor("deliveries", [rows[-1].id]) if more else None
    meta, links, link = build_page_meta(
        request, paging, total=total, next_cursor=next_cursor, has_more=more
    )
    page = DeliveryList(data=[delivery_public(row) for row in rows], meta=meta, links=links)
    return model_response(page, headers={"Link": link})
