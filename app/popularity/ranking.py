"""Windows, hours and the trending score: the arithmetic every part of Popular News shares."""

from __future__ import annotations

import time
from typing import Literal

from sqlalchemy import Select, func
from sqlalchemy.sql import ColumnElement

from app.articles.models import Article
from app.articles.repository import SortSpec
from app.popularity.models import ViewTotal

Window = Literal["24h", "7d", "30d", "all"]
RankBy = Literal["views", "comments"]

WINDOW_HOURS: dict[str, int] = {"24h": 24, "7d": 7 * 24, "30d": 30 * 24}
WINDOW_COLUMNS: dict[str, str] = {
    "24h": "views_24h",
    "7d": "views_7d",
    "30d": "views_30d",
    "all": "views_all",
}

# Half-life of the trending score, in hours. The stored score is time-invariant (newer views weigh
# more), so it only grows and keyset paging over it is stable; the sweep rebases it long before a
# float could overflow (REBASE_AFTER_HALF_LIVES half-lives, a factor of 2^200).
TRENDING_HALF_LIFE_HOURS = 24.0
REBASE_AFTER_HALF_LIVES = 200


def hour_of(unix_seconds: float) -> int:
    return int(unix_seconds // 3600)


def current_hour() -> int:
    return hour_of(time.time())


def in_window(hour: int, swept_hour: int, window_hours: int) -> bool:
    """A bucket counts in a window that ends at `swept_hour` (inclusive) when it is one of its
    last `window_hours` hours, or newer (the sweep has not reached it yet)."""
    return hour > swept_hour - window_hours


def trending_weight(hour: int, base_hour: int) -> float:
    return float(2.0 ** ((hour - base_hour) / TRENDING_HALF_LIFE_HOURS))


def window_column(window: str) -> ColumnElement[int]:
    return getattr(ViewTotal, WINDOW_COLUMNS[window])  # type: ignore[no-any-return]


TRENDING_SCORE = func.coalesce(ViewTotal.trending, 0.0).label("trending_score")


def _join_totals(statement: Select[object]) -> Select[object]:
    # An outer join: articles never viewed rank last (score 0), newest id first among them.
    return statement.outerjoin(ViewTotal, ViewTotal.article_id == Article.id)  # type: ignore[arg-type]


def trending_sort() -> SortSpec:
    """The keyset of `sort=trending`: the decayed view score, highest first, then newest id."""
    return SortSpec(TRENDING_SCORE, True, float, join=_join_totals)
