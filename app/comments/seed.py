"""Demo comments for `inkwell seed demo` (built by the comments issue)."""

from __future__ import annotations

import random
from datetime import datetime

from sqlalchemy import Connection


def seed_comments(conn: Connection, articles: int, now: datetime, rng: random.Random) -> None:
    """Add threaded, approved demo comments to the demo articles."""
    del conn, articles, now, rng
