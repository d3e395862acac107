"""Checks on Docker: reachable, the NVIDIA runtime registered, and leftover jetllm containers."""

from __future__ import annotations

from jetllm.core.checks import Check, Status
from jetllm.core.facts import HostFacts, JetllmContainer
from jetllm.core.owner import State

TOOLKIT_GUIDE = "https://docs.nvidia.com/datacenter/cloud-native/container-toolkit/latest/install-guide.html"


def daemon(facts: HostFacts) -> Check:
    from jetllm.dockerenv import FIXES

    docker = facts.docker
    if docker.reachable:
        return Check(
            id="docker",
            status=Status.PASS,
            message=f"Docker {docker.server_version} answers" + (f" at {docker.host}" if docker.host else ""),
        )
    kind = docker.error_kind or "error"
    return Check(
        id="docker",
        status=Status.FAIL,
        message=f"{kind.replace('_', ' ')}: {docker.error}",
        fix=FIXES.get(kind, FIXES["error"]),
    )


def nvidia_runtime(facts: HostFacts) -> Check:
    docker, jetson = facts.docker, facts.jetson
    if not docker.reachable:
        return Check(
            id="nvidia-runtime",
            status=Status.WARN,
            message="not checked: Docker is not reachable",
            fix="fix the docker check first, then run `jetllm doctor` again",
        )
    runtimes = ", ".join(docker.runtimes) or "none"
    cdi = f"; CDI specs: {', '.join(docker.cdi_specs)}" if docker.cdi_specs else ""
    if "nvidia" not in docker.runtimes:
        install = (
            "`sudo apt install nvidia-container` (JetPack's container toolkit)"
            if jetson.is_jetson
            else f"install nvidia-container-toolkit ({TOOLKIT_GUIDE})"
        )
        default = " --set-as-default" if jetson.is_jetson else ""
        return Check(
            id="nvidia-runtime",
            status=Status.FAIL,
            message=f"Docker has no nvidia runtime (runtimes: {runtimes}; default {docker.default_runtime}){cdi}",
            fix=f"{install}, then `sudo nvidia-ctk runtime configure --runtime=docker{default}` "
            "and `sudo systemctl restart docker`",
        )
    found = f"nvidia runtime registered (runtimes: {runtimes}; default {docker.default_runtime}){cdi}"
    if jetson.is_jetson and docker.default_runtime != "nvidia":
        # Jetson images (dustynv/*, l4t-*) expect the GPU without --runtime nvidia.
        return Check(
            id="nvidia-runtime",
            status=Status.WARN,
            message=f"{found}; Jetson images expect it as the default runtime",
            fix='set "default-runtime": "nvidia" in /etc/docker/daemon.json: '
            "`sudo nvidia-ctk runtime configure --runtime=docker --set-as-default` and "
            "`sudo systemctl restart docker`",
        )
    return Check(id="nvidia-runtime", status=Status.PASS, message=found)


def leftovers(facts: HostFacts) -> Check:
    """Only an orphaned container (its jetllm process gone) is a warning; a live run's
    and a kept one are named in the message, so that nobody removes them by mistake."""
    docker = facts.docker
    if not docker.reachable:
        return Check(id="leftover-containers", status=Status.PASS, message="not checked: Docker is not reachable")
    others = [_described(c) for c in docker.jetllm_containers if c.state is not State.ORPHANED]
    also = f"; not for `jetllm gc` to remove: {', '.join(others)}" if others else ""
    if docker.leftover_containers:
        names = ", ".join(docker.leftover_containers)
        return Check(
            id="leftover-containers",
            status=Status.WARN,
            message=f"{len(docker.leftover_containers)} container(s) a killed jetllm run left: {names}{also}",
            fix="jetllm gc",
        )
    if others:
        return Check(id="leftover-containers", status=Status.PASS,
                     message=f"no container left by a killed jetllm run{also}")
    return Check(id="leftover-containers", status=Status.PASS, message="no container left by jetllm")


def _described(container: JetllmContainer) -> str:
    if container.state not in (State.KEPT, State.UNKNOWN):  # a live run removes its own
        return f"{container.name} ({container.reason})"
    how = f"jetllm gc --run {container.run}" if container.run else f"docker rm -f {container.name}"
    return f"{container.name} ({container.reason}; remove with `{how}`)"
