"""Before the first start: a bring-up's ladder starts at the context predicted to fit
the model (its GGUF header, written with gguf) in the memory there is, and a backend
predicted not to fit even at its smallest context is left out with the figures."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from gguf import GGUFWriter

from jetllm.catalog import load_profile
from jetllm.core.facts import HostFacts
from jetllm.modelinfo import gguf_info
from jetllm.modelinfo.estimate import cost
from jetllm.modelinfo.shape import from_gguf
from jetllm.search.stages import Overrides, Stages

MIB = 1 << 20


def write_model(path: Path, vocab: int = 32000) -> Path:
    """A llama with 2 layers of 64 (KV: 512 bytes a token) and an 8 MiB embedding, trained on 131072."""
    writer = GGUFWriter(path, "llama")
    writer.add_context_length(131072)
    writer.add_block_count(2)
    writer.add_embedding_length(64)
    writer.add_feed_forward_length(128)
    writer.add_head_count(4)
    writer.add_head_count_kv(4)
    writer.add_token_list([f"t{i}" for i in range(vocab)])
    writer.add_tensor("token_embd.weight", np.zeros((vocab, 64), dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


def cpu_host() -> HostFacts:
    return HostFacts.model_validate({"platform": {"arch": "x86_64"},
                                     "system": {"memory_total_bytes": 16 << 30, "memory_available_bytes": 12 << 30}})


def stages(model: Path, **overrides: object) -> Stages:
    shape = from_gguf(gguf_info(model))
    return Stages(facts=cpu_host(), overrides=Overrides(model=str(model), **overrides),  # type: ignore[arg-type]
                  model_context=shape.max_context, shape=shape)


def test_ladder_starts_at_the_largest_context_predicted_to_fit_the_memory_limit(tmp_path: Path) -> None:
    model = write_model(tmp_path / "m.gguf")
    selection = stages(model, max_len=131072, memory="48m").candidates([load_profile("llama.cpp")])
    (candidate,) = selection.candidates
    knob = candidate.ladder.knob("max_len")
    assert knob is not None
    start = int(knob.values[0])
    shape = from_gguf(gguf_info(model))
    assert cost("llama.cpp", shape, start, gpu=False, resident=True).total_bytes <= 48 * MIB
    assert cost("llama.cpp", shape, start + 1024, gpu=False, resident=True).total_bytes > 48 * MIB
    assert start % 1024 == 0 and 32768 < start < 131072  # not the trained context, nor a ladder point
    assert [int(v) for v in knob.values[:2]] == [start, start - 1024]  # and every 1024 below it


def test_a_predicted_misfit_is_left_out_with_the_figures_unless_tried_anyway(tmp_path: Path) -> None:
    model = write_model(tmp_path / "m.gguf")
    selection = stages(model, memory="8m").candidates([load_profile("llama.cpp")])
    assert not selection.candidates
    (left,) = selection.left_out
    assert left.diagnosis is not None and left.diagnosis.failure_class.value == "host_oom_killed"
    assert "predicted not to fit" in left.diagnosis.cause and "8.0 MiB usable" in left.diagnosis.cause
    assert "--try-anyway" in left.diagnosis.fix
    anyway = stages(model, memory="8m", try_anyway=True).candidates([load_profile("llama.cpp")])
    assert len(anyway.candidates) == 1 and not anyway.left_out


def test_without_model_figures_the_ladder_is_the_profiles(tmp_path: Path) -> None:
    plain = Stages(facts=cpu_host(), overrides=Overrides(model="org/repo-GGUF:Q4_K_M", memory="48m"))
    (candidate,) = plain.candidates([load_profile("llama.cpp")]).candidates
    knob = candidate.ladder.knob("max_len")
    assert knob is not None and knob.values[0] == 4096  # the shipped cpu ladder's top


def test_the_candidate_keeps_as_room_the_steps_only_the_estimates_margin_rules_out(tmp_path: Path) -> None:
    model = write_model(tmp_path / "m.gguf")
    (candidate,) = stages(model, max_len=131072, memory="48m").candidates([load_profile("llama.cpp")]).candidates
    knob = candidate.ladder.knob("max_len")
    assert knob is not None
    start, shape = int(knob.values[0]), from_gguf(gguf_info(model))
    assert candidate.room and candidate.room == sorted(candidate.room)
    assert candidate.room == list(range(start + 1024, candidate.room[-1] + 1, 1024))  # every step, none skipped
    top = cost("llama.cpp", shape, candidate.room[-1], gpu=False, resident=True)
    above = cost("llama.cpp", shape, candidate.room[-1] + 1024, gpu=False, resident=True)
    assert top.total_bytes > 48 * MIB >= top.least_bytes  # over the estimate, under it less its margin
    assert above.least_bytes > 48 * MIB  # past the room even the least it could cost is too much
