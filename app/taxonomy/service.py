"""One set of rules for the three taxonomies (categories, authors, tags): slugs, 409s, purges.

Each taxonomy is described by a `TaxonomyKind` (app.taxonomy.kinds); create/update/delete here are
the same code for all three, so a rule (a slug clash answers 409, a write bumps the content
version) is written once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from pydantic import BaseModel
from slugify import slugify
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.content_version import bump_content_version
from app.core.errors import Conflict, NotFound, Unprocessable
from app.core.types import utcnow

PublicView = Callable[[AsyncSession, Any, Request], Awaitable[BaseModel]]
Defaults = Callable[[AsyncSession], Awaitable[dict[str, Any]]]


async def no_defaults(_session: AsyncSession) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class TaxonomyKind:
    singular: str  # "category": names routes (`create_category`) and messages
    plural: str  # "categories": the collection's path
    model: Any
    create_schema: type[BaseModel]
    update_schema: type[BaseModel]
    public_schema: type[BaseModel]
    public_view: PublicView
    surrogate: Callable[[str], str]  # slug -> its Surrogate-Key
    list_keys: tuple[str, ...]  # the lists its answers appear in
    article_column: Any | None = None  # set: refuse deleting while articles use it (409)
    defaults_on_create: Defaults = no_defaults


@dataclass(frozen=True)
class TaxonomyWrite:
    row: Any
    purge_keys: list[str]


async def _load(session: AsyncSession, kind: TaxonomyKind, item_id: int) -> Any:
    row = await session.scalar(select(kind.model).where(kind.model.id == item_id).with_for_update())
    if row is None:
        raise NotFound(f"No {kind.singular} with id {item_id}.")
    return row


async def _check_slug_free(
    session: AsyncSession, kind: TaxonomyKind, slug: str, item_id: int | None
) -> None:
    owner = await session.scalar(select(kind.model.id).where(kind.model.slug == slug))
    if owner is not None and owner != item_id:
        raise Conflict(f"A {kind.singular} with slug {slug!r} exists already (id {owner}).")


async def _flush(session: AsyncSession, kind: TaxonomyKind, slug: str) -> None:
    try:
        await session.flush()
    except IntegrityError as exc:  # a concurrent write took the slug first
        raise Conflict(f"A {kind.singular} with slug {slug!r} exists already.") from exc


def _keys(kind: TaxonomyKind, *slugs: str) -> list[str]:
    # Article answers embed taxonomy names, so every article list depends on them too.
    return [*kind.list_keys, *(kind.surrogate(s) for s in dict.fromkeys(slugs)), "articles"]


async def create(session: AsyncSession, kind: TaxonomyKind, data: BaseModel) -> TaxonomyWrite:
    values = data.model_dump()
    slug = values.pop("slug") or slugify(values["name"], max_length=120, word_boundary=True)
    if not slug:
        raise Unprocessable.on("body.slug", "the name gives no slug: send one")
    await _check_slug_free(session, kind, slug, None)
    defaults = await kind.defaults_on_create(session)
    values = {**defaults, **{k: v for k, v in values.items() if v is not None or k not in defaults}}
    row = kind.model(slug=slug, **values)
    session.add(row)
    await _flush(session, kind, slug)
    await bump_content_version(session)
    return TaxonomyWrite(row, _keys(kind, slug))


async def update(
    session: AsyncSession, kind: TaxonomyKind, item_id: int, data: BaseModel
) -> TaxonomyWrite:
    row = await _load(session, kind, item_id)
    old_slug = row.slug
    changes = {name: getattr(data, name) for name in data.model_fields_set}
    if "slug" in changes:
        await _check_slug_free(session, kind, changes["slug"], item_id)
    changed = {name: value for name, value in changes.items() if getattr(row, name) != value}
    if not changed:
        return TaxonomyWrite(row, [])
    for name, value in changed.items():
        setattr(row, name, value)
    if hasattr(row, "updated_at"):
        row.updated_at = utcnow()
    await _flush(session, kind, row.slug)
    await bump_content_version(session)
    return TaxonomyWrite(row, _keys(kind, old_slug, row.slug))


async def delete(session: AsyncSession, kind: TaxonomyKind, item_id: int) -> TaxonomyWrite:
    row = await _load(session, kind, item_id)
    if kind.article_column is not None:
        from app.articles.models import Article  # the rule is about articles using the term

        used = int(
            await session.scalar(
                select(func.count()).select_from(Article).where(kind.article_column == item_id)
            )
            or 0
        )
        if used:
            raise Conflict(
                f"The {kind.singular} {row.slug!r} still has {used} article(s) (any status): "
                "move or delete them first."
            )
    await session.delete(row)
    await session.flush()
    await bump_content_version(session)
    return TaxonomyWrite(row, _keys(kind, row.slug))
