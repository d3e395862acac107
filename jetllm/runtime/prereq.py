"""Prerequisites, judged from doctor's facts before anything is pulled or started.

A spec that needs the GPU on a host with no NVIDIA driver, or without the
container runtime/CDI its hand-over needs, fails here as gpu_runtime_missing;
no Docker daemon is docker_unavailable; and an image preflight calls
incompatible (read from the local daemon, else from the registry unless the
pull policy is 'never') gets the class and fix preflight predicts.
`--force` skips all of this and lets the daemon decide.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jetllm.core.diagnosis import Diagnosis, FailureClass
from jetllm.core.facts import HostFacts
from jetllm.core.spec import ContainerSpec, GpuHandover
from jetllm.runtime import diagnose

if TYPE_CHECKING:
    from jetllm.core.compat import Compatibility


def no_driver(backend: str, facts: HostFacts) -> Diagnosis:
    """gpu_runtime_missing for a backend that needs the GPU where no NVIDIA driver answers:
    the fix starts with the driver, then the container toolkit."""
    from jetllm.doctor.gpu import X86_DRIVER_FIX

    fix = (f"{X86_DRIVER_FIX}; then install nvidia-container-toolkit, run `sudo nvidia-ctk runtime "
           "configure --runtime=docker` and restart Docker (`jetllm doctor` checks both)")
    found = diagnose.of_class(FailureClass.GPU_RUNTIME_MISSING, _no_driver(backend, facts))
    return found.model_copy(update={"fix": fix})


def _no_driver(backend: str, facts: HostFacts) -> str:
    why = f" ({facts.nvml.error})" if facts.nvml.error else ""
    return f"{backend} needs the GPU and no NVIDIA driver answers on this host{why}"


def gpu_problem(spec: ContainerSpec, facts: HostFacts) -> str | None:
    """Why this host cannot hand a GPU to this spec's container, or None."""
    if spec.gpu is GpuHandover.NONE:
        return None
    nvml, docker = facts.nvml, facts.docker
    if not facts.jetson.is_jetson and not (nvml.available and nvml.driver_version):
        return _no_driver(spec.backend, facts)
    has_runtime = "nvidia" in docker.runtimes
    if spec.gpu is GpuHandover.RUNTIME and (spec.runtime or "nvidia") not in docker.runtimes:
        return (f"{spec.backend} needs the '{spec.runtime or 'nvidia'}' container runtime and "
                f"Docker lists only: {', '.join(docker.runtimes) or 'none'}")
    if spec.gpu is GpuHandover.CDI and not docker.cdi_specs:
        return f"{spec.backend} needs NVIDIA CDI devices and no CDI spec is installed"
    if spec.gpu is GpuHandover.DEVICE_REQUEST and not (has_runtime or docker.cdi_specs):
        return (f"{spec.backend} needs the GPU through --gpus and the NVIDIA Container Toolkit "
                f"is not configured for Docker (runtimes: {', '.join(docker.runtimes) or 'none'})")
    return None


def preflight(image: str, facts: HostFacts, *, pull_allowed: bool = True,
              known: Compatibility | None = None) -> Diagnosis | None:
    """Preflight's predicted failure for this image here (`known`: its answer, when
    the caller has one already), or None when it is compatible or cannot tell."""
    from jetllm.preflight import check, diagnosis

    found = known if known is not None else check(image, facts, pull_allowed=pull_allowed)
    return diagnosis(found, jetson=facts.jetson.is_jetson)


def check(spec: ContainerSpec, facts: HostFacts, *, pull_policy: str = "missing",
          known: Compatibility | None = None) -> Diagnosis | None:
    """The first prerequisite this host misses for `spec`, as a Diagnosis, or None."""
    jetson = facts.jetson.is_jetson
    if not facts.docker.reachable:
        cause = facts.docker.error or "the Docker daemon is not reachable"
        return diagnose.of_message(cause, FailureClass.DOCKER_UNAVAILABLE, jetson=jetson)
    problem = gpu_problem(spec, facts)
    if problem is not None:
        return diagnose.of_class(FailureClass.GPU_RUNTIME_MISSING, problem, jetson=jetson)
    return preflight(spec.image, facts, pull_allowed=pull_policy != "never", known=known)
