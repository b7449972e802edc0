"""Demo comments for `inkwell seed demo`: approved, threaded, synthetic, bulk-inserted.

About a fifth of the articles get a discussion (1 to 12 comments, some replies up to three levels
deep); `Article.comment_count` is then set from the table in one statement. Hashes are keyed
with the configured secret, so "approved before" works for the demo commenters too.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, insert, select, text

from app.articles.models import Article
from app.comments.models import APPROVED, Comment
from app.core.clients import keyed_hash
from app.core.config import Settings
from app.seed import words

A = Article.__table__.c  # type: ignore[attr-defined]
SHARE = 0.2
BATCH = 5_000
PHRASES = (
    "Thanks for laying this out so clearly.",
    "I am not sure the numbers support the conclusion here.",
    "We saw the same thing in our town last spring.",
    "Does anyone know where the full report is published?",
    "Good reporting, as usual.",
    "The second part is the one that matters most.",
    "This deserves a follow-up piece.",
    "Interesting, but the headline oversells it a little.",
)
REPLIES = (
    "Agreed, well put.",
    "I read it differently, to be honest.",
    "Fair point; I had not thought of that.",
    "The report is linked at the end of the article.",
    "Same here.",
)


def _commenters(secret: str, rng: random.Random) -> list[tuple[str, str, str]]:
    people = []
    for index in range(200):
        first = rng.choice(words.FIRST_NAMES)
        last = rng.choice(words.LAST_NAMES)
        email = f"{first}.{last}.{index}@example.com".lower()
        people.append(
            (f"{first} {last[0]}.", email, keyed_hash(secret, email, purpose="comment-email"))
        )
    return people


def seed_comments(conn: Connection, articles: int, now: datetime, rng: random.Random) -> None:
    """Add threaded, approved demo comments to the demo articles."""
    secret = Settings().secret_key
    people = _commenters(secret, rng)
    addresses = [
        keyed_hash(secret, f"198.51.100.{i}", purpose="comment-address") for i in range(1, 255)
    ]
    next_id = int(conn.scalar(select(func.coalesce(func.max(Comment.id), 0))) or 0) + 1
    published = {
        row.id: row.published_at
        for row in conn.execute(select(A.id, A.published_at).where(A.status == "published"))
    }
    rows: list[dict[str, Any]] = []
    for article_id in range(1, articles + 1):
        start = published.get(article_id)
        if start is None or rng.random() >= SHARE:
            continue
        thread: list[tuple[int, int, int | None]] = []  # (id, depth, root_id)
        moment = start
        for _ in range(rng.randint(1, 12)):
            moment = min(moment + timedelta(minutes=rng.randint(3, 240)), now)
            name, email, email_hash = rng.choice(people)
            parent = rng.choice(thread) if thread and rng.random() < 0.4 else None
            if parent is not None and parent[1] >= 2:
                parent = None
            body = rng.choice(REPLIES if parent else PHRASES)
            comment_id = next_id
            next_id += 1
            rows.append(
                {
                    "id": comment_id,
                    "article_id": article_id,
                    "parent_id": parent[0] if parent else None,
                    "root_id": (parent[2] or parent[0]) if parent else None,
                    "depth": parent[1] + 1 if parent else 0,
                    "author_name": name,
                    "author_email": email,
                    "email_hash": email_hash,
                    "address_hash": rng.choice(addresses),
                    "user_agent": "Mozilla/5.0 (demo)",
                    "body": body,
                    "status": APPROVED,
                    "created_at": moment,
                    "updated_at": moment,
                    "content_hash": keyed_hash(
                        secret, "demo", str(comment_id), purpose="comment-content"
                    ),
                }
            )
            thread.append((comment_id, rows[-1]["depth"], rows[-1]["root_id"]))
        if len(rows) >= BATCH:
            conn.execute(insert(Comment), rows)
            rows.clear()
    if rows:
        conn.execute(insert(Comment), rows)
    if conn.dialect.name == "postgresql":
        conn.execute(
            text("SELECT setval(pg_get_serial_sequence('comment', 'id'), :n)"), {"n": next_id}
        )
    # Every demo comment is approved under approved parents: the visible count is a plain count.
    conn.execute(
        text(
            "UPDATE article SET comment_count = (SELECT count(*) FROM comment"
            " WHERE comment.article_id = article.id AND comment.status = 'approved')"
            " WHERE id IN (SELECT DISTINCT article_id FROM comment)"
        )
    )
