"""`jetllm model inspect`: a model's figures, from wherever its name points."""

from __future__ import annotations

import json
import struct
from pathlib import Path

from jetllm.core.errors import UsageError
from jetllm.core.record import Record
from jetllm.modelinfo.estimate import kv_bytes_per_token
from jetllm.modelinfo.gguf_info import gguf_info, local_gguf
from jetllm.modelinfo.names import looks_like_path, parse
from jetllm.modelinfo.ollama_tags import tag_shape
from jetllm.modelinfo.shape import ModelShape, from_gguf, local_folder

KV_DTYPES = ("f16", "fp8")


class ModelReport(Record):
    model: str
    kind: str  # "local folder", "GGUF file", "Hub repo", "GGUF in a Hub repo", "Ollama tag"
    shape: ModelShape | None = None  # None: nothing is known beyond the name
    kv_bytes_per_token: dict[str, int] = {}
    note: str | None = None


def inspect_model(model: str) -> ModelReport:
    name = parse(model)
    if name.kind == "local":
        return _local(model)
    if looks_like_path(model):
        raise UsageError(f"MODEL: {model} does not exist (a path must name a GGUF file or a checkpoint folder)")
    if name.kind == "hub" and name.repo is not None:
        from jetllm.modelinfo.hub import hub_shape

        kind = "GGUF in a Hub repo" if name.quant else "Hub repo"
        return _report(model, kind, hub_shape(name.repo, name.quant))
    if name.kind == "ollama" and model.startswith(("hf.co/", "huggingface.co/")):
        repo, _, quant = model.split("/", 1)[1].partition(":")
        from jetllm.modelinfo.hub import hub_shape

        return _report(model, "GGUF in a Hub repo (Ollama's name)", hub_shape(repo, quant or "Q4_K_M"))
    known = tag_shape(model)
    if known is not None:
        shape, upstream = known
        return _report(model, "Ollama tag", shape, note=f"figures of the tag as listed, architecture of {upstream}; "
                                                       "the blob itself is not read")
    return ModelReport(model=model, kind="Ollama tag" if name.kind == "ollama" else "name",
                       note="not a tag jetllm has figures for: only its name is known (pull it to learn more)")


def _report(model: str, kind: str, shape: ModelShape, note: str | None = None) -> ModelReport:
    per_token = {dtype: value for dtype in KV_DTYPES if (value := kv_bytes_per_token(shape, dtype)) is not None}
    return ModelReport(model=model, kind=kind, shape=shape, kv_bytes_per_token=per_token, note=note)


def _local(model: str) -> ModelReport:
    path = Path(model).expanduser()
    if path.is_file():
        if local_gguf(model) is None:
            raise UsageError(f"MODEL: {model} is not a GGUF file (no GGUF magic at its start)")
        return _report(model, "GGUF file", from_gguf(gguf_info(path)))
    gguf = sorted(path.glob("*.gguf"))
    if gguf:
        return _report(model, "local folder (GGUF)", from_gguf(gguf_info(gguf[0])), note=f"read {gguf[0].name}")
    if not (path / "config.json").is_file():
        raise UsageError(f"MODEL: {model} holds neither a config.json nor a .gguf file")
    try:
        return _report(model, "local folder", local_folder(path))
    except (OSError, ValueError, struct.error) as exc:
        detail = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
        raise UsageError(f"MODEL: {model}: cannot read its config.json or safetensors headers ({detail})") from None
