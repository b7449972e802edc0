"""What goes in and out of the webhooks API (never the tables themselves)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.core.pagination import Page
from app.core.schemas import OutputModel
from app.core.types import Timestamp
from app.webhooks.events import EventName
from app.webhooks.targets import MAX_URL_LENGTH, UnsafeTarget, check_shape

DeliveryStatus = Literal["pending", "delivered", "failed"]


class WebhookCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    url: str = Field(
        min_length=1,
        max_length=MAX_URL_LENGTH,
        description="Where deliveries are POSTed: http(s), and a public address.",
        examples=["https://hooks.example.com/inkwell"],
    )
    events: list[EventName] = Field(min_length=1, max_length=8, examples=[["article.published"]])
    description: str = Field(default="", max_length=500, examples=["Purge the CDN on publish"])

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        try:
            check_shape(value)
        except UnsafeTarget as exc:
            raise ValueError(f"url {exc}") from None
        return value

    @field_validator("events")
    @classmethod
    def _distinct(cls, value: list[EventName]) -> list[EventName]:
        return list(dict.fromkeys(value))


class WebhookPublic(OutputModel):
    id: int = Field(examples=[3])
    url: str = Field(examples=["https://hooks.example.com/inkwell"])
    events: list[EventName] = Field(examples=[["article.published", "article.updated"]])
    description: str
    active: bool
    created_at: Timestamp


class WebhookCreated(WebhookPublic):
    secret: str = Field(
        description="The signing secret. Shown only in this answer: store it now.",
        examples=["whsec_9mZc0q3Y5wq0bU8m2a1Q0n7o6tBq0HhXk1mD5c4aYkE"],
    )


class WebhookList(Page[WebhookPublic]):
    """A page of webhooks, oldest first."""


class DeliveryPublic(OutputModel):
    id: int = Field(examples=[118], description="Also sent as `Inkwell-Delivery`.")
    webhook_id: int
    event: EventName
    status: DeliveryStatus
    attempts: int = Field(examples=[2])
    response_status: int | None = Field(
        examples=[200], description="The receiver's last HTTP status."
    )
    last_error: str | None = Field(examples=[None])
    created_at: Timestamp
    delivered_at: Timestamp | None
    next_attempt_at: Timestamp | None = Field(description="When a pending delivery is retried.")
    payload: dict[str, Any] = Field(description="The JSON body that is (or was) sent.")


class DeliveryList(Page[DeliveryPublic]):
    """A page of one webhook's deliveries, newest first."""
