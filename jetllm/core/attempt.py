"""Attempt: what one start of one backend with one set of settings came to.

`jetllm try` prints one; `jetllm bringup` collects many. The search reads
outcome and diagnosis.retry_smaller to choose its next step.
"""

from __future__ import annotations

from enum import Enum

from pydantic import Field

from jetllm.core.diagnosis import Diagnosis, ExitState, FailureClass
from jetllm.core.load import LoadSweep
from jetllm.core.probe import ProbeResult
from jetllm.core.record import Record
from jetllm.core.spec import Settings


class AttemptOutcome(str, Enum):
    READY = "ready"  # it served and answered a real chat request
    FAILED = "failed"
    SKIPPED = "skipped"  # not started: a prerequisite or preflight said it cannot run


class Timings(Record):
    pull_s: float | None = None
    start_to_ready_s: float | None = None
    model_pull_s: float | None = None  # a server that fetches its model once up (Ollama)
    smoke_s: float | None = None
    total_s: float | None = None


class Smoke(Record):
    ttft_s: float | None = None  # time to first streamed token
    tokens_per_s: float | None = None
    total_s: float | None = None
    completion_tokens: int | None = None
    text: str | None = None
    server_timings: dict[str, float] | None = None  # what the server said of itself, if it did
    # Where tokens_per_s came from: "usage" (the stream's final usage chunk),
    # "server" (the server's own timings) or "chunks" (content chunks counted).
    tokens_source: str | None = None
    finish_reason: str | None = None  # the stream's last finish_reason ("stop", "length"), if any


class CheckStatus(str, Enum):
    PASS = "pass"
    FAIL = "fail"
    WARN = "warn"  # it answered, but not as a working model would (the sanity prompt)
    SKIP = "skip"  # the backend does not offer it (said by the server, not assumed)


class SmokeCheck(Record):
    """One check of the smoke suite (jetllm/smoke/suite.py) on a backend that served."""

    name: str  # stable, kebab-case: chat, chat-stream, tool-call, ...
    status: CheckStatus
    detail: str = ""  # one line: what was seen, or why it failed
    ms: float | None = None  # how long the check's requests took


class MemoryFigures(Record):
    """Memory as predicted before the start (modelinfo/estimate.py) against the figures
    the backend printed about itself (classify/figures.yaml), in bytes (or tokens)."""

    predicted_bytes: int | None = None  # weights + KV cache + overheads at these settings
    predicted: dict[str, int] = Field(default_factory=dict)  # weights_bytes, kv_bytes, overhead_bytes
    usable_bytes: int | None = None  # what the prediction counted as available
    measured: dict[str, float] = Field(default_factory=dict)  # as printed: weights_bytes, kv_budget_bytes, ...
    ran: dict[str, int] = Field(default_factory=dict)  # settings the backend says it ran with (max_len, ...)


class Attempt(Record):
    backend: str
    image: str
    settings: Settings
    outcome: AttemptOutcome
    diagnosis: Diagnosis | None = None  # present when outcome != ready, or when it served on the CPU
    timings: Timings = Field(default_factory=Timings)
    smoke: Smoke | None = None
    checks: list[SmokeCheck] = Field(default_factory=list)  # the smoke suite, once it served
    load: LoadSweep | None = None  # --concurrency-sweep, once it served
    exit_state: ExitState | None = None
    log_tail: list[str] = Field(default_factory=list)  # bounded, secrets redacted
    container_started: bool = False  # did this attempt start a container at all
    base_url: str | None = None  # where it served (http://127.0.0.1:PORT/v1), if it did
    container_name: str | None = None  # set when --keep left it running
    probe: ProbeResult | None = None  # the image probed before its first model load (bringup)
    memory: MemoryFigures | None = None  # predicted against measured, where the model's figures are known

    @property
    def on_cpu(self) -> bool:
        """It served, but from the CPU although a GPU was handed over (class cpu_fallback)."""
        return (self.outcome is AttemptOutcome.READY and self.diagnosis is not None
                and self.diagnosis.failure_class is FailureClass.CPU_FALLBACK)

    @property
    def measured(self) -> dict[str, float]:
        """The figures the backend printed about its memory, read by the runtime over the whole log
        (the kept tail loses the start lines once requests are served)."""
        return dict(self.memory.measured) if self.memory is not None else {}

    def to_json(self) -> dict[str, object]:
        doc = self.model_dump(mode="json", by_alias=True)
        if self.probe is not None:
            doc["probe"] = self.probe.to_json()
        return doc
