"""Alembic environment: the URL comes from the caller (app.core.migrations) or INKWELL_*."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import app.models  # noqa: F401  (registers every table)
from app.core.config import Settings
from app.core.db import make_sync_engine
from app.core.search_schema import include_in_autogenerate

config = context.config


def run_migrations_online() -> None:
    url = config.attributes.get("database_url") or Settings().database_url
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_sync_engine(url)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=SQLModel.metadata,
        include_object=include_in_autogenerate,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    if hasattr(connection, "commit"):
        connection.commit()


run_migrations_online()
