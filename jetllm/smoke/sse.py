"""Reading an OpenAI-compatible streamed chat response (server-sent events)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from jetllm.core.redact import clip  # a server's text is redacted before it is cut


class BadStream(Exception):
    """The stream is not what an OpenAI-compatible server sends."""


def events(lines: Iterable[str]) -> Iterator[dict[str, Any]]:
    """The JSON objects of `data:` lines, until `data: [DONE]`."""
    for raw in lines:
        line = raw.strip()
        if not line or line.startswith((":", "event:", "id:", "retry:")):
            continue
        if not line.startswith("data:"):
            raise BadStream(f"not a server-sent event line: {clip(line, 120)!r}")
        data = line[5:].strip()
        if data == "[DONE]":
            return
        try:
            chunk = json.loads(data)
        except json.JSONDecodeError as exc:
            raise BadStream(f"invalid JSON in stream: {clip(data, 120)!r}") from exc
        if not isinstance(chunk, dict):
            raise BadStream(f"a stream chunk is not an object: {clip(data, 120)!r}")
        if "error" in chunk:
            raise BadStream(f"the server sent an error: {clip(str(chunk['error']), 200)}")
        yield chunk


def delta_text(chunk: dict[str, Any]) -> str:
    """The content a chunk adds (reasoning text counts: it is generated tokens too)."""
    choices = chunk.get("choices")
    if not isinstance(choices, list) or not choices:
        return ""
    first = choices[0] if isinstance(choices[0], dict) else {}
    delta = first.get("delta") or {}
    if not isinstance(delta, dict):
        raise BadStream(f"a choice's delta is not an object: {clip(str(delta), 120)!r}")
    parts = [delta.get("content"), delta.get("reasoning_content"), delta.get("reasoning")]
    return "".join(p for p in parts if isinstance(p, str))


def _choice(chunk: dict[str, Any]) -> dict[str, Any]:
    choices = chunk.get("choices")
    first = choices[0] if isinstance(choices, list) and choices else None
    return first if isinstance(first, dict) else {}


def finish_reason(chunk: dict[str, Any]) -> str | None:
    reason = _choice(chunk).get("finish_reason")
    return reason if isinstance(reason, str) and reason else None


def tool_call_pieces(chunk: dict[str, Any]) -> list[dict[str, Any]]:
    """A chunk's delta.tool_calls: each names its index, and carries the id and the
    function's name once, its arguments as pieces of one JSON text."""
    delta = _choice(chunk).get("delta")
    calls = delta.get("tool_calls") if isinstance(delta, dict) else None
    return [c for c in calls if isinstance(c, dict)] if isinstance(calls, list) else []


def usage_tokens(chunk: dict[str, Any]) -> int | None:
    usage = chunk.get("usage")
    if isinstance(usage, dict) and isinstance(usage.get("completion_tokens"), int):
        return int(usage["completion_tokens"])
    return None


def server_timings(chunk: dict[str, Any]) -> dict[str, float] | None:
    """llama-server's `timings` (predicted_per_second, prompt_ms, ...), numbers only."""
    timings = chunk.get("timings")
    if not isinstance(timings, dict):
        return None
    return {k: float(v) for k, v in timings.items() if isinstance(v, (int, float))}
