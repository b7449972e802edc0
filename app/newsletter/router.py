"""Newsletter endpoints: public signup, confirm and unsubscribe; the admin's subscriber desk."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, FastAPI, Path, Query, Request
from pydantic import ValidationError
from starlette.responses import Response, StreamingResponse

from app.core.clients import client_address
from app.core.db import Database, SessionDep, WriteSessionDep
from app.core.errors import FieldError, NotFound, TooManyRequests, Unprocessable, responses
from app.core.json import model_response
from app.core.pagination import (
    PageParams,
    build_page_meta,
    decode_cursor,
    encode_cursor,
    page_params,
)
from app.core.types import Timestamp
from app.keys.dependencies import require
from app.keys.permissions import Permission
from app.keys.service import Principal
from app.newsletter import export, repository, service
from app.newsletter.delivery import install_delivery
from app.newsletter.schemas import (
    CategorySlug,
    ConsentEventPublic,
    SubscriberDetail,
    SubscriberList,
    SubscriberPublic,
    SubscriberStatus,
    SubscriptionAccepted,
    SubscriptionCreate,
    SubscriptionState,
    TokenBody,
)

router = APIRouter(prefix="/api/v1/newsletter", tags=["newsletter"])

ACCEPTED = SubscriptionAccepted(
    detail="If this address can receive email, a message is on its way to it."
)
NO_STORE = {"Cache-Control": "no-store"}
AdminDep = Annotated[Principal, Depends(require(Permission.MANAGE_SUBSCRIBERS))]
PageDep = Annotated[PageParams, Depends(page_params)]
SubscriberId = Annotated[int, Path(ge=1, le=2**31 - 1)]
TOKEN_BODY_DOC: dict[str, Any] = {
    "requestBody": {
        "required": False,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/TokenBody"}},
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "properties": {"List-Unsubscribe": {"type": "string", "enum": ["One-Click"]}},
                }
            },
        },
    }
}


def install(app: FastAPI) -> None:
    install_delivery(app.state.outbox, app.state.database, app.state.settings)


def caller_of(request: Request) -> service.Caller:
    return service.Caller(client_address(request), request.headers.get("user-agent"))


@router.post(
    "/subscriptions",
    status_code=202,
    response_model=SubscriptionAccepted,
    responses=responses(413, 422, 429),
    summary="Subscribe to the newsletter (double opt-in)",
)
async def create_subscription(
    request: Request, session: WriteSessionDep, data: SubscriptionCreate
) -> Response:
    """Queue a confirmation email; the answer is the same whether or not the address is known."""
    settings = request.app.state.settings
    shared = request.app.state.shared_state
    caller = caller_of(request)
    for limit, purpose, value in (
        (
            settings.newsletter_rate_limit_address,
            "newsletter-address",
            service.address_hash(settings, caller.address),
        ),
        (
            settings.newsletter_rate_limit_email,
            "newsletter-email",
            service.email_hash(settings, data.email),
        ),
    ):
        decision = await shared.hit(limit, purpose, value)
        if not decision.allowed:
            raise TooManyRequests(decision.retry_after, "Too many signups; try again later.")
    await service.subscribe(session, settings, data, caller)
    await session.commit()
    return model_response(ACCEPTED, status=202, headers=NO_STORE)


async def token_rate_limit(request: Request) -> None:
    """Confirm and unsubscribe are public writes too: bounded per client address."""
    settings = request.app.state.settings
    decision = await request.app.state.shared_state.hit(
        settings.newsletter_rate_limit_confirm_address,
        "newsletter-confirm",
        service.address_hash(settings, client_address(request)),
    )
    if not decision.allowed:
        raise TooManyRequests(decision.retry_after, "Too many attempts; try again later.")


@router.post(
    "/confirm",
    response_model=SubscriptionState,
    responses=responses(400, 404, 409, 410, 413, 422, 429),
    dependencies=[Depends(token_rate_limit)],
    summary="Confirm a subscription",
)
async def confirm_subscription(
    request: Request, session: WriteSessionDep, body: TokenBody
) -> Response:
    """Make a pending subscription active with the token from its confirmation email (once)."""
    status = await service.confirm(
        session, request.app.state.settings, body.token, caller_of(request)
    )
    await session.commit()
    return model_response(SubscriptionState(status=status), headers=NO_STORE)  # type: ignore[arg-type]


async def _token_in_body(request: Request) -> str | None:
    """A JSON body's token. Any other body (the RFC 8058 form `List-Unsubscribe=One-Click`, as
    urlencoded or multipart) carries none: the one-click URL has the token in its query."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json":
        return None
    try:
        return TokenBody.model_validate(orjson.loads(await request.body())).token
    except orjson.JSONDecodeError:
        raise Unprocessable.on("body", "the body is not valid JSON") from None
    except ValidationError as exc:
        raise Unprocessable(
            "The request did not pass validation.",
            errors=[
                FieldError(field=".".join(("body", *map(str, e["loc"]))), message=e["msg"])
                for e in exc.errors()
            ],
        ) from None


