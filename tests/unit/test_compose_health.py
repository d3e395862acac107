"""The compose healthcheck per image tool, and the restart notes."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from jetllm.core.spec import ContainerSpec
from jetllm.report.compose import render_compose
from jetllm.report.health import probe
from jetllm.search import Budget, PreflightVerdict, run_search
from tests.support.needs import unavailable
from tests.unit.search_fakes import FakeWorld, candidate, vllm_ladder


def spec(tool: str) -> ContainerSpec:
    return ContainerSpec(backend="vllm", image="example/vllm:1", container_port=8000,
                         served_model="Qwen/Qwen2.5-3B-Instruct", healthcheck_tool=tool)


def test_curl_asks_for_one_token_of_the_served_model() -> None:
    test = probe(spec("curl"), 10)
    assert test is not None and test[:3] == ["CMD", "curl", "-fsS"]
    assert '"model":"Qwen/Qwen2.5-3B-Instruct","max_tokens":1' in test[test.index("-d") + 1]
    assert test[-1] == "http://127.0.0.1:8000/v1/chat/completions"


def test_the_python3_probe_is_valid_python_that_fails_when_nothing_answers() -> None:
    test = probe(spec("python3"), 2)
    assert test is not None and test[:3] == ["CMD", "python3", "-c"]
    compile(test[3], "<healthcheck>", "exec")
    # Nothing listens on the container port here: the check must fail, not pass.
    ran = subprocess.run([sys.executable, "-c", test[3]], capture_output=True, timeout=30)
    assert ran.returncode != 0


def test_an_image_without_a_tool_gets_no_healthcheck_and_a_comment_why() -> None:
    text = render_compose(spec("none"))
    assert "healthcheck" not in yaml.safe_load(text)["services"]["vllm"]
    assert "# No healthcheck: the image example/vllm:1 has neither curl, wget nor python3" in text


def test_a_memory_failure_seen_in_the_run_is_named_as_one_a_restart_cannot_help() -> None:
    from jetllm.core.diagnosis import FailureClass

    world = FakeWorld(rules={"vllm": lambda s: None if s.gpu_util <= 0.55 else FailureClass.GPU_OOM})
    result = run_search([candidate("vllm", vllm_ladder())], preflight=lambda c: PreflightVerdict(compatible=True),
                        attempt=world, budget=Budget(clock=world.clock)).results[0]
    text = render_compose(spec("curl"), result)
    assert "restart: on-failure:3" in text
    assert "# A restart cannot help a gpu_oom (seen at larger settings in this run)" in text


@pytest.mark.parametrize("tool", ["curl", "wget", "python3"])
def test_docker_compose_accepts_the_healthcheck_and_restart_policy(tmp_path: Path, tool: str) -> None:
    docker = shutil.which("docker")
    if docker and subprocess.run([docker, "compose", "version"], capture_output=True).returncode == 0:
        compose = [docker, "compose"]
    elif shutil.which("docker-compose"):
        compose = ["docker-compose"]
    else:
        unavailable("neither `docker compose` nor `docker-compose` is installed")
    (tmp_path / "docker-compose.yml").write_text(render_compose(spec(tool)))
    done = subprocess.run([*compose, "config"], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    service = yaml.safe_load(done.stdout)["services"]["vllm"]
    assert service["restart"] == "on-failure:3"
    assert service["healthcheck"]["test"] == probe(spec(tool), 10)  # nothing interpolated away
