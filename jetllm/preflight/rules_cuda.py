"""The CUDA rules: NVIDIA_REQUIRE_* as the toolkit checks them, then the
image's CUDA against what this host's driver (or Jetson's cuda-compat) gives.

The toolkit itself no longer checks requirements in its default jit-cdi mode
(toolkit >= 1.18; reference.md 3.3), so a too-new image starts and dies later;
this is the only check left.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jetllm.core.compat import Reason, Severity
from jetllm.core.diagnosis import FailureClass
from jetllm.knowledge import cuda
from jetllm.knowledge.versions import Version, parse, version
from jetllm.preflight.requires import evaluate, parse_requirement, requirements

if TYPE_CHECKING:
    from jetllm.core.facts import HostFacts

DRIVER = FailureClass.DRIVER_TOO_OLD
# On Jetson the driver comes with L4T: no driver update on its own, only another image or JetPack.
_JETSON_FIX = ("use an image built for this L4T release (dustynv/...:r36.x on JetPack 6), "
               "or a JetPack release whose CUDA is that new")


def _reason(severity: Severity, message: str, fix: str | None = None, cls: FailureClass = DRIVER) -> Reason:
    return Reason(rule="cuda", severity=severity, failure_class=cls if severity is Severity.BLOCKER else cls,
                  message=message, fix=fix)


def _host(facts: HostFacts) -> str:
    cuda_v = cuda.host_cuda(facts)
    shown = f"CUDA {cuda.text(cuda_v)}" if cuda_v else "an unknown CUDA"
    driver = facts.nvml.driver_version or "unknown"
    where = f"this Jetson (L4T {facts.jetson.l4t})" if facts.jetson.is_jetson else "this host"
    return f"{where} has driver {driver} with {shown}"


def driver_rule(env: dict[str, str], facts: HostFacts) -> list[Reason]:
    """A CUDA image on a host where no NVIDIA driver answers (not a Jetson, whose
    driver comes with L4T): nothing the toolkit could check, it cannot run."""
    if facts.jetson.is_jetson or (facts.nvml.available and facts.nvml.driver_version):
        return []
    image = cuda.image_cuda(env)
    required = env.get("NVIDIA_REQUIRE_CUDA", "").strip()
    if image is None and not required:
        return []
    asks = f"the image carries CUDA {cuda.text(image)}" if image else f"the image requires {required[:80]}"
    why = f" ({facts.nvml.error})" if facts.nvml.error else ""
    return [Reason(rule="driver", severity=Severity.BLOCKER, failure_class=FailureClass.GPU_RUNTIME_MISSING,
                   message=f"{asks}; this host has no NVIDIA driver{why}",
                   fix="install the NVIDIA driver (`jetllm doctor` says how), or use the backend's CPU image")]


def require_rule(env: dict[str, str], facts: HostFacts) -> list[Reason]:
    """NVIDIA_REQUIRE_* (and the legacy CUDA_VERSION rule), ANDed."""
    if env.get("NVIDIA_DISABLE_REQUIRE") and not requirements(env):
        return [_reason(Severity.INFO, "NVIDIA_DISABLE_REQUIRE is set: the toolkit checks nothing")]
    host_cuda = cuda.host_cuda(facts)
    gpu = facts.nvml.gpus[0] if facts.nvml.gpus else None
    props = {
        "cuda": cuda.text(host_cuda) if host_cuda else None,
        "arch": (gpu.compute_capability if gpu else None) or facts.jetson.cuda_arch,
        "driver": None if facts.jetson.is_jetson else facts.nvml.driver_version,
        "brand": None if facts.jetson.is_jetson else cuda.brand(facts),
    }
    # Jetson's csv mode knows only cuda and arch: a brand/driver term never matches.
    missing = False if facts.jetson.is_jetson else None
    reasons = []
    for name, value in sorted(requirements(env).items()):
        try:
            verdict = evaluate(parse_requirement(value), props, missing)
        except ValueError as exc:
            reasons.append(_reason(Severity.WARNING, f"{name} cannot be read ({exc})", cls=FailureClass.UNKNOWN))
            continue
        shown = value if len(value) <= 80 else value[:77] + "..."
        if verdict is False:
            cls = FailureClass.UNSUPPORTED_GPU if value.startswith("arch") else DRIVER
            reasons.append(_reason(Severity.BLOCKER, f"{name}={shown} is not met: {_host(facts)}",
                                   _JETSON_FIX if facts.jetson.is_jetson else
                                   "use an image built for this driver, or update the driver", cls))
        elif verdict is None:
            reasons.append(_reason(Severity.WARNING, f"{name}={shown} cannot be decided: {_host(facts)}",
                                   cls=FailureClass.UNKNOWN))
        else:
            reasons.append(_reason(Severity.INFO, f"{name}={shown} is met"))
    return reasons


def _needed_driver(env: dict[str, str], image: Version) -> str | None:
    # NGC images name the driver their CUDA needs (CUDA_DRIVER_VERSION); others: the table.
    return env.get("CUDA_DRIVER_VERSION") or cuda.min_driver(image)


def _jetson(env: dict[str, str], image: Version, facts: HostFacts) -> Reason:
    host = cuda.host_cuda(facts)
    ceiling = cuda.jetson_ceiling(facts)
    needed = _needed_driver(env, image)
    asks = f"the image carries CUDA {cuda.text(image)}" + (f" (driver >= {needed} on other hosts)" if needed else "")
    if host and image[:2] <= host:
        return _reason(Severity.INFO, f"{asks}; {_host(facts)}")
    if ceiling and image[:2] <= ceiling:
        if cuda.ships_compat(env):
            return _reason(Severity.INFO, f"{asks}; {_host(facts)}; it runs through the image's cuda-compat")
        return _reason(Severity.BLOCKER, f"{asks} without cuda-compat; {_host(facts)}",
                       "use a Jetson build (dustynv/... for this L4T), which ships cuda-compat")
    return _reason(
        Severity.BLOCKER,
        f"{asks}; {_host(facts)}, and cuda-compat reaches "
        + (f"only CUDA {cuda.text(ceiling)} on this L4T release" if ceiling else "no further here"),
        _JETSON_FIX,
    )


def _dgpu(env: dict[str, str], image: Version, facts: HostFacts) -> Reason:
    host = cuda.host_cuda(facts)
    driver = parse(facts.nvml.driver_version)
    needed = _needed_driver(env, image)
    asks = f"the image carries CUDA {cuda.text(image)}" + (f" and needs driver >= {needed}" if needed else "")
    if driver is None and host is None:
        return _reason(Severity.WARNING, f"{asks}; this host's driver is not known", cls=FailureClass.UNKNOWN)
    if (driver and needed and driver >= version(needed)) or (host and image[:2] <= host):
        return _reason(Severity.INFO, f"{asks}; {_host(facts)}")
    if cuda.datacenter(facts) and cuda.ships_compat(env):
        return _reason(Severity.INFO, f"{asks}; {_host(facts)}; a datacenter GPU runs it through cuda-compat")
    floor = cuda.mvc_floor(image)
    if host and host[0] == image[0] and driver and floor and driver >= version(floor):
        return _reason(Severity.WARNING,
                       f"{asks}; {_host(facts)}: minor-version compatibility runs the CUDA runtime, "
                       "but kernels JIT-compiled from newer PTX can fail",
                       f"update the driver to {needed} or newer" if needed else None)
    return _reason(Severity.BLOCKER, f"{asks}; {_host(facts)}",
                   f"update the driver to {needed} or newer, or use an image built for CUDA "
                   f"{cuda.text(host) if host else 'this driver'}" if needed else "update the driver")


def cuda_rule(env: dict[str, str], facts: HostFacts) -> list[Reason]:
    image = cuda.image_cuda(env)
    if image is None:
        if facts.jetson.is_jetson:
            return [_reason(Severity.INFO, "the image states no CUDA_VERSION; judged by its L4T release")]
        return []
    return [_jetson(env, image, facts) if facts.jetson.is_jetson else _dgpu(env, image, facts)]
