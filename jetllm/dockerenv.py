"""Connecting to the Docker daemon, and saying plainly why it failed."""

from __future__ import annotations

import os
import shutil
from typing import TYPE_CHECKING

from jetllm.core.errors import JetllmError

if TYPE_CHECKING:
    import docker

DEFAULT_SOCKET = "/var/run/docker.sock"


class DockerUnavailable(JetllmError):
    """The daemon cannot be used: kind is not_installed, not_running, permission_denied or error."""

    def __init__(self, message: str, *, kind: str, fix: str) -> None:
        super().__init__(message, fix=fix, failure_class="docker_unavailable")
        self.kind = kind


# The fix for each way the daemon can be unusable (doctor shows the same ones).
FIXES = {
    "not_installed": "install Docker: `sudo apt install docker.io` (or Docker Engine, "
    "https://docs.docker.com/engine/install/), then `sudo systemctl enable --now docker`",
    "not_running": "sudo systemctl start docker (and `sudo systemctl enable docker` to start it at boot)",
    "permission_denied": "sudo usermod -aG docker $USER, then log out and back in (or run with sudo)",
    "error": "check `docker info`; see the daemon's log with `journalctl -u docker`",
}


def docker_host() -> str:
    return os.environ.get("DOCKER_HOST") or f"unix://{DEFAULT_SOCKET}"


def explain(exc: BaseException) -> DockerUnavailable:
    """Turn whatever docker-py raised while connecting into kind + message + fix."""
    host = docker_host()
    text = f"{type(exc).__name__}: {exc}"
    lowered = text.lower()
    if "permission denied" in lowered or "permissionerror" in lowered:
        return DockerUnavailable(
            f"permission denied while trying to connect to the Docker daemon socket at {host}",
            kind="permission_denied",
            fix=FIXES["permission_denied"],
        )
    if any(
        marker in lowered
        for marker in ("no such file", "filenotfounderror", "connection refused", "connectionrefused")
    ):
        if "DOCKER_HOST" not in os.environ and not any(map(shutil.which, ("docker", "dockerd"))):
            return DockerUnavailable(
                f"Docker is not installed (no docker or dockerd command, no socket at {host})",
                kind="not_installed",
                fix=FIXES["not_installed"],
            )
        return DockerUnavailable(
            f"Cannot connect to the Docker daemon at {host}. Is the docker daemon running?",
            kind="not_running",
            fix=FIXES["not_running"],
        )
    return DockerUnavailable(
        f"the Docker daemon at {host} did not answer: {text}",
        kind="error",
        fix=FIXES["error"],
    )


def connect(timeout: int = 60) -> docker.DockerClient:
    """A client whose daemon answered a ping, or DockerUnavailable."""
    try:
        import docker
    except ImportError as exc:  # pragma: no cover (a declared dependency)
        raise DockerUnavailable(
            "the Docker SDK for Python is not installed",
            kind="not_installed",
            fix="pip install docker",
        ) from exc
    try:
        client = docker.DockerClient(base_url=docker_host(), timeout=timeout)
        client.ping()
    except Exception as exc:  # docker-py raises several unrelated types
        raise explain(exc) from exc
    return client
