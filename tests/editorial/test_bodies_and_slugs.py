"""Bodies are rendered and sanitised; slugs come from titles, stay unique, and redirect when renamed."""

from __future__ import annotations

from sqlalchemy import text

from tests.editorial.conftest import create_article

MARKDOWN = """## What happened

Shares rose **sharply** at the open.

<script>alert(1)</script>

### The reaction

<img src="/x.png" onerror="alert(2)" alt="chart">

## What happened
"""


async def test_markdown_is_rendered_sanitised_and_its_headings_anchored(desk, client):
    created = await create_article(
        client, desk, title="Shares rise", body=MARKDOWN, status="published"
    )
    article = created.json()
    assert article["body_html"] == (
        '<h2 id="what-happened">What happened</h2>\n'
        "<p>Shares rose <strong>sharply</strong> at the open.</p>\n\n"
        '<h3 id="the-reaction">The reaction</h3>\n'
        '<img src="http://testserver/x.png" alt="chart">\n'  # answers carry absolute URLs
        '<h2 id="what-happened-2">What happened</h2>\n'
    )
    assert article["toc"] == [
        {"id": "what-happened", "text": "What happened", "level": 2},
        {"id": "the-reaction", "text": "The reaction", "level": 3},
        {"id": "what-happened-2", "text": "What happened", "level": 2},
    ]
    assert article["body_source"] == MARKDOWN
    assert article["excerpt"] == "Shares rose sharply at the open."  # never a heading
    public = (await client.get("/api/v1/articles/shares-rise")).json()
    assert public["body_html"] == article["body_html"]
    assert public["toc"] == article["toc"]
    for entry in public["toc"]:
        assert f'id="{entry["id"]}"' in public["body_html"]


async def test_html_bodies_keep_the_allowlist_only(desk, client):
    body = (
        '<h2 onclick="x()">Live</h2><p style="color:red">Hi <a href="javascript:alert(1)">x</a>'
        '<a href="https://example.org/">ok</a></p><iframe src="https://evil.example/"></iframe>'
        '<img src="https://example.org/a.png" onerror="steal()">'
    )
    article = (
        await create_article(client, desk, title="Html story", body=body, body_format="html")
    ).json()
    assert article["body_format"] == "html"
    assert article["body_html"] == (
        '<h2 id="live">Live</h2><p>Hi <a rel="noopener noreferrer nofollow">x</a>'
        '<a href="https://example.org/" rel="noopener noreferrer nofollow">ok</a></p>'
        '<img src="https://example.org/a.png">'
    )
    assert article["toc"] == [{"id": "live", "text": "Live", "level": 2}]


async def test_changing_the_body_re_renders_it_and_a_derived_excerpt_follows(desk, client):
    article = (await create_article(client, desk, body="First words.")).json()
    assert article["excerpt"] == "First words."
    changed = await client.patch(
        f"/api/v1/articles/{article['id']}",
        json={"body": "## New\n\nSecond words."},
        headers=desk.auth("editor"),
    )
    assert (changed.json()["excerpt"], changed.json()["body_html"]) == (
        "Second words.",
        '<h2 id="new">New</h2>\n<p>Second words.</p>\n',
    )
    kept = await client.patch(
        f"/api/v1/articles/{article['id']}",
        json={"excerpt": "Chosen by hand."},
        headers=desk.auth("editor"),
    )
    again = await client.patch(
        f"/api/v1/articles/{article['id']}", json={"body": "Third."}, headers=desk.auth("editor")
    )
    assert kept.json()["excerpt"] == again.json()["excerpt"] == "Chosen by hand."


