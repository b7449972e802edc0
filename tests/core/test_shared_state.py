"""The in-process shared state (no Redis): dedupe memory is bounded and expires in order."""

import asyncio

from app.core.shared_state import MemoryState


async def test_a_key_is_seen_once_within_its_ttl_and_again_after():
    state = MemoryState(max_seen=1_000)
    assert await state.first_time("view:1:abc", 1) is True
    assert await state.first_time("view:1:abc", 1) is False
    assert await state.first_time("view:2:abc", 1) is True
    short = MemoryState(max_seen=1_000)
    assert await short.first_time("view:1:abc", 0) is True
    await asyncio.sleep(0.01)
    assert await short.first_time("view:1:abc", 0) is True


async def test_past_its_bound_the_oldest_visitors_are_forgotten_first():
    state = MemoryState(max_seen=3)
    for key in ("a", "b", "c"):
        assert await state.first_time(key, 60) is True
    assert await state.first_time("a", 60) is False  # a repeat changes nothing
    assert await state.first_time("d", 60) is True  # makes room: "a", the oldest, goes
    assert await state.first_time("a", 60) is True  # forgotten early; "b" makes room now
    assert [await state.first_time(key, 60) for key in ("c", "d", "a")] == [False] * 3
    for index in range(1_000):
        await state.first_time(f"visitor-{index}", 60)
    assert len(state._seen) == 3  # never more than the bound


async def test_expired_entries_leave_even_below_the_bound():
    state = MemoryState(max_seen=1_000)
    for index in range(100):
        await state.first_time(f"old-{index}", 0)
    await asyncio.sleep(0.01)
    await state.first_time("new", 60)
    assert len(state._seen) == 1
