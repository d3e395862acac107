"""`jetllm bringup --require`: two fixture backends serve; the faster one was started
without its tool-call flags, so it misses tool-calls and ranks below the slower one
that meets it; with only the one that misses it, bringup exits 1 and says why."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.backends.images import fakellm_image
from tests.integration.try_support import write_profile

pytestmark = [pytest.mark.docker, pytest.mark.timeout(180)]

TOOL_FLAGS = [["--enable-auto-tool-choice"], ["--tool-call-parser", "hermes"]]


def profiles(client: Any, tmp_path: Path) -> tuple[Path, str, Path, str]:
    image = fakellm_image(client)
    images = {"cpu": [{"image": image}], "x86_64": [{"image": image}]}
    fast, fast_name = write_profile(tmp_path, knobs={"token_delay": 0.01}, extra={"images": images})
    able, able_name = write_profile(tmp_path, knobs={"token_delay": 0.08}, args=TOOL_FLAGS,
                                    extra={"images": images})
    return fast, fast_name, able, able_name


def bringup(jetllm: Any, out: Path, *args: str) -> Any:
    return jetllm("bringup", *args, "--model", "tiny", "--gpu-util", "0.5", "--max-len", "2048",
                  "--out", str(out), "--junit", str(out / "junit.xml"), "--json", timeout=150)


def test_the_candidate_that_meets_the_requirement_wins(jetllm, docker_client, tmp_path):
    fast, fast_name, able, able_name = profiles(docker_client, tmp_path)
    out = tmp_path / "r"
    result = bringup(jetllm, out, "--profile", str(fast), "--profile", str(able),
                     "--backends", f"{fast_name},{able_name}", "--require", "tool-calls,streaming")
    assert result.exit_code == 0, result.stderr
    report = json.loads((out / "report.json").read_text())
    ranks = {c["candidate"]["name"]: (c["rank"], c["unmet"]) for c in report["candidates"]}
    assert ranks[able_name] == (1, [])
    assert ranks[fast_name][0] == 2
    assert ranks[fast_name][1][0].startswith("tool-calls (tool-call fail: the server refused it: HTTP 400")
    row = next(ln for ln in (out / "report.md").read_text().splitlines() if f"| {fast_name} |" in ln)
    assert "misses --require tool-calls" in row and "--enable-auto-tool-choice" in row
    # Each check of each candidate is a JUnit test case.
    suites = {s.get("name"): s for s in ET.parse(out / "junit.xml").getroot().iter("testsuite")}
    fast_suite = suites[f"jetllm smoke {fast_name}"]
    failed = [c.get("name") for c in fast_suite.iter("testcase") if c.find("failure") is not None]
    assert failed == ["tool-call", "tool-call-stream"]


def test_exit_1_when_no_candidate_meets_the_requirement(jetllm, docker_client, tmp_path):
    fast, fast_name, _, _ = profiles(docker_client, tmp_path)
    result = bringup(jetllm, tmp_path / "r", "--profile", str(fast), "--backends", fast_name,
                     "--require", "tool-calls")
    assert result.exit_code == 1, result.stderr
    assert result.data()["winner"] == fast_name  # the best there is, named, and not good enough
    assert [e["class"] for e in result.errors()] == ["requirement_unmet"]


def test_an_unknown_requirement_is_a_usage_error(jetllm, tmp_path):
    result = jetllm("bringup", "--backends", "llama.cpp", "--require", "teleport", "--out", str(tmp_path / "r"))
    assert result.exit_code == 2
    assert "--require: unknown requirement 'teleport'" in result.stderr
    assert "Traceback" not in result.stderr
