"""Which lines of a block hold which anchor words: the scan's first pass.

Two engines give the same answer. Hyperscan (the `hyperscan` package, which
ships Vectorscan on arm64) finds every anchor in one pass over a block, at
GB/s; where it cannot be imported or does not run on the CPU, one
bytes.find pass per anchor over the block's ASCII-lowered copy does (about
30 MB/s with ~90 anchors). Anchors are lower-case literals matched in any
ASCII case, as bytes.lower() folds them. A few shapes no literal names (a
glog `E1103 02:59:01.152656` head) are regexes, matched as written; a line
one matches is reported under the regex's name, as if it held an anchor.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

Spans = dict[tuple[int, int], set[bytes]]  # (start, end) of a line in the block -> anchors it holds


class Prefilter(Protocol):
    name: str

    def spans(self, block: bytes, low: bytes) -> Spans:
        """The lines of `block` (`low`: its ASCII-lowered copy) that hold an anchor."""
        ...


class FindPrefilter:
    name = "python"

    def __init__(self, anchors: Sequence[bytes], shapes: Mapping[bytes, bytes] | None = None) -> None:
        self._anchors = tuple(anchors)
        self._shapes = [(name, re.compile(shape)) for name, shape in (shapes or {}).items()]

    def spans(self, block: bytes, low: bytes) -> Spans:
        spans: Spans = {}
        for name, shape in self._shapes:
            for found in shape.finditer(block):
                start = block.rfind(b"\n", 0, found.start()) + 1
                end = block.find(b"\n", found.start())
                spans.setdefault((start, len(block) if end == -1 else end), set()).add(name)
        for anchor in self._anchors:
            at = low.find(anchor)
            while at != -1:
                start = block.rfind(b"\n", 0, at) + 1
                end = block.find(b"\n", at)
                end = len(block) if end == -1 else end
                spans.setdefault((start, end), set()).add(anchor)
                at = low.find(anchor, end)
        return spans


def _literal(word: bytes) -> bytes:
    """A Hyperscan expression matching `word` literally (every non-alphanumeric byte hex-escaped)."""
    return b"".join(bytes((c,)) if chr(c).isalnum() and c < 128 else b"\\x%02x" % c for c in word)


class HyperscanPrefilter:
    name = "hyperscan"

    def __init__(self, anchors: Sequence[bytes], shapes: Mapping[bytes, bytes] | None = None) -> None:
        import hyperscan

        shapes = shapes or {}
        self._anchors = (*anchors, *shapes)
        expressions = [*map(_literal, anchors), *shapes.values()]
        flags = [hyperscan.HS_FLAG_CASELESS] * len(anchors) + [0] * len(shapes)
        self._db: Any = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        self._db.compile(expressions=expressions, ids=list(range(len(expressions))), elements=len(expressions),
                         flags=flags)  # fmt: skip
        self._lock = threading.Lock()  # a database's scratch space serves one scan at a time

    def spans(self, block: bytes, low: bytes) -> Spans:
        spans: Spans = {}
        anchors = self._anchors
        line = [0, -1]  # the span of the line of the last match: matches come in order of their ends

        def found(index: int, _start: int, end: int, _flags: int, _context: object) -> None:
            if not line[0] <= end <= line[1]:
                line[0] = block.rfind(b"\n", 0, end) + 1
                after = block.find(b"\n", end)
                line[1] = len(block) if after == -1 else after
            spans.setdefault((line[0], line[1]), set()).add(anchors[index])

        with self._lock:
            self._db.scan(block, match_event_handler=found)
        return spans


def make_prefilter(anchors: Sequence[bytes], shapes: Mapping[bytes, bytes] | None = None,
                   engine: str | None = None) -> Prefilter:
    """Hyperscan where it runs, else the pure-Python finder; `engine` ("hyperscan"
    or "python") asks for one (a test compares them). `shapes`: name -> regex
    (bytes; a syntax both Python and Hyperscan read alike, no newline in a match)."""
    if engine == "python":
        return FindPrefilter(anchors, shapes)
    try:
        return HyperscanPrefilter(anchors, shapes)
    except Exception:  # not installed, or no engine for this CPU (hyperscan.error): the fallback
        if engine == "hyperscan":
            raise
        return FindPrefilter(anchors, shapes)
