"""The rules of webhooks: who may be called, fan-out of events, recording each delivery attempt."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.articles.visibility import PUBLISHED
from app.core.errors import NotFound, Unprocessable
from app.core.models import OutboxJob
from app.core.outbox import OutboxWorker, PermanentFailure, enqueue
from app.core.types import as_utc, utcnow
from app.webhooks import repository
from app.webhooks.delivery import post_signed
from app.webhooks.events import EVENTS
from app.webhooks.models import Webhook, WebhookDelivery
from app.webhooks.schemas import WebhookCreate
from app.webhooks.signing import new_secret
from app.webhooks.targets import UnresolvedTarget, UnsafeTarget, checked_target

log = logging.getLogger("inkwell.webhooks")
DELIVERY_JOB = "webhook.delivery"


class DeliveryFailed(Exception):
    """A receiver did not take a delivery; the outbox retries it with backoff."""


async def create(
    session: AsyncSession, data: WebhookCreate, *, allow_private: bool
) -> tuple[Webhook, str]:
    """The new webhook and its signing secret (the only time the secret leaves the store)."""
    try:
        await checked_target(data.url, allow_private=allow_private)
    except (UnsafeTarget, UnresolvedTarget) as exc:
        message = str(exc) if isinstance(exc, UnresolvedTarget) else f"url {exc}"
        raise Unprocessable.on("body.url", message) from None
    secret = new_secret()
    webhook = Webhook(
        url=data.url,
        events=orjson.dumps(data.events).decode(),
        secret=secret,
        description=data.description,
    )
    session.add(webhook)
    await session.flush()
    return webhook, secret


async def get_or_404(session: AsyncSession, webhook_id: int) -> Webhook:
    webhook = await repository.get(session, webhook_id)
    if webhook is None:
        raise NotFound(f"No webhook with id {webhook_id}.")
    return webhook


async def delete(session: AsyncSession, webhook_id: int) -> None:
    """Its deliveries go with it; their queued jobs find nothing and end."""
    webhook = await get_or_404(session, webhook_id)
    await session.delete(webhook)
    await session.flush()


def _whole_seconds(value: datetime) -> int:
    return int(as_utc(value).timestamp())


async def still_due(session: AsyncSession, event: str, data: dict[str, Any]) -> bool:
    """`article.published` is announced only if the article is public now, at the very time the
    event was scheduled for: an unpublished or rescheduled article's old event is dropped."""
    if event != "article.published":
        return True
    article_id = data.get("id")
    if not isinstance(article_id, int):
        return False
    found = await repository.article_publication(session, article_id)
    if found is None:
        return False
    status, published_at = found
    if status != PUBLISHED or published_at is None or published_at > utcnow():
        return False
    announced = data.get("published_at")
    if announced is None:
        return True
    return _whole_seconds(datetime.fromisoformat(str(announced))) == _whole_seconds(published_at)


async def fan_out(
    sessionmaker: async_sessionmaker[AsyncSession], payload: dict[str, Any], job: OutboxJob
) -> None:
    """One event job -> one delivery row and one delivery job per subscribed active webhook,
    in one transaction. A repeat of the same event job (after a crash) adds nothing."""
    event = payload.get("event")
    if event not in EVENTS:
        raise PermanentFailure(f"unknown event {event!r}")
    assert job.id is not None
    async with sessionmaker() as session:
        if not await still_due(session, event, payload.get("data") or {}):
            log.info("dropped %s for %s: no longer due", event, payload.get("data"))
            return
        if await repository.fanned_out(session, job.id):
            return
        for webhook in await repository.active_subscribed(session, event):
            assert webhook.id is not None
            delivery = WebhookDelivery(
                webhook_id=webhook.id, event_job_id=job.id, event=event, payload="{}"
            )
            session.add(delivery)
            await session.flush()
            assert delivery.id is not None
            body = {"id": delivery.id, "webhook_id": webhook.id, **payload}
            delivery.payload = orjson.dumps(body).decode()
            delivery.next_attempt_at = utcnow()
            await enqueue(session, DELIVERY_JOB, {"delivery_id": delivery.id})
        await session.commit()


@dataclass(frozen=True)
class DeliverySettings:
    timeout_seconds: float
    allow_private: bool


async def deliver(
    sessionmaker: async_sessionmaker[AsyncSession],
    worker: OutboxWorker,
    settings: DeliverySettings,
    payload: dict[str, Any],
    job: OutboxJob,
) -> None:
    """Send one delivery and record the attempt; raise so the outbox retries a failure."""
    delivery_id = int(payload["delivery_id"])
    async with sessionmaker() as session:
        found = await repository.delivery_with_webhook(session, delivery_id)
    if found is None:
        return  # its webhook was deleted
    delivery, webhook = found
    if delivery.status != "pending" or not webhook.active:
        return
    attempt = await post_signed(
        url=webhook.url,
        secret=webhook.secret,
        event=delivery.event,
        delivery_id=delivery_id,
        body=delivery.payload.encode(),
        timeout_seconds=settings.timeout_seconds,
        allow_private=settings.allow_private,
    )
    now = utcnow()
    values: dict[str, Any] = {
        "attempts": job.attempts,
        "response_status": attempt.response_status,
        "last_error": attempt.error,
    }
    if attempt.error is None:
        values |= {"status": "delivered", "delivered_at": now, "next_attempt_at": None}
    elif attempt.permanent or job.attempts >= job.max_attempts:
        values |= {"status": "failed", "next_attempt_at": None}
    else:
        values["next_attempt_at"] = now + timedelta(seconds=worker.backoff(job.attempts))
    async with sessionmaker() as session:
        await repository.record_attempt(session, delivery_id, values)
        await session.commit()
    if attempt.error is not None:
        if attempt.permanent:
            raise PermanentFailure(attempt.error)
        raise DeliveryFailed(attempt.error)
