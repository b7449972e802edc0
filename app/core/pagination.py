"""Page and keyset (cursor) paging, the `meta`/`links` of every list, and the Link header."""

from __future__ import annotations

import base64
import binascii
import math
from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar
from urllib.parse import urlencode

import orjson
from fastapi import Query, Request
from pydantic import BaseModel, Field

from app.core.errors import NotFound, Unprocessable
from app.core.schemas import OutputModel

T = TypeVar("T")
MAX_PER_PAGE = 100


class PageMeta(OutputModel):
    page: int | None = Field(default=None, examples=[1])
    per_page: int = Field(examples=[20])
    total: int | None = Field(default=None, examples=[421])
    total_pages: int | None = Field(default=None, examples=[22])
    next_cursor: str | None = Field(default=None, examples=["WyItcHVibGlzaGVkX2F0Il0"])


class Links(OutputModel):
    self: str
    next: str | None = None
    prev: str | None = None


class Page(OutputModel, Generic[T]):
    data: list[T]
    meta: PageMeta
    links: Links


class PageParams(BaseModel):
    page: int
    per_page: int
    cursor: str | None

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


async def page_params(
    page: Annotated[int, Query(ge=1, le=100_000, description="1-based page number.")] = 1,
    per_page: Annotated[
        int, Query(ge=1, le=MAX_PER_PAGE, description="Items per page (≤ 100).")
    ] = 20,
    cursor: Annotated[
        str | None,
        Query(
            max_length=512,
            description="Keyset cursor from `meta.next_cursor`: as fast on the "
            "millionth item as on the first. Overrides `page`.",
        ),
    ] = None,
) -> PageParams:
    return PageParams(page=page, per_page=per_page, cursor=cursor)


def encode_cursor(kind: str, values: list[Any]) -> str:
    raw = orjson.dumps([kind, *[v.isoformat() if isinstance(v, datetime) else v for v in values]])
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def decode_cursor(cursor: str, kind: str, types: tuple[type, ...]) -> list[Any]:
    """The values of a cursor made by `encode_cursor(kind, …)`, or a 422 for anything else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        decoded = orjson.loads(raw)
        if not isinstance(decoded, list) or decoded[0] != kind or len(decoded) != len(types) + 1:
            raise ValueError
        values: list[Any] = []
        for value, expected in zip(decoded[1:], types, strict=True):
            if expected is datetime:
                values.append(datetime.fromisoformat(value))
            elif expected is float:
                values.append(float(value))
            elif isinstance(value, expected) and not isinstance(value, bool):
                values.append(value)
            else:
                raise ValueError
        return values
    except (ValueError, TypeError, IndexError, binascii.Error, orjson.JSONDecodeError):
        raise Unprocessable.on(
            "query.cursor", "not a cursor of this list (take it from meta.next_cursor)"
        ) from None


def build_page_meta(
    request: Request,
    params: PageParams,
    *,
    total: int | None,
    next_cursor: str | None,
    has_more: bool,
) -> tuple[PageMeta, Links, str]:
    """`meta`, `links` and the RFC 8288 Link header value of one page."""
    base = request.app.state.settings.public_base + request.url.path
    query = {k: v for k, v in request.query_params.items()}

    def url_with(**changes: Any) -> str:
        merged = {k: v for k, v in {**query, **changes}.items() if v is not None}
        return f"{base}?{urlencode(merged)}" if merged else base

    if params.cursor is not None:
        meta = PageMeta(per_page=params.per_page, next_cursor=next_cursor if has_more else None)
        links = Links(
            self=url_with(), next=url_with(cursor=next_cursor, page=None) if has_more else None
        )
    else:
        total_pages = max(1, math.ceil(total / params.per_page)) if total is not None else None
        if total_pages is not None and params.page > total_pages and params.page > 1:
            raise NotFound(f"Page {params.page} is past the last page ({total_pages}).")
        meta = PageMeta(
            page=params.page,
            per_page=params.per_page,
            total=total,
            total_pages=total_pages,
            next_cursor=next_cursor if has_more else None,
        )
        links = Links(
            self=url_with(),
            next=url_with(page=params.page + 1) if has_more else None,
            prev=url_with(page=params.page - 1) if params.page > 1 else None,
        )
    parts = [f'<{links.self}>; rel="self"']
    if links.next:
        parts.append(f'<{links.next}>; rel="next"')
    if links.prev:
        parts.append(f'<{links.prev}>; rel="prev"')
    return meta, links, ", ".join(parts)
