"""Background tasks of one worker, started and stopped with the app."""

from __future__ import annotations

import asyncio
import contextlib
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

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.clear()
        for hook in self._shutdown:
            try:
                await hook()
            except Exception:
                log.exception("shutdown hook failed")
