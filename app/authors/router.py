"""Author profiles."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from sqlalchemy import func, select
from starlette.responses import Response

from app.articles.models import Article
from app.articles.repository import absolute_url
from app.articles.visibility import scheduled_after
from app.authors.models import Author
from app.authors.schemas import AuthorPublic
from app.core.db import SessionDep
from app.core.errors import NotFound, responses
from app.core.json import model_response
from app.core.surrogate import author_key, surrogate_header
from app.core.types import utcnow

router = APIRouter(prefix="/api/v1", tags=["taxonomy"])


@router.get(
    "/authors/{slug}",
    response_model=AuthorPublic,
    responses=responses(404, 422),
    summary="Get an author",
)
async def get_author(
    request: Request, session: SessionDep, slug: Annotated[str, Path(max_length=120)]
) -> Response:
    """An author's profile; their articles are `GET /api/v1/articles?author=slug`."""
    author = await session.scalar(select(Author).where(Author.slug == slug))
    if author is None:
        raise NotFound(f"No author with slug {slug!r}.")
    waiting = await session.scalar(
        select(func.count()).where(scheduled_after(utcnow()), Article.author_id == author.id)
    )
    found = AuthorPublic(
        id=author.id or 0,
        slug=author.slug,
        name=author.name,
        bio=author.bio,
        avatar_url=absolute_url(request.app.state.settings.public_base, author.avatar_url),
        article_count=max(0, author.article_count - int(waiting or 0)),
    )
    return model_response(found, headers=surrogate_header(author_key(slug)))


from app.taxonomy.kinds import AUTHORS  # noqa: E402  (the desk's writes, shared by the three taxonomies)
from app.taxonomy.router import taxonomy_routes  # noqa: E402

router.include_router(taxonomy_routes(AUTHORS))
