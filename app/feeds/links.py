"""Public page URLs for feeds and the sitemap, from INKWELL_ARTICLE_URL_TEMPLATE and friends."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from app.core.config import Settings


@dataclass(frozen=True)
class PageLinks:
    public_base: str
    article_template: str
    category_template: str

    @classmethod
    def from_settings(cls, settings: Settings) -> PageLinks:
        links = cls(
            settings.public_base, settings.article_url_template, settings.category_url_template
        )
        try:  # a template naming an unknown placeholder fails at startup, not per request
            links.article(1, "slug", "category")
            links.category("slug")
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(f"bad article/category URL template: {exc!r}") from None
        return links

    def article(self, article_id: int, slug: str, category: str) -> str:
        return self.article_template.format(
            public_url=self.public_base,
            id=article_id,
            slug=quote(slug, safe=""),
            category=quote(category, safe=""),
        )

    def category(self, slug: str) -> str:
        return self.category_template.format(public_url=self.public_base, slug=quote(slug, safe=""))

    def guid(self, article_id: int) -> str:
        """Stable across renames and template changes: `article-42@news.example.com`."""
        return f"article-{article_id}@{urlsplit(self.public_base).netloc}"
