"""`try` and `bringup` act on preflight's verdict, read each image's metadata
once per run, and read the local daemon's copy first: against the real Docker
daemon and the real local registry, behind a front that counts who asked it what."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docker
import pytest

from tests.fixtures.backends.images import fakellm_image
from tests.integration.try_support import write_profile
from tests.support.registry import PlatformImage, RegistryFront

pytestmark = [pytest.mark.docker, pytest.mark.registry, pytest.mark.timeout(180)]
HOSTS = Path(__file__).parents[1] / "fixtures" / "profiles" / "hosts"
ORIN, X86 = str(HOSTS / "orin-nx-r36.4.3.json"), str(HOSTS / "x86-rtx4090-550.json")
ENV = json.loads((HOSTS.parent / "images" / "env.json").read_text())
CUDA13 = ENV["ngc-vllm-25.09"]["env"]  # NVIDIA's vLLM 25.09: CUDA 13.0, driver >= 580


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"JETLLM_CACHE_DIR": str(tmp_path / "cache")}


@pytest.fixture
def held(docker_client: Any, registry_front: RegistryFront) -> Iterator[str]:
    """The fakellm image, held by the daemon under a name at the front's address only."""
    repository = f"{registry_front.address}/jetllm-fixture/held"
    docker_client.images.get(fakellm_image(docker_client)).tag(repository, "1")
    yield f"{repository}:1"
    docker_client.images.remove(f"{repository}:1", noprune=True)


def absent(client: Any, image: str) -> bool:
    try:
        client.images.get(image)
    except docker.errors.ImageNotFound:
        return True
    return False


def try_json(jetllm: Any, *args: str, env: dict[str, str]) -> tuple[int, dict[str, Any]]:
    result = jetllm("try", *args, "--json", env=env)
    assert result.stdout, result.stderr
    return result.exit_code, result.data()


def test_try_stops_before_pulling_an_image_preflight_calls_driver_too_old(
        jetllm, docker_client, local_registry, registry_front, env):
    local_registry.push("nvidia/vllm", "25.09-py3", PlatformImage("arm64", CUDA13))
    image = f"{registry_front.address}/nvidia/vllm:25.09-py3"
    code, doc = try_json(jetllm, "vllm", "--image", image, "--facts", ORIN, env=env)
    assert code == 1 and doc["outcome"] == "skipped" and doc["container_started"] is False
    assert doc["diagnosis"]["class"] == "driver_too_old"
    assert "580.82" in doc["diagnosis"]["cause"]
    assert doc["diagnosis"]["fix"].startswith("use an image built for this L4T release")
    assert not [r for r in registry_front.requests if r.by_docker]  # no pull was even begun
    assert absent(docker_client, image)
    # --force skips preflight: the daemon is asked to pull (and finds no linux/amd64 in it).
    code, doc = try_json(jetllm, "vllm", "--image", image, "--facts", ORIN, "--force", env=env)
    assert code == 1 and doc["outcome"] == "failed"
    assert [r for r in registry_front.requests if r.by_docker]
    assert absent(docker_client, image)


def test_try_stops_before_pulling_an_arm64_only_image_on_x86(
        jetllm, docker_client, local_registry, registry_front, env):
    local_registry.push("vllm/vllm-openai", "arm64-only", PlatformImage("arm64"))
    image = f"{registry_front.address}/vllm/vllm-openai:arm64-only"
    code, doc = try_json(jetllm, "vllm", "--image", image, "--facts", X86, env=env)
    assert code == 1 and doc["outcome"] == "skipped"
    assert doc["diagnosis"]["class"] == "arch_mismatch"
    assert doc["diagnosis"]["fix"] == "use an image built for linux/amd64"
    assert not [r for r in registry_front.requests if r.by_docker]
    assert absent(docker_client, image)


