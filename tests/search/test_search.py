"""Full-text search: relevance, safe highlighted snippets, facets, filters, and store-kept index."""

import re

import pytest
from sqlalchemy import text

from tests.articles.factories import make_site


@pytest.fixture
def site(store):
    return make_site(store)


async def test_title_matches_rank_above_body_matches_with_snippets_and_facets(site, client):
    site.article(
        "Volcano erupts near town",
        category="breaking-news",
        body="## Scene\n\nAsh covered the roads and fields.",
    )
    site.article(
        "Tourism numbers",
        category="business",
        body="## Trends\n\nVisitors came to see the volcano despite warnings.",
    )
    site.article(
        "Football results", category="sports", body="## Scores\n\nNothing about mountains."
    )
    response = await client.get("/api/v1/search?q=volcano")
    assert response.status_code == 200
    body = response.json()
    assert [hit["title"] for hit in body["data"]] == ["Volcano erupts near town", "Tourism numbers"]
    assert "<mark>volcano</mark>" in body["data"][1]["snippet"].lower()
    assert body["meta"]["total"] == 2
    assert body["meta"]["facets"] == [
        {"slug": "breaking-news", "name": "Breaking News", "count": 1},
        {"slug": "business", "name": "Business", "count": 1},
    ]


async def test_snippets_never_carry_markup_from_the_text(site, store, client):
    site.article(
        "Symbols",
        body="## Odd\n\nThe &lt;b&gt;quoted&lt;/b&gt; markup & the keyword zeppelin here.",
    )
    snippet = (await client.get("/api/v1/search?q=zeppelin")).json()["data"][0]["snippet"]
    assert "<b>" not in snippet and "<mark>zeppelin</mark>" in snippet.lower()
    assert "&amp; the keyword" in snippet
    if (
        store.kind == "sqlite"
    ):  # FTS5 keeps the text as typed: escaped; PostgreSQL's parser drops tags
        assert "&lt;b&gt;quoted" in snippet


async def test_search_takes_the_article_filters_and_never_shows_drafts(site, client):
    site.article("Harbour news", category="business")
    site.article("Harbour match", category="sports")
    site.article("Harbour draft", status="draft")
    only_sports = (await client.get("/api/v1/search?q=harbour&category=sports")).json()
    assert [h["title"] for h in only_sports["data"]] == ["Harbour match"]
    every = (await client.get("/api/v1/search?q=harbour")).json()
    assert sorted(h["title"] for h in every["data"]) == ["Harbour match", "Harbour news"]


async def test_the_store_keeps_the_index_in_step_with_updates_and_deletes(site, store, app, client):
    article_id = site.article("Glacier report")
    with store.engine.begin() as conn:
        conn.execute(
            text("UPDATE article SET title = 'Desert report' WHERE id = :id"), {"id": article_id}
        )
        conn.execute(text("UPDATE content_version SET version = version + 1"))
    await app.state.tracker.refresh()
    assert (await client.get("/api/v1/search?q=glacier")).json()["data"] == []
    assert [h["id"] for h in (await client.get("/api/v1/search?q=desert")).json()["data"]] == [
        article_id
    ]
    with store.engine.begin() as conn:
        conn.execute(text("DELETE FROM article WHERE id = :id"), {"id": article_id})
        conn.execute(text("UPDATE content_version SET version = version + 1"))
    await app.state.tracker.refresh()
    assert (await client.get("/api/v1/search?q=desert")).json()["data"] == []


async def test_the_articles_list_accepts_q_too(site, client):
    site.article("Comet sighting")
    site.article("Other")
    assert [a["title"] for a in (await client.get("/api/v1/articles?q=comet")).json()["data"]] == [
        "Comet sighting"
    ]


@pytest.mark.parametrize("query", ["", "?q=", "?q=%22%22%22", "?q=" + "x" * 201, "?q=a&cursor=x"])
async def test_bad_search_queries_are_422_problems(site, client, query):
    response = await client.get(f"/api/v1/search{query}")
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


async def test_fts_syntax_in_queries_is_taken_as_words(site, client):
    site.article("Plain words")
    for q in ["NEAR(", "a OR", "title:x", '"unbalanced', "-x"]:
        response = await client.get("/api/v1/search", params={"q": q})
        assert response.status_code == 200, (q, response.text)
        assert response.json()["data"] == [], q
    no_words = await client.get("/api/v1/search", params={"q": "*"})
    assert no_words.status_code == 422
    assert len((await client.get("/api/v1/search", params={"q": "(plain"})).json()["data"]) == 1


# PostgreSQL's ts_headline ends at the last word; FTS5's snippet() keeps the text's last character.


def last_stop(store):
    return "." if store.kind == "sqlite" else ""


async def test_a_snippet_across_a_heading_and_its_paragraph_shows_the_block_break(
    site, store, client
):
    site.article(
        "Markets today",
        body="## What happened\n\nShares rose sharply at the open.\n\n## The reaction\n\nCalm.",
    )
    hit = (await client.get("/api/v1/search?q=happened shares")).json()["data"][0]
    assert hit["snippet"] == (
        "What <mark>happened</mark> — <mark>Shares</mark> rose sharply at the open. "
        f"The reaction — Calm{last_stop(store)}"
    )
    assert hit["excerpt"] == "Shares rose sharply at the open. Calm."


async def test_block_breaks_in_snippets_stay_escaped_text(site, store, client):
    site.article("Odd heading", body="## Tom & Jerry\n\nThe zeppelin **landed** & left.")
    hit = (await client.get("/api/v1/search?q=zeppelin")).json()["data"][0]
    # PostgreSQL's fragment may start later than FTS5's: it is the end that both share.
    assert hit["snippet"].endswith(
        f"Jerry — The <mark>zeppelin</mark> landed &amp; left{last_stop(store)}"
    )
    assert re.sub(r"</?mark>", "", hit["snippet"]).count("<") == 0
