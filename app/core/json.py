"""Encoding answers: pydantic's Rust serialiser or orjson, never FastAPI's generic encoder."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel
from starlette.responses import Response

JSON_MEDIA_TYPE = "application/json"


def model_response(
    model: BaseModel,
    *,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
    include: Any = None,
    media_type: str = JSON_MEDIA_TYPE,
) -> Response:
    """Serialise a response model with pydantic-core straight to bytes, as `media_type` (the one
    the spec declares for this representation: see app.core.representations)."""
    body = model.__pydantic_serializer__.to_json(model, include=include, by_alias=True)
    return Response(body, status, headers=dict(headers or {}), media_type=media_type)
