"""Two worker processes on one store under mixed write and read load: no 5xx, no lock errors."""

from __future__ import annotations

import signal
import threading
import time

from app.seed.demo import seed_demo
from tests.conftest import Store, test_settings
from tests.keys.factories import issue_key
from tests.reliability.load import (
    UNLIMITED,
    Tally,
    article_save,
    beacon,
    comment,
    reads,
    run_writers,
    signup,
)

LOAD_SECONDS = 8.0
THREADS = 8


def visible_slugs(store: Store, limit: int = 10) -> list[str]:
    rows = store.rows(
        "SELECT slug FROM article WHERE status = 'published' ORDER BY id LIMIT :n", n=limit
    )
    return [row[0] for row in rows]


def test_two_workers_under_mixed_write_load_answer_no_5xx_and_never_lock(
    store, live_server_factory
):
    seed_demo(store.url, 40)
    slugs = visible_slugs(store)
    server = live_server_factory(store, workers=2, **UNLIMITED)
    tally, stop = Tally(), threading.Event()
    category, author = store.rows(
        "SELECT c.slug, a.slug FROM category c, author a ORDER BY c.id, a.id LIMIT 1"
    )[0]
    editor = issue_key(store, test_settings(store), "editor")
    actions = [
        signup,
        beacon(slugs),
        reads(slugs),
        comment(slugs),
        article_save(editor, category, author),
        beacon(slugs),
    ]
    threads = run_writers([server.url], actions, THREADS, stop, tally)
    time.sleep(LOAD_SECONDS)
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    assert server.stop(signal.SIGTERM) in (0, -signal.SIGTERM)
    log = server.log()
    signups = tally.acked("signup")
    stored = {row[0] for row in store.rows("SELECT email FROM subscriber")}
    print(  # the numbers docs/reliability.md quotes
        f"\nmixed load [{store.kind}, 2 workers, {LOAD_SECONDS:.0f} s]: {tally.requests} requests, "
        f"{tally.server_errors} 5xx, {tally.errors} transport errors, "
        f"statuses {dict(sorted(tally.statuses.items()))}"
    )
    assert tally.requests >= 200
    assert tally.server_errors == 0, dict(tally.statuses)
    assert tally.errors == 0
    assert set(tally.statuses) <= {200, 201, 202}, dict(tally.statuses)
    assert "database is locked" not in log
    assert signups <= stored
    assert min(len(signups), len(tally.acked("comment")), len(tally.acked("article"))) >= 10
