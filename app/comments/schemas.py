"""What goes in and out for comments. Public shapes carry no email, address or hash."""

from __future__ import annotations

from typing import Annotated, Literal

from email_validator import EmailNotValidError, validate_email
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    StrictStr,
    StringConstraints,
)

from app.comments.text import clean_body, clean_line
from app.core.pagination import Links, PageMeta
from app.core.schemas import OutputModel
from app.core.types import Timestamp

CommentStatus = Literal["pending", "approved", "spam", "trash"]
ListOrder = Literal["oldest", "newest"]


def _valid_email(value: str) -> str:
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValueError(str(exc)) from None


AuthorName = Annotated[
    StrictStr, BeforeValidator(clean_line), StringConstraints(min_length=1, max_length=80)
]
AuthorEmail = Annotated[
    StrictStr,
    BeforeValidator(clean_line),
    StringConstraints(min_length=3, max_length=254),
    AfterValidator(_valid_email),
]
# The upper bound of the body is checked by the service: over it is a 413, not a 422.
Body = Annotated[StrictStr, BeforeValidator(clean_body), StringConstraints(min_length=1)]


class CommentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    author_name: AuthorName = Field(examples=["Maya Reader"])
    author_email: AuthorEmail = Field(
        examples=["maya@example.com"], description="Required; stored for the desk, never published."
    )
    body: Body = Field(
        examples=["Good piece.\n\nThe figures are at https://example.com/data."],
        description="Plain text (never HTML), at most `INKWELL_COMMENTS_MAX_BODY_CHARS` characters "
        "(5000 by default; longer is a 413).",
    )
    parent_id: StrictInt | None = Field(
        default=None,
        ge=1,
        le=2**31 - 1,
        description="An approved comment of the same article, to reply to.",
    )
    website: StrictStr | None = Field(
        default=None,
        description="Leave this out or empty. A form should render it hidden from people: only "
        "robots fill it in.",
    )


class CommentBase(OutputModel):
    id: int = Field(examples=[101])
    parent_id: int | None = Field(examples=[None])
    author_name: str = Field(examples=["Maya Reader"])
    body: str = Field(
        description="The text as typed (plain text; escape it if you render it yourself)."
    )
    body_html: str = Field(
        description="The text escaped, in `<p>` paragraphs with `<br>` line breaks; "
        "http(s) URLs are "
        'links with `rel="nofollow ugc noopener"`. Safe to insert as HTML.'
    )
    created_at: Timestamp


class CommentPublic(CommentBase):
    replies: list[CommentPublic] = Field(
        default_factory=list, description="Approved replies, oldest first, nested."
    )


class CommentPosted(CommentBase):
    status: Literal["pending", "approved"] = Field(
        description="`approved`: it is public now; `pending`: it waits for a moderator."
    )


class CommentListMeta(PageMeta):
    total: int | None = Field(
        default=None,
        examples=[42],
        description="Approved comments on the article that readers can see (replies included; the "
        "same number as the article's `comment_count`). Paging is by top-level thread.",
    )
    threads: int | None = Field(
        default=None,
        examples=[17],
        description="Approved top-level threads (page paging only); `total_pages` counts these.",
    )


class CommentList(OutputModel):
    data: list[CommentPublic]
    meta: CommentListMeta
    links: Links


class ArticleRef(OutputModel):
    id: int
    slug: str
    title: str


class ModerationComment(CommentBase):
    article: ArticleRef
    root_id: int | None
    depth: int
    author_email: str
    email_hash: str = Field(description="Keyed hash of the email: the same author across comments.")
    address_hash: str = Field(description="Keyed hash of the client address (never the address).")
    user_agent: str
    status: CommentStatus
    updated_at: Timestamp


class ModerationList(OutputModel):
    data: list[ModerationComment]
    meta: PageMeta
    links: Links


class CommentStatusUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: CommentStatus


class BulkStatusUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ids: list[Annotated[StrictInt, Field(ge=1, le=2**31 - 1)]] = Field(min_length=1, max_length=100)
    status: CommentStatus


class BulkStatusResult(OutputModel):
    status: CommentStatus
    updated: list[int] = Field(
        description="Ids that now have `status` (including those that had it)."
    )
    not_found: list[int] = Field(description="Ids with no comment: nothing was done for them.")
