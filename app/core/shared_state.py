"""State that must be shared by every worker and machine when Redis is configured.

Rate limits, "seen once" windows (view dedupe, duplicate detection) and counters waiting to be
flushed live behind this one interface. `MemoryState` serves one process; `RedisState` serves many.
Code above it never knows which it has.
"""

from __future__ import annotations

import asyncio
import math
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Protocol

from limits import RateLimitItem, WindowStats, parse
from limits.aio.storage import RedisStorage
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from limits.storage import MemoryStorage as SyncMemoryStorage
from limits.strategies import (
    SlidingWindowCounterRateLimiter as SyncSlidingWindowCounterRateLimiter,
)
from redis.asyncio import Redis


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    retry_after: int  # seconds until a new hit would be allowed (0 when allowed)


@dataclass(frozen=True)
class CountBatch:
    """Counts taken out of the live counters under a unique token; kept until acknowledged."""

    token: str
    counts: dict[str, int]


def new_batch_token() -> str:
    return f"{time.time_ns()}-{uuid.uuid4().hex[:12]}"


class SharedState(Protocol):
    async def hit(self, limit: str, *identity: str) -> RateDecision: ...

    async def first_time(self, key: str, ttl_seconds: int) -> bool:
        """True the first time `key` is seen within `ttl_seconds`; False for a repeat."""
        ...

    async def add_counts(self, bucket: str, counts: dict[str, int]) -> None: ...

    async def drain_counts(self, bucket: str, stale_seconds: float = 30.0) -> list[CountBatch]:
        """Move the live counts of `bucket` into a new batch, atomically, and answer it together
        with every older batch not acknowledged within `stale_seconds` (left by a failed write or a
        process that died). A batch stays until `ack_counts`, so a count is never lost between
        draining and storing; the consumer makes applying a batch idempotent by its token."""
        ...

    async def ack_counts(self, bucket: str, token: str) -> None:
        """The batch `token` is stored: forget it."""
        ...

    async def pending_counts(self, bucket: str) -> int:
        """Counts not yet acknowledged: live ones plus those in batches."""
        ...

    async def ping(self) -> bool: ...

    async def close(self) -> None: ...


_items: dict[str, RateLimitItem] = {}


def _item(limit: str) -> RateLimitItem:
    """A parsed limit ("120/minute"), parsed once."""
    item = _items.get(limit)
    if item is None:
        item = _items[limit] = parse(limit)
    return item


ALLOWED = RateDecision(True, 0)


def _refused(stats: WindowStats) -> RateDecision:
    return RateDecision(False, max(1, math.ceil(stats.reset_time - time.time())))


class MemoryState:
    def __init__(self, max_seen: int = 500_000) -> None:
        # O(1) per hit on both backends (a moving window keeps every hit's timestamp). In process
        # the sync limiter is used: the same algorithm without an await per hit (about half the
        # cost of a view beacon was the async limiter's bookkeeping).
        self._limiter = SyncSlidingWindowCounterRateLimiter(SyncMemoryStorage())
        # hash(key) -> expiry, in insertion order: with one TTL per use that is expiry order, so
        # expired entries (and, past `max_seen`, the oldest live ones) leave from the front.
        self._seen: dict[int, float] = {}
        self._max_seen = max_seen
        self._counts: dict[str, defaultdict[str, int]] = defaultdict(lambda: defaultdict(int))
        self._batches: dict[str, dict[str, CountBatch]] = defaultdict(dict)
        self._lock = asyncio.Lock()

    async def hit(self, limit: str, *identity: str) -> RateDecision:
        item = _item(limit)
        if self._limiter.hit(item, *identity):
            return ALLOWED
        return _refused(self._limiter.get_window_stats(item, *identity))

    async def first_time(self, key: str, ttl_seconds: int) -> bool:
        """Bounded memory: at most `max_seen` keys (about 100 bytes each). Past that the oldest
        are forgotten early, so a repeat may count twice; Redis remembers every key its TTL."""
        now = time.monotonic()
        seen = self._seen
        while seen:  # expired entries leave from the front
            oldest = next(iter(seen))
            if seen[oldest] > now:
                break
            del seen[oldest]
        digest = hash(key)  # 64 bits, salted per process: in-process only, collisions negligible
        if digest in seen:
            return False
        if len(seen) >= self._max_seen:
            del seen[next(iter(seen))]
        seen[digest] = now + ttl_seconds
        return True

    async def add_counts(self, bucket: str, counts: dict[str, int]) -> None:
        target = self._counts[bucket]
        for field, amount in counts.items():
            target[field] += amount

    async def drain_counts(self, bucket: str, stale_seconds: float = 30.0) -> list[CountBatch]:
        # One process, one event loop: an unacknowledged batch is always retried (nothing to wait for).
        del stale_seconds
        async with self._lock:
            live = self._counts.pop(bucket, None)
            batches = self._batches[bucket]
            if live:
                batch = CountBatch(new_batch_token(), dict(live))
                batches[batch.token] = batch
            return list(batches.values())

    async def ack_counts(self, bucket: str, token: str) -> None:
        self._batches[bucket].pop(token, None)

    async def pending_counts(self, bucket: str) -> int:
        batched = sum(sum(b.counts.values()) for b in self._batches.get(bucket, {}).values())
        return sum(self._counts.get(bucket, {}).values()) + batched

    async def ping(self) -> bool:
        return True

    async def close(self) -> None:
        return None


