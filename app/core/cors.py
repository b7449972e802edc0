"""CORS from settings: preflights answered here, response headers computed once per origin."""

from __future__ import annotations

from collections.abc import Sequence

EXPOSED = b"ETag, Link, Location, Retry-After, X-Request-Id, Surrogate-Key, Surrogate-Key-Purge"
ALLOWED_HEADERS = b"Authorization, Content-Type, If-Match, If-None-Match"
READ_METHODS = b"GET, HEAD"
ALL_METHODS = b"GET, HEAD, POST, PATCH, DELETE"


class CorsPolicy:
    """`*` lets any origin read (GET/HEAD) only; listed origins may also write."""

    def __init__(self, origins: Sequence[str]) -> None:
        self.any_origin = list(origins) == ["*"]
        self.origins = frozenset(o.rstrip("/").encode() for o in origins if o != "*")
        self.methods = READ_METHODS if self.any_origin else ALL_METHODS

    def allowed(self, origin: bytes) -> bool:
        return self.any_origin or origin in self.origins

    def response_headers(self, origin: bytes | None) -> list[tuple[bytes, bytes]]:
        if origin is None:
            return [] if self.any_origin else [(b"vary", b"Origin")]
        if self.any_origin:
            return [
                (b"access-control-allow-origin", b"*"),
                (b"access-control-expose-headers", EXPOSED),
            ]
        if origin in self.origins:
            return [
                (b"access-control-allow-origin", origin),
                (b"access-control-expose-headers", EXPOSED),
                (b"vary", b"Origin"),
            ]
        return [(b"vary", b"Origin")]

    def preflight(self, origin: bytes, method: bytes) -> tuple[int, list[tuple[bytes, bytes]]]:
        """(status, headers) of the answer to an OPTIONS preflight."""
        if not self.allowed(origin) or method.upper() not in self.methods.split(b", "):
            return 400, [(b"vary", b"Origin"), (b"content-length", b"0")]
        return 200, [
            (b"access-control-allow-origin", b"*" if self.any_origin else origin),
            (b"access-control-allow-methods", self.methods),
            (b"access-control-allow-headers", ALLOWED_HEADERS),
            (b"access-control-max-age", b"600"),
            (b"vary", b"Origin"),
            (b"content-length", b"0"),
        ]
