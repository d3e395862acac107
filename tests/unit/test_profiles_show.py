"""`jetllm profiles show` on a host that can run none of a profile's images: the
profile is still shown, with the image each platform would get and why not here."""

from __future__ import annotations

from pathlib import Path

HOSTS = Path(__file__).parent.parent / "fixtures" / "profiles" / "hosts"
NO_GPU = HOSTS / "x86-cpu.json"
KEYS = {"profile", "platform", "images", "spec", "ladder"}  # the document before choices were added


def test_a_gpu_profile_on_a_host_without_a_gpu_is_shown(cli):
    result = cli("profiles", "show", "vllm", "--facts", str(NO_GPU))
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("vllm: ") and lines[0].endswith("[cpu]")
    assert "no image it can run: vllm needs an NVIDIA GPU and this host has none" in result.stdout
    assert "jetson (L4T 36.4): dustynv/vllm:0.8.6-r36.4-cu128-24.04" in result.stdout
    assert "jetson (L4T 38): ghcr.io/nvidia-ai-iot/vllm:0.14.0-r38.3-arm64-sbsa-cu130-24.04" in result.stdout
    assert "x86_64: vllm/vllm-openai:latest" in result.stdout
    assert "cpu: none" in result.stdout
    assert "gpu_util: 0.9 > 0.8" in result.stdout  # the ladder too


def test_json_keeps_its_keys_and_adds_the_choice_per_platform(cli):
    result = cli("profiles", "show", "vllm", "--facts", str(NO_GPU), "--json")
    assert result.exit_code == 0, result.stderr
    shown = result.data()
    assert KEYS <= set(shown)
    assert shown["platform"] == "cpu" and shown["images"] == [] and shown["spec"] is None
    assert shown["profile"]["name"] == "vllm" and shown["ladder"]["knobs"]
    assert shown["no_image"]["reason"].startswith("vllm needs an NVIDIA GPU and this host has none")
    assert "jetllm doctor" in shown["no_image"]["fix"]
    assert shown["choices"] == [
        {"platform": "jetson", "l4t": "36.4", "image": "dustynv/vllm:0.8.6-r36.4-cu128-24.04"},
        {"platform": "jetson", "l4t": "38", "image": "ghcr.io/nvidia-ai-iot/vllm:0.14.0-r38.3-arm64-sbsa-cu130-24.04"},
        {"platform": "x86_64", "l4t": None, "image": "vllm/vllm-openai:latest"},
        {"platform": "sbsa", "l4t": None, "image": "vllm/vllm-openai:latest"},
        {"platform": "cpu", "l4t": None, "image": None},
    ]


def test_jetson_choice_follows_the_l4t_release(cli):
    # Ollama lists images for r36.4, r35 and Thor (r38); releases that run the same images count once.
    result = cli("profiles", "show", "ollama", "--facts", str(HOSTS / "xavier-r35.4.1.json"), "--json")
    assert result.exit_code == 0, result.stderr
    shown = result.data()
    assert shown["spec"]["image"] == "dustynv/ollama:r35.4.1" and shown["no_image"] is None
    jetson = [(c["l4t"], c["image"]) for c in shown["choices"] if c["platform"] == "jetson"]
    assert jetson == [("36.4", "dustynv/ollama:0.6.8-r36.4-cu126-22.04"),
                      ("35.4.1", "dustynv/ollama:r35.4.1"),
                      ("38", "ollama/ollama:latest")]


def test_a_host_that_runs_it_still_sees_the_resolved_spec(cli):
    result = cli("profiles", "show", "llama.cpp", "--facts", str(NO_GPU))
    assert result.exit_code == 0, result.stderr
    assert "image      ghcr.io/ggml-org/llama.cpp:server  (gpu none)" in result.stdout
    assert "command    --host 0.0.0.0 --port 8080" in result.stdout
    assert "no image it can run" not in result.stdout


def test_secrets_in_a_profile_are_shown_as_references(jetllm, tmp_path: Path):
    import yaml

    api_key, wandb, hf = "plain-api-key-4321", "wandb-value-8765", "hf_" + "Kq" * 17
    profile = yaml.safe_load((Path(__file__).parents[1] / "fixtures" / "backends" / "fakellm.yaml").read_text())
    profile["command"] += [["--api-key", api_key]]
    profile["env"] = {"WANDB_KEY": wandb, "LOG": "INFO"}
    profile["images"]["cpu"][0].update(env={"OPENAI_KEY": hf}, command=["--token", api_key])
    path = tmp_path / "leaky.yaml"
    path.write_text(yaml.safe_dump(profile))
    for extra in ([], ["--json"]):
        result = jetllm("profiles", "show", "--profile", str(path), "--facts", str(NO_GPU), *extra)
        assert result.exit_code == 0, result.stderr
        output = result.stdout + result.stderr
        assert [v for v in (api_key, wandb, hf) if v in output] == []
        assert "${JETLLM_TOKEN}" in output and "${WANDB_KEY}" in output and "LOG" in output
