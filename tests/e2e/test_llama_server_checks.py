"""The smoke suite against the real llama.cpp server (CPU, the tiny random-weight
model): chat streamed and not passes; the model cannot call tools, and that is the
tool checks' own result, not a crash; its answers are nonsense, and the sanity check
says so as a warning."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.docker, pytest.mark.timeout(2400)]


def test_checks_on_a_real_llama_server(jetllm: Any, llama_server_image: str, tiny_gguf: Path) -> None:
    result = jetllm("try", "llama.cpp", "--image", llama_server_image, "--model", str(tiny_gguf),
                    "--pull", "never", "--json", timeout=600)
    assert result.exit_code == 0, result.stderr + result.stdout
    attempt = result.data()
    assert attempt["outcome"] == "ready"
    checks = {c["name"]: c for c in attempt["checks"]}
    assert checks["chat-stream"]["status"] == checks["chat"]["status"] == "pass", checks
    assert "finish_reason" in checks["chat"]["detail"]
    # The profile started it with --jinja; the tiny model's template has no tools, so it answers text.
    for name in ("tool-call", "tool-call-stream"):
        assert checks[name]["status"] == "fail"
        assert "no tool call in the answer" in checks[name]["detail"]
        assert "(server flags: --jinja)" in checks[name]["detail"]
    assert checks["tool-round-trip"]["status"] == "skip"
    # This build refuses a grammar for the tiny model's vocabulary: a 400, said as a skip in its words.
    assert checks["structured-output"]["status"] == "skip"
    assert "HTTP 400" in checks["structured-output"]["detail"]
    assert checks["sanity"]["status"] == "warn"  # random weights: not "5"
    assert "asked 2 + 3" in checks["sanity"]["detail"]


def test_concurrency_sweep_on_llama_server_parallel_slots(
        jetllm: Any, llama_server_image: str, tiny_gguf: Path) -> None:
    result = jetllm("try", "llama.cpp", "--image", llama_server_image, "--model", str(tiny_gguf),
                    "--pull", "never", "--concurrency", "4", "--concurrency-sweep", "1,2,4",
                    "--target-p95", "30s", "--json", timeout=600)
    assert result.exit_code == 0, result.stderr + result.stdout
    sweep = result.data()["load"]
    assert [lv["concurrency"] for lv in sweep["levels"]] == [1, 2, 4]
    for level in sweep["levels"]:
        # Three measured requests per slot; the warm-up round is not among them.
        assert level["requests"] == 3 * level["concurrency"] and level["errors"] == 0, level
        assert 0 < level["ttft_p50"] <= level["ttft_p95"] < level["total_p95"]
        # The tiny model decodes in about a millisecond a token, so chunks can arrive together;
        # the decode time of a request still fits within the request.
        assert 0 <= level["itl_p50"] <= level["itl_p95"]
        assert level["itl_p95"] * (64 - 1) <= level["total_p95"]
        assert level["total_p50"] <= level["total_p95"] and level["tokens_per_s"] > 0
        assert level["meets_target"] is True
    assert sweep["best"] == 4 and sweep["target_p95_s"] == 30
    assert sweep["max_tokens"] == 64


def test_the_compose_healthcheck_runs_in_a_real_llama_server_container(
        jetllm: Any, docker_client: Any, llama_server_image: str, tiny_gguf: Path, tmp_path: Path) -> None:
    """The test image is FROM scratch: here it gets busybox (wget), as the profile's
    healthcheck_tool says; the compose healthcheck then asks the real server for a token."""
    import io
    import tarfile
    import time
    import uuid

    import yaml

    from tests.support.images import static_busybox

    dockerfile = (f"FROM {llama_server_image}\nCOPY busybox /bin/busybox\n"
                  'RUN ["/bin/busybox", "--install", "-s", "/bin"]\nENV PATH=/app:/bin\n')
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, content in (("Dockerfile", dockerfile.encode()), ("busybox", static_busybox().read_bytes())):
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(content), 0o755
            tar.addfile(info, io.BytesIO(content))
    buffer.seek(0)
    tag = f"jetllm-test/llama-server-wget:{uuid.uuid4().hex[:8]}"
    docker_client.images.build(fileobj=buffer, custom_context=True, tag=tag, rm=True, forcerm=True)
    container = None
    try:
        profile = yaml.safe_load((Path(__file__).parents[2] / "profiles" / "llama.cpp.yaml").read_text())
        variant = {"image": tag, "healthcheck_tool": "wget"}
        profile.update(name="llamacpp-wget", images={"cpu": [variant], "x86_64": [variant]})
        (tmp_path / "llamacpp-wget.yaml").write_text(yaml.safe_dump(profile))
        out = tmp_path / "r"
        result = jetllm("bringup", "--profile", str(tmp_path / "llamacpp-wget.yaml"), "--backends", "llamacpp-wget",
                        "--model", str(tiny_gguf), "--pull", "never", "--max-len", "1024", "--out", str(out),
                        timeout=600)
        assert result.exit_code == 0, result.stderr
        service = yaml.safe_load((out / "docker-compose.yml").read_text())["services"]["llamacpp-wget"]
        check = service["healthcheck"]
        assert check["test"][:2] == ["CMD", "wget"]
        volumes = {}
        for volume in service["volumes"]:
            source, target, *mode = volume.split(":")
            volumes[source] = {"bind": target, "mode": mode[0] if mode else "rw"}
        container = docker_client.containers.run(
            tag, service["command"], detach=True, volumes=volumes, labels={"jetllm.test": "health"},
            name=f"jetllm-test-health-{uuid.uuid4().hex[:8]}",
            healthcheck={"test": check["test"], "interval": 1_000_000_000, "timeout": 10_000_000_000,
                         "retries": check["retries"], "start_period": 2_000_000_000})
        status = ""
        for _ in range(120):  # bounded: 120 x 0.25 s
            container.reload()
            status = container.attrs["State"].get("Health", {}).get("Status", "")
            if status in ("healthy", "unhealthy"):
                break
            time.sleep(0.25)
        assert status == "healthy", container.attrs["State"].get("Health")
    finally:
        if container is not None:
            container.remove(force=True)
        docker_client.images.remove(tag, force=True)
