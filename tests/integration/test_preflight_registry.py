"""`jetllm preflight` against a real registry (Debian's docker-registry on
127.0.0.1) holding images whose config carries what real images carry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.registry import PlatformImage, free_port

pytestmark = pytest.mark.registry
FIXTURES = Path(__file__).parent.parent / "fixtures" / "profiles"
ENV = json.loads((FIXTURES / "images" / "env.json").read_text())
ORIN = str(FIXTURES / "hosts" / "orin-nx-r36.4.3.json")
X86 = str(FIXTURES / "hosts" / "x86-rtx4090-550.json")


@pytest.fixture
def env(tmp_path):
    return {"JETLLM_CACHE_DIR": str(tmp_path / "cache")}


def test_seed_ngc_vllm_on_orin_nx(local_registry, jetllm, env):
    image = local_registry.push("nvidia/vllm", "25.09-py3",
                                PlatformImage("arm64", ENV["ngc-vllm-25.09"]["env"]))
    result = jetllm("preflight", image, "--facts", ORIN, "--json", env=env)
    assert result.exit_code == 1, result.stderr
    verdict = result.data()
    assert verdict["compatible"] is False and verdict["class"] == "driver_too_old"
    blocker = next(r for r in verdict["reasons"] if r["severity"] == "blocker")
    assert "580.82" in blocker["message"]
    # Asked again, the config comes from the cache (keyed by digest).
    assert list((Path(env["JETLLM_CACHE_DIR"]) / "preflight").glob("sha256-*.json"))
    again = jetllm("preflight", image, "--facts", ORIN, "--json", env=env)
    assert again.data()["class"] == "driver_too_old"


def test_arm64_only_index_on_x86_is_arch_mismatch(local_registry, jetllm, env):
    image = local_registry.push("nvidia/vllm", "arm64-only", PlatformImage("arm64", ENV["ngc-vllm-25.09"]["env"]))
    result = jetllm("preflight", image, "--facts", X86, "--json", env=env)
    assert result.exit_code == 1
    assert result.data()["class"] == "arch_mismatch"
    assert "linux/arm64" in result.data()["reasons"][0]["message"]


def test_multi_platform_docker_list_picks_this_host(local_registry, jetllm, env):
    image = local_registry.push(
        "dustynv/ollama", "r36.4.0",
        PlatformImage("amd64"), PlatformImage("arm64", ENV["dustynv-vllm-r36.4"]["env"], variant="v8"),
        oci=False,
    )
    result = jetllm("preflight", image, "--facts", ORIN, "--json", env=env)
    assert result.exit_code == 0, result.stdout
    assert result.data()["compatible"] is True and result.data()["platform"] == "linux/arm64/v8"


def test_r35_image_on_r36_host_is_l4t_mismatch(local_registry, jetllm, env):
    image = local_registry.push("dustynv/ollama", "r35.4.1", PlatformImage("arm64"), index=False)
    result = jetllm("preflight", image, "--facts", ORIN, env=env)
    assert result.exit_code == 1
    assert "incompatible (library_mismatch)" in result.stdout
    assert "L4T r35.4.1" in result.stdout


def test_disk_too_small(local_registry, jetllm, env, tmp_path):
    facts = json.loads(Path(ORIN).read_text())
    facts["docker"]["root_dir_free_bytes"] = 20_000
    small = tmp_path / "facts.json"
    small.write_text(json.dumps({"facts": facts}))  # as `jetllm doctor --json` wraps it
    image = local_registry.push("dustynv/llama_cpp", "r36.4.0",
                                PlatformImage("arm64", layer_sizes=(16_000, 16_000)))
    result = jetllm("preflight", image, "--facts", str(small), "--json", env=env)
    assert result.exit_code == 1
    assert result.data()["class"] == "disk_full" and result.data()["compressed_size"] == 32_000


def test_missing_tag_is_incompatible_pull_failure(local_registry, jetllm, env):
    result = jetllm("preflight", f"{local_registry.address}/nope/nope:1", "--facts", ORIN, "--json", env=env)
    assert result.exit_code == 1 and result.data()["class"] == "image_pull_failed"


def test_unreachable_registry_is_unknown(jetllm, env):
    image = f"127.0.0.1:{free_port()}/nvidia/vllm:25.09-py3"
    result = jetllm("preflight", image, "--facts", ORIN, "--json", env=env)
    assert result.exit_code == 1
    verdict = result.data()
    assert verdict["compatible"] is None and verdict["class"] == "unknown"
    assert "cannot reach 127.0.0.1" in verdict["reasons"][-1]["message"]
    human = jetllm("preflight", image, "--facts", ORIN, env=env)
    assert ": unknown" in human.stdout and "not known to work" in human.stdout


def test_cuda_image_on_this_host_without_nvidia_driver(local_registry, jetllm, env):
    if jetllm("doctor", "--json").data()["facts"]["nvml"]["available"]:
        pytest.skip("this host has an NVIDIA driver: the case needs a host without one")
    both = ("amd64", "arm64")
    cuda_env = ENV["ngc-vllm-25.09"]["env"]
    cuda = local_registry.push("nvidia/vllm", "no-driver", *(PlatformImage(a, cuda_env) for a in both))
    result = jetllm("preflight", cuda, "--json", env=env)
    assert result.exit_code == 1, result.stdout
    verdict = result.data()
    assert verdict["compatible"] is False and verdict["class"] == "gpu_runtime_missing"
    (blocker,) = [r for r in verdict["reasons"] if r["severity"] == "blocker"]
    assert "CUDA 13.0" in blocker["message"] and "no NVIDIA driver" in blocker["message"]
    assert blocker["fix"].startswith("install the NVIDIA driver")
    # An image without CUDA is judged as on any host.
    cpu = local_registry.push("ggml-org/llama.cpp", "server", *(PlatformImage(a) for a in both))
    result = jetllm("preflight", cpu, "--json", env=env)
    assert result.exit_code == 0, result.stdout
    assert result.data()["compatible"] is True and result.data()["class"] == "none"


def test_check_api(local_registry, tmp_path, monkeypatch):
    from jetllm.facts import load_facts
    from jetllm.preflight import check

    monkeypatch.setenv("JETLLM_CACHE_DIR", str(tmp_path))
    image = local_registry.push("nvidia/vllm", "api", PlatformImage("arm64", ENV["ngc-vllm-25.09"]["env"]))
    result = check(image, load_facts(ORIN))
    assert result.compatible is False and result.failure_class.value == "driver_too_old"
    assert result.digest and result.compressed_size == 4096


def test_bad_input_exit_2(jetllm):
    assert jetllm("preflight", "Not An Image", "--facts", ORIN).exit_code == 2
    assert jetllm("preflight", "vllm", "--facts", "/nonexistent/facts.json").exit_code == 2
