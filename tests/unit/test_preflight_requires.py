"""NVIDIA_REQUIRE_* evaluated as the container toolkit does, on real strings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jetllm.preflight.requires import cuda_floor, evaluate, parse_requirement, requirements

ENV = json.loads((Path(__file__).parent.parent / "fixtures/profiles/images/env.json").read_text())
CUDA_12_9 = ENV["nvidia-cuda-12.9.1"]["env"]["NVIDIA_REQUIRE_CUDA"]


def props(cuda: str | None, driver: str | None = None, brand: str | None = None, arch: str | None = None):
    return {"cuda": cuda, "driver": driver, "brand": brand, "arch": arch}


def test_parse_or_of_ands():
    parsed = parse_requirement(CUDA_12_9)
    assert len(parsed) == 1 + 5 * 12
    assert [str(t) for t in parsed[1]] == ["brand=unknown", "driver>=535", "driver<536"]
    assert cuda_floor(parsed) == "12.9"


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        (props("12.9", "575.51.03", "geforce"), True),  # the driver's CUDA is new enough
        (props("13.0", "580.65.06", "geforce"), True),
        (props("12.4", "550.54.15", "tesla"), True),  # datacenter branch 550: forward compat
        (props("12.4", "550.54.15", "geforce"), False),  # GeForce has no forward compat
        (props("12.2", "535.183.01", "grid"), True),
        (props("12.6", "555.42.06", "tesla"), False),  # 555 is not a listed branch
    ],
)
def test_cuda_12_9_string(host, expected):
    assert evaluate(parse_requirement(CUDA_12_9), host) is expected


def test_csv_mode_on_jetson_only_the_cuda_term_counts():
    # Orin on JetPack 6: the toolkit knows cuda=12.6 and arch=8.7 only.
    jetson = props("12.6", arch="8.7")
    assert evaluate(parse_requirement(CUDA_12_9), jetson, missing=False) is False
    assert evaluate(parse_requirement("cuda>=12.2 brand=tesla,driver>=470"), jetson, missing=False) is True


def test_unknown_brand_is_undecided_not_false():
    assert evaluate(parse_requirement(CUDA_12_9), props("12.4", "550.54.15")) is None


def test_and_within_an_expression():
    assert evaluate(parse_requirement("cuda>=12.0,arch>=8.0"), props("12.6", arch="8.7")) is True
    assert evaluate(parse_requirement("cuda>=12.0,arch>=9.0"), props("12.6", arch="8.7")) is False


def test_requirement_variables():
    env = {"NVIDIA_REQUIRE_CUDA": "cuda>=12.9", "NVIDIA_REQUIRE_ARCH": "arch>=8.0",
           "NVIDIA_REQUIRE_JETPACK_HOST_MOUNTS": "", "NVIDIA_REQUIRE_JETPACK": "csv-mounts=all"}
    assert set(requirements(env)) == {"NVIDIA_REQUIRE_CUDA", "NVIDIA_REQUIRE_ARCH"}
    assert requirements({**env, "NVIDIA_DISABLE_REQUIRE": "true"}) == {}
    assert requirements({"CUDA_VERSION": "12.4.1"}) == {"CUDA_VERSION": "cuda>=12.4"}
    assert requirements({"CUDA_VERSION": "12.4.1", "NVIDIA_REQUIRE_CUDA": "cuda>=9.0"}) == {
        "NVIDIA_REQUIRE_CUDA": "cuda>=9.0"
    }


def test_malformed_requirement():
    with pytest.raises(ValueError):
        parse_requirement("cuda=>12")
