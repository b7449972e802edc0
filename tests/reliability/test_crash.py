"""Crash safety on a real `inkwell serve`: what was acknowledged survives a kill -9, and a SIGTERM
lets the request in flight finish.

Buffered view counts are not part of the kill -9 promise (a beacon's 202 means "counted soon");
that a SIGTERM flushes them is proved by tests/popularity/test_live.py
::test_sigterm_flushes_buffered_views.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator

import httpx

from app.seed.demo import seed_demo
from tests.conftest import Store, test_settings
from tests.keys.factories import issue_key
from tests.reliability.load import (
    SIGNUP,
    UNLIMITED,
    Tally,
    article_save,
    comment,
    run_writers,
    signup,
)

WRITERS = 6


def stored_emails(store: Store) -> set[str]:
    return {row[0] for row in store.rows("SELECT email FROM subscriber")}


def wait_until(condition: object, within: float) -> None:
    deadline = time.monotonic() + within
    while not condition() and time.monotonic() < deadline:  # type: ignore[operator]
        time.sleep(0.02)


def stored_comments(store: Store) -> set[str]:
    return {row[0] for row in store.rows("SELECT body FROM comment")}


def stored_titles(store: Store) -> dict[int, str]:
    return {row[0]: row[1] for row in store.rows("SELECT id, title FROM article")}


def lost_article_saves(acknowledged: set[str], stored: dict[int, str]) -> list[str]:
    """Acknowledged saves the store does not show: a created article missing, or an article
    whose acknowledged update is not its title."""
    saves: dict[int, set[str]] = {}
    for entry in acknowledged:
        article_id, title = entry.split(":", 1)
        saves.setdefault(int(article_id), set()).add(title)
    lost = []
    for article_id, titles in saves.items():
        updated = {t for t in titles if t.endswith(", updated")}
        if article_id not in stored:
            lost.append(f"{article_id} missing")
        elif updated and stored[article_id] not in updated:
            lost.append(f"{article_id}: {stored[article_id]!r} lost the update {updated}")
    return lost


def test_every_acknowledged_write_survives_a_kill_9_mid_load(store, live_server_factory):
    seed_demo(store.url, 20)
    slugs = [row[0] for row in store.rows("SELECT slug FROM article WHERE status = 'published'")]
    category, author = store.rows(
        "SELECT c.slug, a.slug FROM category c, author a ORDER BY c.id, a.id LIMIT 1"
    )[0]
    editor = issue_key(store, test_settings(store), "editor")
    actions = [signup, comment(slugs[:5]), article_save(editor, category, author)]
    server = live_server_factory(store, **UNLIMITED)
    tally, stop = Tally(), threading.Event()
    writers = run_writers([server.url], actions, WRITERS, stop, tally, stop_on_error=True)
    wait_until(lambda: tally.requests >= 300, within=60)

    server.stop(signal.SIGKILL)
    for writer in writers:
        writer.join(timeout=30)
    stop.set()

    restarted = live_server_factory(store, port=server.port, **UNLIMITED)
    signups, comments = tally.acked("signup"), tally.acked("comment")
    articles = tally.acked("article")
    emails, bodies, titles = stored_emails(store), stored_comments(store), stored_titles(store)
    lost = lost_article_saves(articles, titles)
    print(  # the numbers docs/reliability.md quotes
        f"\nkill -9 [{store.kind}]: acknowledged/found signups {len(signups)}/"
        f"{len(signups & emails)}, comments {len(comments)}/{len(comments & bodies)}, "
        f"article saves {len(articles)}/{len(articles) - len(lost)}; "
        f"{tally.errors} requests cut off by the kill"
    )
    assert min(len(signups), len(comments), len(articles)) >= 20
    assert tally.errors >= 1  # the kill landed while writes were in flight
    assert signups - emails == set()
    assert comments - bodies == set()
    assert lost == []
    after = httpx.post(
        f"{restarted.url}{SIGNUP}", json={"email": "after@example.org", "consent": True}
    )
    assert after.status_code == 202
    assert "after@example.org" in stored_emails(store)


def _slow_body(started: threading.Event, pause: float) -> Iterator[bytes]:
    yield b'{"email": "slow@example.org", '
    started.set()
    time.sleep(pause)
    yield b'"consent": true}'


def test_sigterm_lets_the_request_in_flight_finish_then_exits_cleanly(store, live_server_factory):
    server = live_server_factory(store, **UNLIMITED)
    started = threading.Event()
    answers: list[int] = []

    def slow_signup() -> None:
        with httpx.Client(timeout=30) as http:
            response = http.post(
                f"{server.url}{SIGNUP}",
                content=_slow_body(started, pause=1.5),
                headers={"Content-Type": "application/json"},
            )
            answers.append(response.status_code)

    client = threading.Thread(target=slow_signup)
    client.start()
    assert started.wait(10)
    time.sleep(0.3)  # the request's headers and half its body are with the server
    server.process.send_signal(signal.SIGTERM)
    time.sleep(0.3)
    refused = False
    try:
        httpx.get(f"{server.url}/healthz", timeout=2)
    except httpx.HTTPError:
        refused = True
    client.join(timeout=30)

    assert answers == [202]
    assert "slow@example.org" in stored_emails(store)
    assert refused  # a draining server takes no new connections
    # uvicorn re-raises the SIGTERM it handled once it has shut down, so that is the exit status.
    assert server.process.wait(timeout=20) in (0, -signal.SIGTERM)
    assert "Traceback" not in server.log()
