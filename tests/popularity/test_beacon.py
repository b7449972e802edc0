"""POST /api/v1/articles/{slug}/views: what counts, what does not, and bad input."""

from __future__ import annotations

from datetime import timedelta

import httpx
import orjson

from app.main import create_app
from tests import conftest
from tests.articles.factories import make_site, now
from tests.popularity.helpers import BROWSER, GOOGLEBOT, beacon_headers


def stored_views(store) -> int:
    return int(store.scalar("SELECT COALESCE(SUM(views_all), 0) FROM popularity_total"))


async def beacon(
    client: httpx.AsyncClient, slug: str, body: object = None, **headers: str
) -> httpx.Response:
    content = b"" if body is None else (body if isinstance(body, bytes) else orjson.dumps(body))
    return await client.post(
        f"/api/v1/articles/{slug}/views", content=content, headers={**beacon_headers(), **headers}
    )


async def test_a_view_is_counted_once_per_visitor_within_the_window(store, app, client):
    make_site(store).article(slug="read-me")
    first = await beacon(client, "read-me", {"visitor": "v-1"})
    assert first.status_code == 202
    assert first.content == b""
    assert (await beacon(client, "read-me", {"visitor": "v-1"})).status_code == 202  # repeat
    assert (await beacon(client, "read-me", {"visitor": "v-2"})).status_code == 202
    # Without an id the visitor is the client address and User-Agent.
    assert (await beacon(client, "read-me")).status_code == 202
    assert (await beacon(client, "read-me")).status_code == 202  # repeat
    assert (
        await beacon(client, "read-me", **{"User-Agent": BROWSER + " Edg/124"})
    ).status_code == 202
    await app.state.view_flusher.flush()
    assert stored_views(store) == 4
    assert store.scalar("SELECT SUM(views) FROM popularity_bucket") == 4


async def test_sendbeacon_text_plain_json_is_accepted(store, app, client):
    make_site(store).article(slug="beaconed")
    response = await beacon(
        client, "beaconed", {"visitor": "tab-9"}, **{"Content-Type": "text/plain;charset=UTF-8"}
    )
    assert response.status_code == 202
    await app.state.view_flusher.flush()
    assert stored_views(store) == 1


async def test_bots_count_zero(store, app, client):
    make_site(store).article(slug="crawled")
    assert (
        await beacon(client, "crawled", {"visitor": "g"}, **{"User-Agent": GOOGLEBOT})
    ).status_code == 202
    assert (
        await beacon(client, "crawled", {"visitor": "e"}, **{"User-Agent": ""})
    ).status_code == 202
    assert (
        await beacon(client, "crawled", {"visitor": "c"}, **{"User-Agent": "curl/8.5.0"})
    ).status_code == 202
    await app.state.view_flusher.flush()
    assert stored_views(store) == 0
    assert await app.state.shared_state.pending_counts("views") == 0


async def test_bad_bodies_are_refused_and_count_nothing(store, app, client):
    make_site(store).article(slug="target")
    cases = [
        (b"{not json", 422, "body"),
        (b"[1, 2]", 422, "body"),
        (orjson.dumps({"visitor": ""}), 422, "body.visitor"),
        (orjson.dumps({"visitor": "x" * 129}), 422, "body.visitor"),
        (orjson.dumps({"visitor": 42}), 422, "body.visitor"),
        (orjson.dumps({"visitor": "ok", "ip": "1.2.3.4"}), 422, "body.ip"),
        (orjson.dumps({"visitor": "y" * 1100}), 413, None),
    ]
    for content, status, field in cases:
        response = await beacon(client, "target", content)
        assert response.status_code == status, (content[:40], response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        if field:
            assert response.json()["errors"][0]["field"] == field
    huge = await beacon(client, "target", b"x" * (app.state.settings.max_body_bytes + 10))
    assert huge.status_code == 413
    await app.state.view_flusher.flush()
    assert stored_views(store) == 0


async def test_unknown_or_invisible_articles_are_404(store, app, client):
    site = make_site(store)
    site.article(slug="a-draft", status="draft")
    site.article(slug="later", published_at=now() + timedelta(hours=1))
    for slug in ("no-such-story", "a-draft", "later"):
        response = await beacon(client, slug, {"visitor": "v"})
        assert response.status_code == 404, slug
        assert response.json()["status"] == 404
    await app.state.view_flusher.flush()
    assert stored_views(store) == 0


async def test_a_former_slug_counts_for_its_article(store, app, client):
    article = make_site(store).article(slug="new-name", old_slugs=("old-name",))
    assert (await beacon(client, "old-name", {"visitor": "v"})).status_code == 202
    await app.state.view_flusher.flush()
    assert store.rows("SELECT article_id, views_all FROM popularity_total") == [(article, 1)]


async def test_an_article_unpublished_after_a_view_stops_accepting_beacons(store, app, client):
    make_site(store).article(slug="pulled")
    assert (await beacon(client, "pulled", {"visitor": "v"})).status_code == 202
    with store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE article SET status = 'archived' WHERE slug = 'pulled'")
        conn.exec_driver_sql("UPDATE content_version SET version = version + 1")
    app.state.tracker.stale = True  # what the next version poll does
    assert (await beacon(client, "pulled", {"visitor": "w"})).status_code == 404


async def test_a_flood_from_one_client_is_429_and_other_clients_still_count(store):
    settings = conftest.test_settings(store, views_rate_limit="3/minute")
    app = create_app(settings)
    make_site(store).article(slug="flooded")
    async with conftest.running(app) as flooder:
        statuses = [
            (await beacon(flooder, "flooded", {"visitor": f"v{i}"})).status_code for i in range(5)
        ]
        assert statuses == [202, 202, 202, 429, 429]
        limited = await beacon(flooder, "flooded", {"visitor": "v9"})
        assert limited.headers["content-type"].startswith("application/problem+json")
        assert 1 <= int(limited.headers["retry-after"]) <= 60
        other = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, client=("198.51.100.20", 40000)),
            base_url="http://testserver",
        )
        async with other:
            assert (await beacon(other, "flooded", {"visitor": "someone-else"})).status_code == 202
        await app.state.view_flusher.flush()
    assert stored_views(store) == 4
