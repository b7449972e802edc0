"""The three taxonomies, described once each for the shared rules and routes."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.articles.models import Article
from app.articles.repository import absolute_url
from app.articles.visibility import scheduled_after
from app.authors.models import Author
from app.authors.schemas import AuthorCreate, AuthorPublic, AuthorUpdate
from app.categories import repository as categories
from app.categories.models import Category
from app.categories.schemas import CategoryCreate, CategoryPublic, CategoryUpdate
from app.core.surrogate import author_key, category_key, tag_key
from app.core.types import utcnow
from app.tags.models import Tag
from app.tags.schemas import TagCreate, TagPublic, TagUpdate
from app.taxonomy.service import TaxonomyKind


async def category_view(session: AsyncSession, row: Any, _request: Request) -> BaseModel:
    return categories.public(row, await categories.waiting_by_category(session, utcnow()))


async def next_position(session: AsyncSession) -> dict[str, Any]:
    last = await session.scalar(select(func.max(Category.position)))
    return {"position": int(last or 0) + 1}


async def author_view(session: AsyncSession, row: Any, request: Request) -> BaseModel:
    waiting = await session.scalar(
        select(func.count()).where(scheduled_after(utcnow()), Article.author_id == row.id)
    )
    return AuthorPublic(
        id=row.id,
        slug=row.slug,
        name=row.name,
        bio=row.bio,
        avatar_url=absolute_url(request.app.state.settings.public_base, row.avatar_url),
        article_count=max(0, row.article_count - int(waiting or 0)),
    )


async def tag_view(_session: AsyncSession, row: Any, _request: Request) -> BaseModel:
    return TagPublic(id=row.id, slug=row.slug, name=row.name, article_count=row.article_count)


CATEGORIES = TaxonomyKind(
    singular="category",
    plural="categories",
    model=Category,
    create_schema=CategoryCreate,
    update_schema=CategoryUpdate,
    public_schema=CategoryPublic,
    public_view=category_view,
    surrogate=category_key,
    list_keys=("categories",),
    article_column=Article.category_id,
    defaults_on_create=next_position,
)
AUTHORS = TaxonomyKind(
    singular="author",
    plural="authors",
    model=Author,
    create_schema=AuthorCreate,
    update_schema=AuthorUpdate,
    public_schema=AuthorPublic,
    public_view=author_view,
    surrogate=author_key,
    list_keys=(),
    article_column=Article.author_id,
)
TAGS = TaxonomyKind(
    singular="tag",
    plural="tags",
    model=Tag,
    create_schema=TagCreate,
    update_schema=TagUpdate,
    public_schema=TagPublic,
    public_view=tag_view,
    surrogate=tag_key,
    list_keys=("tags",),
)
