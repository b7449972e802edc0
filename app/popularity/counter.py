"""The beacon's hot path: no database statement per view.

A slug resolves to an article id from a small in-process LRU (emptied whenever the content
version changes, so an unpublished or newly live article is seen within one version poll); bots
are recognised by User-Agent (crawlerdetect, memoised per UA); repeats are dropped by a
"first time" window in shared state; the view is added to shared-state counters, keyed by
article and hour, which the flusher moves into the store in batches.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from functools import lru_cache

import orjson
from crawlerdetect import CrawlerDetect
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from app.articles import repository as articles_repository
from app.core.clients import keyed_hash
from app.core.config import Settings
from app.core.content_version import ContentVersionTracker
from app.core.errors import NotFound, PayloadTooLarge, TooManyRequests, Unprocessable
from app.core.shared_state import SharedState
from app.core.types import utcnow
from app.popularity import repository
from app.popularity.ranking import hour_of
from app.popularity.schemas import ViewBeacon

COUNTS_BUCKET = "views"
_crawlers = CrawlerDetect()


@lru_cache(maxsize=4096)
def is_bot(user_agent: str) -> bool:
    """Crawlers by User-Agent; an empty User-Agent is not a browser either."""
    if not user_agent.strip():
        return True
    return bool(_crawlers.isCrawler(user_agent))


def parse_beacon(body: bytes, max_bytes: int) -> str | None:
    """The visitor id a beacon body carries, or None. Empty bodies are fine."""
    if len(body) > max_bytes:
        raise PayloadTooLarge(f"A view beacon carries at most {max_bytes} bytes.")
    if not body.strip():
        return None
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise Unprocessable.on("body", 'not JSON: send {"visitor": "<id>"} or nothing') from None
    if not isinstance(data, dict):
        raise Unprocessable.on("body", 'must be a JSON object such as {"visitor": "<id>"}')
    try:
        return ViewBeacon.model_validate(data).visitor
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in ("body", *first["loc"]))
        raise Unprocessable.on(field, first["msg"]) from None


class SlugCache:
    """slug -> visible article id (or None), forgotten whenever the content version changes."""

    def __init__(self, max_entries: int) -> None:
        self._entries: OrderedDict[str, int | None] = OrderedDict()
        self._max_entries = max_entries
        self._token = ""

    def get(self, token: str, slug: str) -> tuple[bool, int | None]:
        if token != self._token:
            self._entries.clear()
            self._token = token
            return False, None
        if slug not in self._entries:
            return False, None
        self._entries.move_to_end(slug)
        return True, self._entries[slug]

    def put(self, token: str, slug: str, article_id: int | None) -> None:
        if token != self._token:
            return
        self._entries[slug] = article_id
        if len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)


class ViewCounter:
    def __init__(
        self,
        settings: Settings,
        shared_state: SharedState,
        tracker: ContentVersionTracker,
        reader: Callable[[], AsyncSession],
    ) -> None:
        self._settings = settings
        self._shared_state = shared_state
        self._tracker = tracker
        self._reader = reader
        self._slugs = SlugCache(settings.views_slug_cache_entries)

    async def article_id(self, slug: str) -> int:
        """The visible article a beacon names (a former slug counts for its article), else 404."""
        token = (await self._tracker.current_snapshot()).token
        known, found = self._slugs.get(token, slug)
        if not known:
            now = utcnow()
            async with self._reader() as session:
                found = await repository.visible_article_id(session, slug, now)
                if found is None:
                    current = await articles_repository.current_slug_for_old(session, slug, now)
                    if current is not None:
                        found = await repository.visible_article_id(session, current, now)
            self._slugs.put(token, slug, found)
        if found is None:
            raise NotFound(f"No published article has the slug {slug!r}.")
        return found

    def visitor_key(self, visitor: str | None, address: str, user_agent: str) -> str:
        """Raw ids and addresses never leave this function; the salt (the day) rotates daily."""
        secret = self._settings.secret_key
        if visitor is not None:
            return keyed_hash(secret, "id", visitor, purpose="visitor")[:32]
        day = time.strftime("%Y-%m-%d", time.gmtime())
        return keyed_hash(secret, "client", day, address, user_agent, purpose="visitor")[:32]

    async def count(self, slug: str, visitor: str | None, address: str, user_agent: str) -> bool:
        """Count one view; True when it counted (not a bot, not a repeat)."""
        decision = await self._shared_state.hit(self._settings.views_rate_limit, "views", address)
        if not decision.allowed:
            raise TooManyRequests(decision.retry_after, "Too many view beacons from this client.")
        article_id = await self.article_id(slug)
        if is_bot(user_agent):
            return False
        key = f"view:{article_id}:{self.visitor_key(visitor, address, user_agent)}"
        if not await self._shared_state.first_time(key, self._settings.views_dedupe_seconds):
            return False
        await self._shared_state.add_counts(
            COUNTS_BUCKET, {f"{article_id}:{hour_of(time.time())}": 1}
        )
        return True
