"""Pluggable spam checking. `NullChecker` (the default) has no opinion; `AkismetChecker` asks an
Akismet-compatible service when `INKWELL_AKISMET_KEY` is set. A checker that fails (timeout,
error, an answer it does not understand) says `UNSURE`, and the comment is held: never a 500."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

import httpx

from app.core.config import Settings

log = logging.getLogger("inkwell.comments.spam")


class Verdict(StrEnum):
    HAM = "ham"  # no objection: the moderation policy decides
    SPAM = "spam"  # stored as spam
    UNSURE = "unsure"  # the checker could not tell: held for a moderator


@dataclass(frozen=True)
class Candidate:
    author_name: str
    author_email: str
    body: str
    article_url: str


@dataclass(frozen=True)
class RequestInfo:
    address: str
    user_agent: str
    referrer: str


class SpamChecker(Protocol):
    async def check(self, comment: Candidate, request_info: RequestInfo) -> Verdict: ...


class NullChecker:
    async def check(self, comment: Candidate, request_info: RequestInfo) -> Verdict:
        return Verdict.HAM


class AkismetChecker:
    """The comment-check call of the Akismet REST API (form-encoded POST; body `true` = spam)."""

    def __init__(self, url: str, key: str, blog: str, timeout: float) -> None:
        self._url = url
        self._key = key
        self._blog = blog
        self._timeout = timeout

    async def check(self, comment: Candidate, request_info: RequestInfo) -> Verdict:
        form = {
            "api_key": self._key,
            "blog": self._blog,
            "user_ip": request_info.address,
            "user_agent": request_info.user_agent,
            "referrer": request_info.referrer,
            "permalink": comment.article_url,
            "comment_type": "comment",
            "comment_author": comment.author_name,
            "comment_author_email": comment.author_email,
            "comment_content": comment.body,
        }
        try:
            # httpx's timeout bounds each phase (connect, each read); this bounds the whole call,
            # so a service trickling its answer cannot hold a reader's POST open.
            async with (
                asyncio.timeout(self._timeout),
                httpx.AsyncClient(timeout=self._timeout) as client,
            ):
                response = await client.post(self._url, data=form)
        except (httpx.HTTPError, TimeoutError) as exc:
            log.warning("spam check failed (%s); holding the comment", type(exc).__name__)
            return Verdict.UNSURE
        answer = response.text.strip().lower()
        if response.status_code == 200 and answer == "true":
            return Verdict.SPAM
        if response.status_code == 200 and answer == "false":
            return Verdict.HAM
        log.warning(
            "spam check answered %s %r; holding the comment", response.status_code, answer[:80]
        )
        return Verdict.UNSURE


def checker_for(settings: Settings) -> SpamChecker:
    if settings.akismet_key:
        return AkismetChecker(
            settings.akismet_url,
            settings.akismet_key,
            settings.public_base,
            settings.akismet_timeout_seconds,
        )
    return NullChecker()
