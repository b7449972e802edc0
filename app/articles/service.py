"""The desk's rules for articles: who may set what, the lifecycle, slugs, bodies, events.

Lifecycle: draft → scheduled → published → archived (and back, for editors). A scheduled article is
stored as `published` with a future `published_at`; readers see it from that moment on, decided at
read time (app.articles.visibility), so nothing has to run when the time comes. Publication times
are kept to whole seconds, the precision of every timestamp the API shows (and of the
`article.published` event, whose delivery re-checks the time).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from slugify import slugify
from sqlalchemy import delete, insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.articles import editorial_repository as repo
from app.articles.counts import refresh_counts
from app.articles.editorial_schemas import ArticleCreate, ArticleUpdate, HeroImageIn
from app.articles.models import Article, ArticleSlug, ArticleTag
from app.articles.rendering import derive_text, render_body
from app.articles.visibility import PUBLISHED, public_status
from app.authors.models import Author
from app.categories.models import Category
from app.core.content_version import bump_content_version
from app.core.errors import Conflict, Forbidden, NotFound, PreconditionFailed, Unprocessable
from app.core.surrogate import article_key, author_key, category_key, tag_key
from app.core.types import rfc3339, utcnow
from app.keys.permissions import Permission, allows
from app.keys.service import Principal
from app.tags.models import Tag
from app.webhooks.events import emit

SLUG_BASE_LENGTH = 180


@dataclass(frozen=True)
class WriteResult:
    article_id: int
    purge_keys: list[str]


def whole_seconds(value: datetime) -> datetime:
    return value.replace(microsecond=0)


def etag_of(article_id: int, revision: int) -> str:
    return f'"{article_id}-{revision}"'


def check_if_match(header: str | None, article: Article) -> None:
    """A stale `If-Match` (someone else changed the article first) answers 412."""
    if header is None:
        return
    current = etag_of(article.id or 0, article.revision)
    offered = {part.strip().removeprefix("W/") for part in header.split(",")}
    if "*" not in offered and current not in offered:
        raise PreconditionFailed(
            f"The article changed since you read it: its ETag is now {current}. Reload and retry.",
            headers={"ETag": current},
        )


# --- who may set what -------------------------------------------------------------------------


def may(principal: Principal, permission: Permission) -> bool:
    return allows(principal.role, permission)


def check_lifecycle_fields(principal: Principal, fields: dict[str, Any]) -> None:
    """Publishing, scheduling and archiving need the `publish` permission (authors: drafts only)."""
    wants = fields.get("status") not in (None, "draft") or fields.get("publish_at") is not None
    if wants and not may(principal, Permission.PUBLISH):
        raise Forbidden(
            f"The {principal.role.value} role may only keep articles as drafts: "
            "publishing, scheduling and archiving are for editors."
        )


def check_may_edit(principal: Principal, article: Article) -> None:
    if may(principal, Permission.WRITE_ANY_ARTICLE):
        return
    if principal.author_id is None or article.author_id != principal.author_id:
        raise Forbidden("Authors write only their own articles.")
    if article.status != "draft":
        raise Forbidden("Only drafts can be changed by their author; ask an editor.")


async def author_for(session: AsyncSession, principal: Principal, slug: str | None) -> int:
    if slug is None:
        if principal.author_id is not None:
            return principal.author_id
        if may(principal, Permission.WRITE_ANY_ARTICLE):
            raise Unprocessable.on("body.author", "required: this key is not linked to an author")
        raise Forbidden("This author key is not linked to an author any more.")
    found = (await repo.ids_by_slugs(session, Author, [slug])).get(slug)
    if found is None:
        raise Unprocessable.on("body.author", f"no author with slug {slug!r}")
    if not may(principal, Permission.WRITE_ANY_ARTICLE) and found != principal.author_id:
        raise Forbidden("Authors write only their own articles.")
    return found


async def category_for(session: AsyncSession, slug: str) -> int:
    found = (await repo.ids_by_slugs(session, Category, [slug])).get(slug)
    if found is None:
        raise Unprocessable.on("body.category", f"no category with slug {slug!r}")
    return found


async def tags_for(session: AsyncSession, slugs: list[str]) -> set[int]:
    wanted = list(dict.fromkeys(slugs))
    found = await repo.ids_by_slugs(session, Tag, wanted)
    unknown = [slug for slug in wanted if slug not in found]
    if unknown:
        raise Unprocessable.on("body.tags", f"no tag with slug {', '.join(map(repr, unknown))}")
    return set(found.values())


# --- lifecycle --------------------------------------------------------------------------------


def next_lifecycle(
    requested: str | None,
    publish_at: datetime | None,
    current_status: str | None,
    current_published_at: datetime | None,
    now: datetime,
) -> tuple[str, datetime | None]:
    """(stored status, published_at) after a write asking for `requested` / `publish_at`."""
    when = whole_seconds(publish_at) if publish_at is not None else None
    current = public_status(current_status, current_published_at, now) if current_status else None
    if requested is None:
        if when is None:
            return current_status or "draft", current_published_at
        if current_status != PUBLISHED:
            raise Unprocessable.on(
                "body.publish_at",
                "only a scheduled or published article has a publication time; send `status` too",
            )
        return PUBLISHED, when
    if requested in ("draft", "archived"):
        if when is not None:
            raise Unprocessable.on(
                "body.publish_at", f"a {requested} article has no publication time"
            )
        return requested, None if requested == "draft" else current_published_at
    if requested == "scheduled":
        if when is None:
            if current != "scheduled":
                raise Unprocessable.on("body.publish_at", "required to schedule an article")
            when = current_published_at
        if when is None or when <= now:
            raise Unprocessable.on(
                "body.publish_at", "must be in the future for a scheduled article"
            )
        return PUBLISHED, when
    # published
    if when is not None:
        if when > now:
            raise Unprocessable.on(
                "body.publish_at", "is in the future: use `status: scheduled` to schedule"
            )
        return PUBLISHED, when
    if current in ("published", "archived") and current_published_at is not None:
        return PUBLISHED, current_published_at  # unchanged, or republished at its original time
    return PUBLISHED, whole_seconds(now)


# --- slugs ------------------------------------------------------------------------------------


def slug_base(title: str) -> str:
    return slugify(title, max_length=SLUG_BASE_LENGTH, word_boundary=True) or "article"


def follows_base(slug: str, base: str) -> bool:
    suffix = slug.removeprefix(base)
    return slug == base or (suffix != slug and suffix.startswith("-") and suffix[1:].isdigit())


async def free_slug(session: AsyncSession, base: str, article_id: int | None) -> str:
    """`base`, else `base-2`, `base-3`…: never someone's slug, nor someone else's former slug."""
    current, former = await repo.slugs_in_use(session, base)
    number = 1
    while True:
        candidate = base if number == 1 else f"{base}-{number}"
        taken = candidate in current or (candidate in former and former[candidate] != article_id)
        if not taken:
            return candidate
        number += 1


async def check_slug_free(session: AsyncSession, slug: str, article_id: int | None) -> None:
    owner = await repo.current_owner(session, slug)
    if owner is not None and owner != article_id:
        raise Conflict(f"The slug {slug!r} belongs to another article.")
    former = await repo.former_owner(session, slug)
    if former is not None and former != article_id:
        raise Conflict(
            f"The slug {slug!r} is a former slug of another article (it redirects there)."
        )


async def rename(session: AsyncSession, article: Article, new_slug: str) -> None:
    """Keep the old slug (it answers 301); taking back one's own former slug reclaims it."""
    old = article.slug
    if new_slug == old:
        return
    await session.execute(
        delete(ArticleSlug).where(
            ArticleSlug.slug == new_slug, ArticleSlug.article_id == article.id
        )  # type: ignore[arg-type]
    )
    session.add(ArticleSlug(slug=old, article_id=article.id or 0))
    article.slug = new_slug


