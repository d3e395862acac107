"""Docker facts: is the daemon reachable (and if not, why), its runtimes, disk,
CDI specs, containers holding a GPU, and jetllm's own containers with their state."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from jetllm.core import labels
from jetllm.core.facts import DockerFacts, JetllmContainer
from jetllm.core.owner import State, judge
from jetllm.facts.files import free_bytes, under

if TYPE_CHECKING:
    from docker import DockerClient

CONNECT_TIMEOUT_S = 5
CDI_DIRS = ("/etc/cdi", "/var/run/cdi")
_NO_DEVICES = {"", "void", "none"}


def holds_gpu(attrs: dict[str, Any]) -> bool:
    """Whether a container (its `docker inspect` document) was given an NVIDIA GPU."""
    host = attrs.get("HostConfig") or {}
    for request in host.get("DeviceRequests") or []:
        capabilities = [c for group in request.get("Capabilities") or [] for c in group]
        ids = request.get("DeviceIDs") or []
        if (
            request.get("Driver") == "nvidia"
            or "gpu" in capabilities
            or any(str(i).startswith("nvidia.com/") for i in ids)  # CDI names
        ):
            return True
    for device in host.get("Devices") or []:
        path = str(device.get("PathOnHost", ""))
        if path.startswith(("/dev/nvidia", "/dev/nvhost", "/dev/nvmap")):
            return True
    if host.get("Runtime") == "nvidia":
        # The nvidia runtime injects GPUs only where NVIDIA_VISIBLE_DEVICES asks.
        env = dict(
            item.split("=", 1) for item in (attrs.get("Config") or {}).get("Env") or [] if "=" in item
        )
        visible = env.get("NVIDIA_VISIBLE_DEVICES")
        return visible is not None and visible.strip().lower() not in _NO_DEVICES
    return False


def _cdi_specs(root: Path, extra_dirs: list[str]) -> tuple[list[str], list[str]]:
    dirs = list(dict.fromkeys([*CDI_DIRS, *extra_dirs]))
    specs: list[str] = []
    for directory in dirs:
        folder = under(root, directory)
        try:
            names = sorted(p.name for p in folder.iterdir() if p.suffix in (".json", ".yaml", ".yml"))
        except OSError:
            continue
        specs.extend(f"{directory.rstrip('/')}/{name}" for name in names)
    return specs, dirs


def _name(summary: dict[str, Any]) -> str:
    names = summary.get("Names") or [summary.get("Id", "")[:12]]
    return str(names[0]).lstrip("/")


def _jetllm_containers(client: DockerClient) -> list[JetllmContainer]:
    found = []
    for summary in client.api.containers(all=True, filters={"label": f"{labels.MANAGED}=1"}):
        tags = summary.get("Labels") or {}
        verdict = judge(tags, name=_name(summary))
        found.append(JetllmContainer(name=_name(summary), run=tags.get(labels.RUN),
                                     state=verdict.state, reason=verdict.reason))
    return found


def probe(root: Path) -> DockerFacts:
    from jetllm.dockerenv import DockerUnavailable, connect, docker_host

    host = docker_host()
    try:
        client = connect(timeout=CONNECT_TIMEOUT_S)
    except DockerUnavailable as exc:
        cdi, cdi_dirs = _cdi_specs(root, [])
        return DockerFacts(
            host=host, error_kind=exc.kind, error=exc.message, cdi_specs=cdi, cdi_spec_dirs=cdi_dirs
        )
    try:
        info: dict[str, Any] = client.info()
        root_dir = info.get("DockerRootDir")
        free: int | None = None
        free_error: str | None = "the daemon is not on this machine"
        if root_dir and host.startswith("unix://"):
            free, _, free_error = free_bytes(root_dir)
        cdi, cdi_dirs = _cdi_specs(root, list(info.get("CDISpecDirs") or []))
        gpu_holders = []
        for summary in client.api.containers():
            try:
                attrs = client.api.inspect_container(summary["Id"])
            except Exception:  # noqa: BLE001 (it may have stopped meanwhile)
                continue
            if holds_gpu(attrs):
                gpu_holders.append(_name(summary))
        ours = _jetllm_containers(client)
        return DockerFacts(
            reachable=True,
            host=host,
            server_version=info.get("ServerVersion"),
            runtimes=sorted(info.get("Runtimes") or {}),
            default_runtime=info.get("DefaultRuntime"),
            root_dir=root_dir,
            root_dir_free_bytes=free,
            root_dir_free_error=free_error,
            cdi_specs=cdi,
            cdi_spec_dirs=cdi_dirs,
            gpu_containers=gpu_holders,
            leftover_containers=[c.name for c in ours if c.state is State.ORPHANED],
            jetllm_containers=ours,
        )
    except Exception as exc:  # noqa: BLE001 (a daemon that answers ping but fails later)
        return DockerFacts(host=host, error_kind="error", error=f"the Docker daemon failed: {exc}")
    finally:
        client.close()
