"""`jetllm preflight` against a real registry (Debian's docker-registry on
127.0.0.1) holding images whose config carries what real images carry."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from tests.support.registry import PlatformImage, RegistryFront, TokenAuth, free_port

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


@pytest.mark.parametrize(("login", "grant"), [
    ({"identitytoken": "refresh-7f3a"},  # `docker login` through a browser or SSO leaves one
     {"method": "POST", "grant_type": "refresh_token", "refresh_token": "refresh-7f3a", "client_id": "jetllm"}),
    ({"auth": base64.b64encode(b"robot:robot-pass").decode()}, {"method": "GET"}),
], ids=["identity-token", "user-and-password"])
def test_stored_login_is_used_for_a_registry_token(local_registry, jetllm, env, tmp_path, login, grant):
    """A registry behind token auth (as Docker Hub and ghcr.io are): Docker's stored login gets the token."""
    gate = TokenAuth(refresh_token="refresh-7f3a", user=("robot", "robot-pass"))
    front = RegistryFront(local_registry.address, token_auth=gate)
    try:
        local_registry.push("nvidia/vllm", "behind-login", PlatformImage("arm64", ENV["ngc-vllm-25.09"]["env"]))
        image = f"{front.address}/nvidia/vllm:behind-login"
        anonymous = jetllm("preflight", image, "--facts", ORIN, "--json", env=env)
        assert anonymous.data()["class"] == "unknown"
        assert "token refused (401)" in anonymous.data()["reasons"][-1]["message"]
        (tmp_path / "config.json").write_text(json.dumps({"auths": {front.address: login}}))
        result = jetllm("preflight", image, "--facts", ORIN, "--json", env={**env, "DOCKER_CONFIG": str(tmp_path)})
        assert result.data()["class"] == "driver_too_old", result.stdout
        scope = {"service": "test-registry", "scope": "repository:nvidia/vllm:pull"}
        assert gate.grants[-1] == {**grant, **scope}
        assert "refresh-7f3a" not in result.stdout + result.stderr and "robot-pass" not in result.stdout + result.stderr
    finally:
        front.stop()


def test_basic_auth_registry_takes_a_password_not_an_identity_token(local_registry, jetllm, env, tmp_path):
    gate = TokenAuth(user=("robot", "robot-pass"), basic=True)
    front = RegistryFront(local_registry.address, token_auth=gate)
    try:
        local_registry.push("nvidia/vllm", "basic", PlatformImage("arm64", ENV["ngc-vllm-25.09"]["env"]))
        image = f"{front.address}/nvidia/vllm:basic"
        login = {**env, "DOCKER_CONFIG": str(tmp_path)}
        config = tmp_path / "config.json"
        config.write_text(json.dumps({"auths": {front.address: {"identitytoken": "refresh-7f3a"}}}))
        refused = jetllm("preflight", image, "--facts", ORIN, "--json", env=login)
        assert refused.data()["class"] == "unknown"
        reason = refused.data()["reasons"][-1]["message"]
        assert "the stored login is an identity token" in reason and "\n" not in reason
        config.write_text(json.dumps({"auths": {front.address: {"auth": base64.b64encode(b"robot:robot-pass").decode()}}}))
        assert jetllm("preflight", image, "--facts", ORIN, "--json", env=login).data()["class"] == "driver_too_old"
    finally:
        front.stop()


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
