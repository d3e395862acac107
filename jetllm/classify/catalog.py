"""Load and check the classifier's data: classes.yaml and signatures/*.yaml.

The files' shapes are the records below; a bad file is one line naming the
file, the entry and the field, so a signature author sees exactly what to fix
(jetllm ships these files: a bad one is jetllm's own bug, ShippedFileError).
The catalog is loaded once per process (lru_cache); `load_catalog(root)` loads
another directory (tests).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pydantic import Field, RootModel, ValidationError, field_validator, model_validator

from jetllm.core.datafile import problem, read_yaml, validate
from jetllm.core.diagnosis import FailureClass, RetrySmaller
from jetllm.core.record import Record, field_error

DATA_DIR = Path(__file__).resolve().parent
MIN_KEYWORD = 4  # shorter literals would send too many lines to the regexes
# The backends a log may come from (what writes it), each with the other names
# `classify --backend` takes for it. A signature names some of them, or "any".
BACKEND_ALIASES: dict[str, tuple[str, ...]] = {
    "vllm": (), "ollama": (), "llama.cpp": ("llamacpp", "llama-cpp", "llama-server"),
    "tensorrt-llm": ("trtllm", "trt-llm"), "sglang": (), "pytorch": ("torch",), "docker": (),
    "nvidia-container-toolkit": (), "huggingface-hub": ("hf",), "mlc-llm": ("mlc",),
}  # fmt: skip
BACKENDS = frozenset({*BACKEND_ALIASES, "any"})


def backend_name(value: str) -> str | None:
    """The backend a name or one of its aliases means (any case); None for none."""
    low = value.lower()
    return next((name for name, aliases in BACKEND_ALIASES.items() if low == name or low in aliases), None)


@dataclass(frozen=True, slots=True)
class Fix:
    x86: str
    jetson: str

    def text(self, jetson: bool) -> str:
        return self.jetson if jetson else self.x86


@dataclass(frozen=True, slots=True)
class ClassInfo:
    cause: str
    fix: Fix
    retry_smaller: RetrySmaller


@dataclass(frozen=True, slots=True)
class Signature:
    id: str
    failure_class: FailureClass
    strength: int
    backends: frozenset[str]
    patterns: tuple[re.Pattern[str], ...]
    keywords: tuple[bytes, ...]  # lower-case literals; a line holding none cannot match
    file: str  # the signatures/*.yaml file it came from
    source: str | None = None  # where the wording comes from: program, file and version
    jetson_class: FailureClass | None = None
    retry_smaller: RetrySmaller | None = None
    cause: str | None = None
    fix: Fix | None = None

    def class_for(self, jetson: bool) -> FailureClass:
        return self.jetson_class if jetson and self.jetson_class else self.failure_class


@dataclass(frozen=True, slots=True)
class Catalog:
    classes: dict[FailureClass, ClassInfo]
    signatures: tuple[Signature, ...]
    by_keyword: dict[bytes, tuple[Signature, ...]] = field(default_factory=dict)
    anchors: dict[bytes, tuple[bytes, ...]] = field(default_factory=dict)  # anchor -> keywords


# Each block is searched once per anchor, so fewer anchors mean a faster scan.
# A keyword holding one of these words is found through it; any other keyword
# is its own anchor. Order matters: the first word a keyword holds is used.
# Words common in healthy logs (gpu, memory, engine, kv cache) make poor anchors.
ANCHOR_WORDS: tuple[bytes, ...] = tuple(
    w.encode()
    for w in (
        "error", "fail", "kill", "denied", "unable", "cannot", "could", "invalid", "unknown",
        "assert", "out of memory", "no space", "insufficient", "too old", "mismatch",
        "undefined", "panic", "traceback", "exceed", "not found", "compatible", "timed out",
        "no available", "larger than", "not enough", "manifest", "already", "does not",
        "requir", "timeout", "enospc", "eaddrinuse", "sigsegv",
        "segmentation", "dumped", "terminat", "uvicorn", "listening", "glibc", "cublas",
        "quantization", "gated", "offline",
        "unsatisfied", "kernel image", "capability",
    )
)  # fmt: skip


def _anchors(keywords: Iterable[bytes]) -> dict[bytes, tuple[bytes, ...]]:
    grouped: dict[bytes, list[bytes]] = {}
    for keyword in keywords:
        anchor = next((w for w in ANCHOR_WORDS if w in keyword), keyword)
        grouped.setdefault(anchor, []).append(keyword)
    return {anchor: tuple(kws) for anchor, kws in grouped.items()}


def required_literal(pattern: str) -> str | None:
    """The longest run of plain characters every match must contain, if any.

    A small scan of the pattern's top level, conservative: a group, a class,
    a quantified character or an escape it does not know ends a run, and a
    top-level `|` or verbose mode gives no literal at all (the full regex
    still decides; the signature then needs `keywords:`).
    """
    try:
        if re.compile(pattern).flags & re.VERBOSE:
            return None
    except re.error:
        return None
    runs: list[str] = []
    run: list[str] = []
    i = 0
    while i < len(pattern):
        char, i = pattern[i], i + 1
        literal: str | None = None
        if char == "\\":
            escaped, i = pattern[i], i + 1
            if not escaped.isascii() or not escaped.isalnum():
                literal = escaped
            elif escaped in _CONTROL_ESCAPES:
                literal = _CONTROL_ESCAPES[escaped]
            elif escaped not in "dDsSwWbBAZ":  # \x41, \u00e9, \N{...}, \1: not worth decoding
                return None
        elif char == "|":
            return None
        elif char in "([":
            i = _skip_group(pattern, i) if char == "(" else _skip_class(pattern, i)
        elif char in "*?+" or (char == "{" and _QUANTIFIER.match(pattern, i - 1)):
            if run:
                run.pop()  # the character before a quantifier may be absent or repeated
            if char == "{":
                i = pattern.index("}", i) + 1
            i += pattern[i : i + 1] in ("?", "+")  # lazy or possessive
        elif char not in ".^${":
            literal = char
        if literal is None:
            runs.append("".join(run))
            run = []
        else:
            run.append(literal)
    runs.append("".join(run))
    best = max(runs, key=len).strip()
    return best if len(best) >= MIN_KEYWORD else None


_CONTROL_ESCAPES = {"a": "\a", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
_QUANTIFIER = re.compile(r"\{\d*(?:,\d*)?\}")


def _skip_class(pattern: str, i: int) -> int:
    """The index just past the character class whose `[` is before i."""
    i += pattern.startswith("^", i)
    i += pattern.startswith("]", i)  # a `]` first in a class is a literal
    while i < len(pattern) and pattern[i] != "]":
        i += 2 if pattern[i] == "\\" else 1
    return i + 1


def _skip_group(pattern: str, i: int) -> int:
    """The index just past the group whose `(` is before i."""
    depth = 1
    while i < len(pattern) and depth:
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            i = _skip_class(pattern, i + 1)
            continue
        depth += {"(": 1, ")": -1}.get(char, 0)
        i += 1
    return i


class FixSpec(Record):
    x86: str
    jetson: str | None = None  # where it differs on Jetson


def _fix(value: str | FixSpec) -> Fix:
    if isinstance(value, str):
        return Fix(value.strip(), value.strip())
    return Fix(value.x86.strip(), (value.jetson or value.x86).strip())


class ClassSpec(Record):
    """One entry of classes.yaml: a class's default texts."""

    cause: str
    fix: str | FixSpec
    retry_smaller: RetrySmaller


