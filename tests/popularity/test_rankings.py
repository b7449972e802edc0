"""GET /api/v1/popular: exact rankings per window, category, limit, ties and visibility."""

from __future__ import annotations

from datetime import timedelta

from app.popularity.ranking import current_hour
from tests.articles.factories import make_site, now
from tests.comments.factories import add_comments
from tests.popularity.helpers import record_views


def ranked(body: dict) -> list[tuple[str, int]]:
    return [(item["article"]["slug"], item["count"]) for item in body["data"]]


async def test_each_window_counts_only_its_hours(store, app, client):
    site = make_site(store)
    for slug in ("fresh", "weekly", "monthly", "ancient"):
        site.article(slug=slug, published_at=now() - timedelta(days=90))
    ids = dict(store.rows("SELECT slug, id FROM article"))
    await record_views(
        app,
        {
            ids["fresh"]: {0: 5, 23: 1},  # both inside 24h
            ids["weekly"]: {0: 3, 24: 10, 167: 2},  # 3 in 24h; 15 in 7d
            ids["monthly"]: {200: 20, 719: 1},  # only 30d
            ids["ancient"]: {720: 50},  # only all
        },
    )
    expected = {
        "24h": [("fresh", 6), ("weekly", 3)],
        "7d": [("weekly", 15), ("fresh", 6)],
        "30d": [("monthly", 21), ("weekly", 15), ("fresh", 6)],
        "all": [("ancient", 50), ("monthly", 21), ("weekly", 15), ("fresh", 6)],
    }
    for window, ranking in expected.items():
        response = await client.get("/api/v1/popular", params={"window": window})
        assert response.status_code == 200, response.text
        body = response.json()
        assert ranked(body) == ranking, window
        assert [item["rank"] for item in body["data"]] == list(range(1, len(ranking) + 1))
        assert body["meta"] == {"window": window, "by": "views", "category": None, "limit": 5}
    default = (await client.get("/api/v1/popular")).json()
    assert default["meta"]["window"] == "7d"
    assert ranked(default) == expected["7d"]


async def test_hours_leaving_a_window_are_subtracted_by_the_sweep(store, app, client):
    site = make_site(store)
    article = site.article(slug="leaving")
    await record_views(app, {article: {23: 4, 0: 1}})
    assert store.rows("SELECT views_24h, views_7d, views_all FROM popularity_total") == [(5, 5, 5)]
    # One hour later the bucket of 23 hours ago has left the 24h window; 7d and all keep it.
    await app.state.view_flusher.sweep_if_due(current_hour() + 1)
    assert store.rows("SELECT views_24h, views_7d, views_all FROM popularity_total") == [(1, 5, 5)]
    # A whole week later (a long gap) everything has left 24h and 7d.
    await app.state.view_flusher.sweep_if_due(current_hour() + 24 * 7 + 1)
    assert store.rows("SELECT views_24h, views_7d, views_30d, views_all FROM popularity_total") == [
        (0, 0, 5, 5)
    ]
    # Past 30 days, by the recompute path for gaps wider than the widest window.
    await app.state.view_flusher.sweep_if_due(current_hour() + 24 * 40)
    assert store.rows("SELECT views_24h, views_7d, views_30d, views_all FROM popularity_total") == [
        (0, 0, 0, 5)
    ]
    assert store.scalar("SELECT SUM(views) FROM popularity_bucket") == 5


async def test_category_and_limit_narrow_the_ranking(store, app, client):
    site = make_site(store)
    ids = {
        slug: site.article(slug=slug, category=category)
        for slug, category in (
            ("b1", "business"),
            ("b2", "business"),
            ("s1", "sports"),
            ("b3", "business"),
        )
    }
    await record_views(
        app, {ids["b1"]: {0: 7}, ids["b2"]: {0: 9}, ids["s1"]: {0: 100}, ids["b3"]: {0: 1}}
    )
    response = await client.get("/api/v1/popular", params={"category": "business", "limit": 2})
    assert response.status_code == 200, response.text
    assert ranked(response.json()) == [("b2", 9), ("b1", 7)]
    assert response.json()["meta"] == {
        "window": "7d",
        "by": "views",
        "category": "business",
        "limit": 2,
    }
    assert "category-business" in response.headers["surrogate-key"].split()
    top = await client.get("/api/v1/popular", params={"limit": 1})
    assert ranked(top.json()) == [("s1", 100)]
    unknown = await client.get("/api/v1/popular", params={"category": "weather"})
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "query.category"


async def test_ties_rank_the_newer_article_first(store, app, client):
    site = make_site(store)
    older, newer, other = (
        site.article(slug="older"),
        site.article(slug="newer"),
        site.article(slug="other"),
    )
    assert older < newer
    await record_views(app, {older: {0: 4}, newer: {0: 4}, other: {0: 2}})
    body = (await client.get("/api/v1/popular")).json()
    assert ranked(body) == [("newer", 4), ("older", 4), ("other", 2)]


async def test_only_visible_articles_ever_rank(store, app, client):
    site = make_site(store)
    shown = site.article(slug="shown")
    draft = site.article(slug="draft", status="draft")
    scheduled = site.article(slug="scheduled", published_at=now() + timedelta(hours=2))
    archived = site.article(slug="archived", status="archived")
    await record_views(app, {shown: {0: 1}, draft: {0: 9}, scheduled: {0: 9}, archived: {0: 9}})
    for window in ("24h", "7d", "30d", "all"):
        body = (await client.get("/api/v1/popular", params={"window": window})).json()
        assert ranked(body) == [("shown", 1)], window


