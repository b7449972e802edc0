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
_tag = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*>")
_HEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
# Elements whose start and end are block boundaries: one line each in the plain text.
_BLOCKS = _HEADINGS | {"blockquote", "caption", "figcaption", "figure", "hr", "li", "ol", "p"}
_BLOCKS |= {"pre", "table", "tbody", "td", "th", "thead", "tr", "ul"}
_VOID = frozenset({"br", "hr", "img"})
_HEADINGS_AND_CAPTIONS = _HEADINGS | {"figure", "figcaption", "caption"}
# A paragraph in one of these is not the body's own prose (a pull quote, a list item, a cell...).
_NOT_PROSE = _HEADINGS_AND_CAPTIONS | {"blockquote", "li", "ol", "pre", "table", "ul"}
EXCERPT_LENGTH = 200
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
    excerpt: str
    toc: list[TocEntry] = field(default_factory=list)
    reading_time_minutes: int = 1


@dataclass(frozen=True)
class TextBlock:
    text: str
    inside: frozenset[str]  # the elements it sits in, e.g. {"blockquote", "p"}


@dataclass(frozen=True)
class DerivedText:
    """What a body's HTML gives the rest of the article: its text, excerpt and reading time."""

    text: str  # one line per block (heading, paragraph, list item, caption…): what search indexes
    excerpt: str
    reading_time_minutes: int


def sanitise(unsafe_html: str) -> str:
    return nh3.clean(
        unsafe_html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


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


def text_blocks(safe_html: str) -> list[TextBlock]:
    """The text of sanitised HTML, block by block, each with the elements around it.

    Every tag separates words (as a space); block elements also end a block. Sanitised HTML is
    balanced (html5ever writes it), so a stack of open elements is the context.
    """
    blocks: list[TextBlock] = []
    open_elements: list[str] = []
    pieces: list[str] = []

    def end_block() -> None:
        text = " ".join(html.unescape(" ".join(pieces)).split())
        pieces.clear()
        if text:
            blocks.append(TextBlock(text, frozenset(open_elements)))

    position = 0
    for match in _tag.finditer(safe_html):
        pieces.append(safe_html[position : match.start()])
        position = match.end()
        closing, name = match.group(1) == "/", match.group(2).lower()
        if name in _BLOCKS:
            end_block()
        if name in _VOID:
            continue
        if not closing:
            open_elements.append(name)
        elif name in open_elements:
            while open_elements.pop() != name:
                pass
    pieces.append(safe_html[position:])
    end_block()
    return blocks


def shorten(text: str, limit: int = EXCERPT_LENGTH) -> str:
    """At most `limit` characters: cut at a word boundary, with an ellipsis (after a space when
    the cut ends a sentence: "…an answer. …")."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 2]  # room for " …"
    if not text[limit - 2].isspace():
        head, space, _partial = cut.rpartition(" ")
        cut = head if space else cut  # one endless word is cut where it must be
    cut = cut.rstrip(" ,;:-–—")
    return f"{cut} …" if cut.endswith((".", "!", "?")) else f"{cut}…"


def excerpt_of(blocks: list[TextBlock], limit: int = EXCERPT_LENGTH) -> str:
    """The body's paragraphs, shortened; never its headings or captions. A body without
    paragraphs (a list, a quote, bare text) gives its other text."""
    prose = [b.text for b in blocks if "p" in b.inside and not b.inside & _NOT_PROSE]
    if not prose:
        prose = [b.text for b in blocks if not b.inside & _HEADINGS_AND_CAPTIONS]
    return shorten(" ".join(prose), limit)


def reading_time(text: str) -> int:
    return max(1, math.ceil(len(text.split()) / WORDS_PER_MINUTE))


def derive_text(safe_html: str) -> DerivedText:
    """The one way a body's text, excerpt and reading time are made (editorial writes, the seed)."""
    blocks = text_blocks(safe_html)
    text = "\n".join(block.text for block in blocks)
    return DerivedText(text, excerpt_of(blocks), reading_time(text))


def render_body(source: str, body_format: str) -> RenderedBody:
    raw = _markdown.render(source) if body_format == "markdown" else source
    anchored, toc = anchor_headings(sanitise(raw))
    derived = derive_text(anchored)
    return RenderedBody(anchored, derived.text, derived.excerpt, toc, derived.reading_time_minutes)
