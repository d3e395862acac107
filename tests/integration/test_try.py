"""`jetllm try` against the real Docker daemon, with fixture backends that
start, serve and fail the way real ones do (tests/fixtures/backends/)."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest

from jetllm.core.facts import DockerFacts, GpuFacts, HostFacts, JetsonFacts, NvmlFacts, PlatformFacts
from tests.fixtures.backends.images import fakellm_image, replay_image
from tests.integration.try_support import containers_of, free_port, read_until, write_profile
from tests.support.cli import CliResult, interrupt, start_jetllm

pytestmark = [pytest.mark.docker, pytest.mark.timeout(120)]


@pytest.fixture(scope="module")
def image(docker_client: Any) -> str:
    return fakellm_image(docker_client)


def attempt(jetllm: Any, profile: Path, image: str, *args: str, env: dict[str, str] | None = None
            ) -> tuple[int, dict[str, Any], str]:
    result = jetllm("try", "--profile", str(profile), "--image", image, "--json", *args, env=env)
    assert result.stdout, result.stderr
    return result.exit_code, result.data(), result.stderr


def test_serves_and_answers_a_streamed_chat(jetllm, docker_client, image, tmp_path):
    profile, name = write_profile(tmp_path)
    code, doc, stderr = attempt(jetllm, profile, image, "--gpu-util", "0.4", "--max-len", "2048")
    assert code == 0, stderr
    assert doc["outcome"] == "ready" and doc["diagnosis"] is None
    assert doc["settings"]["gpu_util"] == 0.4 and doc["settings"]["max_len"] == 2048
    assert doc["smoke"]["text"] == "A Jetson is NVIDIA's embedded AI computer."
    assert doc["smoke"]["ttft_s"] > 0 and doc["smoke"]["tokens_per_s"] > 0
    assert doc["smoke"]["tokens_source"] == "usage" and doc["smoke"]["completion_tokens"] == 7
    assert doc["timings"]["start_to_ready_s"] >= 1.0  # the fixture loads for 1 s
    assert doc["base_url"].startswith("http://127.0.0.1:")
    assert "waiting:" in stderr and "Loading model weights" in stderr  # elapsed + last log line
    assert containers_of(docker_client, backend=name) == []


def test_too_much_memory_fails_at_kv_cache_and_is_reported_at_exit(jetllm, docker_client, image, tmp_path):
    profile, name = write_profile(tmp_path, ready={"timeout_s": 60})
    code, doc, _ = attempt(jetllm, profile, image, "--gpu-util", "0.9")
    assert code == 1
    assert doc["outcome"] == "failed" and doc["container_started"] is True
    assert doc["diagnosis"]["class"] == "kv_cache_insufficient"
    assert any("No available memory for the cache blocks" in e["text"] for e in doc["diagnosis"]["evidence"])
    assert doc["exit_state"]["exit_code"] == 1 and not doc["exit_state"]["timed_out"]
    assert doc["timings"]["start_to_ready_s"] < 10  # the crash, not the 60 s timeout
    assert containers_of(docker_client, backend=name) == []


@pytest.mark.parametrize(("log", "expected_class"), [  # real logs (tests/fixtures/logs/README.md)
    ("pytorch-jetson-jp5-cuda122-driver-too-old-01.log", "driver_too_old"),
    ("trtllm-triton2403-bindings-undefined-symbol-01.log", "library_mismatch"),
])
def test_replayed_real_failure_log_is_classified(jetllm, docker_client, fixtures_dir, tmp_path, log, expected_class):
    replay = replay_image(docker_client, (fixtures_dir / "logs" / log).read_text(), exit_code=1)
    profile, name = write_profile(tmp_path)
    code, doc, _ = attempt(jetllm, profile, replay)
    assert code == 1
    assert doc["diagnosis"]["class"] == expected_class
    assert doc["exit_state"]["exit_code"] == 1
    assert doc["log_tail"]
    assert containers_of(docker_client, backend=name) == []


def test_host_oom_kill_under_a_memory_limit(jetllm, docker_client, image, tmp_path):
    profile, name = write_profile(tmp_path, args=[["--host-memory-mib", "256"]])
    code, doc, _ = attempt(jetllm, profile, image, "--memory", "48m")
    assert code == 1
    assert doc["exit_state"]["exit_code"] == 137 and doc["exit_state"]["oom_killed"] is True
    assert doc["diagnosis"]["class"] == "host_oom_killed"
    assert doc["diagnosis"]["fix"].startswith("The container ran under --memory 48m: raise it")
    assert doc["diagnosis"]["fix"].count("ask for less") == 1  # said once, not again in other words
    assert "memory limit" not in doc["diagnosis"]["fix"]
    assert containers_of(docker_client, backend=name) == []


def _labelled(lines: list[str], label: str) -> str:
    """The text of one label's row in the summary, its wrapped lines joined."""
    start = next(n for n, line in enumerate(lines) if line.startswith(f"{label} "))
    rows = [lines[start][len(label):]]
    for line in lines[start + 1:]:
        if not line.startswith(" "):
            break
        rows.append(line)
    return " ".join(row.strip() for row in rows)


