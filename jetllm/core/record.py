"""The base for jetllm's records: frozen, strict about unknown fields, and
serialisable to the JSON documents jetllm prints."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from pydantic import ValidationError


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
