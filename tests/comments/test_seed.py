"""Demo comments from `inkwell seed demo`."""

from __future__ import annotations

from app.seed.demo import seed_demo


async def test_the_demo_seeds_approved_threads_on_a_share_of_articles_with_exact_counts(
    store, client
):
    seed_demo(store.url, 200)
    total = store.scalar("SELECT count(*) FROM comment")
    commented = store.scalar("SELECT count(DISTINCT article_id) FROM comment")
    assert total > 0 and 20 <= commented <= 70  # about a fifth of 200
    assert store.scalar("SELECT count(*) FROM comment WHERE status <> 'approved'") == 0
    mismatched = store.scalar(
        "SELECT count(*) FROM article WHERE comment_count <>"
        " (SELECT count(*) FROM comment WHERE comment.article_id = article.id)"
    )
    assert mismatched == 0
    broken_threads = store.scalar(
        "SELECT count(*) FROM comment c JOIN comment p ON p.id = c.parent_id"
        " WHERE c.depth <> p.depth + 1 OR c.root_id <> COALESCE(p.root_id, p.id)"
        " OR c.article_id <> p.article_id"
    )
    assert broken_threads == 0
    assert (
        store.scalar(
            "SELECT count(*) FROM comment"
            " WHERE parent_id IS NULL AND (depth <> 0 OR root_id IS NOT NULL)"
        )
        == 0
    )
    slug, count = store.rows(
        "SELECT slug, comment_count FROM article ORDER BY comment_count DESC LIMIT 1"
    )[0]
    listed = (await client.get(f"/api/v1/articles/{slug}/comments?per_page=100")).json()

    def size(comments):
        return sum(1 + size(c["replies"]) for c in comments)

    assert listed["meta"]["total"] == count == size(listed["data"])
