"""The desk: a small site and one real key per role (and a second author), on both stores."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import inspect

from app.core.config import Settings
from tests.articles.factories import Site, make_site
from tests.conftest import Store, test_settings
from tests.keys.factories import bearer, issue_key
from tests.webhooks.receiver import receiver

__all__ = ["receiver"]  # the webhook receiver fixture, for the end-to-end scheduling test

# Everything a write could touch: a refused write must leave every table as it was.
UNWATCHED_TABLES = {"alembic_version"}


@dataclass
class Desk:
    store: Store
    settings: Settings
    site: Site
    keys: dict[str, str]

    def auth(self, who: str) -> dict[str, str]:
        return bearer(self.keys[who])

    def state(self) -> dict[str, list[Any]]:
        """Every row of every watched table, in a stable order."""
        found: dict[str, list[Any]] = {}
        tables = set(inspect(self.store.engine).get_table_names()) - UNWATCHED_TABLES
        for table in sorted(tables):
            rows = self.store.rows(f"SELECT * FROM {table}")
            found[table] = sorted(tuple(str(v) for v in row) for row in rows)
        return found


@pytest.fixture
def settings(store: Store) -> Settings:
    """No background loops: arranging rows with the sync engine while a loop holds SQLite's write
    lock from the (blocked) event loop would deadlock. Reads re-check the content version after
    every commit and at each scheduled publication anyway, and events are asserted as outbox rows."""
    return test_settings(store, background_workers=False)


@pytest.fixture
def desk(store: Store, settings: Settings) -> Desk:
    site = make_site(store)
    keys = {
        "admin": issue_key(store, settings, "admin"),
        "editor": issue_key(store, settings, "editor"),
        "author": issue_key(store, settings, "author", author_id=site.authors["ada-okafor"]),
        "other_author": issue_key(
            store, settings, "author", author_id=site.authors["bruno-lindqvist"]
        ),
        "moderator": issue_key(store, settings, "moderator"),
    }
    return Desk(store, settings, site, keys)


async def create_article(client: Any, desk: Desk, who: str = "editor", **fields: Any) -> Any:
    """POST an article as `who` (editors write as ada-okafor unless told); assert it was created."""
    body = {
        "title": "Markets rally as rates hold",
        "category": "business",
        "body": "## Why\n\nRates held.",
    }
    if who in ("editor", "admin"):
        body["author"] = "ada-okafor"
    body.update(fields)
    response = await client.post("/api/v1/articles", json=body, headers=desk.auth(who))
    assert response.status_code == 201, response.text
    return response
