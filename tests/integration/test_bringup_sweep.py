"""`jetllm bringup --concurrency-sweep`: two fixture backends serve; only the winner is
swept, after the ranking, on one more start that --soak then uses too (the Docker
daemon's own events count the containers created); with a target nobody meets, each
working candidate is swept in turn and the run exits 1 saying so."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from jetllm.core import labels
from tests.fixtures.backends.images import fakellm_image
from tests.integration.try_support import containers_of, write_profile

pytestmark = [pytest.mark.docker, pytest.mark.timeout(180)]


def bringup(jetllm: Any, client: Any, tmp_path: Path, *args: str) -> tuple[Any, dict[str, Any], str, str]:
    image = fakellm_image(client)
    images = {"cpu": [{"image": image}], "x86_64": [{"image": image}]}
    fast, fast_name = write_profile(tmp_path, knobs={"token_delay": 0.005}, extra={"images": images})
    slow, slow_name = write_profile(tmp_path, knobs={"token_delay": 0.02}, extra={"images": images})
    out = tmp_path / "r"
    result = jetllm("bringup", "--profile", str(fast), "--profile", str(slow), "--backends",
                    f"{fast_name},{slow_name}", "--model", "tiny", "--gpu-util", "0.5", "--max-len", "2048",
                    *args, "--out", str(out), "--json", timeout=150)
    return result, json.loads((out / "report.json").read_text()), fast_name, slow_name


def created(client: Any, since: float, backend: str) -> list[str]:
    """The names of the containers created for `backend` (the image probe's among them)."""
    events = client.events(since=int(since), until=int(time.time()) + 1, decode=True,
                           filters={"type": "container", "event": "create", "label": f"{labels.BACKEND}={backend}"})
    return [e["Actor"]["Attributes"]["name"] for e in events]


def by_name(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["candidate"]["name"]: c for c in report["candidates"]}


def load_of(candidate: dict[str, Any]) -> dict[str, Any] | None:
    return candidate["attempts"][candidate["best"]]["load"]


def test_only_the_winner_is_swept_and_the_soak_uses_the_same_start(jetllm, docker_client, tmp_path):
    since = time.time() - 1
    result, report, fast, slow = bringup(jetllm, docker_client, tmp_path, "--concurrency-sweep", "1,2",
                                         "--soak", "3s")
    assert result.exit_code == 0, result.stderr
    candidates = by_name(report)
    assert candidates[fast]["rank"] == 1 and candidates[slow]["rank"] == 2
    sweep = load_of(candidates[fast])
    assert sweep is not None and [lv["concurrency"] for lv in sweep["levels"]] == [1, 2]
    assert all(lv["errors"] == 0 and lv["requests"] == 3 * lv["concurrency"] for lv in sweep["levels"])
    assert load_of(candidates[slow]) is None  # a working runner-up is not swept
    assert report["soak"]["verdict"] == "stable" and report["soak"]["concurrency"] == 1
    # The search's starts of the winner, then one more for the sweep and the soak together.
    made = {name: [c for c in created(docker_client, since, name) if not c.startswith("jetllm-probe-")]
            for name in (fast, slow)}
    assert len(made[fast]) == len(candidates[fast]["attempts"]) + 1, made
    assert len(made[slow]) == len(candidates[slow]["attempts"]), made
    assert containers_of(docker_client, backend=fast) == [] and containers_of(docker_client, backend=slow) == []


def test_a_target_nobody_meets_sweeps_each_in_turn_and_exits_1(jetllm, docker_client, tmp_path):
    result, report, fast, slow = bringup(jetllm, docker_client, tmp_path, "--concurrency-sweep", "1",
                                         "--target-p95", "0.01s")
    assert result.exit_code == 1, result.stderr
    for name in (fast, slow):
        candidate = by_name(report)[name]
        assert load_of(candidate) is not None
        assert candidate["unmet"] == ["latency (no concurrency level has p95 within 0.01 s)"]
    assert "requirement_unmet" in [e["class"] for e in result.errors()]
    assert containers_of(docker_client, backend=fast) == [] and containers_of(docker_client, backend=slow) == []
