"""Rankings from view counts (filled in by the Popular News issue)."""

from __future__ import annotations

from typing import Any

from app.core.errors import Unprocessable


def trending_sort() -> Any:
    """The keyset of `sort=trending`: recent views with time decay (Popular News issue)."""
    raise Unprocessable.on("query.sort", "sort=trending is not available yet")
