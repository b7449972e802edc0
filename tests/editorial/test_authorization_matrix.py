"""Every editorial operation × every kind of caller, with the exact status each one gets.

Refused calls must change nothing in the store. A guard test makes sure no editorial route is
left out of this walk (add new ones to OPERATIONS, with their expected statuses).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.routing import APIRoute
from sqlalchemy import text

from app.core.config import Settings
from app.keys.service import KEY_PREFIX
from tests.conftest import Store, test_settings
from tests.editorial.conftest import Desk
from tests.keys.factories import bearer, issue_key

ROLES = ("admin", "editor", "author", "moderator")
Request = tuple[str, str, dict[str, Any] | None]


@dataclass(frozen=True)
class Operation:
    name: str
    prepare: Callable[[Desk], Request]  # arranges a fresh target, returns (method, url, json)
    allowed: dict[str, int]  # role -> status; roles left out get 403
    anonymous: int = 401


def _draft(desk: Desk) -> int:
    return desk.site.article(status="draft")  # by ada-okafor, whom the author key writes as


def _new_tag(desk: Desk) -> int:
    with desk.store.engine.begin() as conn:
        return conn.execute(
            text(
                "INSERT INTO tag (slug, name, article_count, created_at) VALUES (:s, :s, 0, now_()) RETURNING id".replace(
                    "now_()", "CURRENT_TIMESTAMP"
                )
            ),
            {"s": f"t-{secrets.token_hex(4)}"},
        ).scalar_one()


def _new_category(desk: Desk) -> int:
    with desk.store.engine.begin() as conn:
        return conn.execute(
            text(
                "INSERT INTO category (slug, name, description, position, article_count, created_at, updated_at) "
                "VALUES (:s, :s, '', 9, 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP) RETURNING id"
            ),
            {"s": f"c-{secrets.token_hex(4)}"},
        ).scalar_one()


def _new_author(desk: Desk) -> int:
    with desk.store.engine.begin() as conn:
        return conn.execute(
            text(
                "INSERT INTO author (slug, name, bio, article_count, created_at, updated_at) "
                "VALUES (:s, :s, '', 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP) RETURNING id"
            ),
            {"s": f"a-{secrets.token_hex(4)}"},
        ).scalar_one()


def _new_key(desk: Desk) -> int:
    issue_key(desk.store, desk.settings, "moderator", name="target")
    return int(desk.store.scalar("SELECT max(id) FROM api_key"))


def _new_webhook(desk: Desk) -> int:
    with desk.store.engine.begin() as conn:
        return conn.execute(
            text(
                "INSERT INTO webhook (url, events, secret, description, active, created_at) VALUES "
                "('http://127.0.0.1:9/hook', '[\"article.published\"]', 'whsec_test', '', true, "
                "CURRENT_TIMESTAMP) RETURNING id"
            )
        ).scalar_one()


def _new_subscriber(desk: Desk) -> int:
    token = secrets.token_hex(6)
    with desk.store.engine.begin() as conn:
        return conn.execute(
            text(
                "INSERT INTO subscriber (email, email_hash, status, confirm_nonce, unsubscribe_nonce, created_at) "
                "VALUES (:e, :h, 'active', 'n1', 'n2', CURRENT_TIMESTAMP) RETURNING id"
            ),
            {"e": f"reader-{token}@example.org", "h": token},
        ).scalar_one()


def _new_comment(desk: Desk) -> int:
    article = desk.site.article()
    token = secrets.token_hex(6)
    with desk.store.engine.begin() as conn:
        return conn.execute(
            text(
                "INSERT INTO comment (article_id, depth, author_name, author_email, email_hash, "
                "address_hash, user_agent, body, status, created_at, updated_at, content_hash) "
                "VALUES (:a, 0, 'Reader', :e, :h, :h, '', 'A comment.', 'pending', "
                "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, :h) RETURNING id"
            ),
            {"a": article, "e": f"reader-{token}@example.org", "h": token},
        ).scalar_one()


def _unique(prefix: str) -> str:
    return f"{prefix} {secrets.token_hex(4)}"


WRITERS = {"admin": 201, "editor": 201, "author": 201}
EDITORS_201 = {"admin": 201, "editor": 201}
EDITORS_200 = {"admin": 200, "editor": 200}
EDITORS_204 = {"admin": 204, "editor": 204}
MODERATORS_200 = {"admin": 200, "editor": 200, "moderator": 200}

OPERATIONS = [
    Operation(
        "create_article",
        lambda d: (
            "POST",
            "/api/v1/articles",
            {"title": _unique("Story"), "category": "business", "author": "ada-okafor"},
        ),
        WRITERS,
    ),
    Operation(
        "update_article",
        lambda d: ("PATCH", f"/api/v1/articles/{_draft(d)}", {"excerpt": "Changed."}),
        {"admin": 200, "editor": 200, "author": 200},
    ),
    Operation(
        "publish_article",
        lambda d: ("PATCH", f"/api/v1/articles/{_draft(d)}", {"status": "published"}),
        EDITORS_200,
    ),
    Operation(
        "delete_article", lambda d: ("DELETE", f"/api/v1/articles/{_draft(d)}", None), EDITORS_204
    ),
    Operation(
        "list_unpublished_articles",
        lambda d: ("GET", "/api/v1/articles?status=draft", None),
        {"admin": 200, "editor": 200, "author": 200},
        anonymous=422,
    ),
    Operation(
        "get_unpublished_article",
        lambda d: ("GET", f"/api/v1/articles/{_draft(d)}", None),
        {"admin": 200, "editor": 200, "author": 200, "moderator": 404},
        anonymous=404,
    ),
    Operation(
        "create_category",
        lambda d: ("POST", "/api/v1/categories", {"name": _unique("Cat")}),
        EDITORS_201,
    ),
    Operation(
        "update_category",
        lambda d: ("PATCH", f"/api/v1/categories/{_new_category(d)}", {"name": "N"}),
        EDITORS_200,
    ),
    Operation(
        "delete_category",
        lambda d: ("DELETE", f"/api/v1/categories/{_new_category(d)}", None),
        EDITORS_204,
    ),
    Operation(
        "create_author",
        lambda d: ("POST", "/api/v1/authors", {"name": _unique("Writer")}),
        EDITORS_201,
    ),
    Operation(
        "update_author",
        lambda d: ("PATCH", f"/api/v1/authors/{_new_author(d)}", {"bio": "B"}),
        EDITORS_200,
    ),
    Operation(
        "delete_author",
        lambda d: ("DELETE", f"/api/v1/authors/{_new_author(d)}", None),
        EDITORS_204,
    ),
    Operation(
        "create_tag", lambda d: ("POST", "/api/v1/tags", {"name": _unique("Tag")}), EDITORS_201
    ),
    Operation(
        "update_tag", lambda d: ("PATCH", f"/api/v1/tags/{_new_tag(d)}", {"name": "N"}), EDITORS_200
    ),
    Operation("delete_tag", lambda d: ("DELETE", f"/api/v1/tags/{_new_tag(d)}", None), EDITORS_204),
    Operation("list_keys", lambda d: ("GET", "/api/v1/keys", None), {"admin": 200}),
    Operation(
        "create_key",
        lambda d: ("POST", "/api/v1/keys", {"role": "editor", "name": "Desk"}),
        {"admin": 201},
    ),
    Operation(
        "revoke_key",
        lambda d: ("DELETE", f"/api/v1/keys/{_new_key(d)}", None),
        {"admin": 204},
    ),
    Operation(
        "create_webhook",
        lambda d: (
            "POST",
            "/api/v1/webhooks",
            {"url": "http://127.0.0.1:9/hook", "events": ["article.published"]},
        ),
        {"admin": 201},
    ),
    Operation("list_webhooks", lambda d: ("GET", "/api/v1/webhooks", None), {"admin": 200}),
    Operation(
        "get_webhook",
        lambda d: ("GET", f"/api/v1/webhooks/{_new_webhook(d)}", None),
        {"admin": 200},
    ),
    Operation(
        "list_webhook_deliveries",
        lambda d: ("GET", f"/api/v1/webhooks/{_new_webhook(d)}/deliveries", None),
        {"admin": 200},
    ),
    Operation(
        "delete_webhook",
        lambda d: ("DELETE", f"/api/v1/webhooks/{_new_webhook(d)}", None),
        {"admin": 204},
    ),
    Operation(
        "list_subscribers",
        lambda d: ("GET", "/api/v1/newsletter/subscribers", None),
        {"admin": 200},
    ),
    Operation(
        "get_subscriber",
        lambda d: ("GET", f"/api/v1/newsletter/subscribers/{_new_subscriber(d)}", None),
        {"admin": 200},
    ),
    Operation(
        "list_moderation_comments",
        lambda d: ("GET", "/api/v1/moderation/comments?status=pending", None),
        MODERATORS_200,
    ),
    Operation(
        "moderate_comment",
        lambda d: (
            "PATCH",
            f"/api/v1/moderation/comments/{_new_comment(d)}",
            {"status": "approved"},
        ),
        MODERATORS_200,
    ),
    Operation(
        "moderate_comments_in_bulk",
        lambda d: (
            "POST",
            "/api/v1/moderation/comments/bulk",
            {"ids": [_new_comment(d)], "status": "spam"},
        ),
        MODERATORS_200,
    ),
    Operation(
        "delete_comment",
        lambda d: ("DELETE", f"/api/v1/moderation/comments/{_new_comment(d)}", None),
        {"admin": 204, "editor": 204, "moderator": 204},
    ),
    Operation(
        "erase_subscriber",
        lambda d: ("DELETE", f"/api/v1/newsletter/subscribers/{_new_subscriber(d)}", None),
        {"admin": 204},
    ),
]

# Routes that change something but are for anonymous readers, or are not editorial.
PUBLIC_WRITES = {
    ("POST", "/api/v1/articles/{slug}/views"),
    ("POST", "/api/v1/articles/{slug}/comments"),
    ("POST", "/api/v1/newsletter/subscriptions"),
    ("POST", "/api/v1/newsletter/confirm"),
    ("POST", "/api/v1/newsletter/unsubscribe"),
}


@pytest.fixture
def settings(store: Store) -> Settings:
    # The webhook operations register a receiver on 127.0.0.1 (never called: no loops run).
    return test_settings(store, background_workers=False, webhooks_allow_private=True)


def callers(desk: Desk) -> dict[str, dict[str, str]]:
    revoked = issue_key(desk.store, desk.settings, "admin", name="revoked")
    with desk.store.engine.begin() as conn:
        conn.execute(
            text("UPDATE api_key SET revoked_at = CURRENT_TIMESTAMP WHERE name = 'revoked'")
        )
    return {
        "no key": {},
        "malformed key": {"Authorization": "Bearer not-an-inkwell-key"},
        "not bearer": {"Authorization": "Basic YWRtaW46YWRtaW4="},
        "wrong key": bearer(KEY_PREFIX + secrets.token_urlsafe(32)),
        "revoked key": bearer(revoked),
        **{role: desk.auth(role) for role in ROLES},
    }


def expected(operation: Operation, caller: str) -> int:
    if caller == "no key":
        return operation.anonymous
    if caller in ROLES:
        return operation.allowed.get(caller, 403)
    return 401


@pytest.mark.parametrize("operation", OPERATIONS, ids=[op.name for op in OPERATIONS])
async def test_each_caller_gets_exactly_its_status_and_refusals_change_nothing(
    desk, client, operation
):
    seen: dict[str, int] = {}
    wanted: dict[str, int] = {}
    for caller, headers in callers(desk).items():
        method, url, body = operation.prepare(desk)
        before = desk.state()
        answer = await client.request(method, url, json=body, headers=headers)
        seen[caller], wanted[caller] = answer.status_code, expected(operation, caller)
        if answer.status_code >= 400:
            assert answer.headers["content-type"] == "application/problem+json", caller
            assert desk.state() == before, f"{caller} changed the store with a refused call"
        if answer.status_code == 401:
            assert answer.headers["www-authenticate"] == 'Bearer realm="inkwell"'
        if method != "GET" and answer.status_code < 300:
            assert desk.state() != before, f"{caller}: success that changed nothing"
    assert seen == wanted


async def test_an_author_cannot_touch_another_authors_article(desk, client):
    theirs = desk.site.article(status="draft", author="bruno-lindqvist")
    before = desk.state()
    for method, body in (("PATCH", {"excerpt": "x"}), ("DELETE", None)):
        answer = await client.request(
            method, f"/api/v1/articles/{theirs}", json=body, headers=desk.auth("author")
        )
        assert answer.status_code == 403
    assert (
        await client.get(f"/api/v1/articles/{theirs}", headers=desk.auth("author"))
    ).status_code == 404
    assert desk.state() == before


def test_every_editorial_route_is_in_the_walk(app):
    walked = {op.name for op in OPERATIONS}
    editorial = set()
    for route in app.routes:
        if not isinstance(route, APIRoute):
            continue
        for method in route.methods - {"GET", "HEAD"}:
            if (method, route.path) not in PUBLIC_WRITES:
                editorial.add(route.name)
    assert editorial - walked == set(), "add these routes to OPERATIONS"


def test_the_documented_matrix_is_the_enforced_one():
    from pathlib import Path

    from app.keys.permissions import matrix_markdown

    doc = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert matrix_markdown() in doc
