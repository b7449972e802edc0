"""One content version drives caching everywhere (DESIGN §2).

Any write a reader could see calls `bump_content_version(session)` inside its transaction. Each
worker keeps a `VersionSnapshot` fresh with one cheap statement every `version_poll_seconds`, and
immediately after one of its own commits. A scheduled article going live changes the snapshot too,
because the token folds in the newest publish time that has passed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import event, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from app.core.models import ContentVersion
from app.core.types import as_utc, utcnow

log = logging.getLogger("inkwell.content_version")

ScheduleBounds = Callable[[datetime], tuple[ColumnElement[datetime], ColumnElement[datetime]]]
"""Given `now`: (newest publish time <= now, oldest publish time > now) as scalar subqueries."""


@dataclass(frozen=True)
class VersionSnapshot:
    token: str
    last_modified: datetime
    next_publication: datetime | None


async def bump_content_version(session: AsyncSession) -> None:
    """Call inside a write's transaction; the bump commits (or rolls back) with it."""
    await session.execute(
        update(ContentVersion)
        .where(ContentVersion.id == 1)
        .values(version=ContentVersion.version + 1, changed_at=utcnow())
    )
    session.info["content_changed"] = True


class ContentVersionTracker:
    def __init__(self, sessionmaker: Callable[[], AsyncSession], schedule_bounds: ScheduleBounds) -> None:
        self._sessionmaker = sessionmaker
        self._schedule_bounds = schedule_bounds
        self.current = VersionSnapshot("0", utcnow(), None)
        self._stale = True
        self._invalidations = 0
        self._lock = asyncio.Lock()

    @property
    def stale(self) -> bool:
        return self._stale

    @stale.setter
    def stale(self, value: bool) -> None:
        # Counted, so that a commit landing while a refresh is in flight is not lost.
        if value:
            self._invalidations += 1
        self._stale = value

    async def refresh(self) -> VersionSnapshot:
        async with self._lock:
            if not self.stale and self._fresh_enough():
                return self.current
            started = self._invalidations
            now = utcnow()
            passed, upcoming = self._schedule_bounds(now)
            statement = select(
                ContentVersion.version, ContentVersion.changed_at, passed, upcoming
            ).where(ContentVersion.id == 1)
            async with self._sessionmaker() as session:
                row = (await session.execute(statement)).one()
            version, changed_at, newest_passed, next_publication = row
            newest_passed = _aware(newest_passed)
            last_modified = max(filter(None, (_aware(changed_at), newest_passed)))
            stamp = int(newest_passed.timestamp()) if newest_passed else 0
            self.current = VersionSnapshot(f"{version}.{stamp}", last_modified, _aware(next_publication))
            self._stale = self._invalidations != started
            return self.current

    def _fresh_enough(self) -> bool:
        upcoming = self.current.next_publication
        return upcoming is None or upcoming > utcnow()

    async def run(self, poll_seconds: float) -> None:
        while True:
            self.stale = True
            try:
                await self.refresh()
            except Exception:  # the store may be restarting; keep serving the last snapshot
                log.warning("content version refresh failed", exc_info=True)
            await asyncio.sleep(poll_seconds)

    async def current_snapshot(self) -> VersionSnapshot:
        if self.stale or not self._fresh_enough():
            self.stale = True
            return await self.refresh()
        return self.current


def _aware(value: datetime | str | None) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return as_utc(value)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    """Run what a transaction asked for once it is durable (never on rollback)."""
    if session.info.pop("content_changed", False):
        tracker = session.info.get("content_tracker")
        if isinstance(tracker, ContentVersionTracker):
            tracker.stale = True
    callbacks: list[Callable[[], None]] = session.info.pop("after_commit", [])
    for callback in callbacks:
        callback()


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop("content_changed", None)
    session.info.pop("after_commit", None)


def after_commit(session: AsyncSession, callback: Callable[[], None]) -> None:
    """Run `callback` once the session's current transaction commits."""
    session.info.setdefault("after_commit", []).append(callback)
