"""The Ollama tags jetllm knows the figures of (ollama_tags.yaml): loaded once."""

from __future__ import annotations

import functools
from pathlib import Path

from pydantic import Field

from jetllm.core.datafile import load_yaml
from jetllm.core.record import Record
from jetllm.modelinfo.shape import ModelShape

TAGS_FILE = Path(__file__).with_name("ollama_tags.yaml")


class KnownTag(Record):
    aliases: list[str] = Field(default_factory=list)
    upstream: str
    quant: str
    size_bytes: float  # rounded, as the library page lists it
    parameters: float
    layers: int
    kv_heads: int
    head_dim: int
    hidden: int
    intermediate: int
    vocab: int
    max_context: int


class TagsFile(Record):
    tags: dict[str, KnownTag]


@functools.lru_cache(maxsize=1)
def known_tags() -> dict[str, KnownTag]:
    tags = load_yaml(TAGS_FILE, TagsFile, shipped=True).tags
    return {**{alias: tag for tag in tags.values() for alias in tag.aliases}, **tags}


def tag_shape(tag: str) -> tuple[ModelShape, str] | None:
    """The figures of a known tag and the upstream repo they come from; None for an unknown tag."""
    known = known_tags().get(tag.removeprefix("library/"))
    if known is None:
        return None
    shape = ModelShape(
        source=f"Ollama library listing + {known.upstream} config.json (table shipped with jetllm)",
        format="ollama", dtype=known.quant, parameters=int(known.parameters), weight_bytes=int(known.size_bytes),
        layers=known.layers, kv_heads=known.kv_heads, head_dim=known.head_dim, hidden=known.hidden,
        intermediate=known.intermediate, vocab=known.vocab, max_context=known.max_context,
    )
    return shape, known.upstream
