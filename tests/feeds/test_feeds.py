"""RSS 2.0 feeds: exactly the visible articles, newest first, escaped, cached by content version."""

from __future__ import annotations

import asyncio
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from app.main import create_app
from tests.articles.factories import make_site
from tests.conftest import running
from tests.conftest import test_settings as settings_for

ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
BASE = datetime(2026, 11, 20, 8, 30, tzinfo=UTC)


def channel_of(body: bytes) -> ET.Element:
    root = ET.fromstring(body)
    assert root.tag == "rss" and root.attrib == {"version": "2.0"}
    channel = root.find("channel")
    assert channel is not None
    return channel


def items_of(body: bytes) -> list[dict[str, object]]:
    found = []
    for item in channel_of(body).findall("item"):
        guid = item.find("guid")
        category = item.find("category")
        assert guid is not None and category is not None
        found.append(
            {
                "title": item.findtext("title"),
                "link": item.findtext("link"),
                "guid": (guid.text, guid.attrib),
                "pubDate": item.findtext("pubDate"),
                "description": item.findtext("description"),
                "category": (category.text, category.attrib),
                "creator": item.findtext(f"{DC}creator"),
            }
        )
    return found


async def test_the_latest_feed_lists_exactly_the_visible_articles_newest_first(store, settings):
    site = make_site(store)
    older = site.article("Older story", slug="older-story", published_at=BASE)
    newer = site.article(
        "Newer story",
        slug="newer-story",
        category="sports",
        author="bruno-lindqvist",
        published_at=BASE + timedelta(hours=2),
        body="Goals, *many* goals.\n\n## Later\n\nMore.",
    )
    site.article("A draft", status="draft")
    site.article("Not yet", published_at=datetime.now(UTC) + timedelta(days=1))
    site.article("Put away", status="archived", published_at=BASE + timedelta(hours=1))

    # The content exists before the app starts: no blocking write on its event loop.
    async with running(create_app(settings)) as client:
        response = await client.get("/feeds/latest.xml")
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/rss+xml"
        assert response.headers["surrogate-key"] == "articles categories"
        channel = channel_of(response.content)
        assert channel.findtext("title") == "inkwell"
        assert channel.findtext("link") == "http://testserver/"
        self_link = channel.find(f"{ATOM}link")
        assert self_link is not None
        assert self_link.attrib == {
            "href": "http://testserver/feeds/latest.xml",
            "rel": "self",
            "type": "application/rss+xml",
        }
        assert channel.findtext("lastBuildDate") == "Fri, 20 Nov 2026 10:30:00 GMT"
        assert items_of(response.content) == [
            {
                "title": "Newer story",
                "link": "http://testserver/articles/newer-story",
                "guid": (f"article-{newer}@testserver", {"isPermaLink": "false"}),
                "pubDate": "Fri, 20 Nov 2026 10:30:00 GMT",
                "description": "Goals, many goals. More.",
                "category": ("Sports", {"domain": "http://testserver/categories/sports"}),
                "creator": "Bruno Lindqvist",
            },
            {
                "title": "Older story",
                "link": "http://testserver/articles/older-story",
                "guid": (f"article-{older}@testserver", {"isPermaLink": "false"}),
                "pubDate": "Fri, 20 Nov 2026 08:30:00 GMT",
                "description": "Some words about markets. More words.",
                "category": ("Business", {"domain": "http://testserver/categories/business"}),
                "creator": "Ada Okafor",
            },
        ]


async def test_titles_and_excerpts_are_escaped_and_the_feed_stays_well_formed(store, settings):
    site = make_site(store)
    site.article(
        'Q&A: <Markets> & "more"\x0b', excerpt="Profits < costs & rising > 5%", published_at=BASE
    )
    # The content exists before the app starts: no blocking write on its event loop.
    async with running(create_app(settings)) as client:
        response = await client.get("/feeds/latest.xml")
        assert b'Q&amp;A: &lt;Markets&gt; &amp; "more"</title>' in response.content
        [item] = items_of(response.content)
        assert item["title"] == 'Q&A: <Markets> & "more"'
        assert item["description"] == "Profits < costs & rising > 5%"


