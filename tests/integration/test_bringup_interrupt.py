"""Ctrl-C in the middle of `jetllm bringup`: exit 130, a partial report is
written, and no container is left running."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SESSION_LABEL
from tests.fixtures.bringup.scenario import FACTS, prepare, remove_tags
from tests.support.cli import interrupt, start_jetllm

pytestmark = [pytest.mark.docker, pytest.mark.registry, pytest.mark.timeout(180)]


def running(client: Any, backend: str) -> list[Any]:
    """This test session's running containers of `backend` (not another run's on the same daemon)."""
    return client.containers.list(filters={"label": [f"jetllm.backend={backend}",
                                                     "jetllm.managed=1", SESSION_LABEL]})


def test_ctrl_c_mid_search(docker_client, local_registry, tmp_path: Path):
    scenario = prepare(docker_client, local_registry, tmp_path / "profiles", variant="stuck",
                       env_overrides={"ollama-jetson": {"LOAD_SECONDS": "120"}})
    out = tmp_path / "report"
    try:
        process = start_jetllm(
            "bringup", *scenario.profile_args("trtllm-jetson", "ollama-jetson", "llamacpp-jetson"),
            "--facts", str(FACTS), "--out", str(out),
            env={"JETLLM_CACHE_DIR": str(tmp_path / "cache")})
        deadline = time.monotonic() + 90
        while not running(docker_client, "ollama-jetson"):
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the ollama-like container never started"
            time.sleep(0.2)
        time.sleep(0.5)
        result = interrupt(process)
    finally:
        remove_tags(docker_client, scenario)
    assert result.exit_code == 130, result.stderr
    assert running(docker_client, "ollama-jetson") == []
    report = json.loads((out / "report.json").read_text())
    left = docker_client.containers.list(all=True, filters={"label": f"jetllm.run={report['run_id']}"})
    assert left == []
    assert report["status"] == "interrupted" and report["exit_code"] == 130
    verdicts = [c["verdict"] for c in report["candidates"]]
    assert verdicts == ["failed", "interrupted", "not_tried"]
    assert (out / "report.md").is_file()
