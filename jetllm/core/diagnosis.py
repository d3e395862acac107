"""The vocabulary of failures (failure-classes table in README) and the Diagnosis record.

Every failed attempt ends in exactly one FailureClass; the search steers by
Diagnosis.retry_smaller. What each class means, its default fix and default
retry_smaller live in jetllm/classify/classes.yaml.
"""

from __future__ import annotations

from enum import Enum

from pydantic import Field

from jetllm.core.record import Record


class FailureClass(str, Enum):
    DRIVER_TOO_OLD = "driver_too_old"
    GPU_RUNTIME_MISSING = "gpu_runtime_missing"
    CUDA_ALLOCATOR_ASSERT = "cuda_allocator_assert"
    GPU_OOM = "gpu_oom"
    KV_CACHE_INSUFFICIENT = "kv_cache_insufficient"
    HOST_OOM_KILLED = "host_oom_killed"
    ARCH_MISMATCH = "arch_mismatch"
    UNSUPPORTED_GPU = "unsupported_gpu"
    UNSUPPORTED_MODEL = "unsupported_model"
    MODEL_UNAVAILABLE = "model_unavailable"
    IMAGE_PULL_FAILED = "image_pull_failed"
    DISK_FULL = "disk_full"
    PORT_IN_USE = "port_in_use"
    DOCKER_UNAVAILABLE = "docker_unavailable"
    LIBRARY_MISMATCH = "library_mismatch"
    STARTUP_TIMEOUT = "startup_timeout"
    CPU_FALLBACK = "cpu_fallback"  # it serves, but on the CPU although a GPU was handed over
    UNKNOWN = "unknown"
    NONE = "none"


class RetrySmaller(str, Enum):
    """Whether less memory or a shorter context can turn this failure into a start."""

    YES = "yes"
    NO = "no"
    SOMETIMES = "sometimes"
    NOT_APPLICABLE = "-"  # class none: nothing failed


class Evidence(Record):
    line: int  # 1-based line number in the log as given
    text: str  # the line, cleaned (timestamps, ANSI colours and CRs removed)


class ExitState(Record):
    """How the process or container ended, as Docker reports it."""

    exit_code: int | None = None
    oom_killed: bool = False
    timed_out: bool = False  # jetllm stopped it: no readiness within the time allowed
    ready: bool = False  # it served before it ended (or was stopped by us)


class Diagnosis(Record):
    failure_class: FailureClass = Field(alias="class")
    cause: str
    evidence: list[Evidence] = Field(default_factory=list)
    fix: str
    retry_smaller: RetrySmaller
    signature: str | None = None  # id of the signature that decided, for debugging

    def to_json(self) -> dict[str, object]:
        return self.model_dump(mode="json", by_alias=True)