# --- bodies -----------------------------------------------------------------------------------


def legacy_excerpt(body_text: str) -> str:
    """The excerpt derived before issue 9: the first 200 characters of all the text, headings
    included. Recognised, so that re-saving an older article's body derives its excerpt anew."""
    text = " ".join(body_text.split())
    if len(text) <= 200:
        return text
    return text[:200].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def is_derived(article: Article) -> bool:
    """Whether the stored excerpt is the one derived from the stored body (not chosen by hand)."""
    return article.excerpt in (
        derive_text(article.body_html).excerpt,
        legacy_excerpt(article.body_text),
    )


def apply_body(article: Article, source: str, body_format: str, excerpt: str | None) -> None:
    """Render and store a body; an excerpt that was derived from the old body follows the new one."""
    derived_before = is_derived(article)
    rendered = render_body(source, body_format)
    article.body_source = source
    article.body_format = body_format
    article.body_html = rendered.html
    article.body_text = rendered.text
    article.toc = orjson.dumps([entry.__dict__ for entry in rendered.toc]).decode()
    article.reading_time_minutes = rendered.reading_time_minutes
    if excerpt is not None:
        article.excerpt = excerpt
    elif derived_before:
        article.excerpt = rendered.excerpt


def apply_hero(article: Article, hero: HeroImageIn | None) -> None:
    article.hero_url = hero.url if hero else None
    article.hero_alt = hero.alt if hero else None
    article.hero_caption = hero.caption if hero else None
    article.hero_credit = hero.credit if hero else None


