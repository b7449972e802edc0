"""The rules of comments: who may post where, what is held, threads, counts and moderation.

Posting is two steps so that a remote spam check never runs while the store's write lock is held:
`prepare_post` (reads, rate limits, the spam check) decides; `store_post` writes, in the write
session, under a lock on the article row, so duplicate checks and `comment_count` are exact.
Nothing here commits: the route commits once, before it answers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.articles.visibility import PUBLISHED
from app.comments import repository
from app.comments.models import APPROVED, PENDING, SPAM, Comment
from app.comments.repository import AnyRow
from app.comments.schemas import (
    ArticleRef,
    CommentCreate,
    CommentPosted,
    CommentPublic,
    ModerationComment,
)
from app.comments.spam import Candidate, RequestInfo, SpamChecker, Verdict
from app.comments.text import body_html, link_count, normalised_for_duplicates
from app.core.clients import keyed_hash
from app.core.config import Settings
from app.core.content_version import bump_content_version
from app.core.errors import (
    Conflict,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    TooManyRequests,
    Unprocessable,
)
from app.core.shared_state import SharedState
from app.core.types import rfc3339, utcnow
from app.webhooks.events import emit

USER_AGENT_MAX = 255
ARCHIVED = "archived"


@dataclass(frozen=True)
class Client:
    address: str
    user_agent: str
    referrer: str


@dataclass(frozen=True)
class PreparedComment:
    """A comment that passed every check, with the status it will be stored with."""

    article_id: int
    article_slug: str
    parent_id: int | None
    root_id: int | None
    depth: int
    data: CommentCreate
    email_hash: str
    address_hash: str
    content_hash: str
    user_agent: str
    status: str
    honeypot: bool


# --- reading ----------------------------------------------------------------------------------


def public_comment(row: AnyRow) -> CommentPublic:
    return CommentPublic(
        id=row.id,
        parent_id=row.parent_id,
        author_name=row.author_name,
        body=row.body,
        body_html=body_html(row.body),
        created_at=row.created_at,
    )


def build_threads(roots: Sequence[AnyRow], replies: Sequence[AnyRow]) -> list[CommentPublic]:
    """Nest replies under their parents. `replies` come parents first (ordered by depth); a reply
    whose parent is not in the tree (no longer approved) is hidden, with its own replies."""
    nodes: dict[int, CommentPublic] = {}
    threads = []
    for row in roots:
        node = nodes[row.id] = public_comment(row)
        threads.append(node)
    for row in replies:
        parent = nodes.get(row.parent_id)
        if parent is not None:
            node = nodes[row.id] = public_comment(row)
            parent.replies.append(node)
    return threads


# --- posting ----------------------------------------------------------------------------------


def email_hash(settings: Settings, email: str) -> str:
    return keyed_hash(settings.secret_key, email.lower(), purpose="comment-email")


def address_hash(settings: Settings, address: str) -> str:
    return keyed_hash(settings.secret_key, address, purpose="comment-address")


async def open_article(session: AsyncSession, slug: str, now: datetime) -> AnyRow:
    """The article, if readers may comment on it: unknown or not public → 404, closed → 403."""
    article = await repository.article_by_slug(session, slug)
    if article is None:
        raise NotFound(f"No published article with slug {slug!r}.")
    if article.status == ARCHIVED:
        raise Forbidden("Comments are closed on this article: it is archived.")
    if article.status != PUBLISHED or article.published_at is None or article.published_at > now:
        raise NotFound(f"No published article with slug {slug!r}.")
    if not article.comments_open:
        raise Forbidden("Comments are closed on this article.")
    return article


async def check_flood(
    state: SharedState, settings: Settings, address_key: str, email_key: str
) -> None:
    by_address = await state.hit(
        settings.comments_rate_limit_address, "comments", "address", address_key
    )
    by_email = await state.hit(settings.comments_rate_limit_email, "comments", "email", email_key)
    refused = [d.retry_after for d in (by_address, by_email) if not d.allowed]
    if refused:
        raise TooManyRequests(max(refused), "Too many comments in a short time; wait a little.")


async def place_in_thread(
    session: AsyncSession, settings: Settings, article_id: int, parent_id: int | None
) -> tuple[int | None, int | None, int]:
    """(parent_id, root_id, depth) of a new comment. A reply deeper than the limit attaches to
    the deepest ancestor that keeps it within `comments_max_depth` levels."""
    if parent_id is None:
        return None, None, 0
    parent = await repository.get_comment(session, parent_id)
    if parent is None or parent.article_id != article_id or parent.status != APPROVED:
        raise Unprocessable.on(
            "body.parent_id", "must be the id of an approved comment on this article"
        )
    while parent is not None and parent.depth + 1 >= settings.comments_max_depth:
        parent = (
            await repository.get_comment(session, parent.parent_id) if parent.parent_id else None
        )
    if parent is None:
        return None, None, 0
    return parent.id, parent.root_id or parent.id, parent.depth + 1


def held_for_content(settings: Settings, data: CommentCreate, user_agent: str) -> bool:
    """Too many links, or a word of the moderation list (in name, email, body or user agent)."""
    if link_count(data.body) > settings.comments_max_links:
        return True
    haystack = "\n".join((data.author_name, data.author_email, data.body, user_agent)).casefold()
    return any(word.casefold() in haystack for word in settings.comments_moderation_words)


async def policy_approves(session: AsyncSession, settings: Settings, email_key: str) -> bool:
    """hold: nothing; open: everything; approve_known: authors with an approved comment before."""
    if settings.comments_policy == "open":
        return True
    if settings.comments_policy == "approve_known":
        return await repository.approved_before(session, email_key)
    return False


async def prepare_post(
    session: AsyncSession,
    *,
    settings: Settings,
    state: SharedState,
    checker: SpamChecker,
    slug: str,
    data: CommentCreate,
    client: Client,
) -> PreparedComment:
    now = utcnow()
    article = await open_article(session, slug, now)
    if len(data.body) > settings.comments_max_body_chars:
        raise PayloadTooLarge(
            f"The comment is {len(data.body)} characters long; the limit is "
            f"{settings.comments_max_body_chars}."
        )
    emails = email_hash(settings, data.author_email)
    addresses = address_hash(settings, client.address)
    await check_flood(state, settings, addresses, emails)
    parent_id, root_id, depth = await place_in_thread(session, settings, article.id, data.parent_id)
    user_agent = client.user_agent[:USER_AGENT_MAX]
    honeypot = bool(data.website and data.website.strip())
    if honeypot:
        status = SPAM
    else:
        candidate = Candidate(
            data.author_name,
            data.author_email,
            data.body,
            f"{settings.public_base}/api/v1/articles/{article.slug}",
        )
        verdict = await checker.check(
            candidate, RequestInfo(client.address, user_agent, client.referrer)
        )
        if verdict is Verdict.SPAM:
            status = SPAM
        elif verdict is Verdict.UNSURE or held_for_content(settings, data, user_agent):
            status = PENDING
        else:
            status = APPROVED if await policy_approves(session, settings, emails) else PENDING
    content = keyed_hash(
        settings.secret_key,
        str(article.id),
        emails,
        normalised_for_duplicates(data.body),
        purpose="comment-content",
    )
    return PreparedComment(
        article_id=article.id,
        article_slug=article.slug,
        parent_id=parent_id,
        root_id=root_id,
        depth=depth,
        data=data,
        email_hash=emails,
        address_hash=addresses,
        content_hash=content,
        user_agent=user_agent,
        status=status,
        honeypot=honeypot,
    )


async def store_post(session: AsyncSession, prepared: PreparedComment) -> CommentPosted:
    await repository.lock_articles(session, [prepared.article_id])
    if not prepared.honeypot and await repository.duplicate_exists(session, prepared.content_hash):
        raise Conflict("You have already posted this comment on this article.")
    now = utcnow()
    comment = Comment(
        article_id=prepared.article_id,
        parent_id=prepared.parent_id,
        root_id=prepared.root_id,
        depth=prepared.depth,
        author_name=prepared.data.author_name,
        author_email=prepared.data.author_email,
        email_hash=prepared.email_hash,
        address_hash=prepared.address_hash,
        user_agent=prepared.user_agent,
        body=prepared.data.body,
        status=prepared.status,
        created_at=now,
        updated_at=now,
        content_hash=prepared.content_hash,
    )
    session.add(comment)
    await session.flush()
    if prepared.status == APPROVED:
        if prepared.depth == 0:
            await repository.add_to_comment_count(session, prepared.article_id, 1)
        else:
            await repository.refresh_comment_counts(session, [prepared.article_id])
        await bump_content_version(session)
        await emit_approved(session, comment, prepared.article_slug)
    assert comment.id is not None
    return CommentPosted(
        id=comment.id,
        parent_id=comment.parent_id,
        author_name=comment.author_name,
        body=comment.body,
        body_html=body_html(comment.body),
        created_at=comment.created_at,
        # Spam (honeypot or checker) is answered like any held comment: robots learn nothing.
        status=APPROVED if prepared.status == APPROVED else PENDING,
    )


async def emit_approved(session: AsyncSession, comment: Comment, article_slug: str) -> None:
    await emit(
        session,
        "comment.approved",
        {
            "id": comment.id,
            "article": {"id": comment.article_id, "slug": article_slug},
            "parent_id": comment.parent_id,
            "author_name": comment.author_name,
            "body": comment.body,
            "body_html": body_html(comment.body),
            "created_at": rfc3339(comment.created_at),
        },
    )


# --- moderation -------------------------------------------------------------------------------


def _moderation(source: Any, article: ArticleRef) -> ModerationComment:
    """What moderators see of a comment (a row or a loaded model): everything, email included."""
    return ModerationComment(
        id=source.id,
        parent_id=source.parent_id,
        author_name=source.author_name,
        body=source.body,
        body_html=body_html(source.body),
        created_at=source.created_at,
        article=article,
        root_id=source.root_id,
        depth=source.depth,
        author_email=source.author_email,
        email_hash=source.email_hash,
        address_hash=source.address_hash,
        user_agent=source.user_agent,
        status=source.status,
        updated_at=source.updated_at,
    )


def moderation_comment(row: AnyRow) -> ModerationComment:
    return _moderation(
        row, ArticleRef(id=row.article_id, slug=row.article_slug, title=row.article_title)
    )


async def moderation_view(session: AsyncSession, comment: Comment) -> ModerationComment:
    article = await repository.article_ref(session, comment.article_id)
    return _moderation(comment, ArticleRef(id=article.id, slug=article.slug, title=article.title))


async def set_status(
    session: AsyncSession, ids: Iterable[int], status: str
) -> tuple[list[Comment], list[int]]:
    """Give these comments `status`: (the comments found, the ids not found). Counts of every
    touched article are recomputed in the same transaction; newly approved ones emit
    `comment.approved`. Replies of a comment that leaves `approved` stay as they are, and are
    hidden from readers (and from `comment_count`) until it is approved again."""
    wanted = list(dict.fromkeys(ids))
    first_look = await repository.comments_by_ids(session, wanted)
    await repository.lock_articles(session, {c.article_id for c in first_look})
    for comment in first_look:  # read again under the lock: the status may have changed
        await session.refresh(comment)
    found_ids = {c.id for c in first_look}
    now = utcnow()
    touched: set[int] = set()
    newly_approved: list[Comment] = []
    for comment in first_look:
        if comment.status == status:
            continue
        if APPROVED in (comment.status, status):
            touched.add(comment.article_id)
        if status == APPROVED:
            newly_approved.append(comment)
        comment.status = status
        comment.updated_at = now
    await session.flush()
    if touched:
        await repository.refresh_comment_counts(session, touched)
        await bump_content_version(session)
    for comment in newly_approved:
        ref = await repository.article_ref(session, comment.article_id)
        await emit_approved(session, comment, ref.slug)
    return first_look, [i for i in wanted if i not in found_ids]


async def delete_permanently(session: AsyncSession, comment_id: int) -> None:
    """Delete a comment and every reply under it (what "empty the trash" does)."""
    comment = await repository.get_comment(session, comment_id)
    if comment is None:
        raise NotFound(f"No comment with id {comment_id}.")
    await repository.lock_articles(session, [comment.article_id])
    await repository.delete_comment(session, comment_id)
    await repository.refresh_comment_counts(session, [comment.article_id])
    await bump_content_version(session)


async def most_commented(
    session: AsyncSession, *, since: datetime, category_id: int | None, limit: int, now: datetime
) -> list[tuple[int, int]]:
    """(article id, approved comments posted since `since`), most first, visible articles only:
    Popular News `by=comments` for a window. An index range on (status, created_at)."""
    return await repository.approved_counts_since(session, since, category_id, limit, now)
