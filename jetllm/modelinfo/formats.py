"""Which format a --model is in, from its files or its name, so that a bring-up
leaves out the backends that cannot load it instead of starting them to find out.

The answer is one of the profile formats (gguf, hf, awq, gptq, fp8, ollama),
or None when the name does not say (then nothing is left out):
- a local .gguf file, or a folder holding one: gguf; a folder with a
  config.json: its quantization_config.quant_method (awq, gptq, fp8), else hf;
- an Ollama model ("qwen2.5:0.5b", "hf.co/org/repo:Q4_K_M"): a library tag
  has a ':' and no '/', and hf.co/ is how Ollama names the Hub;
- a GGUF on the Hub "org/repo:Q4_K_M": gguf, which Ollama loads too (as
  hf.co/org/repo:Q4_K_M);
- a hub id "org/name": the quantization its name carries, as repos are named
  ("...-GGUF", "...-AWQ", "...-GPTQ-Int4", "...-FP8"), else hf.
A bare name ("llama3", "gpt2") could be either an Ollama model or an old hub id.
How a name is read is jetllm/modelinfo/names.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from jetllm.modelinfo.names import parse

# How each format is named to a user ("llama.cpp loads GGUF models, and X is AWQ").
FORMAT_NAMES = {"hf": "Hugging Face (safetensors)", "awq": "AWQ", "gptq": "GPTQ", "fp8": "FP8",
                "gguf": "GGUF", "ollama": "Ollama", "trt_engine": "TensorRT engine"}
# Words in a hub repo's name that say how its weights are stored.
NAME_WORDS = {"gguf": "gguf", "awq": "awq", "gptq": "gptq", "fp8": "fp8"}


def model_format(model: str | None) -> str | None:
    if not model:
        return None
    name = parse(model)
    if name.kind == "local":
        path = Path(model).expanduser()
        if path.is_dir():
            return _folder_format(path)
        return "gguf" if path.suffix.lower() == ".gguf" else None
    if name.kind == "ollama":
        return "ollama"
    if name.kind == "hub" and name.repo is not None:
        if name.quant is not None:
            return "gguf"
        words = re.split(r"[-_.]", name.repo.split("/", 1)[1].lower())
        return next((NAME_WORDS[w] for w in words if w in NAME_WORDS), "hf")
    return None


def _folder_format(path: Path) -> str | None:
    if next(path.glob("*.gguf"), None) is not None:
        return "gguf"
    config = path / "config.json"
    if not config.is_file():
        return None
    try:
        method = json.loads(config.read_text()).get("quantization_config", {}).get("quant_method")
    except (OSError, ValueError, AttributeError):
        return "hf"
    return method if method in ("awq", "gptq", "fp8") else "hf"


def format_mismatch(formats: list[str], model: str | None) -> str | None:
    """Why a backend loading `formats` cannot load `model`; None when it can or the name does not say."""
    given = model_format(model)
    if given is None or given in formats:
        return None
    if "ollama" in formats and model is not None and parse(model).gguf_on_hub:
        return None
    takes = " or ".join(FORMAT_NAMES.get(f, f) for f in formats)
    return f"it loads {takes} models, not {FORMAT_NAMES[given]} ({model})"
