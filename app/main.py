"""create_app(): settings, stores, shared mechanisms, domains, middleware."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import ModuleType
from typing import Any

from fastapi import Depends, FastAPI
from fastapi.routing import APIRoute
from starlette.types import ASGIApp, Receive, Scope, Send

import app
from app.articles import router as articles_router
from app.articles.visibility import schedule_bounds
from app.authors import router as authors_router
from app.categories import router as categories_router
from app.comments import router as comments_router
from app.core.body_limit import BodyLimitMiddleware, Refusals
from app.core.config import Settings
from app.core.content_version import ContentVersionTracker
from app.core.cors import CorsPolicy
from app.core.db import Database
from app.core.edge import EdgeMiddleware, FastRoute
from app.core.errors import install_problem_handlers
from app.core.http_cache import CachePolicyRule, ResponseCache, prefix_rule
from app.core.lifecycle import BackgroundTasks
from app.core.observability import Metrics, configure_logging
from app.core.outbox import OutboxWorker, backlog
from app.core.query_params import reject_nul_characters, reject_unknown_query_params
from app.core.representations import add_schemas
from app.core.shared_state import make_shared_state
from app.feeds import router as feeds_router
from app.keys import router as keys_router
from app.newsletter import pages as newsletter_pages
from app.newsletter import router as newsletter_router
from app.ops import media as media_router
from app.ops import router as ops_router
from app.ops.docs import install_docs
from app.popularity import router as popularity_router
from app.search import router as search_router
from app.sections import router as sections_router
from app.tags import router as tags_router
from app.webhooks import router as webhooks_router

DOMAINS: tuple[ModuleType, ...] = (
    articles_router,
    categories_router,
    authors_router,
    tags_router,
    sections_router,
    search_router,
    popularity_router,
    comments_router,
    newsletter_router,
    newsletter_pages,
    keys_router,
    webhooks_router,
    feeds_router,
    ops_router,
    media_router,
)

API_DESCRIPTION = """
inkwell serves a news site's whole reading experience (menus, articles, related reads, Popular
News, comments, newsletter) and its editorial desk, as JSON.

Conventions: lists answer `{data, meta, links}` with page or keyset (`cursor`) paging; errors are
RFC 9457 problem details; public GETs carry `ETag`, `Last-Modified`, `Cache-Control` and
`Surrogate-Key`, and answer `304` to a matching `If-None-Match`. Editorial calls take
`Authorization: Bearer <key>`.

