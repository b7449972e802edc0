"""Arranging views for Popular News tests through the real counting and flushing code."""

from __future__ import annotations

from fastapi import FastAPI

from app.popularity.counter import COUNTS_BUCKET
from app.popularity.ranking import current_hour

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


async def record_views(app: FastAPI, views: dict[int, dict[int, int]]) -> int:
    """Count `{article_id: {hours_ago: views}}` into shared state, then flush them to the store."""
    now = current_hour()
    counts = {
        f"{article}:{now - hours_ago}": amount
        for article, by_age in views.items()
        for hours_ago, amount in by_age.items()
    }
    await app.state.shared_state.add_counts(COUNTS_BUCKET, counts)
    return int(await app.state.view_flusher.flush())


def beacon_headers(user_agent: str = BROWSER) -> dict[str, str]:
    return {"User-Agent": user_agent, "Content-Type": "application/json"}
