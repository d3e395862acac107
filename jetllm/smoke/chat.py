"""One streamed chat request, measured."""

from __future__ import annotations

import time
from typing import Any

from jetllm.core.attempt import Smoke
from jetllm.core.redact import clip
from jetllm.smoke.errors import server_error
from jetllm.smoke.sse import BadStream, delta_text, events, finish_reason, server_timings, usage_tokens

PROMPT = "Reply with one short sentence: what is a Jetson?"
CONNECT_GRACE_S = 5.0  # a ready line can come a moment before the port answers


class SmokeFailed(Exception):
    """The request failed or the answer was not an OpenAI-compatible stream."""


def _body(model: str, max_tokens: int, usage: bool, options: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = {
        "model": model,
        "messages": [{"role": "user", "content": PROMPT}],
        "max_tokens": max_tokens,
        "temperature": 0,
        "stream": True,
        **options,
    }
    if usage:
        body["stream_options"] = {"include_usage": True}
    return body


def _rate(tokens: int, first: float | None, last: float | None, total: float) -> float | None:
    """Decode rate: tokens after the first over the time they took."""
    if first is not None and last is not None and tokens > 1 and last > first:
        return (tokens - 1) / (last - first)
    return tokens / total if tokens and total > 0 else None


def _measure(response: Any, start: float) -> Smoke:
    text, chunks, usage, timings, reason = [], 0, None, None, None
    first = last = None
    for chunk in events(response.iter_lines()):
        piece = delta_text(chunk)
        if piece:
            now = time.monotonic()
            first = now if first is None else first
            last, chunks = now, chunks + 1
            text.append(piece)
        usage = usage_tokens(chunk) or usage
        timings = server_timings(chunk) or timings
        reason = finish_reason(chunk) or reason
    total = time.monotonic() - start
    if not chunks:
        raise BadStream("the stream ended without any generated text")
    tokens, source = (usage, "usage") if usage else (chunks, "chunks")
    rate = _rate(tokens, first, last, total)
    if timings and timings.get("predicted_per_second"):
        rate, source = timings["predicted_per_second"], "server"
    return Smoke(
        ttft_s=round(first - start, 4) if first is not None else None,
        tokens_per_s=round(rate, 2) if rate else None,
        total_s=round(total, 4),
        completion_tokens=tokens,
        text="".join(text),
        server_timings=timings,
        tokens_source=source,
        finish_reason=reason,
    )


def chat(base_url: str, *, model: str, max_tokens: int = 32, timeout_s: float = 120.0,
         options: dict[str, Any] | None = None) -> Smoke:
    """Send one streamed chat completion to `base_url` (ending in /v1) and measure it."""
    import httpx

    url = base_url.rstrip("/") + "/chat/completions"
    timeout = httpx.Timeout(timeout_s, connect=2.0)
    deadline = time.monotonic() + CONNECT_GRACE_S
    usage = True
    with httpx.Client(timeout=timeout, trust_env=False) as client:
        while True:
            start = time.monotonic()
            try:
                with client.stream("POST", url, json=_body(model, max_tokens, usage, options or {})) as response:
                    if response.status_code == 400 and usage:
                        usage = False  # an older server that refuses stream_options
                        continue
                    if response.status_code != 200:
                        body = response.read().decode("utf-8", "replace").strip()
                        detail = server_error(body) or clip(body, 200)
                        raise SmokeFailed(f"smoke request failed: HTTP {response.status_code}: {detail}")
                    return _measure(response, start)
            except BadStream as exc:
                raise SmokeFailed(f"smoke request failed: {exc}") from exc
            except httpx.ConnectError as exc:
                if time.monotonic() < deadline:
                    time.sleep(0.2)
                    continue
                raise SmokeFailed(f"smoke request failed: cannot connect to {url}: {exc}") from exc
            except httpx.HTTPError as exc:
                raise SmokeFailed(f"smoke request failed: {type(exc).__name__}: {exc}") from exc
