"""The edge: one pure-ASGI layer in front of FastAPI that every request crosses.

It gives every answer its request id, security headers and CORS headers, counts it in /metrics,
and answers public GETs from the HTTP cache (a 304 or the cached bytes) without entering the
framework at all: the hot path of a news site is a handful of cached pages, and the framework is the
first wall (issue 7). A miss runs the app and keeps a 200/301 answer under (path, query, version).
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.content_version import ContentVersionTracker, VersionSnapshot
from app.core.cors import CorsPolicy
from app.core.headers import request_id, security_headers
from app.core.http_cache import (
    CachedAnswer,
    CachePolicy,
    CachePolicyRule,
    ResponseCache,
    cache_control,
    etag_for,
    etag_matches,
    last_modified,
    normalise_query,
    not_modified_since,
    validity_of,
)
from app.core.observability import REQUEST_ID, ROUTE_KEY, Metrics, route_label

PRIVATE = (b"cache-control", b"private, no-store")
# What the edge answers as public was chosen by the request having no key: with one, the answer is
# private and may be another representation (the desk's). Caches must not mix the two.
VARY_BY_KEY = (b"vary", b"Authorization")
FastHandler = Callable[[Scope, Receive, Send, re.Match[str]], Awaitable[None]]


@dataclass(frozen=True)
class FastRoute:
    """A hot write answered in pure ASGI (e.g. the view beacon). Its FastAPI twin documents it
    and serves any request the pattern does not match, through the same service function."""

    method: str
    pattern: re.Pattern[str]
    handler: FastHandler
    label: str  # the route template, as /metrics names it


NOT_STORED = {b"etag", b"last-modified", b"cache-control", b"content-length", b"server"}


class EdgeMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        tracker: ContentVersionTracker,
        rules: Sequence[CachePolicyRule],
        cache: ResponseCache,
        cors: CorsPolicy,
        metrics: Metrics,
        fast_routes: Sequence[FastRoute] = (),
        max_age: int,
        stale_while_revalidate: int,
    ) -> None:
        self.app = app
        self.tracker = tracker
        self.rules = rules
        self.cache = cache
        self.cors = cors
        self.metrics = metrics
        self.fast_routes = tuple(fast_routes)
        self.max_age = max_age
        self.stale_while_revalidate = stale_while_revalidate
        self._outcomes = {
            o: metrics.cache.labels(o) for o in ("hit", "miss", "not_modified", "coalesced")
        }
        # Renders under way, by cache key: concurrent misses of one answer wait for one render.
        self._renders: dict[tuple[str, str, str], asyncio.Future[CachedAnswer | None]] = {}
        self._validators: dict[tuple[str, float | None], tuple[bytes, bytes]] = {}

    def _policy(self, path: str, query: str) -> CachePolicy | None:
        for rule in self.rules:
            policy = rule(path, query)
            if policy is not None:
                return policy
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        headers = dict(scope["headers"])
        rid = request_id(headers.get(b"x-request-id"))
        REQUEST_ID.set(rid)
        scope.setdefault("state", {})["request_id"] = rid
        method: str = scope["method"]
        path: str = scope["path"]
        origin = headers.get(b"origin")
        extra = [
            *security_headers(path),
            (b"x-request-id", rid.encode()),
            *self.cors.response_headers(origin),
        ]
        status = 500
        try:
            if (
                method == "OPTIONS"
                and origin is not None
                and b"access-control-request-method" in headers
            ):
                status, cors_headers = self.cors.preflight(
                    origin, headers[b"access-control-request-method"]
                )
                base = [*security_headers(path), (b"x-request-id", rid.encode())]
                await answer(send, status, [*base, *cors_headers], sized=True)
                scope[ROUTE_KEY] = "preflight"
                return
            if method in ("GET", "HEAD") and b"authorization" not in headers:
                query = normalise_query(scope.get("query_string", b""))
                policy = self._policy(path, query)
                if policy is not None:
                    status = await self._cached(
                        scope, receive, send, headers, path, query, policy, extra
                    )
                    return
            for route in self.fast_routes:
                if route.method == method and (match := route.pattern.match(path)):
                    scope[ROUTE_KEY] = route.label
                    status = await self._fast(route, match, scope, receive, send, extra)
                    return
            status = await self._through(
                scope, receive, send, extra, private=b"authorization" in headers
            )
        finally:
            self.metrics.record(method, route_label(scope), status, time.perf_counter() - started)

    async def _cached(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        headers: dict[bytes, bytes],
        path: str,
        query: str,
        policy: CachePolicy,
        extra: list[tuple[bytes, bytes]],
    ) -> int:
        snapshot = await self.tracker.current_snapshot()
        now = time.time()
        validity = validity_of(snapshot, policy, now)
        entry = self.cache.get(path, query, validity)
        if entry is not None:
            scope[ROUTE_KEY] = entry.route
            etag = entry.etag
        else:
            etag = etag_for(path, query, validity)
        control, modified = self._cache_validators(snapshot, policy, now)
        if_none_match = headers.get(b"if-none-match")
        etag_bytes = etag.encode()
        validators = [
            (b"etag", etag_bytes),
            (b"cache-control", control),
            (b"last-modified", modified),
            VARY_BY_KEY,
        ]
        if if_none_match is not None and (
            if_none_match == etag_bytes or etag_matches(if_none_match, etag)
        ):
            self._outcomes["not_modified"].inc()
            await answer(send, 304, [*validators, *extra])
            return 304
        if entry is None:
            entry = await self._shared_render(
                scope, receive, send, (path, query, validity), extra, etag
            )
            if entry is None:
                return int(scope.get("inkwell.status", 500))
        else:
            self._outcomes["hit"].inc()
        if (
            if_none_match is None
            and entry.status == 200
            and not policy.ttl_seconds
            and not_modified_since(headers.get(b"if-modified-since"), snapshot)
        ):
            await answer(send, 304, [*validators, *extra])
            return 304
        body = b"" if scope["method"] == "HEAD" else entry.body
        await answer(send, entry.status, [*entry.headers, *validators, *extra], body, sized=True)
        return entry.status

    def _cache_validators(
        self, snapshot: VersionSnapshot, policy: CachePolicy, now: float
    ) -> tuple[bytes, bytes]:
        """Cache-Control and Last-Modified, computed once per snapshot (unless a publication is due)."""
        key = (snapshot.token, policy.ttl_seconds)
        found = self._validators.get(key)
        if found is None or snapshot.next_publication is not None:
            if len(self._validators) > 64:
                self._validators.clear()
            control = cache_control(
                snapshot, policy, now, self.max_age, self.stale_while_revalidate
            ).encode()
            found = self._validators[key] = (control, last_modified(snapshot))
        return found

    async def _shared_render(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        key: tuple[str, str, str],
        extra: list[tuple[bytes, bytes]],
        etag: str,
    ) -> CachedAnswer | None:
        """Render once for every concurrent miss of the same answer (a breaking story's page right
        after a write would otherwise render once per waiting request). A follower whose leader
        kept nothing (an error, a 404) renders for itself. With the cache off, nothing is shared."""
        leader = self._renders.get(key) if self.cache.enabled else None
        if leader is not None:
            shared = await asyncio.shield(leader)
            if shared is not None:
                self._outcomes["coalesced"].inc()
                scope[ROUTE_KEY] = shared.route
                return shared
        self._outcomes["miss"].inc()
        if not self.cache.enabled or key in self._renders:
            return await self._render(scope, receive, send, key, extra, etag)
        future: asyncio.Future[CachedAnswer | None] = asyncio.get_running_loop().create_future()
        self._renders[key] = future
        rendered: CachedAnswer | None = None
        try:
            rendered = await self._render(scope, receive, send, key, extra, etag)
        finally:
            del self._renders[key]
            future.set_result(rendered)
        return rendered

    async def _render(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        key: tuple[str, str, str],
        extra: list[tuple[bytes, bytes]],
        etag: str,
    ) -> CachedAnswer | None:
        """Run the app; keep a 200/301 answer (without per-request headers); pass others through."""
        start: Message = {}
        chunks: list[bytes] = []
        passthrough = False
        inner = scope if scope["method"] == "GET" else {**scope, "method": "GET"}

        async def capture(message: Message) -> None:
            nonlocal start, passthrough
            if message["type"] == "http.response.start":
                start = message
                scope["inkwell.status"] = message["status"]
                passthrough = message["status"] not in (200, 301)
                if passthrough:
                    await send(_with_headers(message, extra))
            elif passthrough:
                await send(message)
            else:
                chunks.append(message.get("body", b""))

        await self.app(inner, receive, capture)
        if inner is not scope and "route" in inner:
            scope["route"] = inner["route"]
        if passthrough or not start:
            return None
        body = b"".join(chunks)
        kept = [
            (k, v)
            for k, v in start.get("headers", [])
            if k not in NOT_STORED and not k.startswith(b"access-control")
        ]
        kept.append((b"content-length", str(len(body)).encode()))
        entry = CachedAnswer(key, start["status"], kept, body, route_label(inner), etag)
        self.cache.put(entry)
        return entry

    async def _fast(
        self,
        route: FastRoute,
        match: re.Match[str],
        scope: Scope,
        receive: Receive,
        send: Send,
        extra: list[tuple[bytes, bytes]],
    ) -> int:
        status = 500

        async def decorate(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message = _with_headers(message, extra)
            await send(message)

        await route.handler(scope, receive, decorate, match)
        return status

    async def _through(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        extra: list[tuple[bytes, bytes]],
        *,
        private: bool,
    ) -> int:
        status = 500

        async def decorate(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message = _with_headers(message, extra, private=private)
            await send(message)

        await self.app(scope, receive, decorate)
        return status


def _with_headers(
    message: Message, extra: list[tuple[bytes, bytes]], *, private: bool = False
) -> Message:
    headers = [
        (k, v)
        for k, v in message.get("headers", [])
        if k != b"server" and not (private and k == b"cache-control")
    ]
    headers += extra
    if private:
        headers.append(PRIVATE)
    return {**message, "headers": headers}


async def answer(
    send: Send,
    status: int,
    headers: list[tuple[bytes, bytes]],
    body: bytes = b"",
    *,
    sized: bool = False,
) -> None:
    """Send a whole answer in pure ASGI (`sized`: `headers` already carry its content-length)."""
    if status != 304 and not sized:
        headers = [*headers, (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
