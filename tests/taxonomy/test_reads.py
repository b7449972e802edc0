"""Categories (menu order and counts), authors, tags and the home page sections."""

from datetime import timedelta

import pytest

from tests.articles.factories import make_site, now


@pytest.fixture
def site(store):
    return make_site(store)


async def test_categories_come_in_menu_order_with_visible_article_counts(site, client):
    site.article("A", category="business")
    site.article("B", category="business")
    site.article("Draft", category="business", status="draft")
    site.article("Later", category="business", published_at=now() + timedelta(days=1))
    site.article("C", category="sports")
    body = (await client.get("/api/v1/categories")).json()
    assert [(c["slug"], c["position"], c["article_count"]) for c in body["data"]] == [
        ("breaking-news", 1, 0),
        ("business", 2, 2),
        ("sports", 3, 1),
    ]
    one = (await client.get("/api/v1/categories/business")).json()
    assert one["name"] == "Business" and one["article_count"] == 2
    assert (await client.get("/api/v1/categories/nope")).status_code == 404


async def test_an_author_profile_counts_their_visible_articles(site, client):
    site.article("Mine", author="bruno-lindqvist")
    site.article("Not yet", author="bruno-lindqvist", status="draft")
    author = (await client.get("/api/v1/authors/bruno-lindqvist")).json()
    assert author["name"] == "Bruno Lindqvist" and author["article_count"] == 1
    assert "email" not in author
    assert (await client.get("/api/v1/authors/nobody")).status_code == 404


async def test_tags_list_with_counts_paged_and_sorted(site, client):
    site.article("One", tags=("markets", "analysis"))
    site.article("Two", tags=("markets",))
    body = (await client.get("/api/v1/tags?sort=-article_count&per_page=2")).json()
    assert [(t["slug"], t["article_count"]) for t in body["data"]] == [
        ("markets", 2),
        ("analysis", 1),
    ]
    assert body["meta"]["total"] == 3 and body["meta"]["total_pages"] == 2
    by_name = (await client.get("/api/v1/tags")).json()
    assert [t["slug"] for t in by_name["data"]] == ["analysis", "football", "markets"]
    assert (await client.get("/api/v1/tags?cursor=abc")).status_code == 422


async def test_sections_give_each_category_its_latest_articles(site, client):
    t = now()
    for i in range(7):
        site.article(f"Biz {i}", category="business", published_at=t - timedelta(hours=i + 1))
    site.article("Goal", category="sports")
    site.article("Hidden", category="sports", status="draft")
    body = (await client.get("/api/v1/sections")).json()
    sections = {s["category"]["slug"]: [a["title"] for a in s["articles"]] for s in body["data"]}
    assert list(sections) == ["breaking-news", "business", "sports"]
    assert sections == {
        "breaking-news": [],
        "business": ["Biz 0", "Biz 1", "Biz 2", "Biz 3", "Biz 4"],
        "sports": ["Goal"],
    }
    two = (await client.get("/api/v1/sections?per_category=2")).json()
    assert [len(s["articles"]) for s in two["data"]] == [0, 2, 1]
    assert (await client.get("/api/v1/sections?per_category=0")).status_code == 422
