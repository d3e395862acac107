"""After the predicted start works, the search climbs into the estimate's margin: the
context found under a memory ceiling is within one step (1024) of the largest that
really starts, in at most 3 starts. The world is llama.cpp on the CPU under --memory 48m
as measured on the real server: it holds weights + KV cache + 4.2 to 4.5 MiB of its own."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from jetllm.catalog import load_profile
from jetllm.core.diagnosis import FailureClass
from jetllm.core.spec import Settings
from jetllm.modelinfo import gguf_info
from jetllm.modelinfo.shape import from_gguf
from jetllm.search import Budget, search_candidate
from tests.unit.search_fakes import FakeWorld
from tests.unit.test_search_predict import stages, write_model

MIB = 1 << 20
LIMIT = 48 * MIB


def llama_cpu(model: Path, own_bytes: int) -> Callable[[Settings], FailureClass | None]:
    shape = from_gguf(gguf_info(model))

    def rule(settings: Settings) -> FailureClass | None:
        resident = (shape.weight_bytes or 0) + (settings.max_len or 0) * 512 + own_bytes
        return FailureClass.HOST_OOM_KILLED if resident > LIMIT else None
    return rule


@pytest.mark.parametrize("own_mib", [4.2, 4.35, 4.5, 6.0])
def test_the_context_found_is_within_one_step_of_the_largest_that_starts(tmp_path: Path, own_mib: float) -> None:
    model = write_model(tmp_path / "m.gguf")
    (candidate,) = stages(model, max_len=131072, memory="48m").candidates([load_profile("llama.cpp")]).candidates
    rule = llama_cpu(model, int(own_mib * MIB))
    true_largest = max(c for c in range(1024, 131073, 1024) if rule(Settings(max_len=c)) is None)
    world = FakeWorld(rules={"llama.cpp": rule})
    found = search_candidate(candidate, world, Budget(clock=world.clock))
    best = found.best_attempt
    assert best is not None and best.settings.max_len is not None
    assert true_largest - 1024 <= best.settings.max_len <= true_largest, (best.settings.max_len, true_largest)
    assert len(world.calls) <= 3
    assert rule(best.settings) is None  # what it reports as working did start


def test_without_room_the_first_working_step_is_the_answer(tmp_path: Path) -> None:
    model = write_model(tmp_path / "m.gguf")
    (candidate,) = stages(model, max_len=131072, memory="48m").candidates([load_profile("llama.cpp")]).candidates
    plain = candidate.model_copy(update={"room": []})
    world = FakeWorld(rules={"llama.cpp": llama_cpu(model, int(4.2 * MIB))})
    found = search_candidate(plain, world, Budget(clock=world.clock))
    assert len(world.calls) == 1 and found.best == 0


def test_a_climb_step_failing_for_a_no_retry_cause_still_bounds_the_climb(tmp_path: Path) -> None:
    """At the very limit a start may serve and then fail its first request, which the log alone can
    name wrongly (a no-retry class): the climb takes it as too much and goes on below it."""
    model = write_model(tmp_path / "m.gguf")
    (candidate,) = stages(model, max_len=131072, memory="48m").candidates([load_profile("llama.cpp")]).candidates
    oom = llama_cpu(model, int(5.2 * MIB))  # the largest that starts is the room's first step

    def rule(settings: Settings) -> FailureClass | None:
        return FailureClass.LIBRARY_MISMATCH if oom(settings) else None

    true_largest = max(c for c in range(1024, 131073, 1024) if rule(Settings(max_len=c)) is None)
    world = FakeWorld(rules={"llama.cpp": rule})
    found = search_candidate(candidate, world, Budget(clock=world.clock))
    assert found.best_attempt is not None and found.best_attempt.settings.max_len == true_largest
    assert true_largest == candidate.room[0] and world.calls[1][1].max_len == candidate.room[1]  # failed, then below
    assert found.verdict.value == "works" and found.stop.value == "found" and len(world.calls) == 3


def test_a_predicted_start_that_fails_steps_down_by_the_margin_not_to_half(tmp_path: Path) -> None:
    """On a cold page cache the model file's pages count against the container's limit too, so the
    predicted start can fail: the next start is the margin's width lower, not half the context."""
    model = write_model(tmp_path / "m.gguf")
    (candidate,) = stages(model, max_len=131072, memory="48m").candidates([load_profile("llama.cpp")]).candidates
    rule = llama_cpu(model, int(7.5 * MIB))  # more than the estimate allows for: the start it predicts fails
    true_largest = max(c for c in range(1024, 131073, 1024) if rule(Settings(max_len=c)) is None)
    world = FakeWorld(rules={"llama.cpp": rule})
    found = search_candidate(candidate, world, Budget(clock=world.clock))
    first = world.calls[0][1].max_len
    assert first is not None and rule(Settings(max_len=first)) is FailureClass.HOST_OOM_KILLED
    best = found.best_attempt
    assert best is not None and best.settings.max_len is not None and rule(best.settings) is None
    assert len(world.calls) <= 3 and found.verdict.value == "works"
    assert true_largest - 2048 <= best.settings.max_len <= true_largest, (best.settings.max_len, true_largest)
