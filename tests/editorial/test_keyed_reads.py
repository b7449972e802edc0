"""The same list and detail GETs, with a key: what the key may see, never cached; without: unchanged."""

from __future__ import annotations

from datetime import timedelta

from tests.articles.factories import now
from tests.editorial.conftest import create_article


def arrange(desk):
    site = desk.site
    ids = {
        "ada-draft": site.article("Ada draft", status="draft", slug="ada-draft"),
        "bruno-draft": site.article(
            "Bruno draft", status="draft", author="bruno-lindqvist", slug="bruno-draft"
        ),
        "ada-live": site.article("Ada live", slug="ada-live"),
        "ada-soon": site.article(
            "Ada soon", published_at=now() + timedelta(hours=2), slug="ada-soon"
        ),
        "bruno-old": site.article(
            "Bruno old", status="archived", author="bruno-lindqvist", slug="bruno-old"
        ),
    }
    return ids


async def slugs(client, url, headers=None):
    answer = await client.get(url, headers=headers or {})
    assert answer.status_code == 200, answer.text
    return [a["slug"] for a in answer.json()["data"]], answer


async def test_editors_see_every_status_and_authors_their_own(desk, client):
    arrange(desk)
    everything, answer = await slugs(client, "/api/v1/articles?sort=title", desk.auth("editor"))
    assert everything == ["ada-draft", "ada-live", "ada-soon", "bruno-draft", "bruno-old"]
    assert answer.headers["cache-control"] == "private, no-store"
    assert "etag" not in answer.headers
    assert answer.json()["meta"]["total"] == 5
    assert {a["slug"]: a["status"] for a in answer.json()["data"]} == {
        "ada-draft": "draft",
        "ada-live": "published",
        "ada-soon": "scheduled",
        "bruno-draft": "draft",
        "bruno-old": "archived",
    }
    for status, expected in (
        ("draft", ["bruno-draft", "ada-draft"]),
        ("scheduled", ["ada-soon"]),
        ("published", ["ada-live"]),
        ("archived", ["bruno-old"]),
    ):
        found, _ = await slugs(client, f"/api/v1/articles?status={status}", desk.auth("admin"))
        assert sorted(found) == sorted(expected), status
    own, _ = await slugs(client, "/api/v1/articles?sort=title", desk.auth("author"))
    assert own == ["ada-draft", "ada-live", "ada-soon"]
    own_drafts, _ = await slugs(client, "/api/v1/articles?status=draft", desk.auth("author"))
    assert own_drafts == ["ada-draft"]
    filtered, _ = await slugs(
        client, "/api/v1/articles?author=bruno-lindqvist&sort=title", desk.auth("editor")
    )
    assert filtered == ["bruno-draft", "bruno-old"]
    paged, answer = await slugs(
        client, "/api/v1/articles?sort=title&per_page=2&page=2", desk.auth("editor")
    )
    assert paged == ["ada-soon", "bruno-draft"]
    assert answer.json()["meta"]["total_pages"] == 3


async def test_without_a_key_status_is_refused_and_nothing_unpublished_shows(desk, client):
    arrange(desk)
    public, answer = await slugs(client, "/api/v1/articles")
    assert public == ["ada-live"]
    assert answer.headers["cache-control"].startswith("public")
    refused = await client.get("/api/v1/articles?status=draft")
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "query.status"
    for slug in ("ada-draft", "ada-soon", "bruno-old"):
        assert (await client.get(f"/api/v1/articles/{slug}")).status_code == 404


async def test_a_key_reads_one_unpublished_article_by_slug_or_id(desk, client):
    ids = arrange(desk)
    by_slug = await client.get("/api/v1/articles/ada-soon", headers=desk.auth("author"))
    by_id = await client.get(f"/api/v1/articles/{ids['ada-soon']}", headers=desk.auth("author"))
    assert by_slug.status_code == by_id.status_code == 200
    assert by_slug.json() == by_id.json()
    assert by_slug.json()["status"] == "scheduled"
    assert by_slug.headers["etag"] == f'"{ids["ada-soon"]}-1"'
    assert by_slug.headers["cache-control"] == "private, no-store"
    assert (
        await client.get("/api/v1/articles/bruno-draft", headers=desk.auth("author"))
    ).status_code == 404
    assert (
        await client.get("/api/v1/articles/bruno-draft", headers=desk.auth("editor"))
    ).status_code == 200
    # A moderator reads like the public (and may not ask for unpublished states).
    assert (
        await client.get("/api/v1/articles/ada-draft", headers=desk.auth("moderator"))
    ).status_code == 404
    seen = await client.get("/api/v1/articles/ada-live", headers=desk.auth("moderator"))
    assert (seen.status_code, "status" in seen.json()) == (200, False)
    assert (
        await client.get("/api/v1/articles?status=draft", headers=desk.auth("moderator"))
    ).status_code == 403
    public_list, _ = await slugs(client, "/api/v1/articles", desk.auth("moderator"))
    assert public_list == ["ada-live"]


async def test_keyed_lists_page_by_number_only(desk, client):
    answer = await client.get("/api/v1/articles?cursor=abc", headers=desk.auth("editor"))
    assert (answer.status_code, answer.json()["errors"][0]["field"]) == (422, "query.cursor")
    created = await create_article(client, desk, status="published")
    fields = await client.get("/api/v1/articles?fields=id,status", headers=desk.auth("editor"))
    assert fields.json()["data"] == [{"id": created.json()["id"], "status": "published"}]
