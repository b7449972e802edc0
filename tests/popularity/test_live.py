"""Real HTTP against `inkwell serve`: thousands of concurrent beacons count exactly, show in
/popular within 5 seconds, across two processes sharing Redis, and survive a SIGTERM."""

from __future__ import annotations

import signal
import time
from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.articles.factories import make_site
from tests.popularity.helpers import BROWSER

THREADS = 16
FAST = {"INKWELL_VIEWS_RATE_LIMIT": "1000000/minute", "INKWELL_VIEWS_FLUSH_SECONDS": "0.5"}


def send_beacons(
    urls: list[str], slug: str, visitors: range, user_agent: str = BROWSER
) -> list[int]:
    """One beacon per visitor, spread over THREADS threads and over `urls` (round robin)."""

    def send(chunk: list[int]) -> list[int]:
        statuses = []
        with httpx.Client(timeout=30, headers={"User-Agent": user_agent}) as http:
            for visitor in chunk:
                url = urls[visitor % len(urls)]
                response = http.post(
                    f"{url}/api/v1/articles/{slug}/views",
                    content=f'{{"visitor": "reader-{visitor}"}}',
                    headers={"Content-Type": "text/plain;charset=UTF-8"},
                )
                statuses.append(response.status_code)
        return statuses

    visitor_list = list(visitors)
    chunks = [visitor_list[i::THREADS] for i in range(THREADS)]
    with ThreadPoolExecutor(THREADS) as pool:
        return [status for statuses in pool.map(send, chunks) for status in statuses]


def popular_count(url: str, slug: str) -> int:
    body = httpx.get(
        f"{url}/api/v1/popular", params={"window": "24h", "limit": "50"}, timeout=10
    ).json()
    return next((item["count"] for item in body["data"] if item["article"]["slug"] == slug), 0)


def wait_for_count(url: str, slug: str, expected: int, within: float) -> tuple[int, float]:
    started = time.monotonic()
    seen = popular_count(url, slug)
    while seen != expected and time.monotonic() - started < within:
        time.sleep(0.1)
        seen = popular_count(url, slug)
    return seen, time.monotonic() - started


def test_two_thousand_concurrent_beacons_count_exactly_and_show_within_5s(
    store, live_server_factory
):
    site = make_site(store)
    site.article(slug="hot-story")
    server = live_server_factory(store, **FAST)
    statuses = send_beacons([server.url], "hot-story", range(2000))
    assert statuses == [202] * 2000
    repeats = send_beacons([server.url], "hot-story", range(0, 2000, 10))  # the same visitors again
    bots = send_beacons([server.url], "hot-story", range(5000, 5200), user_agent="Googlebot/2.1")
    assert set(repeats) == {202} and set(bots) == {202}
    seen, waited = wait_for_count(server.url, "hot-story", 2000, within=5.0)
    assert seen == 2000, server.log()
    assert waited < 5.0
    time.sleep(1.0)  # nothing late trickles in either
    assert store.scalar("SELECT views_all FROM popularity_total") == 2000
    assert store.scalar("SELECT SUM(views) FROM popularity_bucket") == 2000


def test_two_processes_sharing_redis_count_into_the_same_exact_totals(
    store, redis_url, live_server_factory
):
    site = make_site(store)
    site.article(slug="shared-story")
    prefix = f"inkwell-live-{time.time_ns()}"
    env = {**FAST, "INKWELL_REDIS_URL": redis_url, "INKWELL_REDIS_PREFIX": prefix}
    first = live_server_factory(store, **env)
    second = live_server_factory(store, **env)
    statuses = send_beacons([first.url, second.url], "shared-story", range(2000))
    assert statuses == [202] * 2000
    # Repeats sent to the *other* process are still repeats: the dedupe window is shared.
    shifted = send_beacons([second.url, first.url], "shared-story", range(0, 2000, 7))
    assert set(shifted) == {202}
    for server in (first, second):
        seen, _ = wait_for_count(server.url, "shared-story", 2000, within=5.0)
        assert seen == 2000, server.log()
    assert store.scalar("SELECT views_all FROM popularity_total") == 2000
    assert store.scalar("SELECT SUM(views) FROM popularity_bucket") == 2000


def test_sigterm_flushes_buffered_views(store, live_server_factory):
    site = make_site(store)
    site.article(slug="last-words")
    server = live_server_factory(
        store, INKWELL_VIEWS_RATE_LIMIT="1000000/minute", INKWELL_VIEWS_FLUSH_SECONDS="3600"
    )
    assert send_beacons([server.url], "last-words", range(300)) == [202] * 300
    assert (store.scalar("SELECT COALESCE(SUM(views_all), 0) FROM popularity_total") or 0) == 0
    # uvicorn shuts down gracefully (lifespan: the flush), then re-raises the signal it caught.
    assert server.stop(signal.SIGTERM) in (0, -signal.SIGTERM), server.log()
    assert store.scalar("SELECT views_all FROM popularity_total") == 300
