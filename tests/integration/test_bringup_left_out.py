"""`jetllm bringup` where some or all backends cannot be tried: the report folder,
report.md and JUnit are written all the same (a CI job's artifacts), with one row
and one failing test case per backend left out, saying why; nothing is pulled."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.backends.images import fakellm_image
from tests.integration.try_support import write_profile

pytestmark = [pytest.mark.docker, pytest.mark.timeout(180)]


def tags(client: Any) -> set[str]:
    return {tag for image in client.images.list() for tag in image.tags}


def junit_cases(path: Path) -> dict[str, ET.Element]:
    """testcase elements by backend (from the classname jetllm.bringup.BACKEND)."""
    suite = ET.parse(path).getroot().find("testsuite")
    assert suite is not None
    return {case.get("classname", "").removeprefix("jetllm.bringup."): case for case in suite.iter("testcase")}


def test_ci_example_without_a_gpu_writes_every_artifact_and_pulls_nothing(jetllm, docker_client, tmp_path):
    facts = jetllm("doctor", "--json").data()["facts"]
    if facts["nvml"]["available"] or facts["jetson"]["is_jetson"]:
        pytest.skip("an NVIDIA driver answers on this host: this case needs a host without one")
    before = tags(docker_client)
    out, junit = tmp_path / "jetllm-report", tmp_path / "jetllm-report" / "junit.xml"
    result = jetllm("bringup", "--backends", "vllm,sglang", "--out", str(out), "--junit", str(junit),
                    timeout=120)
    assert result.exit_code == 1, result.stderr
    assert {"report.json", "report.md", "junit.xml"} <= {p.name for p in out.iterdir()}

    report = json.loads((out / "report.json").read_text())
    assert report["status"] == "none_working" and report["exit_code"] == 1
    rows = {c["candidate"]["name"]: c for c in report["candidates"]}
    assert list(rows) == ["vllm", "sglang"]
    for row in rows.values():
        assert row["verdict"] == "left_out" and row["attempts"] == []
        assert row["diagnosis"]["class"] == "gpu_runtime_missing"
        assert "no NVIDIA driver answers on this host" in row["diagnosis"]["cause"]
        assert "install the NVIDIA driver" in row["diagnosis"]["fix"]

    cases = junit_cases(junit)
    assert set(cases) == {"vllm", "sglang"}
    for backend, case in cases.items():
        failure = case.find("failure")
        assert failure is not None, backend
        assert failure.get("type") == "gpu_runtime_missing"
        assert f"{backend} needs the GPU" in (failure.text or "")
        assert "install the NVIDIA driver" in (failure.get("message") or "")

    md = (out / "report.md").read_text()
    for line in ([ln for ln in md.splitlines() if f"| {name} |" in ln] for name in ("vllm", "sglang")):
        assert len(line) == 1 and "left out" in line[0] and "gpu_runtime_missing" in line[0]
    table = [ln.split() for ln in result.stdout.splitlines()]
    assert ["vllm", "left", "out"] == table[2][:3] and ["sglang", "left", "out"] == table[3][:3]

    new = tags(docker_client) - before
    assert not [t for t in new if t.startswith(("vllm/", "lmsysorg/sglang"))], new


def test_a_backend_the_model_format_rules_out_is_a_row_beside_the_one_that_works(
        jetllm, docker_client, tmp_path):
    image = fakellm_image(docker_client)
    # The fixture backend loads Hugging Face models (formats: [hf]), llama.cpp only GGUF.
    images = {"cpu": [{"image": image}], "x86_64": [{"image": image}]}
    profile, name = write_profile(tmp_path, extra={"images": images})
    out, junit = tmp_path / "r", tmp_path / "smoke.xml"
    result = jetllm("bringup", "--profile", str(profile), "--backends", f"{name},llama.cpp",
                    "--model", "Qwen/Qwen2.5-0.5B-Instruct", "--gpu-util", "0.5", "--max-len", "2048",
                    "--out", str(out), "--junit", str(junit))
    assert result.exit_code == 0, result.stderr
    assert "jetllm bringup: 1 candidate to try, 1 left out" in result.stderr
    # The attempt's progress, worded as `try` words it, under the step it belongs to.
    step = result.stderr.split(f"{name}: starting with gpu_util=0.5 max_len=2048\n")[1]
    assert step.startswith("  checking: prerequisites") and f"\n  waiting: waiting for {name} on " in step
    report = json.loads((out / "report.json").read_text())
    verdicts = {c["candidate"]["name"]: c["verdict"] for c in report["candidates"]}
    assert verdicts == {name: "works", "llama.cpp": "left_out"}
    llama = report["candidates"][1]
    assert llama["diagnosis"]["class"] == "unsupported_model"
    assert llama["diagnosis"]["cause"] == "llama.cpp loads GGUF models, not Hugging Face (safetensors) " \
                                          "(Qwen/Qwen2.5-0.5B-Instruct)"
    assert any(ln.split()[:3] == ["llama.cpp", "left", "out"] for ln in result.stdout.splitlines())
    assert "llama.cpp loads GGUF models" in result.stdout
    md_row = next(ln for ln in (out / "report.md").read_text().splitlines() if "| llama.cpp |" in ln)
    assert "left out" in md_row and "unsupported_model" in md_row
    cases = junit_cases(junit)
    assert cases[name].find("failure") is None
    failure = cases["llama.cpp"].find("failure")
    assert failure is not None and failure.get("type") == "unsupported_model"
    assert "loads GGUF models" in (failure.text or "")

