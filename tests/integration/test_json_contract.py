"""The --json contract: every command, in every outcome (works, not working,
bad usage, interrupted), prints exactly one JSON document on stdout, the same
envelope with the same keys, so a CI step can always pipe it into jq.

The cases run the installed CLI as a user does; those that start containers
use the real Docker daemon and the fakellm fixture backend.
"""

from __future__ import annotations

import json
import signal
import socket
from pathlib import Path
from typing import Any

import pytest
import typer.main

from jetllm.cli import app
from jetllm.render.envelope import KEYS
from tests.fixtures.backends.images import fakellm_image
from tests.integration.try_support import write_profile
from tests.support.cli import CliResult, start_jetllm

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
HOSTS = FIXTURES / "profiles" / "hosts"
GPU_HOST = HOSTS / "x86-h100-535.json"  # driver, nvidia runtime, disk: doctor passes
CPU_HOST = HOSTS / "x86-cpu.json"  # no NVIDIA driver: nothing for vLLM to run on
LOG = FIXTURES / "logs" / "vllm-jetson-nvml-assert.log"
STATUS = {0: "ok", 1: "not_working", 2: "bad_usage", 130: "interrupted"}
STARTS_CONTAINERS = ("try", "bringup", "report", "gc", "preflight")  # test_outcomes_that_start_containers


def envelope(result: CliResult, command: str, exit_code: int) -> dict[str, Any]:
    """The one document on stdout, checked against the contract."""
    assert result.exit_code == exit_code, (result.stdout, result.stderr)
    document = json.loads(result.stdout)  # the whole of stdout: one document, nothing else
    assert list(document) == list(KEYS)
    assert document["jetllm_json_version"] == "1"
    assert document["command"] == command
    assert document["exit_code"] == exit_code
    internal = any(e["class"] == "internal_error" for e in document["errors"])
    assert document["status"] == ("internal_error" if internal else STATUS[exit_code])
    for error in document["errors"]:
        assert set(error) == {"class", "message", "fix"}
        assert error["class"] and error["message"]
    assert bool(document["errors"]) == (exit_code != 0), document["errors"]
    if exit_code in (0, 2):  # a result has its data; bad usage has none
        assert (document["data"] is not None) == (exit_code == 0)
    return document


def broken_profiles(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "vllm.yaml").write_text("name: vllm\nimages: [\n")
    return {"JETLLM_CONFIG_DIR": str(tmp_path)}


# (command words, args, exit code, first error's class or None, env maker)
CASES = [
    ("doctor", ["doctor", "--facts", str(GPU_HOST)], 0, None, None),
    ("doctor", ["doctor", "--facts", str(CPU_HOST)], 1, "nvidia-driver", None),
    ("doctor", ["doctor", "--facts", "/nonexistent/facts.json"], 2, "usage_error", None),
    ("classify", ["classify", str(LOG)], 0, None, None),
    ("classify", ["classify", "/nonexistent.log"], 2, "usage_error", None),
    ("classify", ["classify", str(LOG), "--backend", "no-such"], 2, "usage_error", None),
    ("profiles", ["profiles"], 0, None, None),
    ("profiles", ["profiles"], 2, "usage_error", broken_profiles),
    ("profiles show", ["profiles", "show", "vllm", "--facts", str(HOSTS / "orin-nx-r36.4.3.json")], 0, None, None),
    ("profiles show", ["profiles", "show", "vlm"], 2, "usage_error", None),
    ("profiles show", ["profiles", "show", "vllm", "--facts", str(CPU_HOST)], 0, None, None),
    ("preflight", ["preflight", "vllm", "--facts", "/nonexistent/facts.json"], 2, "usage_error", None),
    ("preflight", ["preflight", "vllm", "--facts", str(CPU_HOST)], 1, "gpu_runtime_missing", None),
    ("preflight", ["preflight", "vllm", "--facts", str(HOSTS / "xavier-r35.4.1.json")], 1, "library_mismatch", None),
    ("probe", ["probe", "vllm", "--timeout", "0"], 2, "usage_error", None),
    ("probe", ["probe"], 2, "usage_error", None),
    ("probe", ["probe", "jetllm-test/probe-absent:never", "--facts", str(CPU_HOST)], 1, "image_pull_failed", None),
    ("try", ["try", "vlm"], 2, "usage_error", None),
    ("try", ["try", "vllm", "--gpu-util", "2"], 2, "usage_error", None),
    ("try", ["try", "--frobnicate"], 2, "usage_error", None),
    ("try", ["try", "vllm", "--facts", str(CPU_HOST)], 1, "gpu_runtime_missing", None),
    ("try", ["try", "vllm", "--image", "Bad Image::"], 2, "usage_error", None),
    ("try", ["try", "llama.cpp", "--model", "/nonexistent/model.gguf"], 2, "usage_error", None),
    ("bringup", ["bringup", "--budget", "soon"], 2, "usage_error", None),
    # README's CI example on a runner where no GPU is seen: the report still says why
    ("bringup", ["bringup", "--backends", "vllm,sglang", "--facts", str(CPU_HOST), "--out", "{tmp}/r"],
     1, "gpu_runtime_missing", None),
    ("report", ["report", "/nonexistent/report"], 2, "usage_error", None),
    ("model", ["model"], 2, "usage_error", None),
    ("model inspect", ["model", "inspect", "llama3.2:3b", "--facts", str(HOSTS / "orin-nx-r36.4.3.json")], 0, None, None),
    ("model inspect", ["model", "inspect", "/nonexistent/model.gguf"], 2, "usage_error", None),
    ("model inspect", ["model", "inspect", "org/repo"], 1, "model_unavailable",
     lambda tmp: {"HF_HUB_OFFLINE": "1", "HF_HOME": str(tmp)}),
    ("soak", ["soak"], 2, "usage_error", None),
    ("soak", ["soak", "--base-url", "http://127.0.0.1:9/v1", "--duration", "2s", "--textfile", "{tmp}/s.prom"],
     1, "unknown", None),
    ("gc", ["gc"], 1, "docker_unavailable", lambda _: {"DOCKER_HOST": "unix:///nonexistent/docker.sock"}),
    ("frobnicate", ["frobnicate"], 2, "usage_error", None),
]


