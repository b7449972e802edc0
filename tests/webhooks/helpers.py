"""Small helpers for webhook tests: a webhook over the API, an event in a committed transaction."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from typing import Any

import httpx
from fastapi import FastAPI

from app.webhooks.events import EventName, emit
from tests.conftest import Store
from tests.keys.factories import bearer, issue_key


async def create_webhook(
    client: httpx.AsyncClient, admin_key: str, url: str, events: list[str], **extra: Any
) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/webhooks", json={"url": url, "events": events, **extra}, headers=bearer(admin_key)
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def emit_committed(
    app: FastAPI, event: EventName, data: dict[str, Any], *, due_at: datetime | None = None
) -> None:
    """Emit an event the way a domain's write does: inside a transaction that commits."""
    async with app.state.database.writer() as session:
        await emit(session, event, data, due_at=due_at)
        await session.commit()


def verify_like_a_receiver(secret: str, header: str, body: bytes) -> bool:
    """The check docs/webhooks.md tells receivers to do, written independently of app.webhooks."""
    fields = dict(item.split("=", 1) for item in header.split(","))
    expected = hmac.new(
        secret.encode(), fields["t"].encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(expected, fields["v1"])


def deliveries(store: Store) -> list[Any]:
    return store.rows(
        "SELECT id, webhook_id, event, status, attempts, response_status, last_error FROM webhook_delivery ORDER BY id"
    )


def admin(store: Store, settings: Any) -> str:
    return issue_key(store, settings, "admin")
