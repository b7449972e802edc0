"""Key management for the command line (sync, outside any request)."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.authors.models import Author
from app.core.config import Settings
from app.core.db import make_sync_engine
from app.core.migrations import upgrade_to_head
from app.core.types import utcnow
from app.keys.models import ApiKey
from app.keys.permissions import Role
from app.keys.service import new_key_row


def create_key(
    settings: Settings, *, role: str, name: str, author_slug: str | None
) -> tuple[str, ApiKey]:
    try:
        chosen = Role(role)
    except ValueError:
        raise ValueError(f"unknown role {role!r}: use {', '.join(r.value for r in Role)}") from None
    if chosen is Role.AUTHOR and author_slug is None:
        raise ValueError("an author key needs --author SLUG (whose articles it may write)")
    upgrade_to_head(settings.database_url)
    engine = make_sync_engine(settings.database_url)
    try:
        with Session(engine) as session:
            author_id = None
            if author_slug is not None:
                author_id = session.scalar(select(Author.id).where(Author.slug == author_slug))
                if author_id is None:
                    raise ValueError(f"no author with slug {author_slug!r}")
            key, row = new_key_row(
                settings.secret_key, role=chosen, name=name or chosen.value, author_id=author_id
            )
            session.add(row)
            session.commit()
            session.refresh(row)
            return key, row
    finally:
        engine.dispose()


def list_keys(settings: Settings) -> list[ApiKey]:
    engine = make_sync_engine(settings.database_url)
    try:
        with Session(engine) as session:
            return list(session.scalars(select(ApiKey).order_by(ApiKey.id)))
    finally:
        engine.dispose()


def revoke_key(settings: Settings, key_id: int) -> bool:
    engine = make_sync_engine(settings.database_url)
    try:
        with Session(engine) as session:
            result = session.execute(
                update(ApiKey)
                .where(ApiKey.id == key_id, ApiKey.revoked_at.is_(None))
                .values(revoked_at=utcnow())  # type: ignore[union-attr]
            )
            session.commit()
            return bool(result.rowcount)  # type: ignore[attr-defined]
    finally:
        engine.dispose()
