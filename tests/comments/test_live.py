"""Comments against real `inkwell serve` processes: shared flood limits, and kill -9 safety."""

from __future__ import annotations

import signal
import threading
import uuid

import httpx

from tests.articles.factories import make_site
from tests.comments.factories import comment_form, slug_of


def test_the_address_limit_is_shared_by_two_servers_through_redis(
    store, redis_url, live_server_factory
):
    slug = slug_of(store, make_site(store).article())
    env = {
        "INKWELL_REDIS_URL": redis_url,
        "INKWELL_REDIS_PREFIX": f"inkwell-test-{uuid.uuid4().hex[:8]}",
        "INKWELL_COMMENTS_RATE_LIMIT_ADDRESS": "3/minute",
    }
    first = live_server_factory(store, **env)
    second = live_server_factory(store, **env)
    statuses = []
    for server in (first, second, first, second):
        answer = httpx.post(
            f"{server.url}/api/v1/articles/{slug}/comments", json=comment_form(), timeout=10
        )
        statuses.append(answer.status_code)
        last = answer
    assert statuses == [201, 201, 201, 429]
    assert int(last.headers["retry-after"]) >= 1
    assert last.json()["status"] == 429
    assert store.scalar("SELECT count(*) FROM comment") == 3


def test_every_acknowledged_comment_survives_a_kill_9(store, live_server_factory):
    slug = slug_of(store, make_site(store).article())
    env = {
        "INKWELL_COMMENTS_RATE_LIMIT_ADDRESS": "1000/minute",
        "INKWELL_COMMENTS_RATE_LIMIT_EMAIL": "1000/minute",
    }
    server = live_server_factory(store, **env)
    acknowledged: list[int] = []
    enough = threading.Event()

    def keep_posting() -> None:
        with httpx.Client(base_url=server.url, timeout=10) as http:
            while True:
                try:
                    answer = http.post(f"/api/v1/articles/{slug}/comments", json=comment_form())
                except httpx.HTTPError:
                    return  # the server is gone
                assert answer.status_code == 201, answer.text
                acknowledged.append(answer.json()["id"])
                if len(acknowledged) >= 15:
                    enough.set()

    poster = threading.Thread(target=keep_posting)
    poster.start()
    assert enough.wait(60)
    server.process.send_signal(signal.SIGKILL)  # while posts are still in flight
    poster.join(30)
    server.process.wait(10)
    restarted = live_server_factory(store, port=server.port, **env)
    stored = {row[0] for row in store.rows("SELECT id FROM comment")}
    assert len(acknowledged) >= 15
    assert set(acknowledged) <= stored
    assert httpx.get(f"{restarted.url}/readyz", timeout=5).status_code == 200
