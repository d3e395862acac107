"""The smoke suite on a backend that served (`jetllm try`): chat streamed and not,
tool calls streamed (arguments in pieces) and not, a tool-result round trip,
structured output and a sanity prompt, each a check of its own. The fixture
backend answers as vLLM's OpenAI server does, tool calls only with
--enable-auto-tool-choice --tool-call-parser."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.backends.images import fakellm_image
from tests.integration.try_support import write_profile

pytestmark = [pytest.mark.docker, pytest.mark.timeout(120)]

TOOL_FLAGS = [["--enable-auto-tool-choice"], ["--tool-call-parser", "hermes"]]


@pytest.fixture(scope="module")
def image(docker_client: Any) -> str:
    return fakellm_image(docker_client)


def checks_of(jetllm: Any, profile: Path, image: str) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    result = jetllm("try", "--profile", str(profile), "--image", image, "--json")
    assert result.exit_code == 0, result.stderr
    doc = result.data()
    assert doc["outcome"] == "ready"
    return doc, {c["name"]: c for c in doc["checks"]}


def test_every_check_passes_on_a_backend_that_serves_as_applications_need(jetllm, image, tmp_path):
    profile, _ = write_profile(tmp_path, args=TOOL_FLAGS)
    doc, checks = checks_of(jetllm, profile, image)
    assert [c["name"] for c in doc["checks"]] == [
        "chat-stream", "chat", "tool-call", "tool-call-stream", "tool-round-trip", "structured-output", "sanity"]
    assert {name: c["status"] for name, c in checks.items()} == dict.fromkeys(checks, "pass"), checks
    assert all(c["ms"] is not None and c["ms"] >= 0 for c in doc["checks"])
    # The streamed call came as four argument pieces; joined, it is the same call.
    assert checks["tool-call-stream"]["detail"] == checks["tool-call"]["detail"] == 'get_weather({"city": "Paris"})'
    assert "sunny" in checks["tool-round-trip"]["detail"]
    assert doc["smoke"]["finish_reason"] == "stop"


def test_a_backend_without_its_tool_flags_fails_the_tool_checks_and_still_serves(jetllm, image, tmp_path):
    profile, _ = write_profile(tmp_path)
    _, checks = checks_of(jetllm, profile, image)
    for name in ("tool-call", "tool-call-stream"):
        assert checks[name]["status"] == "fail"
        assert "--enable-auto-tool-choice" in checks[name]["detail"]  # the server's own words
    assert checks["tool-round-trip"]["status"] == "skip"
    assert checks["chat"]["status"] == checks["sanity"]["status"] == "pass"


def test_a_server_that_answers_garbage_is_flagged_by_the_sanity_check(jetllm, image, tmp_path):
    profile, _ = write_profile(tmp_path, args=[*TOOL_FLAGS, ["--reply", "nonsense"]])
    _, checks = checks_of(jetllm, profile, image)
    assert checks["sanity"]["status"] == "warn"
    assert "Zebra umbrella" in checks["sanity"]["detail"]
    assert checks["chat"]["status"] == "pass"  # up and answering: only the sanity prompt tells


def test_try_shows_each_check(jetllm, image, tmp_path):
    profile, _ = write_profile(tmp_path, args=[*TOOL_FLAGS, ["--reply", "nonsense"]])
    result = jetllm("try", "--profile", str(profile), "--image", image)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any(line.split()[:2] == ["tool-call-stream", "pass"] for line in lines), result.stdout
    assert any(line.split()[:2] == ["sanity", "warn"] for line in lines), result.stdout


def test_the_profile_adds_its_tool_flags_for_the_model_family(jetllm, image, tmp_path):
    # fakellm.yaml: models whose name holds "tool" get vLLM's flags; others do not.
    profile, _ = write_profile(tmp_path)
    result = jetllm("try", "--profile", str(profile), "--image", image, "--model", "tool-tiny", "--json")
    assert result.exit_code == 0, result.stderr
    checks = {c["name"]: c for c in result.data()["checks"]}
    assert checks["tool-call"]["status"] == checks["tool-call-stream"]["status"] == "pass"
    assert "server flags: --enable-auto-tool-choice --tool-call-parser hermes" in checks["tool-call"]["detail"]