async def test_articles_without_views_in_the_window_are_not_listed(store, app, client):
    site = make_site(store)
    site.article(slug="never-viewed")
    body = (await client.get("/api/v1/popular")).json()
    assert body["data"] == []


async def test_by_comments_ranks_by_approved_comments(store, app, client):
    site = make_site(store)
    site.article(slug="quiet", comment_count=0)
    site.article(slug="talked", comment_count=3)
    site.article(slug="debated", comment_count=12)
    response = await client.get("/api/v1/popular", params={"by": "comments", "window": "all"})
    assert response.status_code == 200, response.text
    assert ranked(response.json()) == [("debated", 12), ("talked", 3)]


async def test_by_comments_in_a_window_counts_approved_comments_posted_in_it(store, app, client):
    site = make_site(store)
    fresh = site.article(slug="fresh", category="sports")
    old = site.article(slug="old", category="business")
    t = now()
    await add_comments(
        store,
        [
            *({"article_id": fresh, "created_at": t - timedelta(hours=2)} for _ in range(3)),
            {"article_id": fresh, "created_at": t - timedelta(hours=1), "status": "pending"},
            *({"article_id": old, "created_at": t - timedelta(days=3)} for _ in range(5)),
            {"article_id": old, "created_at": t - timedelta(days=40)},
        ],
    )
    await app.state.tracker.refresh()

    async def top(**params):
        response = await client.get("/api/v1/popular", params={"by": "comments", **params})
        assert response.status_code == 200, response.text
        return ranked(response.json())

    assert await top(window="24h") == [("fresh", 3)]
    assert await top() == [("old", 5), ("fresh", 3)]  # the default window, 7d
    assert await top(window="30d", category="sports") == [("fresh", 3)]
    assert await top(window="30d") == [("old", 5), ("fresh", 3)]


async def test_unknown_window_by_or_limit_is_a_422_problem(store, client):
    for params, field in (
        ({"window": "1y"}, "query.window"),
        ({"by": "likes"}, "query.by"),
        ({"limit": "0"}, "query.limit"),
        ({"limit": "51"}, "query.limit"),
        ({"page": "2"}, None),
    ):
        response = await client.get("/api/v1/popular", params=params)
        assert response.status_code == 422, params
        assert response.headers["content-type"].startswith("application/problem+json")
        if field:
            assert response.json()["errors"][0]["field"] == field


async def test_popular_answers_are_cached_briefly(store, app, client):
    site = make_site(store)
    article = site.article(slug="cached")
    first = await client.get("/api/v1/popular")
    assert first.status_code == 200
    max_age = int(first.headers["cache-control"].split("max-age=")[1].split(",")[0])
    assert 0 < max_age <= app.state.settings.popular_cache_seconds
    assert "popular" in first.headers["surrogate-key"].split()
    await record_views(app, {article: {0: 1}})
    trending = await client.get("/api/v1/articles", params={"sort": "trending"})
    assert int(trending.headers["cache-control"].split("max-age=")[1].split(",")[0]) <= 3


async def test_sort_trending_orders_by_decayed_recent_views_with_cursor_paging(store, app, client):
    site = make_site(store)
    ids = {
        slug: site.article(slug=slug)
        for slug in ("old-hit", "rising", "quiet-a", "quiet-b", "steady")
    }
    # 100 views 10 days ago (weight 2^-10 each) < 5 views now; 'steady' 2 views now.
    await record_views(
        app, {ids["old-hit"]: {240: 100}, ids["rising"]: {0: 5}, ids["steady"]: {0: 1, 1: 1}}
    )
    response = await client.get("/api/v1/articles", params={"sort": "trending"})
    assert response.status_code == 200, response.text
    order = [a["slug"] for a in response.json()["data"]]
    # Never-viewed articles follow, newest id first.
    assert order == ["rising", "steady", "old-hit", "quiet-b", "quiet-a"]
    assert response.json()["meta"]["total"] == 5
    paged: list[str] = []
    cursor = None
    while True:
        params = {"sort": "trending", "per_page": "2"}
        if cursor:
            params["cursor"] = cursor
        page = (await client.get("/api/v1/articles", params=params)).json()
        paged += [a["slug"] for a in page["data"]]
        cursor = page["meta"].get("next_cursor")
        if not cursor:
            break
    assert paged == order


async def test_the_trending_score_is_rebased_long_before_it_could_overflow(store, app, client):
    site = make_site(store)
    older, newer = site.article(slug="older-trend"), site.article(slug="newer-trend")
    await record_views(app, {older: {0: 8}, newer: {0: 4}})
    hour = current_hour()
    # As if the base were 201 half-lives old: the next sweep rebases it to the current hour.
    with store.engine.begin() as conn:
        conn.exec_driver_sql(f"UPDATE popularity_state SET trending_base_hour = {hour - 201 * 24}")
        conn.exec_driver_sql(f"UPDATE popularity_total SET trending = trending * {2.0**201}")
    await app.state.view_flusher.sweep_if_due(hour + 1)
    assert store.scalar("SELECT trending_base_hour FROM popularity_state") == hour + 1
    scores = dict(store.rows("SELECT article_id, trending FROM popularity_total"))
    assert abs(scores[older] - 8 * 2 ** (-1 / 24)) < 1e-9
    assert abs(scores[newer] - 4 * 2 ** (-1 / 24)) < 1e-9
    order = [
        a["slug"]
        for a in (await client.get("/api/v1/articles", params={"sort": "trending"})).json()["data"]
    ]
    assert order == ["older-trend", "newer-trend"]