class ClassesFile(RootModel[dict[FailureClass, ClassSpec]]):
    @model_validator(mode="after")
    def _every_class(self) -> ClassesFile:
        missing = set(FailureClass) - set(self.root)
        if missing:
            raise ValueError(f"no entry for {sorted(m.value for m in missing)}")
        return self


class SignatureSpec(Record):
    """One entry of a signatures/*.yaml file (documented in signatures/README.md)."""

    id: str
    failure_class: FailureClass = Field(alias="class")
    strength: int = Field(ge=1, le=100)
    backends: list[str] = Field(min_length=1)
    patterns: list[str] = Field(min_length=1)
    keywords: list[str] | None = None
    ignore_case: bool = False  # where the source's own spelling varies (NVML/nvml)
    jetson_class: FailureClass | None = None
    retry_smaller: RetrySmaller | None = None
    cause: str | None = None
    fix: str | FixSpec | None = None
    source: str = Field(min_length=1)  # where the wording comes from: repo, file and version (or release)

    @field_validator("backends")
    @classmethod
    def _known_backends(cls, backends: list[str]) -> list[str]:
        if set(backends) - BACKENDS:
            raise ValueError(f"must be drawn from {sorted(BACKENDS)}")
        return backends

    @field_validator("patterns")
    @classmethod
    def _compiled(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"{pattern!r}: {exc}") from None
        return patterns

    @model_validator(mode="after")
    def _findable(self) -> SignatureSpec:
        if self.keywords is None and any(required_literal(p) is None for p in self.patterns):
            raise ValueError(f"patterns: each needs a literal of {MIN_KEYWORD}+ characters, or give keywords")
        if any(len(k) < MIN_KEYWORD for k in self.keywords or ()):
            raise ValueError(f"keywords: each keyword needs {MIN_KEYWORD}+ characters")
        return self

    def signature(self, file: str) -> Signature:
        found = [required_literal(p) for p in self.patterns]
        keywords = self.keywords if self.keywords is not None else [k for k in found if k]
        return Signature(
            id=self.id,
            failure_class=self.failure_class,
            strength=self.strength,
            backends=frozenset(self.backends),
            patterns=tuple(re.compile(p, re.IGNORECASE if self.ignore_case else 0) for p in self.patterns),
            keywords=tuple(sorted({k.lower().encode() for k in keywords})),
            file=file,
            source=self.source.strip(),
            jetson_class=self.jetson_class,
            retry_smaller=self.retry_smaller,
            cause=self.cause.strip() if self.cause is not None else None,
            fix=_fix(self.fix) if self.fix is not None else None,
        )


