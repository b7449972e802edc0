"""sitemap.xml: categories and visible articles with lastmod; an index of pages for a large site."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from app.categories.models import Category
from app.main import create_app
from tests.articles.factories import make_site
from tests.conftest import Store, running
from tests.conftest import test_settings as settings_for

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BASE = datetime(2026, 11, 20, 8, 30, tzinfo=UTC)


def urls_of(body: bytes) -> list[tuple[str | None, str | None]]:
    root = ET.fromstring(body)
    assert root.tag == f"{SM}urlset"
    return [
        (url.findtext(f"{SM}loc"), url.findtext(f"{SM}lastmod")) for url in root.findall(f"{SM}url")
    ]


def sitemap_locations(body: bytes) -> list[str | None]:
    root = ET.fromstring(body)
    assert root.tag == f"{SM}sitemapindex"
    return [entry.findtext(f"{SM}loc") for entry in root.findall(f"{SM}sitemap")]


def content_site(store: Store) -> None:
    site = make_site(store)
    site.article("Rates hold", slug="rates-hold", published_at=BASE)
    site.article(
        "Cup final",
        slug="cup-final",
        category="sports",
        published_at=BASE + timedelta(hours=1),
        updated_at=BASE + timedelta(hours=3),
    )
    site.article(
        "Match report",
        slug="match-report",
        category="sports",
        published_at=BASE + timedelta(hours=2),
    )
    site.article("A draft", slug="a-draft", status="draft")
    site.article("Not yet", slug="not-yet", published_at=datetime.now(UTC) + timedelta(days=1))
    with store.engine.begin() as conn:
        conn.execute(update(Category).values(updated_at=BASE - timedelta(days=30)))


async def test_the_sitemap_lists_categories_and_visible_articles_with_lastmod(store, settings):
    content_site(store)
    async with running(create_app(settings)) as client:
        response = await client.get("/sitemap.xml")
        again = await client.get(
            "/sitemap.xml", headers={"If-None-Match": response.headers["etag"]}
        )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/xml"
    assert response.headers["surrogate-key"] == "articles categories"
    assert response.content.startswith(b"<?xml version='1.0' encoding='utf-8'?>\n<urlset xmlns=")
    urls = urls_of(response.content)
    assert [loc for loc, _ in urls] == [
        "http://testserver/categories/breaking-news",
        "http://testserver/categories/business",
        "http://testserver/categories/sports",
        "http://testserver/articles/rates-hold",
        "http://testserver/articles/cup-final",
        "http://testserver/articles/match-report",
    ]
    assert [lastmod for _, lastmod in urls] == [
        "2026-10-21T08:30:00Z",  # a category with nothing published: its own last change
        "2026-11-20T08:30:00Z",  # otherwise its newest visible article (not the scheduled one)
        "2026-11-20T10:30:00Z",
        "2026-11-20T08:30:00Z",
        "2026-11-20T11:30:00Z",  # updated after it was published
        "2026-11-20T10:30:00Z",
    ]
    assert again.status_code == 304


async def test_a_large_site_gets_a_sitemap_index_of_pages(store):
    content_site(store)
    async with running(create_app(settings_for(store, sitemap_page_size=2))) as client:
        index = await client.get("/sitemap.xml")
        assert sitemap_locations(index.content) == [
            "http://testserver/sitemaps/categories.xml",
            "http://testserver/sitemaps/articles-1.xml",
            "http://testserver/sitemaps/articles-2.xml",
        ]
        categories = await client.get("/sitemaps/categories.xml")
        first = await client.get("/sitemaps/articles-1.xml")
        second = await client.get("/sitemaps/articles-2.xml")
        past = await client.get("/sitemaps/articles-3.xml")
    assert [loc for loc, _ in urls_of(categories.content)] == [
        "http://testserver/categories/breaking-news",
        "http://testserver/categories/business",
        "http://testserver/categories/sports",
    ]
    assert [loc for loc, _ in urls_of(first.content)] == [
        "http://testserver/articles/rates-hold",
        "http://testserver/articles/cup-final",
    ]
    assert [loc for loc, _ in urls_of(second.content)] == [
        "http://testserver/articles/match-report"
    ]
    assert past.status_code == 404
    assert past.json()["detail"] == "Sitemap page 3 is past the last page (2)."
