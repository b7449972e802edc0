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

ScheduleBounds = Callable[
    [datetime], tuple[ColumnElement[datetime | None], ColumnElement[datetime | None]]
]
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
    def __init__(
        self, sessionmaker: Callable[[], AsyncSession], schedule_bounds: ScheduleBounds
    ) -> None:
        self._sessionmaker = sessionmaker
        self._schedule_bounds = schedule_bounds
        self.current = VersionSnapshot("0", utcnow(), None)
        # Changes seen (commits of this worker) vs. the last change a completed read covers.
        self._changes = 1
        self._read_covers = 0
        self._lock = asyncio.Lock()

    @property
    def stale(self) -> bool:
        return self._read_covers != self._changes

    @stale.setter
    def stale(self, value: bool) -> None:
        """`tracker.stale = True` after a commit: the next answer re-reads the version first."""
        if value:
            self._changes += 1
        else:
            self._read_covers = self._changes

    async def refresh(self) -> VersionSnapshot:
        """Read the version now (one statement). Refreshes run one at a time, so an older read
        never lands after a newer one."""
        async with self._lock:
            return await self._read()

    async def _read(self) -> VersionSnapshot:
        # A read covers the changes committed before it started, never one landing meanwhile.
        covers = self._changes
        now = utcnow()
        passed, upcoming = self._schedule_bounds(now)
        statement = select(
            ContentVersion.version, ContentVersion.changed_at, passed, upcoming
        ).where(ContentVersion.id == 1)
        async with self._sessionmaker() as session:
            version, changed_at, newest_passed, next_publication = (
                await session.execute(statement)
            ).one()
        newest_passed = _aware(newest_passed)
        last_modified = max(filter(None, (_aware(changed_at), newest_passed)))
        stamp = int(newest_passed.timestamp()) if newest_passed else 0
        self.current = VersionSnapshot(
            f"{version}.{stamp}", last_modified, _aware(next_publication)
        )
        self._read_covers = max(self._read_covers, covers)
        return self.current

    def _needs_read(self) -> bool:
        upcoming = self.current.next_publication
        return self.stale or (upcoming is not None and upcoming <= utcnow())

    async def current_snapshot(self) -> VersionSnapshot:
        """The snapshot, re-read first if a commit or a scheduled publication made it stale.
        Concurrent callers share one refresh: after waiting for the lock, a caller reads only
        if no read that started after the change has completed meanwhile."""
        if self._needs_read():
            async with self._lock:
                if self._needs_read():
                    await self._read()
        return self.current

    async def run(self, poll_seconds: float) -> None:
        while True:
            try:
                await self.refresh()
            except Exception:  # the store may be restarting; keep serving the last snapshot
                log.warning("content version refresh failed", exc_info=True)
            await asyncio.sleep(poll_seconds)


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
