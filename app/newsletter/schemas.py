"""What goes in and out of the newsletter endpoints."""

from __future__ import annotations

from typing import Annotated, Literal

from email_validator import EmailNotValidError, validate_email
from pydantic import BaseModel, ConfigDict, Field, StrictBool, field_validator

from app.core.pagination import Page
from app.core.schemas import OutputModel
from app.core.types import Timestamp

SubscriberStatus = Literal["pending", "active", "unsubscribed"]
ConsentAction = Literal["signup", "confirm", "unsubscribe", "resubscribe", "erase"]
CategorySlug = Annotated[
    str, Field(min_length=1, max_length=120, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
]
TOKEN_MAX_LENGTH = 1000
TokenText = Annotated[str, Field(min_length=1, max_length=TOKEN_MAX_LENGTH)]


def normalise_email(value: str) -> str:
    """email-validator's normal form (ASCII, IDN domains as punycode), lower-cased whole: one
    row per mailbox however people type it. Non-ASCII local parts are refused: not every SMTP
    relay carries them (SMTPUTF8)."""
    try:
        checked = validate_email(value, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as exc:
        raise ValueError(str(exc)) from None
    return (checked.ascii_email or checked.normalized).lower()


class SubscriptionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(max_length=320, examples=["reader@example.org"])
    name: str | None = Field(default=None, min_length=1, max_length=120, examples=["Ada"])
    consent: StrictBool = Field(
        description="Must be `true`: the reader agreed to the wording shown next to the form.",
        examples=[True],
    )
    categories: list[CategorySlug] = Field(
        default_factory=list, max_length=20, description="Interests, as category slugs."
    )

    @field_validator("email")
    @classmethod
    def _valid_email(cls, value: str) -> str:
        return normalise_email(value)

    @field_validator("consent")
    @classmethod
    def _consent_given(cls, value: bool) -> bool:
        if value is not True:
            raise ValueError("consent must be true to subscribe")
        return value

    @field_validator("name")
    @classmethod
    def _strip_name(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None


class SubscriptionAccepted(OutputModel):
    """The one answer to every signup: it never says whether the address was known."""

    detail: str = Field(
        examples=["If this address can receive email, a message is on its way to it."]
    )


class TokenBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: TokenText


class SubscriptionState(OutputModel):
    status: SubscriberStatus = Field(examples=["active"])


class ConsentEventPublic(OutputModel):
    id: int
    action: ConsentAction = Field(examples=["signup"])
    wording_version: str = Field(examples=["2026-01"])
    address_hash: str | None = Field(
        description="Keyed hash of the client address that caused it (never the address)."
    )
    user_agent: str | None
    created_at: Timestamp


class SubscriberPublic(OutputModel):
    id: int = Field(examples=[17])
    email: str = Field(examples=["reader@example.org"])
    name: str | None = Field(examples=["Ada"])
    status: SubscriberStatus
    categories: list[str] = Field(examples=[["business", "health"]])
    created_at: Timestamp
    confirmed_at: Timestamp | None
    unsubscribed_at: Timestamp | None


class SubscriberDetail(SubscriberPublic):
    consent: list[ConsentEventPublic] = Field(
        description="The consent trail, oldest first (at most the newest 500 events)."
    )


SubscriberList = Page[SubscriberPublic]
