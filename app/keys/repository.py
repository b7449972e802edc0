from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.authors.models import Author
from app.keys.models import ApiKey
from app.keys.schemas import KeyPublic


def key_select() -> Any:
    return select(ApiKey, Author.slug).outerjoin(Author, Author.id == ApiKey.author_id)  # type: ignore[arg-type]


def public(row: ApiKey, author_slug: str | None) -> KeyPublic:
    return KeyPublic(
        id=row.id or 0,
        name=row.name,
        role=row.role,
        prefix=row.prefix,  # type: ignore[arg-type]
        author=author_slug,
        created_at=row.created_at,
        revoked_at=row.revoked_at,
    )


async def page(session: AsyncSession, offset: int, limit: int) -> list[KeyPublic]:
    rows = await session.execute(key_select().order_by(ApiKey.id).offset(offset).limit(limit))
    return [public(key, slug) for key, slug in rows.all()]


async def count(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(ApiKey)) or 0)


async def author_id_by_slug(session: AsyncSession, slug: str) -> int | None:
    return await session.scalar(select(Author.id).where(Author.slug == slug))
