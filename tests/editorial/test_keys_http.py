"""Keys over HTTP for admins: shown once, never a hash, revoked at once."""

from __future__ import annotations

from app.keys.service import hash_key
from tests.keys.factories import bearer


async def test_a_key_created_over_http_is_shown_once_and_works_at_once(desk, client):
    created = await client.post(
        "/api/v1/keys",
        json={"role": "author", "name": "Ada's laptop", "author": "ada-okafor"},
        headers=desk.auth("admin"),
    )
    assert created.status_code == 201, created.text
    body = created.json()
    key = body.pop("key")
    assert key.startswith("ink_") and len(key) == 47
    assert (body["role"], body["name"], body["author"], body["prefix"], body["revoked_at"]) == (
        "author",
        "Ada's laptop",
        "ada-okafor",
        key[:12],
        None,
    )
    assert created.headers["cache-control"] == "private, no-store"
    stored = desk.store.rows("SELECT key_hash FROM api_key WHERE id = :i", i=body["id"])
    assert stored == [(hash_key(desk.settings.secret_key, key),)]

    listed = await client.get("/api/v1/keys?per_page=5&page=2", headers=desk.auth("admin"))
    assert listed.json()["meta"]["total"] == 6
    assert listed.json()["data"] == [body]
    assert key not in listed.text and stored[0][0] not in listed.text

    draft = await client.post(
        "/api/v1/articles",
        json={"title": "From the laptop", "category": "business"},
        headers=bearer(key),
    )
    assert (draft.status_code, draft.json()["author"]["slug"]) == (201, "ada-okafor")

    revoked = await client.delete(f"/api/v1/keys/{body['id']}", headers=desk.auth("admin"))
    assert revoked.status_code == 204
    refused = await client.post(
        "/api/v1/articles", json={"title": "Again", "category": "business"}, headers=bearer(key)
    )
    assert refused.status_code == 401
    assert (
        await client.delete(f"/api/v1/keys/{body['id']}", headers=desk.auth("admin"))
    ).status_code == 404
    again = (await client.get("/api/v1/keys?per_page=5&page=2", headers=desk.auth("admin"))).json()[
        "data"
    ][0]
    assert again["revoked_at"] is not None


async def test_bad_key_requests_are_422_and_change_nothing(desk, client):
    before = desk.state()
    for body, field in (
        ({"role": "author", "name": "No author"}, "body.author"),
        ({"role": "author", "name": "Ghost", "author": "nobody"}, "body.author"),
        ({"role": "owner", "name": "X"}, "body.role"),
        ({"role": "editor", "name": "X", "key_hash": "abc"}, "body.key_hash"),
        ({"role": "editor", "name": ""}, "body.name"),
    ):
        answer = await client.post("/api/v1/keys", json=body, headers=desk.auth("admin"))
        assert answer.status_code == 422, body
        assert field in [e["field"] for e in answer.json()["errors"]], body
    assert desk.state() == before
