"""Surrogate-Key names: what a public answer depends on, so a CDN can purge exactly that."""

from __future__ import annotations


def surrogate_header(*keys: str) -> dict[str, str]:
    return {"Surrogate-Key": " ".join(dict.fromkeys(k for k in keys if k))}


def article_key(article_id: int) -> str:
    return f"article-{article_id}"


def category_key(slug: str) -> str:
    return f"category-{slug}"


def author_key(slug: str) -> str:
    return f"author-{slug}"


def tag_key(slug: str) -> str:
    return f"tag-{slug}"
