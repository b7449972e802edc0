"""Public GETs: ETag, 304 with no SQL, Last-Modified, Cache-Control, Surrogate-Key, invalidation."""

from datetime import timedelta
from email.utils import format_datetime, parsedate_to_datetime

import pytest
from sqlalchemy import event, text

from tests.articles.factories import make_site, now
from tests.keys.factories import bearer


@pytest.fixture
def site(store):
    return make_site(store)


def counting(app):
    statements = []
    engine = app.state.database.read_sync_engine

    def count(_conn, _cursor, statement, *_rest):
        if "outbox_job" not in statement:
            statements.append(statement)

    return engine, count, statements


async def test_a_matching_if_none_match_is_answered_304_without_any_sql(site, app, client):
    site.article("Cached", slug="cached")
    first = await client.get("/api/v1/articles/cached")
    etag = first.headers["etag"]
    assert etag.startswith('W/"')
    assert first.headers["cache-control"].startswith("public, max-age=")
    assert "stale-while-revalidate=" in first.headers["cache-control"]
    assert parsedate_to_datetime(first.headers["last-modified"])
    engine, count, statements = counting(app)
    event.listen(engine, "before_cursor_execute", count)
    try:
        again = await client.get("/api/v1/articles/cached", headers={"If-None-Match": etag})
        cached = await client.get("/api/v1/articles/cached")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    assert cached.status_code == 200 and cached.content == first.content
    assert [s for s in statements if "content_version" not in s] == []


async def test_if_modified_since_answers_304_and_an_older_date_answers_200(site, client):
    site.article("Dated", slug="dated")
    first = await client.get("/api/v1/articles/dated")
    last_modified = first.headers["last-modified"]
    same = await client.get("/api/v1/articles/dated", headers={"If-Modified-Since": last_modified})
    assert same.status_code == 304
    older = format_datetime(parsedate_to_datetime(last_modified) - timedelta(hours=1), usegmt=True)
    assert (
        await client.get("/api/v1/articles/dated", headers={"If-Modified-Since": older})
    ).status_code == 200


async def test_a_write_changes_the_etag_and_the_answer_at_once(site, store, app, client):
    site.article("Before", slug="story")
    first = await client.get("/api/v1/articles/story")
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE article SET title = 'After' WHERE slug = 'story'"))
        conn.execute(text("UPDATE content_version SET version = version + 1"))
    await app.state.tracker.refresh()  # what every worker does within version_poll_seconds
    second = await client.get(
        "/api/v1/articles/story", headers={"If-None-Match": first.headers["etag"]}
    )
    assert second.status_code == 200
    assert second.json()["title"] == "After" and second.headers["etag"] != first.headers["etag"]


async def test_a_scheduled_article_caps_max_age_and_appears_at_its_time(site, app, client):
    site.article("Now", slug="now")
    site.article("Soon", slug="soon", published_at=now() + timedelta(seconds=4))
    await app.state.tracker.refresh()  # what every worker does within version_poll_seconds
    listing = await client.get("/api/v1/articles")
    max_age = int(listing.headers["cache-control"].split("max-age=")[1].split(",")[0])
    assert max_age <= 4
    assert [a["slug"] for a in listing.json()["data"]] == ["now"]
    import asyncio

    await asyncio.sleep(4.5)
    later = await client.get("/api/v1/articles", headers={"If-None-Match": listing.headers["etag"]})
    assert later.status_code == 200
    assert [a["slug"] for a in later.json()["data"]] == ["soon", "now"]


async def test_surrogate_keys_name_what_an_answer_depends_on(site, client):
    site.article("Tagged", slug="tagged", category="sports", tags=("football",))
    listing = await client.get("/api/v1/articles?category=sports&tag=football")
    assert listing.headers["surrogate-key"] == "articles category-sports tag-football"
    assert (await client.get("/api/v1/categories")).headers["surrogate-key"] == "categories"


async def test_answers_to_credentialed_requests_are_private_and_errors_are_not_cached(site, client):
    site.article("Any", slug="any")
    keyed = await client.get("/api/v1/categories", headers=bearer("ink_" + "x" * 40))
    assert keyed.headers["cache-control"] == "private, no-store"
    missing = await client.get("/api/v1/articles/nope")
    assert missing.status_code == 404 and "etag" not in missing.headers
    assert missing.headers["cache-control"] == "no-store"


async def test_head_is_answered_like_get_without_a_body(site, client):
    site.article("Head", slug="head")
    got = await client.get("/api/v1/articles/head")
    head = await client.head("/api/v1/articles/head")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == got.headers["etag"]


async def test_concurrent_misses_of_one_answer_render_it_once(site, app, client):
    import asyncio

    site.article("Breaking", slug="breaking")
    await app.state.tracker.refresh()
    engine, count, statements = counting(app)
    event.listen(engine, "before_cursor_execute", count)
    try:
        answers = await asyncio.gather(
            *(client.get("/api/v1/articles/breaking") for _ in range(10))
        )
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert {a.status_code for a in answers} == {200}
    assert len({a.content for a in answers}) == 1 and len({a.headers["etag"] for a in answers}) == 1
    article_reads = [s for s in statements if "FROM article " in s and "article.body_html" in s]
    assert len(article_reads) == 1, article_reads

    def outcome(name: str) -> float:
        return app.state.metrics.cache.labels(name)._value.get()

    # The nine others joined the first render while it ran (or, arriving after it, found it kept).
    assert outcome("miss") == 1
    assert outcome("coalesced") + outcome("hit") == 9 and outcome("coalesced") >= 1


async def test_a_miss_that_is_not_kept_is_rendered_by_each_waiting_request(site, app, client):
    import asyncio

    answers = await asyncio.gather(*(client.get("/api/v1/articles/missing") for _ in range(3)))
    assert [a.status_code for a in answers] == [404, 404, 404]
    assert all(a.headers["content-type"] == "application/problem+json" for a in answers)
