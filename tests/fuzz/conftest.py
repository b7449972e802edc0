"""Glue between Schemathesis' pytest integration and this pytest."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _schemathesis_node_id(request: pytest.FixtureRequest) -> None:
    # Schemathesis 4.32 reads and rewrites `node._nodeid` (for per-operation report names); pytest 9.2
    # keeps the id in `node._id` and no longer has that attribute, so give it one to start from.
    node = request.node
    if not hasattr(node, "_nodeid"):
        node._nodeid = node.nodeid
