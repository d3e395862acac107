"""Reading the files a user hands jetllm (profiles, --facts, report.json)
within the bounds of jetllm/core/limits.py.

Whatever the bytes (binary, UTF-16, Latin-1, a FIFO, /dev/zero, deep nesting,
a 5000-digit number, a YAML anchor bomb), the result is a document or one
UsageError line that names the file, and the line or field where there is one.
"""

from __future__ import annotations

import codecs
import json
import math
import stat
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jetllm.core.errors import UsageError
from jetllm.core.limits import FIELD_MAX_CHARS, MAX_DEPTH, MAX_INT, MIB

MAX_INT_DIGITS = len(str(MAX_INT))

if TYPE_CHECKING:
    from yaml.nodes import Node

_UTF16_32_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def _size(n: int) -> str:
    return f"{n / MIB:.1f} MiB" if n >= MIB else f"{n} bytes"


def read_text(path: Path, *, limit: int, name: str | None = None) -> str:
    """A regular file of at most `limit` bytes, decoded as UTF-8."""
    name = name or str(path)
    try:
        info = path.stat()
    except (OSError, ValueError) as exc:
        raise UsageError(f"{name}: cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise UsageError(f"{name}: is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise UsageError(f"{name}: not a regular file (a pipe or a device): save it to a file first")
    if info.st_size > limit:
        raise UsageError(f"{name}: {_size(info.st_size)}, more than the {_size(limit)} jetllm reads")
    try:
        with path.open("rb") as handle:
            raw = handle.read(limit + 1)
    except OSError as exc:
        raise UsageError(f"{name}: cannot read: {exc.strerror or exc}") from None
    if len(raw) > limit:  # it grew since stat
        raise UsageError(f"{name}: more than the {_size(limit)} jetllm reads")
    return decode(raw, name)


def decode(raw: bytes, name: str) -> str:
    """UTF-8 text (a UTF-8 byte-order mark is dropped); anything else is named."""
    if raw.startswith(_UTF16_32_BOMS):
        raise UsageError(f"{name}: UTF-16 or UTF-32 text; jetllm reads UTF-8 (save the file as UTF-8)")
    nul = raw.find(b"\0")
    if nul != -1:
        raise UsageError(f"{name}: line {_line(raw, nul)}: a NUL byte: binary data, not UTF-8 text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as bad:
        raise UsageError(f"{name}: line {_line(raw, bad.start)}: byte 0x{raw[bad.start]:02x} is not UTF-8 "
                         "(Latin-1 or binary?); jetllm reads UTF-8 text") from None


def _line(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


class _LongNumber:
    """Stands for an integer too long to parse, so that check_document names its field."""

    def __init__(self, digits: int) -> None:
        self.digits = digits


def _int(text: str) -> int | _LongNumber:
    digits = sum(c.isdigit() for c in text)
    return _LongNumber(digits) if digits > MAX_INT_DIGITS else int(text)


def _unreadable(name: str, exc: ValueError) -> UsageError:
    """A value the parser could not build (a YAML date like 2024-13-01)."""
    return UsageError(f"{name}: cannot be read: {str(exc).splitlines()[0]}")


def load_json(path: Path, *, limit: int, max_values: int, name: str | None = None) -> Any:
    name = name or str(path)
    text = read_text(path, limit=limit, name=name)
    try:
        document = json.loads(text, parse_int=_int)
    except json.JSONDecodeError as bad:
        raise UsageError(f"{name}: not valid JSON: {bad.msg} at line {bad.lineno} column {bad.colno}") from None
    except RecursionError:
        raise UsageError(f"{name}: nested more than {MAX_DEPTH} levels deep") from None
    except ValueError as exc:
        raise _unreadable(name, exc) from None
    check_document(document, name, max_values=max_values)
    return document


def yaml_problem(exc: Exception) -> str:
    """A YAML parse error in one phrase: "not valid YAML at line N: what"."""
    mark = getattr(exc, "problem_mark", None)
    where = f" at line {mark.line + 1}" if mark is not None else ""
    return f"not valid YAML{where}: {getattr(exc, 'problem', None) or 'syntax error'}"


def load_yaml(path: Path, *, limit: int, max_values: int, name: str | None = None) -> Any:
    import yaml

    name = name or str(path)
    text = read_text(path, limit=limit, name=name)
    try:
        _count_events(text, name, max_values)
        document = _construct(text, name, max_values)
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        raise UsageError(f"{name}: line {line}: control character U+{exc.character:04X} is not allowed in YAML "
                         "(escape it in a double-quoted string)") from None
    except yaml.YAMLError as exc:
        raise UsageError(f"{name}: {yaml_problem(exc)}") from None
    except RecursionError:
        raise UsageError(f"{name}: nested more than {MAX_DEPTH} levels deep") from None
    except ValueError as exc:
        raise _unreadable(name, exc) from None
    check_document(document, name, max_values=max_values)
    return document


def _construct(text: str, name: str, max_values: int) -> Any:
    loader = _yaml_loader()(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _count_nodes(node, name, max_values)
        return loader.construct_document(node)
    finally:
        loader.dispose()


@lru_cache(maxsize=1)
def _yaml_loader() -> Any:
    """The safe loader (libyaml's when there is one), with bounded integers."""
    import yaml

    class Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
        pass

    def construct_int(loader: Any, node: Any) -> int | _LongNumber:
        digits = sum(c.isdigit() for c in node.value)
        if digits > MAX_INT_DIGITS:
            return _LongNumber(digits)
        value: int = yaml.SafeLoader.construct_yaml_int(loader, node)
        return value

    Loader.add_constructor("tag:yaml.org,2002:int", construct_int)
    return Loader


def _count_events(text: str, name: str, limit: int) -> None:
    """Refuse more than `limit` values before any is built: a megabyte of
    "1," is half a million nodes, and building them takes seconds."""
    import yaml

    loader = _yaml_loader()(text)
    try:
        seen = 0
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.NodeEvent) and not isinstance(event, yaml.AliasEvent):
                seen += 1
                if seen > limit:
                    mark = event.start_mark
                    where = f" line {mark.line + 1}:" if mark is not None else ""
                    raise UsageError(f"{name}:{where} more than {limit} values")
    finally:
        loader.dispose()


def _children(node: Node) -> list[Node]:
    from yaml.nodes import MappingNode, SequenceNode

    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _count_nodes(root: Node, name: str, limit: int) -> None:
    """Refuse a YAML graph that expands to more than `limit` values, or a cycle.

    Aliases share nodes, so a few lines can stand for billions of values (and
    merge keys copy them on construction); each node is sized once here."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()  # the ancestors of the node being walked
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            open_nodes.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in _children(node))
            if sizes[key] > limit:
                raise UsageError(f"{name}: line {node.start_mark.line + 1}: more than {limit} values "
                                 "(an alias counts each time it is used)")
            continue
        if key in sizes:
            continue
        if key in open_nodes:
            raise UsageError(f"{name}: line {node.start_mark.line + 1}: an alias that contains itself")
        open_nodes.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node))


def _dotted(path: tuple[object, ...]) -> str:
    return ".".join(str(part) for part in path) or "(top level)"


def check_document(document: Any, name: str, *, max_values: int) -> None:
    """Bound a parsed document: value count, nesting, string lengths, numbers.

    Errors name the field as the schema errors do ("field 'a.0.b': ...")."""
    stack: list[tuple[Any, tuple[object, ...]]] = [(document, ())]
    seen = 0
    while stack:
        value, path = stack.pop()
        seen += 1
        if seen > max_values:
            raise UsageError(f"{name}: more than {max_values} values")
        if len(path) > MAX_DEPTH:
            raise UsageError(f"{name}: field '{_dotted(path[:3])}...': nested more than {MAX_DEPTH} levels deep")
        problem = _problem(value)
        if problem:
            raise UsageError(f"{name}: field '{_dotted(path)}': {problem}")
        if isinstance(value, dict):
            for key, item in reversed(value.items()):
                key_problem = _problem(key)
                if key_problem:
                    raise UsageError(f"{name}: field '{_dotted(path)}': a key of {key_problem}")
                stack.append((item, (*path, key)))
        elif isinstance(value, list):
            stack.extend((item, (*path, index)) for index, item in reversed(list(enumerate(value))))


def _problem(value: Any) -> str | None:
    if isinstance(value, _LongNumber):
        return f"a number of {value.digits} digits"
    if isinstance(value, str) and len(value) > FIELD_MAX_CHARS:
        return f"{len(value)} characters, more than the {FIELD_MAX_CHARS} a field may hold"
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and not -MAX_INT < value < MAX_INT:
        return "a number beyond 64 bits"
    if isinstance(value, float) and not math.isfinite(value):
        return f"not a finite number ({value})"
    return None
