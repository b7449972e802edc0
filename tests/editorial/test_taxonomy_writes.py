"""Categories (with menu order), authors and tags: one set of rules for the three."""

from __future__ import annotations

import pytest

from tests.editorial.conftest import create_article

KINDS = [
    ("categories", {"name": "Science"}, "science", "business"),
    ("authors", {"name": "Chen Wei", "bio": "Covers science."}, "chen-wei", "ada-okafor"),
    ("tags", {"name": "Climate"}, "climate", "markets"),
]


@pytest.mark.parametrize(("plural", "body", "slug", "existing"), KINDS)
async def test_create_update_delete_with_409_on_slug_clashes(
    desk, client, plural, body, slug, existing
):
    created = await client.post(f"/api/v1/{plural}", json=body, headers=desk.auth("editor"))
    assert created.status_code == 201, created.text
    item = created.json()
    assert item["slug"] == slug
    assert created.headers["location"] == f"http://testserver/api/v1/{plural}/{slug}"

    before = desk.state()
    again = await client.post(f"/api/v1/{plural}", json=body, headers=desk.auth("editor"))
    assert again.status_code == 409
    assert again.json()["detail"].endswith(f"with slug {slug!r} exists already (id {item['id']}).")
    clash = await client.patch(
        f"/api/v1/{plural}/{item['id']}", json={"slug": existing}, headers=desk.auth("editor")
    )
    assert clash.status_code == 409
    for bad in (
        {"name": None},
        {"name": ""},
        {"colour": "red"},
        {"slug": "Not A Slug"},
        {"name": 5},
    ):
        refused = await client.patch(
            f"/api/v1/{plural}/{item['id']}", json=bad, headers=desk.auth("editor")
        )
        assert refused.status_code == 422, bad
    assert (
        await client.patch(f"/api/v1/{plural}/999", json={"name": "X"}, headers=desk.auth("editor"))
    ).status_code == 404
    assert desk.state() == before

    renamed = await client.patch(
        f"/api/v1/{plural}/{item['id']}",
        json={"name": "Renamed", "slug": "renamed"},
        headers=desk.auth("admin"),
    )
    assert (renamed.status_code, renamed.json()["name"], renamed.json()["slug"]) == (
        200,
        "Renamed",
        "renamed",
    )
    deleted = await client.delete(f"/api/v1/{plural}/{item['id']}", headers=desk.auth("editor"))
    assert deleted.status_code == 204
    assert (
        desk.store.scalar(
            f"SELECT count(*) FROM {plural.rstrip('s').replace('categorie', 'category')} WHERE id = :i",
            i=item["id"],
        )
        == 0
    )


async def test_categories_keep_menu_order(desk, client):
    appended = await client.post(
        "/api/v1/categories", json={"name": "Science"}, headers=desk.auth("editor")
    )
    assert appended.json()["position"] == 4
    first = await client.post(
        "/api/v1/categories", json={"name": "Top", "position": 0}, headers=desk.auth("editor")
    )
    assert first.status_code == 201
    await client.patch(
        f"/api/v1/categories/{appended.json()['id']}",
        json={"position": 2},
        headers=desk.auth("editor"),
    )
    menu = (await client.get("/api/v1/categories")).json()["data"]
    assert [c["slug"] for c in menu] == ["top", "breaking-news", "business", "science", "sports"]


@pytest.mark.parametrize(
    ("plural", "slug"), [("categories", "business"), ("authors", "ada-okafor")]
)
async def test_a_category_or_author_with_articles_is_not_deleted(desk, client, plural, slug):
    await create_article(client, desk)  # a draft counts too: it would lose its category
    item_id = desk.site.categories.get(slug) or desk.site.authors[slug]
    before = desk.state()
    refused = await client.delete(f"/api/v1/{plural}/{item_id}", headers=desk.auth("editor"))
    assert refused.status_code == 409
    assert refused.json()["detail"] == (
        f"The {'category' if plural == 'categories' else 'author'} '{slug}' still has 1 article(s) "
        "(any status): move or delete them first."
    )
    assert desk.state() == before


async def test_deleting_a_tag_takes_it_off_its_articles_and_readers_see_it_at_once(desk, client):
    article = (
        await create_article(client, desk, status="published", tags=["markets", "analysis"])
    ).json()
    url = f"/api/v1/articles/{article['slug']}"
    before = await client.get(url)
    gone = await client.delete(
        f"/api/v1/tags/{desk.site.tags['markets']}", headers=desk.auth("editor")
    )
    assert gone.status_code == 204
    after = await client.get(url, headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    assert [t["slug"] for t in after.json()["tags"]] == ["analysis"]


async def test_a_renamed_category_shows_in_article_answers_at_once(desk, client):
    await create_article(client, desk, status="published")
    listed = await client.get("/api/v1/articles")
    renamed = await client.patch(
        f"/api/v1/categories/{desk.site.categories['business']}",
        json={"name": "Money"},
        headers=desk.auth("editor"),
    )
    assert renamed.headers["surrogate-key-purge"] == "categories category-business articles"
    again = await client.get("/api/v1/articles", headers={"If-None-Match": listed.headers["etag"]})
    assert again.json()["data"][0]["category"] == {"slug": "business", "name": "Money"}
