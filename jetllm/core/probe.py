"""The image probe's records (jetllm/runtime/probe.py runs it): what a container showed of
the GPU and its backend before any model load, and the problems found, each with its
class and fix. An Attempt carries the probe of its image; the report shows its facts."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from jetllm.core.diagnosis import FailureClass
from jetllm.core.record import Record
from jetllm.core.spec import GpuHandover

# A GPU a retry cannot bring back: the candidate ends before any model load.
BLOCKERS = (FailureClass.GPU_RUNTIME_MISSING, FailureClass.DRIVER_TOO_OLD,
            FailureClass.UNSUPPORTED_GPU, FailureClass.LIBRARY_MISMATCH)


class ProbeFacts(Record):
    """The GPU and the backend as the container sees them (None: not read, or not there)."""

    libcuda: str | None = None
    libcuda_target: str | None = None
    libcuda_kind: str | None = None  # driver (mounted from the host), stub (the toolkit's), compat
    dev_nodes: tuple[str, ...] = ()
    image_l4t: str | None = None  # from the image's /etc/nv_tegra_release
    cuda_version: str | None = None  # the image's CUDA_VERSION
    python: str | None = None
    cuda_init: int | None = None  # cuInit's result through the image's Python (0 = success)
    cuda_driver_version: str | None = None
    cuda_driver_error: str | None = None
    torch_version: str | None = None
    torch_cuda: str | None = None
    torch_cuda_available: bool | None = None
    torch_device: str | None = None
    torch_capability: str | None = None
    torch_arch_list: tuple[str, ...] | None = None
    torch_error: str | None = None
    llama_server: str | None = None
    llama_devices: tuple[str, ...] = ()
    vllm_version: str | None = None
    sglang_version: str | None = None
    tensorrt_llm_version: str | None = None
    ollama: str | None = None  # the ollama binary's path
    ollama_version: str | None = None
    jetson_jetpack: str | None = None  # JETSON_JETPACK in the container (Ollama reads it on Jetson)


class ProbeProblem(Record):
    failure_class: FailureClass = Field(alias="class")
    message: str
    fix: str | None = None

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)


class ProbeResult(Record):
    image: str
    backend: str | None = None
    gpu: GpuHandover = GpuHandover.NONE
    ran: bool = False  # the probe script ran to its end
    facts: ProbeFacts = Field(default_factory=ProbeFacts)
    problems: tuple[ProbeProblem, ...] = ()
    timed_out: bool = False
    exit_code: int | None = None
    duration_s: float | None = None
    container_removed: bool = True
    note: str | None = None  # why the probe could not run (no shell in the image, ...)
    output: tuple[str, ...] = ()  # the probe's own lines, redacted

    @property
    def blocker(self) -> ProbeProblem | None:
        return next((p for p in self.problems if p.failure_class in BLOCKERS), None)

    @property
    def cpu_fallback(self) -> ProbeProblem | None:
        return next((p for p in self.problems if p.failure_class is FailureClass.CPU_FALLBACK), None)

    @property
    def verdict(self) -> str:
        found = self.blocker or self.cpu_fallback
        return found.failure_class.value if found else ("ok" if self.ran else "not_probed")

    def to_json(self) -> dict[str, Any]:
        doc = self.model_dump(mode="json", by_alias=True)
        doc["problems"] = [p.to_json() for p in self.problems]
        doc["verdict"] = self.verdict
        return doc


def fact_lines(facts: ProbeFacts) -> list[str]:
    """The facts as short lines, for the terminal and the report."""
    lines = []
    cuda = facts.libcuda_target if facts.libcuda and facts.libcuda_target != facts.libcuda else None
    lines.append(f"libcuda   {facts.libcuda or 'none'}" + (f" -> {cuda}" if cuda else "")
                 + (f" ({facts.libcuda_kind})" if facts.libcuda_kind else ""))
    lines.append(f"devices   {' '.join(facts.dev_nodes) or 'none'}")
    if facts.cuda_driver_version or facts.cuda_init is not None:
        lines.append(f"driver    CUDA {facts.cuda_driver_version or '?'} (cuInit {facts.cuda_init})")
    if facts.image_l4t:
        lines.append(f"image L4T r{facts.image_l4t}")
    if facts.torch_version or facts.torch_error:
        torch = (f"torch {facts.torch_version} CUDA {facts.torch_cuda or 'none'}"
                 + (f", available {'yes' if facts.torch_cuda_available else 'no'}"
                    if facts.torch_cuda_available is not None else "")
                 + (f", {facts.torch_device} (cc {facts.torch_capability})" if facts.torch_device else "")
                 + (f", archs {' '.join(facts.torch_arch_list)}" if facts.torch_arch_list else ""))
        lines.append(f"torch     {torch if facts.torch_version else facts.torch_error}")
    if facts.llama_server:
        lines.append(f"llama.cpp {'; '.join(facts.llama_devices) or 'no device listed'}")
    servers = [f"{name} {version}" for name, version in (
        ("vLLM", facts.vllm_version), ("SGLang", facts.sglang_version),
        ("TensorRT-LLM", facts.tensorrt_llm_version), ("Ollama", facts.ollama_version)) if version]
    if servers:
        lines.append(f"servers   {', '.join(servers)}")
    return lines
