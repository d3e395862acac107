"""Load and check the classifier's data: classes.yaml and signatures/*.yaml.

A bad file is a UsageError naming the file, the entry and the field, so a
signature author sees exactly what to fix. The catalog is loaded once per
process (lru_cache); `load_catalog(root)` loads another directory (tests).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from jetllm.core.diagnosis import FailureClass, RetrySmaller
from jetllm.core.errors import UsageError

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
    source: str
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


def _bad(where: str, message: str) -> UsageError:
    return UsageError(f"invalid classifier data: {where}: {message}")


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


def _fix(value: Any, where: str) -> Fix:
    if isinstance(value, str):
        return Fix(value.strip(), value.strip())
    if isinstance(value, dict) and set(value) <= {"x86", "jetson"} and "x86" in value:
        x86 = str(value["x86"]).strip()
        return Fix(x86, str(value.get("jetson", x86)).strip())
    raise _bad(where, "fix must be a string or a mapping with x86 (and optionally jetson)")


def _enum(kind: type[Any], value: Any, where: str) -> Any:
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(str(m.value) for m in kind)
        raise _bad(where, f"{value!r} is not one of: {allowed}") from None


def _load_yaml(path: Path) -> Any:
    import yaml

    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise _bad(path.name, f"cannot read: {exc}") from None


def _classes(path: Path) -> dict[FailureClass, ClassInfo]:
    data = _load_yaml(path)
    if not isinstance(data, dict):
        raise _bad(path.name, "must be a mapping of class name to {cause, fix, retry_smaller}")
    out: dict[FailureClass, ClassInfo] = {}
    for name, entry in data.items():
        where = f"{path.name}: {name}"
        cls = _enum(FailureClass, name, where)
        if not isinstance(entry, dict) or not {"cause", "fix", "retry_smaller"} <= set(entry):
            raise _bad(where, "needs cause, fix and retry_smaller")
        retry = _enum(RetrySmaller, entry["retry_smaller"], f"{where}: retry_smaller")
        out[cls] = ClassInfo(str(entry["cause"]).strip(), _fix(entry["fix"], f"{where}: fix"), retry)
    missing = set(FailureClass) - set(out)
    if missing:
        raise _bad(path.name, f"no entry for {sorted(m.value for m in missing)}")
    return out


_FIELDS = {
    "id", "class", "strength", "backends", "patterns", "keywords", "jetson_class",
    "retry_smaller", "cause", "fix",
}  # fmt: skip


def _signature(entry: Any, path: Path, index: int) -> Signature:
    where = f"{path.name}: entry {index}"
    if not isinstance(entry, dict):
        raise _bad(where, "must be a mapping")
    if "id" in entry:
        where = f"{path.name}: {entry['id']}"
    unknown = set(entry) - _FIELDS
    if unknown:
        raise _bad(where, f"unknown field(s) {sorted(unknown)}")
    for key in ("id", "class", "strength", "backends", "patterns"):
        if key not in entry:
            raise _bad(where, f"missing field {key!r}")
    strength = entry["strength"]
    if not isinstance(strength, int) or not 1 <= strength <= 100:
        raise _bad(f"{where}: strength", "must be an integer from 1 to 100")
    backends = entry["backends"]
    if not isinstance(backends, list) or not backends or set(backends) - BACKENDS:
        raise _bad(f"{where}: backends", f"must be a list drawn from {sorted(BACKENDS)}")
    raw = entry["patterns"]
    if not isinstance(raw, list) or not raw or not all(isinstance(p, str) for p in raw):
        raise _bad(f"{where}: patterns", "must be a non-empty list of regular expressions")
    patterns, keywords = [], []
    for pattern in raw:
        try:
            patterns.append(re.compile(pattern))
        except re.error as exc:
            raise _bad(f"{where}: patterns", f"{pattern!r}: {exc}") from None
        literal = required_literal(pattern)
        if literal:
            keywords.append(literal)
    if "keywords" in entry:
        keywords = [str(k) for k in entry["keywords"]]
    if len(keywords) < len(patterns) and "keywords" not in entry:
        raise _bad(f"{where}: patterns", f"each needs a literal of {MIN_KEYWORD}+ characters, or give keywords")
    if any(len(k) < MIN_KEYWORD for k in keywords):
        raise _bad(f"{where}: keywords", f"each keyword needs {MIN_KEYWORD}+ characters")
    jetson_class = entry.get("jetson_class")
    retry = entry.get("retry_smaller")
    return Signature(
        id=str(entry["id"]),
        failure_class=_enum(FailureClass, entry["class"], f"{where}: class"),
        strength=strength,
        backends=frozenset(backends),
        patterns=tuple(patterns),
        keywords=tuple(sorted({k.lower().encode() for k in keywords})),
        source=path.name,
        jetson_class=_enum(FailureClass, jetson_class, f"{where}: jetson_class") if jetson_class else None,
        retry_smaller=_enum(RetrySmaller, retry, f"{where}: retry_smaller") if retry else None,
        cause=str(entry["cause"]).strip() if "cause" in entry else None,
        fix=_fix(entry["fix"], f"{where}: fix") if "fix" in entry else None,
    )


def load_catalog(root: Path = DATA_DIR) -> Catalog:
    classes = _classes(root / "classes.yaml")
    signatures: list[Signature] = []
    seen: dict[str, str] = {}
    for path in sorted((root / "signatures").glob("*.yaml")):
        data = _load_yaml(path)
        if not isinstance(data, list):
            raise _bad(path.name, "must be a list of signatures")
        for index, entry in enumerate(data, 1):
            sig = _signature(entry, path, index)
            if sig.id in seen:
                raise _bad(f"{path.name}: {sig.id}", f"id already used in {seen[sig.id]}")
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
