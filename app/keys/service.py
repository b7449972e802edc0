"""Issuing, checking and revoking keys.

Keys are 256-bit random secrets, so a keyed hash (HMAC-SHA256 under INKWELL_SECRET_KEY) is the
right way to store them: checking one costs microseconds, and a stolen table is useless without
the secret. (argon2 is for low-entropy passwords; here it would cost milliseconds per request.)
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.clients import keyed_hash
from app.core.types import utcnow
from app.keys.models import ApiKey
from app.keys.permissions import Role

KEY_PREFIX = "ink_"
KEY_BYTES = 32
PREFIX_SHOWN = 12


@dataclass(frozen=True)
class Principal:
    """Who a valid key belongs to."""

    key_id: int
    name: str
    role: Role
    author_id: int | None


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(KEY_BYTES)


def hash_key(secret_key: str, key: str) -> str:
    return keyed_hash(secret_key, key, purpose="api-key")


def looks_like_key(value: str) -> bool:
    return value.startswith(KEY_PREFIX) and 20 <= len(value) <= 100 and value.isascii()


def new_key_row(
    secret_key: str, *, role: Role, name: str, author_id: int | None
) -> tuple[str, ApiKey]:
    key = new_key()
    row = ApiKey(
        name=name,
        role=role.value,
        prefix=key[:PREFIX_SHOWN],
        key_hash=hash_key(secret_key, key),
        author_id=author_id,
    )
    return key, row


async def principal_for(session: AsyncSession, secret_key: str, key: str) -> Principal | None:
    """The principal of a valid, unrevoked key, else None."""
    digest = hash_key(secret_key, key)
    row = await session.scalar(select(ApiKey).where(ApiKey.key_hash == digest))
    # The lookup is by hash, so timing says nothing about the key; compare anyway, in constant time.
    if row is None or row.revoked_at is not None or not hmac.compare_digest(row.key_hash, digest):
        return None
    return Principal(
        key_id=row.id or 0, name=row.name, role=Role(row.role), author_id=row.author_id
    )


async def revoke(session: AsyncSession, key_id: int, when: datetime | None = None) -> bool:
    result = await session.execute(
        update(ApiKey)
        .where(ApiKey.id == key_id, ApiKey.revoked_at.is_(None))
        .values(revoked_at=when or utcnow())  # type: ignore[union-attr]
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def create(
    session: AsyncSession, secret_key: str, *, role: Role, name: str, author_id: int | None
) -> tuple[str, ApiKey]:
    """A new key (shown once, to the caller) and its stored row."""
    key, row = new_key_row(secret_key, role=role, name=name, author_id=author_id)
    session.add(row)
    await session.flush()
    return key, row
