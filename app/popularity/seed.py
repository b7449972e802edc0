"""A demo view history for `inkwell seed demo`: hourly buckets and their rollups, bulk-inserted.

Skewed like real traffic: a few hot articles (a heavy-tailed peak), interest decaying over the
first days after publication, and a faint long tail. Only the newest few thousand articles get an
hourly history, so `--articles 1000000` stays quick.
"""

from __future__ import annotations

import math
import random
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select
from sqlalchemy.dialects import postgresql, sqlite

from app.articles.models import Article
from app.articles.visibility import visible_at
from app.popularity.models import PopularityState, ViewBucket, ViewTotal
from app.popularity.ranking import WINDOW_COLUMNS, WINDOW_HOURS, hour_of, in_window, trending_weight

HISTORY_ARTICLES = 2_000
HISTORY_HOURS = WINDOW_HOURS["30d"]
DECAY_HOURS = 30.0
BATCH = 5_000


def _history(rng: random.Random, age_hours: int) -> tuple[dict[int, int], int]:
    """(hours ago -> views) over the last 30 days, and the views before that."""
    hot = min(rng.paretovariate(1.2), 400.0)
    peak, tail = 4.0 * hot, 0.03 * hot
    buckets: dict[int, int] = {}
    for hours_ago in range(min(age_hours, HISTORY_HOURS - 1), -1, -1):
        since_publication = age_hours - hours_ago
        rate = peak * math.exp(-since_publication / DECAY_HOURS) + tail
        views = int(rate + rng.random())
        if views:
            buckets[hours_ago] = views
    earlier = int(peak * DECAY_HOURS) if age_hours >= HISTORY_HOURS else 0
    return buckets, earlier


def seed_views(conn: Connection, articles: int, now: datetime, rng: random.Random) -> None:
    """Fill the view buckets and rollups so that Popular News is full on a new install."""
    del articles  # the history covers the newest visible articles, however many there are
    hour = hour_of(now.timestamp())
    rows = conn.execute(
        select(Article.id, Article.published_at)
        .where(visible_at(now))
        .order_by(Article.published_at.desc(), Article.id.desc())  # type: ignore[union-attr]
        .limit(HISTORY_ARTICLES)
    ).all()
    buckets: list[dict[str, Any]] = []
    totals: list[dict[str, Any]] = []
    for article_id, published_at in rows:
        age_hours = max(0, hour - hour_of(published_at.timestamp()))
        history, earlier = _history(rng, age_hours)
        total: dict[str, Any] = {"article_id": article_id, "views_all": earlier, "trending": 0.0}
        total.update(dict.fromkeys(WINDOW_COLUMNS.values(), 0))
        for hours_ago, views in history.items():
            bucket_hour = hour - hours_ago
            buckets.append({"article_id": article_id, "hour": bucket_hour, "views": views})
            total["views_all"] += views
            total["trending"] += views * trending_weight(bucket_hour, hour)
            for window, hours in WINDOW_HOURS.items():
                if in_window(bucket_hour, hour, hours):
                    total[WINDOW_COLUMNS[window]] += views
        if total["views_all"]:
            totals.append(total)
        if len(buckets) >= BATCH:
            conn.execute(insert(ViewBucket), buckets)
            buckets.clear()
    if buckets:
        conn.execute(insert(ViewBucket), buckets)
    for start in range(0, len(totals), BATCH):
        conn.execute(insert(ViewTotal), totals[start : start + BATCH])
    dialect_insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    state = dialect_insert(PopularityState).values(id=1, swept_hour=hour, trending_base_hour=hour)
    conn.execute(
        state.on_conflict_do_update(
            index_elements=["id"], set_={"swept_hour": hour, "trending_base_hour": hour}
        )
    )
