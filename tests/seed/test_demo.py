"""`inkwell seed demo`: the seven categories in menu order, deterministic synthetic content."""

import orjson

from app.articles.rendering import derive_text, render_body
from app.seed.demo import seed_demo
from app.seed.words import CATEGORIES


def test_the_demo_site_has_the_seven_categories_in_menu_order_and_rich_articles(store):
    report = seed_demo(store.url, 70)
    assert report.articles == 70 and not report.skipped
    names = [row[0] for row in store.rows("SELECT name FROM category ORDER BY position")]
    assert names == [
        "Breaking News",
        "Business",
        "Entertainment",
        "Gadgets",
        "Health",
        "Sports",
        "Technology",
    ]
    assert [c[1] for c in CATEGORIES] == names
    assert store.scalar("SELECT count(*) FROM article WHERE status = 'published'") == 70
    assert store.scalar("SELECT count(*) FROM author") == 12
    assert store.scalar("SELECT sum(article_count) FROM category") == 70
    body, toc, credit = store.rows(
        "SELECT body_html, toc, hero_credit FROM article ORDER BY id LIMIT 1"
    )[0]
    assert "<figure>" in body and "<figcaption>" in body and credit
    assert [e["id"] for e in orjson.loads(toc)] and all(
        f'id="{e["id"]}"' in body for e in orjson.loads(toc)
    )


def test_demo_bodies_are_exactly_what_the_renderer_makes_of_their_source(store):
    seed_demo(store.url, 20)
    for source, body_html in store.rows("SELECT body_source, body_html FROM article"):
        assert render_body(source, "html").html == body_html


def test_demo_excerpts_come_from_paragraphs_and_the_text_keeps_its_blocks(store):
    seed_demo(store.url, 20)
    rows = store.rows("SELECT body_html, body_text, excerpt, toc FROM article")
    for body_html, body_text, excerpt, toc in rows:
        derived = derive_text(body_html)
        assert (body_text, excerpt) == (derived.text, derived.excerpt)
        first_heading = orjson.loads(toc)[0]["text"]
        assert body_text.split("\n")[0] == first_heading
        assert not excerpt.startswith(first_heading) and 0 < len(excerpt) <= 200


def test_the_demo_is_deterministic_and_a_loaded_store_is_left_alone(store, tmp_path):
    seed_demo(store.url, 30)
    first = store.rows("SELECT slug, title FROM article ORDER BY id")
    assert seed_demo(store.url, 30).skipped
    assert store.rows("SELECT slug, title FROM article ORDER BY id") == first
    other = f"sqlite:///{tmp_path / 'again.db'}"
    seed_demo(other, 30)
    from sqlalchemy import create_engine, text

    engine = create_engine(other)
    with engine.connect() as conn:
        assert [
            tuple(r) for r in conn.execute(text("SELECT slug, title FROM article ORDER BY id"))
        ] == [tuple(r) for r in first]
    engine.dispose()


async def test_the_seeded_site_is_served_and_searchable(store, client):
    seed_demo(store.url, 50)
    sections = (await client.get("/api/v1/sections")).json()["data"]
    assert [len(s["articles"]) for s in sections] == [5, 5, 5, 5, 5, 5, 5]
    word = sections[0]["articles"][0]["title"].split()[0]
    assert (await client.get("/api/v1/search", params={"q": word})).json()["meta"]["total"] >= 1
