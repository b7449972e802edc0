"""Moderation: who may, what moderators see, status changes single and bulk, exact counts."""

from __future__ import annotations

import orjson
import pytest

from tests.articles.factories import make_site
from tests.comments.factories import add_comments, at, comment_count, post, slug_of, status_of
from tests.keys.factories import bearer, issue_key


@pytest.fixture
def site(store):
    return make_site(store)


@pytest.fixture
def moderator(store, settings):
    return bearer(issue_key(store, settings, "moderator"))


async def _patch(client, headers, comment_id, status):
    return await client.patch(
        f"/api/v1/moderation/comments/{comment_id}", json={"status": status}, headers=headers
    )


@pytest.mark.parametrize("role", ["moderator", "editor", "admin"])
async def test_moderators_editors_and_admins_may_moderate(store, settings, site, client, role):
    article = site.article()
    (comment,) = await add_comments(store, [{"article_id": article, "status": "pending"}])
    headers = bearer(issue_key(store, settings, role))
    assert (await client.get("/api/v1/moderation/comments", headers=headers)).status_code == 200
    assert (await _patch(client, headers, comment, "approved")).status_code == 200


async def test_anonymous_callers_get_401_and_authors_403_and_nothing_changes(
    store, settings, site, client
):
    article = site.article()
    (comment,) = await add_comments(store, [{"article_id": article, "status": "pending"}])
    author = bearer(issue_key(store, settings, "author"))
    calls = [
        ("GET", "/api/v1/moderation/comments", None),
        ("PATCH", f"/api/v1/moderation/comments/{comment}", {"status": "approved"}),
        ("POST", "/api/v1/moderation/comments/bulk", {"ids": [comment], "status": "approved"}),
        ("DELETE", f"/api/v1/moderation/comments/{comment}", None),
    ]
    for method, url, body in calls:
        anonymous = await client.request(method, url, json=body)
        assert anonymous.status_code == 401, (method, url)
        assert anonymous.headers["www-authenticate"].startswith("Bearer")
        assert (await client.request(method, url, json=body, headers=author)).status_code == 403
    assert status_of(store, comment) == "pending"


async def test_the_moderation_list_shows_email_and_hashes_newest_first_filtered(
    store, site, client, moderator
):
    one, two = site.article(), site.article()
    slug_one = slug_of(store, one)
    posted = await post(client, slug_one, author_email="writer@example.com", body="to moderate")
    await add_comments(
        store,
        [
            {"article_id": one, "status": "approved", "created_at": at(1), "body": "old approved"},
            {"article_id": two, "status": "spam", "created_at": at(2), "body": "spam elsewhere"},
        ],
    )
    everything = (await client.get("/api/v1/moderation/comments", headers=moderator)).json()
    assert [c["body"] for c in everything["data"]] == [
        "to moderate",
        "spam elsewhere",
        "old approved",
    ]
    assert everything["meta"]["total"] == 3
    newest = everything["data"][0]
    assert newest["author_email"] == "writer@example.com"
    assert newest["article"] == {"id": one, "slug": slug_one, "title": newest["article"]["title"]}
    assert newest["status"] == "pending" and newest["user_agent"].startswith("python-httpx")
    stored = store.rows(
        "SELECT email_hash, address_hash FROM comment WHERE id = :i", i=posted.json()["id"]
    )[0]
    assert (newest["email_hash"], newest["address_hash"]) == tuple(stored)
    assert "203.0.113.7" not in orjson.dumps(everything).decode()
    pending = (
        await client.get("/api/v1/moderation/comments?status=pending", headers=moderator)
    ).json()
    assert [c["body"] for c in pending["data"]] == ["to moderate"]
    of_one = (
        await client.get(f"/api/v1/moderation/comments?article={slug_one}", headers=moderator)
    ).json()
    assert [c["body"] for c in of_one["data"]] == ["to moderate", "old approved"]
    unknown = await client.get("/api/v1/moderation/comments?article=no-such", headers=moderator)
    assert unknown.status_code == 404
    bad = await client.get("/api/v1/moderation/comments?status=deleted", headers=moderator)
    assert bad.status_code == 422
    assert (await client.get("/api/v1/moderation/comments", headers=moderator)).headers[
        "cache-control"
    ] == ("private, no-store")


async def test_the_moderation_list_pages_by_cursor(store, site, client, moderator):
    article = site.article()
    await add_comments(
        store, [{"article_id": article, "created_at": at(i), "body": f"c{i}"} for i in range(5)]
    )
    seen = []
    answer = (await client.get("/api/v1/moderation/comments?per_page=2", headers=moderator)).json()
    seen += [c["body"] for c in answer["data"]]
    while answer["meta"]["next_cursor"]:
        cursor = answer["meta"]["next_cursor"]
        answer = (
            await client.get(
                f"/api/v1/moderation/comments?per_page=2&cursor={cursor}", headers=moderator
            )
        ).json()
        seen += [c["body"] for c in answer["data"]]
    assert seen == ["c4", "c3", "c2", "c1", "c0"]


