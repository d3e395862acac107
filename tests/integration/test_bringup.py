"""`jetllm bringup` replays the story against a real Docker daemon and a real
registry: NVIDIA's vLLM 25.09-like image is judged incompatible from its
registry metadata (never pulled, never started); a Jetson vLLM-like image dies
with PyTorch's NVML allocator assert above what fits and the search bisects to
the largest working memory fraction; an image missing libcudart starts once;
Ollama-like and llama.cpp-like images work. Container starts are counted from
the daemon's own events."""

from __future__ import annotations

import json
import time
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

import docker
import pytest
import yaml

from jetllm.core.ladder import bisection_bound
from tests.fixtures.bringup.scenario import FACTS, Scenario, prepare, remove_tags

pytestmark = [pytest.mark.docker, pytest.mark.registry, pytest.mark.timeout(300)]
SECRET = "hf_StorySecretToken1234567890"
ALL = ("vllm-ngc", "vllm-jetson", "trtllm-jetson", "ollama-jetson", "llamacpp-jetson")


@pytest.fixture(scope="module")
def story(docker_client: Any, local_registry: Any, tmp_path_factory: Any) -> Any:
    scenario = prepare(docker_client, local_registry, tmp_path_factory.mktemp("story"))
    yield scenario
    remove_tags(docker_client, scenario)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"JETLLM_CACHE_DIR": str(tmp_path / "cache"), "HF_TOKEN": SECRET}


def starts(client: Any, since: int, run_id: str, *, probes: bool = False) -> Counter[str]:
    """Containers one jetllm run started, per backend, as the daemon saw them: the backends,
    or (probes) the short-lived containers that probed their images."""
    events = client.api.events(since=since, until=int(time.time()) + 1, decode=True,
                               filters={"type": "container", "event": "start",
                                        "label": f"jetllm.run={run_id}"})
    return Counter(e["Actor"]["Attributes"]["jetllm.backend"] for e in events
                   if ("jetllm.probe" in e["Actor"]["Attributes"]) == probes)


def bringup(jetllm: Any, scenario: Scenario, out: Path, *extra: str, names: tuple[str, ...] = ALL,
            env: dict[str, str]) -> Any:
    return jetllm("bringup", *scenario.profile_args(*names), "--facts", str(FACTS),
                  "--out", str(out), *extra, env=env, timeout=240)


def test_story_scenario(docker_client, story, jetllm, env, tmp_path):
    since = int(time.time()) - 1
    out, junit = tmp_path / "report", tmp_path / "smoke.xml"
    result = bringup(jetllm, story, out, "--json", "--junit", str(junit), env=env)
    assert result.exit_code == 0, result.stderr
    report = result.data()  # stdout holds the one JSON document
    assert report == json.loads((out / "report.json").read_text())
    by_name = {c["candidate"]["name"]: c for c in report["candidates"]}
    assert [c["candidate"]["name"] for c in report["candidates"]] == list(ALL)

    # (a) incompatible from registry metadata: never pulled, never started.
    ngc = by_name["vllm-ngc"]
    assert ngc["verdict"] == "incompatible" and ngc["attempts"] == []
    assert ngc["diagnosis"]["class"] == "driver_too_old"
    with pytest.raises(docker.errors.ImageNotFound):
        docker_client.images.get(story.images["vllm-ngc"])

    # (b) the allocator assert steers the search down to the largest fraction that fits.
    vllm = by_name["vllm-jetson"]
    assert vllm["verdict"] == "works"
    best = vllm["attempts"][vllm["best"]]
    assert best["settings"]["gpu_util"] == pytest.approx(0.55)
    failures = [a["diagnosis"]["class"] for a in vllm["attempts"] if a["outcome"] != "ready"]
    assert failures and set(failures) == {"cuda_allocator_assert"}
    assert len(vllm["attempts"]) <= bisection_bound(13)  # 0.90 .. 0.30 at 0.05

    # (c) a class retrying cannot fix: exactly one start.
    trt = by_name["trtllm-jetson"]
    assert trt["verdict"] == "failed" and len(trt["attempts"]) == 1
    assert trt["diagnosis"]["class"] == "library_mismatch"

    # (d) the others work at their most ambitious step; the fastest wins.
    assert by_name["ollama-jetson"]["verdict"] == "works"
    assert by_name["llamacpp-jetson"]["verdict"] == "works"
    assert report["winner"] == "vllm-jetson" and report["status"] == "works"

    counted = starts(docker_client, since, report["run_id"])
    assert counted == Counter({"vllm-jetson": len(vllm["attempts"]), "trtllm-jetson": 1,
                               "ollama-jetson": 1, "llamacpp-jetson": 1})
    assert sum(c["attempts"].__len__() for c in report["candidates"]) == sum(counted.values())
    # Each image was probed once, before its first model load.
    assert starts(docker_client, since, report["run_id"], probes=True) == Counter(
        {"vllm-jetson": 1, "trtllm-jetson": 1, "ollama-jetson": 1, "llamacpp-jetson": 1})

    # Files: compose with exactly what worked, .env, logs of failures, JUnit; no secret anywhere.
    compose = yaml.safe_load((out / "docker-compose.yml").read_text())
    service = compose["services"]["vllm-jetson"]
    assert service["image"] == story.images["vllm-jetson"]
    assert service["command"][service["command"].index("--gpu-memory-utilization") + 1] == "0.55"
    assert service["ports"] == ["127.0.0.1:8000:8000"]
    assert service["environment"]["HF_TOKEN"] == "${HF_TOKEN}"
    assert "OPENAI_BASE_URL=http://127.0.0.1:8000/v1" in (out / ".env").read_text()
    assert len(list((out / "logs").glob("vllm-jetson-*.log"))) == len(failures)
    md = (out / "report.md").read_text()
    assert "Winner: vllm-jetson" in md and "NVML_SUCCESS == r INTERNAL ASSERT FAILED" in md
    for path in [*out.rglob("*"), junit]:
        if path.is_file():
            assert SECRET not in path.read_text(), path
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite is not None and suite.get("tests") == "5" and suite.get("failures") == "2"

    # `jetllm report DIR` renders the saved report again.
    again = jetllm("report", str(out))
    assert again.exit_code == 0 and "vllm-jetson" in again.stdout and "driver_too_old" in again.stdout
    assert jetllm("report", str(out), "--json").data() == report
    assert jetllm("report", str(out), "--md").stdout == md
    missing = jetllm("report", str(tmp_path / "nothing"))
    assert missing.exit_code == 2 and len(missing.stderr.strip().splitlines()) == 1


