"""render(): profile + facts + settings -> ContainerSpec, with no daemon."""

from __future__ import annotations

import operator
import os
import subprocess
import sys
from pathlib import Path

import pytest

from jetllm.catalog import load_profile, render
from jetllm.catalog.render import require_model
from jetllm.core.errors import NoImageForHost, UsageError
from jetllm.core.facts import HostFacts
from jetllm.core.spec import GpuHandover, Settings

HOSTS = Path(__file__).parent.parent / "fixtures" / "profiles" / "hosts"


def host(name: str) -> HostFacts:
    return HostFacts.model_validate_json((HOSTS / f"{name}.json").read_text())


def test_vllm_on_orin_uses_jetson_image_and_nvidia_runtime():
    spec = render(load_profile("vllm"), host("orin-nx-r36.4.3"), Settings(gpu_util=0.4, max_len=2048))
    assert spec.image.startswith("dustynv/vllm:") and "r36.4" in spec.image
    assert spec.gpu is GpuHandover.RUNTIME and spec.runtime == "nvidia"
    assert spec.entrypoint == ("vllm", "serve")
    cmd = " ".join(spec.command)
    assert "--gpu-memory-utilization 0.4" in cmd and "--max-model-len 2048" in cmd
    assert "--max-num-seqs" not in cmd  # unset knob: the flag is dropped
    assert spec.ipc_host and spec.ready.loading_statuses == () and spec.ready.timeout_s == 1800
    assert any(m.target == "/root/.cache/huggingface" for m in spec.mounts)


def test_vllm_on_x86_uses_device_request():
    spec = render(load_profile("vllm"), host("x86-rtx4090-550"), Settings())
    assert spec.image == "vllm/vllm-openai:latest" and spec.gpu is GpuHandover.DEVICE_REQUEST
    assert "--gpu-memory-utilization 0.9" in " ".join(spec.command)


def test_llama_cpp_cpu_with_local_gguf_and_custom_image(tmp_path):
    model = tmp_path / "tiny.gguf"
    model.write_bytes(b"GGUF")
    spec = render(load_profile("llama.cpp"), host("x86-cpu"), Settings(model=str(model)), image="local/llama:cpu")
    assert spec.image == "local/llama:cpu" and spec.gpu is GpuHandover.NONE and spec.runtime is None
    assert spec.command[:2] == ("--model", "/models/tiny.gguf")
    assert "--threads 4" in " ".join(spec.command) and "--n-gpu-layers" not in spec.command
    (mount,) = [m for m in spec.mounts if m.target == "/models/tiny.gguf"]
    assert mount.source == str(model) and mount.read_only
    assert "--hf-repo" not in spec.command
    assert spec.served_model == "tiny" and spec.ready.loading_statuses == (503,)


def test_a_gguf_on_the_hub_is_hf_repo_for_llama_cpp_and_an_hf_co_tag_for_ollama():
    model = "Qwen/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M"
    llama = render(load_profile("llama.cpp"), host("x86-cpu"), Settings(model=model))
    assert llama.command[:2] == ("--hf-repo", model) and "--model" not in llama.command
    assert not any(m.target.startswith("/models") for m in llama.mounts)
    ollama = render(load_profile("ollama"), host("x86-cpu"), Settings(model=model))
    assert ollama.served_model == "hf.co/Qwen/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M"  # what it pulls and serves
    assert ollama.settings.model == model  # as the user wrote it


def test_an_ollama_library_tag_is_passed_as_it_is():
    spec = render(load_profile("ollama"), host("x86-cpu"), Settings(model="llama3.2:3b"))
    assert spec.served_model == "llama3.2:3b"


def test_dustynv_ollama_reads_its_log_file_and_needs_a_tty():
    spec = render(load_profile("ollama"), host("orin-nx-r36.4.3"), Settings(max_len=2048))
    assert spec.image.startswith("dustynv/ollama:")
    assert spec.tty and spec.ready.log_file == "/data/logs/ollama.log" and spec.command == ()
    assert spec.env["OLLAMA_CONTEXT_LENGTH"] == "2048" and spec.served_model == "qwen2.5:0.5b"


def test_jetson_image_follows_l4t():
    spec = render(load_profile("ollama"), host("xavier-r35.4.1"), Settings())
    assert spec.image == "dustynv/ollama:r35.4.1"


def test_gpu_backend_on_cpu_host_has_no_image():
    with pytest.raises(NoImageForHost, match="needs an NVIDIA GPU"):
        render(load_profile("vllm"), host("x86-cpu"), Settings())


