"""Health, readiness, problem answers for unknown routes and methods, headers, CORS."""

import pytest
from sqlalchemy import text

from app.core.config import Settings
from app.main import create_app
from tests.conftest import running, test_settings


async def test_healthz_and_readyz(store, client):
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["status"] == "ready"
    head = store.scalar("SELECT version_num FROM alembic_version")
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    try:
        behind = await client.get("/readyz")
    finally:
        with store.engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = :head"), {"head": head})
    assert behind.status_code == 503 and "inkwell migrate" in behind.json()["detail"]


async def test_readyz_is_503_when_the_database_is_unreachable(tmp_path):
    settings = Settings(
        database_url="postgresql://nobody@127.0.0.1:1/none", env="test", background_workers=False
    )
    async with running(create_app(settings)) as client:
        response = await client.get("/readyz")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"


async def test_unknown_routes_and_wrong_methods_are_problems(client):
    missing = await client.get("/api/v1/nothing-here")
    assert (
        missing.status_code == 404 and missing.headers["content-type"] == "application/problem+json"
    )
    assert missing.json()["detail"] == "Nothing is served at /api/v1/nothing-here."
    wrong = await client.put("/api/v1/categories")
    assert wrong.status_code == 405 and wrong.headers["content-type"] == "application/problem+json"
    assert "allow" in wrong.headers


async def test_security_headers_and_no_server_banner(client):
    response = await client.get("/api/v1/categories", headers={"X-Request-Id": "abc123"})
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert response.headers["content-security-policy"].startswith("default-src 'none'")
    assert response.headers["x-request-id"] == "abc123"
    assert "server" not in response.headers
    docs = await client.get("/docs")
    assert "script-src 'self'" in docs.headers["content-security-policy"]
    generated = await client.get("/healthz")
    assert len(generated.headers["x-request-id"]) == 16


@pytest.mark.parametrize(
    ("origins", "origin", "allowed"),
    [
        ("*", "https://any.example", "*"),
        ("https://site.example", "https://site.example", "https://site.example"),
        ("https://site.example", "https://evil.example", None),
    ],
)
async def test_cors_follows_the_settings(store, origins, origin, allowed):
    settings = test_settings(store, cors_origins=origins)
    async with running(create_app(settings)) as client:
        response = await client.get("/api/v1/categories", headers={"Origin": origin})
        preflight = await client.options(
            "/api/v1/articles/x/comments",
            headers={"Origin": origin, "Access-Control-Request-Method": "POST"},
        )
    assert response.headers.get("access-control-allow-origin") == allowed
    if origins == "*":
        assert preflight.status_code == 400  # any origin may read, not write
    elif allowed:
        assert (
            preflight.status_code == 200
            and "POST" in preflight.headers["access-control-allow-methods"]
        )


async def test_a_body_over_the_limit_is_413_before_it_is_read(client):
    response = await client.post(
        "/api/v1/categories",
        content=b"x" * (64 * 1024 + 1),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"


def test_production_refuses_the_default_secret_key():
    with pytest.raises(ValueError, match="INKWELL_SECRET_KEY"):
        Settings(env="production")
    assert Settings(env="production", secret_key="s" * 40).env == "production"
