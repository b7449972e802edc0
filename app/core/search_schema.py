"""The store-owned full-text index: FTS5 on SQLite, a generated tsvector with GIN on PostgreSQL.

Both are maintained by the store itself (triggers, a generated column), so no code path that
writes articles can forget to update search.
"""

from __future__ import annotations

IGNORED_BY_AUTOGENERATE = ("article_search", "search_vector", "ix_article_search_vector")


def include_in_autogenerate(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Alembic's include_object: leave alone what the search engine owns (FTS5, tsvector)."""
    if name is None:
        return True
    return not any(
        name == ignored or name.startswith(ignored + "_") for ignored in IGNORED_BY_AUTOGENERATE
    )


SQLITE_UP = [
    """CREATE VIRTUAL TABLE article_search USING fts5(
        title, body_text, content='article', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER article_search_ai AFTER INSERT ON article BEGIN
        INSERT INTO article_search(rowid, title, body_text) VALUES (new.id, new.title, new.body_text);
    END""",
    """CREATE TRIGGER article_search_ad AFTER DELETE ON article BEGIN
        INSERT INTO article_search(article_search, rowid, title, body_text)
        VALUES ('delete', old.id, old.title, old.body_text);
    END""",
    """CREATE TRIGGER article_search_au AFTER UPDATE OF title, body_text ON article BEGIN
        INSERT INTO article_search(article_search, rowid, title, body_text)
        VALUES ('delete', old.id, old.title, old.body_text);
        INSERT INTO article_search(rowid, title, body_text) VALUES (new.id, new.title, new.body_text);
    END""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS article_search_au",
    "DROP TRIGGER IF EXISTS article_search_ad",
    "DROP TRIGGER IF EXISTS article_search_ai",
    "DROP TABLE IF EXISTS article_search",
]
POSTGRES_UP = [
    """ALTER TABLE article ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', coalesce(title, '')), 'A') ||
        setweight(to_tsvector('english', coalesce(body_text, '')), 'B')) STORED""",
    "CREATE INDEX ix_article_search_vector ON article USING gin (search_vector)",
]
POSTGRES_DOWN = [
    "DROP INDEX IF EXISTS ix_article_search_vector",
    "ALTER TABLE article DROP COLUMN IF EXISTS search_vector",
]
