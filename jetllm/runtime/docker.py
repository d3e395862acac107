"""The only code that turns a ContainerSpec into a container.

create_kwargs() needs no daemon (tests read it without one); create(),
remove() and keep() talk to the daemon. Every container carries the RUN, BACKEND and
MANAGED labels and its owner (jetllm/core/owner.py), runs with an init process and no-new-privileges, is never
privileged, and publishes its port on the spec's host address only
(127.0.0.1 unless the user asked for another).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from jetllm.core import labels
from jetllm.core.owner import owner_labels
from jetllm.core.redact import is_secret_env, secret_args
from jetllm.core.spec import ContainerSpec, GpuHandover

if TYPE_CHECKING:
    from docker import DockerClient
    from docker.models.containers import Container

# Passed through from the user's environment when set, even if the profile
# does not name them: models behind a gated repo need them.
PASSTHROUGH_SECRETS = ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN")
CDI_ALL_GPUS = "nvidia.com/gpu=all"


def container_env(spec: ContainerSpec, environ: Mapping[str, str]) -> dict[str, str]:
    env = dict(spec.env)
    for name in (*spec.secret_env, *PASSTHROUGH_SECRETS):
        if environ.get(name):
            env[name] = environ[name]
    return env


def secret_values(spec: ContainerSpec, environ: Mapping[str, str]) -> list[str]:
    """Every value that must never be printed: secret env vars (by the profile's word, their
    name or their shape) and the values of secret flags in the command (--api-key VALUE)."""
    env = container_env(spec, environ)
    names = set(spec.secret_env) | set(PASSTHROUGH_SECRETS)
    flags = secret_args([*(spec.entrypoint or []), *spec.command]).values()
    return [v for k, v in env.items() if v and is_secret_env(k, v, names)] + list(flags)


def container_name(spec: ContainerSpec, run_id: str) -> str:
    backend = "".join(c if c.isalnum() or c in "-_." else "-" for c in spec.backend)
    return f"jetllm-{backend}-{run_id}-{secrets.token_hex(2)}"


def create_kwargs(spec: ContainerSpec, *, host_port: int, run_id: str, name: str,
                  environ: Mapping[str, str] | None = None, keep: bool = False) -> dict[str, Any]:
    """The keyword arguments for docker-py's containers.create(); `keep`: started with --keep."""
    from docker.types import DeviceRequest

    kwargs: dict[str, Any] = {
        "image": spec.image,
        "name": name,
        "command": list(spec.command) or None,
        "environment": container_env(spec, os.environ if environ is None else environ),
        "labels": {**labels.extra_labels(environ), **owner_labels(keep=keep),
                   labels.RUN: run_id, labels.BACKEND: spec.backend, labels.MANAGED: "1"},
        "ports": {f"{spec.container_port}/tcp": (spec.host_address, host_port)},
        "init": spec.init,
        "security_opt": ["no-new-privileges"],
        "privileged": False,
        "tty": spec.tty,
        "stdin_open": spec.tty,  # images whose CMD ends in a shell need both (dustynv Ollama)
        "detach": True,
    }
    if spec.entrypoint is not None:
        kwargs["entrypoint"] = list(spec.entrypoint)
    if spec.mounts:
        kwargs["volumes"] = {
            os.path.expanduser(m.source): {"bind": m.target, "mode": "ro" if m.read_only else "rw"}
            for m in spec.mounts
        }
    if spec.gpu is GpuHandover.RUNTIME:
        kwargs["runtime"] = spec.runtime or "nvidia"
    elif spec.gpu is GpuHandover.DEVICE_REQUEST:
        kwargs["device_requests"] = [DeviceRequest(count=-1, capabilities=[["gpu"]])]
    elif spec.gpu is GpuHandover.CDI:
        kwargs["device_requests"] = [DeviceRequest(driver="cdi", device_ids=[CDI_ALL_GPUS])]
    elif spec.runtime:
        kwargs["runtime"] = spec.runtime
    if spec.memory_limit:
        kwargs["mem_limit"] = spec.memory_limit
        kwargs["memswap_limit"] = spec.memory_limit  # no swap beyond the limit: OOM is OOM
    if spec.shm_size:
        kwargs["shm_size"] = spec.shm_size
    if spec.ipc_host:
        kwargs["ipc_mode"] = "host"
    if spec.cap_drop_all:
        kwargs["cap_drop"] = ["ALL"]
    return kwargs


def create(client: DockerClient, kwargs: dict[str, Any]) -> Container:
    """Create the container (not started). Call it shielded (jetllm/core/signals.py) and
    keep what it returns in the same block: a signal that came meanwhile is raised only once
    the container is known, so that it can be removed."""
    return client.containers.create(**kwargs)


def remove(container: Container) -> str | None:
    """Kill and remove: None once it is gone (already gone is fine), else why it is not."""
    from docker.errors import NotFound

    try:
        container.remove(force=True, v=True)
    except NotFound:
        pass
    except Exception as exc:  # noqa: BLE001 (the daemon went away, or refused: said, not raised)
        return str(getattr(exc, "explanation", None) or exc)
    return None


def keep(container: Container, name: str) -> str | None:
    """Mark a served container kept: it is renamed NAME-kept (labels cannot change after
    creation; jetllm/core/owner.py reads the name). The new name, or None if the daemon refused."""
    kept = f"{name}{labels.KEPT_SUFFIX}"
    try:
        container.rename(kept)
    except Exception:  # noqa: BLE001 (the daemon went away: the caller says so)
        return None
    return kept


def state(container: Container) -> tuple[int | None, bool]:
    """(exit code, OOMKilled) as the daemon reports them."""
    try:
        container.reload()
        status = container.attrs.get("State", {})
        return status.get("ExitCode"), bool(status.get("OOMKilled"))
    except Exception:  # noqa: BLE001 (already removed, or the daemon went away)
        return None, False
