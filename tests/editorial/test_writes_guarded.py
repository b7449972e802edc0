"""Lost updates (If-Match → 412) and mass assignment (role-bound fields 403, unknown fields 422)."""

from __future__ import annotations

import pytest

from tests.editorial.conftest import create_article


async def test_a_stale_if_match_answers_412_and_changes_nothing(desk, client):
    created = await create_article(client, desk, title="Budget day")
    article_id, first_etag = created.json()["id"], created.headers["etag"]
    assert first_etag == f'"{article_id}-1"'
    path = f"/api/v1/articles/{article_id}"

    mine = await client.patch(
        path, json={"excerpt": "Mine."}, headers={**desk.auth("editor"), "If-Match": first_etag}
    )
    assert mine.status_code == 200
    assert mine.headers["etag"] == f'"{article_id}-2"'

    before = desk.state()
    theirs = await client.patch(
        path, json={"excerpt": "Theirs."}, headers={**desk.auth("admin"), "If-Match": first_etag}
    )
    assert theirs.status_code == 412
    assert theirs.headers["content-type"] == "application/problem+json"
    assert theirs.headers["etag"] == f'"{article_id}-2"'
    stale_delete = await client.delete(
        path, headers={**desk.auth("editor"), "If-Match": first_etag}
    )
    assert stale_delete.status_code == 412
    assert desk.state() == before

    fresh = await client.get(path, headers=desk.auth("editor"))
    assert (fresh.json()["excerpt"], fresh.headers["etag"]) == ("Mine.", f'"{article_id}-2"')
    retried = await client.patch(
        path,
        json={"excerpt": "Theirs."},
        headers={**desk.auth("admin"), "If-Match": fresh.headers["etag"]},
    )
    assert (retried.status_code, retried.json()["revision"]) == (200, 3)
    assert (
        await client.patch(
            path, json={"title": "X"}, headers={**desk.auth("admin"), "If-Match": "*"}
        )
    ).status_code == 200
    gone = await client.delete(
        path, headers={**desk.auth("editor"), "If-Match": f'"{article_id}-4"'}
    )
    assert gone.status_code == 204


async def test_a_patch_that_changes_nothing_keeps_the_revision(desk, client):
    article = (await create_article(client, desk, title="Same")).json()
    again = await client.patch(
        f"/api/v1/articles/{article['id']}", json={"title": "Same"}, headers=desk.auth("editor")
    )
    assert (again.status_code, again.json()["revision"]) == (200, 1)
    assert again.headers["surrogate-key-purge"] == ""


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"status": "published"}, 403, None),
        ({"status": "scheduled", "publish_at": "2099-01-01T00:00:00Z"}, 403, None),
        ({"status": "archived"}, 403, None),
        ({"author": "bruno-lindqvist"}, 403, None),
        ({"revision": 99}, 422, "body.revision"),
        ({"comment_count": 1000}, 422, "body.comment_count"),
        ({"body_html": "<script>x</script>"}, 422, "body.body_html"),
        ({"comments_open": "yes"}, 422, "body.comments_open"),
        ({"title": 42}, 422, "body.title"),
        ({"title": None}, 422, "body"),
        ({"tags": ["nope"]}, 422, "body.tags"),
        ({"category": "nope"}, 422, "body.category"),
        ({"body_format": "rtf"}, 422, "body.body_format"),
        ({"hero_image": {"url": "javascript:alert(1)"}}, 422, "body.hero_image.url"),
    ],
)
async def test_an_author_may_set_only_what_the_role_allows(desk, client, body, status, field):
    draft = (await create_article(client, desk, "author", title="My draft")).json()
    before = desk.state()
    answer = await client.patch(
        f"/api/v1/articles/{draft['id']}", json=body, headers=desk.auth("author")
    )
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    if field is not None:
        assert field in [e["field"] for e in answer.json()["errors"]]
    assert desk.state() == before


async def test_an_author_cannot_create_a_published_article_or_write_as_someone_else(desk, client):
    before = desk.state()
    for body in (
        {"title": "T", "category": "business", "status": "published"},
        {
            "title": "T",
            "category": "business",
            "status": "scheduled",
            "publish_at": "2099-01-01T00:00:00Z",
        },
        {"title": "T", "category": "business", "author": "bruno-lindqvist"},
    ):
        answer = await client.post("/api/v1/articles", json=body, headers=desk.auth("author"))
        assert answer.status_code == 403, body
    unknown = await client.post(
        "/api/v1/articles",
        json={"title": "T", "category": "business", "id": 7},
        headers=desk.auth("author"),
    )
    assert unknown.status_code == 422
    assert desk.state() == before
    own = await create_article(client, desk, "author", title="T", author="ada-okafor")
    assert (own.json()["author"]["slug"], own.json()["status"]) == ("ada-okafor", "draft")


async def test_authors_change_only_their_own_drafts(desk, client):
    other = (await create_article(client, desk, "other_author", title="Bruno's draft")).json()
    published = (
        await create_article(client, desk, "editor", title="Ada's story", status="published")
    ).json()
    before = desk.state()
    for article in (other, published):
        answer = await client.patch(
            f"/api/v1/articles/{article['id']}",
            json={"excerpt": "Mine now."},
            headers=desk.auth("author"),
        )
        assert answer.status_code == 403, answer.text
    assert (
        await client.get(f"/api/v1/articles/{other['id']}", headers=desk.auth("author"))
    ).status_code == 404
    assert desk.state() == before


async def test_bodies_over_the_limit_are_413_and_change_nothing(desk, client):
    before = desk.state()
    huge = {"title": "Long", "category": "business", "author": "ada-okafor", "body": "x" * 70_000}
    answer = await client.post("/api/v1/articles", json=huge, headers=desk.auth("editor"))
    assert answer.status_code == 413
    assert desk.state() == before


async def test_malformed_json_is_422_and_changes_nothing(desk, client):
    before = desk.state()
    answer = await client.post(
        "/api/v1/articles",
        content=b'{"title": ',
        headers={**desk.auth("editor"), "Content-Type": "application/json"},
    )
    assert answer.status_code == 422
    assert desk.state() == before
