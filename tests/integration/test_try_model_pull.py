"""A server that serves only models it holds (Ollama): jetllm fetches the model
once the server is up, then sends the smoke request. The fixture backend
answers /api/show, a streamed /api/pull and a 404 chat as Ollama does."""

from __future__ import annotations

from typing import Any

import pytest

from tests.fixtures.backends.images import fakellm_image
from tests.integration.try_support import containers_of, write_profile

pytestmark = [pytest.mark.docker, pytest.mark.timeout(120)]

OLLAMA_LIKE = {"formats": ["ollama"]}
MODEL_PULL = {**OLLAMA_LIKE, "model_pull": {"path": "/api/pull", "check_path": "/api/show"}}


@pytest.fixture(scope="module")
def image(docker_client: Any) -> str:
    return fakellm_image(docker_client)


def _try(jetllm: Any, tmp_path: Any, image: str, *, args: list[str], extra: dict[str, Any],
         model: str = "qwen2.5:0.5b") -> tuple[int, dict[str, Any], str, str]:
    profile, name = write_profile(tmp_path, args=args, extra=extra)
    result = jetllm("try", "--profile", str(profile), "--image", image, "--model", model, "--json")
    assert result.stdout, result.stderr
    return result.exit_code, result.data(), result.stderr, name


def test_without_fetching_the_chat_is_a_404_named_model_unavailable(jetllm, image, tmp_path):
    code, doc, _, _ = _try(jetllm, tmp_path, image, args=["--need-pull"], extra=OLLAMA_LIKE)
    assert code == 1
    assert doc["diagnosis"]["class"] == "model_unavailable"
    assert "try pulling it first" in doc["diagnosis"]["cause"] + str(doc["diagnosis"]["evidence"])


def test_the_model_is_fetched_then_served(jetllm, docker_client, image, tmp_path):
    code, doc, stderr, name = _try(jetllm, tmp_path, image, args=["--need-pull"], extra=MODEL_PULL)
    assert code == 0, stderr
    assert doc["outcome"] == "ready" and doc["smoke"]["completion_tokens"] == 7
    assert doc["timings"]["model_pull_s"] >= 0.15  # three progress lines 0.05 s apart
    assert any('POST "/api/pull"' in line for line in doc["log_tail"]), doc["log_tail"]
    assert "is fetching qwen2.5:0.5b" in stderr
    assert stderr.count("6f96e01a3f55: Pull complete") == 1  # without a terminal: once per layer
    assert containers_of(docker_client, backend=name) == []


def test_a_model_it_holds_is_not_fetched_again(jetllm, image, tmp_path):
    # What keeps an offline host working: the check path says it is there already.
    code, doc, stderr, _ = _try(jetllm, tmp_path, image, args=["--need-pull", "--have-model"],
                                extra=MODEL_PULL)
    assert code == 0, stderr
    assert "already holds qwen2.5:0.5b" in stderr
    requests = [line for line in doc["log_tail"] if "[GIN]" in line]
    assert any('POST "/api/show"' in line for line in requests), doc["log_tail"]
    assert not any('POST "/api/pull"' in line for line in requests), doc["log_tail"]


def test_a_tag_the_registry_lacks_is_model_unavailable_in_the_servers_words(jetllm, docker_client,
                                                                             image, tmp_path):
    code, doc, _, name = _try(jetllm, tmp_path, image, args=["--need-pull"], extra=MODEL_PULL,
                              model="missing-model:latest")
    assert code == 1
    assert doc["outcome"] == "failed" and doc["smoke"] is None
    assert doc["diagnosis"]["class"] == "model_unavailable"
    assert "pull model manifest: file does not exist" in doc["diagnosis"]["cause"] + str(doc["diagnosis"]["evidence"])
    assert containers_of(docker_client, backend=name) == []
