"""The OpenAPI document, encoded the one way the repository commits it."""

from __future__ import annotations

import orjson

from app.core.config import Settings
from app.main import create_app


def openapi_bytes() -> bytes:
    application = create_app(Settings(database_url="sqlite://", background_workers=False))
    return (
        orjson.dumps(application.openapi(), option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS)
        + b"\n"
    )
