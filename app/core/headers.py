"""Security headers on every answer, and the request id."""

from __future__ import annotations

import itertools
import re
import secrets

DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: https:; worker-src 'self' blob:; connect-src 'self'; frame-ancestors 'none'"
)
API_CSP = "default-src 'none'; frame-ancestors 'none'"
_BASE = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"x-frame-options", b"DENY"),
]
API_HEADERS = [*_BASE, (b"content-security-policy", API_CSP.encode())]
DOCS_HEADERS = [*_BASE, (b"content-security-policy", DOCS_CSP.encode())]


# HTML pages the API serves itself (app.newsletter.pages), by path: each brings its own CSP.
_PAGE_HEADERS: dict[str, list[tuple[bytes, bytes]]] = {}


def serve_page_at(path: str, csp: str) -> None:
    """Answers on `path` are an HTML page with this CSP, and send no Referer at all: the page's
    URL may carry a token."""
    _PAGE_HEADERS[path] = [
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
        (b"x-frame-options", b"DENY"),
        (b"content-security-policy", csp.encode()),
    ]


def security_headers(path: str) -> list[tuple[bytes, bytes]]:
    if path in ("/docs", "/redoc") or path.startswith("/static-offline-docs"):
        return DOCS_HEADERS
    return _PAGE_HEADERS.get(path, API_HEADERS)


_SANE_ID = re.compile(rb"^[A-Za-z0-9._:-]{1,128}$")


_PROCESS_PREFIX = secrets.token_hex(4)
_sequence = itertools.count(1)


def request_id(incoming: bytes | None) -> str:
    """The caller's X-Request-Id when it is sane, else a new one (unique per process and request,
    without a syscall for randomness on the hot path)."""
    if incoming and _SANE_ID.match(incoming):
        return incoming.decode("ascii")
    return f"{_PROCESS_PREFIX}{next(_sequence):08x}"
