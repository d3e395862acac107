"""The search takes the next step from the figures a backend printed (classify/figures.yaml),
and a knob's direction from its profile: scripted backends that print what the real ones
print (the wording of vLLM and SGLang, classified by the real classifier)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import yaml

from jetllm.catalog import load_profile
from jetllm.classify import classify_text
from jetllm.classify.figures import read_figures
from jetllm.core.attempt import Attempt, AttemptOutcome, MemoryFigures, Smoke
from jetllm.core.facts import HostFacts
from jetllm.core.spec import Settings
from jetllm.search import Budget, Candidate, Knob, Ladder, search_candidate
from jetllm.search.ladder import refined
from tests.support.shared import shared_path
from tests.unit.search_fakes import FakeClock

Backend = Callable[[Settings], "list[str] | None"]  # settings -> the log of a failed start, or None: ready


class Scripted:
    def __init__(self, backend: str, rule: Backend) -> None:
        self.backend, self.rule, self.clock = backend, rule, FakeClock()
        self.calls: list[Settings] = []

    def __call__(self, candidate: Candidate, settings: Settings, timeout: float | None) -> Attempt:
        self.calls.append(settings)
        self.clock.now += 90
        log = self.rule(settings)
        if log is None:
            return Attempt(backend=self.backend, image=candidate.image, settings=settings, container_started=True,
                           outcome=AttemptOutcome.READY, smoke=Smoke(tokens_per_s=10.0, ttft_s=0.2))
        measured = read_figures(log, backend=self.backend)  # as the runtime reads them from the whole log
        return Attempt(backend=self.backend, image=candidate.image, settings=settings, container_started=True,
                       outcome=AttemptOutcome.FAILED, log_tail=log,
                       memory=MemoryFigures(measured=measured) if measured else None,
                       diagnosis=classify_text("\n".join(log), backend=self.backend))


def run(backend: str, ladder: Ladder, rule: Backend) -> tuple[Scripted, Settings | None]:
    world = Scripted(backend, rule)
    found = search_candidate(Candidate(name=backend, backend=backend, image=f"example/{backend}:1", ladder=ladder,
                                       base=Settings(model="org/model")), world, Budget(clock=world.clock))
    best = found.attempts[found.best].settings if found.best is not None else None
    return world, best


def vllm_v0(fits: int) -> Backend:
    def rule(settings: Settings) -> list[str] | None:
        if (settings.max_len or 0) <= fits:
            return None
        return [f"ValueError: The model's max seq len ({settings.max_len}) is larger than the maximum number of "
                f"tokens that can be stored in KV cache ({fits}). Try increasing `gpu_memory_utilization` or "
                "decreasing `max_model_len` when initializing the engine."]
    return rule


def context_ladder(top: int) -> Ladder:
    return refined(Ladder(knobs=[Knob(name="gpu_util", values=[0.9], continuous=True),
                                 Knob(name="max_len", values=[top, 4096, 1024])]))


def test_vllm_says_what_context_fits_and_the_next_start_uses_it() -> None:
    world, best = run("vllm", context_ladder(131072), vllm_v0(23648))
    assert len(world.calls) == 2  # the failed start, then the context its log named
    assert best is not None and best.max_len == 23552  # the multiple of 1024 under vLLM's 23648


def test_without_a_figure_the_search_bisects_to_the_same_resolution() -> None:
    fits = 23648

    def silent(settings: Settings) -> list[str] | None:
        return None if (settings.max_len or 0) <= fits else ["No available memory for the cache blocks."]

    world, best = run("vllm", context_ladder(131072), silent)
    assert best is not None and best.max_len == 23552
    assert len(world.calls) > 2  # bisection: more starts for the same answer


def test_vllm_free_memory_figure_sets_the_fraction() -> None:
    def rule(settings: Settings) -> list[str] | None:
        if (settings.gpu_util or 1) <= 0.64:
            return None
        wanted = round(8 * (settings.gpu_util or 0), 2)
        return [f"ValueError: Free memory on device (5.2/8.0 GiB) on startup is less than desired GPU memory "
                f"utilization ({settings.gpu_util}, {wanted} GiB). Decrease GPU memory utilization or reduce GPU "
                "memory used by other processes."]

    ladder = refined(Ladder(knobs=[Knob(name="gpu_util", values=[0.9, 0.3], continuous=True),
                                   Knob(name="max_len", values=[4096, 1024])]))
    world, best = run("vllm", ladder, rule)
    assert [s.gpu_util for s in world.calls] == [0.9, 0.6]  # 5.2 of 8 GiB free: 0.64, the ladder's 0.6
    assert best is not None and best.max_len == 4096


def test_sglang_kv_pool_too_small_never_lowers_the_static_fraction() -> None:
    """SGLang asks for more --mem-fraction-static when its KV pool is too small: the
    shipped profile's direction says so. Here no context on the ladder is small enough:
    the search shortens the context to its end and stops, never trying a lower fraction
    (each of which could only fail the same way)."""
    jetson = HostFacts.model_validate({"platform": {"arch": "aarch64"}, "jetson": {"is_jetson": True, "l4t": "36.4.3"},
                                       "nvml": {"available": True, "shared_memory": True}})
    ladder = refined(load_profile("sglang").ladder(jetson))
    top, context = ladder.knob("gpu_util"), ladder.knob("max_len")
    assert top is not None and context is not None

    def rule(settings: Settings) -> list[str] | None:
        return ["RuntimeError: Not enough memory. Please try to increase --mem-fraction-static."]

    world, best = run("sglang", ladder, rule)
    assert best is None
    assert {s.gpu_util for s in world.calls} == {top.values[0]}, [s.gpu_util for s in world.calls]
    assert min(s.max_len or 0 for s in world.calls) == context.values[-1]


def test_figures_read_from_real_logs(tmp_path: Path) -> None:
    def log(case: str) -> list[str]:
        text = yaml.safe_load(shared_path("corpus", "dev", f"{case}.yaml").read_text(encoding="utf-8"))["log"]
        return str(text).splitlines()

    v0 = read_figures(log("vllm-kv-maxlen-29k-rtx3090-01"), backend="vllm")
    assert v0["fits_tokens"] == 23648 and v0["util"] == 0.9
    negative = read_figures(log("vllm-kv-negative-rtx4060-qwen7b-01"), backend="vllm")
    assert negative["kv_budget_bytes"] < 0 and round(negative["activation_bytes"] / (1 << 30), 2) == 1.42
    assert round(negative["usable_bytes"] / (1 << 30), 2) == 5.6
    llama = read_figures(log("llama-cpp-1m-context-kv-137gb-01"), backend="llama.cpp")
    assert llama["alloc_failed_bytes"] == 137438953504
    offloaded = read_figures(["load_tensors: offloaded 31/33 layers to GPU",
                              "llama_new_context_with_model: n_ctx      = 1048576"], backend="llama.cpp")
    assert (offloaded["ran_gpu_layers"], offloaded["model_layers"], offloaded["ran_context"]) == (31, 33, 1048576)
    orin = read_figures(log("vllm-jetson-orin-eager-healthy-startup-01"), backend="vllm")
    assert orin["kv_tokens"] == 872960 and orin["concurrency"] == 426.25
