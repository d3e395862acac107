"""The preflight rules over registry answers built in place (no network)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jetllm.core.compat import ImageInfo, Platform, Severity
from jetllm.core.facts import HostFacts
from jetllm.core.reference import parse
from jetllm.knowledge import l4t
from jetllm.preflight import judge

FIXTURES = Path(__file__).parent.parent / "fixtures" / "profiles"
ENV = json.loads((FIXTURES / "images" / "env.json").read_text())


def host(name: str) -> HostFacts:
    return HostFacts.model_validate_json((FIXTURES / "hosts" / f"{name}.json").read_text())


def info(env_name: str | None, arch: str = "arm64", size: int = 10**9, labels=None, **extra) -> ImageInfo:
    return ImageInfo(reference="r/x:1", digest="sha256:" + "0" * 64, platform=Platform(architecture=arch),
                     env=ENV[env_name]["env"] if env_name else extra.pop("env", {}), labels=labels or {},
                     compressed_size=size, **extra)


def blockers(reasons):
    return [r for r in reasons if r.severity is Severity.BLOCKER]


def test_seed_ngc_vllm_on_orin_nx_is_driver_too_old():
    reasons = judge("nvcr.io/nvidia/vllm:25.09-py3", info("ngc-vllm-25.09"), host("orin-nx-r36.4.3"))
    (blocker,) = blockers(reasons)
    assert blocker.failure_class.value == "driver_too_old"
    assert "580.82" in blocker.message and "540.4.0" in blocker.message and "12.6" in blocker.message


def test_ngc_vllm_on_x86_driver_550_is_driver_too_old():
    (blocker,) = blockers(judge("nvcr.io/nvidia/vllm:25.09-py3", info("ngc-vllm-25.09", "amd64"),
                                host("x86-rtx4090-550")))
    assert blocker.failure_class.value == "driver_too_old" and "580.82.07" in blocker.message


def test_cuda_12_9_on_geforce_550_is_blocked_by_requirement_and_driver():
    found = blockers(judge("nvidia/cuda:12.9.1-base", info("nvidia-cuda-12.9.1", "amd64"), host("x86-rtx4090-550")))
    assert {r.rule for r in found} == {"cuda"}
    assert all(r.failure_class.value == "driver_too_old" for r in found)


def test_cuda_12_9_on_h100_535_runs_through_forward_compat():
    reasons = judge("nvidia/cuda:12.9.1-base", info("nvidia-cuda-12.9.1", "amd64"), host("x86-h100-535"))
    assert not blockers(reasons), reasons


def test_dustynv_on_orin_is_judged_by_l4t_and_passes():
    reasons = judge("dustynv/vllm:0.8.6-r36.4-cu128-24.04", info("dustynv-vllm-r36.4"), host("orin-nx-r36.4.3"))
    assert not blockers(reasons)
    assert any(r.rule == "l4t" and "r36.4" in r.message for r in reasons)


@pytest.mark.parametrize(
    ("tag", "host_name", "ok"),
    [
        ("dustynv/ollama:r35.4.1", "orin-nx-r36.4.3", False),  # an r35 image does not run on r36
        ("dustynv/vllm:0.6.3-r36.2.0", "orin-nx-r36.4.3", False),  # r36.4+ host runs only r36.4+
        ("dustynv/ollama:r36.4.0", "orin-nx-r36.4.3", True),
        ("dustynv/ollama:r36.4.0", "xavier-r35.4.1", False),
        ("dustynv/ollama:r35.3.1", "xavier-r35.4.1", True),  # any r35 on r35
        ("dustynv/ollama:r36.4.0", "x86-rtx4090-550", False),  # a Jetson image elsewhere
    ],
)
def test_l4t_rule(tag, host_name, ok):
    arch = "amd64" if host_name.startswith("x86") else "arm64"
    found = blockers(judge(tag, info(None, arch), host(host_name)))
    assert (not found) is ok
    assert all(r.failure_class.value == "library_mismatch" for r in found)


def test_l4t_from_labels():
    found = blockers(judge("me/custom:latest", info(None, labels={"l4t.version": "35.4.1"}), host("orin-nx-r36.4.3")))
    assert found and found[0].rule == "l4t"


def test_vllm_arch_list_without_sm87_is_unsupported_gpu_on_orin():
    env = {"TORCH_CUDA_ARCH_LIST": ENV["vllm-openai-cu129"]["env"]["TORCH_CUDA_ARCH_LIST"]}
    (blocker,) = blockers(judge("me/x:1", info(None, env=env), host("orin-nx-r36.4.3")))
    assert blocker.failure_class.value == "unsupported_gpu" and "sm_87" in blocker.message


@pytest.mark.parametrize(
    ("value", "ok"),
    [("8.7", True), ("7.2;8.7", True), ("80;86;87-real", True), ("7.5 8.0+PTX", True), ("9.0 10.0", False),
     ("all", True)],
)
def test_arch_list_forms_on_orin(value, ok):
    found = blockers(judge("me/x:1", info(None, env={"TORCH_CUDA_ARCH_LIST": value}), host("orin-nx-r36.4.3")))
    assert (not found) is ok


def test_dgpu_runs_cubins_of_a_lower_minor():
    env = {"TORCH_CUDA_ARCH_LIST": "7.0 7.5 8.0 9.0"}  # 8.9 (RTX 4090) runs 8.0 cubins
    assert not blockers(judge("me/x:1", info(None, "amd64", env=env), host("x86-rtx4090-550")))


def test_architecture_rule():
    only_amd64 = info(None, "amd64", platforms=[Platform(architecture="amd64")])
    (blocker,) = blockers(judge("me/x:1", only_amd64.model_copy(update={"platform": None}), host("orin-nx-r36.4.3")))
    assert blocker.failure_class.value == "arch_mismatch" and "linux/amd64" in blocker.message


def test_disk_rule():
    facts = host("orin-nx-r36.4.3")
    tight = facts.model_copy(update={"docker": facts.docker.model_copy(update={"root_dir_free_bytes": 5 * 10**8})})
    (blocker,) = blockers(judge("dustynv/ollama:r36.4.0", info(None), tight))
    assert blocker.failure_class.value == "disk_full"
    roomy = judge("dustynv/ollama:r36.4.0", info(None), facts)
    assert any(r.rule == "disk" and r.severity is Severity.INFO for r in roomy)


@pytest.mark.parametrize(
    ("text", "registry", "repository", "tag"),
    [
        ("ubuntu", "registry-1.docker.io", "library/ubuntu", "latest"),
        ("dustynv/vllm:0.8.6-r36.4-cu128-24.04", "registry-1.docker.io", "dustynv/vllm", "0.8.6-r36.4-cu128-24.04"),
        ("nvcr.io/nvidia/vllm:25.09-py3", "nvcr.io", "nvidia/vllm", "25.09-py3"),
        ("ghcr.io/ggml-org/llama.cpp:server", "ghcr.io", "ggml-org/llama.cpp", "server"),
        ("localhost:5000/a/b", "localhost:5000", "a/b", "latest"),
        ("docker.io/library/busybox:1", "registry-1.docker.io", "library/busybox", "1"),
    ],
)
def test_reference_parsing(text, registry, repository, tag):
    ref = parse(text)
    assert (ref.registry, ref.repository, ref.tag) == (registry, repository, tag)
    assert ref.insecure is registry.startswith("localhost")


def test_bad_reference():
    with pytest.raises(ValueError):
        parse("Not An Image")


DIGEST = "sha256:" + "a" * 64


@pytest.mark.parametrize(
    ("text", "name", "reference"),
    [
        ("ubuntu", "ubuntu", "latest"),
        ("docker.io/library/busybox:1", "busybox", "1"),
        ("localhost:5000/a/b", "localhost:5000/a/b", "latest"),  # a registry's port is no tag
        ("localhost:5000/a/b:2", "localhost:5000/a/b", "2"),
        (f"img@{DIGEST}", "img", DIGEST),
        (f"nvcr.io/nvidia/vllm:25.09-py3@{DIGEST}", "nvcr.io/nvidia/vllm", DIGEST),  # the digest decides
    ],
)
def test_a_pull_asks_for_the_repository_and_the_tag_or_digest(text, name, reference):
    """What the runtime passes to the daemon's pull (as docker-py's parse_repository_tag did)."""
    ref = parse(text)
    assert (ref.name, ref.reference) == (name, reference)


@pytest.mark.parametrize(
    ("text", "release"),
    [
        ("dustynv/vllm:0.8.6-r36.4-cu128-24.04", (36, 4)),
        ("dustynv/ollama:r36.4.0", (36, 4, 0)),
        ("localhost:5000/l4t/vllm:r35.4.1", (35, 4, 1)),
        ("localhost:5000/r36.4/vllm", None),  # no tag: the latest tag names none
        ("dustynv/vllm:0.8.6-cu128", None),
        ("Not An Image:r36.4", None),
    ],
)
def test_the_l4t_release_an_image_tag_names(text, release):
    assert l4t.from_tag(text) == release


@pytest.mark.parametrize("env_name", ["ngc-vllm-25.09", "nvidia-cuda-12.9.1"])
def test_cuda_image_on_a_host_without_nvidia_driver_is_gpu_runtime_missing(env_name):
    (blocker,) = blockers(judge("nvidia/cuda:1", info(env_name, "amd64"), host("x86-cpu")))
    assert blocker.rule == "driver" and blocker.failure_class.value == "gpu_runtime_missing"
    assert "no NVIDIA driver" in blocker.message and blocker.fix


def test_cpu_image_on_a_host_without_nvidia_driver_is_judged_as_before():
    reasons = judge("ghcr.io/ggml-org/llama.cpp:server", info(None, "amd64"), host("x86-cpu"))
    assert not blockers(reasons) and [r.rule for r in reasons] == ["architecture"]
