"""`jetllm try` and `jetllm bringup` as a user types them, up to the point where a
container would start: how --model and --image are read. The host facts say
that no Docker daemon answers, so nothing here can pull or start anything."""

from __future__ import annotations

from pathlib import Path

import pytest

NO_DOCKER = Path(__file__).parent.parent / "fixtures" / "profiles" / "hosts" / "x86-cpu.json"
HUB_GGUF = "Qwen/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M"


@pytest.mark.parametrize("backend", ["llama.cpp", "ollama"])
def test_a_gguf_on_the_hub_with_its_quantization_is_taken(cli, backend):
    # README's own example: ORG/REPO:QUANT is neither an Ollama library tag nor refused.
    result = cli("try", backend, "--model", HUB_GGUF, "--facts", str(NO_DOCKER), "--json")
    assert result.exit_code == 1, result.stderr  # reached the prerequisites: no Docker here
    attempt = result.data()
    assert attempt["settings"]["model"] == HUB_GGUF
    assert attempt["diagnosis"]["class"] == "docker_unavailable"


def test_an_ollama_library_tag_is_still_refused_by_llama_cpp(cli):
    result = cli("try", "llama.cpp", "--model", "llama3.2:3b", "--facts", str(NO_DOCKER))
    assert result.exit_code == 2
    assert result.stderr.strip() == ("jetllm: error: llama.cpp: it loads GGUF models, "
                                     "not Ollama (llama3.2:3b)")


MISSING_PATHS = ["tiny-lama.gguf", "/nonexistent/model.gguf", "./x", "~/m.gguf"]


@pytest.mark.parametrize("model", MISSING_PATHS)
def test_a_mistyped_model_path_is_bad_usage_for_try(cli, tmp_path, model):
    result = cli("try", "llama.cpp", "--model", model, "--facts", str(NO_DOCKER),
                    env={"HOME": str(tmp_path)}, cwd=tmp_path)
    assert result.exit_code == 2, result.stderr
    assert result.stderr.strip() == f"jetllm: error: --model {model}: no such file or folder"
    assert result.stdout == ""


@pytest.mark.parametrize("model", MISSING_PATHS)
def test_a_mistyped_model_path_is_bad_usage_for_bringup(cli, tmp_path, model):
    out = tmp_path / "report"
    result = cli("bringup", "--backends", "llama.cpp", "--model", model, "--facts", str(NO_DOCKER),
                    "--out", str(out), env={"HOME": str(tmp_path)}, cwd=tmp_path)
    assert result.exit_code == 2, result.stderr
    assert result.stderr.strip() == f"jetllm: error: --model {model}: no such file or folder"
    assert not out.exists()


def test_a_model_path_that_exists_is_taken(cli, tmp_path):
    (tmp_path / "m.gguf").write_bytes(b"GGUF")
    result = cli("try", "llama.cpp", "--model", "~/m.gguf", "--facts", str(NO_DOCKER), "--json",
                    env={"HOME": str(tmp_path)})
    assert result.exit_code == 1, result.stderr  # reached the prerequisites
    assert result.data()["settings"]["model"] == "~/m.gguf"


@pytest.mark.parametrize("command", [["try", "llama.cpp", "--model", HUB_GGUF],
                                     ["bringup", "--backends", "llama.cpp", "--model", HUB_GGUF]])
def test_an_invalid_image_reference_is_bad_usage(cli, tmp_path, command):
    result = cli(*command, "--image", "Bad Image::", "--facts", str(NO_DOCKER), cwd=tmp_path)
    assert result.exit_code == 2, result.stderr
    assert result.stderr.strip() == "jetllm: error: --image: not an image reference: 'Bad Image::'"
    assert result.stdout == ""
