"""RSS 2.0 and sitemaps.org 0.9 documents, built with ElementTree (every text is escaped)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime

from app.core.types import as_utc, rfc3339

ATOM = "http://www.w3.org/2005/Atom"
DC = "http://purl.org/dc/elements/1.1/"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
ET.register_namespace("atom", ATOM)
ET.register_namespace("dc", DC)
ET.register_namespace("", SITEMAP)  # sitemaps are written with it as the default namespace

# Characters XML 1.0 cannot carry at all, even escaped: dropped rather than breaking the feed.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def rfc822(value: datetime) -> str:
    return format_datetime(as_utc(value).replace(microsecond=0), usegmt=True)


@dataclass(frozen=True)
class FeedItem:
    title: str
    link: str
    guid: str
    published_at: datetime
    description: str
    category: str
    category_url: str
    author: str


@dataclass(frozen=True)
class Channel:
    title: str
    link: str
    description: str
    self_url: str


def _text(parent: ET.Element, tag: str, text: str, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    element.text = clean(text)
    return element


def _document(root: ET.Element) -> bytes:
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def rss(channel: Channel, items: list[FeedItem], generator: str) -> bytes:
    root = ET.Element("rss", {"version": "2.0"})
    node = ET.SubElement(root, "channel")
    _text(node, "title", channel.title)
    _text(node, "link", channel.link)
    _text(node, "description", channel.description)
    ET.SubElement(
        node,
        f"{{{ATOM}}}link",
        {"href": channel.self_url, "rel": "self", "type": "application/rss+xml"},
    )
    _text(node, "generator", generator)
    if items:
        _text(node, "lastBuildDate", rfc822(max(item.published_at for item in items)))
    for item in items:
        entry = ET.SubElement(node, "item")
        _text(entry, "title", item.title)
        _text(entry, "link", item.link)
        _text(entry, "guid", item.guid, isPermaLink="false")
        _text(entry, "pubDate", rfc822(item.published_at))
        _text(entry, "description", item.description)
        _text(entry, "category", item.category, domain=item.category_url)
        _text(entry, f"{{{DC}}}creator", item.author)
    return _document(root)


def urlset(entries: Iterable[tuple[str, datetime | None]]) -> bytes:
    root = ET.Element(f"{{{SITEMAP}}}urlset")
    for loc, lastmod in entries:
        url = ET.SubElement(root, f"{{{SITEMAP}}}url")
        _text(url, f"{{{SITEMAP}}}loc", loc)
        if lastmod is not None:
            _text(url, f"{{{SITEMAP}}}lastmod", rfc3339(lastmod))
    return _document(root)


def sitemap_index(locations: Iterable[str]) -> bytes:
    root = ET.Element(f"{{{SITEMAP}}}sitemapindex")
    for loc in locations:
        sitemap = ET.SubElement(root, f"{{{SITEMAP}}}sitemap")
        _text(sitemap, f"{{{SITEMAP}}}loc", loc)
    return _document(root)