# KEYS: live hash, new batch hash, batches zset; ARGV: token, now, stale-before.
# Answers the new batch's token (when there were live counts) and every stale batch's token.
_DRAIN_SCRIPT = """
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('RENAME', KEYS[1], KEYS[2])
  redis.call('ZADD', KEYS[3], ARGV[2], ARGV[1])
end
local found = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', '(' .. ARGV[3])
if redis.call('EXISTS', KEYS[2]) == 1 then
  table.insert(found, ARGV[1])
end
return found
"""


class RedisState:
    def __init__(self, url: str, prefix: str) -> None:
        self._redis: Redis = Redis.from_url(url, decode_responses=True)
        self._prefix = prefix
        storage_url = url.replace("redis://", "async+redis://", 1)
        self._limiter = SlidingWindowCounterRateLimiter(
            RedisStorage(storage_url, implementation="redispy", key_prefix=f"{prefix}:limits")
        )
        self._drain_script = self._redis.register_script(_DRAIN_SCRIPT)

    def _key(self, *parts: str) -> str:
        return ":".join((self._prefix, *parts))

    async def hit(self, limit: str, *identity: str) -> RateDecision:
        item = _item(limit)
        if await self._limiter.hit(item, *identity):
            return ALLOWED
        return _refused(await self._limiter.get_window_stats(item, *identity))

    async def first_time(self, key: str, ttl_seconds: int) -> bool:
        return bool(await self._redis.set(self._key("once", key), "1", nx=True, ex=ttl_seconds))

    async def add_counts(self, bucket: str, counts: dict[str, int]) -> None:
        if not counts:
            return
        pipe = self._redis.pipeline(transaction=False)
        for field, amount in counts.items():
            pipe.hincrby(self._key("counts", bucket), field, amount)
        await pipe.execute()

    async def drain_counts(self, bucket: str, stale_seconds: float = 30.0) -> list[CountBatch]:
        # The script is atomic: increments after the RENAME land in a fresh live hash, and the
        # batch is registered (sorted set scored by time) in the same step, so a crash can leave a
        # batch behind but never lose one. Batches of other workers younger than `stale_seconds`
        # are theirs to finish.
        token = new_batch_token()
        now = time.time()
        live, batches = self._key("counts", bucket), self._key("counts", bucket, "batches")
        found = await self._drain_script(
            keys=[live, self._key("counts", bucket, "batch", token), batches],
            args=[token, now, now - stale_seconds],
        )
        tokens = [str(t) for t in found]
        if not tokens:
            return []
        pipe = self._redis.pipeline(transaction=False)
        for each in tokens:
            pipe.hgetall(self._key("counts", bucket, "batch", each))
        contents = await pipe.execute()
        result: list[CountBatch] = []
        for each, raw in zip(tokens, contents, strict=True):
            if raw:
                result.append(CountBatch(each, {str(f): int(v) for f, v in raw.items()}))
            else:  # acknowledged by another worker meanwhile
                await self._redis.zrem(batches, each)
        return result

    async def ack_counts(self, bucket: str, token: str) -> None:
        pipe = self._redis.pipeline(transaction=True)
        pipe.delete(self._key("counts", bucket, "batch", token))
        pipe.zrem(self._key("counts", bucket, "batches"), token)
        await pipe.execute()

    async def pending_counts(self, bucket: str) -> int:
        total = sum(int(v) for v in await self._redis.hvals(self._key("counts", bucket)))
        for token in await self._redis.zrange(self._key("counts", bucket, "batches"), 0, -1):
            values = await self._redis.hvals(self._key("counts", bucket, "batch", str(token)))
            total += sum(int(v) for v in values)
        return total

    async def ping(self) -> bool:
        return bool(await self._redis.ping())

    async def close(self) -> None:
        await self._redis.aclose()


def make_shared_state(
    redis_url: str | None, prefix: str, memory_max_seen: int = 500_000
) -> SharedState:
    return RedisState(redis_url, prefix) if redis_url else MemoryState(memory_max_seen)
