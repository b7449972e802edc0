"""Real keys in the store, for tests of the editorial API."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.core.config import Settings
from app.keys.permissions import Role
from app.keys.service import new_key_row
from tests.conftest import Store


def issue_key(
    store: Store, settings: Settings, role: str, *, author_id: int | None = None, name: str = ""
) -> str:
    key, row = new_key_row(
        settings.secret_key, role=Role(role), name=name or role, author_id=author_id
    )
    with Session(store.engine) as session:
        session.add(row)
        session.commit()
    return key


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}
