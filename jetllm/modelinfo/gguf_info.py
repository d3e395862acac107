"""GGUF metadata for planning and the report, with the `gguf` package's
constants. The header is walked here rather than with gguf.GGUFReader, which
decodes every field into numpy arrays: seconds for a 32k-token vocabulary, and
the vocabulary is of no use to jetllm. Only the header is read (memory-mapped),
never the weights."""

from __future__ import annotations

import mmap
import struct
from pathlib import Path
from typing import Any

from jetllm.core.errors import UsageError
from jetllm.core.record import Record

GGUF_MAGIC = b"GGUF"


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
            fields, parameters = _Header(data).read()
    except (OSError, ValueError, struct.error) as exc:
        raise UsageError(f"{path}: not a readable GGUF file ({exc})") from exc
    arch = _text(fields.get("general.architecture"))

    def of_arch(key: str) -> int | None:
        value = fields.get(f"{arch}.{key}") if arch else None
        return value if isinstance(value, int) else None

    return GgufInfo(
        path=str(path),
        file_size=path.stat().st_size,
        architecture=arch,
        name=_text(fields.get("general.name")),
        context_length=of_arch("context_length"),
        block_count=of_arch("block_count"),
        embedding_length=of_arch("embedding_length"),
        parameters=parameters,
        file_type=_file_type(fields.get("general.file_type")),
    )


class _Header:
    """A cursor over the GGUF header (v2/v3, little-endian): key/value pairs,
    then the tensor index (name, dimensions, type, offset)."""

    def __init__(self, data: Any) -> None:
        from gguf import GGUFValueType

        self.data, self.at = data, 0
        self.kinds = GGUFValueType
        self.scalars = {
            GGUFValueType.UINT8: "<B", GGUFValueType.INT8: "<b", GGUFValueType.UINT16: "<H",
            GGUFValueType.INT16: "<h", GGUFValueType.UINT32: "<I", GGUFValueType.INT32: "<i",
            GGUFValueType.FLOAT32: "<f", GGUFValueType.BOOL: "<?", GGUFValueType.UINT64: "<Q",
            GGUFValueType.INT64: "<q", GGUFValueType.FLOAT64: "<d",
        }

    def _unpack(self, fmt: str) -> Any:
        (value,) = struct.unpack_from(fmt, self.data, self.at)
        self.at += struct.calcsize(fmt)
        return value

    def _string(self) -> str:
        size = self._unpack("<Q")
        raw = self.data[self.at:self.at + size]
        self.at += size
        return bytes(raw).decode("utf-8", errors="replace")

    def _value(self, kind: Any) -> Any:
        if kind == self.kinds.STRING:
            return self._string()
        if kind == self.kinds.ARRAY:
            item, count = self.kinds(self._unpack("<I")), self._unpack("<Q")
            if item in self.scalars:  # skipped whole: nothing jetllm reads is an array
                self.at += struct.calcsize(self.scalars[item]) * count
            else:
                for _ in range(count):
                    self._value(item)
            return None
        return self._unpack(self.scalars[self.kinds(kind)])

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
            fields[key] = self._value(self._unpack("<I"))
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
    from gguf import LlamaFileType

    if not isinstance(code, int):
        return None
    try:
        name = LlamaFileType(code).name
    except ValueError:
        return f"file type {code}"
    return name.removeprefix("MOSTLY_").removeprefix("ALL_")


def _count(n: int) -> str:
    for unit, size in (("B", 10**9), ("M", 10**6), ("K", 10**3)):
        if n >= size:
            return f"{n / size:.1f}{unit}"
    return str(n)
