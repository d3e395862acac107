"""The image probe: the project's probes (probes/, POSIX sh) run inside a candidate
image before any model load, with the GPU handed over as the profile does, the
entrypoint replaced, no network and a hard time limit. What the container sees
(libcuda, device nodes, its L4T release, torch and its arch list, the servers'
versions) is parsed into ProbeFacts and judged into problems with their class and fix.

judge() needs no daemon (unit tests feed it probe output); run_probe() starts,
waits for and always removes one labelled container.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jetllm.core import labels
from jetllm.core.diagnosis import FailureClass
from jetllm.core.facts import HostFacts
from jetllm.core.probe import ProbeFacts, ProbeProblem, ProbeResult
from jetllm.core.resources import PACKAGE_DIR
from jetllm.core.signals import interruptions, shielded
from jetllm.core.spec import ContainerSpec, GpuHandover
from jetllm.knowledge import l4t

if TYPE_CHECKING:
    from docker import DockerClient

PROBE_TIMEOUT_S = 30.0
MOUNT = "/jetllm-probes"
_RELEASE = re.compile(r"R(\d+) \(release\), REVISION: ([0-9.]+)")
_OLLAMA_VERSION = re.compile(r"(?:client version is|ollama version is)\s+(\S+)")
_CUDA_INSUFFICIENT_DRIVER = 35  # cuInit's CUDA_ERROR_INSUFFICIENT_DRIVER
_CUDA_COMPAT_NOT_SUPPORTED = 804  # cuda-compat cannot lift this driver (CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE)
_CUDA_STUB_LIBRARY = 34  # cuInit's CUDA_ERROR_STUB_LIBRARY


def probes_dir() -> Path:
    """The shipped probes: the top-level probes/ folder in a checkout, jetllm/_bundled/probes in a wheel."""
    bundled = PACKAGE_DIR / "_bundled" / "probes"
    return bundled if bundled.is_dir() else PACKAGE_DIR.parent / "probes"


def parse(output: str) -> tuple[ProbeFacts, bool]:
    """The probe's key=value lines -> (facts, whether it ran to its end); other lines are ignored."""
    values: dict[str, str] = {}
    llama: list[str] = []
    ollama: list[str] = []
    for line in output.splitlines():
        key, sep, value = line.partition("=")
        if not sep or not re.fullmatch(r"[a-z_0-9]+", key):
            continue
        if key == "llama_devices":
            llama.append(value)
        elif key == "ollama_version_line":
            ollama.append(value)
        else:
            values[key] = value.strip()

    def get(key: str) -> str | None:
        return values.get(key) or None

    release = _RELEASE.search(values.get("nv_tegra_release", ""))
    target = get("libcuda_target")
    kind = None
    if get("libcuda"):
        kind = "stub" if "/stubs/" in f"{target}/" or "/stubs/" in str(get("libcuda")) else (
            "compat" if "/compat/" in str(target) else "driver")
    version = next((m.group(1) for line in ollama if (m := _OLLAMA_VERSION.search(line))), None)
    init = get("cuda_init")
    available = get("torch_cuda_available")
    arch = values.get("torch_arch_list")
    facts = ProbeFacts(
        libcuda=get("libcuda"), libcuda_target=target, libcuda_kind=kind,
        dev_nodes=tuple(values.get("dev_nodes", "").split()),
        image_l4t=l4t.normalise(f"{release.group(1)}.{release.group(2)}") if release else None,
        cuda_version=get("cuda_version"), python=get("python"),
        cuda_init=int(init) if init and init.lstrip("-").isdigit() else None,
        cuda_driver_version=get("cuda_driver_version"), cuda_driver_error=get("cuda_driver_error"),
        torch_version=get("torch_version"), torch_cuda=get("torch_cuda"),
        torch_cuda_available=None if available is None else available == "1",
        torch_device=get("torch_device"), torch_capability=get("torch_capability"),
        torch_arch_list=tuple(arch.split()) if arch is not None and get("torch_version") else None,
        torch_error=get("torch_error"), llama_server=get("llama_server"),
        llama_devices=tuple(line.strip() for line in llama if line.strip() and line.strip() != "Available devices:"),
        vllm_version=get("vllm_version"), sglang_version=get("sglang_version"),
        tensorrt_llm_version=get("tensorrt_llm_version"), ollama=get("ollama"), ollama_version=version,
        jetson_jetpack=get("jetson_jetpack"),
    )
    return facts, values.get("probe_done") == "1"


