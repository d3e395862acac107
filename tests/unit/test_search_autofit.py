"""llama.cpp sizes itself by default since late 2025 (--fit on, -ngl auto): a bring-up
turns that off for each step where the build may have it, through the env form that
older builds ignore, and reads back the settings the server says it ran with. The lines
are as llama-server prints them (its --help and start log; the test server's build
prints both as here)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jetllm.catalog import load_profile, render
from jetllm.classify.figures import read_figures
from jetllm.core.facts import HostFacts
from jetllm.core.spec import Settings
from jetllm.search.autofit import build_number, fit_off, ran_settings, takes_fit

HOSTS = Path(__file__).resolve().parents[1] / "fixtures" / "profiles" / "hosts"
HELP = ["-fit,  --fit [on|off]                   whether to adjust unset arguments to fit in device memory ('on' or",
        "                                        'off', default: 'on')"]
FITTING = ["0.00.005.821 I cmn  common_init_: fitting params to device memory ...",
           "0.00.005.826 I cmn  common_init_: (for bugs during this step try to reproduce them with -fit off, or "
           "provide --verbose logs if the bug only occurs with -fit on)"]
BUILD_OLD = ["build: 5283 (3e0be1ce) with cc (Ubuntu 13.2.0-23ubuntu4) 13.2.0 for aarch64-linux-gnu"]
BUILD_NEW = ["build: 8571 (e397d3885) with cc (Ubuntu 11.4.0-1ubuntu1~22.04.2) 11.4.0 for x86_64-linux-gnu"]
SOURCE_BUILD = ["0.00.003.926 I cmn  common_param: common_params_print_info: build 0 (unknown) with GNU 12.2.0"]
REFUSED = ["error: invalid argument: --fit"]


@pytest.mark.parametrize(("lines", "image", "takes"), [
    (HELP, "", True),
    (FITTING, "", True),
    (BUILD_NEW, "", True),
    (BUILD_OLD, "", False),
    (REFUSED, "", False),
    ([], "dustynv/llama_cpp:b5283-r36.4-cu128-24.04", False),  # the shipped Jetson image: before --fit
    (["build: 7500 (abc) with cc"], "", None),  # between the builds the sources name: not known
    (SOURCE_BUILD, "ghcr.io/ggml-org/llama.cpp:server", None),  # built from a source archive: no number
    ([], "ghcr.io/ggml-org/llama.cpp:server-cuda", None),
])
def test_whether_a_build_takes_fit(lines: list[str], image: str, takes: bool | None) -> None:
    assert takes_fit(lines, image) is takes


def test_the_build_number_comes_from_the_log_before_the_tag() -> None:
    assert build_number(BUILD_NEW, "dustynv/llama_cpp:b5283-r36.4-cu128-24.04") == 8571
    assert build_number(SOURCE_BUILD, "dustynv/llama_cpp:b5255-r36.4-cu128-24.04") == 5255
    assert build_number([], "registry.local:5000/llama:latest") is None  # a registry port is not a build


def env_of(settings: Settings) -> dict[str, str]:
    facts = HostFacts.model_validate(json.loads((HOSTS / "x86-cpu.json").read_text()))
    spec = render(load_profile("llama.cpp"), facts, settings)
    return dict(spec.env)


@pytest.mark.parametrize("takes", [True, None])
def test_a_step_runs_with_the_servers_own_fitting_off_unless_the_build_lacks_it(takes: bool | None) -> None:
    asked = Settings(model="/models/m.gguf", max_len=8192)
    assert env_of(fit_off(asked, takes))["LLAMA_ARG_FIT"] == "off"
    assert "LLAMA_ARG_FIT" not in env_of(fit_off(asked, False))  # known to lack it: nothing to turn off
    assert "LLAMA_ARG_FIT" not in env_of(asked)  # `jetllm try` leaves the server's default


def test_the_settings_that_ran_are_read_from_the_start_log() -> None:
    verbose = read_figures(["llama_context: n_ctx         = 65536",
                            "srv    load_model: initializing, n_slots = 4, n_ctx_slot = 65536, kv_unified = 'true'",
                            "load_tensors: offloaded 17/33 layers to GPU"], backend="llama.cpp")
    assert ran_settings(verbose) == {"concurrency": 4, "gpu_layers": 17, "max_len": 65536}
    quiet = read_figures(["srv    load_model: initializing, n_slots = 1, n_ctx_slot = 70656, kv_unified = 'true'"],
                         backend="llama.cpp")
    assert ran_settings(quiet) == {"concurrency": 1, "max_len": 70656}  # one slot: its context is the whole
    several = read_figures(["srv    load_model: initializing, n_slots = 2, n_ctx_slot = 4096"], backend="llama.cpp")
    assert ran_settings(several) == {"concurrency": 2}  # per slot of several: not the --ctx-size