@pytest.mark.parametrize("command,args,code,first_class,make_env", CASES,
                         ids=[f"{c[0]}-{c[2]}-{i}" for i, c in enumerate(CASES)])
def test_every_outcome_is_one_envelope(jetllm, tmp_path, command, args, code, first_class, make_env):
    env = make_env(tmp_path) if make_env else None
    result = jetllm(*(a.replace("{tmp}", str(tmp_path)) for a in args), "--json", env=env)
    document = envelope(result, command, code)
    if first_class:
        assert document["errors"][0]["class"] == first_class, document["errors"]
    assert "Traceback" not in result.stderr


def test_a_taken_port_the_user_named_is_port_in_use(jetllm, tmp_path):
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen(1)
        port = str(holder.getsockname()[1])
        profile, _ = write_profile(tmp_path)
        result = jetllm("try", "--profile", str(profile), "--port", port, "--json")
    document = envelope(result, "try", 1)
    assert document["errors"][0]["class"] == "port_in_use" and port in document["errors"][0]["message"]


def test_errors_also_reach_stderr_as_one_line(jetllm):
    """The envelope is for scripts; a person watching the job still reads the error."""
    result = jetllm("try", "vlm", "--json")
    assert result.stderr.startswith("jetllm: error: ") and len(result.stderr.strip().splitlines()) == 1


@pytest.mark.docker
@pytest.mark.timeout(180)
def test_outcomes_that_start_containers(jetllm, docker_client, tmp_path):
    image = fakellm_image(docker_client)
    profile, _ = write_profile(tmp_path)
    ready = envelope(jetllm("try", "--profile", str(profile), "--image", image, "--json"), "try", 0)
    assert ready["data"]["outcome"] == "ready"

    failed = envelope(jetllm("try", "--profile", str(profile), "--image", image, "--gpu-util", "0.9",
                             "--json"), "try", 1)
    assert failed["errors"][0]["class"] == "kv_cache_insufficient" and failed["errors"][0]["fix"]
    assert failed["data"]["diagnosis"]["class"] == "kv_cache_insufficient"

    out = tmp_path / "report"
    works = envelope(jetllm("bringup", "--profile", str(profile), "--image", image, "--out", str(out),
                            "--json", timeout=240), "bringup", 0)
    assert works["data"]["status"] == "works"
    again = envelope(jetllm("report", str(out), "--json"), "report", 0)
    assert again["data"] == works["data"]

    envelope(jetllm("gc", "--json"), "gc", 0)

    held = envelope(jetllm("preflight", image, "--facts", str(GPU_HOST), "--json"), "preflight", 0)
    assert held["data"]["compatible"] is True and held["data"]["source"] == "daemon"


@pytest.mark.docker
@pytest.mark.timeout(120)
@pytest.mark.parametrize("command", ["try", "bringup"])
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_an_interrupted_run_still_prints_its_envelope(docker_client, tmp_path, command, sig):
    image = fakellm_image(docker_client)
    profile, _ = write_profile(tmp_path, knobs={"load_seconds": 600})
    extra = ["--out", str(tmp_path / "report")] if command == "bringup" else []
    process = start_jetllm(command, "--profile", str(profile), "--image", image, "--json", *extra)
    assert process.stderr is not None
    while "waiting" not in (line := process.stderr.readline()):  # for readiness
        assert line, f"jetllm {command} ended before it waited for readiness"
    process.send_signal(sig)
    stdout, stderr = process.communicate(timeout=60)
    document = envelope(CliResult(process.returncode, stdout, stderr), command, 130)
    assert document["errors"][0]["class"] == "interrupted"
    if command == "bringup":  # the partial report, as written to --out
        assert document["data"]["status"] == "interrupted"
        assert document["data"] == json.loads((tmp_path / "report" / "report.json").read_text())


def test_internal_errors_are_an_envelope_too(capsys, monkeypatch):
    """A bug anywhere (here: a command whose stage raises) is still one document."""
    from jetllm import cli
    from jetllm.cli import doctor

    def broken(**_: Any) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(doctor, "main", broken)
    monkeypatch.delenv("JETLLM_DEBUG", raising=False)
    code = cli.run(["doctor", "--json"])
    document = envelope(CliResult(code, capsys.readouterr().out, ""), "doctor", 1)
    assert document["status"] == "internal_error"
    assert document["errors"][0]["class"] == "internal_error" and "a bug" in document["errors"][0]["message"]


def test_every_command_is_covered():
    """A command added later without contract cases fails here."""
    group = typer.main.get_command(app)
    names = set()
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        names.add(name)
        names.update(f"{name} {sub}" for sub in getattr(command, "commands", {}))
    covered = {case[0] for case in CASES} | set(STARTS_CONTAINERS)
    assert names <= covered, f"commands with no --json contract case: {sorted(names - covered)}"
