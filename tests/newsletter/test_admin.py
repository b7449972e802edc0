"""The admin's subscriber desk: lists, CSV export, the consent trail, erasure."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from app.core.clients import keyed_hash
from tests.newsletter.factories import category, confirm_token, key_for, subscriber

LIST = "/api/v1/newsletter/subscribers"
SIGNUP = "/api/v1/newsletter/subscriptions"
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


async def test_subscriber_endpoints_need_an_admin_key(store, client, settings):
    subscriber_id = await subscriber(store, settings, "reader@example.org")
    editor = await key_for(store, settings, "editor")
    for method, path in (
        ("GET", LIST),
        ("GET", f"{LIST}/{subscriber_id}"),
        ("DELETE", f"{LIST}/{subscriber_id}"),
    ):
        anonymous = await client.request(method, path)
        assert anonymous.status_code == 401, (method, path)
        assert anonymous.headers["content-type"] == "application/problem+json"
        forbidden = await client.request(method, path, headers=editor)
        assert forbidden.status_code == 403, (method, path)
    csv_anonymous = await client.get(LIST, headers={"Accept": "text/csv"})
    assert csv_anonymous.status_code == 401
    assert store.scalar("SELECT count(*) FROM subscriber") == 1


async def test_admins_list_subscribers_with_filters_and_keyset_pages(store, client, settings):
    business = await category(store, "business")
    health = await category(store, "health")
    ids = [
        await subscriber(
            store, settings, "a@example.org", status="active", categories=(business,), created_at=T0
        ),
        await subscriber(
            store,
            settings,
            "b@example.org",
            status="pending",
            categories=(health,),
            created_at=T0 + timedelta(days=1),
        ),
        await subscriber(
            store,
            settings,
            "c@example.org",
            status="active",
            categories=(business, health),
            created_at=T0 + timedelta(days=2),
        ),
        await subscriber(
            store,
            settings,
            "d@example.org",
            status="unsubscribed",
            created_at=T0 + timedelta(days=3),
        ),
    ]
    admin = await key_for(store, settings, "admin")

    everyone = await client.get(LIST, headers=admin)
    assert everyone.status_code == 200, everyone.text
    assert everyone.headers["cache-control"] == "private, no-store"
    body = everyone.json()
    assert [s["email"] for s in body["data"]] == [
        "d@example.org",
        "c@example.org",
        "b@example.org",
        "a@example.org",
    ]
    assert body["meta"]["total"] == 4
    assert body["data"][1] == {
        "id": ids[2],
        "email": "c@example.org",
        "name": None,
        "status": "active",
        "categories": ["business", "health"],
        "created_at": "2026-03-03T09:00:00Z",
        "confirmed_at": "2026-03-03T09:00:00Z",
        "unsubscribed_at": None,
    }

    async def emails(query: str) -> list[str]:
        response = await client.get(f"{LIST}?{query}", headers=admin)
        assert response.status_code == 200, response.text
        return [s["email"] for s in response.json()["data"]]

    assert await emails("status=active") == ["c@example.org", "a@example.org"]
    assert await emails("category=health") == ["c@example.org", "b@example.org"]
    assert await emails("category=business&status=active") == ["c@example.org", "a@example.org"]
    assert await emails(
        "created_after=2026-03-02T09:00:00Z&created_before=2026-03-04T09:00:00Z"
    ) == [
        "c@example.org",
        "b@example.org",
    ]

    first = (await client.get(f"{LIST}?per_page=3", headers=admin)).json()
    cursor = first["meta"]["next_cursor"]
    assert cursor is not None
    page = await client.get(f"{LIST}?per_page=3&cursor={cursor}", headers=admin)
    assert [s["email"] for s in page.json()["data"]] == ["a@example.org"]
    assert page.json()["meta"]["next_cursor"] is None

    unknown = await client.get(f"{LIST}?category=nope", headers=admin)
    assert unknown.status_code == 422
    assert (await client.get(f"{LIST}?status=gone", headers=admin)).status_code == 422
    assert (await client.get(f"{LIST}?cursor=bogus", headers=admin)).status_code == 422


async def test_the_csv_export_streams_every_match_and_neutralises_formulas(
    store, app, client, settings
):
    app.state.settings.newsletter_export_batch_size = 2  # several keyset batches for five rows
    business = await category(store, "business")
    names = ['=HYPERLINK("http://evil.example")', "+1 555", "-minus", "@SUM(A1)", "Plain Name"]
    for number, name in enumerate(names):
        await subscriber(
            store,
            settings,
            f"r{number}@example.org",
            name=name,
            categories=(business,) if number % 2 == 0 else (),
            status="active" if number != 4 else "pending",
            created_at=T0 + timedelta(hours=number),
        )
    admin = await key_for(store, settings, "admin")
    response = await client.get(LIST, headers={**admin, "Accept": "text/csv"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="subscribers.csv"'
    assert response.headers["cache-control"] == "private, no-store"
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == [
        "id",
        "email",
        "name",
        "status",
        "categories",
        "created_at",
        "confirmed_at",
        "unsubscribed_at",
    ]
    assert [row[1:5] for row in rows[1:]] == [
        ["r0@example.org", '\'=HYPERLINK("http://evil.example")', "active", "business"],
        ["r1@example.org", "'+1 555", "active", ""],
        ["r2@example.org", "'-minus", "active", "business"],
        ["r3@example.org", "'@SUM(A1)", "active", ""],
        ["r4@example.org", "Plain Name", "pending", "business"],
    ]
    assert rows[1][5:] == ["2026-03-01T09:00:00Z", "2026-03-01T09:00:00Z", ""]

    filtered = await client.get(
        f"{LIST}?status=active&category=business", headers={**admin, "Accept": "text/csv"}
    )
    assert [row[1] for row in csv.reader(io.StringIO(filtered.text))][1:] == [
        "r0@example.org",
        "r2@example.org",
    ]


async def test_a_subscriber_shows_its_consent_trail(store, client, smtp_sink, settings):
    await category(store, "health")
    await client.post(
        "/api/v1/newsletter/subscriptions",
        json={
            "email": "reader@example.org",
            "name": "Rita",
            "consent": True,
            "categories": ["health"],
        },
        headers={"User-Agent": "reader-browser"},
    )
    (message,) = await smtp_sink.wait_for(1)
    await client.post("/api/v1/newsletter/confirm", json={"token": confirm_token(message)})
    subscriber_id = store.scalar("SELECT id FROM subscriber")
    admin = await key_for(store, settings, "admin")

    response = await client.get(f"{LIST}/{subscriber_id}", headers=admin)
    assert response.status_code == 200, response.text
    detail = response.json()
    assert (detail["email"], detail["name"], detail["status"], detail["categories"]) == (
        "reader@example.org",
        "Rita",
        "active",
        ["health"],
    )
    address = keyed_hash(settings.secret_key, "203.0.113.7", purpose="newsletter-address")
    assert [
        (e["action"], e["wording_version"], e["address_hash"], e["user_agent"])
        for e in detail["consent"]
    ] == [
        ("signup", "2026-01", address, "reader-browser"),
        ("confirm", "2026-01", address, "python-httpx/0.28.1"),
    ]
    assert (await client.get(f"{LIST}/999999", headers=admin)).status_code == 404


async def test_erasure_removes_personal_data_and_anonymises_the_consent_trail(
    store, client, smtp_sink, settings
):
    await category(store, "health")
    await client.post(
        SIGNUP,
        json={
            "email": "erase.me@example.org",
            "name": "Eve",
            "consent": True,
            "categories": ["health"],
        },
    )
    (message,) = await smtp_sink.wait_for(1)
    await client.post("/api/v1/newsletter/confirm", json={"token": confirm_token(message)})
    keep_id = await subscriber(store, settings, "keep@example.org")
    subscriber_id = store.scalar("SELECT id FROM subscriber WHERE email = 'erase.me@example.org'")
    email_hash = store.scalar("SELECT email_hash FROM subscriber WHERE id = :i", i=subscriber_id)
    admin = await key_for(store, settings, "admin")

    response = await client.delete(f"{LIST}/{subscriber_id}", headers=admin)
    assert response.status_code == 204
    assert store.rows("SELECT id FROM subscriber") == [(keep_id,)]
    assert store.scalar("SELECT count(*) FROM subscriber_interest") == 0
    assert store.rows(
        "SELECT subscriber_id, action, wording_version, email_hash, address_hash, user_agent,"
        " created_at IS NOT NULL FROM consent_event ORDER BY id"
    ) == [
        (None, "signup", "2026-01", None, None, None, True),
        (None, "confirm", "2026-01", None, None, None, True),
        (None, "erase", "2026-01", None, None, None, True),
    ]
    # Nothing anywhere still names the person: not the address, not its hash.
    for table in ("subscriber", "consent_event", "outbox_job", "subscriber_interest"):
        for row in store.rows(f"SELECT * FROM {table}"):
            text = " ".join(str(value) for value in row)
            assert "erase.me@example.org" not in text and email_hash not in text, (table, row)
    # Its links are dead, and a second erasure finds nothing.
    confirm = await client.post(
        "/api/v1/newsletter/confirm", json={"token": confirm_token(message)}
    )
    assert confirm.status_code == 404
    assert (await client.delete(f"{LIST}/{subscriber_id}", headers=admin)).status_code == 404