def test_ladder_per_platform():
    profile = load_profile("vllm")
    orin = profile.ladder(host("orin-nx-r36.4.3"))
    gpu_util = orin.knob("gpu_util")
    assert gpu_util and gpu_util.continuous and gpu_util.values[0] == 0.7 and gpu_util.values[-1] == 0.3
    assert orin.knobs[0].name == "gpu_util"
    assert not orin.knob("max_len").continuous  # type: ignore[union-attr]
    assert orin.first().gpu_util == 0.7
    assert profile.ladder(host("x86-rtx4090-550")).knob("gpu_util").values[0] == 0.9  # type: ignore[union-attr]
    assert load_profile("llama.cpp").ladder(host("x86-cpu")).knob("gpu_layers").values == [0]  # type: ignore[union-attr]


@pytest.mark.parametrize("name", ["vllm", "ollama", "llama.cpp", "tensorrt-llm", "sglang"])
@pytest.mark.parametrize("host_name", ["orin-nx-r36.4.3", "x86-rtx4090-550"])
def test_every_profile_renders(name, host_name):
    profile = load_profile(name)
    facts = host(host_name)
    settings = profile.ladder(facts).first().model_copy(update={"model": "org/model"})
    spec = render(profile, facts, settings)
    assert spec.container_port == profile.port and spec.image


def test_a_profile_without_default_model_needs_one():
    with pytest.raises(UsageError, match="llama.cpp has no default model: pass --model"):
        require_model(load_profile("llama.cpp"), Settings())
    require_model(load_profile("llama.cpp"), Settings(model="org/repo-GGUF"))
    require_model(load_profile("ollama"), Settings())  # it has a default


def test_llama_cpp_takes_a_model_that_is_not_a_file_as_a_hub_repo():
    hub = render(load_profile("llama.cpp"), host("x86-cpu"), Settings(model="ggml-org/gemma-3-1b-it-GGUF:Q4_K_M"))
    assert hub.command[hub.command.index("--hf-repo") + 1] == "ggml-org/gemma-3-1b-it-GGUF:Q4_K_M"
    assert "--model" not in hub.command
    assert hub.env["LLAMA_CACHE"] == "/root/.cache/llama.cpp" and "HF_TOKEN" in hub.secret_env


@pytest.mark.parametrize(("variables", "expected"), [
    ({"XDG_CACHE_HOME": "/x/xdg"}, "/x/xdg/huggingface"),
    ({"XDG_CACHE_HOME": "/x/xdg", "HF_HOME": "/x/hf"}, "/x/hf"),
    ({"HF_HOME": "/x/hf", "HF_HUB_CACHE": "/x/models/hub"}, "/x/models"),
])
def test_without_a_cache_folder_in_the_facts_hugging_faces_own_rules_apply(variables, expected):
    """Facts written by hand may lack it: the mount follows the rules doctor's probe follows.
    huggingface_hub reads its variables once, at import: a fresh process per case."""
    assert host("x86-rtx4090-550").system.hf_cache_dir is None
    code = ("from jetllm.catalog import load_profile, render; from jetllm.core.spec import Settings; "
            "from jetllm.core.facts import HostFacts; "
            f"facts = HostFacts.model_validate_json(open({str(HOSTS / 'x86-rtx4090-550.json')!r}).read()); "
            "spec = render(load_profile('vllm'), facts, Settings(model='org/model')); "
            "print(next(m.source for m in spec.mounts if m.target == '/root/.cache/huggingface'))")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "HUGGINGFACE_", "XDG_CACHE_"))}
    done = subprocess.run([sys.executable, "-c", code], env={**env, **variables}, capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.stdout.strip() == expected, done.stderr


def test_a_spec_that_crosses_stages_cannot_be_changed_in_place():
    from jetllm.core.ladder import Knob, Ladder
    from jetllm.core.spec import ContainerSpec
    from jetllm.search.loop import without_secrets

    spec = render(load_profile("vllm"), host("orin-nx-r36.4.3"), Settings(model="org/model", extra={"seed": 1}))
    ladder_settings = Ladder(knobs=[Knob(name="batch", values=[8])]).first()
    for mapping in (spec.env, spec.settings.extra, without_secrets(spec).env, ladder_settings.extra):
        with pytest.raises(TypeError):
            operator.setitem(mapping, "X", "1")  # type: ignore[index]
    for items in (spec.command, spec.entrypoint, spec.secret_env, spec.mounts, spec.ready.ok_statuses):
        with pytest.raises(AttributeError):
            items.append(items[0])  # type: ignore[union-attr]
    # Written out and read back as before: lists and objects.
    document = spec.model_dump(mode="json")
    assert document["command"] == list(spec.command) and document["env"] == dict(spec.env)
    assert ContainerSpec.model_validate(document) == spec


def test_a_volume_template_that_fills_to_a_system_path_is_refused():
    facts = host("x86-rtx4090-550")
    etc = facts.model_copy(update={"system": facts.system.model_copy(update={"hf_cache_dir": "/etc/hub"})})
    with pytest.raises(UsageError, match=r"vllm.yaml: volume '\{hf_cache\}': '/etc' is a host system path"):
        render(load_profile("vllm"), etc, Settings())
