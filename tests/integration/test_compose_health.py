"""The winner's compose service: a healthcheck that proves generation (a one-token
completion with the image's own busybox wget), run by the Docker daemon's real
healthcheck: healthy on a backend that serves, unhealthy on one whose /health still
says 200 while its engine is dead; a bounded restart policy, and comments that say
why."""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx
import pytest
import yaml

from tests.fixtures.backends.images import fakellm_image
from tests.integration.try_support import free_port, write_profile
from tests.support.cli import run_jetllm

pytestmark = [pytest.mark.docker, pytest.mark.timeout(180)]


def seconds(text: str) -> float:
    assert text.endswith("s"), text
    return float(text[:-1])


@pytest.fixture(scope="module")
def winner(docker_client: Any, tmp_path_factory: Any) -> tuple[dict[str, Any], str, dict[str, Any]]:
    """(the compose service, the compose text, report.json) of a bringup of the fixture."""
    tmp = tmp_path_factory.mktemp("health")
    image = fakellm_image(docker_client)
    profile, name = write_profile(tmp, knobs={"load_seconds": 2},
                                  extra={"images": {"cpu": [{"image": image}], "x86_64": [{"image": image}]}})
    out = tmp / "r"
    result = run_jetllm("bringup", "--profile", str(profile), "--backends", name, "--model", "tiny",
                        "--gpu-util", "0.5", "--max-len", "2048", "--out", str(out), timeout=120)
    assert result.exit_code == 0, result.stderr
    text = (out / "docker-compose.yml").read_text()
    report = yaml.safe_load((out / "report.json").read_text())
    return yaml.safe_load(text)["services"][name], text, report


def run_with_healthcheck(client: Any, service: dict[str, Any], *extra: str) -> Any:
    """The service's container with its healthcheck as written (the interval shortened, so
    the test need not wait out the sized one), on a free loopback port."""
    check = service["healthcheck"]
    container_port = int(service["ports"][0].rsplit(":", 1)[1])
    return client.containers.run(
        service["image"], [*service["command"], *extra], entrypoint=service.get("entrypoint"),
        name=f"jetllm-test-health-{uuid.uuid4().hex[:8]}", detach=True,
        ports={f"{container_port}/tcp": ("127.0.0.1", free_port())},
        healthcheck={"test": check["test"], "interval": 1_000_000_000, "retries": check["retries"],
                     "timeout": int(seconds(check["timeout"]) * 1e9), "start_period": 2_000_000_000},
        labels={"jetllm.test": "compose-health"})


def health_of(container: Any, wanted: str, limit_s: float = 40.0) -> str:
    deadline, status = time.monotonic() + limit_s, ""
    for _ in range(int(limit_s * 4)):
        container.reload()
        status = container.attrs["State"].get("Health", {}).get("Status", "")
        if status == wanted or time.monotonic() > deadline:
            break
        time.sleep(0.25)
    return status


def test_compose_has_a_generation_healthcheck_sized_from_the_measured_start(winner):
    service, text, report = winner
    check = service["healthcheck"]
    assert check["test"][:2] == ["CMD", "wget"] and "--post-data" in check["test"]
    assert '"max_tokens":1' in " ".join(check["test"]) and check["test"][-1].endswith("/v1/chat/completions")
    ready = report["candidates"][0]["attempts"][-1]["timings"]["start_to_ready_s"]
    assert ready >= 2  # the fixture loads for 2 s
    assert seconds(check["start_period"]) >= 2 * ready and seconds(check["start_period"]) >= 30
    assert 10 <= seconds(check["interval"]) <= 60
    assert service["restart"] == "on-failure:3"
    assert "# restart: on-failure:3: a crash is restarted three times" in text
    assert "unless-stopped" not in yaml.safe_dump(service)


def test_docker_runs_the_healthcheck_and_finds_it_healthy(docker_client, winner):
    container = run_with_healthcheck(docker_client, winner[0])
    try:
        assert health_of(container, "healthy") == "healthy"
        log = container.attrs["State"]["Health"]["Log"]
        assert log and log[-1]["ExitCode"] == 0
    finally:
        container.remove(force=True)


def test_a_dead_engine_behind_a_healthy_health_endpoint_is_unhealthy(docker_client, winner):
    container = run_with_healthcheck(docker_client, winner[0], "--engine-dies-after", "3")
    try:
        assert health_of(container, "healthy") == "healthy"
        assert health_of(container, "unhealthy") == "unhealthy"
        port = container.attrs["NetworkSettings"]["Ports"]
        host_port = next(iter(port.values()))[0]["HostPort"]
        health = httpx.get(f"http://127.0.0.1:{host_port}/health", timeout=5, trust_env=False)
        assert health.status_code == 200  # what a /health-only check would have believed
    finally:
        container.remove(force=True)
