"""The Akismet-compatible checker against a real HTTP service on 127.0.0.1."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest

from app.comments.spam import NullChecker, checker_for
from app.main import create_app
from tests.articles.factories import make_site
from tests.comments.factories import post, settings_for, slug_of, status_of
from tests.conftest import free_port, running


class FakeAkismet:
    def __init__(self) -> None:
        self.answer = (200, "false")
        self.delay = 0.0
        self.forms: list[dict[str, list[str]]] = []
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                service.forms.append(parse_qs(self.rfile.read(length).decode()))
                time.sleep(service.delay)
                status, text = service.answer
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "text/plain")
                    self.end_headers()
                    self.wfile.write(text.encode())
                except BrokenPipeError:  # the client gave up waiting (the timeout case)
                    pass

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/1.1/comment-check"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def akismet() -> Iterator[FakeAkismet]:
    service = FakeAkismet()
    yield service
    service.server.shutdown()
    service.server.server_close()


def test_the_checker_is_off_without_a_key(store):
    assert isinstance(checker_for(settings_for(store)), NullChecker)


@pytest.mark.parametrize(
    ("answer", "delay", "stored"),
    [
        ((200, "false"), 0, "approved"),
        ((200, "true"), 0, "spam"),
        ((500, "oops"), 0, "pending"),
        ((200, "invalid"), 0, "pending"),
        ((200, "false"), 2.0, "pending"),
    ],
)
async def test_the_akismet_verdict_decides_and_failures_hold_the_comment(
    store, akismet, answer, delay, stored
):
    akismet.answer, akismet.delay = answer, delay
    slug = slug_of(store, make_site(store).article())
    settings = settings_for(
        store,
        comments_policy="open",
        akismet_key="k123",
        akismet_url=akismet.url,
        akismet_timeout_seconds=0.5,
    )
    async with running(create_app(settings)) as client:
        answer_ = await client.post(
            f"/api/v1/articles/{slug}/comments",
            json={"author_name": "Sam", "author_email": "spammy@example.com", "body": "Buy now"},
            headers={"User-Agent": "TestBrowser/1.0", "Referer": "http://news.example/story"},
        )
    assert answer_.status_code == 201, answer_.text
    assert answer_.json()["status"] == ("approved" if stored == "approved" else "pending")
    assert status_of(store, answer_.json()["id"]) == stored
    form = akismet.forms[0]
    assert form["api_key"] == ["k123"] and form["comment_content"] == ["Buy now"]
    assert form["comment_author_email"] == ["spammy@example.com"] and form["user_agent"] == [
        "TestBrowser/1.0"
    ]
    assert form["user_ip"] == ["203.0.113.7"] and form["referrer"] == ["http://news.example/story"]
    assert form["permalink"] == [f"http://testserver/api/v1/articles/{slug}"]


async def test_an_unreachable_checker_holds_the_comment(store):
    slug = slug_of(store, make_site(store).article())
    settings = settings_for(
        store,
        comments_policy="open",
        akismet_key="k",
        akismet_url=f"http://127.0.0.1:{free_port()}/check",
    )
    async with running(create_app(settings)) as client:
        answer = await post(client, slug)
    assert answer.status_code == 201 and answer.json()["status"] == "pending"
    assert status_of(store, answer.json()["id"]) == "pending"
