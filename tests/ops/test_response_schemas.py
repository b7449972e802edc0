"""Every answer's schema says what every answer carries: a property is optional only where an answer
may really lack it, so generated clients need no `T | undefined` for fields that are always there."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson

from app.openapi_document import openapi_bytes

REF = "#/components/schemas/"
# The only properties an answer may leave out, and why.
MAY_BE_ABSENT: dict[str, set[str] | str] = {
    # `?fields=` items carry only the fields asked for.
    "ArticleSummaryFields": "every property",
    "ArticleDeskSummaryFields": "every property",
    # A problem has `errors` only when there are field errors (API.md: `"errors": [...]?`).
    "Problem": {"errors"},
}


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value.removeprefix(REF)
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def _objects(node: Any, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every schema with `properties` inside `node` (inline ones too), with where it is."""
    if isinstance(node, dict):
        if "properties" in node:
            yield where, node
        for key, value in node.items():
            yield from _objects(value, f"{where}.{key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _objects(item, f"{where}[{index}]")


def answer_schemas(spec: dict[str, Any]) -> dict[str, Any]:
    """The component schemas that some response's body refers to, directly or through others."""
    schemas = spec["components"]["schemas"]
    responses = [
        response
        for operations in spec["paths"].values()
        for operation in operations.values()
        for response in operation["responses"].values()
    ]
    pending = list(_refs(responses))
    reached: dict[str, Any] = {}
    while pending:
        name = pending.pop()
        if name not in reached:
            reached[name] = schemas[name]
            pending.extend(_refs(schemas[name]))
    return reached


def test_every_property_an_answer_always_carries_is_required():
    spec = orjson.loads(openapi_bytes())
    reached = answer_schemas(spec)
    assert {"ArticleList", "ArticleEditorial", "HeroImage", "CommentPublic", "PageMeta"} <= set(
        reached
    )
    optional: dict[str, set[str] | str] = {}
    for name, schema in reached.items():
        for where, found in _objects(schema, name):
            absent = set(found["properties"]) - set(found.get("required", []))
            if absent == set(found["properties"]) and "required" not in found:
                optional[where] = "every property"
            elif absent:
                optional[where] = absent
    assert optional == MAY_BE_ABSENT


def test_always_present_fields_with_defaults_are_required_and_keep_their_type():
    schemas = orjson.loads(openapi_bytes())["components"]["schemas"]
    for name, fields in {
        "HeroImage": ["url", "alt", "caption", "credit"],
        "Breadcrumb": ["type", "name", "slug"],
        "PageMeta": ["page", "per_page", "total", "total_pages", "next_cursor"],
        "Links": ["self", "next", "prev"],
    }.items():
        assert schemas[name]["required"] == fields, name
    assert "replies" in schemas["CommentPublic"]["required"]
    assert schemas["HeroImage"]["properties"]["alt"]["anyOf"] == [
        {"type": "string"},
        {"type": "null"},
    ]


def test_no_model_is_split_into_input_and_output_schemas():
    names = orjson.loads(openapi_bytes())["components"]["schemas"]
    assert [n for n in names if n.endswith(("-Input", "-Output"))] == []
