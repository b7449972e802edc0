"""Alembic and the models agree on both stores, and migrating twice changes nothing."""

import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

import app.models  # noqa: F401
from app.core.migrations import head_revision, upgrade_to_head
from app.core.search_schema import include_in_autogenerate


def test_the_migrated_schema_has_no_pending_autogenerate_diff(store):
    with store.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"include_object": include_in_autogenerate, "compare_type": True}
        )
        diff = compare_metadata(context, SQLModel.metadata)
    assert diff == []


def test_the_store_is_at_head_and_inkwell_migrate_again_is_a_no_op(store):
    def schema():
        if store.kind == "sqlite":
            return store.rows("SELECT type, name, sql FROM sqlite_master ORDER BY name")
        return store.rows(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'public' ORDER BY table_name, column_name"
        )

    before = schema()
    assert store.scalar("SELECT version_num FROM alembic_version") == head_revision()
    env = {"INKWELL_DATABASE_URL": store.url, "PATH": str(Path(sys.executable).parent)}
    done = subprocess.run(
        [str(Path(sys.executable).with_name("inkwell")), "migrate"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    upgrade_to_head(store.url)
    assert schema() == before
    assert store.scalar("SELECT count(*) FROM alembic_version") == 1
