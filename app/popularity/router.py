"""Popular News: the view beacon and the rankings."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, FastAPI, Query, Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from app.articles.router import FilterSlug, SlugPath
from app.core.body_limit import read_bounded
from app.core.clients import client_address
from app.core.db import SessionDep
from app.core.edge import FastRoute, answer
from app.core.errors import ProblemError, problem_for, responses
from app.core.http_cache import CachePolicy, CachePolicyRule
from app.core.json import model_response
from app.core.surrogate import article_key, category_key, surrogate_header
from app.core.types import utcnow
from app.popularity import service
from app.popularity.counter import ViewCounter, parse_beacon
from app.popularity.flusher import ViewFlusher
from app.popularity.ranking import RankBy, Window
from app.popularity.schemas import PopularList, ViewBeacon

router = APIRouter(prefix="/api/v1", tags=["popular"])

BEACON_BODY = {
    "requestBody": {
        "required": False,
        "content": {
            "application/json": {"schema": ViewBeacon.model_json_schema()},
            "text/plain": {
                "schema": {"type": "string", "description": "The same JSON (navigator.sendBeacon)."}
            },
        },
    }
}


@router.post(
    "/articles/{slug}/views",
    status_code=202,
    response_class=Response,
    responses={
        202: {"description": "Accepted (counted unless a bot or a repeat)."},
        **responses(404, 413, 422, 429),
    },
    summary="Count a view for Popular News",
    openapi_extra=BEACON_BODY,
)
async def count_view(request: Request, slug: SlugPath) -> Response:
    """Count one view of an article; bots and repeats within the dedupe window count zero."""
    await accept_beacon(
        request.app.state.view_counter,
        request.app.state.settings.views_max_beacon_bytes,
        slug,
        await request.body(),
        client_address(request),
        request.headers.get("user-agent", ""),
    )
    return Response(status_code=202)


async def accept_beacon(
    counter: ViewCounter, max_bytes: int, slug: str, body: bytes, address: str, user_agent: str
) -> None:
    """The beacon, whichever door it came in by (the edge's fast route or the FastAPI route)."""
    await counter.count(slug, parse_beacon(body, max_bytes), address, user_agent)


BEACON_PATH = re.compile(r"^/api/v1/articles/([a-z0-9]+(?:-[a-z0-9]+)*)/views$")


def fast_beacon(counter: ViewCounter, max_bytes: int) -> FastRoute:
    """The beacon in pure ASGI: one per page view, so it skips the framework (issue 7)."""

    async def handle(scope: Scope, receive: Receive, send: Send, match: re.Match[str]) -> None:
        headers = dict(scope["headers"])
        client = scope.get("client")
        try:
            body = await read_bounded(receive, max_bytes)
            await accept_beacon(
                counter,
                max_bytes,
                match.group(1),
                body,
                client[0] if client else "unknown",
                headers.get(b"user-agent", b"").decode("latin-1"),
            )
        except ProblemError as exc:
            await problem_for(exc)(scope, receive, send)
            return
        await answer(send, 202, [])

    return FastRoute("POST", BEACON_PATH, handle, "/api/v1/articles/{slug}/views")


@router.get(
    "/popular",
    response_model=PopularList,
    responses=responses(422),
    summary="Popular News",
)
async def list_popular(
    request: Request,
    session: SessionDep,
    window: Annotated[Window, Query(description="The window counted.")] = "7d",
    by: Annotated[RankBy, Query(description="Rank by views or by approved comments.")] = "views",
    category: FilterSlug = None,
    limit: Annotated[int, Query(ge=1, le=50, description="How many (at most 50).")] = 5,
) -> Response:
    """The most viewed (or commented) visible articles in a window, overall or in one category."""
    ranking = await service.popular(
        session,
        window=window,
        by=by,
        category=category,
        limit=limit,
        now=utcnow(),
        public_base=request.app.state.settings.public_base,
    )
    keys = [
        "popular",
        category_key(category) if category else "",
        *(article_key(i.article.id) for i in ranking.data),
    ]
    return model_response(ranking, headers=surrogate_header(*keys))


def popular_cache_rule(ttl_seconds: float) -> CachePolicyRule:
    """Rankings move with views, not only with the content version: cache them briefly."""
    policy = CachePolicy(ttl_seconds=ttl_seconds)

    def rule(path: str, query: str) -> CachePolicy | None:
        if path == "/api/v1/popular":
            return policy
        if path == "/api/v1/articles" and "sort=trending" in query.split("&"):
            return policy
        return None

    return rule


def install(app: FastAPI) -> None:
    settings = app.state.settings
    database = app.state.database
    app.state.view_counter = ViewCounter(
        settings, app.state.shared_state, app.state.tracker, database.reader
    )
    flusher = ViewFlusher(settings, database, app.state.shared_state)
    app.state.view_flusher = flusher
    app.state.cache_rules.append(popular_cache_rule(settings.popular_cache_seconds))
    app.state.fast_routes.append(
        fast_beacon(app.state.view_counter, settings.views_max_beacon_bytes)
    )
    if settings.background_workers:
        app.state.background.loop("views-flush", flusher.run)
    app.state.background.on_shutdown(flusher.flush_on_shutdown)
