"""The article GETs (and writes) answer one representation per media type, as the spec declares:
the public shape as `application/json`, the desk's and the `?fields=` shapes under their own types."""

from __future__ import annotations

from typing import Any

import jsonschema_rs  # comes with schemathesis

from tests.editorial.conftest import create_article

JSON = "application/json"
FIELDS = "application/vnd.inkwell.fields+json"
DESK = "application/vnd.inkwell.desk+json"
DESK_FIELDS = "application/vnd.inkwell.desk.fields+json"


def ref(name: str) -> dict[str, Any]:
    return {"schema": {"$ref": f"#/components/schemas/{name}"}}


async def served_spec(client: Any) -> dict[str, Any]:
    spec: dict[str, Any] = (await client.get("/openapi.json")).json()
    return spec


def declared(spec: dict[str, Any], method: str, path: str, status: int) -> dict[str, Any]:
    content: dict[str, Any] = spec["paths"][path][method]["responses"][str(status)]["content"]
    return content


def conforms(spec: dict[str, Any], media_schema: dict[str, Any], body: Any) -> None:
    jsonschema_rs.validator_for(
        {**media_schema["schema"], "components": spec["components"]}
    ).validate(body)


async def test_the_spec_declares_one_schema_per_media_type_and_no_union(client):
    spec = await served_spec(client)
    assert declared(spec, "get", "/api/v1/articles", 200) == {
        JSON: ref("ArticleList"),
        FIELDS: ref("ArticleFieldsList"),
        DESK: ref("ArticleDeskList"),
        DESK_FIELDS: ref("ArticleDeskFieldsList"),
    }
    assert declared(spec, "get", "/api/v1/articles/{slug}", 200) == {
        JSON: ref("ArticleDetail"),
        DESK: ref("ArticleEditorial"),
    }
    assert declared(spec, "post", "/api/v1/articles", 201) == {DESK: ref("ArticleEditorial")}
    assert declared(spec, "patch", "/api/v1/articles/{article_id}", 200) == {
        DESK: ref("ArticleEditorial")
    }
    schemas = spec["components"]["schemas"]
    for name in ("ArticleSummaryFields", "ArticleDeskSummaryFields"):
        assert "required" not in schemas[name], name  # a trimmed item may lack any field


async def test_each_answer_has_the_media_type_the_spec_declares_and_conforms_to_its_schema(
    desk, client
):
    site = desk.site
    site.article("Live story", slug="live-story")
    site.article("Quiet draft", status="draft", slug="quiet-draft")
    spec = await served_spec(client)
    lists, one = "/api/v1/articles", "/api/v1/articles/{slug}"
    cases = [
        # (who, URL, the operation's path, media type)
        (None, "/api/v1/articles", lists, JSON),
        (None, "/api/v1/articles?fields=id,title", lists, FIELDS),
        ("editor", "/api/v1/articles", lists, DESK),
        ("editor", "/api/v1/articles?fields=id,status,published_at", lists, DESK_FIELDS),
        ("author", "/api/v1/articles?status=draft", lists, DESK),
        ("moderator", "/api/v1/articles", lists, JSON),  # may not read unpublished articles
        ("moderator", "/api/v1/articles?fields=slug", lists, FIELDS),
        (None, "/api/v1/articles/live-story", one, JSON),
        ("editor", "/api/v1/articles/live-story", one, DESK),
        ("author", "/api/v1/articles/quiet-draft", one, DESK),
        ("moderator", "/api/v1/articles/live-story", one, JSON),
    ]
    for who, url, operation, media_type in cases:
        answer = await client.get(url, headers=desk.auth(who) if who else {})
        assert (answer.status_code, answer.headers["content-type"]) == (200, media_type), url
        conforms(spec, declared(spec, "get", operation, 200)[media_type], answer.json())

    # The desk's trimmed list keeps what only the desk sees (status, a draft's null publish time).
    trimmed = await client.get(
        "/api/v1/articles?fields=slug,status,published_at&sort=title", headers=desk.auth("editor")
    )
    assert [
        (sorted(item), item["slug"], item["status"], item["published_at"] is None)
        for item in trimmed.json()["data"]
    ] == [
        (["published_at", "slug", "status"], "live-story", "published", False),
        (["published_at", "slug", "status"], "quiet-draft", "draft", True),
    ]

    created = await create_article(client, desk, "editor", title="Fresh desk story")
    assert created.headers["content-type"] == DESK
    conforms(spec, declared(spec, "post", "/api/v1/articles", 201)[DESK], created.json())
    patched = await client.patch(
        f"/api/v1/articles/{created.json()['id']}",
        json={"excerpt": "Changed."},
        headers=desk.auth("editor"),
    )
    assert (patched.status_code, patched.headers["content-type"]) == (200, DESK)
    conforms(
        spec, declared(spec, "patch", "/api/v1/articles/{article_id}", 200)[DESK], patched.json()
    )


async def test_public_answers_keep_their_media_type_from_the_cache_and_vary_by_key(desk, client):
    live = desk.site.article("Live story", slug="live-story")
    for url, media_type, key in (
        ("/api/v1/articles", JSON, "articles"),
        ("/api/v1/articles?fields=id,slug", FIELDS, "articles"),
        ("/api/v1/articles/live-story", JSON, f"article-{live}"),
    ):
        first = await client.get(url)
        again = await client.get(url)  # answered from the edge's response cache
        assert first.content == again.content, url
        for answer in (first, again):
            assert answer.headers["content-type"] == media_type, url
            assert answer.headers["cache-control"].startswith("public, max-age="), url
            assert answer.headers["vary"] == "Authorization", url
            assert key in answer.headers["surrogate-key"].split(), url
        revalidated = await client.get(url, headers={"If-None-Match": first.headers["etag"]})
        assert revalidated.status_code == 304, url
        assert revalidated.headers["vary"] == "Authorization", url

        keyed = await client.get(url, headers=desk.auth("editor"))
        assert keyed.headers["content-type"] == (DESK_FIELDS if "fields" in url else DESK), url
        assert keyed.headers["cache-control"] == "private, no-store", url
