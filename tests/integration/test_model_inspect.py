"""`jetllm model inspect` for the five kinds of model: a local checkpoint folder
(config.json + safetensors written with the safetensors package), a GGUF file
(written with gguf), a Hub repo and a GGUF in a Hub repo (the real
huggingface_hub client against a local Hub on 127.0.0.1), and an Ollama tag;
with the fits table for a given machine (--facts), and the errors a user meets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from gguf import GGUFWriter, LlamaFileType
from safetensors.numpy import save_file

from tests.support.hub_server import Repo, running_hub

pytestmark = pytest.mark.timeout(120)

GIB = 1 << 30
CONFIG = {"architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "torch_dtype": "bfloat16",
          "num_hidden_layers": 4, "num_attention_heads": 4, "num_key_value_heads": 2, "hidden_size": 64,
          "intermediate_size": 128, "vocab_size": 1000, "max_position_embeddings": 32768}
TENSORS = {"model.embed_tokens.weight": (1000, 64), "model.layers.0.mlp.up_proj.weight": (128, 64),
           "model.layers.0.self_attn.k_proj.weight": (32, 64)}
KV_PER_TOKEN = 2 * 4 * 2 * (64 // 4) * 2  # K and V x layers x KV heads x head dim x f16
TOKEN = "hf_testtoken1234567890abcdef"


def write_folder(folder: Path, config: dict[str, Any] = CONFIG) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_text(json.dumps(config))
    save_file({name: np.zeros(shape, dtype=np.float16) for name, shape in TENSORS.items()},
              str(folder / "model.safetensors"))
    return folder


def write_gguf(path: Path, file_type: LlamaFileType = LlamaFileType.MOSTLY_Q4_K_M) -> Path:
    writer = GGUFWriter(path, "llama")
    writer.add_context_length(8192)
    writer.add_block_count(3)
    writer.add_embedding_length(32)
    writer.add_feed_forward_length(64)
    writer.add_head_count(4)
    writer.add_head_count_kv(1)
    writer.add_file_type(file_type)
    writer.add_token_list([f"t{i}" for i in range(200)])
    writer.add_tensor("token_embd.weight", np.zeros((200, 32), dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


def facts_file(tmp_path: Path, available: int = 6 * GIB) -> Path:
    """A Jetson with 8 GiB of shared memory, `available` of it free."""
    path = tmp_path / "facts.json"
    path.write_text(json.dumps({"platform": {"arch": "aarch64"}, "jetson": {"is_jetson": True},
                                "nvml": {"available": True, "shared_memory": True},
                                "system": {"memory_total_bytes": 8 * GIB, "memory_available_bytes": available}}))
    return path


def weight_bytes() -> int:
    return sum(2 * rows * cols for rows, cols in TENSORS.values())


def test_local_folder_figures_and_fits(jetllm: Any, tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "tiny-qwen")
    result = jetllm("model", "inspect", str(folder), "--facts", str(facts_file(tmp_path)), "--json")
    assert result.exit_code == 0, result.stderr
    data = result.data()
    shape = data["shape"]
    assert (shape["format"], shape["dtype"], shape["layers"], shape["kv_heads"], shape["head_dim"]) == (
        "hf", "bfloat16", 4, 2, 16)
    assert shape["weight_bytes"] == weight_bytes()
    assert shape["parameters"] == sum(rows * cols for rows, cols in TENSORS.values())
    assert shape["max_context"] == 32768
    assert data["kv_bytes_per_token"]["f16"] == KV_PER_TOKEN
    assert data["memory"]["usable_bytes"] == 5 * GIB  # MemAvailable less the system's reserve
    rows = {(row["backend"], row["sequences"]): row for row in data["fits"]}
    assert set(rows) == {(b, n) for b in ("vllm", "sglang") for n in (1, 4, 8)}  # what loads safetensors
    for row in data["fits"]:  # a tiny model: the whole trained context fits, at any concurrency
        assert row["context"] == 32768, row
        assert 0 < row["cost"]["weights_bytes"] + row["cost"]["kv_bytes"] <= 5 * GIB
    assert 0 < rows["vllm", 1]["fraction"] < 1


def test_awq_folder_says_bits_and_group_size(jetllm: Any, tmp_path: Path) -> None:
    config = {**CONFIG, "torch_dtype": "float16",
              "quantization_config": {"quant_method": "awq", "bits": 4, "group_size": 128, "version": "gemm"}}
    folder = write_folder(tmp_path / "llama-awq", config)
    result = jetllm("model", "inspect", str(folder))
    assert result.exit_code == 0, result.stderr
    assert "awq" in result.stdout and "group size" in result.stdout
    shape = jetllm("model", "inspect", str(folder), "--json").data()["shape"]
    assert (shape["format"], shape["quant_bits"], shape["group_size"]) == ("awq", 4, 128)


def test_awq_parameters_count_the_packed_weights(jetllm: Any, tmp_path: Path) -> None:
    config = {**CONFIG, "quantization_config": {"quant_method": "awq", "bits": 4, "group_size": 64}}
    folder = tmp_path / "awq"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps(config))
    save_file({"model.embed_tokens.weight": np.zeros((1000, 64), dtype=np.float16),
               "model.layers.0.mlp.up_proj.qweight": np.zeros((64, 16), dtype=np.int32),
               "model.layers.0.mlp.up_proj.qzeros": np.zeros((1, 16), dtype=np.int32),
               "model.layers.0.mlp.up_proj.scales": np.zeros((1, 128), dtype=np.float16)},
              str(folder / "model.safetensors"))
    shape = jetllm("model", "inspect", str(folder), "--json").data()["shape"]
    # 8 four-bit weights packed in each int32 of qweight; scales and zeros are not parameters
    assert shape["parameters"] == 1000 * 64 + 64 * 16 * 8


def test_gguf_file(jetllm: Any, tmp_path: Path) -> None:
    model = write_gguf(tmp_path / "tiny.gguf")
    result = jetllm("model", "inspect", str(model), "--facts", str(facts_file(tmp_path, available=2 * GIB)))
    assert result.exit_code == 0, result.stderr
    assert "Q4_K_M" in result.stdout and "largest context per sequence" in result.stdout
    data = jetllm("model", "inspect", str(model), "--json").data()
    assert (data["shape"]["layers"], data["shape"]["kv_heads"], data["shape"]["head_dim"]) == (3, 1, 8)
    assert data["kv_bytes_per_token"]["f16"] == 2 * 3 * 1 * 8 * 2


def test_hub_repo_read_without_downloading_weights(jetllm: Any, tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "src")
    files = {name: (folder / name).read_bytes() for name in ("config.json", "model.safetensors")}
    with running_hub({"Qwen/Qwen2.5-3B-Instruct-AWQ": Repo(files)}) as hub:
        env = {"HF_ENDPOINT": hub.url, "HF_HOME": str(tmp_path / "hf"), "HF_TOKEN": TOKEN}
        result = jetllm("model", "inspect", "Qwen/Qwen2.5-3B-Instruct-AWQ", "--json", env=env)
        assert result.exit_code == 0, result.stderr
        shape = result.data()["shape"]
        assert shape["weight_bytes"] == weight_bytes() and shape["layers"] == 4
        assert shape["source"].startswith("Hub")
        # the weights were read by their header only: every GET of them was a range, smaller than the file
        assert 0 < hub.bytes_served(".safetensors") < len(files["model.safetensors"]) + 100_001
        assert all(r.range for r in hub.requests if r.method == "GET" and r.path.endswith(".safetensors"))
        assert any(r.authorization == f"Bearer {TOKEN}" for r in hub.requests)  # the token was used...
        assert TOKEN not in result.stdout + result.stderr  # ...and never printed

        # offline: the same figures come from the local cache, the Hub is not asked
        asked = len(hub.requests)
        offline = jetllm("model", "inspect", "Qwen/Qwen2.5-3B-Instruct-AWQ", "--json",
                         env={**env, "HF_HUB_OFFLINE": "1"})
        assert offline.exit_code == 0, offline.stderr
        assert offline.data()["shape"]["layers"] == 4 and offline.data()["shape"]["source"].startswith("cache")
        assert len(hub.requests) == asked
        missing = jetllm("model", "inspect", "Qwen/Other", "--json", env={**env, "HF_HUB_OFFLINE": "1"})
        assert missing.exit_code == 1 and missing.errors()[0]["class"] == "model_unavailable"
        assert "HF_HUB_OFFLINE" in missing.errors()[0]["fix"]


def test_gguf_in_hub_repo_chosen_by_quant(jetllm: Any, tmp_path: Path) -> None:
    q4 = write_gguf(tmp_path / "q4.gguf").read_bytes()
    q8 = write_gguf(tmp_path / "q8.gguf", LlamaFileType.MOSTLY_Q8_0).read_bytes()
    repo = Repo({"qwen2.5-0.5b-instruct-q4_k_m.gguf": q4, "qwen2.5-0.5b-instruct-q8_0.gguf": q8})
    with running_hub({"Qwen/Qwen2.5-0.5B-Instruct-GGUF": repo}) as hub:
        env = {"HF_ENDPOINT": hub.url, "HF_HOME": str(tmp_path / "hf")}
        result = jetllm("model", "inspect", "Qwen/Qwen2.5-0.5B-Instruct-GGUF:Q8_0", "--json", env=env)
        assert result.exit_code == 0, result.stderr
        shape = result.data()["shape"]
        assert shape["dtype"] == "Q8_0" and "q8_0.gguf" in shape["source"] and shape["layers"] == 3
        assert all(r.range for r in hub.requests if r.method == "GET" and r.path.endswith(".gguf"))
        wrong = jetllm("model", "inspect", "Qwen/Qwen2.5-0.5B-Instruct-GGUF:Q3_K_S", "--json", env=env)
        assert wrong.exit_code == 1 and wrong.errors()[0]["class"] == "model_unavailable"
        assert "q4_k_m" in wrong.errors()[0]["message"]


def test_a_gguf_header_larger_than_the_first_read(jetllm: Any, tmp_path: Path) -> None:
    """A 152k-token vocabulary (Qwen's) makes a header of several MiB: read in growing ranges."""
    writer = GGUFWriter(tmp_path / "big.gguf", "qwen2")
    writer.add_block_count(3)
    writer.add_embedding_length(32)
    writer.add_head_count(4)
    writer.add_head_count_kv(2)
    writer.add_token_list([f"token-{i:08d}" for i in range(152_064)])
    writer.add_tensor("output_norm.weight", np.ones(32, dtype=np.float32))
    writer.add_tensor("token_embd.weight", np.zeros((4096, 1024), dtype=np.float16))  # 8 MiB of weights
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    data = (tmp_path / "big.gguf").read_bytes()
    with running_hub({"Qwen/Big-GGUF": Repo({"big-q4_k_m.gguf": data})}) as hub:
        result = jetllm("model", "inspect", "Qwen/Big-GGUF:Q4_K_M", "--json",
                        env={"HF_ENDPOINT": hub.url, "HF_HOME": str(tmp_path / "hf")})
        assert result.exit_code == 0, result.stderr
        shape = result.data()["shape"]
        assert (shape["vocab"], shape["layers"], shape["kv_heads"]) == (152_064, 3, 2)
        assert shape["weight_bytes"] >= 4096 * 1024 * 2
        ranges = [r.range for r in hub.requests if r.method == "GET" and r.path.endswith(".gguf")]
        assert len(ranges) >= 2 and all(ranges), ranges  # a second, larger range after the first fell short


def test_gated_and_missing_repos_are_model_unavailable_with_the_fix(jetllm: Any, tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "src")
    files = {name: (folder / name).read_bytes() for name in ("config.json", "model.safetensors")}
    with running_hub({"meta-llama/Gated": Repo(files, token=TOKEN)}) as hub:
        env = {"HF_ENDPOINT": hub.url, "HF_HOME": str(tmp_path / "hf")}
        gated = jetllm("model", "inspect", "meta-llama/Gated", "--json", env=env)
        assert gated.exit_code == 1, gated.stdout
        error = gated.errors()[0]
        assert error["class"] == "model_unavailable" and "gated" in error["message"]
        assert "licence" in error["fix"] and "HF_TOKEN" in error["fix"]
        missing = jetllm("model", "inspect", "nobody/nothing", "--json", env=env)
        assert missing.errors()[0]["class"] == "model_unavailable" and "HF_TOKEN" in missing.errors()[0]["fix"]
        granted = jetllm("model", "inspect", "meta-llama/Gated", "--json", env={**env, "HF_TOKEN": TOKEN})
        assert granted.exit_code == 0 and granted.data()["shape"]["layers"] == 4


def test_a_hub_out_of_reach_is_model_unavailable_with_the_fix(jetllm: Any, tmp_path: Path) -> None:
    with running_hub({}) as hub:
        url = hub.url  # a port that was just served, and is closed once the hub stops
    result = jetllm("model", "inspect", "org/repo", "--json", env={"HF_ENDPOINT": url, "HF_HOME": str(tmp_path)})
    assert result.exit_code == 1, result.stdout
    error = result.errors()[0]
    assert error["class"] == "model_unavailable" and "HF_HUB_OFFLINE" in error["fix"], error


def test_ollama_tags_known_and_unknown(jetllm: Any, tmp_path: Path) -> None:
    known = jetllm("model", "inspect", "llama3.2:3b", "--json", "--facts", str(facts_file(tmp_path)))
    assert known.exit_code == 0, known.stderr
    data = known.data()
    assert data["kind"] == "Ollama tag" and data["shape"]["dtype"] == "Q4_K_M"
    assert data["kv_bytes_per_token"]["f16"] == 2 * 28 * 8 * 128 * 2  # Llama 3.2 3B's config.json
    assert {row["backend"] for row in data["fits"]} == {"ollama"} and "not read" in data["note"]
    unknown = jetllm("model", "inspect", "somemodel:7b", "--json")
    assert unknown.exit_code == 0 and unknown.data()["shape"] is None and "only its name" in unknown.data()["note"]


def test_bad_input_is_one_line_and_exit_2(jetllm: Any, tmp_path: Path) -> None:
    (tmp_path / "notes.gguf").write_text("not a model")
    for model, said in ((str(tmp_path / "absent.gguf"), "does not exist"), (str(tmp_path / "notes.gguf"), "not a")):
        result = jetllm("model", "inspect", model)
        assert result.exit_code == 2, result.stderr
        assert said in result.stderr and "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) <= 2
