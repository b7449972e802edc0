"""Every public write is rate limited (429 + Retry-After), and with Redis the limit is shared by
every server process. (Per-route limit rules are the domains' tests: tests/newsletter,
tests/popularity; here the sharing across processes and the token routes.)"""

from __future__ import annotations

import signal
import uuid

import httpx
import pytest

from app.main import create_app
from tests.articles.factories import make_site
from tests.conftest import running, test_settings
from tests.popularity.helpers import BROWSER

SIGNUP = "/api/v1/newsletter/subscriptions"


def assert_rate_limited(response: httpx.Response) -> None:
    assert response.status_code == 429, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert 1 <= int(response.headers["retry-after"]) <= 60
    assert response.json()["status"] == 429


@pytest.fixture
def two_servers_sharing_redis(store, live_server_factory, redis_url):
    shared = {"INKWELL_REDIS_URL": redis_url, "INKWELL_REDIS_PREFIX": f"rl-{uuid.uuid4().hex[:8]}"}

    def start(**limits: str) -> tuple[str, str]:
        first = live_server_factory(store, **shared, **limits)
        second = live_server_factory(store, **shared, **limits)
        servers.extend([first, second])
        return first.url, second.url

    servers: list = []
    yield start
    for server in servers:
        server.stop(signal.SIGTERM)


def test_the_signup_limit_is_shared_by_two_servers_through_redis(two_servers_sharing_redis):
    first, second = two_servers_sharing_redis(INKWELL_NEWSLETTER_RATE_LIMIT_ADDRESS="4/minute")

    def signup(url: str, n: int) -> httpx.Response:
        return httpx.post(f"{url}{SIGNUP}", json={"email": f"r{n}@example.org", "consent": True})

    assert [signup(url, n).status_code for n, url in enumerate([first, second] * 2)] == [202] * 4
    assert_rate_limited(signup(first, 5))
    assert_rate_limited(signup(second, 6))


def test_the_view_beacon_limit_is_shared_by_two_servers_through_redis(
    store, two_servers_sharing_redis
):
    make_site(store).article(slug="shared-limit")
    first, second = two_servers_sharing_redis(INKWELL_VIEWS_RATE_LIMIT="3/minute")

    def view(url: str, n: int) -> httpx.Response:
        return httpx.post(
            f"{url}/api/v1/articles/shared-limit/views",
            json={"visitor": f"v{n}"},
            headers={"User-Agent": BROWSER},
        )

    assert [view(url, n).status_code for n, url in enumerate([first, second, first])] == [202] * 3
    assert_rate_limited(view(second, 4))
    assert_rate_limited(view(first, 5))


@pytest.mark.parametrize("path", ["/api/v1/newsletter/confirm", "/api/v1/newsletter/unsubscribe"])
async def test_token_routes_are_rate_limited_per_client_address(store, path):
    app = create_app(test_settings(store, newsletter_rate_limit_confirm_address="3/minute"))
    async with running(app) as client:
        statuses = [
            (await client.post(path, json={"token": f"guess-{n}"})).status_code for n in range(3)
        ]
        assert 429 not in statuses
        assert_rate_limited(await client.post(path, json={"token": "guess-4"}))
