"""`jetllm bringup --soak`: the winner is started once more and soaked; the verdict,
its figures and a Prometheus textfile go into the report folder, and a winner that
dies mid-soak makes the run exit 1 with the class of its death."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.backends.images import fakellm_image
from tests.integration.try_support import containers_of, write_profile

pytestmark = [pytest.mark.docker, pytest.mark.timeout(180)]


def bringup_soak(jetllm: Any, client: Any, tmp_path: Path, soak: str, *args: list[str]) -> tuple[Any, Path, str]:
    image = fakellm_image(client)
    profile, name = write_profile(tmp_path, knobs={"token_delay": 0.01}, args=list(args),
                                  extra={"images": {"cpu": [{"image": image}], "x86_64": [{"image": image}]}})
    out = tmp_path / "r"
    result = jetllm("bringup", "--profile", str(profile), "--backends", name, "--model", "tiny",
                    "--gpu-util", "0.5", "--max-len", "2048", "--soak", soak, "--out", str(out), "--json",
                    timeout=150)
    return result, out, name


def test_a_stable_winner(jetllm, docker_client, tmp_path):
    result, out, name = bringup_soak(jetllm, docker_client, tmp_path, "4s")
    assert result.exit_code == 0, result.stderr
    report = json.loads((out / "report.json").read_text())
    assert report["soak"]["verdict"] == "stable" and report["soak"]["requests"] > 5
    assert report["soak"]["container"].endswith("-kept")
    assert "## Soak" in (out / "report.md").read_text() and "**stable**" in (out / "report.md").read_text()
    assert "jetllm_soak_stable{" in (out / "jetllm_soak.prom").read_text()
    assert containers_of(docker_client, backend=name) == []  # the soaked container is gone too


def test_a_winner_that_dies_mid_soak(jetllm, docker_client, tmp_path):
    result, out, name = bringup_soak(jetllm, docker_client, tmp_path, "40s", ["--crash-after", "8"])
    assert result.exit_code == 1, result.stderr
    soak = json.loads((out / "report.json").read_text())["soak"]
    assert soak["verdict"] == "gpu_oom" and soak["ended_early"] == "the container stopped"
    assert "gpu_oom" in [e["class"] for e in result.errors()]
    assert "cause: `gpu_oom`" in (out / "report.md").read_text()
    assert containers_of(docker_client, backend=name) == []


def test_ctrl_c_during_the_soak_writes_the_report_with_the_figures_so_far(docker_client, tmp_path):
    import signal
    import time

    from tests.support.cli import start_jetllm

    image = fakellm_image(docker_client)
    profile, name = write_profile(tmp_path, knobs={"token_delay": 0.01},
                                  extra={"images": {"cpu": [{"image": image}], "x86_64": [{"image": image}]}})
    out = tmp_path / "r"
    process = start_jetllm("bringup", "--profile", str(profile), "--backends", name, "--model", "tiny",
                           "--gpu-util", "0.5", "--max-len", "2048", "--soak", "1h", "--out", str(out))
    assert process.stderr is not None
    for _ in range(2000):  # bounded by lines; the soak's first line says it began
        line = process.stderr.readline()
        if not line or "soak:" in line and "at concurrency" in line or "concurrency sweep" in line:
            break
    time.sleep(3)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=90)
    assert process.returncode == 130, stderr
    report = json.loads((out / "report.json").read_text())
    assert report["soak"]["interrupted"] is True and report["soak"]["requests"] > 0
    assert report["status"] == "interrupted"
    assert containers_of(docker_client, backend=name) == []
