"""`jetllm doctor`'s judgement: HostFacts -> checks, each pass / warn / fail with its fix.

A pure function of the facts, so a saved facts file is judged exactly like
the machine it came from.
"""

from __future__ import annotations

from collections.abc import Callable

from jetllm.core.checks import Check, Status
from jetllm.core.exitcodes import ExitCode
from jetllm.core.facts import HostFacts
from jetllm.doctor import docker, gpu, host

__all__ = ["Check", "Status", "exit_code", "run_checks"]

CHECKS: tuple[Callable[[HostFacts], Check], ...] = (
    gpu.driver,
    docker.daemon,
    docker.nvidia_runtime,
    host.docker_disk,
    host.models_disk,
    host.swap,
    gpu.gpu_memory,
    docker.leftovers,
)


def run_checks(facts: HostFacts) -> list[Check]:
    """Every check, in a fixed order (the Jetson release first on a Jetson)."""
    checks = [check(facts) for check in CHECKS]
    if facts.jetson.is_jetson:
        checks.insert(0, host.jetson_release(facts))
    return checks


def exit_code(checks: list[Check]) -> ExitCode:
    """1 when any check fails, else 0 (warnings do not fail doctor)."""
    failed = any(check.status is Status.FAIL for check in checks)
    return ExitCode.NOT_WORKING if failed else ExitCode.OK
