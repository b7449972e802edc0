"""Moves counted views from shared state into the store, in batches, exactly once.

Each flush: sweep the window rollups forward when an hour has passed; drain the live counters into
a batch (plus any batch left unacknowledged); apply them and record their tokens in one transaction;
then acknowledge them. A crash before the commit leaves the batch to be applied by the next flush
(or, with Redis, by another worker after `views_stale_batch_seconds`); a crash after the commit but
before the acknowledgement finds the token already recorded and only acknowledges. In-process
counters (no Redis) live in the worker's memory: a graceful shutdown flushes them, `kill -9` loses
what was counted since the last flush (at most `views_flush_seconds` of views).
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict

from sqlalchemy.exc import IntegrityError

from app.core.config import Settings
from app.core.db import Database
from app.core.shared_state import CountBatch, SharedState
from app.popularity import repository
from app.popularity.counter import COUNTS_BUCKET
from app.popularity.ranking import current_hour

log = logging.getLogger("inkwell.popularity")


def merge_batches(batches: list[CountBatch]) -> dict[tuple[int, int], int]:
    merged: dict[tuple[int, int], int] = defaultdict(int)
    for batch in batches:
        for field, amount in batch.counts.items():
            article, _, hour = field.partition(":")
            try:
                merged[(int(article), int(hour))] += int(amount)
            except ValueError:
                log.warning("ignoring a malformed view counter %r", field)
    return merged


class ViewFlusher:
    def __init__(self, settings: Settings, database: Database, shared_state: SharedState) -> None:
        self._settings = settings
        self._database = database
        self._shared_state = shared_state
        self._lock = asyncio.Lock()
        self._swept_hour: int | None = None

    async def sweep_if_due(self, hour: int) -> None:
        if self._swept_hour is not None and self._swept_hour >= hour:
            return
        async with self._database.writer() as session:
            self._swept_hour = await repository.sweep(session, hour)
            await session.commit()

    async def flush(self) -> int:
        """One flush; answers the number of views written to the store."""
        async with self._lock:
            hour = current_hour()
            await self.sweep_if_due(hour)
            batches = await self._shared_state.drain_counts(
                COUNTS_BUCKET, stale_seconds=self._settings.views_stale_batch_seconds
            )
            if not batches:
                return 0
            try:
                async with self._database.writer() as session:
                    done = await repository.already_applied(session, [b.token for b in batches])
                    fresh = [b for b in batches if b.token not in done]
                    applied = await repository.apply_counts(
                        session, merge_batches(fresh), [b.token for b in fresh], hour
                    )
                    await session.commit()
            except (
                IntegrityError
            ):  # a recovered batch applied first elsewhere, or a deleted article
                log.info(
                    "a view batch clashed (applied by another worker, or its article was deleted); retrying next flush"
                )
                return 0
            for batch in batches:
                await self._shared_state.ack_counts(COUNTS_BUCKET, batch.token)
            return applied

    async def run(self) -> None:
        while True:
            await asyncio.sleep(self._settings.views_flush_seconds)
            try:
                await self.flush()
            except Exception:  # the store or Redis may be restarting: the counts wait in batches
                log.warning("view flush failed; will retry", exc_info=True)

    async def flush_on_shutdown(self) -> None:
        for attempt in range(3):
            try:
                await self.flush()
                return
            except Exception:
                log.warning(
                    "view flush at shutdown failed (attempt %d)", attempt + 1, exc_info=True
                )
                await asyncio.sleep(0.2)
