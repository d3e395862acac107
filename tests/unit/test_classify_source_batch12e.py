"""Entries for wordings that batch-2026-12e's logs showed missing: fed the lines as their
sources print them (containerd's token fetch, containers/image's platform choice, vLLM's
get_config, TensorRT Edge-LLM's XQA dispatcher, llama-box's ready line)."""

from __future__ import annotations

import pytest

from jetllm.classify import FailureClass, classify_text

C = FailureClass

CASES = [
    # containerd remotes/docker/auth/fetch.go, v1.x and v2.x wordings, as BuildKit and the containerd store print them
    ("ERROR: failed to solve: nvcr.io/nvidia/tritonserver:24.08-py3: failed to authorize: failed to fetch anonymous "
     "token: unexpected status: 401 Unauthorized", "docker", False, C.IMAGE_PULL_FAILED, "registry_token_refused"),
    ('failed to authorize: failed to fetch oauth token: unexpected status from POST request to '
     'https://ghcr.io/token: 403 Forbidden', None, False, C.IMAGE_PULL_FAILED, "registry_token_refused"),
    # containers/image internal/manifest: OCI index and Docker manifest list wordings
    ('Error: choosing an image from manifest list docker://quay.io/org/img:1.0: no image found in image index for '
     'architecture "arm64", variant "v8", OS "linux"', None, False, C.ARCH_MISMATCH, "image_index_no_platform"),
    ("Error: no image found in manifest list for architecture amd64, variant \"\", OS linux", "docker", True,
     C.ARCH_MISMATCH, "image_index_no_platform"),
    # containerd images/image.go, as nerdctl and the kubelet print it
    ('Failed to pull image "nvcr.io/nvidia/l4t-base:r36.2.0": failed to pull and unpack image: no match for platform '
     'in manifest: not found', None, True, C.ARCH_MISMATCH, "image_index_no_platform"),
    # containerd's token fetch that never reached the token service: the network, not a login
    ('failed to authorize: failed to fetch anonymous token: Get "https://auth.docker.io/token?scope=x": dial tcp: '
     'lookup auth.docker.io: i/o timeout', "docker", False, C.IMAGE_PULL_FAILED, "docker_registry_network"),
    # vllm/transformers_utils/config.py get_config
    ("ValueError: Invalid repository ID or local directory specified: '/models/llama'.", "vllm", False,
     C.MODEL_UNAVAILABLE, "vllm_invalid_repo_or_dir"),
    # TensorRT Edge-LLM XQA dispatcher, no cubin for the SM version
    ("AttentionPlugin: enqueue failed: No available kernel available for the GQA", "tensorrt-llm", True,
     C.UNSUPPORTED_GPU, "xqa_no_kernel_for_sm"),
    # gpustack/llama-box httpserver.hpp
    ("[2025-07-01 10:00:00.000001] I srv                     start: server is ready", "llama.cpp", True,
     C.NONE, "ready_llama_box"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "backend", "jetson", "expected", "signature"), CASES)
def test_messages_as_their_sources_print_them(
    text: str, backend: str | None, jetson: bool, expected: FailureClass, signature: str
) -> None:
    d = classify_text(text + "\n", backend=backend, jetson=jetson)
    assert d.failure_class is expected
    if expected is not C.NONE:  # a readiness-only read names no deciding signature
        assert d.signature == signature


@pytest.mark.parametrize(
    "line",
    [
        "#3 [internal] load metadata for nvcr.io/nvidia/pytorch:24.05-py3",
        "#3 DONE 1.2s",
        "Trying to pull quay.io/modh/vllm:rhoai-2.18-cuda...",
        "Getting image source signatures",
        "-- XQA Kernels: generating cubins for SM architectures: 80;86;87;89",
        "[2025-07-01 10:00:00.000001] I srv                     start: listening host = 0.0.0.0, port = 8080",
        "INFO 05-01 10:00:00 [config.py:600] This model supports multiple tasks: {'generate'}. Defaulting to 'generate'.",
    ],
)
def test_healthy_lines_match_no_signature(line: str) -> None:
    assert classify_text(line + "\n").signature == "no-evidence"


def test_a_gated_repo_behind_the_invalid_repo_message_decides() -> None:
    # vLLM's get_config wraps the hub's error: the hub's own, more specific wording wins
    d = classify_text("huggingface_hub.errors.GatedRepoError: 401 Client Error. Cannot access gated repo for url "
                      "https://huggingface.co/meta-llama/Llama-3.1-8B/resolve/main/config.json.\n"
                      "ValueError: Invalid repository ID or local directory specified: 'meta-llama/Llama-3.1-8B'.\n",
                      backend="vllm")  # fmt: skip
    assert d.signature == "hf_unauthorized_or_gated"
