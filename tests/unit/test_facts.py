"""Host probes over fixture trees of real Jetson files, and the facts file round trip."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from jetllm.core.errors import ShippedFileError, UsageError
from jetllm.core.facts import HostFacts, PlatformFacts
from jetllm.facts import jetson, load_facts, platform, system
from jetllm.facts.docker_host import holds_gpu
from jetllm.facts.files import read_text
from jetllm.facts.nvml import cuda_version
from jetllm.knowledge import l4t
from tests.support.shared import shared_path

HOSTS = Path(__file__).resolve().parent.parent / "fixtures" / "hosts"
ORIN = HOSTS / "orin-nx-r36.4.3"
XAVIER = HOSTS / "xavier-nx-r35.4.1"
KIB = 1024


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("# R36 (release), REVISION: 4.3, GCID: 38968081, BOARD: generic, EABI: aarch64, DATE: Wed Jan  8 01:49:37 UTC 2025", "36.4.3"),
        ("# R38 (release), REVISION: 2.0, GCID: 41844464, BOARD: generic, EABI: aarch64, DATE: Fri Aug 22 00:55:42 UTC 2025", "38.2.0"),
        ("# R35 (release), REVISION: 3.1, GCID: 32790763, BOARD: t186ref, EABI: aarch64, DATE: x", "35.3.1"),
        ("R36 something else", None),
        ("", None),
    ],
)
def test_nv_tegra_release_line_gives_l4t(line, expected):
    assert jetson.parse_release(line) == expected


def test_l4t_is_the_key_for_jetpack():
    assert l4t.jetpack_for("36.4.3") == "6.2"
    assert l4t.jetpack_for("36.4.3-20250107174145") == "6.2"  # dpkg's nvidia-l4t-core version
    assert l4t.jetpack_for("35.4.1") == "5.1.2"
    assert l4t.jetpack_for("36.4") == "6.1"
    assert l4t.jetpack_for("99.0.0") is None


def test_shipped_table_matches_reference_where_jtop_has_an_entry():
    reference = shared_path("reference", "reference-data.yaml")
    import yaml

    source = yaml.safe_load(reference.read_text())["l4t_to_jetpack"]
    table = l4t.load_table()
    for key, entry in source.items():
        assert table[key] == entry.get("jetpack", entry.get("jc")), key


@pytest.mark.parametrize(
    ("body", "complaint"),
    [
        ("l4t:\n  36.4: {jetpack: '6.1'}\n", "not a quoted MAJOR.MINOR.PATCH"),
        ("l4t:\n  '36.4.3': {jetpak: '6.2'}\n", "field 'l4t.36.4.3.jetpack': required field is missing"),
        ("l4t:\n  '36.4.3': {jetpack: '6.2', cuda: '12.6'}\n", "field 'l4t.36.4.3.cuda': unknown field"),
        ("nothing: here\n", "field 'l4t': required field is missing"),
        ("l4t: {}\n", "field 'l4t': Dictionary should have at least 1 item"),
        ("l4t: [\n", "not valid YAML"),
    ],
)
def test_bad_l4t_table_names_file_and_key(tmp_path, body, complaint):
    bad = tmp_path / "table.yaml"
    bad.write_text(body)
    with pytest.raises(ShippedFileError) as raised:
        l4t.load_table(bad)
    assert f"internal error: shipped file {bad} is malformed: " in raised.value.message
    assert complaint in raised.value.message


def test_orin_nx_r36_4_3_fixture():
    facts = jetson.probe(ORIN)
    assert facts.is_jetson
    assert facts.model == "NVIDIA Jetson Orin NX Engineering Reference Developer Kit"
    assert facts.soc == "nvidia,tegra234"
    assert facts.cuda_arch == "8.7"
    assert (facts.l4t, facts.l4t_source, facts.jetpack) == ("36.4.3", "nv_tegra_release", "6.2")
    assert facts.power_mode is None  # nvpmodel runs only on the real machine
    plat = platform.probe(ORIN)
    assert plat == PlatformFacts(arch="aarch64", os_release="Ubuntu 22.04.5 LTS", kernel="5.15.148-tegra")
    sysf = system.probe(ORIN)
    assert sysf.memory_total_bytes == 15655428 * KIB
    assert sysf.memory_available_bytes == 12842052 * KIB
    assert sysf.nvmap_used_bytes == 312460 * KIB
    assert sysf.swap_total_bytes == 0
    assert sysf.cpu_count == 8


def test_jetpack5_xavier_fixture():
    facts = jetson.probe(XAVIER)
    assert (facts.l4t, facts.jetpack, facts.cuda_arch) == ("35.4.1", "5.1.2", "7.2")
    assert facts.model == "NVIDIA Jetson Xavier NX Developer Kit"
    assert platform.probe(XAVIER).arch == "aarch64"
    sysf = system.probe(XAVIER)
    assert sysf.swap_total_bytes == 3886512 * KIB
    assert sysf.cpu_count == 6


def test_a_root_without_jetson_files_is_not_a_jetson(tmp_path):
    assert jetson.probe(tmp_path).is_jetson is False
    facts = system.probe(tmp_path)
    assert facts.memory_total_bytes is None
    assert facts.meminfo_error == "/proc/meminfo not found"


def test_tegra_board_without_release_file_says_why(tmp_path):
    (tmp_path / "proc" / "device-tree").mkdir(parents=True)
    (tmp_path / "proc" / "device-tree" / "compatible").write_bytes(b"nvidia,p3767-0000\0nvidia,tegra234\0")
    facts = jetson.probe(tmp_path)
    assert facts.is_jetson and facts.l4t is None
    assert facts.error == "/etc/nv_tegra_release not found"


def test_nvpmodel_output():
    assert jetson.parse_power_mode("NV Power Mode: 25W\n1\n") == ("25W", 1)
    assert jetson.parse_power_mode("NVPM WARN: ...\nNV Power Mode: MAXN\n0\n") == ("MAXN", 0)
    assert jetson.parse_power_mode("garbage") == (None, None)


@pytest.mark.parametrize(("encoded", "text"), [(12060, "12.6"), (13000, "13.0"), (9020, "9.2"), (12080, "12.8")])
def test_cuda_driver_version_decoding(encoded, text):
    assert cuda_version(encoded) == text


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({"HF_HOME": "/data/hf"}, "/data/hf/hub"),
        ({"HF_HOME": "/data/hf", "HF_HUB_CACHE": "/models"}, "/models"),
        ({"XDG_CACHE_HOME": "/xdg"}, "/xdg/huggingface/hub"),
        ({"HOME": "/home/someone"}, "/home/someone/.cache/huggingface/hub"),
    ],
)
def test_hf_cache_follows_huggingface_rules(variables, expected):
    # huggingface_hub reads its variables once, at import: a fresh process per case.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "HUGGINGFACE_", "XDG_CACHE_"))}
    code = "from jetllm.facts.system import hf_cache_dir; print(hf_cache_dir())"
    done = subprocess.run([sys.executable, "-c", code], env={**env, **variables}, capture_output=True, text=True)
    assert done.stdout.strip() == expected, done.stderr


def test_memory_from_psutil_is_what_proc_meminfo_says():
    """Hosts without /proc/meminfo (macOS) get their memory from psutil: the same facts."""
    text, _ = read_text(Path("/"), "/proc/meminfo")
    if text is None:
        pytest.skip("no /proc/meminfo to compare with")
    meminfo, from_psutil = system.parse_meminfo(text), system.psutil_memory()
    assert from_psutil["MemTotal"] == meminfo["MemTotal"]
    assert from_psutil["SwapTotal"] == meminfo["SwapTotal"]
    assert 0 < from_psutil["MemAvailable"] <= from_psutil["MemTotal"]


def test_gpu_holders_from_inspect_documents():
    assert holds_gpu({"HostConfig": {"DeviceRequests": [{"Driver": "", "Count": -1, "Capabilities": [["gpu"]]}]}})
    assert holds_gpu({"HostConfig": {"DeviceRequests": [{"Driver": "cdi", "DeviceIDs": ["nvidia.com/gpu=all"]}]}})
    assert holds_gpu({"HostConfig": {"Devices": [{"PathOnHost": "/dev/nvhost-gpu"}]}})
    nvidia = {"HostConfig": {"Runtime": "nvidia"}, "Config": {"Env": ["NVIDIA_VISIBLE_DEVICES=all"]}}
    assert holds_gpu(nvidia)
    assert not holds_gpu({"HostConfig": {"Runtime": "nvidia"}, "Config": {"Env": ["NVIDIA_VISIBLE_DEVICES=void"]}})
    assert not holds_gpu({"HostConfig": {"Runtime": "runc", "DeviceRequests": None}, "Config": {"Env": []}})


def _facts_document() -> dict:
    return {"facts": HostFacts(platform=PlatformFacts(arch="aarch64")).model_dump(mode="json"), "checks": []}


def test_load_facts_reads_doctor_json_whole_or_facts_only(tmp_path):
    whole = tmp_path / "whole.json"
    whole.write_text(json.dumps(_facts_document()))
    only = tmp_path / "facts.json"
    only.write_text(json.dumps(_facts_document()["facts"]))
    assert load_facts(whole).platform.arch == "aarch64"
    assert load_facts(only) == load_facts(whole)


@pytest.mark.parametrize(
    ("content", "complaint"),
    [
        (None, "cannot read: No such file"),
        ("{not json", "not valid JSON"),
        ('{"facts": {"platform": {}}}', "facts.json: field 'platform.arch': required field is missing"),
        ('{"platform": {"arch": "x"}, "surprise": 1}', "surprise"),
    ],
)
def test_load_facts_bad_file_is_one_usage_line(tmp_path, content, complaint):
    path = tmp_path / "facts.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(UsageError) as raised:
        load_facts(path)
    assert complaint in raised.value.message
    assert "\n" not in raised.value.message
