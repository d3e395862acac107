"""GGUF metadata for planning and the report. The header is walked here rather
than with gguf.GGUFReader, which decodes every field into numpy arrays: seconds
for a 32k-token vocabulary, and the vocabulary is of no use to jetllm. Only the
header is read (memory-mapped), never the weights. The two tables it needs are
fixed by the GGUF spec and llama.h, and kept here (tests/unit/test_gguf.py checks
them against the gguf package), so that reading a header does not need numpy."""

from __future__ import annotations

import mmap
import struct
from pathlib import Path
from typing import Any

from jetllm.core.errors import UsageError
from jetllm.core.record import Record

GGUF_MAGIC = b"GGUF"
_TOKENS_COUNT = "tokenizer.ggml.tokens#count"  # arrays are skipped; their length is kept under this key

# The value types of a key/value pair (gguf's GGUFValueType): name -> code.
VALUE_TYPES = {
    "UINT8": 0, "INT8": 1, "UINT16": 2, "INT16": 3, "UINT32": 4, "INT32": 5, "FLOAT32": 6,
    "BOOL": 7, "STRING": 8, "ARRAY": 9, "UINT64": 10, "INT64": 11, "FLOAT64": 12,
}
_STRING, _ARRAY = VALUE_TYPES["STRING"], VALUE_TYPES["ARRAY"]
_SCALARS = {  # code -> struct format (little-endian)
    VALUE_TYPES[name]: fmt for name, fmt in (
        ("UINT8", "<B"), ("INT8", "<b"), ("UINT16", "<H"), ("INT16", "<h"), ("UINT32", "<I"), ("INT32", "<i"),
        ("FLOAT32", "<f"), ("BOOL", "<?"), ("UINT64", "<Q"), ("INT64", "<q"), ("FLOAT64", "<d"),
    )
}
# general.file_type (llama.h's llama_ftype; gguf's LlamaFileType): name -> code.
FILE_TYPES = {
    "ALL_F32": 0, "MOSTLY_F16": 1, "MOSTLY_Q4_0": 2, "MOSTLY_Q4_1": 3, "MOSTLY_Q8_0": 7, "MOSTLY_Q5_0": 8,
    "MOSTLY_Q5_1": 9, "MOSTLY_Q2_K": 10, "MOSTLY_Q3_K_S": 11, "MOSTLY_Q3_K_M": 12, "MOSTLY_Q3_K_L": 13,
    "MOSTLY_Q4_K_S": 14, "MOSTLY_Q4_K_M": 15, "MOSTLY_Q5_K_S": 16, "MOSTLY_Q5_K_M": 17, "MOSTLY_Q6_K": 18,
    "MOSTLY_IQ2_XXS": 19, "MOSTLY_IQ2_XS": 20, "MOSTLY_Q2_K_S": 21, "MOSTLY_IQ3_XS": 22, "MOSTLY_IQ3_XXS": 23,
    "MOSTLY_IQ1_S": 24, "MOSTLY_IQ4_NL": 25, "MOSTLY_IQ3_S": 26, "MOSTLY_IQ3_M": 27, "MOSTLY_IQ2_S": 28,
    "MOSTLY_IQ2_M": 29, "MOSTLY_IQ4_XS": 30, "MOSTLY_IQ1_M": 31, "MOSTLY_BF16": 32, "MOSTLY_TQ1_0": 36,
    "MOSTLY_TQ2_0": 37, "MOSTLY_MXFP4_MOE": 38, "MOSTLY_NVFP4": 39, "MOSTLY_Q1_0": 40, "GUESSED": 1024,
}
_FILE_TYPE_NAMES = {code: name for name, code in FILE_TYPES.items()}


class GgufInfo(Record):
    path: str
    file_size: int
    architecture: str | None = None
    name: str | None = None
    context_length: int | None = None  # the trained context: larger ones are not worth searching
    block_count: int | None = None
    embedding_length: int | None = None
    parameters: int = 0
    file_type: str | None = None  # as llama.cpp names it: Q4_K_M, F16, ...
    # What sizes the KV cache and the compute buffers (additive):
    head_count: int | None = None
    head_count_kv: int | None = None
    key_length: int | None = None  # per head; embedding_length / head_count when absent
    value_length: int | None = None
    feed_forward_length: int | None = None
    sliding_window: int | None = None
    vocab_size: int | None = None  # entries in tokenizer.ggml.tokens
    weight_bytes: int | None = None  # the tensor data: the file past its header

    def describe(self) -> str:
        parts = [self.architecture or "unknown architecture"]
        if self.context_length:
            parts.append(f"trained context {self.context_length}")
        if self.parameters:
            parts.append(f"{_count(self.parameters)} parameters")
        if self.file_type:
            parts.append(self.file_type)
        parts.append(f"{self.file_size / (1 << 20):.1f} MiB")
        return ", ".join(parts)


