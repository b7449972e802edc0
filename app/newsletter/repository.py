"""Every query of the newsletter domain."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Table, delete, exists, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.categories.models import Category
from app.core.types import utcnow
from app.newsletter.models import ConsentEvent, Subscriber, SubscriberInterest

CONSENT_TRAIL_LIMIT = 500

SUBSCRIBER: Table = Subscriber.__table__  # type: ignore[attr-defined]
CATEGORY: Table = Category.__table__  # type: ignore[attr-defined]
S = SUBSCRIBER.c
I = SubscriberInterest.__table__.c  # type: ignore[attr-defined]  # noqa: E741
E = ConsentEvent.__table__.c  # type: ignore[attr-defined]
C = CATEGORY.c

# The columns an admin list or export shows, in order.
LISTED = (S.id, S.email, S.name, S.status, S.created_at, S.confirmed_at, S.unsubscribed_at)


@dataclass(frozen=True)
class SubscriberFilters:
    status: str | None = None
    category_id: int | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.status is not None:
            found.append(S.status == self.status)
        if self.category_id is not None:
            found.append(exists().where(I.subscriber_id == S.id, I.category_id == self.category_id))
        if self.created_after is not None:
            found.append(S.created_at >= self.created_after)
        if self.created_before is not None:
            found.append(S.created_at < self.created_before)
        return found


async def category_ids(session: AsyncSession, slugs: Sequence[str]) -> dict[str, int]:
    if not slugs:
        return {}
    rows = await session.execute(select(C.slug, C.id).where(C.slug.in_(slugs)))
    return {slug: category_id for slug, category_id in rows.all()}


async def category_id(session: AsyncSession, slug: str) -> int | None:
    return await session.scalar(select(C.id).where(C.slug == slug))


async def claim_by_email(
    session: AsyncSession,
    *,
    email: str,
    email_hash: str,
    confirm_nonce: str,
    unsubscribe_nonce: str,
) -> Subscriber:
    """The row for `email`, created pending if it is new, locked for this transaction.

    INSERT … ON CONFLICT DO NOTHING then SELECT … FOR UPDATE: the same two statements for a new
    and a known address, and safe when two signups for one address race.
    """
    dialect = session.get_bind().dialect.name
    build = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        build(SUBSCRIBER)
        .values(
            email=email,
            email_hash=email_hash,
            status="pending",
            confirm_nonce=confirm_nonce,
            unsubscribe_nonce=unsubscribe_nonce,
            created_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=["email"])
    )
    await session.execute(statement)
    row = await session.scalar(select(Subscriber).where(S.email == email).with_for_update())
    assert row is not None
    return row


async def locked(session: AsyncSession, subscriber_id: int) -> Subscriber | None:
    return await session.scalar(select(Subscriber).where(S.id == subscriber_id).with_for_update())


async def get(session: AsyncSession, subscriber_id: int) -> Subscriber | None:
    return await session.get(Subscriber, subscriber_id)


async def update_subscriber(session: AsyncSession, subscriber_id: int, **values: Any) -> None:
    await session.execute(update(Subscriber).where(S.id == subscriber_id).values(**values))


async def interest_ids(session: AsyncSession, subscriber_id: int) -> list[int]:
    rows = await session.scalars(select(I.category_id).where(I.subscriber_id == subscriber_id))
    return list(rows)


async def replace_interests(
    session: AsyncSession, subscriber_id: int, category_ids: Sequence[int]
) -> None:
    await session.execute(delete(SubscriberInterest).where(I.subscriber_id == subscriber_id))
    if category_ids:
        await session.execute(
            insert(SubscriberInterest),
            [{"subscriber_id": subscriber_id, "category_id": c} for c in sorted(set(category_ids))],
        )


async def add_event(session: AsyncSession, **values: Any) -> None:
    await session.execute(insert(ConsentEvent).values(**values))


async def category_slugs_for(
    session: AsyncSession,
    ids: Sequence[int] | None = None,
    *,
    id_range: tuple[int, int] | None = None,
) -> dict[int, list[str]]:
    """Interest slugs per subscriber, of a page (`ids`) or a keyset batch (`id_range`)."""
    query = select(I.subscriber_id, C.slug).join(CATEGORY, C.id == I.category_id)
    if ids is not None:
        if not ids:
            return {}
        query = query.where(I.subscriber_id.in_(ids))
    elif id_range is not None:
        query = query.where(I.subscriber_id.between(*id_range))
    found: defaultdict[int, list[str]] = defaultdict(list)
    for subscriber_id, slug in (
        await session.execute(query.order_by(I.subscriber_id, C.slug))
    ).all():
        found[subscriber_id].append(slug)
    return found


async def list_page(
    session: AsyncSession,
    filters: SubscriberFilters,
    *,
    per_page: int,
    offset: int,
    before_id: int | None,
) -> tuple[list[Any], bool]:
    """Newest first; keyset (`before_id`) or offset. Returns the rows and whether more follow."""
    query = select(*LISTED).where(*filters.conditions()).order_by(S.id.desc()).limit(per_page + 1)
    query = query.where(S.id < before_id) if before_id is not None else query.offset(offset)
    rows: list[Any] = list((await session.execute(query)).all())
    return rows[:per_page], len(rows) > per_page


async def count(session: AsyncSession, filters: SubscriberFilters) -> int:
    total = await session.scalar(
        select(func.count()).select_from(Subscriber).where(*filters.conditions())
    )
    return int(total or 0)


async def export_batches(
    session: AsyncSession, filters: SubscriberFilters, batch_size: int
) -> AsyncIterator[tuple[list[Any], dict[int, list[str]]]]:
    """Every matching subscriber in id order, one keyset batch at a time, with its interests."""
    after = 0
    conditions = filters.conditions()
    while True:
        query = select(*LISTED).where(S.id > after, *conditions).order_by(S.id).limit(batch_size)
        rows: list[Any] = list((await session.execute(query)).all())
        if not rows:
            return
        interests = await category_slugs_for(session, id_range=(rows[0].id, rows[-1].id))
        yield rows, interests
        if len(rows) < batch_size:
            return
        after = rows[-1].id


async def consent_trail(session: AsyncSession, subscriber_id: int) -> list[ConsentEvent]:
    rows = await session.scalars(
        select(ConsentEvent)
        .where(E.subscriber_id == subscriber_id)
        .order_by(E.id.desc())
        .limit(CONSENT_TRAIL_LIMIT)
    )
    return list(reversed(list(rows)))


async def erase(session: AsyncSession, subscriber_id: int) -> None:
    """Unlink and strip the consent events, then delete the subscriber (interests cascade)."""
    await session.execute(
        update(ConsentEvent)
        .where(E.subscriber_id == subscriber_id)
        .values(subscriber_id=None, email_hash=None, address_hash=None, user_agent=None)
    )
    await session.execute(delete(SubscriberInterest).where(I.subscriber_id == subscriber_id))
    await session.execute(delete(Subscriber).where(S.id == subscriber_id))
