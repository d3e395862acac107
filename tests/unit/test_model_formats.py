"""What format a --model is in: the bring-up leaves out backends that cannot load it."""

from __future__ import annotations

import json

import pytest

from jetllm.core.diagnosis import FailureClass
from jetllm.modelinfo.formats import model_format
from jetllm.modelinfo.names import looks_like_path, parse
from jetllm.search.candidates import Verdict
from jetllm.search.stages import Overrides, Stages


@pytest.mark.parametrize("model,expected", [
    ("Qwen/Qwen2.5-1.5B-Instruct", "hf"),
    ("Qwen/Qwen2.5-1.5B-Instruct-AWQ", "awq"),
    ("Qwen/Qwen2.5-7B-Instruct-GPTQ-Int4", "gptq"),
    ("RedHatAI/Meta-Llama-3.1-8B-Instruct-FP8", "fp8"),
    ("bartowski/Qwen2.5-0.5B-Instruct-GGUF", "gguf"),
    ("qwen2.5:0.5b", "ollama"),
    ("hf.co/bartowski/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M", "ollama"),  # Ollama pulling from the Hub
    ("hf.co/bartowski/Qwen2.5-0.5B-Instruct-GGUF", "ollama"),
    ("Qwen/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M", "gguf"),  # a GGUF on the Hub, as llama-server -hf takes it
    ("bartowski/Llama-3.2-1B-Instruct:Q8_0", "gguf"),  # the quantization says GGUF, not the name
    ("llama3.2:3b", "ollama"),
    ("llama3", None),  # an Ollama model or an old hub id: cannot tell
    (None, None),
])
def test_by_name(model, expected):
    assert model_format(model) == expected


def test_local_files_and_folders(tmp_path):
    gguf = tmp_path / "tiny.Q4_K_M.gguf"
    gguf.write_bytes(b"GGUF")
    assert model_format(str(gguf)) == "gguf"
    assert model_format(str(tmp_path)) == "gguf"  # a folder holding a GGUF file
    awq = tmp_path / "awq-model"
    awq.mkdir()
    (awq / "config.json").write_text(json.dumps({"quantization_config": {"quant_method": "awq"}}))
    assert model_format(str(awq)) == "awq"
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "config.json").write_text(json.dumps({"architectures": ["Qwen2ForCausalLM"]}))
    assert model_format(str(plain)) == "hf"
    assert model_format(str(tmp_path / "empty-dir-missing")) is None  # neither there nor a hub id


def test_bringup_leaves_out_backends_that_cannot_load_the_model(fixtures_dir):
    from jetllm.catalog import load_profile
    from jetllm.facts import load_facts

    facts = load_facts(fixtures_dir / "bringup" / "orin-nx-r36.4.3.json")
    profiles = [load_profile(name) for name in ("vllm", "llama.cpp", "ollama")]
    stages = Stages(facts=facts, overrides=Overrides(model="Qwen/Qwen2.5-1.5B-Instruct-AWQ"))
    selection = stages.candidates(profiles)
    assert {c.backend for c in selection.candidates} == {"vllm"}
    assert [(r.candidate.name, r.verdict, r.diagnosis and r.diagnosis.cause) for r in selection.left_out] == [
        ("llama.cpp", Verdict.LEFT_OUT, "llama.cpp loads GGUF models, not AWQ (Qwen/Qwen2.5-1.5B-Instruct-AWQ)"),
        ("ollama", Verdict.LEFT_OUT, "ollama loads Ollama models, not AWQ (Qwen/Qwen2.5-1.5B-Instruct-AWQ)"),
    ]
    assert {r.diagnosis and r.diagnosis.failure_class for r in selection.left_out} == {FailureClass.UNSUPPORTED_MODEL}
    gguf = Stages(facts=facts, overrides=Overrides(model="bartowski/Qwen2.5-0.5B-Instruct-GGUF"))
    assert {c.backend for c in gguf.candidates(profiles).candidates} == {"llama.cpp"}
    tag = Stages(facts=facts, overrides=Overrides(model="hf.co/bartowski/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M"))
    assert {c.backend for c in tag.candidates(profiles).candidates} == {"ollama"}
    quant = Stages(facts=facts, overrides=Overrides(model="bartowski/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M"))
    assert {c.backend for c in quant.candidates(profiles).candidates} == {"llama.cpp", "ollama"}
    left_out = quant.candidates(profiles).left_out
    assert [(r.candidate.name, r.diagnosis and r.diagnosis.cause) for r in left_out] == [
        ("vllm", "vllm loads Hugging Face (safetensors) or AWQ or GPTQ or FP8 models, "
                 "not GGUF (bartowski/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M)")]


@pytest.mark.parametrize("model,kind,repo,quant", [
    ("Qwen/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M", "hub", "Qwen/Qwen2.5-0.5B-Instruct-GGUF", "Q4_K_M"),
    ("Qwen/Qwen2.5-0.5B-Instruct", "hub", "Qwen/Qwen2.5-0.5B-Instruct", None),
    ("llama3.2:3b", "ollama", None, None),
    ("hf.co/bartowski/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M", "ollama", None, None),
    ("llama3", "name", None, None),
])
def test_how_a_model_name_is_read(model, kind, repo, quant):
    name = parse(model)
    assert (name.kind, name.repo, name.quant) == (kind, repo, quant)


@pytest.mark.parametrize("model,is_path", [
    ("/nonexistent/model.gguf", True), ("./x", True), ("../x", True), ("~/m.gguf", True),
    ("tiny-lama.gguf", True), ("Model.GGUF", True),
    ("Qwen/Qwen2.5-0.5B-Instruct", False), ("llama3.2:3b", False), ("hf.co/a/b:Q4_K_M", False),
])
def test_what_looks_like_a_path(model, is_path):
    assert looks_like_path(model) is is_path