async def test_comment_count_stays_exact_through_approve_unapprove_spam_trash_and_delete(
    store, site, client, moderator
):
    article = site.article()
    slug = slug_of(store, article)
    ids = [(await post(client, slug)).json()["id"] for _ in range(3)]
    assert comment_count(store, article) == 0
    steps = [
        (ids[0], "approved", 1),
        (ids[1], "approved", 2),
        (ids[2], "approved", 3),
        (ids[0], "approved", 3),  # no change
        (ids[1], "pending", 2),
        (ids[2], "spam", 1),
        (ids[0], "trash", 0),
        (ids[0], "approved", 1),
    ]
    for comment, status, expected in steps:
        answer = await _patch(client, moderator, comment, status)
        assert answer.status_code == 200, answer.text
        assert answer.json()["status"] == status
        assert comment_count(store, article) == expected, (comment, status)
        listed = (await client.get(f"/api/v1/articles/{slug}/comments")).json()
        assert listed["meta"]["total"] == expected == len(listed["data"])
    deleted = await client.delete(f"/api/v1/moderation/comments/{ids[0]}", headers=moderator)
    assert deleted.status_code == 204
    assert comment_count(store, article) == 0
    assert store.scalar("SELECT count(*) FROM comment") == 2
    assert (
        await client.delete(f"/api/v1/moderation/comments/{ids[0]}", headers=moderator)
    ).status_code == 404


async def test_trashing_a_parent_hides_its_replies_until_it_is_approved_again(
    store, site, client, moderator
):
    article = site.article()
    slug = slug_of(store, article)
    (root,) = await add_comments(
        store, [{"article_id": article, "status": "pending", "body": "root"}]
    )
    await _patch(client, moderator, root, "approved")
    (reply,) = await add_comments(
        store,
        [
            {
                "article_id": article,
                "parent_id": root,
                "root_id": root,
                "depth": 1,
                "status": "pending",
                "body": "reply",
            }
        ],
    )
    (nested,) = await add_comments(
        store,
        [
            {
                "article_id": article,
                "parent_id": reply,
                "root_id": root,
                "depth": 2,
                "status": "pending",
                "body": "nested",
            }
        ],
    )
    bulk = await client.post(
        "/api/v1/moderation/comments/bulk",
        json={"ids": [reply, nested], "status": "approved"},
        headers=moderator,
    )
    assert bulk.status_code == 200, bulk.text
    assert comment_count(store, article) == 3
    await _patch(client, moderator, root, "trash")
    listed = (await client.get(f"/api/v1/articles/{slug}/comments")).json()
    assert listed["data"] == [] and listed["meta"]["total"] == 0 == comment_count(store, article)
    assert (status_of(store, reply), status_of(store, nested)) == ("approved", "approved")
    await _patch(client, moderator, root, "approved")
    listed = (await client.get(f"/api/v1/articles/{slug}/comments")).json()
    assert [(c["body"], [r["body"] for r in c["replies"]]) for c in listed["data"]] == [
        ("root", ["reply"])
    ]
    assert listed["data"][0]["replies"][0]["replies"][0]["body"] == "nested"
    assert listed["meta"]["total"] == 3 == comment_count(store, article)
    # Deleting the root for good deletes the whole thread.
    assert (
        await client.delete(f"/api/v1/moderation/comments/{root}", headers=moderator)
    ).status_code == 204
    assert store.scalar("SELECT count(*) FROM comment") == 0 and comment_count(store, article) == 0


async def test_bulk_updates_found_ids_lists_unknown_ones_and_counts_every_article(
    store, site, client, moderator
):
    one, two = site.article(), site.article()
    a, b = await add_comments(
        store, [{"article_id": one, "status": "pending"}, {"article_id": two, "status": "pending"}]
    )
    answer = await client.post(
        "/api/v1/moderation/comments/bulk",
        json={"ids": [b, 999, a, b], "status": "approved"},
        headers=moderator,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"status": "approved", "updated": [a, b], "not_found": [999]}
    assert (comment_count(store, one), comment_count(store, two)) == (1, 1)
    events = [
        orjson.loads(p)
        for (p,) in store.rows("SELECT payload FROM outbox_job WHERE kind = 'webhook.event'")
    ]
    assert sorted(e["data"]["id"] for e in events) == [a, b]
    assert {e["event"] for e in events} == {"comment.approved"}
    spam = await client.post(
        "/api/v1/moderation/comments/bulk",
        json={"ids": [a, b], "status": "spam"},
        headers=moderator,
    )
    assert spam.json()["updated"] == [a, b]
    assert (comment_count(store, one), comment_count(store, two)) == (0, 0)
    assert store.scalar("SELECT count(*) FROM outbox_job") == 2  # spam sends nothing


@pytest.mark.parametrize(
    "body",
    [
        {"ids": [], "status": "approved"},
        {"ids": list(range(1, 102)), "status": "approved"},
        {"ids": [1], "status": "deleted"},
        {"ids": ["1"], "status": "spam"},
        {"ids": [1], "status": "spam", "x": 1},
    ],
)
async def test_bad_bulk_requests_are_422(store, site, client, moderator, body):
    assert (
        await client.post("/api/v1/moderation/comments/bulk", json=body, headers=moderator)
    ).status_code == 422


async def test_patching_an_unknown_comment_is_404_and_a_bad_status_422(
    store, site, client, moderator
):
    article = site.article()
    (comment,) = await add_comments(store, [{"article_id": article, "status": "pending"}])
    assert (await _patch(client, moderator, 424242, "approved")).status_code == 404
    assert (await _patch(client, moderator, comment, "published")).status_code == 422
    assert status_of(store, comment) == "pending"


async def test_approving_sends_comment_approved_once_and_bumps_the_content_version(
    store, site, client, moderator
):
    article = site.article()
    (comment,) = await add_comments(store, [{"article_id": article, "status": "pending"}])
    version = store.scalar("SELECT version FROM content_version")
    await _patch(client, moderator, comment, "approved")
    await _patch(client, moderator, comment, "approved")
    assert store.scalar("SELECT version FROM content_version") == version + 1
    assert store.scalar("SELECT count(*) FROM outbox_job WHERE kind = 'webhook.event'") == 1
