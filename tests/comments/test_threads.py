"""The public thread list: nesting, depth, order, paging (page and cursor), hidden replies."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from app.main import create_app
from tests.articles.factories import make_site
from tests.comments.factories import (
    add_comments,
    at,
    comment_count,
    execute,
    post,
    settings_for,
    slug_of,
)
from tests.conftest import running


@pytest.fixture
def site(store):
    return make_site(store)


async def _thread(store, article, base):
    """A thread: root, two replies (the second later), and a reply to the first reply."""
    (root,) = await add_comments(
        store, [{"article_id": article, "created_at": at(base), "body": f"root {base}"}]
    )
    first, second = await add_comments(
        store,
        [
            {
                "article_id": article,
                "parent_id": root,
                "root_id": root,
                "depth": 1,
                "created_at": at(base + 2),
                "body": f"first reply {base}",
            },
            {
                "article_id": article,
                "parent_id": root,
                "root_id": root,
                "depth": 1,
                "created_at": at(base + 3),
                "body": f"second reply {base}",
            },
        ],
    )
    (nested,) = await add_comments(
        store,
        [
            {
                "article_id": article,
                "parent_id": first,
                "root_id": root,
                "depth": 2,
                "created_at": at(base + 4),
                "body": f"nested {base}",
            },
        ],
    )
    return root, first, second, nested


def _shape(comments):
    return [(c["body"], _shape(c["replies"])) for c in comments]


async def _refresh_counts(store, article):
    from app.comments import repository
    from app.core.db import Database

    database = Database(store.url)
    async with database.writer() as session:
        await repository.refresh_comment_counts(session, [article])
        await session.commit()
    await database.dispose()


async def test_threads_nest_replies_oldest_first_and_top_level_threads_follow_order(
    store, site, client
):
    article = site.article()
    slug = slug_of(store, article)
    await _thread(store, article, 0)
    await _thread(store, article, 100)
    await _refresh_counts(store, article)
    oldest = (await client.get(f"/api/v1/articles/{slug}/comments")).json()

    def thread(b):
        return (
            f"root {b}",
            [(f"first reply {b}", [(f"nested {b}", [])]), (f"second reply {b}", [])],
        )

    assert _shape(oldest["data"]) == [thread(0), thread(100)]
    assert oldest["meta"]["total"] == 8 and oldest["meta"]["threads"] == 2
    newest = (await client.get(f"/api/v1/articles/{slug}/comments?order=newest")).json()
    assert _shape(newest["data"]) == [thread(100), thread(0)]
    first = oldest["data"][0]
    assert set(first) == {
        "id",
        "parent_id",
        "author_name",
        "body",
        "body_html",
        "created_at",
        "replies",
    }
    assert first["replies"][0]["parent_id"] == first["id"]


async def test_only_approved_comments_are_listed_and_replies_under_a_hidden_parent_are_hidden(
    store, site, client
):
    article = site.article()
    slug = slug_of(store, article)
    root, first, _second, _nested = await _thread(store, article, 0)
    await add_comments(
        store,
        [
            {"article_id": article, "status": "pending", "body": "waiting"},
            {"article_id": article, "status": "spam", "body": "spam"},
            {
                "article_id": article,
                "parent_id": root,
                "root_id": root,
                "depth": 1,
                "status": "trash",
                "body": "gone",
            },
        ],
    )
    await execute(store, f"UPDATE comment SET status = 'pending' WHERE id = {first}")
    await _refresh_counts(store, article)
    listed = (await client.get(f"/api/v1/articles/{slug}/comments")).json()
    assert _shape(listed["data"]) == [("root 0", [("second reply 0", [])])]
    assert listed["meta"]["total"] == 2 == comment_count(store, article)


async def test_page_paging_pages_top_level_threads(store, site, client):
    article = site.article()
    slug = slug_of(store, article)
    roots = await add_comments(
        store, [{"article_id": article, "created_at": at(i), "body": f"t{i}"} for i in range(5)]
    )
    await add_comments(
        store,
        [
            {
                "article_id": article,
                "parent_id": roots[2],
                "root_id": roots[2],
                "depth": 1,
                "created_at": at(10),
                "body": "reply to t2",
            }
        ],
    )
    await _refresh_counts(store, article)
    page1 = await client.get(f"/api/v1/articles/{slug}/comments?per_page=2")
    page2 = await client.get(f"/api/v1/articles/{slug}/comments?per_page=2&page=2")
    page3 = await client.get(f"/api/v1/articles/{slug}/comments?per_page=2&page=3")
    assert [c["body"] for c in page1.json()["data"]] == ["t0", "t1"]
    assert _shape(page2.json()["data"]) == [("t2", [("reply to t2", [])]), ("t3", [])]
    assert [c["body"] for c in page3.json()["data"]] == ["t4"]
    meta = page1.json()["meta"]
    assert (
        meta["page"],
        meta["per_page"],
        meta["total"],
        meta["threads"],
        meta["total_pages"],
    ) == (1, 2, 6, 5, 3)
    assert (
        page1.json()["links"]["next"]
        == f"http://testserver/api/v1/articles/{slug}/comments?per_page=2&page=2"
    )
    assert page3.json()["links"]["next"] is None
    assert 'rel="next"' in page1.headers["link"]
    assert (
        await client.get(f"/api/v1/articles/{slug}/comments?per_page=2&page=4")
    ).status_code == 404


@pytest.mark.parametrize("order", ["oldest", "newest"])
async def test_cursor_paging_walks_every_thread_once_in_order(store, site, client, order):
    article = site.article()
    slug = slug_of(store, article)
    # Two threads share a timestamp: the id breaks the tie.
    await add_comments(
        store,
        [{"article_id": article, "created_at": at(i // 2 * 2), "body": f"t{i}"} for i in range(7)],
    )
    seen = []
    url = f"/api/v1/articles/{slug}/comments?per_page=3&order={order}"
    answer = (await client.get(url)).json()
    seen += [c["body"] for c in answer["data"]]
    cursor = answer["meta"]["next_cursor"]
    while cursor:
        answer = (await client.get(f"{url}&cursor={cursor}")).json()
        assert answer["meta"].get("threads") is None
        seen += [c["body"] for c in answer["data"]]
        cursor = answer["meta"]["next_cursor"]
    expected = [f"t{i}" for i in range(7)]
    assert seen == (expected if order == "oldest" else expected[::-1])


async def test_a_cursor_of_another_order_or_garbage_is_a_422(store, site, client):
    article = site.article()
    slug = slug_of(store, article)
    await add_comments(store, [{"article_id": article, "created_at": at(i)} for i in range(3)])
    cursor = (await client.get(f"/api/v1/articles/{slug}/comments?per_page=1")).json()["meta"][
        "next_cursor"
    ]
    assert cursor
    assert (
        await client.get(f"/api/v1/articles/{slug}/comments?order=newest&cursor={cursor}")
    ).status_code == 422
    assert (await client.get(f"/api/v1/articles/{slug}/comments?cursor=bogus")).status_code == 422
    assert (await client.get(f"/api/v1/articles/{slug}/comments?order=random")).status_code == 422
    assert (await client.get(f"/api/v1/articles/{slug}/comments?sort=x")).status_code == 422


async def test_unknown_draft_and_scheduled_articles_are_404_and_a_renamed_one_redirects(
    store, site, client
):
    from datetime import timedelta

    from tests.articles.factories import now

    draft = slug_of(store, site.article(status="draft"))
    scheduled = slug_of(store, site.article(published_at=now() + timedelta(days=1)))
    archived = slug_of(store, site.article(status="archived"))
    site.article(slug="new-name", old_slugs=("old-name",))
    for slug in ("no-such-story", draft, scheduled, archived):
        answer = await client.get(f"/api/v1/articles/{slug}/comments")
        assert answer.status_code == 404, slug
        assert answer.headers["content-type"] == "application/problem+json"
    moved = await client.get("/api/v1/articles/old-name/comments?order=newest")
    assert moved.status_code == 301
    assert (
        moved.headers["location"]
        == "http://testserver/api/v1/articles/new-name/comments?order=newest"
    )


async def test_a_reply_deeper_than_the_limit_attaches_to_the_deepest_allowed_ancestor(store, site):
    article = site.article()
    slug = slug_of(store, article)
    async with running(
        create_app(settings_for(store, comments_policy="open", comments_max_depth=3))
    ) as client:
        level0 = (await post(client, slug, body="level 0")).json()
        level1 = (await post(client, slug, body="level 1", parent_id=level0["id"])).json()
        level2 = (await post(client, slug, body="level 2", parent_id=level1["id"])).json()
        too_deep = (await post(client, slug, body="would be 3", parent_id=level2["id"])).json()
        listed = (await client.get(f"/api/v1/articles/{slug}/comments")).json()
    assert level2["parent_id"] == level1["id"]
    assert too_deep["parent_id"] == level1["id"]  # a sibling of level 2, at depth 2
    rows = store.rows("SELECT id, depth, root_id FROM comment ORDER BY id")
    assert [(d, r) for _, d, r in rows] == [
        (0, None),
        (1, level0["id"]),
        (2, level0["id"]),
        (2, level0["id"]),
    ]
    assert _shape(listed["data"]) == [
        ("level 0", [("level 1", [("level 2", []), ("would be 3", [])])])
    ]
    assert listed["meta"]["total"] == 4 == comment_count(store, article)


async def test_with_depth_one_every_reply_is_top_level(store, site):
    slug = slug_of(store, site.article())
    async with running(
        create_app(settings_for(store, comments_policy="open", comments_max_depth=1))
    ) as client:
        top = (await post(client, slug, body="top")).json()
        reply = (await post(client, slug, body="reply", parent_id=top["id"])).json()
    assert reply["parent_id"] is None
    assert store.scalar("SELECT depth FROM comment WHERE id = :i", i=reply["id"]) == 0


async def test_a_page_of_threads_costs_a_fixed_number_of_queries(store, site):
    article = site.article()
    slug = slug_of(store, article)
    for base in range(0, 1000, 100):
        await _thread(store, article, base)
    app = create_app(settings_for(store, background_workers=False))
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        if "comment" in statement and "content_version" not in statement:  # this list's own
            statements.append(statement)

    event.listen(app.state.database.read_sync_engine, "before_cursor_execute", record)
    async with running(app) as client:
        paged = await client.get(f"/api/v1/articles/{slug}/comments?per_page=5")
        page_queries = len(statements)
        statements.clear()
        cursor = paged.json()["meta"]["next_cursor"]
        by_cursor = await client.get(f"/api/v1/articles/{slug}/comments?per_page=5&cursor={cursor}")
    assert len(paged.json()["data"]) == 5 and len(by_cursor.json()["data"]) == 5
    assert sum(1 for _ in by_cursor.json()["data"][0]["replies"]) == 2
    assert page_queries == 4  # article, threads, their replies, thread count
    assert len(statements) == 3  # article, threads, their replies


async def test_the_list_is_a_cacheable_public_answer(store, site, client):
    article = site.article()
    slug = slug_of(store, article)
    first = await client.get(f"/api/v1/articles/{slug}/comments")
    assert first.headers["cache-control"].startswith("public")
    assert f"article-{article}" in first.headers["surrogate-key"].split()
    again = await client.get(
        f"/api/v1/articles/{slug}/comments", headers={"If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304
