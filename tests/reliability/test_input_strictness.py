"""What the fuzzer found, pinned: lax coercions are refused, undecodable bodies are a 422 problem,
and a `?fields=` answer is described by the spec it is served under."""

from __future__ import annotations

from typing import Any

import jsonschema_rs  # comes with schemathesis
import pytest

from tests.articles.factories import make_site
from tests.keys.factories import bearer, issue_key


async def _spec(client: Any) -> dict[str, Any]:
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    spec: dict[str, Any] = response.json()
    return spec


def _validator(spec: dict[str, Any], name: str) -> Any:
    schema = {"$ref": f"#/components/schemas/{name}", "components": spec["components"]}
    return jsonschema_rs.validator_for(schema)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("/api/v1/articles?published_before=0.5", "query.published_before"),
        ("/api/v1/articles?published_after=1700000000", "query.published_after"),
        ("/api/v1/articles?published_after=2025-03-14T06:10:00", "query.published_after"),
        ("/api/v1/newsletter/subscribers?created_before=0.5", "query.created_before"),
    ],
)
async def test_timestamps_must_be_rfc_3339_with_an_offset_not_numbers_or_naive(
    store, client, settings, query, field
):
    key = issue_key(store, settings, "admin")
    response = await client.get(query, headers=bearer(key))
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == [field]


async def test_an_offset_timestamp_is_still_accepted_and_read_as_utc(store, client):
    site = make_site(store)
    site.article("Old")
    response = await client.get("/api/v1/articles?published_after=2000-01-01T05:00:00%2B05:00")
    assert response.status_code == 200
    assert [a["title"] for a in response.json()["data"]] == ["Old"]


async def test_a_body_that_is_not_utf8_is_a_422_problem_and_writes_nothing(store, client):
    response = await client.post(
        "/api/v1/newsletter/subscriptions",
        content=b'{"email": "\xff@example.org", "consent": true}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"] == [
        {"field": "body", "message": "The body is not valid UTF-8 JSON."}
    ]
    assert store.scalar("SELECT count(*) FROM subscriber") == 0


async def test_a_fields_answer_matches_the_trimmed_schema_and_a_whole_answer_the_full_one(
    store, client
):
    site = make_site(store)
    site.article("Markets rally")
    spec = await _spec(client)
    documented = spec["paths"]["/api/v1/articles"]["get"]["responses"]["200"]["content"]
    assert "required" not in spec["components"]["schemas"]["ArticleSummaryFields"]

    # Each answer is served as the media type whose schema describes it (tests/editorial/
    # test_representations.py has every representation).
    answer = await client.get("/api/v1/articles?fields=id,title")
    trimmed = answer.json()
    assert [sorted(item) for item in trimmed["data"]] == [["id", "title"]]
    media_type = answer.headers["content-type"]
    assert documented[media_type]["schema"]["$ref"].endswith("/ArticleFieldsList")
    _validator(spec, "ArticleFieldsList").validate(trimmed)
    assert not _validator(spec, "ArticleList").is_valid(trimmed)

    answer = await client.get("/api/v1/articles")
    assert documented[answer.headers["content-type"]]["schema"]["$ref"].endswith("/ArticleList")
    _validator(spec, "ArticleList").validate(answer.json())


async def test_reads_where_a_key_is_optional_say_so_in_the_spec(store, client, settings):
    site = make_site(store)
    site.article("Public", slug="public-story")
    spec = await _spec(client)
    optional = sorted(
        f"{method.upper()} {path}"
        for path, operations in spec["paths"].items()
        for method, operation in operations.items()
        if {} in operation.get("security", [])
    )
    assert optional == ["GET /api/v1/articles", "GET /api/v1/articles/{slug}"]
    assert spec["paths"]["/api/v1/articles"]["get"]["security"] == [{"HTTPBearer": []}, {}]
    # Both ways answer: without a key (the public view) and with one (the desk's view).
    key = issue_key(store, settings, "editor")
    for headers in ({}, bearer(key)):
        assert (await client.get("/api/v1/articles", headers=headers)).status_code == 200
        assert (
            await client.get("/api/v1/articles/public-story", headers=headers)
        ).status_code == 200


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PATCH", "/api/v1/articles/{id}"),
        ("DELETE", "/api/v1/articles/{id}"),
        ("PATCH", "/api/v1/categories/{id}"),
        ("DELETE", "/api/v1/tags/{id}"),
        ("PATCH", "/api/v1/authors/{id}"),
        ("DELETE", "/api/v1/keys/{id}"),
        ("PATCH", "/api/v1/moderation/comments/{id}"),
        ("DELETE", "/api/v1/moderation/comments/{id}"),
    ],
)
async def test_ids_past_the_32_bit_columns_are_422_not_a_database_error(
    store, client, settings, method, path
):
    key = issue_key(store, settings, "admin")
    for too_big, status in ((2**31, 422), (2**31 - 1, 404)):
        response = await client.request(
            method,
            path.format(id=too_big),
            json={"status": "approved"}
            if "comments" in path
            else {}
            if method == "PATCH"
            else None,
            headers=bearer(key),
        )
        assert response.status_code == status, (too_big, response.text)
        assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    "query",
    [
        "/api/v1/articles?category=%00",
        "/api/v1/articles?q=a%00b",
        "/api/v1/search?q=%00",
        "/api/v1/tags?sort=name%00",
    ],
)
async def test_a_nul_in_the_query_string_is_a_422_on_both_stores(store, client, query):
    make_site(store).article("Any")
    response = await client.get(query)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["message"] == "must not contain NUL"


async def test_ids_in_comment_bodies_past_the_32_bit_columns_are_422(store, client, settings):
    site = make_site(store)
    site.article(slug="talk")
    key = issue_key(store, settings, "moderator")
    reply = await client.post(
        "/api/v1/articles/talk/comments",
        json={
            "author_name": "Ann",
            "author_email": "ann@example.org",
            "body": "A reply.",
            "parent_id": 2**31,
        },
    )
    assert reply.status_code == 422, reply.text
    assert reply.json()["errors"][0]["field"] == "body.parent_id"
    bulk = await client.post(
        "/api/v1/moderation/comments/bulk",
        json={"ids": [2**31], "status": "approved"},
        headers=bearer(key),
    )
    assert bulk.status_code == 422, bulk.text
    assert store.scalar("SELECT count(*) FROM comment") == 0


async def test_a_nul_in_a_json_body_is_a_422_and_an_escaped_backslash_is_not_a_nul(
    store, client, settings
):
    key = issue_key(store, settings, "admin")
    nul = await client.post(
        "/api/v1/tags",
        content=b'{"name": "Markets\\u0000", "slug": "markets-x"}',
        headers={**bearer(key), "Content-Type": "application/json"},
    )
    assert nul.status_code == 422, nul.text
    assert nul.json()["errors"] == [{"field": "body", "message": "must not contain NUL (\\u0000)"}]
    literal = await client.post(
        "/api/v1/tags",
        content=b'{"name": "Markets \\\\u0000", "slug": "markets-y"}',
        headers={**bearer(key), "Content-Type": "application/json"},
    )
    assert literal.status_code == 201, literal.text
    assert literal.json()["name"] == "Markets \\u0000"
    assert store.scalar("SELECT count(*) FROM tag WHERE slug = 'markets-x'") == 0
