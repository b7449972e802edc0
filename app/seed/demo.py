"""`inkwell seed demo`: a deterministic synthetic news site, bulk-loaded.

Small sites get rich bodies; at scale (`--articles 1000000`) bodies are shorter and rows go in
with executemany in large batches (COPY-like speed on PostgreSQL with psycopg's pipeline), with
SQLite's FTS triggers set aside and the index rebuilt once at the end.
"""

from __future__ import annotations

import html
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import Connection, func, insert, select, text

from app.articles.counts import refresh_all_counts_sync
from app.articles.models import Article, ArticleTag
from app.articles.rendering import anchor_headings, derive_text
from app.authors.models import Author
from app.categories.models import Category
from app.core import search_schema
from app.core.db import make_sync_engine
from app.core.migrations import upgrade_to_head
from app.seed import words
from app.tags.models import Tag

BATCH = 5_000
RICH_BODY_LIMIT = 20_000


@dataclass(frozen=True)
class SeedReport:
    articles: int
    seconds: float
    skipped: bool = False


ExtraSeeder = Callable[[Connection, int, datetime, random.Random], None]


def _extra_seeders() -> list[ExtraSeeder]:
    """Domains that add demo data after the articles: comments, then views."""
    from app.comments.seed import seed_comments
    from app.popularity.seed import seed_views

    return [seed_comments, seed_views]


def _title(rng: random.Random, category: str) -> tuple[str, str]:
    topic = rng.choice(words.TOPICS[category])
    title = f"{topic.capitalize()} {rng.choice(words.VERBS)} {rng.choice(words.OBJECTS)} {rng.choice(words.QUALIFIERS)}"
    return title, topic


def _sentence(rng: random.Random, topic: str) -> str:
    middle = rng.choice(words.SENTENCE_MIDDLES).format(topic=topic)
    return f"{rng.choice(words.SENTENCE_OPENERS)} {middle}, {rng.choice(words.SENTENCE_ENDS)}"


def _body(rng: random.Random, topic: str, number: int, rich: bool) -> str:
    sections = rng.sample(words.HEADINGS, 4 if rich else 2)
    parts: list[str] = []
    for index, heading in enumerate(sections):
        parts.append(f"<h2>{html.escape(heading)}</h2>")
        for _ in range(rng.randint(2, 3) if rich else 1):
            sentences = " ".join(
                _sentence(rng, topic) for _ in range(rng.randint(2, 4) if rich else 2)
            )
            parts.append(f"<p>{html.escape(sentences)}</p>")
        if index == 0:
            parts.append(
                f'<figure><img src="/media/demo/figure-{number % 97}.svg" alt="An illustration of the {html.escape(topic)}">'
                f"<figcaption>The {html.escape(topic)}, as seen by our illustrator. "
                f"<small>Illustration: inkwell demo studio</small></figcaption></figure>"
            )
        if rich and index == 1:
            parts.append(f"<h3>In brief</h3><ul><li>{html.escape(_sentence(rng, topic))}</li></ul>")
    return "".join(parts)