def test_summary_of_an_oom_kill_in_a_narrow_log(jetllm, docker_client, image, tmp_path):
    # What a CI log shows: stdout to a pipe, 60 columns.
    profile, name = write_profile(tmp_path, args=[["--host-memory-mib", "256"]])
    result = jetllm("try", "--profile", str(profile), "--image", image, "--memory", "48m", env={"COLUMNS": "60"})
    assert result.exit_code == 1, result.stderr
    lines = result.stdout.splitlines()
    assert [line for line in lines + result.stderr.splitlines() if line != line.rstrip()] == []
    assert "start to ready" not in result.stdout  # it never became ready
    assert _labelled(lines, "timings").startswith("pull -, smoke -, total ")
    assert _labelled(lines, "fix") == ("The container ran under --memory 48m: raise it, or ask for less "
                                       "(a shorter context, a smaller model, fewer CPU-resident layers).")
    tail = lines[lines.index("log tail:") + 1:]
    assert len(tail) > 2 and all(line.startswith("  ") for line in tail)  # wrapped lines stay indented
    assert "Loading weights into host memory" in " ".join(tail)
    assert containers_of(docker_client, backend=name) == []


def test_a_hang_ends_as_startup_timeout(jetllm, docker_client, image, tmp_path):
    profile, name = write_profile(tmp_path, knobs={"load_seconds": 600})
    code, doc, _ = attempt(jetllm, profile, image, "--timeout", "2")
    assert code == 1
    assert doc["diagnosis"]["class"] == "startup_timeout"
    assert doc["exit_state"]["timed_out"] is True
    assert 2 <= doc["timings"]["start_to_ready_s"] < 5
    assert containers_of(docker_client, backend=name) == []


def test_a_taken_host_port_moves_to_a_free_one(jetllm, docker_client, image, tmp_path):
    port = free_port()
    profile, name = write_profile(tmp_path, port=port, args=[["--listen-early"]])
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", port))
        holder.listen()
        code, doc, stderr = attempt(jetllm, profile, image)
    assert code == 0, stderr
    assert f"port {port} is taken" in stderr
    assert doc["base_url"].startswith("http://127.0.0.1:") and f":{port}/" not in doc["base_url"]
    assert containers_of(docker_client, backend=name) == []


def test_a_taken_port_the_user_named_is_refused_before_anything_runs(jetllm, docker_client, image, tmp_path):
    port = free_port()
    profile, name = write_profile(tmp_path)
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", port))
        holder.listen()
        result = jetllm("try", "--profile", str(profile), "--image", image, "--port", str(port))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [  # no "checking", "pulling" or "starting" before it
        f"jetllm: error: port {port} is taken on 127.0.0.1",
        f"  fix: pass another --port, or stop what holds it (`ss -ltnp 'sport = :{port}'` names it)",
    ]
    assert containers_of(docker_client, backend=name) == []
    # Free again: the port named is the port used.
    code, doc, stderr = attempt(jetllm, profile, image, "--port", str(port))
    assert code == 0, stderr
    assert doc["base_url"] == f"http://127.0.0.1:{port}/v1"