@router.post(
    "/unsubscribe",
    response_model=SubscriptionState,
    responses=responses(400, 404, 409, 410, 413, 422, 429),
    dependencies=[Depends(token_rate_limit)],
    summary="Unsubscribe (also RFC 8058 one-click)",
    openapi_extra=TOKEN_BODY_DOC,
)
async def unsubscribe(
    request: Request,
    session: WriteSessionDep,
    token: Annotated[
        str | None,
        Query(min_length=1, max_length=1000, description="The token of a `List-Unsubscribe` URL."),
    ] = None,
) -> Response:
    """Unsubscribe with a token: JSON `{token}`, or the one-click POST to List-Unsubscribe's URL."""
    chosen = await _token_in_body(request) or token
    if chosen is None:
        raise Unprocessable.on(
            "body.token", "a token is required (JSON body, or ?token= as in the email)"
        )
    status = await service.unsubscribe(
        session, request.app.state.settings, chosen, caller_of(request)
    )
    await session.commit()
    return model_response(SubscriptionState(status=status), headers=NO_STORE)  # type: ignore[arg-type]


async def subscriber_filters(
    session: SessionDep,
    status: Annotated[SubscriberStatus | None, Query(description="Only this status.")] = None,
    category: Annotated[
        CategorySlug | None, Query(description="Only those interested in this category.")
    ] = None,
    created_after: Annotated[Timestamp | None, Query(description="RFC 3339, inclusive.")] = None,
    created_before: Annotated[Timestamp | None, Query(description="RFC 3339, exclusive.")] = None,
) -> repository.SubscriberFilters:
    category_id = None
    if category is not None:
        category_id = await repository.category_id(session, category)
        if category_id is None:
            raise Unprocessable.on("query.category", f"no category with slug {category!r}")
    return repository.SubscriberFilters(
        status=status,
        category_id=category_id,
        created_after=created_after,
        created_before=created_before,
    )


FiltersDep = Annotated[repository.SubscriberFilters, Depends(subscriber_filters)]


CSV_ANSWER: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "JSON; with `Accept: text/csv`, every matching subscriber as CSV, streamed.",
        "content": {"text/csv": {"schema": {"type": "string"}}},
    }
}


def _wants_csv(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return any(part.split(";")[0].strip().lower() == "text/csv" for part in accept.split(","))


@router.get(
    "/subscribers",
    response_model=SubscriberList,
    responses=CSV_ANSWER | responses(401, 403, 404, 422),
    summary="List or export subscribers (admins)",
)
async def list_subscribers(
    request: Request, session: SessionDep, _admin: AdminDep, filters: FiltersDep, paging: PageDep
) -> Response:
    """Subscribers newest first, paged; `Accept: text/csv` streams every match as CSV instead."""
    if _wants_csv(request):
        database: Database = request.app.state.database
        batch_size = request.app.state.settings.newsletter_export_batch_size
        body: AsyncIterator[bytes] = export.csv_stream(database, filters, batch_size)
        return StreamingResponse(
            body,
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="subscribers.csv"'},
        )
    before_id = None
    if paging.cursor is not None:
        (before_id,) = decode_cursor(paging.cursor, "subscribers", (int,))
    rows, has_more = await repository.list_page(
        session, filters, per_page=paging.per_page, offset=paging.offset, before_id=before_id
    )
    interests = await repository.category_slugs_for(session, [row.id for row in rows])
    total = None if paging.cursor is not None else await repository.count(session, filters)
    next_cursor = encode_cursor("subscribers", [rows[-1].id]) if rows and has_more else None
    meta, links, link_header = build_page_meta(
        request, paging, total=total, next_cursor=next_cursor, has_more=has_more
    )
    items = [SubscriberPublic(**row._mapping, categories=interests.get(row.id, [])) for row in rows]
    return model_response(
        SubscriberList(data=items, meta=meta, links=links), headers={"Link": link_header}
    )


@router.get(
    "/subscribers/{subscriber_id}",
    response_model=SubscriberDetail,
    responses=responses(401, 403, 404, 422),
    summary="One subscriber with its consent trail (admins)",
)
async def get_subscriber(
    session: SessionDep, _admin: AdminDep, subscriber_id: SubscriberId
) -> Response:
    """A subscriber, its interests and its consent trail (what a data-protection officer shows)."""
    found = await repository.get(session, subscriber_id)
    if found is None:
        raise NotFound(f"No subscriber with id {subscriber_id}.")
    interests = await repository.category_slugs_for(session, [subscriber_id])
    trail = await repository.consent_trail(session, subscriber_id)
    detail = SubscriberDetail(
        id=subscriber_id,
        email=found.email,
        name=found.name,
        status=found.status,  # type: ignore[arg-type]
        categories=interests.get(subscriber_id, []),
        created_at=found.created_at,
        confirmed_at=found.confirmed_at,
        unsubscribed_at=found.unsubscribed_at,
        consent=[ConsentEventPublic.model_validate(event, from_attributes=True) for event in trail],
    )
    return model_response(detail)


@router.delete(
    "/subscribers/{subscriber_id}",
    status_code=204,
    responses=responses(401, 403, 404, 422),
    summary="Erase a subscriber (GDPR)",
)
async def erase_subscriber(
    request: Request, session: WriteSessionDep, _admin: AdminDep, subscriber_id: SubscriberId
) -> Response:
    """Delete the subscriber and its interests; keep its consent events, anonymised."""
    await service.erase(session, request.app.state.settings, subscriber_id)
    await session.commit()
    return Response(status_code=204)
