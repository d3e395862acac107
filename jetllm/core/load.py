"""Latency under load: what a concurrency sweep measured (jetllm/smoke/load.py)."""

from __future__ import annotations

from pydantic import Field

from jetllm.core.record import Record


class LoadLevel(Record):
    """One concurrency level: streamed requests of the same prompt and output length,
    warm-up excluded. Times in seconds; inter-token latency per request, then pooled."""

    concurrency: int
    requests: int  # measured (the warm-up not counted)
    errors: int = 0
    ttft_p50: float | None = None
    ttft_p95: float | None = None
    itl_p50: float | None = None
    itl_p95: float | None = None
    total_p50: float | None = None
    total_p95: float | None = None
    tokens_per_s: float | None = None  # output tokens of all requests over the level's wall time
    meets_target: bool | None = None  # total_p95 within --target-p95 and no errors; None: no target
    error: str | None = None  # the first error's words


class LoadSweep(Record):
    levels: list[LoadLevel] = Field(default_factory=list)
    target_p95_s: float | None = None
    best: int | None = None  # the largest concurrency that met the target
    max_tokens: int
    prompt: str
    stopped: str | None = None  # why the sweep ended early (time bound, interrupted)


class LoadPlan(Record):
    """What was asked: --concurrency-sweep 1,2,4,8 [--target-p95 3s]."""

    levels: list[int]
    target_p95_s: float | None = None