def test_two_runs_on_one_named_port_the_second_refuses_and_never_moves(jetllm, docker_client, image,
                                                                         tmp_path, docker_front):
    # The race: the second run found the port free, then the first one's container took it
    # before the second's started. A port the user named is refused, never moved.
    port = free_port()
    second, second_name = write_profile(tmp_path)
    docker_front.hold("/containers/create")  # the second is held just after its free-port check
    late = start_jetllm("try", "--profile", str(second), "--image", image, "--port", str(port), "--json",
                        env={"DOCKER_HOST": docker_front.docker_host})
    first_profile, first_name = write_profile(tmp_path, knobs={"load_seconds": 600})
    first = None
    try:
        assert docker_front.holding.wait(60), "the second run never created its container"
        first = start_jetllm("try", "--profile", str(first_profile), "--image", image, "--port", str(port))
        read_until(first, "waiting:")  # the first one's container holds the port
        docker_front.release()
        stdout, stderr = late.communicate(timeout=60)
        result = CliResult(late.returncode, stdout, stderr)
        assert result.exit_code == 1, stderr
        assert result.errors() == [{
            "class": "port_in_use",
            "message": f"port {port} is taken on 127.0.0.1 (taken after jetllm checked it, before the "
                       "container started)",
            "fix": f"pass another --port, or stop what holds it (`ss -ltnp 'sport = :{port}'` names it)"}]
        assert result.data()["base_url"] is None and "using" not in stderr  # not served elsewhere
        assert containers_of(docker_client, backend=second_name) == []
    finally:
        if first is not None:
            assert interrupt(first).exit_code == 130
        if late.poll() is None:
            late.kill()
            late.communicate()
    assert containers_of(docker_client, backend=first_name) == []


def test_backend_side_address_in_use_is_port_in_use(jetllm, docker_client, image, tmp_path):
    # A second listener (metrics) configured on the API port: the backend cannot bind it.
    profile, name = write_profile(tmp_path, args=[["--listen-early", "--metrics-port", "{port}"]])
    code, doc, _ = attempt(jetllm, profile, image)
    assert code == 1
    assert doc["diagnosis"]["class"] == "port_in_use"
    assert containers_of(docker_client, backend=name) == []


def test_loading_503_then_ready_through_health_only(jetllm, docker_client, image, tmp_path):
    # llama-server style: the port answers 503 while loading; no ready line to watch.
    profile, name = write_profile(tmp_path, args=[["--listen-early"]], ready={"log_line": None})
    code, doc, stderr = attempt(jetllm, profile, image)
    assert code == 0, stderr
    assert "loading" in stderr
    assert containers_of(docker_client, backend=name) == []


def test_log_file_inside_the_container_and_no_health_endpoint(jetllm, docker_client, image, tmp_path):
    # dustynv Ollama writes its log to a file; MLC has no /health (/v1/models is used).
    log_file = "/data/logs/fakellm.log"
    ready = {"log_file": log_file, "health_path": None}
    profile, name = write_profile(tmp_path, args=[["--log-file", log_file]], ready=ready)
    code, doc, stderr = attempt(jetllm, profile, image)
    assert code == 0, stderr
    # The file's lines reach the tail: one written before the server answers (its ready
    # line comes 0.2 s after it listens, so a fast smoke request can end before it).
    assert any("# GPU blocks:" in line for line in doc["log_tail"])
    code, doc, _ = attempt(jetllm, profile, image, "--gpu-util", "0.95")
    assert code == 1 and doc["diagnosis"]["class"] == "kv_cache_insufficient"
    assert containers_of(docker_client, backend=name) == []


def test_garbage_from_the_chat_endpoint_is_a_smoke_failure(jetllm, docker_client, image, tmp_path):
    profile, name = write_profile(tmp_path, args=[["--reply", "garbage"]])
    code, doc, _ = attempt(jetllm, profile, image)
    assert code == 1
    assert doc["diagnosis"]["class"] == "unknown"
    assert doc["diagnosis"]["cause"].startswith("smoke request failed: invalid JSON")
    assert doc["exit_state"]["ready"] is True
    assert containers_of(docker_client, backend=name) == []


def test_hf_token_is_passed_and_never_printed(jetllm, docker_client, image, tmp_path):
    secret = "hf_" + "Zq7" * 8
    profile, name = write_profile(tmp_path)
    result = jetllm("try", "--profile", str(profile), "--image", image, "--json", env={"HF_TOKEN": secret})
    assert result.exit_code == 0, result.stderr
    assert secret not in result.stdout and secret not in result.stderr
    assert any("HF_TOKEN=***" in line for line in result.data()["log_tail"])  # it did reach the backend