def _capability(facts: ProbeFacts, host: HostFacts) -> tuple[int, int] | None:
    """The GPU's compute capability: as torch saw it in the container, else the host's facts."""
    for text in (facts.torch_capability, host.jetson.cuda_arch,
                 *(gpu.compute_capability for gpu in host.nvml.gpus)):
        found = re.fullmatch(r"(\d+)\.(\d+)", text or "")
        if found:
            return int(found.group(1)), int(found.group(2))
    return None


def _runs_on(arch_list: tuple[str, ...], cc: tuple[int, int]) -> bool:
    """Whether kernels in the list run on a GPU of capability cc: a cubin of the same major
    and a lower or equal minor, or PTX (compute_XY) at or below cc."""
    for entry in arch_list:
        found = re.fullmatch(r"(sm|compute)_(\d+?)(\d)a?", entry)
        if not found:
            continue
        built = (int(found.group(2)), int(found.group(3)))
        if (found.group(1) == "sm" and built[0] == cc[0] and built[1] <= cc[1]) or (
                found.group(1) == "compute" and built <= cc):
            return True
    return False


def _major(version: str | None) -> int | None:
    found = re.match(r"(\d+)", version or "")
    return int(found.group(1)) if found else None


def judge(facts: ProbeFacts, host: HostFacts, gpu: GpuHandover, *, backend: str | None = None) -> list[ProbeProblem]:
    """The problems the facts show, each with its class and fix (the class's default where not specific)."""
    from jetllm.classify import classify_lines, diagnosis_for

    jetson = host.jetson.is_jetson
    found: list[tuple[FailureClass, str, str | None]] = []
    handed = gpu is not GpuHandover.NONE
    if handed:
        if facts.libcuda is None:
            found.append((FailureClass.GPU_RUNTIME_MISSING, "no libcuda.so.1 in the container: the GPU runtime "
                          "did not mount the host driver", None))
        elif facts.libcuda_kind == "stub" or facts.cuda_init == _CUDA_STUB_LIBRARY:
            found.append((FailureClass.GPU_RUNTIME_MISSING, f"the only libcuda.so.1 is the CUDA toolkit's stub "
                          f"({facts.libcuda_target or facts.libcuda}): the host driver was not mounted", None))
        if jetson and "/dev/nvmap" not in facts.dev_nodes:
            found.append((FailureClass.GPU_RUNTIME_MISSING, "no /dev/nvmap in the container: the Jetson GPU "
                          "was not handed over", None))
        if not jetson and not any(re.fullmatch(r"/dev/nvidia\d+", n) for n in facts.dev_nodes):
            found.append((FailureClass.GPU_RUNTIME_MISSING, "no /dev/nvidia0 in the container: the GPU was "
                          "not handed over", None))
    host_l4t = l4t.parse(host.jetson.l4t)
    image_l4t = l4t.parse(facts.image_l4t)
    if image_l4t is not None and jetson and host_l4t is not None and not l4t.compatible(image_l4t, host_l4t):
        found.append((FailureClass.LIBRARY_MISMATCH, f"the image's /etc/nv_tegra_release is L4T "
                      f"r{l4t.text(image_l4t)}; this Jetson runs L4T r{l4t.text(host_l4t)}",
                      f"use an image built for r{l4t.text(host_l4t[:2])} (its tag names it, e.g. -r36.4)"))
    elif image_l4t is not None and not jetson and handed:
        found.append((FailureClass.LIBRARY_MISMATCH, f"the image is built for Jetson (L4T r{l4t.text(image_l4t)}); "
                      "this host is not a Jetson", "use the backend's x86_64 or arm64 server image"))
    driver = _major(facts.cuda_driver_version)
    needs = max((v for v in (_major(facts.torch_cuda), _major(facts.cuda_version)) if v is not None), default=None)
    if facts.cuda_init in (_CUDA_INSUFFICIENT_DRIVER, _CUDA_COMPAT_NOT_SUPPORTED) or (driver is not None and needs is not None and needs > driver):
        found.append((FailureClass.DRIVER_TOO_OLD, f"the image needs CUDA {facts.torch_cuda or facts.cuda_version}; "
                      f"the driver in the container supports CUDA {facts.cuda_driver_version or '(too old to say)'}",
                      None))
    cc = _capability(facts, host)
    if facts.torch_arch_list and cc is not None and handed and not _runs_on(facts.torch_arch_list, cc):
        found.append((FailureClass.UNSUPPORTED_GPU, f"torch {facts.torch_version} was built for "
                      f"{' '.join(facts.torch_arch_list)}; this GPU is sm_{cc[0]}{cc[1]}", None))
    if handed and facts.torch_version and facts.torch_cuda is None:
        found.append((FailureClass.CPU_FALLBACK, f"torch {facts.torch_version} is a CPU-only build", None))
    said = [facts.torch_error, *facts.llama_devices]
    if any(said):
        diagnosis = classify_lines([line for line in said if line], backend=backend, jetson=jetson)
        cls = diagnosis.failure_class
        if facts.torch_error and cls in (FailureClass.NONE, FailureClass.UNKNOWN):
            cls = FailureClass.LIBRARY_MISMATCH  # torch does not even import
        if cls is FailureClass.CPU_FALLBACK and not handed:
            cls = FailureClass.NONE  # no GPU was handed over: the CPU is what it was given
        if cls not in (FailureClass.NONE, FailureClass.UNKNOWN) and all(c is not cls for c, _, _ in found):
            evidence = diagnosis.evidence[0].text if diagnosis.evidence else (facts.torch_error or "")
            found.append((cls, f"{diagnosis.cause}: {evidence}" if evidence else diagnosis.cause, diagnosis.fix))
    if handed and facts.llama_server and not any(re.search(r"\b(CUDA|Vulkan|Metal)\d*:", line)
                                                 for line in facts.llama_devices):
        if all(c is not FailureClass.CPU_FALLBACK for c, _, _ in found):
            fix = ("Use a CUDA build of llama.cpp made for Jetson (dustynv/llama_cpp:...-r36.x) and hand the GPU "
                   "over with `--runtime nvidia`." if jetson else "Use a CUDA build of llama.cpp "
                   "(ghcr.io/ggml-org/llama.cpp:server-cuda, or -DGGML_CUDA=ON) and hand the GPU over (`--gpus all`).")
            found.append((FailureClass.CPU_FALLBACK, "llama-server --list-devices lists no GPU: it will serve "
                          "from the CPU", fix))
    if handed and jetson and facts.ollama and not facts.jetson_jetpack and facts.image_l4t is None:
        release = l4t.jetpack_for(host.jetson.l4t) if host.jetson.l4t else None
        major = release.split(".")[0] if release else "6"
        found.append((FailureClass.CPU_FALLBACK, "Ollama finds the Jetson's CUDA libraries by JETSON_JETPACK or "
                      "the image's /etc/nv_tegra_release, and this container has neither: it will run on the CPU",
                      f"Set JETSON_JETPACK={major} in the container (`-e JETSON_JETPACK={major}`, or the profile's "
                      "env), or use an image built for Jetson (dustynv/ollama:r36.x)."))
    return [ProbeProblem(**{"class": cls, "message": message,
                            "fix": fix or diagnosis_for(cls, jetson=jetson).fix}) for cls, message, fix in found]


