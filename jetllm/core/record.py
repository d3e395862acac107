"""The base for jetllm's records: frozen, strict about unknown fields, and
serialisable to the JSON documents jetllm prints."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Annotated, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, PlainSerializer

if TYPE_CHECKING:
    from pydantic import ValidationError

K = TypeVar("K")
V = TypeVar("V")

# A mapping in a record that crosses stages: read-only once validated (frozen=True
# stops `record.env = ...`, not `record.env["X"] = ...`), written out as a JSON object.
# A default needs validate_default=True; a model_copy update passes frozen_map(...).
FrozenMap = Annotated[Mapping[K, V], AfterValidator(MappingProxyType), PlainSerializer(dict)]


def frozen_map(values: Mapping[K, V]) -> Mapping[K, V]:
    """A read-only copy of `values` (what a FrozenMap field holds)."""
    return MappingProxyType(dict(values))


class Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


def field_error(error: ValidationError) -> str:
    """The first problem a validation found, in one line: "field 'a.b': message"."""
    first = error.errors()[0]
    location = ".".join(str(part) for part in first.get("loc", ()))
    message = str(first.get("msg", "invalid")).removeprefix("Value error, ")
    if first.get("type") == "extra_forbidden":
        message = "unknown field"
    elif first.get("type") == "missing":
        message = "required field is missing"
    return f"field '{location}': {message}" if location else message
