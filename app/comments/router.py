"""Comments: the public thread list and post, and the desk's moderation."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Path, Query, Request
from starlette.responses import RedirectResponse, Response

from app.articles.repository import current_slug_for_old
from app.comments import repository, service
from app.comments.schemas import (
    BulkStatusResult,
    BulkStatusUpdate,
    CommentCreate,
    CommentList,
    CommentListMeta,
    CommentPosted,
    CommentStatus,
    CommentStatusUpdate,
    ListOrder,
    ModerationComment,
    ModerationList,
)
from app.comments.spam import SpamChecker, checker_for
from app.core.clients import client_address
from app.core.db import SessionDep, WriteSessionDep
from app.core.errors import NotFound, responses
from app.core.json import model_response
from app.core.pagination import (
    PageParams,
    build_page_meta,
    decode_cursor,
    encode_cursor,
    page_params,
)
from app.core.surrogate import article_key, surrogate_header
from app.core.types import utcnow
from app.keys.dependencies import require
from app.keys.permissions import Permission
from app.keys.service import Principal

router = APIRouter(prefix="/api/v1", tags=["comments"])
SlugPath = Annotated[str, Path(max_length=200, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]
CommentIdPath = Annotated[int, Path(ge=1, le=2**31 - 1)]
PageDep = Annotated[PageParams, Depends(page_params)]
Moderator = Annotated[Principal, Depends(require(Permission.MODERATE_COMMENTS))]


def install(app: FastAPI) -> None:
    app.state.comment_spam_checker = checker_for(app.state.settings)


def _cursor_kind(order: str) -> str:
    return f"comments-{order}"


@router.get(
    "/articles/{slug}/comments",
    response_model=CommentList,
    responses={
        301: {"description": "The article was renamed: `Location` has its new URL."},
        **responses(404, 422),
    },
    summary="List an article's comments",
)
async def list_comments(
    request: Request,
    session: SessionDep,
    slug: SlugPath,
    paging: PageDep,
    order: Annotated[ListOrder, Query(description="Order of the top-level threads.")] = "oldest",
) -> Response:
    """Approved comments, paged by top-level thread, each with its nested approved replies."""
    now = utcnow()
    article = await repository.visible_article(session, slug, now)
    if article is None:
        current = await current_slug_for_old(session, slug, now)
        if current is not None:
            location = (
                f"{request.app.state.settings.public_base}/api/v1/articles/{current}/comments"
            )
            if request.url.query:
                location += f"?{request.url.query}"
            return RedirectResponse(location, status_code=301, headers=surrogate_header("articles"))
        raise NotFound(f"No published article with slug {slug!r}.")
    after: tuple[datetime, int] | None = None
    if paging.cursor is not None:
        created_at, comment_id = decode_cursor(paging.cursor, _cursor_kind(order), (datetime, int))
        after = (created_at, comment_id)
    roots = await repository.thread_page(
        session,
        article.id,
        newest_first=order == "newest",
        limit=paging.per_page + 1,
        offset=paging.offset,
        after=after,
    )
    has_more = len(roots) > paging.per_page
    roots = roots[: paging.per_page]
    replies = await repository.approved_replies(session, [r.id for r in roots])
    threads = (
        None if paging.cursor is not None else await repository.thread_count(session, article.id)
    )
    next_cursor = (
        encode_cursor(_cursor_kind(order), [roots[-1].created_at, roots[-1].id])
        if has_more
        else None
    )
    meta, links, link_header = build_page_meta(
        request, paging, total=threads, next_cursor=next_cursor, has_more=has_more
    )
    page = CommentList(
        data=service.build_threads(roots, replies),
        meta=CommentListMeta(
            **meta.model_dump(exclude={"total"}), total=article.comment_count, threads=threads
        ),
        links=links,
    )
    keys = surrogate_header(article_key(article.id), f"comments-article-{article.id}")
    return model_response(page, headers={"Link": link_header, **keys})


@router.post(
    "/articles/{slug}/comments",
    response_model=CommentPosted,
    status_code=201,
    responses=responses(403, 404, 409, 413, 422, 429),
    summary="Post a comment",
)
async def post_comment(
    request: Request,
    session: SessionDep,
    write: WriteSessionDep,
    slug: SlugPath,
    data: CommentCreate,
) -> Response:
    """Leave a reply: held for moderation unless the policy approves it; plain text only."""
    app_state: Any = request.app.state
    checker: SpamChecker = app_state.comment_spam_checker
    prepared = await service.prepare_post(
        session,
        settings=app_state.settings,
        state=app_state.shared_state,
        checker=checker,
        slug=slug,
        data=data,
        client=service.Client(
            client_address(request),
            request.headers.get("user-agent", ""),
            request.headers.get("referer", ""),
        ),
    )
    await session.close()
    posted = await service.store_post(write, prepared)
    await write.commit()
    return model_response(posted, status=201)


@router.get(
    "/moderation/comments",
    response_model=ModerationList,
    responses=responses(401, 403, 404, 422),
    summary="List comments for moderation",
    tags=["editorial"],
)
async def list_moderation_comments(
    request: Request,
    session: SessionDep,
    _moderator: Moderator,
    paging: PageDep,
    status: Annotated[
        CommentStatus | None, Query(description="Only comments with this status.")
    ] = None,
    article: Annotated[
        str | None, Query(max_length=200, description="Only this article's (slug).")
    ] = None,
) -> Response:
    """Comments newest first, with the author's email and hashed address (moderators only)."""
    article_id = None
    if article is not None:
        article_id = await repository.article_id_by_slug(session, article)
        if article_id is None:
            raise NotFound(f"No article with slug {article!r}.")
    before: tuple[datetime, int] | None = None
    if paging.cursor is not None:
        created_at, comment_id = decode_cursor(paging.cursor, "moderation", (datetime, int))
        before = (created_at, comment_id)
    rows = await repository.moderation_page(
        session,
        status=status,
        article_id=article_id,
        limit=paging.per_page + 1,
        offset=paging.offset,
        before=before,
    )
    has_more = len(rows) > paging.per_page
    rows = rows[: paging.per_page]
    total = (
        None
        if paging.cursor is not None
        else await repository.moderation_count(session, status=status, article_id=article_id)
    )
    next_cursor = (
        encode_cursor("moderation", [rows[-1].created_at, rows[-1].id]) if has_more else None
    )
    meta, links, link_header = build_page_meta(
        request, paging, total=total, next_cursor=next_cursor, has_more=has_more
    )
    page = ModerationList(
        data=[service.moderation_comment(r) for r in rows], meta=meta, links=links
    )
    return model_response(page, headers={"Link": link_header})


