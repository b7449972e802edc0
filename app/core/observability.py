"""What operators expect: Prometheus metrics by route and JSON logs carrying the request id."""

from __future__ import annotations

import logging
import sys
from collections.abc import Awaitable, Callable, MutableMapping
from contextvars import ContextVar
from typing import Any

import orjson
import structlog
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from starlette.types import Scope

ROUTE_KEY = "inkwell.route"  # set by the HTTP cache on hits, which never reach the router
REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)


class Metrics:
    """One registry per app, so several apps in one process (the tests) never collide."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "inkwell_http_requests_total",
            "HTTP requests answered.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "inkwell_http_request_duration_seconds",
            "Time to answer, by route.",
            ["method", "route"],
            buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
            registry=self.registry,
        )
        self.cache = Counter(
            "inkwell_http_cache_total",
            "Public answers by cache outcome.",
            ["outcome"],
            registry=self.registry,
        )
        self.gauges: dict[str, Gauge] = {}
        self._collectors: list[Callable[[], Awaitable[None]]] = []
        self._children: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    def record(self, method: str, route: str, status: int, seconds: float) -> None:
        """Count one answer; labelled children are looked up once (the hot path stays cheap)."""
        key = (method, route, status)
        children = self._children.get(key)
        if children is None:
            children = (
                self.requests.labels(method, route, str(status)),
                self.latency.labels(method, route),
            )
            self._children[key] = children
        children[0].inc()
        children[1].observe(seconds)

    def gauge(self, name: str, documentation: str, labels: tuple[str, ...] = ()) -> Gauge:
        if name not in self.gauges:
            self.gauges[name] = Gauge(name, documentation, labels, registry=self.registry)
        return self.gauges[name]

    def on_scrape(self, collector: Callable[[], Awaitable[None]]) -> None:
        """Run `collector` (e.g. read the outbox backlog) before each scrape."""
        self._collectors.append(collector)

    async def exposition(self) -> tuple[bytes, str]:
        for collect in self._collectors:
            try:
                await collect()
            except Exception:
                logging.getLogger("inkwell.metrics").warning(
                    "metrics collector failed", exc_info=True
                )
        return generate_latest(self.registry), CONTENT_TYPE_LATEST


def route_label(scope: Scope) -> str:
    route = scope.get("route")
    if route is not None and hasattr(route, "path"):
        return str(route.path)
    return str(scope.get(ROUTE_KEY, "unmatched"))


def add_request_id(
    _logger: Any, _method: str, event: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    request_id = REQUEST_ID.get()
    if request_id is not None:
        event.setdefault("request_id", request_id)
    return event


def _orjson_dumps(event: object, **_kwargs: object) -> str:
    return orjson.dumps(event, default=str).decode()


def configure_logging(level: str, json_lines: bool) -> None:
    """structlog renders one JSON object per line (or readable text in development)."""
    renderer = (
        structlog.processors.JSONRenderer(serializer=_orjson_dumps)
        if json_lines
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    shared: list[structlog.typing.Processor] = [
        structlog.contextvars.merge_contextvars,
        add_request_id,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                renderer,
            ],
        )
    )
    handler.set_name("inkwell")
    root = logging.getLogger()
    # Replace only our own handler: others (a test's log capture, an operator's) stay.
    root.handlers = [h for h in root.handlers if h.get_name() != "inkwell"] + [handler]
    root.setLevel(level.upper())
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        cache_logger_on_first_use=True,
    )
