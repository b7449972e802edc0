"""Public article reads: lists, one article, related reads."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from starlette.responses import RedirectResponse, Response

from app.articles import editorial_router, repository
from app.articles.editorial_schemas import (
    DESK_FIELDS_MEDIA_TYPE,
    DESK_MEDIA_TYPE,
    ArticleDeskFieldsList,
    ArticleDeskList,
    ArticleEditorial,
    DeskStatus,
)
from app.articles.schemas import (
    FIELDS_MEDIA_TYPE,
    SUMMARY_FIELDS,
    ArticleDetail,
    ArticleFieldsList,
    ArticleList,
    ArticleSort,
    RelatedList,
)
from app.authors.models import Author
from app.categories.models import Category
from app.core.db import SessionDep
from app.core.errors import NotFound, responses
from app.core.json import JSON_MEDIA_TYPE, model_response
from app.core.pagination import (
    PageParams,
    build_page_meta,
    decode_cursor,
    encode_cursor,
    page_params,
)
from app.core.query_params import FieldsParam, parse_fields
from app.core.representations import content
from app.core.surrogate import article_key, author_key, category_key, surrogate_header, tag_key
from app.core.types import Timestamp, utcnow
from app.keys.dependencies import OPTIONAL_KEY, OptionalPrincipal
from app.search.engine import match_condition
from app.tags.models import Tag

router = APIRouter(prefix="/api/v1", tags=["articles"])
SlugPath = Annotated[str, Path(max_length=200, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]
FilterSlug = Annotated[str | None, Query(max_length=120, description="A slug.")]


async def article_filters(
    request: Request,
    session: SessionDep,
    category: FilterSlug = None,
    tag: FilterSlug = None,
    author: FilterSlug = None,
    q: Annotated[
        str | None, Query(min_length=1, max_length=200, description="Full-text query.")
    ] = None,
    published_after: Annotated[Timestamp | None, Query(description="RFC 3339, inclusive.")] = None,
    published_before: Annotated[Timestamp | None, Query(description="RFC 3339, exclusive.")] = None,
) -> repository.ArticleFilters:
    dialect = request.app.state.database.read_engine.dialect.name
    return repository.ArticleFilters(
        category_id=await repository.id_by_slug(session, Category, category, "category")
        if category
        else None,
        author_id=await repository.id_by_slug(session, Author, author, "author")
        if author
        else None,
        tag_id=await repository.id_by_slug(session, Tag, tag, "tag") if tag else None,
        match=match_condition(dialect, q) if q else None,
        published_after=published_after,
        published_before=published_before,
    )


FiltersDep = Annotated[repository.ArticleFilters, Depends(article_filters)]
PageDep = Annotated[PageParams, Depends(page_params)]


def filter_keys(request: Request) -> list[str]:
    params = request.query_params
    keys = ["articles"]
    if params.get("category"):
        keys.append(category_key(params["category"]))
    if params.get("author"):
        keys.append(author_key(params["author"]))
    if params.get("tag"):
        keys.append(tag_key(params["tag"]))
    return keys


@router.get(
    "/articles",
    response_model=ArticleList,
    responses={
        200: {
            "description": "The representation is chosen by the key and `fields`, and named by "
            "the media type: `application/json` the public list; "
            f"`{FIELDS_MEDIA_TYPE}` with `?fields=` (items trimmed to those fields); "
            f"`{DESK_MEDIA_TYPE}` to a key that may read unpublished articles; "
            f"`{DESK_FIELDS_MEDIA_TYPE}` to such a key with `?fields=`.",
            "content": content(
                {
                    FIELDS_MEDIA_TYPE: ArticleFieldsList,
                    DESK_MEDIA_TYPE: ArticleDeskList,
                    DESK_FIELDS_MEDIA_TYPE: ArticleDeskFieldsList,
                }
            ),
        }
    }
    | responses(401, 403, 404, 422),
    summary="List published articles",
    openapi_extra=OPTIONAL_KEY,
)
async def list_articles(
    request: Request,
    session: SessionDep,
    filters: FiltersDep,
    paging: PageDep,
    principal: OptionalPrincipal,
    sort: Annotated[ArticleSort, Query(description="Order of the list.")] = "-published_at",
    fields: FieldsParam = None,
    status: Annotated[
        DeskStatus | None, Query(description="With an API key only: articles in this state.")
    ] = None,
) -> Response:
    """Published articles, newest first, with filters, sorting, page or cursor paging.
    With `?fields=`: only those fields of each item (`application/vnd.inkwell.fields+json`).
    With an API key that may read unpublished articles: every article the key may see, `?status=`
    to choose (`application/vnd.inkwell.desk+json`, never cached)."""
    editorial_router.check_status_param(principal, status)
    if editorial_router.may_read_unpublished(principal):
        return await editorial_router.desk_list(
            request, session, principal, filters, paging, sort, status, fields
        )
    include = parse_fields(fields, SUMMARY_FIELDS)
    now = utcnow()
    spec = repository.sort_spec(sort)
    cursor_values = None
    if paging.cursor is not None:
        cursor_values = decode_cursor(paging.cursor, sort, (spec.value_type, int))
    items, after = await repository.list_page(
        session,
        filters=filters,
        sort=spec,
        per_page=paging.per_page,
        offset=paging.offset,
        cursor_values=cursor_values,
        now=now,
        public_base=request.app.state.settings.public_base,
    )
    total = (
        None if paging.cursor is not None else await repository.count_visible(session, filters, now)
    )
    next_cursor = encode_cursor(sort, after) if after else None
    meta, links, link_header = build_page_meta(
        request, paging, total=total, next_cursor=next_cursor, has_more=after is not None
    )
    page = ArticleList(data=items, meta=meta, links=links)
    return model_response(
        page,
        headers={"Link": link_header, **surrogate_header(*filter_keys(request))},
        include={"data": {"__all__": include}, "meta": True, "links": True} if include else None,
        media_type=FIELDS_MEDIA_TYPE if include else JSON_MEDIA_TYPE,
    )


async def visible_article(request: Request, session: SessionDep, slug: SlugPath) -> object:
    """Load the visible article called `slug`, answer 301 for a former slug, else 404."""
    now = utcnow()
    row = await repository.find_visible_by_slug(session, slug, now)
    if row is not None:
        return row
    current = await repository.current_slug_for_old(session, slug, now)
    if current is not None:
        suffix = request.url.path.removeprefix(f"/api/v1/articles/{slug}")
        location = f"{request.app.state.settings.public_base}/api/v1/articles/{current}{suffix}"
        return RedirectResponse(location, status_code=301, headers=surrogate_header("articles"))
    raise NotFound(f"No published article with slug {slug!r}.")


@router.get(
    "/articles/{slug}",
    response_model=ArticleDetail,
    responses={
        200: {
            "description": "`application/json` the public article; "
            f"`{DESK_MEDIA_TYPE}` to a key that may read unpublished articles.",
            "content": content({DESK_MEDIA_TYPE: ArticleEditorial}),
        },
        301: {"description": "The article was renamed: `Location` has its new URL."},
    }
    | responses(401, 404, 422),
    summary="Get one article",
    openapi_extra=OPTIONAL_KEY,
)
async def get_article(
    request: Request, session: SessionDep, slug: SlugPath, principal: OptionalPrincipal
) -> Response:
    """One article, whole: body, table of contents and breadcrumbs.
    With an API key that may read unpublished articles: any article the key may see, by slug or
    id, as the desk sees it (`application/vnd.inkwell.desk+json`, never cached)."""
    if editorial_router.may_read_unpublished(principal):
        desk = await editorial_router.desk_article(request, session, principal, slug)
        if desk is not None:
            return desk
    article = await visible_article(request, session, slug)
    if isinstance(article, Response):
        return article
    settings = request.app.state.settings
    found = await repository.detail(session, article, settings.public_base, settings.site_name)  # type: ignore[arg-type]
    keys = [article_key(found.id), category_key(found.category.slug), author_key(found.author.slug)]
    return model_response(
        found, headers=surrogate_header(*keys, *(tag_key(t.slug) for t in found.tags))
    )


@router.get(
    "/articles/{slug}/related",
    response_model=RelatedList,
    responses={301: {"description": "The article was renamed."}} | responses(404, 422),
    summary="You might also like",
)
async def list_related_articles(
    request: Request,
    session: SessionDep,
    article: Annotated[object, Depends(visible_article)],
    limit: Annotated[int, Query(ge=1, le=20)] = 4,
) -> Response:
    """Articles sharing tags and category with this one, newest first among equals."""
    if isinstance(article, Response):
        return article
    now = utcnow()
    ids = await repository.related_ids(session, article.id, article.category_id, limit, now)  # type: ignore[attr-defined]
    items = await repository.summaries_by_ids(
        session, ids, request.app.state.settings.public_base, now
    )
    return model_response(
        RelatedList(data=items),
        headers=surrogate_header("articles", article_key(article.id)),  # type: ignore[attr-defined]
    )


router.include_router(editorial_router.router)
install = editorial_router.install