async def test_an_article_stored_before_block_aware_text_is_fixed_by_saving_its_body(
    desk, client, store
):
    """Rows written before issue 9 keep their run-on text and excerpt until the body is saved."""
    body = "## What happened\n\nShares rose at the open."
    article = (await create_article(client, desk, body=body)).json()
    assert article["excerpt"] == "Shares rose at the open."
    assert store.scalar("SELECT body_text FROM article WHERE id = :id", id=article["id"]) == (
        "What happened\nShares rose at the open."
    )
    with store.engine.begin() as conn:  # what the older code stored
        conn.execute(
            text("UPDATE article SET body_text = :t, excerpt = :t WHERE id = :id"),
            {"t": "What happened Shares rose at the open.", "id": article["id"]},
        )
        conn.execute(text("UPDATE content_version SET version = version + 1"))
    saved = await client.patch(
        f"/api/v1/articles/{article['id']}", json={"body": body}, headers=desk.auth("editor")
    )
    assert saved.status_code == 200, saved.text
    assert (saved.json()["excerpt"], saved.json()["reading_time_minutes"]) == (
        "Shares rose at the open.",
        1,
    )
    assert store.scalar("SELECT body_text FROM article WHERE id = :id", id=article["id"]) == (
        "What happened\nShares rose at the open."
    )


async def test_slugs_come_from_titles_and_stay_unique(desk, client):
    slugs = [
        (await create_article(client, desk, title="Élan: Über café — 2026!")).json()["slug"],
        (await create_article(client, desk, title="Elan uber cafe 2026")).json()["slug"],
        (await create_article(client, desk, title="ÉLAN ÜBER CAFÉ 2026")).json()["slug"],
        (await create_article(client, desk, title="!!!")).json()["slug"],
    ]
    assert slugs == [
        "elan-uber-cafe-2026",
        "elan-uber-cafe-2026-2",
        "elan-uber-cafe-2026-3",
        "article",
    ]


async def test_a_slug_clash_asked_for_explicitly_is_409_and_changes_nothing(desk, client):
    first = (await create_article(client, desk, title="Taken")).json()
    second = (await create_article(client, desk, title="Other")).json()
    before = desk.state()
    clash = await client.post(
        "/api/v1/articles",
        json={"title": "New", "slug": "taken", "category": "business", "author": "ada-okafor"},
        headers=desk.auth("editor"),
    )
    assert clash.status_code == 409
    assert clash.json()["detail"] == "The slug 'taken' belongs to another article."
    rename = await client.patch(
        f"/api/v1/articles/{second['id']}",
        json={"slug": first["slug"]},
        headers=desk.auth("editor"),
    )
    assert rename.status_code == 409
    assert desk.state() == before


async def test_every_old_slug_answers_301_after_two_renames_and_is_never_reused(desk, client):
    article = (await create_article(client, desk, title="Storm warning", status="published")).json()
    path = f"/api/v1/articles/{article['id']}"
    first = await client.patch(
        path, json={"title": "Storm warning extended"}, headers=desk.auth("editor")
    )
    second = await client.patch(
        path, json={"slug": "storm-hits-coast"}, headers=desk.auth("editor")
    )
    assert first.json()["slug"] == "storm-warning-extended"
    assert second.json()["old_slugs"] == ["storm-warning", "storm-warning-extended"]
    for old in ("storm-warning", "storm-warning-extended"):
        moved = await client.get(f"/api/v1/articles/{old}", follow_redirects=False)
        assert moved.status_code == 301
        assert moved.headers["location"] == "http://testserver/api/v1/articles/storm-hits-coast"
    assert (await client.get("/api/v1/articles/storm-hits-coast")).json()["id"] == article["id"]

    newcomer = (await create_article(client, desk, title="Storm warning")).json()
    assert newcomer["slug"] == "storm-warning-2"
    taken = await client.patch(
        f"/api/v1/articles/{newcomer['id']}",
        json={"slug": "storm-warning"},
        headers=desk.auth("editor"),
    )
    assert taken.status_code == 409

    back = await client.patch(path, json={"slug": "storm-warning"}, headers=desk.auth("editor"))
    assert back.status_code == 200, back.text
    assert back.json()["old_slugs"] == ["storm-warning-extended", "storm-hits-coast"]
    moved = await client.get("/api/v1/articles/storm-hits-coast", follow_redirects=False)
    assert moved.headers["location"] == "http://testserver/api/v1/articles/storm-warning"