def test_bringup_reads_the_registry_once_per_image(jetllm, docker_client, local_registry, registry_front,
                                                    env, tmp_path):
    # Compatible by its metadata, so it is attempted; the daemon's pull then fails on filler layers.
    local_registry.push("jetllm-fixture/counted", "1", PlatformImage("amd64"), PlatformImage("arm64"))
    image = f"{registry_front.address}/jetllm-fixture/counted:1"
    profile, _ = write_profile(tmp_path)
    result = jetllm("bringup", "--profile", str(profile), "--image", image, "--out", str(tmp_path / "r"),
                    "--json", env=env)
    assert result.exit_code == 1, result.stderr
    (candidate,) = result.data()["candidates"]
    assert candidate["verdict"] == "failed" and len(candidate["attempts"]) == 1
    assert candidate["attempts"][0]["diagnosis"]["class"] == "image_pull_failed"
    assert [r for r in registry_front.requests if r.by_docker]  # the attempt did go on to pull
    tag_reads = [r for r in registry_front.reads("jetllm-fixture/counted") if r.path.endswith("/manifests/1")]
    assert len(tag_reads) == 1, tag_reads
    assert absent(docker_client, image)


def test_preflight_judges_an_image_the_daemon_holds_without_a_registry(jetllm, held, registry_front, env):
    result = jetllm("preflight", held, "--json", env=env)
    assert result.exit_code == 0, result.stdout
    assert result.data()["compatible"] is True and result.data()["source"] == "daemon"
    assert result.data()["platform"] == "linux/amd64"
    assert "read from the image the local Docker daemon holds" in jetllm("preflight", held, env=env).stdout
    assert registry_front.requests == []


def test_a_copy_held_for_another_architecture_leaves_the_answer_to_the_registry(
        jetllm, held, local_registry, registry_front, env):
    # Planning an Orin here: the daemon's linux/amd64 copy is not what the board would pull.
    local_registry.push("jetllm-fixture/held", "1", PlatformImage("amd64"), PlatformImage("arm64"))
    result = jetllm("preflight", held, "--facts", ORIN, "--json", env=env)
    assert result.exit_code == 0, result.stdout
    assert result.data()["source"] == "registry" and result.data()["platform"] == "linux/arm64"
    assert "holds it for linux/amd64 only" in result.data()["reasons"][0]["message"]
    assert registry_front.reads("jetllm-fixture/held")


def test_preflight_reads_the_registry_for_an_image_the_daemon_lacks(
        jetllm, local_registry, registry_front, env):
    local_registry.push("jetllm-fixture/remote", "1", PlatformImage("amd64"))
    result = jetllm("preflight", f"{registry_front.address}/jetllm-fixture/remote:1", "--json", env=env)
    assert result.exit_code == 0, result.stdout
    assert result.data()["source"] == "registry"
    assert registry_front.reads("jetllm-fixture/remote")


def test_pull_never_reads_no_registry(jetllm, docker_client, held, registry_front, env, tmp_path):
    profile, _ = write_profile(tmp_path)
    code, doc = try_json(jetllm, "--profile", str(profile), "--image", held, "--pull", "never", env=env)
    assert code == 0 and doc["outcome"] == "ready"
    missing = f"{registry_front.address}/jetllm-fixture/nowhere:1"
    code, doc = try_json(jetllm, "--profile", str(profile), "--image", missing, "--pull", "never", env=env)
    assert code == 1 and doc["outcome"] == "skipped"
    assert doc["diagnosis"]["class"] == "image_pull_failed"
    assert "is not here" in doc["diagnosis"]["cause"]
    assert doc["diagnosis"]["fix"] == f"The image is not here: pull it (`docker pull {missing}`) or drop --pull never."
    result = jetllm("bringup", "--profile", str(profile), "--image", missing, "--pull", "never",
                    "--out", str(tmp_path / "r"), "--json", env=env)
    assert result.exit_code == 1, result.stderr
    (candidate,) = result.data()["candidates"]
    assert candidate["verdict"] == "incompatible" and candidate["diagnosis"]["class"] == "image_pull_failed"
    assert registry_front.requests == []