async def set_tags(
    session: AsyncSession, article_id: int, before: set[int], after: set[int]
) -> None:
    if before - after:
        await session.execute(
            delete(ArticleTag).where(
                ArticleTag.article_id == article_id,  # type: ignore[arg-type]
                ArticleTag.tag_id.in_(list(before - after)),  # type: ignore[attr-defined]
            )
        )
    if after - before:
        await session.execute(
            insert(ArticleTag),
            [{"article_id": article_id, "tag_id": t} for t in sorted(after - before)],
        )


# --- what a write tells others -----------------------------------------------------------------


@dataclass(frozen=True)
class Placement:
    """Where an article shows, before or after a write: what its Surrogate-Keys name."""

    status: str
    published_at: datetime | None
    category_id: int
    author_id: int
    tag_ids: frozenset[int]
    slug: str


def placement_of(article: Article, tag_ids: set[int]) -> Placement:
    return Placement(
        article.status,
        article.published_at,
        article.category_id,
        article.author_id,
        frozenset(tag_ids),
        article.slug,
    )


async def purge_keys(
    session: AsyncSession, article_id: int, *placements: Placement | None
) -> list[str]:
    """`article-N` always; the lists it shows (or showed, or will show) in when it is published."""
    keys = [article_key(article_id)]
    shown = [p for p in placements if p is not None and p.status == PUBLISHED]
    if not shown:
        return keys
    keys += ["articles", "categories", "tags"]
    categories = await repo.slugs_by_ids(session, Category, sorted({p.category_id for p in shown}))
    authors = await repo.slugs_by_ids(session, Author, sorted({p.author_id for p in shown}))
    tags = await repo.slugs_by_ids(session, Tag, sorted({t for p in shown for t in p.tag_ids}))
    keys += [category_key(s) for s in sorted(categories)] + [author_key(s) for s in sorted(authors)]
    keys += [tag_key(s) for s in sorted(tags)]
    return keys


def event_data(article: Article, public_base: str, now: datetime) -> dict[str, Any]:
    return {
        "id": article.id,
        "slug": article.slug,
        "title": article.title,
        "status": public_status(article.status, article.published_at, now),
        "published_at": rfc3339(article.published_at) if article.published_at else None,
        "url": f"{public_base}/api/v1/articles/{article.slug}",
    }


async def announce_events(
    session: AsyncSession,
    article: Article,
    before: Placement | None,
    public_base: str,
    now: datetime,
) -> None:
    """`article.published` when it (re)enters publication or is rescheduled, due at its time
    (the delivery re-checks that the article is still published at that time); otherwise
    `article.updated` when readers can see it, or could until this write."""
    data = event_data(article, public_base, now)
    newly = article.status == PUBLISHED and (
        before is None or before.status != PUBLISHED or before.published_at != article.published_at
    )
    if newly:
        when = article.published_at
        await emit(session, "article.published", data, due_at=when if when and when > now else None)
        return
    was_visible = before is not None and repo.is_visible(before.status, before.published_at, now)
    if was_visible or repo.is_visible(article.status, article.published_at, now):
        await emit(session, "article.updated", data)


# --- the writes -------------------------------------------------------------------------------


async def flush_or_conflict(session: AsyncSession) -> None:
    try:
        await session.flush()
    except IntegrityError as exc:  # a concurrent write took the slug first (PostgreSQL)
        raise Conflict("Another write took this slug at the same moment; retry.") from exc


async def after_write(
    session: AsyncSession,
    article: Article,
    before: Placement | None,
    after: Placement,
    public_base: str,
    now: datetime,
) -> WriteResult:
    await refresh_counts(
        session,
        category_ids={p.category_id for p in (before, after) if p},
        author_ids={p.author_id for p in (before, after) if p},
        tag_ids={t for p in (before, after) if p for t in p.tag_ids},
    )
    await bump_content_version(session)
    await announce_events(session, article, before, public_base, now)
    return WriteResult(article.id or 0, await purge_keys(session, article.id or 0, before, after))