def probe_kwargs(spec: ContainerSpec, *, run_id: str, name: str, folder: Path) -> dict[str, Any]:
    """docker-py create() arguments: the spec's image, env and GPU handover, the probes mounted
    read-only, the entrypoint replaced, no network, no port, no secret."""
    from jetllm.core.redact import is_secret_env
    from jetllm.runtime import docker as rt_docker

    kwargs = rt_docker.create_kwargs(spec.model_copy(update={"mounts": (), "memory_limit": None}),
                                     host_port=0, run_id=run_id, name=name)
    kwargs.pop("ports", None)
    kwargs["labels"] = {**kwargs["labels"], labels.PROBE: "1"}
    names = set(spec.secret_env)
    kwargs.update({
        "entrypoint": ["sh", f"{MOUNT}/probe.sh"],
        "command": None,
        "environment": {k: v for k, v in spec.env.items() if not is_secret_env(k, v, names)},
        "volumes": {str(folder): {"bind": MOUNT, "mode": "ro"}},
        "network_mode": "none",
        "tty": False,
        "stdin_open": False,
    })
    return kwargs


def run_probe(client: DockerClient, spec: ContainerSpec, host: HostFacts, *, run_id: str,
              timeout_s: float = PROBE_TIMEOUT_S) -> ProbeResult:
    """Run the probes in spec's image (which must be present) and judge what they print."""
    from jetllm.core.redact import Redactor
    from jetllm.runtime import docker as rt_docker

    started = time.monotonic()
    base = {"image": spec.image, "backend": spec.backend, "gpu": spec.gpu}
    name = rt_docker.container_name(spec, run_id).replace("jetllm-", "jetllm-probe-", 1)
    kwargs = probe_kwargs(spec, run_id=run_id, name=name, folder=probes_dir())
    held: list[Any] = []  # the container, once created
    timed_out, exit_code, raw, refused = False, None, "", None
    redact = Redactor(rt_docker.secret_values(spec, {}))
    try:
        with interruptions():
            try:
                timed_out, exit_code, raw = _run(client, kwargs, timeout_s, held)
            except Exception as exc:  # noqa: BLE001 (the daemon refused: its words are the finding)
                refused = redact(str(getattr(exc, "explanation", None) or exc))
    finally:  # however it ended, an interruption included
        removed = _gone(held)
    if refused is not None:
        return _refused(base, refused, host, started, removed=removed)
    facts, done = parse(raw)
    note = None
    if not done:
        note = (f"the probe did not finish within {timeout_s:g} s" if timed_out else
                f"the probe could not run in this image (exit {exit_code}): it needs a POSIX sh")
    problems = judge(facts, host, spec.gpu, backend=spec.backend) if done or facts.libcuda else []
    return ProbeResult(**base, ran=done, facts=facts, problems=tuple(problems), timed_out=timed_out,
                       exit_code=exit_code, duration_s=round(time.monotonic() - started, 3),
                       container_removed=removed, note=note,
                       output=tuple(redact(line) for line in raw.splitlines()[-80:]))


