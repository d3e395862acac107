"""Every shipped profile validates; bad ones give one line naming file and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from jetllm.catalog import list_profiles, load_file, load_profile
from jetllm.core.errors import UsageError
from jetllm.core.resources import profiles_dir

SHIPPED = sorted(profiles_dir().glob("*.yaml"))
BAD = Path(__file__).resolve().parent.parent / "fixtures" / "profiles"


def test_the_five_backends_ship():
    assert {p.stem for p in SHIPPED} >= {"vllm", "ollama", "llama.cpp", "tensorrt-llm", "sglang"}


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_profile_validates(path: Path):
    profile = load_file(path)
    assert profile.name == path.stem
    assert profile.images.jetson or profile.images.x86_64
    assert all(v.l4t for v in profile.images.jetson)
    for knob in profile.knobs.values():
        for steps in knob.ladder.values():
            numbers = [s for s in steps if isinstance(s, (int, float))]
            assert numbers == sorted(numbers, reverse=True), "ladders go most ambitious first"


def test_list_and_load_by_name():
    names = [p.name for p in list_profiles()]
    assert names == sorted(names)
    assert load_profile("vllm").port == 8000


def test_unknown_backend_lists_known():
    with pytest.raises(UsageError) as caught:
        load_profile("frobnicate")
    assert "unknown backend 'frobnicate'" in caught.value.message
    assert "vllm" in caught.value.message


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("missing-port.yaml", "field 'port': required field is missing"),
        ("jetson-no-l4t.yaml", "field 'images.jetson': example/server:1: a Jetson image needs 'l4t'"),
        ("bad-format.yaml", "field 'formats.0':"),
        ("unknown-knob.yaml", "field 'command.0': unknown knob '{context_size}'"),
        ("unused-knob.yaml", "knob 'gpu_layers' is not used in command, env or volumes"),
        ("broken-yaml.yaml", "not valid YAML at line"),
        ("unknown-direction.yaml", "field 'knobs.max_len.up_on': unknown failure class 'kv_too_small'"),
    ],
)
def test_bad_profile_is_one_line(name: str, expected: str):
    with pytest.raises(UsageError) as caught:
        load_profile(str(BAD / name))
    message = caught.value.message
    assert name in message and expected in message
    assert "\n" not in message


def test_user_profile_directory_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("JETLLM_CONFIG_DIR", str(tmp_path))
    (tmp_path / "profiles").mkdir()
    own = (BAD / "custom.yaml").read_text().replace("name: my-llama", "name: vllm")
    (tmp_path / "profiles" / "vllm.yaml").write_text(own)
    assert load_profile("vllm").port == 9000
    assert load_profile(str(BAD / "custom.yaml")).name == "my-llama"


def test_cli_bad_profile_exit_2(cli):
    result = cli("profiles", "show", "--profile", str(BAD / "missing-port.yaml"))
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "missing-port.yaml: field 'port'" in lines[0]


def test_cli_unknown_backend_exit_2(cli):
    result = cli("profiles", "show", "frobnicate")
    assert result.exit_code == 2
    assert "unknown backend 'frobnicate'" in result.stderr


def test_cli_lists_json(cli):
    result = cli("profiles", "--json")
    assert result.exit_code == 0, result.stderr
    names = {entry["name"] for entry in result.data()["profiles"]}
    assert {"vllm", "ollama", "llama.cpp", "tensorrt-llm", "sglang"} <= names


def test_cli_show_for_other_facts(cli, tmp_path):
    facts = BAD / "hosts" / "orin-nx-r36.4.3.json"
    result = cli("profiles", "show", "vllm", "--facts", str(facts), "--json")
    assert result.exit_code == 0, result.stderr
    shown = result.data()
    assert shown["platform"] == "jetson"
    assert shown["spec"]["image"].startswith("dustynv/vllm:")
    assert shown["spec"]["runtime"] == "nvidia"
