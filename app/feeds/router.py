"""RSS 2.0 feeds (latest, per category) and the sitemap, cached by content version."""

from __future__ import annotations

import math
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Path, Request
from starlette.responses import Response

import app
from app.categories import repository as categories
from app.core.db import SessionDep
from app.core.errors import NotFound, responses
from app.core.http_cache import prefix_rule
from app.core.surrogate import category_key, surrogate_header
from app.core.types import utcnow
from app.feeds import repository, xml
from app.feeds.links import PageLinks

router = APIRouter(tags=["feeds"])
CategorySlug = Annotated[str, Path(max_length=120)]
RSS_TYPE = "application/rss+xml"  # UTF-8, as each document's XML declaration says
XML_TYPE = "application/xml"


def _documented(media_type: str, description: str, *errors: int) -> dict[int | str, dict[str, Any]]:
    """200 as XML; errors as problem+json only (without `model`, FastAPI would list them as XML)."""
    problems = {
        status: {k: v for k, v in spec.items() if k != "model"}
        for status, spec in responses(*errors).items()
    }
    ok = {"description": description, "content": {media_type: {"schema": {"type": "string"}}}}
    return {200: ok, **problems}


class RssResponse(Response):
    media_type = RSS_TYPE


class XmlResponse(Response):
    media_type = XML_TYPE


def install(application: FastAPI) -> None:
    """Feeds and sitemaps get ETag/304/Cache-Control by content version, like /api/v1."""
    application.state.page_links = PageLinks.from_settings(application.state.settings)
    application.state.cache_rules.append(prefix_rule(("/feeds/", "/sitemap")))


def _links(request: Request) -> PageLinks:
    links: PageLinks = request.app.state.page_links
    return links


async def _feed(
    request: Request, session: SessionDep, channel: xml.Channel, category_id: int | None
) -> bytes:
    settings = request.app.state.settings
    links = _links(request)
    rows = await repository.latest(session, utcnow(), settings.feed_items, category_id)
    items = [
        xml.FeedItem(
            title=row.title,
            link=links.article(row.id, row.slug, row.category_slug),
            guid=links.guid(row.id),
            published_at=row.published_at,
            description=row.excerpt,
            category=row.category_name,
            category_url=links.category(row.category_slug),
            author=row.author_name,
        )
        for row in rows
    ]
    return xml.rss(channel, items, generator=f"inkwell {app.__version__}")


@router.get(
    "/feeds/latest.xml",
    response_class=RssResponse,
    responses=_documented("application/rss+xml", "RSS 2.0: the latest articles.", 422),
    summary="RSS feed of the latest articles",
)
async def latest_feed(request: Request, session: SessionDep) -> Response:
    """RSS 2.0 feed of the latest published articles, newest first."""
    settings = request.app.state.settings
    channel = xml.Channel(
        title=settings.site_name,
        link=settings.public_base + "/",
        description=f"The latest articles from {settings.site_name}.",
        self_url=f"{settings.public_base}/feeds/latest.xml",
    )
    body = await _feed(request, session, channel, None)
    return RssResponse(body, headers=surrogate_header("articles", "categories"))


@router.get(
    "/feeds/categories/{slug}.xml",
    response_class=RssResponse,
    responses=_documented(
        "application/rss+xml", "RSS 2.0: one category's latest articles.", 404, 422
    ),
    summary="RSS feed of a category",
)
async def category_feed(request: Request, session: SessionDep, slug: CategorySlug) -> Response:
    """RSS 2.0 feed of one category's latest published articles, newest first."""
    settings = request.app.state.settings
    category = await categories.by_slug(session, slug, utcnow())
    if category is None:
        raise NotFound(f"No category with slug {slug!r}.")
    channel = xml.Channel(
        title=f"{settings.site_name}: {category.name}",
        link=_links(request).category(category.slug),
        description=category.description
        or f"The latest {category.name} articles from {settings.site_name}.",
        self_url=f"{settings.public_base}/feeds/categories/{category.slug}.xml",
    )
    body = await _feed(request, session, channel, category.id)
    return RssResponse(
        body, headers=surrogate_header("articles", "categories", category_key(category.slug))
    )


SITEMAP_KEYS = surrogate_header("articles", "categories")


async def _article_entries(
    request: Request, session: SessionDep, page: int, page_size: int
) -> list[tuple[str, Any]]:
    links = _links(request)
    rows = await repository.sitemap_articles(
        session, utcnow(), offset=(page - 1) * page_size, limit=page_size
    )
    return [
        (links.article(row.id, row.slug, row.category_slug), max(row.published_at, row.updated_at))
        for row in rows
    ]


async def _category_entries(request: Request, session: SessionDep) -> list[tuple[str, Any]]:
    links = _links(request)
    rows = await repository.categories_with_latest(session, utcnow())
    return [
        (links.category(row.slug), max(filter(None, (row.updated_at, row.newest)))) for row in rows
    ]


async def _article_pages(request: Request, session: SessionDep) -> int:
    total = await repository.visible_count(session, utcnow())
    return max(1, math.ceil(total / request.app.state.settings.sitemap_page_size))


@router.get(
    "/sitemap.xml",
    response_class=XmlResponse,
    responses=_documented(
        "application/xml", "A sitemaps.org 0.9 urlset, or a sitemap index for a large site.", 422
    ),
    summary="The sitemap",
)
async def sitemap(request: Request, session: SessionDep) -> Response:
    """Categories and published articles with `lastmod`; an index of pages past 50,000 URLs."""
    page_size = request.app.state.settings.sitemap_page_size
    pages = await _article_pages(request, session)
    base = request.app.state.settings.public_base
    categories_part = await _category_entries(request, session)
    if pages == 1:
        articles_part = await _article_entries(request, session, 1, page_size)
        if len(categories_part) + len(articles_part) <= page_size:
            return XmlResponse(xml.urlset(categories_part + articles_part), headers=SITEMAP_KEYS)
    locations = [f"{base}/sitemaps/categories.xml"]
    locations += [f"{base}/sitemaps/articles-{n}.xml" for n in range(1, pages + 1)]
    return XmlResponse(xml.sitemap_index(locations), headers=SITEMAP_KEYS)


@router.get(
    "/sitemaps/categories.xml",
    response_class=XmlResponse,
    responses=_documented("application/xml", "A sitemaps.org 0.9 urlset of the categories.", 422),
    summary="Sitemap of the categories",
)
async def categories_sitemap(request: Request, session: SessionDep) -> Response:
    """Every category page, with the time its newest article was published."""
    return XmlResponse(xml.urlset(await _category_entries(request, session)), headers=SITEMAP_KEYS)


@router.get(
    "/sitemaps/articles-{page}.xml",
    response_class=XmlResponse,
    responses=_documented(
        "application/xml", "A sitemaps.org 0.9 urlset: one page of articles.", 404, 422
    ),
    summary="Sitemap of the articles, one page",
)
async def articles_sitemap(
    request: Request, session: SessionDep, page: Annotated[int, Path(ge=1, le=100_000)]
) -> Response:
    """Page `page` of the published articles, oldest first, up to 50,000 per page."""
    pages = await _article_pages(request, session)
    if page > pages:
        raise NotFound(f"Sitemap page {page} is past the last page ({pages}).")
    page_size = request.app.state.settings.sitemap_page_size
    entries = await _article_entries(request, session, page, page_size)
    return XmlResponse(xml.urlset(entries), headers=SITEMAP_KEYS)
