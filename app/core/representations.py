"""One operation, several representations: each its own media type, each its own schema.

Where an answer's shape depends on who asks (a key that may read drafts) or on the query
(`?fields=`), the operation declares one schema per media type instead of a union that nothing in
an answer tells apart, and the answer's `Content-Type` says which one it is. A client that reads
`application/json` then gets exactly that shape, with no narrowing.

FastAPI documents one model per status, under the route's response class' media type. `content()`
documents the other representations, by `$ref`, for a route's `responses=`; `add_schemas()` (the
app's `openapi()`) emits the component schemas those refs name, made by the same pydantic generator
FastAPI uses, and refuses to emit one that would differ from a component FastAPI made.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from fastapi.encoders import jsonable_encoder
from fastapi.openapi.constants import REF_TEMPLATE
from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema

_declared: dict[str, type[BaseModel]] = {}  # component name -> model, for the refs content() wrote


def content(representations: Mapping[str, type[BaseModel]]) -> dict[str, dict[str, Any]]:
    """The OpenAPI `content` map `{media type: {"schema": {"$ref": ...}}}` of one response."""
    entries: dict[str, dict[str, Any]] = {}
    for media_type, model in representations.items():
        known = _declared.setdefault(model.__name__, model)
        if known is not model:
            raise ValueError(f"two answer models are called {model.__name__}")
        entries[media_type] = {"schema": {"$ref": REF_TEMPLATE.format(model=model.__name__)}}
    return entries


def add_schemas(spec: dict[str, Any]) -> None:
    """Add to `spec` the component schemas of the models `content()` referred to."""
    schemas: dict[str, Any] = spec.setdefault("components", {}).setdefault("schemas", {})
    prefix = REF_TEMPLATE.format(model="")
    missing = sorted({ref.removeprefix(prefix) for ref in _refs(spec)} - set(schemas))
    unknown = [name for name in missing if name not in _declared]
    if unknown:
        raise LookupError(f"the spec refers to undeclared schemas: {', '.join(unknown)}")
    if not missing:
        return
    models = [_declared[name] for name in missing]
    generator = GenerateJsonSchema(ref_template=REF_TEMPLATE)
    refs, definitions = generator.generate_definitions(
        [(model, "serialization", model.__pydantic_core_schema__) for model in models]
    )
    for model in models:
        if refs[(model, "serialization")] != {"$ref": REF_TEMPLATE.format(model=model.__name__)}:
            raise ValueError(f"{model.__name__} is not its own component name in the spec")
    for name, made in definitions.items():
        # As FastAPI finishes its own: a form feed ends a description, and no key is null.
        definition = jsonable_encoder(made, exclude_none=True)
        if "description" in definition:
            definition["description"] = definition["description"].split("\f")[0]
        if name in schemas and schemas[name] != definition:
            raise ValueError(f"component {name} would have two different schemas")
        schemas.setdefault(name, definition)


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)
