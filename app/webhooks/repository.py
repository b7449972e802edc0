"""Every query of the webhooks domain."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.articles.models import Article
from app.webhooks.models import Webhook, WebhookDelivery


def events_of(webhook: Webhook) -> list[str]:
    found: list[str] = orjson.loads(webhook.events)
    return found


async def get(session: AsyncSession, webhook_id: int) -> Webhook | None:
    return await session.get(Webhook, webhook_id)


async def page_of_webhooks(
    session: AsyncSession, *, per_page: int, offset: int, after_id: int | None
) -> list[Webhook]:
    """Oldest first; one more than `per_page` when another page follows."""
    statement = select(Webhook).order_by(Webhook.id)  # type: ignore[arg-type]
    if after_id is not None:
        statement = statement.where(Webhook.id > after_id)  # type: ignore[operator]
    else:
        statement = statement.offset(offset)
    return list((await session.execute(statement.limit(per_page + 1))).scalars())


async def count_webhooks(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(Webhook)) or 0)


async def page_of_deliveries(
    session: AsyncSession, webhook_id: int, *, per_page: int, offset: int, before_id: int | None
) -> list[WebhookDelivery]:
    """Newest first; one more than `per_page` when another page follows."""
    statement = (
        select(WebhookDelivery)
        .where(WebhookDelivery.webhook_id == webhook_id)  # type: ignore[arg-type]
        .order_by(WebhookDelivery.id.desc())  # type: ignore[union-attr]
    )
    if before_id is not None:
        statement = statement.where(WebhookDelivery.id < before_id)  # type: ignore[operator]
    else:
        statement = statement.offset(offset)
    return list((await session.execute(statement.limit(per_page + 1))).scalars())


async def count_deliveries(session: AsyncSession, webhook_id: int) -> int:
    statement = select(func.count()).where(WebhookDelivery.webhook_id == webhook_id)  # type: ignore[arg-type]
    return int(await session.scalar(statement) or 0)


async def active_subscribed(session: AsyncSession, event: str) -> list[Webhook]:
    """Active webhooks listening for `event` (there are few webhooks: filtered here)."""
    active = select(Webhook).where(Webhook.active.is_(True)).order_by(Webhook.id)  # type: ignore[attr-defined,arg-type]
    rows = (await session.execute(active)).scalars()
    return [hook for hook in rows if event in events_of(hook)]


async def fanned_out(session: AsyncSession, event_job_id: int) -> bool:
    statement = (
        select(WebhookDelivery.id).where(WebhookDelivery.event_job_id == event_job_id).limit(1)
    )  # type: ignore[arg-type]
    return (await session.scalar(statement)) is not None


async def delivery_with_webhook(
    session: AsyncSession, delivery_id: int
) -> tuple[WebhookDelivery, Webhook] | None:
    statement = (
        select(WebhookDelivery, Webhook)
        .join(Webhook, Webhook.id == WebhookDelivery.webhook_id)  # type: ignore[arg-type]
        .where(WebhookDelivery.id == delivery_id)  # type: ignore[arg-type]
    )
    row = (await session.execute(statement)).first()
    return None if row is None else (row[0], row[1])


async def article_publication(
    session: AsyncSession, article_id: int
) -> tuple[str, datetime | None] | None:
    """(status, published_at) of an article as the store has it now, or None if it is gone."""
    row = (
        await session.execute(
            select(Article.status, Article.published_at).where(Article.id == article_id)
        )  # type: ignore[arg-type]
    ).first()
    return None if row is None else (row[0], row[1])


async def record_attempt(session: AsyncSession, delivery_id: int, values: dict[str, Any]) -> None:
    delivery = await session.get(WebhookDelivery, delivery_id)
    if delivery is None:  # the webhook was deleted meanwhile
        return
    for name, value in values.items():
        setattr(delivery, name, value)
    await session.flush()
