"""Latency under load: a concurrency sweep, measured as GenAI-Perf, GuideLLM and
vLLM's benchmark do: streamed requests, the same prompt and output length at
every level, a warm-up round per level left out of the figures.

    sweep = concurrency_sweep(base_url, model, [1, 2, 4, 8], target_p95_s=3.0)

Per level: TTFT, inter-token latency and total time at p50 and p95, output
tokens/s over the level's wall time, errors. Bounded by count (rounds requests
per slot) and by time (level_limit_s: no new request starts after it).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from jetllm.core.load import LoadLevel, LoadSweep
from jetllm.core.redact import clip
from jetllm.smoke.errors import server_error
from jetllm.smoke.sse import BadStream, delta_text, events, usage_tokens

PROMPT = ("Write a short paragraph about the history of embedded computers, from the first "
          "microcontrollers to modern AI boards.")
MAX_TOKENS = 64
ROUNDS = 3  # measured requests per slot and level
LEVEL_LIMIT_S = 60.0


@dataclass(frozen=True)
class One:
    ttft: float | None
    itl: float | None
    total: float
    tokens: int
    error: str | None = None


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def parse_levels(text: str) -> list[int]:
    """`1,2,4,8` -> [1, 2, 4, 8]; ValueError names what is wrong."""
    levels = []
    for part in text.split(","):
        part = part.strip()
        if not part.isdigit() or not 1 <= int(part) <= 256:
            raise ValueError(f"{part!r} is not a concurrency from 1 to 256")
        levels.append(int(part))
    return sorted(set(levels))


def one_request(client: Any, url: str, body: dict[str, Any]) -> One:
    import httpx

    start = time.monotonic()
    first = last = None
    chunks, usage = 0, None
    try:
        with client.stream("POST", url, json=body) as response:
            if response.status_code != 200:
                text = response.read().decode("utf-8", "replace")
                detail = server_error(text) or clip(text.strip(), 120)
                return One(None, None, time.monotonic() - start, 0, f"HTTP {response.status_code}: {detail}")
            for chunk in events(response.iter_lines()):
                if delta_text(chunk):
                    now = time.monotonic()
                    first = now if first is None else first
                    last, chunks = now, chunks + 1
                usage = usage_tokens(chunk) or usage
    except (httpx.HTTPError, BadStream) as exc:
        return One(None, None, time.monotonic() - start, 0, f"{type(exc).__name__}: {clip(str(exc), 120)}")
    total = time.monotonic() - start
    if first is None:
        return One(None, None, total, 0, "no token streamed")
    tokens = usage or chunks
    itl = (last - first) / (tokens - 1) if last is not None and tokens > 1 else None
    return One(first - start, itl, total, tokens)


def _level(client: Any, url: str, body: dict[str, Any], concurrency: int, rounds: int,
           limit_s: float) -> LoadLevel:
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(lambda _: one_request(client, url, body), range(concurrency)))  # warm-up
        deadline = time.monotonic() + limit_s
        lock = threading.Lock()
        left = [concurrency * rounds]

        def slot(_: int) -> list[One]:
            done = []
            while time.monotonic() < deadline:
                with lock:
                    if left[0] == 0:
                        break
                    left[0] -= 1
                done.append(one_request(client, url, body))
            return done

        start = time.monotonic()
        results = [one for slot_results in pool.map(slot, range(concurrency)) for one in slot_results]
        wall = time.monotonic() - start
    good = [r for r in results if r.error is None]
    errors = [r for r in results if r.error is not None]

    def pct(values: list[float | None], q: float) -> float | None:
        found = percentile([v for v in values if v is not None], q)
        return round(found, 6) if found is not None else None

    tokens = sum(r.tokens for r in good)
    return LoadLevel(
        concurrency=concurrency, requests=len(results), errors=len(errors),
        ttft_p50=pct([r.ttft for r in good], 50), ttft_p95=pct([r.ttft for r in good], 95),
        itl_p50=pct([r.itl for r in good], 50), itl_p95=pct([r.itl for r in good], 95),
        total_p50=pct([r.total for r in good], 50), total_p95=pct([r.total for r in good], 95),
        tokens_per_s=round(tokens / wall, 2) if wall > 0 and tokens else None,
        error=errors[0].error if errors else None,
    )


def concurrency_sweep(base_url: str, model: str, levels: list[int], *, target_p95_s: float | None = None,
                      max_tokens: int = MAX_TOKENS, rounds: int = ROUNDS, level_limit_s: float = LEVEL_LIMIT_S,
                      timeout_s: float = 120.0, say: Callable[[str], None] | None = None) -> LoadSweep:
    """Each level in turn; a level where every request failed ends the sweep (the server is
    down, or overloaded past use)."""
    import httpx

    url = base_url.rstrip("/") + "/chat/completions"
    body = {"model": model, "messages": [{"role": "user", "content": PROMPT}], "max_tokens": max_tokens,
            "temperature": 0, "stream": True, "stream_options": {"include_usage": True}}
    measured: list[LoadLevel] = []
    stopped = None
    limits = httpx.Limits(max_connections=max(levels) + 2, max_keepalive_connections=max(levels) + 2)
    with httpx.Client(timeout=httpx.Timeout(timeout_s, connect=2.0), limits=limits, trust_env=False) as client:
        for concurrency in levels:
            if say is not None:
                say(f"concurrency {concurrency}: {concurrency * rounds} streamed requests after a warm-up")
            level = _level(client, url, body, concurrency, rounds, level_limit_s)
            if target_p95_s is not None:
                level = level.model_copy(update={"meets_target": level.errors == 0 and level.total_p95 is not None
                                                 and level.total_p95 <= target_p95_s})
            measured.append(level)
            if level.errors == level.requests:
                stopped = f"every request at concurrency {concurrency} failed: {level.error}"
                break
    meeting = [lv.concurrency for lv in measured if lv.meets_target]
    return LoadSweep(levels=measured, target_p95_s=target_p95_s, best=max(meeting) if meeting else None,
                     max_tokens=max_tokens, prompt=PROMPT, stopped=stopped)