def _article_rows(
    count: int, now: datetime, ids: dict[str, Any], rng: random.Random
) -> Iterator[tuple[dict[str, Any], list[int]]]:
    rich = count <= RICH_BODY_LIMIT
    span = timedelta(days=max(30, count // 200))  # a few hundred articles a day at scale
    slugs = [slug for slug, _, _ in words.CATEGORIES]
    for number in range(1, count + 1):
        category = slugs[number % len(slugs)]
        title, topic = _title(rng, category)
        body = _body(rng, topic, number, rich)
        body_html, toc = anchor_headings(body)
        derived = derive_text(body_html)
        published = now - span * ((count - number) / count) - timedelta(minutes=5)
        row = {
            "slug": f"{_slugish(title)}-{number}",
            "title": title,
            "excerpt": derived.excerpt,
            "status": "published",
            "published_at": published,
            "created_at": published,
            "updated_at": published + timedelta(minutes=rng.randint(0, 600))
            if number % 5 == 0
            else published,
            "category_id": ids["categories"][category],
            "author_id": rng.choice(ids["authors"]),
            "hero_url": f"/media/demo/hero-{number % 211}.svg",
            "hero_alt": f"The {topic}",
            "hero_caption": f"The {topic} this week.",
            "hero_credit": "Illustration: inkwell demo studio",
            "body_format": "html",
            "body_source": body,
            "body_html": body_html,
            "body_text": derived.text,
            "toc": orjson.dumps(
                [{"id": t.id, "text": t.text, "level": t.level} for t in toc]
            ).decode(),
            "reading_time_minutes": derived.reading_time_minutes,
            "comment_count": 0,
            "comments_open": True,
            "revision": 1,
        }
        yield row, rng.sample(ids["tags"], rng.randint(1, 3))


def _slugish(title: str) -> str:
    kept = "".join(ch if ch.isalnum() else "-" for ch in title.lower())
    return "-".join(part for part in kept.split("-") if part)[:80]


def _taxonomy(conn: Connection, rng: random.Random, now: datetime) -> dict[str, Any]:
    conn.execute(
        insert(Category),
        [
            {
                "slug": s,
                "name": n,
                "description": d,
                "position": i,
                "article_count": 0,
                "created_at": now,
                "updated_at": now,
            }
            for i, (s, n, d) in enumerate(words.CATEGORIES, start=1)
        ],
    )
    authors = []
    for first, last in zip(words.FIRST_NAMES, words.LAST_NAMES, strict=True):
        authors.append(
            {
                "slug": f"{first}-{last}".lower(),
                "name": f"{first} {last}",
                "bio": f"{first} writes about the stories behind the headlines.",
                "avatar_url": f"/media/demo/avatar-{first.lower()}.svg",
                "article_count": 0,
                "created_at": now,
                "updated_at": now,
            }
        )
    conn.execute(insert(Author), authors)
    conn.execute(
        insert(Tag),
        [
            {"slug": t, "name": t.replace("-", " ").title(), "article_count": 0, "created_at": now}
            for t in words.TAGS
        ],
    )
    return {
        "categories": dict(conn.execute(select(Category.slug, Category.id)).all()),  # type: ignore[arg-type]
        "authors": list(conn.scalars(select(Author.id))),
        "tags": list(conn.scalars(select(Tag.id))),
    }


def seed_demo(
    database_url: str, articles: int = 300, *, seed: int = 7, now: datetime | None = None
) -> SeedReport:
    """Load the demo site into an empty store (migrating it first). A non-empty store is left alone."""
    started = time.perf_counter()
    upgrade_to_head(database_url)
    engine = make_sync_engine(database_url)
    now = now or datetime.now(UTC)
    rng = random.Random(seed)
    try:
        with engine.begin() as conn:
            if conn.scalar(select(func.count()).select_from(Category)):
                return SeedReport(0, time.perf_counter() - started, skipped=True)
            ids = _taxonomy(conn, rng, now)
            sqlite = conn.dialect.name == "sqlite"
            bulk = sqlite and articles > RICH_BODY_LIMIT
            if bulk:
                for statement in search_schema.SQLITE_DOWN:
                    conn.exec_driver_sql(statement)
            rows: list[dict[str, Any]] = []
            tag_sets: list[list[int]] = []
            next_id = 1
            for row, tag_ids in _article_rows(articles, now, ids, rng):
                row["id"] = next_id
                next_id += 1
                rows.append(row)
                tag_sets.append(tag_ids)
                if len(rows) >= BATCH:
                    _flush(conn, rows, tag_sets)
            _flush(conn, rows, tag_sets)
            if bulk:
                for statement in search_schema.SQLITE_UP:
                    conn.exec_driver_sql(statement)
                conn.exec_driver_sql(
                    "INSERT INTO article_search(article_search) VALUES ('rebuild')"
                )
            if not sqlite:
                conn.execute(
                    text("SELECT setval(pg_get_serial_sequence('article', 'id'), :n)"),
                    {"n": next_id},
                )
            refresh_all_counts_sync(conn)
            for extra in _extra_seeders():
                extra(conn, articles, now, rng)
            conn.exec_driver_sql("UPDATE content_version SET version = version + 1")
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            # Planner statistics: without them SQLite picks the visibility index for id lookups.
            conn.exec_driver_sql("ANALYZE")
    finally:
        engine.dispose()
    return SeedReport(articles, time.perf_counter() - started)


def _flush(conn: Connection, rows: list[dict[str, Any]], tag_sets: list[list[int]]) -> None:
    if not rows:
        return
    conn.execute(insert(Article), rows)
    links = [
        {"article_id": row["id"], "tag_id": t}
        for row, tags in zip(rows, tag_sets, strict=True)
        for t in tags
    ]
    conn.execute(insert(ArticleTag), links)
    rows.clear()
    tag_sets.clear()
