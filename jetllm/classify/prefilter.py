"""Which lines of a block hold which anchor words: the scan's first pass.

Two engines give the same answer. Hyperscan (the `hyperscan` package, which
ships Vectorscan on arm64) finds every anchor in one pass over a block, at
GB/s; where it cannot be imported or does not run on the CPU, one
bytes.find pass per anchor over the block's ASCII-lowered copy does (about
30 MB/s with ~90 anchors). Anchors are lower-case literals matched in any
ASCII case, as bytes.lower() folds them. A few shapes no literal names (a
glog `E1103 02:59:01.152656` head) are regexes, matched as written; a line
one matches is reported under the regex's name, as if it held an anchor.
Then, in each such line, the same engine finds the signatures' keywords
(each holds its anchor: catalog.anchors groups them).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

Spans = dict[tuple[int, int], set[bytes]]  # (start, end) of a line in the block -> anchors it holds
Groups = Mapping[bytes, Sequence[bytes]]  # anchor -> the keywords that hold it


class Prefilter(Protocol):
    name: str

    def spans(self, block: bytes, low: bytes) -> Spans:
        """The lines of `block` (`low`: its ASCII-lowered copy) that hold an anchor."""
        ...

    def keywords(self, low: bytes, anchors: Iterable[bytes] | None = None) -> list[bytes]:
        """The keywords an ASCII-lowered text holds, in the groups' order; `anchors`:
        every anchor the text holds, where known (else they are looked for)."""
        ...


class FindPrefilter:
    name = "python"

    def __init__(self, anchors: Sequence[bytes], shapes: Mapping[bytes, bytes] | None = None,
                 groups: Groups | None = None, once: frozenset[bytes] = frozenset()) -> None:  # fmt: skip
        self._anchors = tuple(anchors)
        self._once = once
        self._shapes = [(name, re.compile(shape)) for name, shape in (shapes or {}).items()]
        self._groups = groups or {}
        self._order = {k: i for i, k in enumerate(k for kws in self._groups.values() for k in kws)}

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
                at = -1 if anchor in self._once else low.find(anchor, end)
        return spans

    def keywords(self, low: bytes, anchors: Iterable[bytes] | None = None) -> list[bytes]:
        held = [a for a in self._groups if a in low] if anchors is None else anchors
        found = {k for a in held for k in self._groups.get(a, ()) if k in low}
        return sorted(found, key=self._order.__getitem__)


def _literal(word: bytes) -> bytes:
    """A Hyperscan expression matching `word` literally (every non-alphanumeric byte hex-escaped)."""
    return b"".join(bytes((c,)) if chr(c).isalnum() and c < 128 else b"\\x%02x" % c for c in word)


class HyperscanPrefilter:
    name = "hyperscan"

    def __init__(self, anchors: Sequence[bytes], shapes: Mapping[bytes, bytes] | None = None,
                 groups: Groups | None = None, once: frozenset[bytes] = frozenset()) -> None:  # fmt: skip
        import hyperscan

        shapes = shapes or {}
        self._anchors = (*anchors, *shapes)
        self._keywords = [k for kws in (groups or {}).values() for k in kws]
        flags = [hyperscan.HS_FLAG_CASELESS | (hyperscan.HS_FLAG_SINGLEMATCH if a in once else 0) for a in anchors]
        self._db = self._compile([*map(_literal, anchors), *shapes.values()], flags + [0] * len(shapes))
        self._keyword_db = self._compile(list(map(_literal, self._keywords)), [0] * len(self._keywords))
        self._lock = threading.Lock()  # a database's scratch space serves one scan at a time

    @staticmethod
    def _compile(expressions: list[bytes], flags: list[int]) -> Any:
        import hyperscan

        if not expressions:
            return None
        db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        db.compile(expressions=expressions, ids=list(range(len(expressions))), elements=len(expressions), flags=flags)
        return db

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

        if self._db is not None:
            with self._lock:
                self._db.scan(block, match_event_handler=found)
        return spans

    def keywords(self, low: bytes, anchors: Iterable[bytes] | None = None) -> list[bytes]:
        ids: set[int] = set()

        def found(index: int, _start: int, _end: int, _flags: int, _context: object) -> None:
            ids.add(index)

        if self._keyword_db is not None:
            with self._lock:
                self._keyword_db.scan(low, match_event_handler=found)
        return [self._keywords[i] for i in sorted(ids)]


def make_prefilter(anchors: Sequence[bytes], shapes: Mapping[bytes, bytes] | None = None,
                   engine: str | None = None, groups: Groups | None = None,
                   once: frozenset[bytes] = frozenset()) -> Prefilter:  # fmt: skip
    """Hyperscan where it runs, else the pure-Python finder; `engine` ("hyperscan"
    or "python") asks for one (a test compares them). `shapes`: name -> regex
    (bytes; a syntax both Python and Hyperscan read alike, no newline in a match).
    `groups`: the keywords under each anchor, for keywords(). `once`: anchors
    whose first line in each spans() call is enough (lines a log repeats)."""
    if engine == "python":
        return FindPrefilter(anchors, shapes, groups, once)
    try:
        return HyperscanPrefilter(anchors, shapes, groups, once)
    except Exception:  # not installed, or no engine for this CPU (hyperscan.error): the fallback
        if engine == "hyperscan":
            raise
        return FindPrefilter(anchors, shapes, groups, once)
