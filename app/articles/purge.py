"""Announcing what a write invalidated, for a CDN in front (Surrogate-Key purges).

Every editorial write answers `Surrogate-Key-Purge: article-42 articles category-business …` and,
once its transaction has committed, awaits each hook in `app.state.purge_hooks` with those keys.
A CDN integration appends an async callable there (in an `install(app)` or at startup); a hook
should be quick (queue slow work) and its failures are logged, never turned into a failed write.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable

from fastapi import FastAPI, Request

PurgeHook = Callable[[tuple[str, ...]], Awaitable[None]]
PURGE_HEADER = "Surrogate-Key-Purge"
log = logging.getLogger("inkwell.purge")


def install(app: FastAPI) -> None:
    if not hasattr(app.state, "purge_hooks"):
        app.state.purge_hooks = []


def purge_hooks(app: FastAPI) -> list[PurgeHook]:
    install(app)
    hooks: list[PurgeHook] = app.state.purge_hooks
    return hooks


async def announce_purge(request: Request, keys: Iterable[str]) -> dict[str, str]:
    """Run the purge hooks (call after commit) and return the header that names the keys."""
    unique = tuple(dict.fromkeys(key for key in keys if key))
    for hook in purge_hooks(request.app):
        try:
            await hook(unique)
        except Exception:
            log.exception("a purge hook failed for keys %s", " ".join(unique))
    return {PURGE_HEADER: " ".join(unique)}
