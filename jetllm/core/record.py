"""The base for jetllm's records: frozen, strict about unknown fields, and
serialisable to the JSON documents jetllm prints."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)
