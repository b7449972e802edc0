"""GET /api/v1/articles/{slug} and /related."""

import re
from datetime import timedelta

import pytest

from tests.articles.factories import make_site, now

BODY = """Intro paragraph.

## What happened

Words.

### A detail

More words.

## What happened

Same heading again.

<script>alert(1)</script><img src="https://example.test/a.png" onerror="x()">
"""


@pytest.fixture
def site(store):
    return make_site(store)


async def test_an_article_has_body_toc_with_real_anchors_and_breadcrumbs(site, client):
    site.article(
        "Storm hits harbour",
        slug="storm-hits-harbour",
        category="breaking-news",
        body=BODY,
        tags=("analysis",),
    )
    response = await client.get("/api/v1/articles/storm-hits-harbour")
    assert response.status_code == 200
    article = response.json()
    assert article["toc"] == [
        {"id": "what-happened", "text": "What happened", "level": 2},
        {"id": "a-detail", "text": "A detail", "level": 3},
        {"id": "what-happened-2", "text": "What happened", "level": 2},
    ]
    anchors = re.findall(r'<h[2-4] id="([^"]+)"', article["body_html"])
    assert anchors == [entry["id"] for entry in article["toc"]]
    assert "<script" not in article["body_html"] and "onerror" not in article["body_html"]
    assert article["breadcrumbs"] == [
        {"type": "site", "name": "inkwell", "slug": None},
        {"type": "category", "name": "Breaking News", "slug": "breaking-news"},
        {"type": "article", "name": "Storm hits harbour", "slug": "storm-hits-harbour"},
    ]
    assert article["comments_open"] is True
    assert response.headers["surrogate-key"] == (
        f"article-{article['id']} category-breaking-news author-ada-okafor tag-analysis"
    )


async def test_a_renamed_article_answers_301_from_every_old_slug(site, client):
    site.article("Renamed", slug="third-name", old_slugs=("first-name", "second-name"))
    for old in ("first-name", "second-name"):
        response = await client.get(f"/api/v1/articles/{old}", follow_redirects=False)
        assert response.status_code == 301
        assert response.headers["location"] == "http://testserver/api/v1/articles/third-name"
    related = await client.get("/api/v1/articles/first-name/related", follow_redirects=False)
    assert related.headers["location"] == "http://testserver/api/v1/articles/third-name/related"


@pytest.mark.parametrize("status", ["draft", "archived"])
async def test_unknown_draft_and_archived_articles_are_404_problems(site, client, status):
    site.article("Hidden", slug="hidden", status=status)
    for slug in ("hidden", "never-was"):
        response = await client.get(f"/api/v1/articles/{slug}")
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"


async def test_a_scheduled_article_is_404_until_its_time(site, client):
    site.article("Soon", slug="soon", published_at=now() + timedelta(hours=2))
    assert (await client.get("/api/v1/articles/soon")).status_code == 404


async def test_related_ranks_shared_tags_then_category_then_recency_never_itself(site, client):
    t = now()
    site.article("Base", slug="base", category="business", tags=("markets", "analysis"))
    site.article(
        "Two tags",
        category="sports",
        tags=("markets", "analysis"),
        published_at=t - timedelta(days=5),
    )
    site.article(
        "One tag same cat",
        category="business",
        tags=("markets",),
        published_at=t - timedelta(days=4),
    )
    site.article(
        "One tag", category="sports", tags=("analysis",), published_at=t - timedelta(days=1)
    )
    site.article("Same cat new", category="business", published_at=t - timedelta(hours=1))
    site.article("Same cat old", category="business", published_at=t - timedelta(days=9))
    site.article("Unrelated", category="sports", tags=("football",))
    site.article("Draft twin", category="business", tags=("markets", "analysis"), status="draft")
    body = (await client.get("/api/v1/articles/base/related?limit=5")).json()
    assert [a["title"] for a in body["data"]] == [
        "Two tags",
        "One tag same cat",
        "One tag",
        "Same cat new",
        "Same cat old",
    ]
    default = (await client.get("/api/v1/articles/base/related")).json()
    assert len(default["data"]) == 4
    assert (await client.get("/api/v1/articles/base/related?limit=21")).status_code == 422