def _run(client: DockerClient, kwargs: dict[str, Any], timeout_s: float, held: list[Any]) -> tuple[bool, int | None, str]:
    """Create, start and wait for the probe: (timed out, exit code, its output)."""
    from jetllm.runtime import docker as rt_docker

    with shielded():  # a signal now waits until the container is known (to remove it)
        held.append(rt_docker.create(client, kwargs))
    container = held[0]
    container.start()
    timed_out, exit_code = False, None
    try:
        exit_code = int(container.wait(timeout=timeout_s).get("StatusCode", -1))
    except Exception:  # noqa: BLE001 (requests' read timeout: the time limit)
        timed_out = True
        container.kill()
    return timed_out, exit_code, container.logs(stdout=True, stderr=True).decode("utf-8", "replace")


def _gone(held: list[Any]) -> bool:
    """Remove the probe's container, shielded from signals; one that lands before the
    shield is up is raised once the container is gone. True once it is (or there was none)."""
    from jetllm.runtime import docker as rt_docker

    came: KeyboardInterrupt | None = None
    removed = not held
    while held:
        try:
            with shielded():
                removed = rt_docker.remove(held[0]) is None
            break
        except KeyboardInterrupt as exc:
            came = came or exc
    if came is not None:
        raise came
    return removed


def _refused(base: dict[str, Any], message: str, host: HostFacts, started: float, *, removed: bool) -> ProbeResult:
    """The daemon would not create or start the probe: its words, classified (an unknown
    runtime `nvidia` is gpu_runtime_missing)."""
    from jetllm.classify import classify_lines, diagnosis_for

    diagnosis = classify_lines([message], backend="docker", jetson=host.jetson.is_jetson)
    cls = diagnosis.failure_class
    problems: tuple[ProbeProblem, ...] = ()
    if cls not in (FailureClass.NONE, FailureClass.UNKNOWN):
        problems = (ProbeProblem(**{"class": cls, "message": message,
                                    "fix": diagnosis.fix or diagnosis_for(cls).fix}),)
    return ProbeResult(**base, problems=problems, duration_s=round(time.monotonic() - started, 3),
                       container_removed=removed, note=f"the daemon did not run the probe: {message}")



def image_spec(image: str, host: HostFacts) -> ContainerSpec:
    """A bare image, probed with the GPU handed over as any profile does on this platform."""
    from jetllm.catalog.platform import host_platform

    gpu = {"jetson": GpuHandover.RUNTIME, "x86_64": GpuHandover.DEVICE_REQUEST,
           "sbsa": GpuHandover.DEVICE_REQUEST}.get(host_platform(host), GpuHandover.NONE)
    return ContainerSpec(backend="image", image=image, container_port=1, gpu=gpu,
                         runtime="nvidia" if gpu is GpuHandover.RUNTIME else None)


def image_present(client: DockerClient, image: str) -> bool:
    """Whether the daemon holds the image (pulled, or `docker load`ed on an offline host)."""
    from docker.errors import ImageNotFound

    try:
        client.images.get(image)
    except ImageNotFound:
        return False
    return True
