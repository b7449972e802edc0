"""GET /api/v1/articles: visibility, filters, sorts, page and cursor paging, fields, errors."""

from datetime import timedelta

import pytest
from sqlalchemy import event

from tests.articles.factories import make_site, now


@pytest.fixture
def site(store):
    return make_site(store)


async def titles(client, query=""):
    response = await client.get(f"/api/v1/articles{query}")
    assert response.status_code == 200, response.text
    return [a["title"] for a in response.json()["data"]]


async def test_only_published_articles_whose_time_has_come_are_listed(site, client):
    site.article("Live", published_at=now() - timedelta(minutes=1))
    site.article("Draft", status="draft")
    site.article("Scheduled", published_at=now() + timedelta(hours=1))
    site.article("Archived", status="archived")
    assert await titles(client) == ["Live"]
    body = (await client.get("/api/v1/articles")).json()
    assert body["meta"]["total"] == 1


async def test_the_summary_has_every_contract_field(site, client):
    site.article(
        "Markets rally",
        tags=("markets", "analysis"),
        hero_url="/media/demo/x.svg",
        hero_alt="A",
        hero_caption="C",
        hero_credit="Photo: D",
    )
    item = (await client.get("/api/v1/articles")).json()["data"][0]
    assert set(item) == {
        "id",
        "slug",
        "title",
        "excerpt",
        "category",
        "author",
        "tags",
        "hero_image",
        "published_at",
        "updated_at",
        "reading_time_minutes",
        "comment_count",
    }
    assert item["category"] == {"slug": "business", "name": "Business"}
    assert item["author"] == {"slug": "ada-okafor", "name": "Ada Okafor"}
    assert item["tags"] == [
        {"slug": "analysis", "name": "Analysis"},
        {"slug": "markets", "name": "Markets"},
    ]
    assert item["hero_image"] == {
        "url": "http://testserver/media/demo/x.svg",
        "alt": "A",
        "caption": "C",
        "credit": "Photo: D",
    }
    assert item["published_at"].endswith("Z") and len(item["published_at"]) == 20