@router.patch(
    "/moderation/comments/{comment_id}",
    response_model=ModerationComment,
    responses=responses(401, 403, 404, 422),
    summary="Moderate one comment",
    tags=["editorial"],
)
async def moderate_comment(
    write: WriteSessionDep,
    _moderator: Moderator,
    comment_id: CommentIdPath,
    data: CommentStatusUpdate,
) -> Response:
    """Set a comment's status (approved, pending, spam, trash); the article's count follows."""
    found, _missing = await service.set_status(write, [comment_id], data.status)
    if not found:
        raise NotFound(f"No comment with id {comment_id}.")
    answer = await service.moderation_view(write, found[0])
    await write.commit()
    return model_response(answer)


@router.post(
    "/moderation/comments/bulk",
    response_model=BulkStatusResult,
    responses=responses(401, 403, 422),
    summary="Moderate comments in bulk",
    tags=["editorial"],
)
async def moderate_comments_in_bulk(
    write: WriteSessionDep,
    _moderator: Moderator,
    data: BulkStatusUpdate,
) -> Response:
    """Set the status of up to 100 comments at once; unknown ids are listed in `not_found`."""
    found, missing = await service.set_status(write, data.ids, data.status)
    await write.commit()
    return model_response(
        BulkStatusResult(
            status=data.status, updated=[c.id for c in found if c.id], not_found=missing
        )
    )


@router.delete(
    "/moderation/comments/{comment_id}",
    status_code=204,
    responses=responses(401, 403, 404, 422),
    summary="Delete a comment permanently",
    tags=["editorial"],
)
async def delete_comment(
    write: WriteSessionDep, _moderator: Moderator, comment_id: CommentIdPath
) -> Response:
    """Delete a comment and all its replies for good (trash keeps them; this does not)."""
    await service.delete_permanently(write, comment_id)
    await write.commit()
    return Response(status_code=204)
