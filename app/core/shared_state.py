"""State that must be shared by every worker and machine when Redis is configured.

Rate limits, "seen once" windows (view dedupe, duplicate detection) and counters waiting to be
flushed live behind this one interface. `MemoryState` serves one process; `RedisState` serves many.
Code above it never knows which it has.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Protocol

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from redis.asyncio import Redis


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    retry_after: int  # seconds until a new hit would be allowed (0 when allowed)


class SharedState(Protocol):
    async def hit(self, limit: str, *identity: str) -> RateDecision: ...

    async def first_time(self, key: str, ttl_seconds: int) -> bool:
        """True the first time `key` is seen within `ttl_seconds`; False for a repeat."""
        ...

    async def add_counts(self, bucket: str, counts: dict[str, int]) -> None: ...

    async def drain_counts(self, bucket: str) -> dict[str, int]:
        """Take every count of `bucket` and reset it, atomically: each count is drained once."""
        ...

    async def pending_counts(self, bucket: str) -> int: ...

    async def ping(self) -> bool: ...

    async def close(self) -> None: ...


class _LimitsMixin:
    _limiter: MovingWindowRateLimiter
    _items: dict[str, RateLimitItem]

    def _init_limits(self, storage: Storage) -> None:
        self._limiter = MovingWindowRateLimiter(storage)
        self._items = {}

    def _item(self, limit: str) -> RateLimitItem:
        item = self._items.get(limit)
        if item is None:
            item = self._items[limit] = parse(limit)
        return item

    async def hit(self, limit: str, *identity: str) -> RateDecision:
        item = self._item(limit)
        if await self._limiter.hit(item, *identity):
            return RateDecision(True, 0)
        stats = await self._limiter.get_window_stats(item, *identity)
        return RateDecision(False, max(1, math.ceil(stats.reset_time - time.time())))


class MemoryState(_LimitsMixin):
    def __init__(self) -> None:
        self._init_limits(MemoryStorage())
        self._seen: dict[str, float] = {}
        self._counts: dict[str, defaultdict[str, int]] = defaultdict(lambda: defaultdict(int))
        self._lock = asyncio.Lock()

    async def first_time(self, key: str, ttl_seconds: int) -> bool:
        now = time.monotonic()
        if len(self._seen) > 200_000:  # bound memory: drop expired entries
            self._seen = {k: v for k, v in self._seen.items() if v > now}
        expires = self._seen.get(key)
        if expires is not None and expires > now:
            return False
        self._seen[key] = now + ttl_seconds
        return True

    async def add_counts(self, bucket: str, counts: dict[str, int]) -> None:
        target = self._counts[bucket]
        for field, amount in counts.items():
            target[field] += amount

    async def drain_counts(self, bucket: str) -> dict[str, int]:
        async with self._lock:
            drained = dict(self._counts.pop(bucket, {}))
        return drained

    async def pending_counts(self, bucket: str) -> int:
        return sum(self._counts.get(bucket, {}).values())

    async def ping(self) -> bool:
        return True

    async def close(self) -> None:
        return None


class RedisState(_LimitsMixin):
    def __init__(self, url: str, prefix: str) -> None:
        self._redis: Redis = Redis.from_url(url, decode_responses=True)
        self._prefix = prefix
        storage_url = url.replace("redis://", "async+redis://", 1)
        self._init_limits(
            RedisStorage(storage_url, implementation="redispy", key_prefix=f"{prefix}:limits")
        )

    def _key(self, *parts: str) -> str:
        return ":".join((self._prefix, *parts))

    async def first_time(self, key: str, ttl_seconds: int) -> bool:
        return bool(await self._redis.set(self._key("once", key), "1", nx=True, ex=ttl_seconds))

    async def add_counts(self, bucket: str, counts: dict[str, int]) -> None:
        if not counts:
            return
        pipe = self._redis.pipeline(transaction=False)
        for field, amount in counts.items():
            pipe.hincrby(self._key("counts", bucket), field, amount)
        await pipe.execute()

    async def drain_counts(self, bucket: str) -> dict[str, int]:
        # RENAME is atomic: increments after it land in a fresh hash for the next drain.
        source = self._key("counts", bucket)
        taken = self._key("counts", bucket, "draining", str(time.time_ns()))
        try:
            await self._redis.rename(source, taken)
        except Exception as exc:  # no such key: nothing to drain
            if "no such key" in str(exc).lower():
                return {}
            raise
        raw = await self._redis.hgetall(taken)
        await self._redis.delete(taken)
        return {str(field): int(value) for field, value in raw.items()}

    async def pending_counts(self, bucket: str) -> int:
        values = await self._redis.hvals(self._key("counts", bucket))
        return sum(int(value) for value in values)

    async def ping(self) -> bool:
        return bool(await self._redis.ping())

    async def close(self) -> None:
        await self._redis.aclose()


def make_shared_state(redis_url: str | None, prefix: str) -> SharedState:
    return RedisState(redis_url, prefix) if redis_url else MemoryState()