async def test_filters_by_category_tag_author_and_dates(site, client):
    t = now()
    site.article("Goal", category="sports", tags=("football",), published_at=t - timedelta(days=1))
    site.article(
        "Bonds",
        category="business",
        tags=("markets",),
        author="bruno-lindqvist",
        published_at=t - timedelta(days=2),
    )
    site.article(
        "Stocks", category="business", tags=("markets",), published_at=t - timedelta(days=3)
    )
    assert await titles(client, "?category=business") == ["Bonds", "Stocks"]
    assert await titles(client, "?tag=football") == ["Goal"]
    assert await titles(client, "?author=bruno-lindqvist") == ["Bonds"]
    assert await titles(client, "?category=business&tag=markets&author=ada-okafor") == ["Stocks"]
    after = (t - timedelta(days=2, hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert await titles(client, f"?published_after={after}") == ["Goal", "Bonds"]
    assert await titles(client, f"?published_before={after}") == ["Stocks"]
    body = (await client.get("/api/v1/articles?category=business")).json()
    assert body["meta"]["total"] == 2


async def test_sorts(site, client):
    t = now()
    site.article("B", published_at=t - timedelta(hours=3))
    site.article("A", published_at=t - timedelta(hours=1), updated_at=t - timedelta(minutes=30))
    site.article("C", published_at=t - timedelta(hours=2), updated_at=t - timedelta(minutes=5))
    assert await titles(client) == ["A", "C", "B"]
    assert await titles(client, "?sort=published_at") == ["B", "C", "A"]
    assert await titles(client, "?sort=title") == ["A", "B", "C"]
    assert await titles(client, "?sort=-updated_at") == ["C", "A", "B"]


async def test_page_paging_with_meta_links_and_link_header(site, client):
    t = now()
    for i in range(5):
        site.article(f"N{i}", published_at=t - timedelta(hours=i + 1))
    response = await client.get("/api/v1/articles?per_page=2&page=2")
    body = response.json()
    assert [a["title"] for a in body["data"]] == ["N2", "N3"]
    assert body["meta"] | {"next_cursor": None} == {
        "page": 2,
        "per_page": 2,
        "total": 5,
        "total_pages": 3,
        "next_cursor": None,
    }
    assert body["links"]["self"] == "http://testserver/api/v1/articles?per_page=2&page=2"
    assert body["links"]["next"] == "http://testserver/api/v1/articles?per_page=2&page=3"
    assert body["links"]["prev"] == "http://testserver/api/v1/articles?per_page=2&page=1"
    assert response.headers["link"] == (
        '<http://testserver/api/v1/articles?per_page=2&page=2>; rel="self", '
        '<http://testserver/api/v1/articles?per_page=2&page=3>; rel="next", '
        '<http://testserver/api/v1/articles?per_page=2&page=1>; rel="prev"'
    )
    last = (await client.get("/api/v1/articles?per_page=2&page=3")).json()
    assert [a["title"] for a in last["data"]] == ["N4"] and last["links"]["next"] is None


async def test_cursor_paging_walks_every_article_once_in_order_even_with_equal_times(site, client):
    t = now() - timedelta(hours=1)
    for i in range(7):
        site.article(f"S{i}", published_at=t - timedelta(hours=i // 2))  # pairs share a time
    expected = await titles(client, "?per_page=100")
    seen, url = [], "/api/v1/articles?per_page=3"
    while url:
        body = (await client.get(url)).json()
        seen += [a["title"] for a in body["data"]]
        cursor = body["meta"]["next_cursor"]
        url = f"/api/v1/articles?per_page=3&cursor={cursor}" if cursor else None
    assert seen == expected and len(seen) == 7


async def test_fields_returns_only_those_fields(site, client):
    site.article("Only")
    body = (await client.get("/api/v1/articles?fields=id,title")).json()
    assert body["data"] == [{"id": body["data"][0]["id"], "title": "Only"}]
    assert "meta" in body and "links" in body


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ("?colour=red", 422, "query.colour"),
        ("?per_page=101", 422, "query.per_page"),
        ("?per_page=0", 422, "query.per_page"),
        ("?page=0", 422, "query.page"),
        ("?cursor=not-a-cursor", 422, "query.cursor"),
        ("?cursor=WyJ0aXRsZSIsImEiLDFd", 422, "query.cursor"),  # a cursor of another sort
        ("?sort=views", 422, "query.sort"),
        ("?fields=id,password", 422, "query.fields"),
        ("?category=nope", 422, "query.category"),
        ("?published_after=yesterday", 422, "query.published_after"),
        ("?page=9", 404, None),
    ],
)
async def test_bad_queries_get_a_problem_answer(site, client, query, status, field):
    site.article("Any")
    response = await client.get(f"/api/v1/articles{query}")
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert (
        problem["status"] == status and problem["title"] and problem["detail"] and problem["type"]
    )
    if field:
        assert field in [e["field"] for e in problem["errors"]]


async def test_extreme_dates_are_validated_not_a_server_error(site, client):
    response = await client.get("/api/v1/articles?published_after=0001-01-01T00:00:00%2B05:00")
    assert response.status_code == 200


async def test_a_list_page_makes_a_fixed_number_of_queries(site, app, client):
    for i in range(30):
        site.article(f"Q{i}", tags=("markets", "analysis"))
    statements = []
    engine = app.state.database.read_sync_engine
    await client.get("/healthz")  # let the version tracker settle

    def count(*_args):
        statements.append(_args[2])

    event.listen(engine, "before_cursor_execute", count)
    try:
        response = await client.get("/api/v1/articles?per_page=25&category=business")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200 and len(response.json()["data"]) == 25
    article_queries = [
        s
        for s in statements
        # the app's own background loops (version poll, outbox, view flush) may run meanwhile
        if not any(table in s for table in ("content_version", "outbox_job", "popularity_"))
    ]
    # category slug → id, the page, its tags, the total: no query per article
    assert len(article_queries) == 4, article_queries
