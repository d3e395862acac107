"""Realistic noise for tests and the benchmark: backend log lines that are no failure.

Lines imitate what vLLM, Ollama, llama.cpp, SGLang and Docker print while
healthy: timestamps, ANSI colours, progress bars redrawn with carriage returns.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

_TEMPLATES = (
    "INFO {d} [gpu_model_runner.py:{n}] Loading model weights took {f} GiB and {f} seconds",
    "(EngineCore pid={n}) INFO {d} [kv_cache_utils.py:{n}] GPU KV cache size: {n} tokens",
    "(EngineCore pid={n}) INFO {d} [core.py:{n}] init engine (profile, create kv cache, warmup model) took {f} seconds",
    "WARNING {d} [config.py:{n}] Casting torch.bfloat16 to torch.float16.",
    "INFO:     127.0.0.1:{n} - \"POST /v1/chat/completions HTTP/1.1\" 200 OK",
    "time=2025-02-21T01:40:58.260Z level=INFO source=server.go:{n} msg=\"waiting for server to become available\" status=\"llm server loading model\"",
    "[GIN] 2025/01/19 - 21:26:07 | 200 |  {f}ms |       127.0.0.1 | POST     \"/api/chat\"",
    "llama_model_loader: - kv  {n}:                       general.architecture str              = llama",
    "load_tensors: offloaded {n}/{n} layers to GPU",
    "llama_kv_cache_unified:      CUDA0 KV buffer size =  {f} MiB",
    "srv  update_slots: id  0 | task {n} | prompt done, n_past = {n}, n_tokens = {n}",
    "[2025-11-30 12:50:10] Prefill batch. #new-seq: 1, #new-token: {n}, #cached-token: {n}, token usage: 0.{n}, #running-req: 0",
    "\x1b[32mINFO\x1b[0m {d} [metrics.py:{n}] Avg prompt throughput: {f} tokens/s, Avg generation throughput: {f} tokens/s",
    "Loading safetensors checkpoint shards: {n}% Completed | {n}/{n} [00:{n}<00:{n}, {f}it/s]",
    "{h}: Downloading [=====>       ]  {f}MB/{f}MB\r{h}: Downloading [=========>   ]  {f}MB/{f}MB\r{h}: Pull complete",
)


def noise_lines(seed: int = 0, timestamps: bool = True) -> Iterator[str]:
    """An endless stream of healthy-looking log lines (no trailing newline)."""
    rng = random.Random(seed)
    while True:
        line = rng.choice(_TEMPLATES).format(
            d=f"05-{rng.randint(10, 28)} 16:{rng.randint(10, 59)}:{rng.randint(10, 59)}",
            n=rng.randint(1, 99999),
            f=f"{rng.random() * 100:.2f}",
            h=f"{rng.getrandbits(48):012x}",
        )
        if timestamps:
            line = f"2025-11-12T10:{rng.randint(10, 59)}:{rng.randint(10, 59)}.{rng.randint(0, 999999999):09d}Z {line}"
        yield line
