"""Posting comments: policy, holding, honeypot, duplicates, limits, validation, closed articles."""

from __future__ import annotations

import orjson
import pytest

from app.main import create_app
from tests.articles.factories import make_site
from tests.comments.factories import (
    add_comments,
    comment_count,
    comment_form,
    execute,
    post,
    settings_for,
    slug_of,
    status_of,
)
from tests.conftest import running


@pytest.fixture
def site(store):
    return make_site(store)


async def _with(store, **overrides):
    return running(create_app(settings_for(store, **overrides)))


async def test_a_new_author_is_held_and_an_author_approved_before_is_published(store, site, client):
    article = site.article()
    slug = slug_of(store, article)
    first = await post(client, slug, author_email="maya@example.com", body="First words.")
    assert first.status_code == 201, first.text
    assert first.json()["status"] == "pending"
    await execute(store, f"UPDATE comment SET status = 'approved' WHERE id = {first.json()['id']}")
    second = await post(client, slug, author_email="MAYA@example.com", body="Second words.")
    assert second.status_code == 201, second.text
    assert second.json()["status"] == "approved"
    assert status_of(store, second.json()["id"]) == "approved"
    other = await post(client, slug, author_email="someone.else@example.com", body="Third words.")
    assert other.json()["status"] == "pending"


@pytest.mark.parametrize(("policy", "expected"), [("hold", "pending"), ("open", "approved")])
async def test_the_policy_decides_what_is_held(store, site, policy, expected):
    article = site.article()
    slug = slug_of(store, article)
    await add_comments(store, [{"article_id": article, "email_hash": "x" * 64}])
    async with await _with(store, comments_policy=policy) as client:
        answer = await post(client, slug)
    assert answer.status_code == 201, answer.text
    assert answer.json()["status"] == expected
    assert status_of(store, answer.json()["id"]) == expected


async def test_hold_keeps_even_an_author_approved_before(store, site):
    slug = slug_of(store, site.article())
    async with await _with(store, comments_policy="open") as client:
        await post(client, slug, author_email="known@example.com")
    async with await _with(store, comments_policy="hold") as client:
        answer = await post(client, slug, author_email="known@example.com")
    assert answer.json()["status"] == "pending"


async def test_too_many_links_or_a_moderation_word_hold_a_comment_under_the_open_policy(
    store, site
):
    article = site.article()
    slug = slug_of(store, article)
    async with await _with(
        store,
        comments_policy="open",
        comments_max_links=2,
        comments_moderation_words="casino,  Miracle Pill",
    ) as client:
        two_links = await post(client, slug, body="See http://a.example/1 and https://b.example/2")
        three_links = await post(
            client, slug, body="http://a.example/1 https://b.example/2 www.c.example"
        )
        word_in_body = await post(client, slug, body="Try the miracle pill today")
        word_in_name = await post(client, slug, author_name="Casino Royale")
        clean = await post(client, slug, body="Nothing to see here")
    assert [
        r.json()["status"] for r in (two_links, three_links, word_in_body, word_in_name, clean)
    ] == [
        "approved",
        "pending",
        "pending",
        "pending",
        "approved",
    ]
    assert comment_count(store, article) == 2


async def test_a_filled_honeypot_looks_accepted_but_is_stored_as_spam(store, site):
    article = site.article()
    slug = slug_of(store, article)
    async with await _with(store, comments_policy="open") as client:
        answer = await post(client, slug, website="http://spam.example")
        listed = await client.get(f"/api/v1/articles/{slug}/comments")
    assert answer.status_code == 201
    assert answer.json()["status"] == "pending"
    assert status_of(store, answer.json()["id"]) == "spam"
    assert listed.json()["data"] == [] and comment_count(store, article) == 0


async def test_the_same_comment_twice_is_a_conflict(store, site, client):
    article = site.article()
    slug = slug_of(store, article)
    first = await post(client, slug, author_email="dup@example.com", body="Same  words here.")
    again = await post(client, slug, author_email="Dup@Example.com", body="same words\nhere.")
    other_author = await post(
        client, slug, author_email="other@example.com", body="Same words here."
    )
    assert first.status_code == 201
    assert again.status_code == 409, again.text
    assert again.headers["content-type"] == "application/problem+json"
    assert other_author.status_code == 201
    assert store.scalar("SELECT count(*) FROM comment") == 2


