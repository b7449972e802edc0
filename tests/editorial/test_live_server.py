"""The desk against a real `inkwell serve` process: a key from the CLI, a write, a fresh read."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.articles.factories import make_site

pytestmark = pytest.mark.live


def test_a_cli_key_publishes_over_real_http_and_readers_see_it_at_once(store, live_server_factory):
    make_site(store)
    server = live_server_factory(store)
    inkwell = Path(sys.executable).with_name("inkwell")
    made = subprocess.run(
        [str(inkwell), "keys", "create", "--role", "editor", "--name", "Night desk"],
        env=server.env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    key = made.stdout.strip()
    auth = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=server.url, timeout=10) as http:
        before = http.get("/api/v1/articles")
        assert before.json()["data"] == []
        created = http.post(
            "/api/v1/articles",
            json={
                "title": "Live desk story",
                "category": "business",
                "author": "ada-okafor",
                "status": "published",
            },
            headers=auth,
        )
        assert created.status_code == 201, created.text
        after = http.get("/api/v1/articles", headers={"If-None-Match": before.headers["etag"]})
        assert after.status_code == 200
        assert [a["slug"] for a in after.json()["data"]] == ["live-desk-story"]
        assert (
            http.post(
                "/api/v1/articles",
                json={"title": "x"},
                headers={"Authorization": "Bearer ink_nope_nope_nope_nope"},
            ).status_code
            == 401
        )
