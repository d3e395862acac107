"""After ready: a backend that serves although its start log says it runs on the CPU, with a
GPU handed over, is its own verdict (cpu_fallback), with the fix; without a GPU handed over
the CPU is what it was given, and nothing is said. The fixture backend prints vLLM's line
for a CPU platform before it starts. This daemon has no `nvidia` runtime, so the handover
names `runc` in its place (the attempt is the same code either way)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from jetllm.core.attempt import AttemptOutcome
from jetllm.core.facts import HostFacts
from jetllm.core.spec import ContainerSpec, GpuHandover, ReadySpec
from jetllm.runtime.attempt import run_attempt
from tests.fixtures.backends.images import fakellm_image
from tests.integration.try_support import containers_of

pytestmark = [pytest.mark.docker, pytest.mark.timeout(120)]

ORIN = HostFacts.model_validate(json.loads(
    (Path(__file__).parents[1] / "fixtures" / "profiles" / "hosts" / "orin-nx-r36.4.3.json").read_text()))
ON_CPU = "INFO 12-03 10:00:01 [__init__.py:253] Automatically detected platform cpu."


def spec(image: str, gpu: GpuHandover) -> ContainerSpec:
    return ContainerSpec(
        backend=f"fakellm-{uuid.uuid4().hex[:8]}", image=image, container_port=8000,
        entrypoint=("/bin/sh", "-c", f"echo '{ON_CPU}'; exec /srv/serve.sh \"$@\"", "serve.sh"),
        command=("--model", "tiny", "--port", "8000", "--load-seconds", "0", "--token-delay", "0"),
        gpu=gpu, runtime="runc" if gpu is GpuHandover.RUNTIME else None, served_model="tiny",
        ready=ReadySpec(health_path="/health", log_line="Application startup complete", timeout_s=30),
    )


def test_served_from_the_cpu_with_a_gpu_handed_over(docker_client):
    wanted = spec(fakellm_image(docker_client), GpuHandover.RUNTIME)
    attempt = run_attempt(wanted, facts=ORIN, force=True)
    assert attempt.outcome is AttemptOutcome.READY and attempt.smoke is not None
    assert attempt.on_cpu
    assert attempt.diagnosis is not None and attempt.diagnosis.failure_class.value == "cpu_fallback"
    assert attempt.diagnosis.evidence[0].text.endswith("Automatically detected platform cpu.")
    assert "--runtime nvidia" in attempt.diagnosis.fix
    assert containers_of(docker_client, backend=wanted.backend) == []


def test_no_gpu_handed_over_is_no_fallback(docker_client):
    wanted = spec(fakellm_image(docker_client), GpuHandover.NONE)
    attempt = run_attempt(wanted, facts=ORIN, force=True)
    assert attempt.outcome is AttemptOutcome.READY and not attempt.on_cpu and attempt.diagnosis is None
