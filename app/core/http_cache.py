"""HTTP caching for public GETs by content version (DESIGN §2); app.core.edge applies it.

A public answer is a function of (path, normalised query, content version), so:
- its ETag is derived from that triple, and a matching `If-None-Match` is answered 304 before any
  route or SQL runs;
- its encoded bytes are kept in a small in-process LRU under that key and answered from here;
- answers that also depend on time (rankings from view counts) name a TTL, folded into the key.
Requests with credentials skip all of this and are answered `private, no-store`.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import parse_qsl, urlencode

from app.core.content_version import VersionSnapshot


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
    route: str = "unmatched"  # the route template, for metrics on answers that skip routing
    etag: str = ""


_normalised: dict[bytes, str] = {}


def normalise_query(query_string: bytes) -> str:
    """The query with its parameters sorted: one cache key for equivalent URLs (memoised)."""
    if not query_string:
        return ""
    found = _normalised.get(query_string)
    if found is None:
        if len(_normalised) > 4096:
            _normalised.clear()
        pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
        found = _normalised[query_string] = urlencode(sorted(pairs))
    return found


def etag_for(path: str, query: str, validity: str) -> str:
    digest = hashlib.blake2b(f"{path}?{query}#{validity}".encode(), digest_size=12).hexdigest()
    return f'W/"{digest}"'


def etag_matches(if_none_match: bytes, etag: str) -> bool:
    """Weak comparison (RFC 9110 §13.1.2) against a list of tags, or `*`."""
    header = if_none_match.decode("latin-1")
    if header.strip() == "*":
        return True
    candidates = {part.strip().removeprefix("W/") for part in header.split(",")}
    return etag.removeprefix("W/") in candidates


class ResponseCache:
    """An LRU of encoded answers bounded by total bytes."""

    def __init__(self, max_entries: int, max_bytes: int = 64 * 1024 * 1024) -> None:
        self._entries: OrderedDict[tuple[str, str], CachedAnswer] = OrderedDict()
        self._max_entries = max_entries
        self._max_bytes = max_bytes
        self._bytes = 0

    @property
    def enabled(self) -> bool:
        return self._max_entries > 0

    def get(self, path: str, query: str, validity: str) -> CachedAnswer | None:
        entry = self._entries.get((path, query))
        if entry is None or entry.key[2] != validity:
            return None
        self._entries.move_to_end((path, query))
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


def cache_control(
    snapshot: VersionSnapshot,
    policy: CachePolicy,
    now: float,
    max_age: int,
    stale_while_revalidate: int,
) -> str:
    """`public, max-age, stale-while-revalidate`, never reaching past the next scheduled publication."""
    if policy.ttl_seconds:
        max_age = min(max_age, int(policy.ttl_seconds))
    swr = stale_while_revalidate
    if snapshot.next_publication is not None:
        until = int(snapshot.next_publication.timestamp() - now)
        max_age = max(0, min(max_age, until))
        swr = max(0, min(swr, until - max_age))
    return f"public, max-age={max_age}, stale-while-revalidate={swr}"


def validity_of(snapshot: VersionSnapshot, policy: CachePolicy, now: float) -> str:
    if policy.ttl_seconds:
        return f"{snapshot.token}@{int(now // policy.ttl_seconds)}"
    return snapshot.token


def last_modified(snapshot: VersionSnapshot) -> bytes:
    return format_datetime(snapshot.last_modified, usegmt=True).encode()


def not_modified_since(header: bytes | None, snapshot: VersionSnapshot) -> bool:
    if header is None:
        return False
    try:
        since = parsedate_to_datetime(header.decode("latin-1"))
    except (TypeError, ValueError):
        return False
    if since.tzinfo is None:
        return False
    return snapshot.last_modified.replace(microsecond=0) <= since


def prefix_rule(prefixes: Sequence[str], policy: CachePolicy = CachePolicy()) -> CachePolicyRule:
    def rule(path: str, _query: str) -> CachePolicy | None:
        return policy if path.startswith(tuple(prefixes)) else None

    return rule
