"""A knob's direction when memory is free: vLLM's KV cache too small for the context,
on a host with memory to spare, raises --gpu-memory-utilization to the fraction that
covers what vLLM said the cache needs (bounded by what is free) and keeps the context,
instead of only shortening it. The vLLM here words its failure as V1 does."""

from __future__ import annotations

from jetllm.catalog import load_profile
from jetllm.core.facts import HostFacts
from jetllm.core.spec import Settings
from jetllm.modelinfo.estimate import Memory
from jetllm.search import Budget, Candidate, search_candidate
from jetllm.search.ladder import refined
from tests.unit.test_search_figures import Scripted

GIB = 1 << 30
TOTAL = int(15.3 * GIB)  # an Orin NX 16 GB
WEIGHTS, OVERHEAD, PER_TOKEN = int(2.1e9), int(2.4 * GIB), 36864  # Qwen2.5-3B AWQ: 36 KiB of KV a token


def vllm_v1(free: int) -> Scripted:
    def rule(settings: Settings) -> list[str] | None:
        asked = (settings.gpu_util or 0) * TOTAL
        if asked > free:
            return ["NvMapMemAllocInternalTagged: 1075072515 error 12"]
        budget, needed = asked - WEIGHTS - OVERHEAD, (settings.max_len or 0) * PER_TOKEN
        if needed <= budget:
            return None
        return [f"ValueError: To serve at least one request with the models's max seq len ({settings.max_len}), "
                f"({needed / GIB:.2f} GiB KV cache is needed, which is larger than the available KV cache memory "
                f"({budget / GIB:.2f} GiB). Based on the available memory, the estimated maximum model length is "
                f"{max(int(budget // PER_TOKEN), 0)}. Try increasing `gpu_memory_utilization` or decreasing "
                "`max_model_len`"]
    return Scripted("vllm", rule)


def candidate(free: int | None) -> Candidate:
    jetson = HostFacts.model_validate({"platform": {"arch": "aarch64"}, "jetson": {"is_jetson": True, "l4t": "36.4.3"},
                                       "nvml": {"available": True, "shared_memory": True}})
    ladder = refined(load_profile("vllm").ladder(jetson))
    knobs = [k.model_copy(update={"values": [v for v in k.values if v <= 0.35]}) if k.name == "gpu_util"
             else k.model_copy(update={"values": [32768, *range(31744, 1023, -1024)]}) if k.name == "max_len"
             else k for k in ladder.knobs]  # as a prediction trims it: the fraction of what it counted usable
    memory = Memory(usable_bytes=free, total_bytes=TOTAL, how="test") if free is not None else None
    return Candidate(name="vllm", backend="vllm", image="example/vllm:1",
                     ladder=ladder.model_copy(update={"knobs": knobs}), base=Settings(model="org/model"),
                     memory=memory)


def test_kv_cache_short_with_memory_free_raises_the_fraction_and_keeps_the_context() -> None:
    world = vllm_v1(free=int(6.3 * GIB))
    found = search_candidate(candidate(free=int(6.3 * GIB)), world, Budget(clock=world.clock))
    first, second = world.calls[:2]
    assert (first.gpu_util, first.max_len) == (0.35, 32768)
    assert second.max_len == 32768 and 0.35 < (second.gpu_util or 0) <= 0.41  # raised, within what is free
    assert len(world.calls) == 2 and found.best == 1
    asked = (second.gpu_util or 0) * TOTAL  # the least that holds the cache: 0.01 less would not
    assert asked - WEIGHTS - OVERHEAD >= 32768 * PER_TOKEN > asked - 0.01 * TOTAL - WEIGHTS - OVERHEAD


def test_without_free_memory_to_cover_it_the_context_is_shortened() -> None:
    free = int(0.355 * TOTAL)  # 0.35 starts; the fraction the cache needs is not free
    world = vllm_v1(free=free)
    found = search_candidate(candidate(free=free), world, Budget(clock=world.clock))
    assert {s.gpu_util for s in world.calls} == {0.35}  # never raised, never lowered (the profile's up_on)
    best = found.best_attempt
    assert best is not None and (best.settings.max_len or 0) < 32768


def test_where_free_memory_is_not_known_the_fraction_is_not_raised() -> None:
    world = vllm_v1(free=int(6.3 * GIB))
    found = search_candidate(candidate(free=None), world, Budget(clock=world.clock))
    assert {s.gpu_util for s in world.calls} == {0.35}
    assert found.best_attempt is not None and (found.best_attempt.settings.max_len or 0) < 32768
