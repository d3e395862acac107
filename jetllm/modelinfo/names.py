"""What a --model names, read from how users write it:

- a local file or folder (it exists here);
- a Hugging Face repo "ORG/REPO", or a GGUF in one, "ORG/REPO:QUANT"
  (llama-server takes that as --hf-repo, Ollama as hf.co/ORG/REPO:QUANT);
- an Ollama model: a library tag without '/' ("llama3.2:3b"), or
  "hf.co/ORG/REPO[:QUANT]", Ollama's name for the Hub;
- anything else is a bare name ("llama3", "gpt2"): either of the last two.

A value that looks like a path (/..., ./..., ../..., ~..., *.gguf) is meant as
one, so a mistyped path is bad usage, not a hub id to look up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

_HUB = re.compile(r"^(?P<repo>[\w.-]+/[\w.-]+)(?::(?P<quant>[\w.-]+))?$")
OLLAMA_HUB_PREFIXES = ("hf.co/", "huggingface.co/")


@dataclass(frozen=True, slots=True)
class ModelName:
    text: str  # as given
    kind: Literal["local", "hub", "ollama", "name"]
    repo: str | None = None  # ORG/REPO of a hub model
    quant: str | None = None  # the GGUF quantization after ':' (Q4_K_M)

    @property
    def gguf_on_hub(self) -> bool:
        return self.kind == "hub" and self.quant is not None

    @property
    def for_ollama(self) -> str:
        """The name Ollama pulls it by (a GGUF on the Hub is hf.co/ORG/REPO:QUANT)."""
        return f"hf.co/{self.repo}:{self.quant}" if self.gguf_on_hub else self.text


def looks_like_path(text: str) -> bool:
    return text.startswith(("/", "./", "../", "~")) or text.lower().endswith(".gguf")


def exists(text: str) -> bool:
    try:
        return Path(text).expanduser().exists()
    except (OSError, RuntimeError, ValueError):  # too long a name, a NUL, ~user unknown
        return False


def parse(text: str) -> ModelName:
    if exists(text):
        return ModelName(text, "local")
    if text.startswith(OLLAMA_HUB_PREFIXES) or ("/" not in text and ":" in text):
        return ModelName(text, "ollama")
    hub = _HUB.match(text)
    if hub:
        return ModelName(text, "hub", repo=hub["repo"], quant=hub["quant"])
    return ModelName(text, "name")
