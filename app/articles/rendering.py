"""Bodies in, safe HTML out: Markdown or HTML, sanitised by an allowlist, headings anchored."""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass, field

import nh3
from markdown_it import MarkdownIt
from slugify import slugify

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "em",
    "figcaption",
    "figure",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "small",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height", "loading"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "abbr": {"title"},
    "ol": {"start"},
}
TOC_LEVELS = (2, 3, 4)
WORDS_PER_MINUTE = 230
_markdown = MarkdownIt("commonmark", {"html": True}).enable("table")
_heading = re.compile(r"<h([2-6])>(.*?)</h\1>", re.DOTALL)
_tags = re.compile(r"<[^>]+>")
# In sanitised HTML every attribute is double-quoted; "/x" is root-relative, "//x" is not.
_root_relative = re.compile(r'(<(?:img|a)\b[^>]*?\s(?:src|href)=")/(?!/)')


@dataclass(frozen=True)
class TocEntry:
    id: str
    text: str
    level: int


@dataclass(frozen=True)
class RenderedBody:
    html: str
    text: str
    toc: list[TocEntry] = field(default_factory=list)
    reading_time_minutes: int = 1


def sanitise(unsafe_html: str) -> str:
    return nh3.clean(
        unsafe_html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def plain_text(safe_html: str) -> str:
    return " ".join(html.unescape(_tags.sub(" ", safe_html)).split())


def anchor_headings(safe_html: str) -> tuple[str, list[TocEntry]]:
    """Give every heading a unique id (from its text) and list levels 2–4 as the TOC."""
    used: dict[str, int] = {}
    toc: list[TocEntry] = []

    def add_id(match: re.Match[str]) -> str:
        level, inner = int(match.group(1)), match.group(2)
        text = " ".join(html.unescape(_tags.sub("", inner)).split())
        base = slugify(text, max_length=60) or "section"
        count = used.get(base, 0)
        used[base] = count + 1
        anchor = base if count == 0 else f"{base}-{count + 1}"
        if level in TOC_LEVELS:
            toc.append(TocEntry(anchor, text, level))
        return f'<h{level} id="{anchor}">{inner}</h{level}>'

    return _heading.sub(add_id, safe_html), toc


def absolute_urls(public_base: str, safe_html: str) -> str:
    """Root-relative `src`/`href` (e.g. `/media/...`) made absolute against the API's public URL:
    a frontend on another origin renders `body_html` as is, like `hero_image.url`."""
    return _root_relative.sub(lambda m: f"{m.group(1)}{public_base}/", safe_html)


def reading_time(text: str) -> int:
    return max(1, math.ceil(len(text.split()) / WORDS_PER_MINUTE))


def render_body(source: str, body_format: str) -> RenderedBody:
    raw = _markdown.render(source) if body_format == "markdown" else source
    anchored, toc = anchor_headings(sanitise(raw))
    text = plain_text(anchored)
    return RenderedBody(anchored, text, toc, reading_time(text))


def excerpt_from(text: str, limit: int = 200) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"
