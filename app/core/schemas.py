"""The base of every model that goes out (answers), so the spec says what every answer carries."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class OutputModel(BaseModel):
    """An answer's shape. Answers serialise every field (a default only fills it, as `null` or
    `[]` at worst), so in the spec's serialisation schemas a field with a default is `required`
    too and generated clients do not type it `T | undefined`.

    Inputs stay plain `BaseModel`s with their own `XCreate`/`XUpdate` classes: a model used both
    ways would be emitted twice (`X-Input`, `X-Output`)."""

    model_config = ConfigDict(json_schema_serialization_defaults_required=True)
