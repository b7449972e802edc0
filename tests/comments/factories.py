"""Helpers for comments tests: posting over HTTP and arranging comment rows in the store."""

from __future__ import annotations

import asyncio
import itertools
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import insert, text

from app.comments.models import Comment
from app.core.config import Settings
from tests.articles.factories import now
from tests.conftest import Store, test_settings

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


async def add_comments(store: Store, rows: list[dict[str, Any]]) -> list[int]:
    """Insert comment rows as they are (counts are left alone)."""
    return await asyncio.to_thread(_add_comments, store, rows)


async def execute(store: Store, sql: str) -> None:
    """A write straight to the store, off the event loop."""
    await asyncio.to_thread(_execute, store, sql)


def _execute(store: Store, sql: str) -> None:
    with store.engine.begin() as conn:
        conn.exec_driver_sql(sql)


def _add_comments(store: Store, rows: list[dict[str, Any]]) -> list[int]:
    # Arranging writes run in a thread: a blocking write on the event loop would wait on the
    # SQLite write lock while the app's own writer (the outbox loop) waits for that loop.
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


def settings_for(store: Store, **overrides: Any) -> Settings:
    """Test settings without background loops: these tests write to the store synchronously on
    the event loop's thread, which must never wait on a SQLite write lock held by a loop of the
    app (an outbox claim of a comment.approved event). The live tests cover the loops."""
    return test_settings(store, **{"background_workers": False, **overrides})
