"""`inkwell seed demo` leaves Popular News full, with rollups that agree with the buckets."""

from __future__ import annotations

from app.popularity.ranking import current_hour
from app.seed.demo import seed_demo


async def test_the_demo_seed_creates_a_skewed_view_history_that_ranks(store, client):
    report = seed_demo(store.url, articles=80)
    assert report.articles == 80
    hour = current_hour()
    window_sum = (
        "COALESCE((SELECT SUM(b.views) FROM popularity_bucket b"
        " WHERE b.article_id = t.article_id AND b.hour > :h - {hours}), 0)"
    )
    mismatched = store.rows(
        "SELECT t.article_id FROM popularity_total t WHERE t.views_all < t.views_30d"
        f" OR t.views_24h <> {window_sum.format(hours=24)}"
        f" OR t.views_7d <> {window_sum.format(hours=168)}"
        f" OR t.views_30d <> {window_sum.format(hours=720)}",
        h=hour,
    )
    assert mismatched == []
    viewed = store.scalar("SELECT COUNT(*) FROM popularity_total")
    assert viewed == 80
    counts = [
        row[0] for row in store.rows("SELECT views_7d FROM popularity_total ORDER BY views_7d DESC")
    ]
    assert counts[0] > 5 * counts[len(counts) // 2]  # a few hot articles
    for window in ("24h", "7d", "30d", "all"):
        body = (await client.get("/api/v1/popular", params={"window": window})).json()
        assert len(body["data"]) == 5, window
        ranked = [item["count"] for item in body["data"]]
        assert ranked == sorted(ranked, reverse=True)
    trending = (
        await client.get("/api/v1/articles", params={"sort": "trending", "per_page": "3"})
    ).json()
    assert len(trending["data"]) == 3
