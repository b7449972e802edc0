"""The store's own full-text engine behind one interface: FTS5 on SQLite, tsvector on PostgreSQL."""

from __future__ import annotations

import html
import re
from typing import Any

from sqlalchemy import Float, String, bindparam, func, literal, literal_column, select, text
from sqlalchemy.sql import ColumnElement, Select

from app.articles.models import Article

HIGHLIGHT_START, HIGHLIGHT_END = "\x02", "\x03"
BLOCK_BREAK = " — "
_line_break = re.compile(r"\s*\n\s*")
_SENTENCE_ENDS = (".", "!", "?", "…", ":", ";")
_CLOSERS = HIGHLIGHT_END + "\"'”’»)]"
_token = re.compile(r"\w+", re.UNICODE)
MAX_TERMS = 12


def terms(query: str) -> list[str]:
    return _token.findall(query.lower())[:MAX_TERMS]


def fts5_query(query: str) -> str:
    """Every term must match; the last one as a prefix (search-as-you-type). Never FTS syntax."""
    words = terms(query)
    quoted = [f'"{word}"' for word in words]
    if quoted:
        quoted[-1] += "*"
    return " ".join(quoted)


def match_ids(dialect: str, query: str) -> Select[tuple[int]]:
    """Ids of the articles matching `query` (any status: callers apply visibility)."""
    if dialect == "sqlite":
        return (
            select(literal_column("rowid", type_=Float).label("id"))
            .select_from(text("article_search"))
            .where(text("article_search MATCH :fts").bindparams(fts=fts5_query(query)))
        )  # type: ignore[return-value]
    return select(Article.id).where(_pg_match(query))  # type: ignore[return-value]


def _pg_query(query: str) -> ColumnElement[object]:
    words = terms(query)
    joined = " & ".join(
        f"{word}:*" if i == len(words) - 1 else word for i, word in enumerate(words)
    )
    return func.to_tsquery("english", literal(joined or "''", String))


def _pg_match(query: str) -> ColumnElement[bool]:
    return literal_column("article.search_vector").op("@@")(_pg_query(query))  # type: ignore[return-value]


def match_condition(dialect: str, query: str) -> ColumnElement[bool]:
    if dialect == "sqlite":
        return Article.id.in_(match_ids(dialect, query))  # type: ignore[union-attr]
    return _pg_match(query)


def ranked_matches(dialect: str, query: str) -> Select[Any]:
    """(id, rank) of the matches, best first by ascending rank: a subquery to join."""
    if dialect == "sqlite":
        return (
            select(  # type: ignore[return-value]
                literal_column("rowid").label("id"),
                literal_column("bm25(article_search, 10.0, 1.0)").label("rank"),
            )
            .select_from(text("article_search"))
            .where(text("article_search MATCH :fts").bindparams(fts=fts5_query(query)))
        )
    rank = func.ts_rank_cd(literal_column("article.search_vector"), _pg_query(query))
    return select(Article.id.label("id"), (-rank).label("rank")).where(_pg_match(query))


def snippet_sql(dialect: str, query: str) -> Select[tuple[int, str]]:
    """Highlighted snippets of given ids (bind `ids`), marked with sentinel characters."""
    if dialect == "sqlite":
        return (
            select(  # type: ignore[return-value]
                literal_column("rowid").label("id"),
                literal_column(
                    f"snippet(article_search, 1, '{HIGHLIGHT_START}', '{HIGHLIGHT_END}', '…', 24)"
                ).label("snippet"),
            )
            .select_from(text("article_search"))
            .where(text("article_search MATCH :fts").bindparams(fts=fts5_query(query)))
            .where(literal_column("rowid").in_(bindparam("ids", expanding=True)))
        )
    options = f"StartSel={HIGHLIGHT_START}, StopSel={HIGHLIGHT_END}, MaxWords=30, MinWords=12, MaxFragments=1"
    return select(  # type: ignore[return-value]
        Article.id.label("id"),  # type: ignore[union-attr]
        func.ts_headline("english", Article.body_text, _pg_query(query), options).label("snippet"),
    ).where(Article.id.in_(bindparam("ids", expanding=True)))  # type: ignore[union-attr]


def joined_blocks(marked: str) -> str:
    """One line of snippet text from the indexed text's lines (one per block of the body): a
    block that ends a sentence is followed by a space, any other (a heading, a caption, a list
    item) by BLOCK_BREAK, so "What happened" and "Shares rose…" never read as one sentence."""
    lines = [line for line in _line_break.split(marked.strip()) if line]
    joined = lines[0] if lines else ""
    for line in lines[1:]:
        ends_sentence = joined.rstrip(_CLOSERS).endswith(_SENTENCE_ENDS)
        joined += (" " if ends_sentence else BLOCK_BREAK) + line
    return joined


def safe_snippet(marked: str) -> str:
    """Block breaks shown, the text escaped, then the sentinels turned into <mark> tags: safe to
    render as HTML."""
    escaped = html.escape(joined_blocks(marked), quote=False)
    return escaped.replace(HIGHLIGHT_START, "<mark>").replace(HIGHLIGHT_END, "</mark>")