async def test_a_trashed_comment_may_be_posted_again(store, site, client):
    slug = slug_of(store, site.article())
    first = await post(client, slug, author_email="t@example.com", body="Once more.")
    await execute(store, f"UPDATE comment SET status = 'trash' WHERE id = {first.json()['id']}")
    assert (
        await post(client, slug, author_email="t@example.com", body="Once more.")
    ).status_code == 201


async def test_typed_html_comes_back_escaped_and_links_are_safe(store, site, client):
    slug = slug_of(store, site.article())
    body = (
        "<script>alert(1)</script> & <b>bold</b>\n"
        'see https://example.com/a?x=1&y=2"onmouseover=alert(1) and javascript:alert(2)\n\n'
        "second paragraph, http://example.org/path."
    )
    answer = await post(client, slug, body=body)
    assert answer.status_code == 201, answer.text
    posted = answer.json()
    assert posted["body"] == body
    assert posted["body_html"] == (
        "<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;<br>\n"
        'see <a href="https://example.com/a?x=1&amp;y=2" rel="nofollow ugc noopener">'
        "https://example.com/a?x=1&amp;y=2</a>&quot;onmouseover=alert(1) "
        "and javascript:alert(2)</p>\n"
        '<p>second paragraph, <a href="http://example.org/path" rel="nofollow ugc noopener">'
        "http://example.org/path</a>.</p>"
    )


async def test_control_characters_are_stripped_and_the_body_kept_as_typed(store, site, client):
    slug = slug_of(store, site.article())
    answer = await post(
        client, slug, author_name="  Ann\u202e Lee\n ", body="line one\r\nline\x07 two\t!\x1b  "
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["author_name"] == "Ann Lee"
    assert answer.json()["body"] == "line one\nline two\t!"
    # NUL is the exception: refused for every route (PostgreSQL text cannot hold it).
    nul = await post(client, slug, author_name="Ann\x00 Lee", body="Another line.")
    assert nul.status_code == 422, nul.text


async def test_public_answers_never_carry_the_email_or_any_hash(store, site):
    article = site.article()
    slug = slug_of(store, article)
    async with await _with(store, comments_policy="open") as client:
        posted = await post(client, slug, author_email="secret.person@example.com")
        listed = await client.get(f"/api/v1/articles/{slug}/comments")
    email_hash, address_hash, content_hash = store.rows(
        "SELECT email_hash, address_hash, content_hash FROM comment"
    )[0]
    for raw in (posted.text, listed.text):
        assert "secret.person" not in raw and "example.com" not in raw
        for secret in (email_hash, address_hash, content_hash, "203.0.113.7"):
            assert secret not in raw
        assert (
            "email" not in raw
            and "hash" not in raw
            and "address" not in raw
            and "avatar" not in raw
        )
    assert listed.json()["data"][0]["id"] == posted.json()["id"]
    # What the store keeps instead of the raw address: a keyed hash, never the address itself.
    assert store.scalar("SELECT count(*) FROM comment WHERE address_hash LIKE '%203.0.113%'") == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"author_name": None}, "body.author_name"),
        ({"author_name": ""}, "body.author_name"),
        ({"author_name": " \x07 "}, "body.author_name"),
        ({"author_name": "n" * 81}, "body.author_name"),
        ({"author_email": "not-an-email"}, "body.author_email"),
        ({"author_email": "a@" + "b" * 250 + ".com"}, "body.author_email"),
        ({"body": ""}, "body.body"),
        ({"body": "   \n\n  "}, "body.body"),
        ({"body": 42}, "body.body"),
        ({"parent_id": "1"}, "body.parent_id"),
        ({"parent_id": 0}, "body.parent_id"),
        ({"colour": "red"}, "body.colour"),
    ],
)
async def test_invalid_input_is_a_422_naming_the_field_and_stores_nothing(
    store, site, client, change, field
):
    slug = slug_of(store, site.article())
    form = {k: v for k, v in {**comment_form(), **change}.items() if v is not None}
    answer = await client.post(f"/api/v1/articles/{slug}/comments", json=form)
    assert answer.status_code == 422, answer.text
    assert field in [e["field"] for e in answer.json()["errors"]]
    assert store.scalar("SELECT count(*) FROM comment") == 0


async def test_a_body_over_the_limit_is_a_413_and_at_the_limit_is_accepted(store, site, client):
    slug = slug_of(store, site.article())
    too_long = await post(client, slug, body="x" * 5001)
    assert too_long.status_code == 413, too_long.text
    assert too_long.json()["status"] == 413 and "5000" in too_long.json()["detail"]
    assert (await post(client, slug, body="y" * 5000)).status_code == 201
    assert store.scalar("SELECT count(*) FROM comment") == 1