def local_gguf(model: str | None) -> Path | None:
    """The model as a local GGUF file, when it is one (an HF id or Ollama tag is not)."""
    if not model:
        return None
    path = Path(model).expanduser()
    try:
        with path.open("rb") as handle:
            return path if handle.read(4) == GGUF_MAGIC else None
    except OSError:
        return None


def gguf_info(path: str | Path) -> GgufInfo:
    """What the file's header says; UsageError (one line) for a file that is not GGUF."""
    path = Path(path)
    try:
        with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            return header_info(data, file_size=path.stat().st_size, name=str(path))
    except (OSError, ValueError, struct.error) as exc:
        raise UsageError(f"{path}: not a readable GGUF file ({exc})") from exc


def header_info(data: Any, *, file_size: int, name: str) -> GgufInfo:
    """The header in `data` (the file, or its first bytes: struct.error when they end too soon)."""
    header = _Header(data)
    fields, parameters = header.read()
    alignment = fields.get("general.alignment")
    alignment = alignment if isinstance(alignment, int) and alignment > 0 else 32
    if header.at > len(data):
        raise struct.error("the header runs past the bytes read")
    data_start = -(-header.at // alignment) * alignment
    arch = _text(fields.get("general.architecture"))

    def of_arch(key: str) -> int | None:
        value = fields.get(f"{arch}.{key}") if arch else None
        return value if isinstance(value, int) else None

    tokens = fields.get(_TOKENS_COUNT)
    return GgufInfo(
        path=name,
        file_size=file_size,
        architecture=arch,
        name=_text(fields.get("general.name")),
        context_length=of_arch("context_length"),
        block_count=of_arch("block_count"),
        embedding_length=of_arch("embedding_length"),
        parameters=parameters,
        file_type=_file_type(fields.get("general.file_type")),
        head_count=of_arch("attention.head_count"),
        head_count_kv=of_arch("attention.head_count_kv"),
        key_length=of_arch("attention.key_length"),
        value_length=of_arch("attention.value_length"),
        feed_forward_length=of_arch("feed_forward_length"),
        sliding_window=of_arch("attention.sliding_window"),
        vocab_size=tokens if isinstance(tokens, int) else None,
        weight_bytes=max(file_size - data_start, 0),
    )


class _Header:
    """A cursor over the GGUF header (v2/v3, little-endian): key/value pairs,
    then the tensor index (name, dimensions, type, offset)."""

    def __init__(self, data: Any) -> None:
        self.data, self.at = data, 0

    def _unpack(self, fmt: str) -> Any:
        (value,) = struct.unpack_from(fmt, self.data, self.at)
        self.at += struct.calcsize(fmt)
        return value

    def _string(self) -> str:
        size = self._unpack("<Q")
        raw = self.data[self.at:self.at + size]
        self.at += size
        return bytes(raw).decode("utf-8", errors="replace")

    def _value(self, kind: int) -> Any:
        if kind == _STRING:
            return self._string()
        if kind == _ARRAY:
            item, count = self._unpack("<I"), self._unpack("<Q")
            if item in _SCALARS:  # skipped whole: nothing jetllm reads is an array
                self.at += struct.calcsize(_SCALARS[item]) * count
            elif item in (_STRING, _ARRAY):
                for _ in range(count):
                    self._value(item)
            else:
                raise ValueError(f"unknown value type {item}")
            return None
        if kind not in _SCALARS:
            raise ValueError(f"unknown value type {kind}")
        return self._unpack(_SCALARS[kind])

    def read(self) -> tuple[dict[str, Any], int]:
        if bytes(self.data[:4]) != GGUF_MAGIC:
            raise ValueError("no GGUF magic at the start")
        self.at = 4
        version, tensors, pairs = self._unpack("<I"), self._unpack("<Q"), self._unpack("<Q")
        if version < 2:
            raise ValueError(f"GGUF version {version} is older than this reader knows")
        fields: dict[str, Any] = {}
        for _ in range(pairs):
            key = self._string()
            kind = self._unpack("<I")
            if kind == _ARRAY:
                fields[f"{key}#count"] = struct.unpack_from("<Q", self.data, self.at + 4)[0]
            fields[key] = self._value(kind)
        parameters = 0
        for _ in range(tensors):
            self._string()
            dims = [self._unpack("<Q") for _ in range(self._unpack("<I"))]
            self.at += 4 + 8  # type, offset
            size = 1
            for dim in dims:
                size *= dim
            parameters += size
        return fields, parameters


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _file_type(code: Any) -> str | None:
    if not isinstance(code, int):
        return None
    name = _FILE_TYPE_NAMES.get(code)
    if name is None:
        return f"file type {code}"
    return name.removeprefix("MOSTLY_").removeprefix("ALL_")


def _count(n: int) -> str:
    for unit, size in (("B", 10**9), ("M", 10**6), ("K", 10**3)):
        if n >= size:
            return f"{n / size:.1f}{unit}"
    return str(n)
