"""Rows and helpers for newsletter tests."""

from __future__ import annotations

import asyncio
import itertools
import time
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Any
from urllib.parse import parse_qs, urlsplit

from itsdangerous import TimestampSigner
from sqlalchemy import insert
from sqlalchemy.orm import Session

from app.categories.models import Category
from app.core.config import Settings
from app.newsletter import tokens
from app.newsletter.models import Subscriber, SubscriberInterest
from app.newsletter.service import email_hash
from tests.conftest import Store
from tests.keys.factories import bearer, issue_key

_numbers = itertools.count(1)


def make_category(store: Store, slug: str, name: str | None = None) -> int:
    now = datetime.now(UTC)
    with Session(store.engine) as session:
        result = session.execute(
            insert(Category).values(
                slug=slug,
                name=name or slug.title(),
                description="",
                position=next(_numbers),
                article_count=0,
                created_at=now,
                updated_at=now,
            )
        )
        session.commit()
        return int(result.inserted_primary_key[0])  # type: ignore[index]


def add_subscriber(
    store: Store,
    settings: Settings,
    email: str,
    *,
    status: str = "active",
    name: str | None = None,
    categories: tuple[int, ...] = (),
    created_at: datetime | None = None,
) -> int:
    when = created_at or datetime.now(UTC)
    with Session(store.engine) as session:
        row = Subscriber(
            email=email,
            email_hash=email_hash(settings, email),
            name=name,
            status=status,
            confirm_nonce=tokens.new_nonce(),
            unsubscribe_nonce=tokens.new_nonce(),
            created_at=when,
            confirmed_at=when if status == "active" else None,
            unsubscribed_at=when if status == "unsubscribed" else None,
        )
        session.add(row)
        session.flush()
        for category_id in categories:
            session.add(SubscriberInterest(subscriber_id=row.id, category_id=category_id))
        session.commit()
        assert row.id is not None
        return row.id


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())  # type: ignore[attr-defined]


def link_token(url: str) -> str:
    return parse_qs(urlsplit(url).query)["token"][0]


def confirm_token(message: EmailMessage) -> str:
    line = next(
        line
        for line in text_of(message).splitlines()
        if line.startswith("Confirm my subscription: ")
    )
    return link_token(line.split(": ", 1)[1])


def one_click_url(message: EmailMessage) -> str:
    header = str(message["List-Unsubscribe"])
    assert header.startswith("<") and header.endswith(">"), header
    return header[1:-1]


def signed_in_the_past(
    secret_key: str, purpose: tokens.Purpose, payload: dict[str, Any], seconds_ago: int
) -> str:
    """A genuine token whose signature time is `seconds_ago` in the past (itsdangerous' own API)."""

    class PastSigner(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - seconds_ago

    return tokens.serializer(secret_key, purpose, signer=PastSigner).dumps(payload)


# While an app runs, its outbox loop briefly holds SQLite's write lock; a synchronous write on the
# event loop's thread would wait for a lock that only that loop can release. Arrange in a thread.
async def category(store: Store, slug: str) -> int:
    return await asyncio.to_thread(make_category, store, slug)


async def subscriber(store: Store, settings: Settings, email: str, **kwargs: Any) -> int:
    return await asyncio.to_thread(lambda: add_subscriber(store, settings, email, **kwargs))


async def key_for(store: Store, settings: Settings, role: str) -> dict[str, str]:
    return bearer(await asyncio.to_thread(issue_key, store, settings, role))
