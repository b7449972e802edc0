"""Domain events for webhooks: `emit()` is what other domains call, inside their transaction.

An event becomes one outbox job (`webhook.event`); its handler fans it out into one signed
delivery per subscribed webhook. So an event exists if and only if the change committed, and a
scheduled publication's event can wait in the outbox until its time (`due_at`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.outbox import enqueue
from app.core.types import rfc3339, utcnow

EventName = Literal["article.published", "article.updated", "article.deleted", "comment.approved"]
EVENTS: tuple[EventName, ...] = (
    "article.published",
    "article.updated",
    "article.deleted",
    "comment.approved",
)
EVENT_JOB = "webhook.event"


async def emit(
    session: AsyncSession, event: EventName, data: dict[str, Any], *, due_at: datetime | None = None
) -> None:
    occurred = due_at or utcnow()
    await enqueue(
        session,
        EVENT_JOB,
        {"event": event, "occurred_at": rfc3339(occurred), "data": data},
        due_at=due_at,
    )
