"""Background loops stop with the app, even one whose first cancellation is swallowed."""

import asyncio

from app.core.lifecycle import BackgroundTasks


async def test_a_loop_that_swallows_a_cancellation_is_cancelled_again_and_stops():
    cancellations = 0
    hooks: list[str] = []

    async def stubborn() -> None:
        nonlocal cancellations
        while True:
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                cancellations += 1
                if cancellations == 1:
                    continue  # what asyncio.wait_for can do on Python 3.11
                raise

    async def hook() -> None:
        hooks.append("flushed")

    tasks = BackgroundTasks()
    tasks.loop("stubborn", stubborn)
    tasks.on_shutdown(hook)
    tasks.start()
    await asyncio.sleep(0)
    await asyncio.wait_for(tasks.stop(), 5)
    assert cancellations == 2 and hooks == ["flushed"]


async def test_a_loop_that_never_stops_is_given_up_after_the_grace_period(caplog):
    released = False

    async def deaf() -> None:
        while True:
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                if released:
                    return

    tasks = BackgroundTasks()
    tasks.loop("deaf", deaf)
    tasks.start()
    await asyncio.sleep(0)
    await tasks.stop(grace_seconds=0.2)
    assert "background loops did not stop: deaf" in caplog.text
    released = True
    for task in asyncio.all_tasks():
        if task.get_name() == "deaf":
            task.cancel()
            await asyncio.wait([task], timeout=1)
            assert task.done()
