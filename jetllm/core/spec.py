"""ContainerSpec: one backend start, fully decided, as plain data.

The catalog renders a profile + host facts + settings into a ContainerSpec;
jetllm/runtime/docker.py is the only code that turns a spec into a container.
Tests assert on specs without a daemon. These records cross stages: their
lists are tuples and their mappings read-only, so no stage changes another's.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Any

from pydantic import Field

from jetllm.core.record import FrozenMap, Record, frozen_map


class Settings(Record):
    """The knobs a try or a bring-up step sets; None = the profile's default."""

    model: str | None = None  # HF id, GGUF path, or Ollama tag, per the backend
    gpu_util: float | None = None  # fraction of GPU memory (vLLM, SGLang, TRT-LLM KV fraction)
    max_len: int | None = None  # context length
    concurrency: int | None = None  # max sequences / parallel slots
    gpu_layers: int | None = None  # llama.cpp / Ollama layers offloaded
    quantization: str | None = None
    extra: FrozenMap[str, Any] = Field(default_factory=dict, validate_default=True)  # profile-specific knobs

    def with_knobs(self, values: Mapping[str, Any]) -> Settings:
        """These settings with knob values set: a Settings field by its name, any other knob in extra."""
        fields = {name: value for name, value in values.items() if name in SETTINGS_KNOBS}
        extra = {name: value for name, value in values.items() if name not in SETTINGS_KNOBS}
        return self.model_copy(update={**fields, "extra": frozen_map({**self.extra, **extra})})


# The knobs Settings names (the try and bringup flags): every field but the model and extra.
SETTINGS_KNOBS = tuple(name for name in Settings.model_fields if name not in ("model", "extra"))


class GpuHandover(str, Enum):
    NONE = "none"  # CPU only
    RUNTIME = "runtime"  # --runtime nvidia (Jetson)
    DEVICE_REQUEST = "device_request"  # --gpus all (x86 / arm64 servers)
    CDI = "cdi"  # --device nvidia.com/gpu=all


class Mount(Record):
    source: str  # host path or named volume
    target: str
    read_only: bool = False


class ReadySpec(Record):
    """How to know the backend serves (reference.md section 4)."""

    health_path: str | None = "/health"  # None: the backend has none (MLC)
    ok_statuses: tuple[int, ...] = (200,)
    # Statuses that mean "alive, still loading" (llama-server answers 503).
    loading_statuses: tuple[int, ...] = (503,)
    log_line: str | None = None  # a regex; the log line printed once it serves
    log_file: str | None = None  # read the log from this path inside the container, not stdout
    timeout_s: float = Field(default=600.0, gt=0)


class ModelPullSpec(Record):
    """A server that serves only models it holds (Ollama): once it is up, jetllm
    asks it to fetch the served model (POST path {"model": ...}) before the smoke
    request. A profile's `model_pull` is this record as written."""

    path: str = Field(pattern=r"^/")
    check_path: str | None = Field(default=None, pattern=r"^/")  # 200 when it holds the model already
    timeout_s: float = Field(default=3600.0, gt=0)


class ContainerSpec(Record):
    backend: str
    image: str
    command: tuple[str, ...] = ()
    entrypoint: tuple[str, ...] | None = None
    env: FrozenMap[str, str] = Field(default_factory=dict, validate_default=True)
    # Names of env vars whose values are secrets (HF_TOKEN): passed, never printed.
    secret_env: tuple[str, ...] = ()
    container_port: int
    host_port: int | None = None  # None: the container port if free, else any free port
    host_address: str = "127.0.0.1"
    gpu: GpuHandover = GpuHandover.NONE
    runtime: str | None = None  # e.g. "nvidia" when gpu == RUNTIME
    mounts: tuple[Mount, ...] = ()
    shm_size: str | None = None  # e.g. "8g"
    ipc_host: bool = False
    memory_limit: str | None = None  # e.g. "48m"; a host memory ceiling
    tty: bool = False
    init: bool = True
    cap_drop_all: bool = False  # only where the backend runs without capabilities
    ready: ReadySpec = Field(default_factory=ReadySpec)
    api_base: str = "/v1"  # OpenAI-compatible API prefix
    served_model: str | None = None  # the "model" field of the chat request
    model_pull: ModelPullSpec | None = None
    settings: Settings = Field(default_factory=Settings)
    tool_call_args: tuple[str, ...] = ()  # in `command` too: the profile's flags for tool calls
    healthcheck_tool: str = "none"  # curl, wget or python3: what the image can probe itself with


def describe(settings: Settings) -> str:
    """`gpu_util=0.55 max_len=4096`: the knobs set, for tables and messages."""
    parts = [f"{name}={getattr(settings, name)}" for name in SETTINGS_KNOBS if getattr(settings, name) is not None]
    parts += [f"{key}={value}" for key, value in sorted(settings.extra.items())]
    return " ".join(parts) or "defaults"