def _classes(path: Path) -> dict[FailureClass, ClassInfo]:
    data = validate(ClassesFile, read_yaml(path, shipped=True), path, shipped=True)
    return {cls: ClassInfo(entry.cause.strip(), _fix(entry.fix), entry.retry_smaller)
            for cls, entry in data.root.items()}


def _signatures(path: Path) -> list[Signature]:
    data = read_yaml(path, shipped=True)
    if not isinstance(data, list):
        raise problem(path, "must be a list of signatures", shipped=True)
    found = []
    for index, entry in enumerate(data, 1):
        where = str(entry["id"]) if isinstance(entry, dict) and "id" in entry else f"entry {index}"
        try:
            found.append(SignatureSpec.model_validate(entry).signature(path.name))
        except ValidationError as exc:
            raise problem(path, f"{where}: {field_error(exc)}", shipped=True) from None
    return found


def load_catalog(root: Path = DATA_DIR) -> Catalog:
    classes = _classes(root / "classes.yaml")
    signatures: list[Signature] = []
    seen: dict[str, str] = {}
    for path in sorted((root / "signatures").glob("*.yaml")):
        for sig in _signatures(path):
            if sig.id in seen:
                raise problem(path, f"{sig.id}: id already used in {seen[sig.id]}", shipped=True)
            seen[sig.id] = path.name
            signatures.append(sig)
    by_keyword: dict[bytes, list[Signature]] = {}
    for sig in signatures:
        for keyword in sig.keywords:
            by_keyword.setdefault(keyword, []).append(sig)
    return Catalog(
        classes, tuple(signatures), {k: tuple(v) for k, v in by_keyword.items()}, _anchors(by_keyword)
    )


@lru_cache(maxsize=1)
def default_catalog() -> Catalog:
    return load_catalog()
