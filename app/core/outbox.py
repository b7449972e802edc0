"""Durable background work through the store (DESIGN §4).

`enqueue(session, kind, payload)` writes a job in the caller's transaction, so the job exists if
and only if the change that caused it committed. Each worker runs an `OutboxWorker` that claims due
jobs with a lease (`FOR UPDATE SKIP LOCKED` on PostgreSQL; the lease alone on SQLite, whose writers
are serialised), runs the handler registered for the job's kind with a timeout, and records the
outcome: done, or retried with exponential backoff until `max_attempts`, then failed. Delivery is
at least once; handlers make repeats harmless (a fixed Message-ID, a delivery id header).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core.content_version import after_commit
from app.core.models import OutboxJob
from app.core.types import utcnow

log = logging.getLogger("inkwell.outbox")

Handler = Callable[[dict[str, Any], OutboxJob], Awaitable[None]]


class PermanentFailure(Exception):
    """A job that must not be retried (e.g. the address no longer exists)."""


def backoff_seconds(attempts: int, base: float = 1.0, cap: float = 3600.0) -> float:
    """The wait before retry number `attempts`: base, 2*base, 4*base, … capped at `cap`."""
    return float(min(cap, base * 2 ** max(0, attempts - 1)))


async def enqueue(
    session: AsyncSession,
    kind: str,
    payload: dict[str, Any],
    *,
    due_at: datetime | None = None,
    max_attempts: int | None = None,
) -> OutboxJob:
    job = OutboxJob(
        kind=kind,
        payload=orjson.dumps(payload).decode(),
        due_at=due_at or utcnow(),
        max_attempts=max_attempts or session.info.get("outbox_max_attempts", 8),
    )
    session.add(job)
    await session.flush()
    worker = session.info.get("outbox")
    if isinstance(worker, OutboxWorker):
        after_commit(session, worker.wake)
    return job


class OutboxWorker:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        *,
        reader: async_sessionmaker[AsyncSession] | None = None,
        poll_seconds: float = 0.5,
        lease_seconds: float = 60.0,
        job_timeout_seconds: float = 30.0,
        batch_size: int = 20,
        backoff_base_seconds: float = 1.0,
        backoff_max_seconds: float = 3600.0,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._reader = reader or sessionmaker
        self._handlers: dict[str, Handler] = {}
        self._poll_seconds = poll_seconds
        self._lease = timedelta(seconds=lease_seconds)
        self._job_timeout = job_timeout_seconds
        self._batch_size = batch_size
        self._backoff_base = backoff_base_seconds
        self._backoff_max = backoff_max_seconds
        self._wake = asyncio.Event()

    def register(self, kind: str, handler: Handler) -> None:
        self._handlers[kind] = handler

    def backoff(self, attempts: int) -> float:
        """Seconds this worker waits before retrying a job that has failed `attempts` times."""
        return backoff_seconds(attempts, self._backoff_base, self._backoff_max)

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        while True:
            try:
                worked = await self.run_once()
            except Exception:
                log.warning("outbox pass failed", exc_info=True)
                worked = 0
            if worked:
                continue
            self._wake.clear()
            # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a cancellation
            # that lands as its inner await completes, and the loop would never stop.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._poll_seconds):
                    await self._wake.wait()

    async def run_once(self) -> int:
        jobs = await self._claim()
        for job in jobs:
            await self._run_job(job)
        return len(jobs)

    async def _claim(self) -> list[OutboxJob]:
        now = utcnow()
        if not await self._anything_due(now):
            return []  # a read: idle polls never take SQLite's write lock
        due = (
            select(OutboxJob.id)
            .where(
                OutboxJob.status == "pending",
                OutboxJob.due_at <= now,
                OutboxJob.kind.in_(list(self._handlers)),  # type: ignore[attr-defined]
                or_(OutboxJob.lease_until.is_(None), OutboxJob.lease_until < now),  # type: ignore[union-attr]
            )
            .order_by(OutboxJob.due_at)
            .limit(self._batch_size)
            .with_for_update(skip_locked=True)
        )
        claim = (
            update(OutboxJob)
            .where(OutboxJob.id.in_(due.scalar_subquery()))  # type: ignore[union-attr]
            .values(lease_until=now + self._lease, attempts=OutboxJob.attempts + 1)
            .returning(OutboxJob)
        )
        async with self._sessionmaker() as session:
            jobs = list((await session.execute(claim)).scalars())
            await session.commit()
        return jobs

    async def _anything_due(self, now: datetime) -> bool:
        async with self._reader() as session:
            found = await session.scalar(
                select(OutboxJob.id)
                .where(
                    OutboxJob.status == "pending",
                    OutboxJob.due_at <= now,
                    OutboxJob.kind.in_(list(self._handlers)),  # type: ignore[attr-defined]
                )
                .limit(1)
            )
        return found is not None

    async def _run_job(self, job: OutboxJob) -> None:
        handler = self._handlers[job.kind]
        error: str | None = None
        permanent = False
        try:
            async with asyncio.timeout(self._job_timeout):
                await handler(orjson.loads(job.payload), job)
        except PermanentFailure as exc:
            error, permanent = f"permanent: {exc}", True
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"[:2000]
        await self._record(job, error, permanent)

    async def _record(self, job: OutboxJob, error: str | None, permanent: bool) -> None:
        now = utcnow()
        values: dict[str, Any]
        if error is None:
            values = {"status": "done", "finished_at": now, "lease_until": None, "last_error": None}
        elif permanent or job.attempts >= job.max_attempts:
            values = {
                "status": "failed",
                "finished_at": now,
                "lease_until": None,
                "last_error": error,
            }
            log.error("outbox job %s (%s) failed for good: %s", job.id, job.kind, error)
        else:
            retry_at = now + timedelta(seconds=self.backoff(job.attempts))
            values = {"due_at": retry_at, "lease_until": None, "last_error": error}
            log.warning(
                "outbox job %s (%s) will retry at %s: %s", job.id, job.kind, retry_at, error
            )
        async with self._sessionmaker() as session:
            await session.execute(update(OutboxJob).where(OutboxJob.id == job.id).values(**values))  # type: ignore[arg-type]
            await session.commit()


async def backlog(session: AsyncSession) -> dict[str, int]:
    """Pending jobs by kind: what /metrics and an operator look at."""
    rows = await session.execute(
        select(OutboxJob.kind, func.count())
        .where(OutboxJob.status == "pending")
        .group_by(OutboxJob.kind)
    )
    return {kind: count for kind, count in rows.all()}
