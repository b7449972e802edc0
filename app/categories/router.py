"""Categories: the site's menu, in order."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from starlette.responses import Response

from app.categories import repository
from app.categories.schemas import CategoryList, CategoryPublic
from app.core.db import SessionDep
from app.core.errors import NotFound, responses
from app.core.json import model_response
from app.core.surrogate import category_key, surrogate_header
from app.core.types import utcnow

router = APIRouter(prefix="/api/v1", tags=["taxonomy"])
CategorySlug = Annotated[str, Path(max_length=120)]


@router.get(
    "/categories", response_model=CategoryList, responses=responses(422), summary="List categories"
)
async def list_categories(session: SessionDep) -> Response:
    """Every category in menu order, each with its count of published articles."""
    data = await repository.all_in_menu_order(session, utcnow())
    return model_response(CategoryList(data=data), headers=surrogate_header("categories"))


@router.get(
    "/categories/{slug}",
    response_model=CategoryPublic,
    responses=responses(404, 422),
    summary="Get a category",
)
async def get_category(session: SessionDep, slug: CategorySlug) -> Response:
    """One category."""
    found = await repository.by_slug(session, slug, utcnow())
    if found is None:
        raise NotFound(f"No category with slug {slug!r}.")
    return model_response(found, headers=surrogate_header("categories", category_key(slug)))


from app.taxonomy.kinds import CATEGORIES  # noqa: E402  (the desk's writes, shared by the three taxonomies)
from app.taxonomy.router import taxonomy_routes  # noqa: E402

router.include_router(taxonomy_routes(CATEGORIES))