def _facts_file(tmp_path: Path, *, jetson: bool) -> Path:
    facts = HostFacts(
        platform=PlatformFacts(arch="aarch64" if jetson else "x86_64"),
        jetson=JetsonFacts(is_jetson=True, l4t="36.4.3", cuda_arch="8.7") if jetson else JetsonFacts(),
        nvml=NvmlFacts(available=True, driver_version="540.4.0" if jetson else "550.54.15",
                       gpus=[GpuFacts(index=0, name="Orin" if jetson else "NVIDIA L4")]),
        docker=DockerFacts(reachable=True, runtimes=["io.containerd.runc.v2", "runc"], default_runtime="runc"),
    )
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(facts.model_dump(mode="json")))
    return path


@pytest.mark.parametrize("jetson", [False, True], ids=["device-request", "nvidia-runtime"])
def test_gpu_without_nvidia_runtime(jetllm, docker_client, image, tmp_path, jetson):
    facts = _facts_file(tmp_path, jetson=jetson)
    profile, name = write_profile(tmp_path)
    # Without --force: refused at once, nothing pulled (this image cannot be pulled at all).
    code, doc, _ = attempt(jetllm, profile, "127.0.0.1:1/nothing:latest", "--facts", str(facts))
    assert code == 1
    assert doc["outcome"] == "skipped" and doc["container_started"] is False
    assert doc["diagnosis"]["class"] == "gpu_runtime_missing" and doc["diagnosis"]["fix"]
    assert doc["timings"]["pull_s"] is None
    # With --force: the daemon's own refusal, classified the same.
    code, doc, _ = attempt(jetllm, profile, image, "--facts", str(facts), "--force")
    assert code == 1 and doc["outcome"] == "failed"
    assert doc["diagnosis"]["class"] == "gpu_runtime_missing" and doc["diagnosis"]["fix"]
    assert ("nvidia" if jetson else "could not select device driver") in json.dumps(doc["diagnosis"])
    assert containers_of(docker_client, backend=name) == []


def test_pull_failures_are_classified(jetllm, image, tmp_path):
    profile, _ = write_profile(tmp_path)
    code, doc, _ = attempt(jetllm, profile, "127.0.0.1:1/nothing:latest")
    assert code == 1 and doc["diagnosis"]["class"] == "image_pull_failed"
    assert doc["container_started"] is False
    code, doc, _ = attempt(jetllm, profile, "jetllm-fixture/absent:never", "--pull", "never")
    assert code == 1 and doc["diagnosis"]["class"] == "image_pull_failed"
    assert "never" in doc["diagnosis"]["cause"]
    assert doc["diagnosis"]["fix"] == ("The image is not here: pull it (`docker pull jetllm-fixture/absent:never`) "
                                       "or drop --pull never.")


def test_pull_never_uses_the_image_as_present(jetllm, docker_client, image, tmp_path):
    profile, name = write_profile(tmp_path)
    code, doc, stderr = attempt(jetllm, profile, image, "--pull", "never")
    assert code == 0, stderr
    assert f"image: {image} is present; not pulled (--pull never)" in stderr
    assert "pulling" not in stderr
    assert doc["timings"]["pull_s"] is None
    assert containers_of(docker_client, backend=name) == []


@pytest.mark.parametrize("args", [
    ["no-such-backend"],
    ["--profile", "x.yaml", "vllm"],
    ["vllm", "--gpu-util", "1.5"],
    ["vllm", "--gpu-util", "0"],
    ["vllm", "--max-len", "-5"],
    ["vllm", "--pull", "sometimes"],
    ["vllm", "--image", "Not An Image"],
    ["ollama", "--gpu-layers", "20"],  # a knob Ollama does not have: it would be ignored
    ["llama.cpp", "--model", "tiny.gguf", "--gpu-util", "0.4"],
    ["ollama", "--model", "Qwen/Qwen2.5-0.5B-Instruct"],  # a hub id, not an Ollama model
    [],
])
def test_bad_usage_is_exit_2_with_one_line(jetllm, args):
    result = jetllm("try", *args)
    assert result.exit_code == 2, result
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("command", [["try", "vllm"], ["bringup", "--model", "Qwen/Qwen2.5-0.5B-Instruct"]])
def test_bad_extra_labels_are_exit_2_before_anything_starts(jetllm, command):
    result = jetllm(*command, env={"JETLLM_LABELS": "ci.job"})
    assert result.exit_code == 2, result
    assert result.stderr.strip() == "jetllm: error: JETLLM_LABELS: 'ci.job' is not KEY=VALUE"
