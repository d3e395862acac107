"""The soak loop: streamed chat requests at a set concurrency for a set time (and at
most a set count), with a look at the server every sample_s through `look` (the
container's figures: the caller's). Ctrl-C ends it with the figures so far.

    figures = soak_loop(base_url, model, duration_s=3600, concurrency=2, look=watcher)
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from jetllm.core.soak import SoakSample
from jetllm.smoke.load import one_request, percentile

PROMPT = "In two sentences: why do embedded AI boards need good cooling?"
MAX_TOKENS = 32

Look = Callable[[], dict[str, Any]]  # container_memory_bytes, mem_available_bytes, restarts, running


@dataclass
class SoakFigures:
    duration_s: float = 0.0
    requests: int = 0
    errors: int = 0
    first_error: str | None = None
    done: list[tuple[float, float]] = field(default_factory=list)  # (finished at, response time) of successes
    samples: list[SoakSample] = field(default_factory=list)
    interrupted: bool = False
    ended_early: str | None = None

    def drift(self) -> tuple[float | None, float | None, float | None]:
        """p50 of the first and the last tenth of the soak (by when requests finished, up to
        the last one), and last / first - 1."""
        span = max((at for at, _ in self.done), default=0.0)
        first = percentile([t for at, t in self.done if at <= span / 10], 50)
        last = percentile([t for at, t in self.done if at >= span * 0.9], 50)
        drift = last / first - 1 if first and last is not None else None
        return first, last, drift


def soak_loop(base_url: str, model: str, *, duration_s: float, concurrency: int = 1,
              max_requests: int | None = None, look: Look | None = None, sample_s: float = 5.0,
              say: Callable[[str], None] | None = None, say_every_s: float = 60.0,
              timeout_s: float = 60.0, tick: Callable[[float, int, int], None] | None = None) -> SoakFigures:
    """`say` gets a line every say_every_s; `tick` (a progress bar) seconds, requests and
    errors about every second."""
    import httpx

    url = base_url.rstrip("/") + "/chat/completions"
    body = {"model": model, "messages": [{"role": "user", "content": PROMPT}], "max_tokens": MAX_TOKENS,
            "temperature": 0, "stream": True, "stream_options": {"include_usage": True}}
    figures = SoakFigures()
    lock = threading.Lock()
    stop = threading.Event()
    begin = time.monotonic()
    left = [max_requests if max_requests is not None else -1]

    def worker() -> None:
        while not stop.is_set() and time.monotonic() - begin < duration_s:
            with lock:
                if left[0] == 0:
                    return
                left[0] -= 1
            one = one_request(client, url, body)
            with lock:
                figures.requests += 1
                if one.error is None:
                    figures.done.append((time.monotonic() - begin, one.total))
                else:
                    figures.errors += 1
                    figures.first_error = figures.first_error or one.error
            if one.error is not None:
                time.sleep(min(1.0, max(0.0, duration_s - (time.monotonic() - begin))))  # no hot loop

    def take_sample() -> bool:
        """One sample; False when the server's container stopped."""
        seen = look() if look is not None else {}
        with lock:
            figures.samples.append(SoakSample(t_s=round(time.monotonic() - begin, 2), requests=figures.requests,
                                              errors=figures.errors, **seen))
        return seen.get("running") is not False

    limits = httpx.Limits(max_connections=concurrency + 2)
    with httpx.Client(timeout=httpx.Timeout(timeout_s, connect=2.0), limits=limits, trust_env=False) as client, \
            ThreadPoolExecutor(max_workers=concurrency) as pool:
        futures: list[Future[None]] = [pool.submit(worker) for _ in range(concurrency)]
        next_sample, next_say = begin, begin + say_every_s
        try:
            while True:
                now = time.monotonic()
                if now >= next_sample:
                    next_sample = now + sample_s
                    if not take_sample():
                        figures.ended_early = "the container stopped"
                        break
                if say is not None and now >= next_say:
                    next_say = now + say_every_s
                    say(f"{now - begin:.0f} s: {figures.requests} requests, {figures.errors} errors")
                if tick is not None:
                    tick(now - begin, figures.requests, figures.errors)
                pending = [f for f in futures if not f.done()]
                if not pending:
                    break
                wait(pending, timeout=min(1.0, max(0.05, next_sample - time.monotonic())),
                     return_when=FIRST_COMPLETED)
        except KeyboardInterrupt:
            figures.interrupted = True
        finally:
            stop.set()
            figures.duration_s = time.monotonic() - begin
            if not figures.interrupted and figures.ended_early is None:
                take_sample()  # the state at the end
    return figures
