"""Scripted attempt functions for the search tests: plain data, no daemon."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from jetllm.core.attempt import Attempt, AttemptOutcome, Smoke, SmokeCheck
from jetllm.core.diagnosis import Diagnosis, FailureClass, RetrySmaller
from jetllm.core.spec import Settings
from jetllm.search import Candidate, Knob, Ladder

RETRY = {
    FailureClass.CUDA_ALLOCATOR_ASSERT: RetrySmaller.YES,
    FailureClass.GPU_OOM: RetrySmaller.YES,
    FailureClass.HOST_OOM_KILLED: RetrySmaller.YES,
    FailureClass.KV_CACHE_INSUFFICIENT: RetrySmaller.YES,
    FailureClass.LIBRARY_MISMATCH: RetrySmaller.NO,
    FailureClass.DRIVER_TOO_OLD: RetrySmaller.NO,
    FailureClass.STARTUP_TIMEOUT: RetrySmaller.SOMETIMES,
    FailureClass.UNKNOWN: RetrySmaller.SOMETIMES,
}


def diagnosis(cls: FailureClass) -> Diagnosis:
    return Diagnosis.model_validate(
        {"class": cls.value, "cause": f"{cls.value} cause", "fix": f"fix for {cls.value}",
         "retry_smaller": RETRY[cls].value}
    )


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class FakeWorld:
    """Each backend: a rule settings -> None (works) or the failure class."""

    rules: dict[str, Callable[[Settings], FailureClass | None]]
    clock: FakeClock = field(default_factory=FakeClock)
    cost_s: float = 90.0
    speed: dict[str, float] = field(default_factory=dict)
    calls: list[tuple[str, Settings]] = field(default_factory=list)
    timeouts: list[float | None] = field(default_factory=list)
    interrupt_at: int | None = None
    checks: dict[str, list[SmokeCheck]] = field(default_factory=dict)  # the smoke suite's, per backend

    def __call__(self, candidate: Candidate, settings: Settings, timeout: float | None) -> Attempt:
        if self.interrupt_at is not None and len(self.calls) == self.interrupt_at:
            raise KeyboardInterrupt
        self.calls.append((candidate.name, settings))
        self.timeouts.append(timeout)
        self.clock.now += self.cost_s
        failure = self.rules[candidate.backend](settings)
        if failure is None:
            return Attempt(
                backend=candidate.backend, image=candidate.image, settings=settings,
                outcome=AttemptOutcome.READY, container_started=True,
                smoke=Smoke(tokens_per_s=self.speed.get(candidate.backend, 10.0), ttft_s=0.2),
                base_url="http://127.0.0.1:8000/v1", checks=self.checks.get(candidate.backend, []),
            )
        return Attempt(
            backend=candidate.backend, image=candidate.image, settings=settings,
            outcome=AttemptOutcome.FAILED, diagnosis=diagnosis(failure), container_started=True,
            log_tail=[f"{failure.value} happened", "Authorization: Bearer hf_abcdefghijklmnopqrstuvwx"],
        )

    def starts(self, name: str) -> int:
        return sum(1 for called, _ in self.calls if called == name)


def vllm_ladder() -> Ladder:
    gpu = [round(0.9 - 0.05 * i, 2) for i in range(13)]  # 0.90 .. 0.30
    return Ladder(knobs=[
        Knob(name="gpu_util", values=gpu, continuous=True),
        Knob(name="max_len", values=[4096, 2048, 1024]),
    ])


def candidate(backend: str, ladder: Ladder | None = None, image: str | None = None) -> Candidate:
    return Candidate(
        name=backend, backend=backend, image=image or f"example/{backend}:1",
        ladder=ladder or Ladder(), base=Settings(model="Qwen/Qwen2.5-3B-Instruct-AWQ"),
    )
