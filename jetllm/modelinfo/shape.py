"""A model's figures that size its memory: weights, and the architecture that
sizes the KV cache (layers, KV heads, head dimension), read from a GGUF header
or a Hugging Face config.json plus safetensors headers.

Safetensors headers are read here without the safetensors package: 8 bytes of
little-endian length, then a JSON index of dtype, shape and data offsets."""

from __future__ import annotations

import json
import struct
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jetllm.core.record import Record
from jetllm.modelinfo.gguf_info import GgufInfo

# Bytes per stored element of each safetensors dtype.
SAFETENSORS_BYTES = {"F64": 8, "I64": 8, "U64": 8, "F32": 4, "I32": 4, "U32": 4, "F16": 2, "BF16": 2,
                     "I16": 2, "U16": 2, "F8_E4M3": 1, "F8_E5M2": 1, "I8": 1, "U8": 1, "BOOL": 1}
HEADER_MAX_BYTES = 100 << 20  # what the safetensors format itself allows a header


class ModelShape(Record):
    source: str  # where the figures come from: "gguf header", "config.json + safetensors headers", ...
    format: str | None = None  # gguf, hf, awq, gptq, fp8, ollama
    dtype: str | None = None  # torch_dtype of a checkpoint, or the GGUF file type (Q4_K_M)
    quant_bits: int | None = None  # AWQ/GPTQ bits
    group_size: int | None = None  # AWQ/GPTQ group size
    parameters: int | None = None
    weight_bytes: int | None = None
    layers: int | None = None
    kv_heads: int | None = None
    head_dim: int | None = None
    hidden: int | None = None
    intermediate: int | None = None
    vocab: int | None = None
    sliding_window: int | None = None
    max_context: int | None = None

    @property
    def sized(self) -> bool:
        """Whether the KV cache can be sized from it."""
        return None not in (self.layers, self.kv_heads, self.head_dim)


def from_gguf(info: GgufInfo) -> ModelShape:
    head_dim = info.key_length
    if head_dim is None and info.embedding_length and info.head_count:
        head_dim = info.embedding_length // info.head_count
    return ModelShape(
        source="gguf header", format="gguf", dtype=info.file_type, parameters=info.parameters or None,
        weight_bytes=info.weight_bytes, layers=info.block_count, kv_heads=info.head_count_kv or info.head_count,
        head_dim=head_dim, hidden=info.embedding_length, intermediate=info.feed_forward_length,
        vocab=info.vocab_size, sliding_window=info.sliding_window, max_context=info.context_length,
    )


def _int(config: Mapping[str, Any], *keys: str) -> int | None:
    for key in keys:
        value = config.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


def _text(config: Mapping[str, Any], *keys: str) -> str | None:
    return next((value for key in keys if isinstance(value := config.get(key), str)), None)


def from_config(config: Mapping[str, Any], *, source: str, weight_bytes: int | None,
                parameters: int | None) -> ModelShape:
    """The figures of a transformers config.json (multimodal ones keep them under text_config)."""
    text = config.get("text_config")
    if isinstance(text, Mapping) and _int(config, "num_hidden_layers") is None:
        config = {**config, **text}
    heads = _int(config, "num_attention_heads", "n_head")
    hidden = _int(config, "hidden_size", "n_embd", "d_model")
    head_dim = _int(config, "head_dim")
    if head_dim is None and hidden and heads:
        head_dim = hidden // heads
    quant = config.get("quantization_config")
    quant = quant if isinstance(quant, Mapping) else {}
    method = quant.get("quant_method")
    bits = _int(quant, "bits", "w_bit")
    return ModelShape(
        source=source, format=method if method in ("awq", "gptq", "fp8") else "hf",
        dtype=_text(config, "torch_dtype", "dtype"),
        quant_bits=bits if method in ("awq", "gptq") else None,
        group_size=_int(quant, "group_size", "q_group_size") if method in ("awq", "gptq") else None,
        parameters=parameters, weight_bytes=weight_bytes,
        layers=_int(config, "num_hidden_layers", "n_layer", "num_layers"),
        kv_heads=_int(config, "num_key_value_heads", "num_kv_heads") or heads,
        head_dim=head_dim, hidden=hidden, intermediate=_int(config, "intermediate_size", "n_inner"),
        vocab=_int(config, "vocab_size"),
        sliding_window=_int(config, "sliding_window") if config.get("use_sliding_window", True) else None,
        max_context=_int(config, "max_position_embeddings", "n_positions", "max_sequence_length"),
    )


def safetensors_header(path: Path) -> dict[str, Any]:
    """The JSON index at the start of a .safetensors file (ValueError if it is not one)."""
    with path.open("rb") as handle:
        raw = handle.read(8)
        if len(raw) != 8:
            raise ValueError("shorter than a safetensors header")
        (size,) = struct.unpack("<Q", raw)
        if size > HEADER_MAX_BYTES:
            raise ValueError(f"a header of {size} bytes is not safetensors")
        header = json.loads(handle.read(size))
    if not isinstance(header, dict):
        raise ValueError("the header is not a JSON object")
    return header


Tensor = tuple[str, str, "list[int]"]  # name, dtype, shape
QUANT_METADATA = ("qzeros", "scales", "g_idx")  # AWQ/GPTQ tensors beside the packed weights


def parameter_count(tensors: list[Tensor], bits: int | None) -> int:
    """Parameters: elements, where AWQ/GPTQ pack 32 // bits of them in each 32-bit integer
    (their zeros, scales and group indices are not parameters)."""
    total = 0
    for name, dtype, shape in tensors:
        if bits and name.endswith(QUANT_METADATA):
            continue
        count = 1
        for dim in shape:
            count *= int(dim)
        total += count * (32 // bits) if bits and dtype in ("I32", "U32") else count
    return total


def tensor_totals(headers: list[Mapping[str, Any]]) -> tuple[int, list[Tensor]]:
    """(bytes, tensors) that the headers index."""
    total, tensors = 0, []
    for header in headers:
        for name, tensor in header.items():
            if name == "__metadata__" or not isinstance(tensor, Mapping):
                continue
            start, end = tensor.get("data_offsets", (0, 0))
            total += int(end) - int(start)
            tensors.append((name, str(tensor.get("dtype")), [int(d) for d in tensor.get("shape", ())]))
    return total, tensors


def quant_bits(config: Mapping[str, Any]) -> int | None:
    quant = config.get("quantization_config")
    if not isinstance(quant, Mapping) or quant.get("quant_method") not in ("awq", "gptq"):
        return None
    return _int(quant, "bits", "w_bit")


def local_folder(path: Path) -> ModelShape:
    """A checkpoint folder: config.json plus its *.safetensors headers (weights are not read)."""
    config = json.loads((path / "config.json").read_text(encoding="utf-8"))
    if not isinstance(config, dict):
        raise ValueError("config.json is not a JSON object")
    files = sorted(path.glob("*.safetensors"))
    weight_bytes, tensors = tensor_totals([safetensors_header(file) for file in files])
    return from_config(config, source="config.json + safetensors headers", weight_bytes=weight_bytes or None,
                       parameters=parameter_count(tensors, quant_bits(config)) or None)