async def test_a_request_over_the_byte_limit_is_a_413(store, site, client):
    slug = slug_of(store, site.article())
    answer = await post(client, slug, body="z" * 70_000)
    assert answer.status_code == 413
    assert store.scalar("SELECT count(*) FROM comment") == 0


async def test_a_parent_of_another_article_or_not_approved_is_a_422(store, site, client):
    article, other = site.article(), site.article()
    slug = slug_of(store, article)
    elsewhere, pending = await add_comments(
        store, [{"article_id": other}, {"article_id": article, "status": "pending"}]
    )
    for parent in (elsewhere, pending, 999_999):
        answer = await post(client, slug, parent_id=parent)
        assert answer.status_code == 422, answer.text
        assert answer.json()["errors"] == [
            {
                "field": "body.parent_id",
                "message": "must be the id of an approved comment on this article",
            }
        ]
    assert store.scalar("SELECT count(*) FROM comment") == 2


async def test_closed_and_archived_articles_refuse_comments_and_unknown_ones_are_404(
    store, site, client
):
    closed = slug_of(store, site.article(comments_open=False))
    archived = slug_of(store, site.article(status="archived"))
    draft = slug_of(store, site.article(status="draft"))
    assert (await post(client, closed)).status_code == 403
    assert (await post(client, archived)).status_code == 403
    assert (await post(client, draft)).status_code == 404
    assert (await post(client, "no-such-story")).status_code == 404
    assert store.scalar("SELECT count(*) FROM comment") == 0


async def test_a_flood_from_one_address_or_one_email_is_a_429_with_retry_after(store, site):
    slug = slug_of(store, site.article())
    async with await _with(
        store, comments_rate_limit_address="3/minute", comments_rate_limit_email="2/minute"
    ) as client:
        same_email = [await post(client, slug, author_email="f@example.com") for _ in range(3)]
        assert [r.status_code for r in same_email] == [201, 201, 429]
        assert int(same_email[2].headers["retry-after"]) >= 1
        assert (await post(client, slug)).status_code == 429  # the address's fourth
    assert store.scalar("SELECT count(*) FROM comment") == 2


async def test_an_approved_comment_is_listed_at_once_counted_and_sent_to_webhooks(store, site):
    article = site.article()
    slug = slug_of(store, article)
    async with await _with(store, comments_policy="open") as client:
        before = await client.get(f"/api/v1/articles/{slug}/comments")
        assert before.json()["meta"]["total"] == 0
        posted = await post(client, slug, body="Fresh")
        after = await client.get(f"/api/v1/articles/{slug}/comments")
        detail = await client.get(f"/api/v1/articles/{slug}")
    assert [c["body"] for c in after.json()["data"]] == ["Fresh"]
    assert after.json()["meta"]["total"] == 1 and detail.json()["comment_count"] == 1
    payloads = [
        orjson.loads(p)
        for (p,) in store.rows("SELECT payload FROM outbox_job WHERE kind = 'webhook.event'")
    ]
    assert [p["event"] for p in payloads] == ["comment.approved"]
    assert payloads[0]["data"]["id"] == posted.json()["id"]
    assert payloads[0]["data"]["article"] == {"id": article, "slug": slug}
    assert "email" not in orjson.dumps(payloads[0]).decode()


async def test_a_held_comment_changes_nothing_readers_see(store, site, client):
    article = site.article()
    slug = slug_of(store, article)
    version = store.scalar("SELECT version FROM content_version")
    assert (await post(client, slug)).json()["status"] == "pending"
    assert store.scalar("SELECT version FROM content_version") == version
    assert store.scalar("SELECT count(*) FROM outbox_job") == 0


async def test_concurrent_posts_keep_the_count_exact_and_let_one_duplicate_through(store, site):
    import asyncio

    article = site.article()
    slug = slug_of(store, article)
    async with await _with(
        store, comments_policy="open", comments_rate_limit_address="100/minute"
    ) as client:
        distinct = [post(client, slug, body=f"Distinct {i}") for i in range(8)]
        twins = [post(client, slug, author_email="twin@example.com", body="Twin") for _ in range(2)]
        answers = await asyncio.gather(*distinct, *twins)
    assert [a.status_code for a in answers[:8]] == [201] * 8
    assert sorted(a.status_code for a in answers[8:]) == [201, 409]
    assert comment_count(store, article) == 9 == store.scalar("SELECT count(*) FROM comment")
