"""The webhooks API: admins only, URL rules, the secret shown once, lists paged."""

from __future__ import annotations

import pytest

from app.core.config import Settings
from app.main import create_app
from tests.conftest import Store, running
from tests.conftest import test_settings as settings_for
from tests.keys.factories import bearer, issue_key
from tests.webhooks.helpers import create_webhook

ROUTES = [
    ("POST", "/api/v1/webhooks"),
    ("GET", "/api/v1/webhooks"),
    ("GET", "/api/v1/webhooks/1"),
    ("DELETE", "/api/v1/webhooks/1"),
    ("GET", "/api/v1/webhooks/1/deliveries"),
]
BODY = {"url": "http://127.0.0.1:9/hook", "events": ["article.published"]}


def private_ok(store: Store) -> Settings:
    return settings_for(store, webhooks_allow_private=True)


@pytest.mark.parametrize(("method", "path"), ROUTES)
async def test_webhook_routes_need_an_admin_key(store, settings, method, path):
    editor = issue_key(store, settings, "editor")
    moderator = issue_key(store, settings, "moderator")
    kwargs = {"json": BODY} if method == "POST" else {}

    # Keys are written before the app runs: no blocking write on its event loop.
    async with running(create_app(settings)) as client:
        anonymous = await client.request(method, path, **kwargs)
        assert anonymous.status_code == 401
        assert anonymous.headers["content-type"] == "application/problem+json"
        assert anonymous.headers["www-authenticate"] == 'Bearer realm="inkwell"'
        for key in (editor, moderator):
            refused = await client.request(method, path, headers=bearer(key), **kwargs)
            assert refused.status_code == 403, refused.text
            assert refused.json()["status"] == 403
        wrong = await client.request(method, path, headers=bearer("ink_" + "x" * 40), **kwargs)
        assert wrong.status_code == 401
    assert store.scalar("SELECT count(*) FROM webhook") == 0


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1:8080/hook", "loopback"),
        ("http://10.20.30.40/hook", "private"),
        ("http://169.254.169.254/latest/meta-data", "link-local"),
        ("http://[::1]:8080/hook", "loopback"),
        ("http://localhost:8080/hook", "loopback"),
        ("http://0.0.0.0/hook", "unspecified"),
        ("http://224.0.0.1/hook", "multicast"),
    ],
)
async def test_urls_that_resolve_to_non_public_addresses_are_refused(store, settings, url, reason):
    key = issue_key(store, settings, "admin")
    async with running(create_app(settings)) as client:
        response = await client.post(
            "/api/v1/webhooks",
            json={"url": url, "events": ["article.published"]},
            headers=bearer(key),
        )
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["errors"][0]["field"] == "body.url"
    assert f"resolves to a {reason} address" in problem["errors"][0]["message"]
    assert store.scalar("SELECT count(*) FROM webhook") == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "ftp://203.0.113.9/hook", "events": ["article.published"]}, "body.url"),
        ({"url": "http://user:pw@203.0.113.9/hook", "events": ["article.published"]}, "body.url"),
        ({"url": "not a url", "events": ["article.published"]}, "body.url"),
        ({"url": "https://203.0.113.9/hook", "events": ["article.exploded"]}, "body.events.0"),
        ({"url": "https://203.0.113.9/hook", "events": []}, "body.events"),
        (
            {"url": "https://203.0.113.9/hook", "events": ["article.published"], "secret": "mine"},
            "body.secret",
        ),
    ],
)
async def test_malformed_webhooks_are_refused_with_the_field_named(store, settings, body, field):
    key = issue_key(store, settings, "admin")
    async with running(create_app(settings)) as client:
        response = await client.post("/api/v1/webhooks", json=body, headers=bearer(key))
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert store.scalar("SELECT count(*) FROM webhook") == 0


async def test_the_secret_is_shown_once_and_the_webhook_can_be_read_and_deleted(store):
    settings = private_ok(store)
    key = issue_key(store, settings, "admin")
    async with running(create_app(settings)) as client:
        created = await create_webhook(
            client,
            key,
            "http://127.0.0.1:9/hook",
            ["comment.approved", "article.published", "comment.approved"],
            description="CDN purge",
        )
        assert created["secret"].startswith("whsec_") and len(created["secret"]) > 40
        assert created["events"] == ["comment.approved", "article.published"]
        assert created["active"] is True
        assert created["description"] == "CDN purge"
        webhook_id = created["id"]
        assert (
            store.scalar("SELECT secret FROM webhook WHERE id = :i", i=webhook_id)
            == created["secret"]
        )

        shown = await client.get(f"/api/v1/webhooks/{webhook_id}", headers=bearer(key))
        assert shown.status_code == 200
        assert shown.headers["cache-control"] == "private, no-store"
        expected = {k: v for k, v in created.items() if k != "secret"}
        assert shown.json() == expected
        listed = await client.get("/api/v1/webhooks", headers=bearer(key))
        assert listed.json()["data"] == [expected]
        assert "secret" not in listed.text

        deleted = await client.delete(f"/api/v1/webhooks/{webhook_id}", headers=bearer(key))
        assert deleted.status_code == 204
        missing = await client.get(f"/api/v1/webhooks/{webhook_id}", headers=bearer(key))
        assert missing.status_code == 404
        assert missing.json()["detail"] == f"No webhook with id {webhook_id}."
        again = await client.delete(f"/api/v1/webhooks/{webhook_id}", headers=bearer(key))
        assert again.status_code == 404
        no_deliveries = await client.get(
            f"/api/v1/webhooks/{webhook_id}/deliveries", headers=bearer(key)
        )
        assert no_deliveries.status_code == 404
    assert store.scalar("SELECT count(*) FROM webhook") == 0


async def test_webhooks_are_listed_oldest_first_in_pages(store):
    settings = private_ok(store)
    key = issue_key(store, settings, "admin")
    async with running(create_app(settings)) as client:
        ids = [
            (
                await create_webhook(
                    client, key, f"http://127.0.0.1:9/hook-{n}", ["article.updated"]
                )
            )["id"]
            for n in range(3)
        ]
        first = await client.get("/api/v1/webhooks?per_page=2", headers=bearer(key))
        body = first.json()
        assert [w["id"] for w in body["data"]] == ids[:2]
        assert body["meta"]["total"] == 3 and body["meta"]["total_pages"] == 2
        assert body["links"]["next"] == "http://testserver/api/v1/webhooks?per_page=2&page=2"
        second = await client.get("/api/v1/webhooks?per_page=2&page=2", headers=bearer(key))
        assert [w["id"] for w in second.json()["data"]] == ids[2:]
        cursor = body["meta"]["next_cursor"]
        by_cursor = await client.get(
            f"/api/v1/webhooks?per_page=2&cursor={cursor}", headers=bearer(key)
        )
        assert [w["id"] for w in by_cursor.json()["data"]] == ids[2:]
        assert by_cursor.json()["meta"]["next_cursor"] is None
        bad = await client.get("/api/v1/webhooks?cursor=nonsense", headers=bearer(key))
        assert bad.status_code == 422
