"""HTTP caching for public GETs, in pure ASGI code in front of FastAPI's routing (DESIGN §2).

A public answer is a function of (path, normalised query, content version), so:
- its ETag is derived from that triple, and a matching `If-None-Match` is answered 304 before any
  route or SQL runs;
- its encoded bytes are kept in a small in-process LRU under that key and answered from here;
- answers that also depend on time (rankings from view counts) name a TTL, folded into the key.
Requests with credentials skip all of this and are answered `private, no-store`.
"""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.content_version import ContentVersionTracker, VersionSnapshot
from app.core.types import utcnow


@dataclass(frozen=True)
class CachePolicy:
    ttl_seconds: float | None = None  # None: valid for as long as the content version holds


CachePolicyRule = Callable[[str, str], CachePolicy | None]
"""(path, normalised query) -> the policy, or None when the path is not publicly cacheable."""


@dataclass
class CachedAnswer:
    key: tuple[str, str, str]
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


def normalise_query(query_string: bytes) -> str:
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    return urlencode(sorted(pairs))


def etag_for(path: str, query: str, validity: str) -> str:
    digest = hashlib.blake2b(f"{path}?{query}#{validity}".encode(), digest_size=12).hexdigest()
    return f'W/"{digest}"'


def _etag_matches(if_none_match: str, etag: str) -> bool:
    if if_none_match.strip() == "*":
        return True
    candidates = {part.strip().removeprefix("W/") for part in if_none_match.split(",")}
    return etag.removeprefix("W/") in candidates


class ResponseCache:
    """An LRU of encoded answers bounded by total bytes."""

    def __init__(self, max_entries: int, max_bytes: int = 64 * 1024 * 1024) -> None:
        self._entries: OrderedDict[tuple[str, str], CachedAnswer] = OrderedDict()
        self._max_entries = max_entries
        self._max_bytes = max_bytes
        self._bytes = 0
        self.hits = 0
        self.misses = 0

    def get(self, path: str, query: str, validity: str) -> CachedAnswer | None:
        entry = self._entries.get((path, query))
        if entry is None or entry.key[2] != validity:
            self.misses += 1
            return None
        self._entries.move_to_end((path, query))
        self.hits += 1
        return entry

    def put(self, entry: CachedAnswer) -> None:
        slot = (entry.key[0], entry.key[1])
        old = self._entries.pop(slot, None)
        if old is not None:
            self._bytes -= len(old.body)
        if len(entry.body) > self._max_bytes // 8:
            return
        self._entries[slot] = entry
        self._bytes += len(entry.body)
        while len(self._entries) > self._max_entries or self._bytes > self._max_bytes:
            _, evicted = self._entries.popitem(last=False)
            self._bytes -= len(evicted.body)

    def clear(self) -> None:
        self._entries.clear()
        self._bytes = 0


class HttpCacheMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        tracker: ContentVersionTracker,
        rules: Sequence[CachePolicyRule],
        cache: ResponseCache,
        max_age: int,
        stale_while_revalidate: int,
    ) -> None:
        self.app = app
        self.tracker = tracker
        self.rules = rules
        self.cache = cache
        self.max_age = max_age
        self.stale_while_revalidate = stale_while_revalidate

    def _policy(self, path: str, query: str) -> CachePolicy | None:
        for rule in self.rules:
            policy = rule(path, query)
            if policy is not None:
                return policy
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        request_headers = dict(scope["headers"])
        if b"authorization" in request_headers:
            await self.app(scope, receive, _private(send))
            return
        path: str = scope["path"]
        query = normalise_query(scope.get("query_string", b""))
        policy = self._policy(path, query)
        if policy is None:
            await self.app(scope, receive, send)
            return

        snapshot = await self.tracker.current_snapshot()
        now = time.time()
        validity = snapshot.token
        if policy.ttl_seconds:
            validity += f"@{int(now // policy.ttl_seconds)}"
        etag = etag_for(path, query, validity)
        cache_control = self._cache_control(snapshot, policy, now)
        if_none_match = request_headers.get(b"if-none-match")
        if if_none_match is not None and _etag_matches(if_none_match.decode("latin-1"), etag):
            await _send_not_modified(send, etag, cache_control, snapshot)
            return

        entry = self.cache.get(path, query, validity)
        if entry is None:
            entry = await self._render(
                scope, receive, send, (path, query, validity), etag, cache_control, snapshot
            )
            if entry is None:
                return  # not cacheable; already sent
        if (
            if_none_match is None
            and entry.status == 200
            and not policy.ttl_seconds
            and _not_modified_since(request_headers.get(b"if-modified-since"), snapshot)
        ):
            await _send_not_modified(send, etag, cache_control, snapshot)
            return
        headers = [(k, v) for k, v in entry.headers if k != b"cache-control"]
        headers.append((b"cache-control", cache_control.encode()))
        await send({"type": "http.response.start", "status": entry.status, "headers": headers})
        body = b"" if scope["method"] == "HEAD" else entry.body
        await send({"type": "http.response.body", "body": body})

    def _cache_control(self, snapshot: VersionSnapshot, policy: CachePolicy, now: float) -> str:
        max_age = self.max_age
        if policy.ttl_seconds:
            max_age = min(max_age, int(policy.ttl_seconds))
        swr = self.stale_while_revalidate
        if snapshot.next_publication is not None:
            until = int(snapshot.next_publication.timestamp() - now)
            max_age = max(0, min(max_age, until))
            swr = max(0, min(swr, until - max_age))
        return f"public, max-age={max_age}, stale-while-revalidate={swr}"

    async def _render(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        key: tuple[str, str, str],
        etag: str,
        cache_control: str,
        snapshot: VersionSnapshot,
    ) -> CachedAnswer | None:
        """Run the app; keep 200 and 301 answers, send anything else straight through."""
        start: Message = {}
        chunks: list[bytes] = []
        passthrough = False
        get_scope = scope if scope["method"] == "GET" else {**scope, "method": "GET"}

        async def capture(message: Message) -> None:
            nonlocal start, passthrough
            if message["type"] == "http.response.start":
                start = message
                passthrough = message["status"] not in (200, 301)
                if passthrough:
                    await send(message)
            elif message["type"] == "http.response.body":
                if passthrough:
                    await send(message)
                else:
                    chunks.append(message.get("body", b""))

        await self.app(get_scope, receive, capture)
        if passthrough or not start:
            return None
        headers = [
            (k, v)
            for k, v in start.get("headers", [])
            if k not in (b"etag", b"last-modified", b"cache-control", b"content-length")
        ]
        body = b"".join(chunks)
        headers += [
            (b"content-length", str(len(body)).encode()),
            (b"etag", etag.encode()),
            (b"last-modified", format_datetime(snapshot.last_modified, usegmt=True).encode()),
        ]
        entry = CachedAnswer(key, start["status"], headers, body)
        self.cache.put(entry)
        return entry


def _not_modified_since(header: bytes | None, snapshot: VersionSnapshot) -> bool:
    if header is None:
        return False
    try:
        since = parsedate_to_datetime(header.decode("latin-1"))
    except (TypeError, ValueError):
        return False
    if since.tzinfo is None:
        return False
    return snapshot.last_modified.replace(microsecond=0) <= since


async def _send_not_modified(send: Send, etag: str, cache_control: str, snapshot: VersionSnapshot) -> None:
    headers = [
        (b"etag", etag.encode()),
        (b"cache-control", cache_control.encode()),
        (b"last-modified", format_datetime(snapshot.last_modified, usegmt=True).encode()),
    ]
    await send({"type": "http.response.start", "status": 304, "headers": headers})
    await send({"type": "http.response.body", "body": b""})


def _private(send: Send) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = [(k, v) for k, v in message.get("headers", []) if k != b"cache-control"]
            headers.append((b"cache-control", b"private, no-store"))
            message = {**message, "headers": headers}
        await send(message)

    return wrapped


def prefix_rule(prefixes: Sequence[str], policy: CachePolicy = CachePolicy()) -> CachePolicyRule:
    def rule(path: str, _query: str) -> CachePolicy | None:
        return policy if path.startswith(tuple(prefixes)) else None

    return rule


__all__ = ["CachePolicy", "HttpCacheMiddleware", "ResponseCache", "prefix_rule", "utcnow"]