def test_first_stops_at_the_first_that_works(docker_client, story, jetllm, env, tmp_path):
    since = int(time.time()) - 1
    result = bringup(jetllm, story, tmp_path / "r", "--first", "--json", env=env,
                     names=("vllm-ngc", "ollama-jetson", "llamacpp-jetson"))
    assert result.exit_code == 0, result.stderr
    verdicts = [c["verdict"] for c in result.data()["candidates"]]
    assert verdicts == ["incompatible", "works", "not_tried"]
    assert starts(docker_client, since, result.data()["run_id"]) == Counter({"ollama-jetson": 1})


def test_all_fail(docker_client, local_registry, jetllm, env, tmp_path):
    scenario = prepare(docker_client, local_registry, tmp_path / "profiles", variant="nofit",
                       env_overrides={"vllm-jetson": {"FITS": "0.1"}})
    try:
        since = int(time.time()) - 1
        result = bringup(jetllm, scenario, tmp_path / "r", env=env,
                         names=("vllm-ngc", "vllm-jetson", "trtllm-jetson"))
    finally:
        remove_tags(docker_client, scenario)
    assert result.exit_code == 1, result.stderr
    for cause in ("driver_too_old", "cuda_allocator_assert", "library_mismatch"):
        assert cause in result.stdout
    assert result.stdout.count("fix:") == 3
    report = json.loads((tmp_path / "r" / "report.json").read_text())
    assert report["winner"] is None and report["status"] == "none_working"
    vllm = report["candidates"][1]
    assert vllm["stop"] == "ladder_exhausted"
    # Every fraction bisected (5 starts at most), then the context, 4096..2048 at every 1024 (2 more).
    assert len(vllm["attempts"]) <= bisection_bound(13) + bisection_bound(3) - 1
    assert starts(docker_client, since, report["run_id"])["vllm-jetson"] == len(vllm["attempts"])
    assert not (tmp_path / "r" / "docker-compose.yml").exists()


def test_budget_runs_out(docker_client, local_registry, jetllm, env, tmp_path):
    scenario = prepare(docker_client, local_registry, tmp_path / "profiles", variant="slow",
                       env_overrides={"vllm-jetson": {"FITS": "0.3", "LOAD_SECONDS": "3"}})
    try:
        result = bringup(jetllm, scenario, tmp_path / "r", "--budget", "5s", "--json", env=env,
                         names=("vllm-jetson", "ollama-jetson"))
    finally:
        remove_tags(docker_client, scenario)
    assert result.exit_code == 1, result.stderr
    report = result.data()
    assert report["budget_spent"] is True
    vllm, ollama = report["candidates"]
    assert vllm["stop"] == "budget" and vllm["untried"]
    assert 1 <= len(vllm["attempts"]) < bisection_bound(13)
    assert ollama["verdict"] == "not_tried" and ollama["untried"]
    assert "not tried" in (tmp_path / "r" / "report.md").read_text()
