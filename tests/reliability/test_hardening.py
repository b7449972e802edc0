"""What a real `inkwell serve` puts on the wire: no server banner on any answer (including the
ones uvicorn writes itself), the docs' CSP on the docs pages, the API's strict CSP elsewhere."""

from __future__ import annotations

import signal
import socket

import httpx

from app.core.headers import API_CSP, DOCS_CSP
from tests.articles.factories import make_site
from tests.reliability.load import BROWSER


def raw_request(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
        return b"".join(chunks)


def test_no_answer_carries_a_server_header_and_the_docs_carry_their_csp(store, live_server_factory):
    make_site(store).article(slug="on-the-wire")
    server = live_server_factory(store, INKWELL_VIEWS_RATE_LIMIT="1/minute")
    with httpx.Client(base_url=server.url, timeout=10) as http:
        listed = http.get("/api/v1/articles")
        answers = {
            "list": listed,
            "cached list": http.get("/api/v1/articles"),
            "304": http.get("/api/v1/articles", headers={"If-None-Match": listed.headers["etag"]}),
            "detail": http.get("/api/v1/articles/on-the-wire"),
            "404": http.get("/api/v1/articles/nope"),
            "422": http.get("/api/v1/articles?per_page=0"),
            "405": http.put("/api/v1/categories"),
            "413": http.post(
                "/api/v1/newsletter/subscriptions",
                content=b"x" * (64 * 1024 + 1),
                headers={"Content-Type": "application/json"},
            ),
            "401": http.get("/api/v1/webhooks"),
            "beacon": http.post(
                "/api/v1/articles/on-the-wire/views", headers={"User-Agent": BROWSER}
            ),
            "429": http.post("/api/v1/articles/on-the-wire/views", headers={"User-Agent": BROWSER}),
            "feed": http.get("/feeds/latest.xml"),
            "metrics": http.get("/metrics"),
            "healthz": http.get("/healthz"),
            "openapi": http.get("/openapi.json"),
            "docs": http.get("/docs"),
            "redoc": http.get("/redoc"),
        }
    statuses = {name: r.status_code for name, r in answers.items()}
    assert statuses == {
        "list": 200, "cached list": 200, "304": 304, "detail": 200, "404": 404, "422": 422,
        "405": 405, "413": 413, "401": 401, "beacon": 202, "429": 429, "feed": 200,
        "metrics": 200, "healthz": 200, "openapi": 200, "docs": 200, "redoc": 200,
    }  # fmt: skip
    assert [name for name, r in answers.items() if "server" in r.headers] == []
    assert answers["docs"].headers["content-security-policy"] == DOCS_CSP
    assert answers["redoc"].headers["content-security-policy"] == DOCS_CSP
    api = [name for name in answers if name not in ("docs", "redoc", "304")]
    assert {answers[name].headers["content-security-policy"] for name in api} == {API_CSP}
    assert {answers[name].headers["x-content-type-options"] for name in answers} == {"nosniff"}

    # A request uvicorn refuses before the app sees it is answered without a banner too.
    garbage = raw_request(server.port, b"NOT HTTP AT ALL\r\n\r\n")
    assert garbage.startswith(b"HTTP/1.1 400")
    assert b"\r\nserver:" not in garbage.lower()
    assert server.stop(signal.SIGTERM) in (0, -signal.SIGTERM)
