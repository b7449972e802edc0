"""Outgoing calls are bounded end to end, not only per read: a service that trickles its answer
(each byte well within a per-read timeout) cannot hold a request open. SMTP and webhooks are
covered by their domains (tests/newsletter/test_delivery.py, tests/webhooks/test_delivery.py) and
by the outbox's per-job timeout; this is the one call made inside a reader's request: Akismet."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest

from app.main import create_app
from tests.articles.factories import make_site
from tests.comments.factories import slug_of, status_of
from tests.conftest import running, test_settings


class TricklingService:
    """Answers `200 OK` with a body of `false` (ham), one byte every `gap` seconds."""

    def __init__(self, gap: float, padding: int) -> None:
        self.gap, self.padding = gap, padding
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/1.1/comment-check"
        self.stopped = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while not self.stopped.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        body = b" " * self.padding + b"false"
        with conn:
            try:
                conn.recv(65536)
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n")
                conn.sendall(f"Content-Length: {len(body)}\r\n\r\n".encode())
                for byte in body:
                    if self.stopped.is_set():
                        return
                    conn.sendall(bytes([byte]))
                    time.sleep(self.gap)
            except OSError:
                return

    def close(self) -> None:
        self.stopped.set()
        self.sock.close()


@pytest.fixture
def trickling() -> Iterator[TricklingService]:
    service = TricklingService(gap=0.2, padding=40)  # 45 bytes: 9 s in all, 0.2 s per read
    yield service
    service.close()


async def test_a_trickling_spam_checker_is_cut_off_and_the_comment_held(store, trickling):
    slug = slug_of(store, make_site(store).article())
    settings = test_settings(
        store,
        comments_policy="open",
        akismet_key="k",
        akismet_url=trickling.url,
        akismet_timeout_seconds=0.5,
    )
    async with running(create_app(settings)) as client:
        started = time.monotonic()
        answer = await client.post(
            f"/api/v1/articles/{slug}/comments",
            json={"author_name": "Sam", "author_email": "sam@example.com", "body": "Fine."},
        )
        took = time.monotonic() - started
    assert answer.status_code == 201, answer.text
    assert answer.json()["status"] == "pending"
    assert status_of(store, answer.json()["id"]) == "pending"
    assert took < 2.0  # the whole call is bounded by akismet_timeout_seconds (0.5 s)