async def create_article(
    session: AsyncSession, principal: Principal, data: ArticleCreate, public_base: str
) -> WriteResult:
    now = utcnow()
    check_lifecycle_fields(principal, {"status": data.status, "publish_at": data.publish_at})
    author_id = await author_for(session, principal, data.author)
    category_id = await category_for(session, data.category)
    tag_ids = await tags_for(session, data.tags)
    status, published_at = next_lifecycle(data.status, data.publish_at, None, None, now)
    if data.slug is not None:
        await check_slug_free(session, data.slug, None)
        slug = data.slug
    else:
        slug = await free_slug(session, slug_base(data.title), None)
    article = Article(
        slug=slug,
        title=data.title,
        status=status,
        published_at=published_at,
        created_at=now,
        updated_at=now,
        category_id=category_id,
        author_id=author_id,
        comments_open=data.comments_open,
        revision=1,
    )
    apply_body(article, data.body, data.body_format, data.excerpt)  # no excerpt sent: derived
    apply_hero(article, data.hero_image)
    session.add(article)
    await flush_or_conflict(session)
    await set_tags(session, article.id or 0, set(), tag_ids)
    return await after_write(
        session, article, None, placement_of(article, tag_ids), public_base, now
    )


async def load_for_write(session: AsyncSession, article_id: int, if_match: str | None) -> Article:
    article = await repo.lock_article(session, article_id)
    if article is None:
        raise NotFound(f"No article with id {article_id}.")
    check_if_match(if_match, article)
    return article


async def update_article(
    session: AsyncSession,
    principal: Principal,
    article_id: int,
    data: ArticleUpdate,
    if_match: str | None,
    public_base: str,
) -> WriteResult:
    now = utcnow()
    sent = data.model_fields_set
    article = await load_for_write(session, article_id, if_match)
    check_may_edit(principal, article)
    check_lifecycle_fields(
        principal, {name: getattr(data, name) for name in ("status", "publish_at")}
    )
    tags_before = await repo.tag_ids_of(session, article_id)
    before = placement_of(article, tags_before)
    columns_before = article.model_dump()

    if data.author is not None:
        article.author_id = await author_for(session, principal, data.author)
    if data.category is not None:
        article.category_id = await category_for(session, data.category)
    tags_after = await tags_for(session, data.tags) if data.tags is not None else tags_before
    if data.title is not None:
        article.title = data.title
    if data.slug is not None:
        await check_slug_free(session, data.slug, article_id)
        await rename(session, article, data.slug)
    elif data.title is not None and not follows_base(article.slug, base := slug_base(data.title)):
        await rename(session, article, await free_slug(session, base, article_id))
    if data.body is not None or data.body_format is not None:
        apply_body(
            article,
            data.body if data.body is not None else article.body_source,
            data.body_format or article.body_format,
            data.excerpt,
        )
    elif data.excerpt is not None:
        article.excerpt = data.excerpt
    if "hero_image" in sent:
        apply_hero(article, data.hero_image)
    if data.comments_open is not None:
        article.comments_open = data.comments_open
    article.status, article.published_at = next_lifecycle(
        data.status, data.publish_at, article.status, article.published_at, now
    )

    if article.model_dump() == columns_before and tags_after == tags_before:
        return WriteResult(article_id, [])  # nothing changed: no new revision, nothing to purge
    article.revision += 1
    article.updated_at = now
    await flush_or_conflict(session)
    await set_tags(session, article_id, tags_before, tags_after)
    after = placement_of(article, tags_after)
    return await after_write(session, article, before, after, public_base, now)


async def delete_article(
    session: AsyncSession,
    principal: Principal,
    article_id: int,
    if_match: str | None,
    public_base: str,
) -> WriteResult:
    now = utcnow()
    article = await load_for_write(session, article_id, if_match)
    check_may_edit(principal, article)
    before = placement_of(article, await repo.tag_ids_of(session, article_id))
    keys = await purge_keys(session, article_id, before)
    if repo.is_visible(article.status, article.published_at, now):
        data = event_data(article, public_base, now)
        await emit(session, "article.deleted", {**data, "status": "deleted"})
    await session.execute(delete(Article).where(Article.id == article_id))  # type: ignore[arg-type]
    await refresh_counts(
        session,
        category_ids=[before.category_id],
        author_ids=[before.author_id],
        tag_ids=before.tag_ids,
    )
    await bump_content_version(session)
    return WriteResult(article_id, keys)
