"""The memory estimate against the figures backends printed about themselves in
real logs of the corpus (shared/corpus/dev), for the models those logs name.
The model figures are the models' published config.json values."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from jetllm.core.facts import GpuFacts, HostFacts, JetsonFacts, NvmlFacts, PlatformFacts, SystemFacts
from jetllm.core.units import GIB, MIB
from jetllm.modelinfo.estimate import (
    Memory,
    cost,
    fits_table,
    kv_bytes_per_token,
    largest_context,
    llama_cpp_cost,
    usable_memory,
    vllm_cost,
)
from jetllm.modelinfo.shape import ModelShape
from tests.support.shared import shared_path

WITHIN = 0.10

# meta-llama/Llama-3.1-8B(-Instruct) config.json; 8,030,261,248 parameters in bfloat16.
LLAMA_31_8B = ModelShape(source="config.json", format="hf", dtype="bfloat16", parameters=8_030_261_248,
                         weight_bytes=2 * 8_030_261_248, layers=32, kv_heads=8, head_dim=128, hidden=4096,
                         intermediate=14336, vocab=128256, max_context=131072)
# Qwen/Qwen3-1.7B config.json (the GGUF keeps the same architecture figures).
QWEN3_17B = ModelShape(source="config.json", format="gguf", layers=28, kv_heads=8, head_dim=128, hidden=2048,
                       intermediate=6144, vocab=151936, max_context=40960)


def corpus_log(case: str) -> str:
    path: Path = shared_path("corpus", "dev", f"{case}.yaml")
    return str(yaml.safe_load(path.read_text(encoding="utf-8"))["log"])


def close(estimate: float, measured: float) -> bool:
    return abs(estimate - measured) <= WITHIN * measured


def test_vllm_weights_and_kv_tokens_of_llama_31_8b() -> None:
    log = corpus_log("vllm-kv-maxlen-29k-rtx3090-01")
    weights_gib = float(re.search(r"Loading model weights took ([\d.]+) GB", log)[1])  # type: ignore[index]
    kv_gib = float(re.search(r"kv_cache_size=([\d.]+)GiB", log)[1])  # type: ignore[index]
    tokens = int(re.search(r"stored in KV cache \((\d+)\)", log)[1])  # type: ignore[index]
    estimate = vllm_cost(LLAMA_31_8B, 29000)
    assert close(estimate.weights_bytes / GIB, weights_gib), (estimate.weights_bytes / GIB, weights_gib)
    per_token = kv_bytes_per_token(LLAMA_31_8B, "bf16")
    assert per_token is not None
    assert close(kv_gib * GIB / per_token, tokens), (kv_gib * GIB / per_token, tokens)
    # and so the largest length it could hold: what the log said instead of bisecting
    assert largest_context(lambda c: vllm_cost(LLAMA_31_8B, c).model_copy(update={"overhead_bytes": 0,
                           "weights_bytes": 0}), int(kv_gib * GIB), 131072, step=1) // 1024 == tokens // 1024


def test_llama_cpp_kv_and_compute_buffers_of_qwen3_17b_on_orin() -> None:
    log = corpus_log("jetson-orin-node-llama-cpp-healthy-kv-cuda0-01")
    found = re.search(r"size =\s+([\d.]+) MiB \(\s*(\d+) cells", log)
    assert found is not None
    kv_mib, cells = float(found[1]), int(found[2])
    compute_mib = float(re.search(r"CUDA0 compute buffer size =\s+([\d.]+) MiB", log)[1])  # type: ignore[index]
    estimate = llama_cpp_cost(QWEN3_17B, cells, 1)  # this build reserves logits for a whole micro-batch
    assert close(estimate.kv_bytes / MIB, kv_mib), (estimate.kv_bytes / MIB, kv_mib)
    assert close(estimate.compute_bytes / MIB, compute_mib), (estimate.compute_bytes / MIB, compute_mib)


def facts(**system: int) -> HostFacts:
    return HostFacts(platform=PlatformFacts(arch="aarch64"), jetson=JetsonFacts(is_jetson=True),
                     nvml=NvmlFacts(available=True, shared_memory=True), system=SystemFacts(**system))


def test_usable_memory_on_a_jetson_leaves_swap_and_a_reserve_out() -> None:
    memory = usable_memory(facts(memory_total_bytes=8 * GIB, memory_available_bytes=6 * GIB,
                                 swap_total_bytes=16 * GIB, swap_free_bytes=16 * GIB))
    assert memory is not None
    assert memory.usable_bytes == 5 * GIB and memory.total_bytes == 8 * GIB
    assert "swap not counted" in memory.how


def test_usable_memory_on_x86_is_free_device_memory() -> None:
    host = HostFacts(platform=PlatformFacts(arch="x86_64"), nvml=NvmlFacts(available=True, gpus=[
        GpuFacts(index=0, name="RTX 4060", memory_total_bytes=8 * GIB, memory_used_bytes=3 * GIB)]),
        system=SystemFacts(memory_total_bytes=64 * GIB, memory_available_bytes=60 * GIB))
    memory = usable_memory(host)
    assert memory is not None and (memory.usable_bytes, memory.total_bytes) == (5 * GIB, 8 * GIB)
    assert usable_memory(HostFacts(platform=PlatformFacts(arch="x86_64"))) is None


def test_fits_table_more_sequences_less_context_each_and_misfits_say_zero() -> None:
    memory = Memory(usable_bytes=24 * GIB, total_bytes=24 * GIB, how="test")
    rows = {(f.backend, f.sequences): f for f in fits_table(LLAMA_31_8B, memory)}
    for backend in ("vllm", "llama.cpp"):
        one, four, eight = (rows[backend, n].context for n in (1, 4, 8))
        assert one >= four >= eight > 0 and one % 1024 == 0
        fit = rows[backend, 1]
        assert fit.cost is not None and fit.cost.total_bytes <= memory.usable_bytes
        assert cost(backend, LLAMA_31_8B, one + 1024).total_bytes > memory.usable_bytes or one == 131072
    assert 0 < rows["vllm", 1].fraction <= 1.0  # type: ignore[operator]
    small = Memory(usable_bytes=8 * GIB, total_bytes=8 * GIB, how="test")
    assert all(f.context == 0 for f in fits_table(LLAMA_31_8B, small))  # 15 GiB of weights fit nowhere


def test_gguf_header_gives_the_kv_figures_and_weight_bytes(tmp_path: Path) -> None:
    import numpy as np
    from gguf import GGUFWriter

    from jetllm.modelinfo import gguf_info
    from jetllm.modelinfo.shape import from_gguf

    writer = GGUFWriter(tmp_path / "m.gguf", "llama")
    writer.add_block_count(3)
    writer.add_embedding_length(32)
    writer.add_head_count(4)
    writer.add_head_count_kv(2)
    writer.add_context_length(8192)
    writer.add_token_list([f"t{i}" for i in range(100)])
    writer.add_tensor("token_embd.weight", np.zeros((100, 32), dtype=np.float32))
    writer.add_tensor("blk.0.ffn_up.weight", np.zeros((64, 32), dtype=np.float16))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    shape = from_gguf(gguf_info(tmp_path / "m.gguf"))
    assert (shape.layers, shape.kv_heads, shape.head_dim, shape.vocab, shape.max_context) == (3, 2, 8, 100, 8192)
    assert shape.weight_bytes is not None
    assert 100 * 32 * 4 + 64 * 32 * 2 <= shape.weight_bytes < 100 * 32 * 4 + 64 * 32 * 2 + 64  # data + alignment
    assert kv_bytes_per_token(shape) == 2 * 3 * 2 * 8 * 2
