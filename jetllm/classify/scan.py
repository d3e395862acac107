"""Find the lines that signatures match.

Speed comes from a prefilter: each signature carries literal keywords, grouped
under a few anchor words (catalog.ANCHOR_WORDS). prefilter.py finds the lines
of a block that hold an anchor, in one Hyperscan pass (or, without it, one
bytes.find pass per anchor); one Python alternation of the keywords measured
~25x slower than the finds. Only lines holding a keyword are decoded, cleaned
and tried against the regexes of the signatures that own that keyword.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from jetllm.classify.catalog import Catalog, Signature
from jetllm.classify.prefilter import Prefilter, make_prefilter
from jetllm.core.diagnosis import FailureClass

KEEP_PER_SIGNATURE = 3
MAX_TEXT = 300  # evidence text is cut around the match to this many characters

_ANSI = re.compile(rb"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")
# Docker `--timestamps`: RFC 3339 with nanoseconds.
_DOCKER_TS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d) ")
# Error markers: words a failing program prints whatever its cause. A line
# holding one of MARKER_WORDS (any case) is checked against the regexes.
MARKER_WORDS = (b"error", b"exception", b"fail", b"fatal", b"panic", b"abort", b"core dumped", b"segmentation fault",
                b"terminate called", b"critical")  # fmt: skip
# Markers no word names, found by the prefilter as regexes: glog's E and F heads.
MARKER_SHAPES = {b"<glog E/F>": rb"[EF]\d{4} \d\d:\d\d:\d\d\.\d+ "}
# Words of a command that starts a server (a log pasted with two attempts holds two such lines).
START_WORDS = (b"docker run", b" serve ", b"launch_server", b"llama-server")  # " serve ": vllm, ollama
# A command line that starts a server: after a shell prompt (or xtrace's `+`), or alone.
_START = re.compile(r"^(?:[^\n]{0,80}?[$#%>+\u279c\u276f\u00bb]\s*(?:~\S*\s+)?)?(?:sudo\s+(?:-\S+\s+)*)?(?:\S*/)?"
                    r"(?:docker\s+run|vllm\s+serve|python3?\s+-m\s+sglang\.launch_server|ollama\s+serve|llama-server)\s")
_EXCEPTION = re.compile(r"(?:[A-Za-z_][\w.]*\.)?[A-Z]?\w*(?:Error|Exception)(?:\[[^\]]*\])?:(?:\s|$)")
_FATAL = re.compile(r"\b(?:FATAL|CRITICAL|ERROR)\b|\blevel=(?:ERROR|FATAL)\b|\bAborted\b|Fatal Python error"
                    r"|terminate called after throwing|core dumped|Segmentation fault|\[error\]"
                    r"|(?:^|\s)[EF]\d{4} \d\d:\d\d:\d\d\.\d+ ")  # glog's E and F lines
_FATAL_START = re.compile(r"panic: ")


@dataclass(slots=True)
class Hit:
    line: int
    text: str


@dataclass(slots=True)
class Hits:
    """What the scan found: per signature id, the first few matching lines, a
    count and the last line; and the generic error markers no signature names
    (the last exception line, the first fatal line, the last marker's line)."""

    first: dict[str, list[Hit]] = field(default_factory=dict)
    count: dict[str, int] = field(default_factory=dict)
    last: dict[str, int] = field(default_factory=dict)
    lines: int = 0
    last_exception: tuple[int, str] | None = None  # line number and line, redacted when shown
    first_fatal: tuple[int, str] | None = None
    last_marker: int = 0
    last_ready: int = 0  # the last readiness line (class none) matched
    starts: int = 0  # command lines that start a server: more than one is more than one attempt
    last_start: int = 0

    def keeps(self, sig: Signature) -> bool:
        """Whether the next hit of `sig` is kept (its text is wanted)."""
        return len(self.first.get(sig.id, ())) < KEEP_PER_SIGNATURE

    def add(self, sig: Signature, hit: Hit) -> None:
        kept = self.first.setdefault(sig.id, [])
        if len(kept) < KEEP_PER_SIGNATURE:
            kept.append(hit)
        self.count[sig.id] = self.count.get(sig.id, 0) + 1
        self.last[sig.id] = hit.line
        if _is_readiness(sig):
            self.last_ready = max(self.last_ready, hit.line)

    def marker(self, lineno: int, segment: str, stripped: str) -> None:
        """Note an error marker in this line, if it holds one."""
        exception = _EXCEPTION.match(stripped)
        if exception:
            self.last_exception = (lineno, segment)
        elif _FATAL.search(segment) or _FATAL_START.match(stripped):
            if self.first_fatal is None:
                self.first_fatal = (lineno, segment)
        else:
            return
        self.last_marker = lineno

    @property
    def decisive(self) -> Hit | None:
        """The line that tells most of a failure no signature names."""
        found = self.last_exception or self.first_fatal
        return Hit(found[0], _cut(redact(found[1]))) if found else None


def clean_segments(raw: bytes) -> list[str]:
    """A raw line as the user would have seen it: decoded, no colours, no Docker
    timestamp, split at carriage returns (each redraw of a progress bar)."""
    text = raw.decode("utf-8", "replace")
    segments = [s for s in text.split("\r") if s.strip()]
    if segments:
        segments[0] = _DOCKER_TS.sub("", segments[0])
    return [s.rstrip() for s in segments]


def redact(text: str) -> str:
    from jetllm.core.redact import redact_shapes

    return redact_shapes(text)


def _cut(text: str) -> str:
    from jetllm.core.redact import window

    return text.strip() if len(text) <= MAX_TEXT else window(text, 0, MAX_TEXT)


def _excerpt(segment: str, sig: Signature, match: re.Match[str], offset: int) -> str:
    """The original line around the match (found at `offset` + its start in the
    line's stripped text), redacted before it is cut (classify prints it)."""
    from jetllm.core.redact import window

    text = redact(segment)
    if len(text) <= MAX_TEXT:
        return text.strip()
    again = next((m for p in sig.patterns if (m := p.search(text))), None)
    at = again.start() if again else min(offset + match.start(), len(text))
    start = max(0, min(at - MAX_TEXT // 3, len(text) - MAX_TEXT))
    return window(text, start, start + MAX_TEXT)


# The prefixes programs and collectors put in front of each line: timestamps
# (ISO, syslog with host and tag), Docker compose's `service-1  | `, torch's
# `[rank0]:`, vLLM's `(VllmWorker rank=0 pid=123)` and its logging head
# `INFO 05-12 10:11:12 [file.py:123]`, glog/Triton's `E1103 02:59:01.152656 81041 file.cc:553]`.
_ENTRY_HEADS = (
    r"\[?\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?\]?"
    r"|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d{1,2} \d\d:\d\d:\d\d(?: [\w.-]+ [\w./@-]+(?:\[\d+\])?:)?"
    r"|\([\w-]+(?:[ ,]+\w+=[^\s,)]*)+\)"
    r"|[IWEF]\d{4} \d\d:\d\d:\d\d\.\d+ +\d+ [\w./-]+:\d+\]"
    r"|(?:DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL) \d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?(?: \[[\w./-]+:\d+\]| [\w./-]+:\d+\])?"
)
_STREAM_HEADS = r"[\w.-]+[-_]\d+ +\||\[rank\d+\]:"  # on every line of a stream, continuations too
_PREFIX = re.compile(rf"\s*(?:{_ENTRY_HEADS}|{_STREAM_HEADS})(?=\s|$)\s*")
# A line that starts a new log entry (a timestamp, a level) is no continuation of the one before.
_ENTRY = re.compile(rf"\s*(?:(?:{_STREAM_HEADS})\s*)*(?:{_ENTRY_HEADS}|time=\S+ level=)")
# Ollama's slog: `time=… level=ERROR source=sched.go:443 msg="…" error="…"`: matched inside msg.
_SLOG = re.compile(r'time=\S+ level=\w+ source=\S+ msg=("(?:[^"\\]|\\.)*"|\S+)')
MAX_PREFIXES = 6


def strip_prefixes(text: str) -> str:
    """The message of a line without the prefixes in front of it."""
    for _ in range(MAX_PREFIXES):
        found = _PREFIX.match(text)
        if not found or not found.end():
            break
        text = text[found.end() :]
    slog = _SLOG.match(text)
    if slog:
        msg = slog.group(1)
        if msg.startswith('"'):
            msg = msg[1:-1].replace('\\"', '"').replace("\\\\", "\\")
        text = msg + text[slog.end() :]
    return text


def _search(sig: Signature, text: str) -> re.Match[str] | None:
    return next((m for p in sig.patterns if (m := p.search(text))), None)


def _find(sig: Signature, segments: list[tuple[str, str]]) -> tuple[str, re.Match[str], int] | None:
    """The first segment `sig` matches, its message first (prefixes stripped), then as printed."""
    for segment, stripped in segments:
        if match := _search(sig, stripped):
            return segment, match, len(segment) - len(stripped) if segment.endswith(stripped) else 0
        if stripped != segment and (match := _search(sig, segment)):
            return segment, match, 0
    return None


def _candidates(low: bytes, anchors: Iterable[bytes] | None, catalog: Catalog,
                prefilter: Prefilter) -> dict[str, Signature]:  # fmt: skip
    """The signatures whose keywords `low` holds (`anchors`: every anchor it holds, where known)."""
    found: dict[str, Signature] = {}
    for keyword in prefilter.keywords(low, anchors):
        for sig in catalog.by_keyword[keyword]:
            found[sig.id] = sig
    return found


def _segments(raw: bytes) -> list[tuple[str, str]]:
    return [(s, strip_prefixes(s)) for s in clean_segments(raw)]


def _match_line(raw: bytes, candidates: dict[str, Signature], anchors: set[bytes], lineno: int, hits: Hits,
                skip: set[str]) -> set[str]:
    """Match one line against the signatures whose keywords it holds; the ids it matched."""
    if not candidates and not anchors & _MARKERS:
        return set()
    segments = _segments(raw)
    for segment, stripped in segments:
        hits.marker(lineno, segment, stripped)
    if anchors & _STARTS and any(_START.match(stripped) for _, stripped in segments):
        hits.starts, hits.last_start = hits.starts + 1, lineno
    matched = set()
    for sig in candidates.values():
        if sig.id in skip:
            continue
        found = _find(sig, segments)
        if found:
            segment, match, offset = found
            hits.add(sig, Hit(lineno, _excerpt(segment, sig, match, offset) if hits.keeps(sig) else ""))
            matched.add(sig.id)
    return matched


def _match_wrapped(block: bytes, low: bytes, first: tuple[int, int], second: tuple[int, int], lineno: int,
                   known: dict[str, Signature], prefilter: Prefilter, catalog: Catalog, hits: Hits,
                   skip: set[str], reach: int) -> set[str]:
    """Match a line joined to the next, as a long line pasted wrapped into a
    thread comes: with a space where the break was, or none (a word split).
    Only a match that spans the break counts; the ids it matched. `known`:
    the signatures whose keywords either line holds; a keyword split by the
    break is looked for here, in a window `reach` bytes either side of it."""
    matched: set[str] = set()
    head_low, tail_low = low[first[0] : first[1]].rstrip(), low[second[0] : second[1]].lstrip()
    if not head_low or not tail_low:
        return matched
    segments: tuple[list[tuple[str, str]], list[tuple[str, str]]] | None = None
    # A word split by the break (no space): only between two word characters.
    joiners = (" ", "") if head_low[-1:].isalnum() and tail_low[:1].isalnum() else (" ",)
    for joiner in joiners:
        pair_low = head_low + joiner.encode() + tail_low
        window = pair_low[max(0, len(head_low) - reach) : len(head_low) + len(joiner) + reach]
        candidates = {**known, **_candidates(window, None, catalog, prefilter)}
        candidates = {k: v for k, v in candidates.items() if k not in skip and k not in matched}
        if not candidates:
            continue
        if segments is None:  # checked only now: most line pairs have no candidate, and this costs more
            if _ENTRY.match(block[second[0] : second[1]].decode("utf-8", "replace")):
                return matched
            segments = (_segments(block[first[0] : first[1]])[-1:], _segments(block[second[0] : second[1]])[:1])
        if not segments[0] or not segments[1]:
            return matched
        (segment, stripped), tail = segments[0][0], segments[1]
        text = stripped + joiner + tail[0][1]
        for sig in candidates.values():
            if sig.id in skip or sig.id in matched:
                continue
            match = _search(sig, text)
            if match and match.start() < len(stripped) < match.end():
                shown = _cut(redact(segment + joiner + tail[0][1])) if hits.keeps(sig) else ""
                hits.add(sig, Hit(lineno, shown))
                matched.add(sig.id)
    return matched


_STARTS = frozenset(START_WORDS)
_MARKERS = frozenset([*MARKER_WORDS, *MARKER_SHAPES, *START_WORDS])


def _is_readiness(sig: Signature) -> bool:
    return sig.failure_class is FailureClass.NONE and sig.jetson_class in (None, FailureClass.NONE)


_READY_ONLY: dict[int, tuple[Catalog, frozenset[bytes]]] = {}


def readiness_anchors(catalog: Catalog) -> frozenset[bytes]:
    """The anchors only readiness signatures' keywords hold (no failure keyword, no marker)."""
    if id(catalog) not in _READY_ONLY:  # the catalog is kept with it, so its id is not reused
        only = frozenset(a for a, keywords in catalog.anchors.items() if a not in _MARKERS
                         and all(_is_readiness(sig) for k in keywords for sig in catalog.by_keyword[k]))  # fmt: skip
        _READY_ONLY[id(catalog)] = (catalog, only)
    return _READY_ONLY[id(catalog)][1]


def _line_at(block: bytes, start: int) -> tuple[int, int]:
    end = block.find(b"\n", start)
    return start, len(block) if end == -1 else end


_PREFILTERS: dict[tuple[int, str | None], tuple[Catalog, Prefilter]] = {}


def prefilter_for(catalog: Catalog, engine: str | None = None) -> Prefilter:
    """The catalog's prefilter, built on first use (see prefilter.make_prefilter for `engine`)."""
    key = (id(catalog), engine)
    if key not in _PREFILTERS:  # the catalog is kept with it, so its id is not reused
        _PREFILTERS[key] = (catalog, make_prefilter(anchor_words(catalog), MARKER_SHAPES, engine, catalog.anchors,
                                                    readiness_anchors(catalog)))  # fmt: skip
    return _PREFILTERS[key][1]


def anchor_words(catalog: Catalog) -> list[bytes]:
    return list(dict.fromkeys([*catalog.anchors, *MARKER_WORDS, *START_WORDS]))


def _ready_after(block: bytes, low: bytes, offset: int, first_line: int, catalog: Catalog, prefilter: Prefilter,
                 ready_only: frozenset[bytes], hits: Hits) -> None:  # fmt: skip
    """Match a readiness line of `block` after `offset`: from the first line of each readiness
    anchor there, on through the lines that hold the anchor until one is a readiness line."""
    spans = prefilter.spans(block[offset:], low[offset:])
    for anchor in sorted({a for found in spans.values() for a in found & ready_only}):
        at, lineno, counted = low.find(anchor, offset), first_line, 0
        while at != -1:
            start = block.rfind(b"\n", 0, at) + 1
            end = block.find(b"\n", at)
            end = len(block) if end == -1 else end
            lineno, counted = lineno + block.count(b"\n", counted, start), start
            found = {a for a in ready_only if a in low[start:end]}
            if _match_line(block[start:end], _candidates(low[start:end], found, catalog, prefilter), found, lineno,
                           hits, set()):  # fmt: skip
                return
            at = low.find(anchor, end)


def scan(blocks: Iterable[bytes], catalog: Catalog, prefilter: Prefilter | None = None) -> Hits:
    hits = Hits()
    prefilter = prefilter or prefilter_for(catalog)
    reach = max(map(len, catalog.by_keyword), default=1) - 1  # the longest keyword, less one byte
    # A serving log repeats readiness lines (one per request): decide only needs to know whether
    # one follows the last error marker. The prefilter reports the first line of each readiness
    # anchor in a block; where none of these is a readiness line after the block's last error
    # marker, the rest of the block is searched again (_ready_after).
    ready_only = readiness_anchors(catalog)
    first_line = 1
    for block in blocks:
        if b"\x1b" in block:
            block = _ANSI.sub(b"", block)
        low = block.lower()  # ASCII only: offsets in `low` and `block` stay the same
        spans = prefilter.spans(block, low)
        pos, lineno = 0, first_line
        carried: set[str] = set()  # matched by the previous line joined to this one
        previous_end = -2
        marker_end = -1  # where the block's last line with an error marker ends
        ready_seen = False  # a line of the block holds a readiness anchor
        candidates: dict[str, Signature] = {}
        for (start, end), found in sorted(spans.items()):
            if found & ready_only:
                ready_seen = True
                if hits.last_ready > hits.last_marker and found <= ready_only:
                    continue
            lineno += block.count(b"\n", pos, start)
            pos = start
            skip = carried if previous_end == start - 1 else set()
            if previous_end != start - 1:  # else computed as the previous line's continuation
                candidates = _candidates(low[start:end], found, catalog, prefilter)
            matched = _match_line(block[start:end], candidates, found, lineno, hits, skip) | skip
            if hits.last_marker == lineno:
                marker_end = end
            if start > 0 and previous_end != start - 1:  # a line with no anchor before: a head of this one?
                head = _line_at(block, block.rfind(b"\n", 0, start - 1) + 1)
                matched |= _match_wrapped(block, low, head, (start, end), lineno - 1, candidates, prefilter, catalog,
                                          hits, matched, reach)  # fmt: skip
            carried, following = set(), {}
            if end < len(block):
                tail = _line_at(block, end + 1)
                if tail in spans:
                    following = _candidates(low[tail[0] : tail[1]], spans[tail], catalog, prefilter)
                carried = _match_wrapped(block, low, (start, end), tail, lineno, {**candidates, **following},
                                         prefilter, catalog, hits, matched, reach)  # fmt: skip
            candidates = following
            previous_end = end
        if ready_seen and (hits.last_ready <= hits.last_marker or not hits.last_ready):
            _ready_after(block, low, max(marker_end, 0), first_line, catalog, prefilter, ready_only, hits)
        lines = block.count(b"\n") + 1
        first_line += lines
        hits.lines += lines
    return hits
