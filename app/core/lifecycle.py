"""Background tasks of one worker, started and stopped with the app."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

log = logging.getLogger("inkwell.lifecycle")


class BackgroundTasks:
    """Long-running loops plus shutdown hooks (e.g. flush buffered views) run in order."""

    def __init__(self) -> None:
        self._factories: list[tuple[str, Callable[[], Coroutine[Any, Any, None]]]] = []
        self._shutdown: list[Callable[[], Awaitable[None]]] = []
        self._tasks: list[asyncio.Task[None]] = []

    def loop(self, name: str, factory: Callable[[], Coroutine[Any, Any, None]]) -> None:
        self._factories.append((name, factory))

    def on_shutdown(self, hook: Callable[[], Awaitable[None]]) -> None:
        self._shutdown.append(hook)

    def start(self) -> None:
        for name, factory in self._factories:
            self._tasks.append(asyncio.create_task(factory(), name=name))

    async def stop(self, grace_seconds: float = 10.0) -> None:
        """Cancel the loops and wait for them, cancelling again while one is still running (a
        cancellation can be swallowed by library code), then run the shutdown hooks."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + grace_seconds
        pending: set[asyncio.Task[None]] = set(self._tasks)
        while pending:
            for task in pending:
                task.cancel()
            _done, pending = await asyncio.wait(pending, timeout=0.5)
            if pending and loop.time() > deadline:
                names = ", ".join(task.get_name() for task in pending)
                log.error("background loops did not stop: %s", names)
                break
        for task in self._tasks:
            if task.done() and not task.cancelled() and task.exception() is not None:
                log.error("background loop %s failed", task.get_name(), exc_info=task.exception())
        self._tasks.clear()
        for hook in self._shutdown:
            try:
                await hook()
            except Exception:
                log.exception("shutdown hook failed")
