"""What a setting costs in memory, as each backend counts it, and what this
machine can give: pure functions of a ModelShape and HostFacts.

A setting is (context per sequence, concurrent sequences). Every backend pays
weights + KV cache (context x sequences x KV bytes per token) + its own
overheads:
- llama.cpp (and Ollama, which runs it): the compute buffers its scheduler
  reserves for one micro-batch (the attention mask, one sequence's context x
  n_ubatch in f16, plus
  the largest of the logits rows and the feed-forward activations) and the
  output buffer (one row of logits per sequence);
- vLLM: the activation peak its profiling run measures, CUDA graphs and
  memory outside torch; --gpu-memory-utilization is a fraction of the
  device's total memory (on a Jetson, all of RAM);
- SGLang: the same overheads outside its static pool (weights + KV), which
  --mem-fraction-static sizes as a fraction of total memory.
The llama.cpp figures follow its own printout (tests check them against the
real server); the vLLM and SGLang overheads are estimates that a start
replaces with the figures the backend prints.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from jetllm.core.facts import HostFacts
from jetllm.core.record import Record
from jetllm.core.units import GIB, MIB
from jetllm.modelinfo.shape import ModelShape

# Bytes per KV element of each cache dtype (llama.cpp q8_0: 34 bytes per block of 32).
KV_DTYPE_BYTES = {"f32": 4.0, "f16": 2.0, "bf16": 2.0, "auto": 2.0, "fp8": 1.0, "q8_0": 34 / 32, "q4_0": 18 / 32}
LLAMA_UBATCH = 512  # llama.cpp's default -ub
GPU_CONTEXT_BYTES = 256 * MIB  # CUDA context and cuBLAS workspaces of a GPU process
# On the CPU under a memory limit what counts is what is resident: the compute buffers are
# reserved but paged in only as a batch uses them (measured: llama-server under docker
# --memory holds weights + KV + 4.2 to 4.5 MiB of its own at start; 6 MiB leaves room for a request).
CPU_PROCESS_BYTES = 6 * MIB
CPU_PROCESS_SEEN_BYTES = int(4.2 * MIB)  # the least measured: what is above it is margin, not a figure
VLLM_CUDA_GRAPHS_BYTES = 512 * MIB
VLLM_NON_TORCH_BYTES = 256 * MIB
VLLM_MIN_BATCHED_TOKENS = 2048  # its profiling batch is at least this, at most VLLM_MAX_BATCHED_TOKENS
VLLM_MAX_BATCHED_TOKENS = 8192
SYSTEM_RESERVE_BYTES = 1 * GIB  # left to the OS and the desktop on a shared-memory board
CONTEXT_STEP = 1024  # the resolution a user cares about
BACKENDS = ("vllm", "sglang", "llama.cpp")  # Ollama counts as llama.cpp does


def backends_for(model_format: str | None, *, gpu: bool) -> tuple[str, ...]:
    """The backends whose costs apply to a model in this format (on the CPU only llama.cpp runs)."""
    if not gpu or model_format == "gguf":
        return ("llama.cpp",)
    if model_format == "ollama":
        return ("ollama",)
    return ("vllm", "sglang")


class Memory(Record):
    usable_bytes: int
    total_bytes: int  # what a backend's memory fraction is a fraction of
    how: str  # how usable was counted, for the user


class Cost(Record):
    backend: str
    context: int
    sequences: int
    weights_bytes: int
    kv_bytes: int
    overhead_bytes: int
    # llama.cpp's own buffers, as it prints them (model, KV, compute, output)
    compute_bytes: int = 0
    output_bytes: int = 0
    margin_bytes: int = 0  # of the overheads, what is a safety margin over the least measured

    @property
    def least_bytes(self) -> int:
        """The total without the margin: what the setting may cost at best."""
        return self.total_bytes - self.margin_bytes

    @property
    def total_bytes(self) -> int:
        return self.weights_bytes + self.kv_bytes + self.overhead_bytes

    def fraction(self, memory: Memory) -> float:
        """vLLM's --gpu-memory-utilization for this setting (SGLang's static fraction counts weights + KV)."""
        part = self.weights_bytes + self.kv_bytes if self.backend == "sglang" else self.total_bytes
        return math.ceil(100 * part / max(memory.total_bytes, 1)) / 100


def kv_bytes_per_token(shape: ModelShape, dtype: str = "f16") -> int | None:
    """K and V, every layer, every KV head: 2 x layers x kv_heads x head_dim x bytes."""
    if shape.layers is None or shape.kv_heads is None or shape.head_dim is None:
        return None
    return math.ceil(2 * shape.layers * shape.kv_heads * shape.head_dim * KV_DTYPE_BYTES[dtype])


def llama_cpp_cost(shape: ModelShape, context: int, sequences: int = 1, *, kv_dtype: str = "f16",
                   gpu: bool = True, logit_rows: int | None = None, ubatch: int = LLAMA_UBATCH,
                   resident: bool = False) -> Cost:
    """--ctx-size is context x sequences (one unified cache). Builds before late 2025 reserve logits
    for a whole micro-batch (logit_rows=ubatch, the default); newer ones one row per sequence."""
    cells = context * sequences
    per_token = kv_bytes_per_token(shape, kv_dtype) or 0
    vocab, hidden, ff = shape.vocab or 0, shape.hidden or 0, shape.intermediate or 0
    rows = ubatch if logit_rows is None else logit_rows
    compute = context * ubatch * 2 + max(rows * vocab * 4, ubatch * (ff * 8 + hidden * 16))
    output = sequences * vocab * 4
    margin = 0
    if resident and not gpu:  # what a memory limit on the CPU meets (see CPU_PROCESS_BYTES)
        overhead, margin = output + CPU_PROCESS_BYTES, CPU_PROCESS_BYTES - CPU_PROCESS_SEEN_BYTES
    else:
        overhead = compute + output + (GPU_CONTEXT_BYTES if gpu else 0)
    return Cost(backend="llama.cpp", context=context, sequences=sequences, weights_bytes=shape.weight_bytes or 0,
                kv_bytes=cells * per_token, overhead_bytes=overhead, compute_bytes=compute, output_bytes=output,
                margin_bytes=margin)


def activation_bytes(shape: ModelShape, context: int) -> int:
    """vLLM's profiled activation peak, estimated: one batch of max_num_batched_tokens through
    the widest layers in 16-bit (the attention and MLP intermediates), plus sampler logits."""
    tokens = min(max(context, VLLM_MIN_BATCHED_TOKENS), VLLM_MAX_BATCHED_TOKENS)
    hidden, ff, vocab = shape.hidden or 0, shape.intermediate or 0, shape.vocab or 0
    return tokens * (hidden * 8 + ff * 6) * 2 + 256 * vocab * 4


def vllm_cost(shape: ModelShape, context: int, sequences: int = 1, *, kv_dtype: str = "auto",
              backend: str = "vllm") -> Cost:
    overhead = activation_bytes(shape, context) + VLLM_CUDA_GRAPHS_BYTES + VLLM_NON_TORCH_BYTES + GPU_CONTEXT_BYTES
    return Cost(backend=backend, context=context, sequences=sequences, weights_bytes=shape.weight_bytes or 0,
                kv_bytes=context * sequences * (kv_bytes_per_token(shape, kv_dtype) or 0), overhead_bytes=overhead)


def cost(backend: str, shape: ModelShape, context: int, sequences: int = 1, *, gpu: bool = True,
         resident: bool = False) -> Cost:
    if backend in ("llama.cpp", "ollama"):
        return llama_cpp_cost(shape, context, sequences, gpu=gpu, resident=resident)
    return vllm_cost(shape, context, sequences, backend="sglang" if backend == "sglang" else "vllm")


def largest_context(price: Callable[[int], Cost], usable: int, ceiling: int, step: int = CONTEXT_STEP) -> int:
    """The largest multiple of `step` up to `ceiling` whose cost fits in `usable`; 0 when none does."""
    low, high = 0, ceiling // step
    while low < high:
        middle = (low + high + 1) // 2
        if price(middle * step).total_bytes <= usable:
            low = middle
        else:
            high = middle - 1
    return low * step


def usable_memory(facts: HostFacts) -> Memory | None:
    """On shared memory (Jetson): MemAvailable less a reserve for the system, swap not counted
    (a GPU cannot use it); on a discrete GPU: NVML's free memory, which leaves out what other
    processes hold. None when the facts do not say."""
    system, nvml = facts.system, facts.nvml
    shared = nvml.shared_memory or facts.jetson.is_jetson
    gpu = nvml.gpus[0] if nvml.gpus else None
    if not shared and gpu is not None and gpu.memory_total_bytes is not None and gpu.memory_used_bytes is not None:
        free = gpu.memory_total_bytes - gpu.memory_used_bytes
        return Memory(usable_bytes=max(free, 0), total_bytes=gpu.memory_total_bytes,
                      how=f"free memory of GPU 0 ({gpu.name or 'unnamed'}), less what other processes hold")
    if system.memory_available_bytes is None or system.memory_total_bytes is None:
        return None
    usable = max(system.memory_available_bytes - SYSTEM_RESERVE_BYTES, 0)
    where = "shared CPU/GPU memory" if shared else "system memory (no GPU found)"
    return Memory(usable_bytes=usable, total_bytes=system.memory_total_bytes,
                  how=f"MemAvailable of {where} less 1 GiB for the system; swap not counted")


class Fit(Record):
    backend: str
    sequences: int
    context: int  # the largest context per sequence that fits; 0: not even the smallest step
    cost: Cost | None = None  # at that context (at the smallest step when none fits)
    fraction: float | None = None  # vLLM --gpu-memory-utilization / SGLang --mem-fraction-static


def fits_table(shape: ModelShape, memory: Memory, *, sequences: tuple[int, ...] = (1, 4, 8),
               backends: tuple[str, ...] = BACKENDS, gpu: bool = True) -> list[Fit]:
    ceiling = shape.max_context or 131072
    rows = []
    for backend in backends:
        for count in sequences:
            def price(context: int, backend: str = backend, count: int = count) -> Cost:
                return cost(backend, shape, context, count, gpu=gpu)

            context = largest_context(price, memory.usable_bytes, ceiling)
            at = price(context or CONTEXT_STEP)
            fraction = at.fraction(memory) if backend in ("vllm", "sglang") else None
            rows.append(Fit(backend=backend, sequences=count, context=context, cost=at, fraction=fraction))
    return rows
