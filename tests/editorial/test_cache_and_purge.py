"""A write is visible to readers at once: ETags change, and the write names the keys it purged."""

from __future__ import annotations

from tests.editorial.conftest import create_article


async def test_a_public_etag_changes_right_after_a_write_and_the_new_content_shows(desk, client):
    article = (
        await create_article(
            client, desk, title="Harbour reopens", status="published", tags=["markets"]
        )
    ).json()
    url = "/api/v1/articles/harbour-reopens"
    first = await client.get(url)
    listed = await client.get("/api/v1/articles")
    assert (
        await client.get(url, headers={"If-None-Match": first.headers["etag"]})
    ).status_code == 304

    patched = await client.patch(
        f"/api/v1/articles/{article['id']}",
        json={"body": "## Update\n\nShips are back."},
        headers=desk.auth("editor"),
    )
    assert patched.headers["surrogate-key-purge"] == (
        f"article-{article['id']} articles categories tags category-business author-ada-okafor tag-markets"
    )
    second = await client.get(url, headers={"If-None-Match": first.headers["etag"]})
    assert second.status_code == 200
    assert second.headers["etag"] != first.headers["etag"]
    assert second.json()["body_html"] == '<h2 id="update">Update</h2>\n<p>Ships are back.</p>\n'
    relisted = await client.get(
        "/api/v1/articles", headers={"If-None-Match": listed.headers["etag"]}
    )
    assert relisted.status_code == 200
    assert relisted.json()["data"][0]["excerpt"] == "Ships are back."


async def test_moving_an_article_purges_both_categories_and_its_old_tags(desk, client):
    article = (await create_article(client, desk, status="published", tags=["markets"])).json()
    moved = await client.patch(
        f"/api/v1/articles/{article['id']}",
        json={"category": "sports", "tags": ["football"]},
        headers=desk.auth("editor"),
    )
    assert moved.headers["surrogate-key-purge"].split() == [
        f"article-{article['id']}",
        "articles",
        "categories",
        "tags",
        "category-business",
        "category-sports",
        "author-ada-okafor",
        "tag-football",
        "tag-markets",
    ]
    deleted = await client.delete(f"/api/v1/articles/{article['id']}", headers=desk.auth("editor"))
    assert deleted.headers["surrogate-key-purge"].split() == [
        f"article-{article['id']}",
        "articles",
        "categories",
        "tags",
        "category-sports",
        "author-ada-okafor",
        "tag-football",
    ]


async def test_a_draft_write_purges_only_its_own_key(desk, client):
    created = await create_article(client, desk)
    assert created.headers["surrogate-key-purge"] == f"article-{created.json()['id']}"


async def test_purge_hooks_get_the_keys_after_the_commit(desk, app, client):
    seen: list[tuple[tuple[str, ...], int]] = []

    async def cdn(keys: tuple[str, ...]) -> None:
        seen.append(
            (keys, desk.store.scalar("SELECT count(*) FROM category WHERE slug = 'science'"))
        )

    async def broken(_keys: tuple[str, ...]) -> None:
        raise RuntimeError("the CDN is down")

    app.state.purge_hooks.extend([broken, cdn])
    created = await client.post(
        "/api/v1/categories", json={"name": "Science"}, headers=desk.auth("editor")
    )
    assert created.status_code == 201
    assert seen == [
        (("categories", "category-science", "articles"), 1)
    ]  # committed before the hook ran
    assert created.headers["surrogate-key-purge"] == "categories category-science articles"
