"""Plain-text comments: cleaning what comes in, and the one safe way it goes out as HTML.

The body is escaped FIRST and links are found in the escaped text, so nothing a reader typed is
ever interpreted as markup: `<script>` comes back as `&lt;script&gt;`, and a link's `href` is
built only from escaped characters of an `http(s)://` URL.
"""

from __future__ import annotations

import html
import re
import unicodedata

# Bidirectional overrides and isolates: invisible, and used to disguise names and links.
_BIDI = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
# An http(s) URL in escaped text: it stops at whitespace and at any escaped quote or bracket.
_ESCAPED_URL = re.compile(r"https?://(?:(?!&quot;|&#x27;|&lt;|&gt;)[^\s<>\"'])+", re.IGNORECASE)
_RAW_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}"
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")


def _without_controls(value: str, keep: str) -> str:
    return "".join(ch for ch in value if ch in keep or unicodedata.category(ch) != "Cc").translate(
        _BIDI
    )


def clean_line(value: object) -> object:
    """A one-line field (name, email): no control characters, no surrounding space."""
    if not isinstance(value, str):
        return value
    return " ".join(_without_controls(value, "").split()) if value.strip() else ""


def clean_body(value: object) -> object:
    """The body as typed, less control characters (newlines and tabs kept, CRLF made LF)."""
    if not isinstance(value, str):
        return value
    return _without_controls(value.replace("\r\n", "\n").replace("\r", "\n"), "\n\t").strip()


def normalised_for_duplicates(body: str) -> str:
    return " ".join(body.casefold().split())


def link_count(body: str) -> int:
    return len(_RAW_URL.findall(body))


def _link(match: re.Match[str]) -> str:
    url = match.group(0)
    trailing = ""
    while url and url[-1] in _TRAILING:
        trailing = url[-1] + trailing
        url = url[:-1]
    if url.endswith("&amp"):  # a URL ending in a bare "&;" split above
        url, trailing = url[:-4], "&amp" + trailing
    return f'<a href="{url}" rel="nofollow ugc noopener">{url}</a>{trailing}'


def body_html(body: str) -> str:
    """Escaped text in paragraphs (blank lines), `<br>` for single newlines, safe links."""
    paragraphs = [p for p in _PARAGRAPH_BREAK.split(body.strip()) if p.strip()]
    rendered = []
    for paragraph in paragraphs:
        escaped = html.escape(paragraph.strip(), quote=True)
        linked = _ESCAPED_URL.sub(_link, escaped)
        rendered.append("<p>" + linked.replace("\n", "<br>\n") + "</p>")
    return "\n".join(rendered)
