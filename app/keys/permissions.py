"""The permission matrix: written down once, enforced in one place (app.keys.dependencies)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    EDITOR = "editor"
    AUTHOR = "author"
    MODERATOR = "moderator"


class Permission(StrEnum):
    READ_UNPUBLISHED = "read_unpublished"  # see drafts/scheduled (authors: their own only)
    WRITE_OWN_ARTICLES = "write_own_articles"  # create, edit own drafts; not publish
    WRITE_ANY_ARTICLE = "write_any_article"  # edit anyone's
    PUBLISH = "publish"  # publish, schedule, archive
    DELETE_ARTICLES = "delete_articles"
    WRITE_TAXONOMY = "write_taxonomy"  # categories, authors, tags
    MODERATE_COMMENTS = "moderate_comments"
    MANAGE_KEYS = "manage_keys"
    MANAGE_WEBHOOKS = "manage_webhooks"
    MANAGE_SUBSCRIBERS = "manage_subscribers"


P = Permission
MATRIX: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.EDITOR: frozenset(
        {
            P.READ_UNPUBLISHED,
            P.WRITE_OWN_ARTICLES,
            P.WRITE_ANY_ARTICLE,
            P.PUBLISH,
            P.DELETE_ARTICLES,
            P.WRITE_TAXONOMY,
            P.MODERATE_COMMENTS,
        }
    ),
    Role.AUTHOR: frozenset({P.READ_UNPUBLISHED, P.WRITE_OWN_ARTICLES}),
    Role.MODERATOR: frozenset({P.MODERATE_COMMENTS}),
}


def allows(role: Role, permission: Permission) -> bool:
    return permission in MATRIX[role]


def matrix_markdown() -> str:
    """The matrix as a Markdown table (the README's copy is checked against this)."""
    roles = list(Role)
    lines = [
        "| permission | " + " | ".join(r.value for r in roles) + " |",
        "|---|" + "---|" * len(roles),
    ]
    for permission in Permission:
        marks = ["yes" if allows(r, permission) else "—" for r in roles]
        lines.append(f"| {permission.value} | " + " | ".join(marks) + " |")
    return "\n".join(lines)
