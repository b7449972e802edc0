"""List latency of `GET /api/v1/articles/{slug}/comments` for an article with 10 vs 10,000 comments.

A throwaway SQLite store in /tmp; the app runs in process (httpx ASGI transport). Each request
carries an Authorization header so the HTTP cache is bypassed and every answer runs the queries
(a reader's repeat request would be a cache hit). Usage:

    nice -n 19 python bench/comments_latency.py [--requests 200]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert, text

from app.comments.models import Comment
from app.core.config import Settings
from app.core.db import make_sync_engine
from app.main import create_app
from app.seed.demo import seed_demo


def _comments(article_id: int, count: int, start: datetime, first_id: int) -> list[dict[str, Any]]:
    """Threads of five: a top-level comment and four replies (two of them nested)."""
    rows: list[dict[str, Any]] = []
    for n in range(count):
        comment_id = first_id + n
        position = n % 5
        root = comment_id - position
        parent = None if position == 0 else (root if position in (1, 2) else root + 1)
        depth = 0 if position == 0 else (1 if position in (1, 2) else 2)
        rows.append(
            {
                "id": comment_id,
                "article_id": article_id,
                "parent_id": parent,
                "root_id": None if position == 0 else root,
                "depth": depth,
                "author_name": f"Reader {n % 97}",
                "author_email": f"reader{n % 97}@example.com",
                "email_hash": f"{n % 97:064x}",
                "address_hash": "0" * 64,
                "user_agent": "bench",
                "body": f"Comment {n}: a few words about it, see https://example.com/{n}.",
                "status": "approved",
                "created_at": start + timedelta(seconds=n),
                "updated_at": start + timedelta(seconds=n),
                "content_hash": f"{comment_id:064x}",
            }
        )
    return rows


def build_store(path: Path) -> tuple[str, str, str]:
    url = f"sqlite:///{path}"
    seed_demo(url, 50)
    engine = make_sync_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM comment"))
        small, large = (
            row[0] for row in conn.execute(text("SELECT id FROM article ORDER BY id LIMIT 2"))
        )
        start = datetime.now(UTC) - timedelta(days=2)
        conn.execute(insert(Comment), _comments(small, 10, start, 1))
        rows = _comments(large, 10_000, start, 100)
        for offset in range(0, len(rows), 5_000):
            conn.execute(insert(Comment), rows[offset : offset + 5_000])
        conn.execute(
            text(
                "UPDATE article SET comment_count = (SELECT count(*) FROM comment"
                " WHERE comment.article_id = article.id)"
            )
        )
        slugs = {
            i: s
            for i, s in conn.execute(
                text("SELECT id, slug FROM article WHERE id IN (:a, :b)"), {"a": small, "b": large}
            )
        }
    engine.dispose()
    return url, slugs[small], slugs[large]


async def measure(url: str, slug: str, requests: int) -> list[float]:
    app = create_app(Settings(database_url=url, log_json=False, background_workers=False))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            headers = {"Authorization": "Bearer bypass-the-cache"}
            path = f"/api/v1/articles/{slug}/comments"
            for _ in range(10):  # warm up
                assert (await client.get(path, headers=headers)).status_code == 200
            timings = []
            for _ in range(requests):
                began = time.perf_counter()
                answer = await client.get(path, headers=headers)
                timings.append((time.perf_counter() - began) * 1000)
                assert answer.status_code == 200
    return timings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="inkwell-comments-bench-") as folder:
        url, small, large = build_store(Path(folder) / "bench.db")
        results = {}
        for label, slug in (("10 comments", small), ("10,000 comments", large)):
            timings = asyncio.run(measure(url, slug, args.requests))
            median = statistics.median(timings)
            p95 = statistics.quantiles(timings, n=20)[18]
            results[label] = median
            print(
                f"{label:>16}: median {median:.2f} ms, p95 {p95:.2f} ms ({args.requests} requests)"
            )
        ratio = results["10,000 comments"] / results["10 comments"]
        print(f"ratio (10,000 / 10) of medians: {ratio:.2f}")


if __name__ == "__main__":
    main()