async def test_a_category_feed_holds_only_that_category_and_an_unknown_one_is_404(store, settings):
    site = make_site(store)
    site.article("Match report", category="sports", published_at=BASE)
    site.article("Rates hold", category="business", published_at=BASE + timedelta(minutes=5))
    site.article("Cup final", category="sports", published_at=BASE + timedelta(minutes=10))

    # The content exists before the app starts: no blocking write on its event loop.
    async with running(create_app(settings)) as client:
        response = await client.get("/feeds/categories/sports.xml")
        assert response.status_code == 200
        assert response.headers["surrogate-key"] == "articles categories category-sports"
        channel = channel_of(response.content)
        assert channel.findtext("title") == "inkwell: Sports"
        assert channel.findtext("link") == "http://testserver/categories/sports"
        self_link = channel.find(f"{ATOM}link")
        assert (
            self_link is not None
            and self_link.attrib["href"] == "http://testserver/feeds/categories/sports.xml"
        )
        assert [item["title"] for item in items_of(response.content)] == [
            "Cup final",
            "Match report",
        ]

        missing = await client.get("/feeds/categories/cooking.xml")
        assert missing.status_code == 404
        assert missing.headers["content-type"] == "application/problem+json"
        assert missing.json()["detail"] == "No category with slug 'cooking'."


async def test_feeds_answer_304_to_a_matching_etag_until_the_content_changes(store, settings):
    site = make_site(store)
    site.article("First", published_at=BASE)
    # The content exists before the app starts: no blocking write on its event loop.
    async with running(create_app(settings)) as client:
        first = await client.get("/feeds/latest.xml")
        etag = first.headers["etag"]
        assert first.headers["cache-control"].startswith("public, max-age=")
        assert "last-modified" in first.headers
        again = await client.get("/feeds/latest.xml", headers={"If-None-Match": etag})
        assert again.status_code == 304
        assert again.content == b""

        # In a thread: a blocking write on the loop could wait on a transaction the app has open.
        await asyncio.to_thread(site.article, "Second", published_at=BASE + timedelta(hours=1))
        await asyncio.sleep(0.2)  # the tracker polls every 0.05 s in tests
        changed = await client.get("/feeds/latest.xml", headers={"If-None-Match": etag})
        assert changed.status_code == 200
        assert changed.headers["etag"] != etag
        assert [item["title"] for item in items_of(changed.content)] == ["Second", "First"]


async def test_a_scheduled_article_enters_the_feed_at_its_time(store, settings):
    site = make_site(store)
    site.article("Already out", published_at=BASE)
    when = datetime.now(UTC) + timedelta(seconds=1.5)
    site.article("Embargoed", published_at=when)
    # The content exists before the app starts: no blocking write on its event loop.
    async with running(create_app(settings)) as client:
        before = await client.get("/feeds/latest.xml")
        assert [item["title"] for item in items_of(before.content)] == ["Already out"]
        max_age = int(before.headers["cache-control"].split("max-age=")[1].split(",")[0])
        assert max_age <= 2  # no cache may outlive the embargo
        await asyncio.sleep(max(0.0, (when - datetime.now(UTC)).total_seconds()) + 0.2)
        after = await client.get(
            "/feeds/latest.xml", headers={"If-None-Match": before.headers["etag"]}
        )
        assert after.status_code == 200
        assert [item["title"] for item in items_of(after.content)] == ["Embargoed", "Already out"]
        assert items_of(after.content)[0]["pubDate"] == format_datetime(
            when.replace(microsecond=0), usegmt=True
        )


async def test_the_feed_length_and_article_links_follow_the_settings(store):
    site = make_site(store)
    for n in range(3):
        site.article(f"Story {n}", slug=f"story-{n}-x", published_at=BASE + timedelta(minutes=n))
    settings = settings_for(
        store,
        feed_items=2,
        article_url_template="https://news.example.com/{category}/{slug}?ref={id}",
    )
    async with running(create_app(settings)) as client:
        response = await client.get("/feeds/latest.xml")
    items = items_of(response.content)
    assert [item["title"] for item in items] == ["Story 2", "Story 1"]
    assert items[0]["link"].startswith("https://news.example.com/business/story-2-x?ref=")


async def test_the_feed_holds_the_latest_fifty_articles(store, settings):
    site = make_site(store)
    for n in range(51):
        site.article(f"Story {n}", published_at=BASE + timedelta(minutes=n))
    # The content exists before the app starts: no blocking write on its event loop.
    async with running(create_app(settings)) as client:
        response = await client.get("/feeds/latest.xml")
        titles = [item["title"] for item in items_of(response.content)]
        assert titles == [f"Story {n}" for n in range(50, 0, -1)]
