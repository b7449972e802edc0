"""Helpers for comments tests: posting over HTTP and arranging comment rows in the store."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import insert, text

from app.comments.models import Comment
from tests.articles.factories import now
from tests.conftest import Store

_numbers = itertools.count(1)


def comment_form(**overrides: Any) -> dict[str, Any]:
    number = next(_numbers)
    form: dict[str, Any] = {
        "author_name": f"Reader {number}",
        "author_email": f"reader{number}@example.com",
        "body": f"Comment number {number}: thoughtful words.",
    }
    form.update(overrides)
    return form


async def post(client: httpx.AsyncClient, slug: str, **overrides: Any) -> httpx.Response:
    return await client.post(f"/api/v1/articles/{slug}/comments", json=comment_form(**overrides))


def slug_of(store: Store, article_id: int) -> str:
    return str(store.scalar("SELECT slug FROM article WHERE id = :i", i=article_id))


def add_comments(store: Store, rows: list[dict[str, Any]]) -> list[int]:
    """Insert comment rows as they are (the count is then recomputed, as the service would)."""
    base = now() - timedelta(days=1)
    ids = []
    with store.engine.begin() as conn:
        for index, row in enumerate(rows):
            number = next(_numbers)
            values = {
                "parent_id": None,
                "root_id": None,
                "depth": 0,
                "author_name": f"Seeded {number}",
                "author_email": f"seeded{number}@example.com",
                "email_hash": f"{number:064x}",
                "address_hash": "0" * 64,
                "user_agent": "test",
                "body": f"Seeded comment {number}",
                "status": "approved",
                "created_at": base + timedelta(seconds=index),
                "updated_at": base + timedelta(seconds=index),
                "content_hash": f"c{number:063x}",
                **row,
            }
            ids.append(conn.execute(insert(Comment).returning(Comment.id), [values]).scalar_one())
        conn.execute(text("UPDATE content_version SET version = version + 1"))
    return [int(i) for i in ids]


def at(seconds: int) -> datetime:
    return now() - timedelta(days=1) + timedelta(seconds=seconds)


def comment_count(store: Store, article_id: int) -> int:
    return int(store.scalar("SELECT comment_count FROM article WHERE id = :i", i=article_id))


def status_of(store: Store, comment_id: int) -> str:
    return str(store.scalar("SELECT status FROM comment WHERE id = :i", i=comment_id))