Each representation has its own media type, named by the answer's `Content-Type`:
`application/json` answers are the public shapes; an article list trimmed by `?fields=` is
`application/vnd.inkwell.fields+json`, and articles as a desk key sees them are
`application/vnd.inkwell.desk+json` (`application/vnd.inkwell.desk.fields+json` trimmed).
"""


def _operation_id(route: APIRoute) -> str:
    return route.name


class Inkwell(FastAPI):
    """FastAPI with the edge in front of Starlette's whole middleware stack: a cached answer
    never enters the framework (see app.core.edge)."""

    edge: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.edge is None or scope["type"] != "http":
            await super().__call__(scope, receive, send)
        else:
            await self.edge(scope, receive, send)

    async def framework(self, scope: Scope, receive: Receive, send: Send) -> None:
        await super().__call__(scope, receive, send)

    def openapi(self) -> dict[str, Any]:
        """FastAPI's document, plus the schemas of answers declared by media type."""
        if self.openapi_schema is None:
            add_schemas(super().openapi())
        assert self.openapi_schema is not None
        return self.openapi_schema


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    database = Database(settings.database_url)
    shared_state = make_shared_state(
        settings.redis_url, settings.redis_prefix, settings.memory_dedupe_entries
    )
    tracker = ContentVersionTracker(database.reader, schedule_bounds)
    outbox = OutboxWorker(
        database.writer,
        reader=database.reader,
        poll_seconds=settings.outbox_poll_seconds,
        lease_seconds=settings.outbox_lease_seconds,
        backoff_base_seconds=settings.outbox_backoff_base_seconds,
        backoff_max_seconds=settings.outbox_backoff_max_seconds,
    )
    database.session_info.update(
        content_tracker=tracker, outbox=outbox, outbox_max_attempts=settings.outbox_max_attempts
    )
    background = BackgroundTasks()
    cache_rules: list[CachePolicyRule] = []
    fast_routes: list[FastRoute] = []
    body_refusals: Refusals = {}
    metrics = Metrics()
    configure_logging(settings.log_level, settings.log_json)

    async def collect_outbox_backlog() -> None:
        gauge = metrics.gauge("inkwell_outbox_backlog", "Pending outbox jobs, by kind.", ("kind",))
        async with database.reader() as session:
            pending = await backlog(session)
        gauge.clear()
        for kind, count in pending.items():
            gauge.labels(kind).set(count)

    metrics.on_scrape(collect_outbox_backlog)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if settings.background_workers:
            background.loop("content-version", lambda: tracker.run(settings.version_poll_seconds))
            background.loop("outbox", outbox.run)
        background.start()
        try:
            yield
        finally:
            await background.stop()
            await shared_state.close()
            await database.dispose()

    application = Inkwell(
        title="inkwell",
        docs_url=None,
        redoc_url=None,
        # FastAPI's built-in OpenTelemetry hooks cost ~15 µs a request; /metrics is ours.
        telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False},
        version=app.__version__,
        summary="A headless REST/JSON content API for news and magazine sites.",
        description=API_DESCRIPTION,
        lifespan=lifespan,
        generate_unique_id_function=_operation_id,
        dependencies=[Depends(reject_unknown_query_params), Depends(reject_nul_characters)],
        openapi_tags=[
            {"name": "articles", "description": "Published articles: lists, pages, related reads."},
            {"name": "taxonomy", "description": "Categories (the menu), authors and tags."},
            {"name": "search", "description": "Full-text search with snippets and facets."},
            {"name": "popular", "description": "Popular News and the view beacon."},
            {"name": "comments", "description": "Reader comments and their moderation."},
            {"name": "newsletter", "description": "Double opt-in signups and subscribers."},
            {
                "name": "newsletter pages",
                "description": "The HTML pages the emails link to when no frontend serves them.",
            },
            {"name": "editorial", "description": "Writes for the desk (API keys with roles)."},
            {"name": "webhooks", "description": "Signed event deliveries to other systems."},
            {"name": "feeds", "description": "RSS 2.0 feeds and the sitemap."},
            {"name": "operations", "description": "Health, readiness and metrics."},
        ],
    )
    application.state.settings = settings
    application.state.database = database
    application.state.shared_state = shared_state
    application.state.tracker = tracker
    application.state.outbox = outbox
    application.state.background = background
    application.state.cache_rules = cache_rules
    application.state.fast_routes = fast_routes
    application.state.body_refusals = body_refusals
    application.state.metrics = metrics
    install_problem_handlers(application)
    install_docs(application)

    for domain in DOMAINS:
        application.include_router(domain.router)
        install = getattr(domain, "install", None)
        if install is not None:
            install(application)

    cache = ResponseCache(settings.response_cache_entries)
    application.state.response_cache = cache
    application.add_middleware(
        BodyLimitMiddleware, max_bytes=settings.max_body_bytes, refusals=body_refusals
    )
    application.edge = EdgeMiddleware(
        application.framework,
        tracker=tracker,
        rules=[*cache_rules, prefix_rule(("/api/v1/",))],
        cache=cache,
        cors=CorsPolicy(settings.cors_origins),
        metrics=metrics,
        fast_routes=fast_routes,
        max_age=settings.cache_max_age,
        stale_while_revalidate=settings.cache_stale_while_revalidate,
    )
    return application
