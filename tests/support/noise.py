"""Realistic noise for tests and the benchmark: backend log lines that are no failure.

Lines imitate what vLLM, Ollama, llama.cpp, SGLang and Docker print while
healthy: timestamps, ANSI colours, progress bars redrawn with carriage returns.
As in a real log, a start's lines come once per start and request lines fill
the rest, with a restart every few thousand lines.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

# Printed while a backend starts (once per start; a few repeat during the load).
_STARTUP = (
    "{h}: Downloading [=====>       ]  {f}MB/{f}MB\r{h}: Downloading [=========>   ]  {f}MB/{f}MB\r{h}: Pull complete",
    "time=2025-02-21T01:40:58.260Z level=INFO source=server.go:{n} msg=\"waiting for server to become available\" status=\"llm server loading model\"",
    "llama_model_loader: - kv  {n}:                       general.architecture str              = llama",
    "load_tensors: offloaded {n}/{n} layers to GPU",
    "llama_kv_cache_unified:      CUDA0 KV buffer size =  {f} MiB",
    "WARNING {d} [config.py:{n}] Casting torch.bfloat16 to torch.float16.",
    "Loading safetensors checkpoint shards: {n}% Completed | {n}/{n} [00:{n}<00:{n}, {f}it/s]",
    "INFO {d} [gpu_model_runner.py:{n}] Loading model weights took {f} GiB and {f} seconds",
    "(EngineCore pid={n}) INFO {d} [kv_cache_utils.py:{n}] GPU KV cache size: {n} tokens",
    "(EngineCore pid={n}) INFO {d} [core.py:{n}] init engine (profile, create kv cache, warmup model) took {f} seconds",
)
# Printed for every request or every few seconds while it serves: most of a long log.
_SERVING = (
    "INFO:     127.0.0.1:{n} - \"POST /v1/chat/completions HTTP/1.1\" 200 OK",
    "[GIN] 2025/01/19 - 21:26:07 | 200 |  {f}ms |       127.0.0.1 | POST     \"/api/chat\"",
    "srv  update_slots: id  0 | task {n} | prompt done, n_past = {n}, n_tokens = {n}",
    "[2025-11-30 12:50:10] Prefill batch. #new-seq: 1, #new-token: {n}, #cached-token: {n}, token usage: 0.{n}, #running-req: 0",
    "\x1b[32mINFO\x1b[0m {d} [metrics.py:{n}] Avg prompt throughput: {f} tokens/s, Avg generation throughput: {f} tokens/s",
)
STARTUP_REPEATS = 3  # each start line is printed up to this many times in a row
SERVING_LINES = (500, 3000)  # lines served between two starts (a restart, a new model)


def noise_lines(seed: int = 0, timestamps: bool = True) -> Iterator[str]:
    """An endless stream of healthy-looking log lines (no trailing newline)."""
    rng = random.Random(seed)
    while True:
        for template in _STARTUP:
            for _ in range(rng.randint(1, STARTUP_REPEATS)):
                yield _fill(rng, template, timestamps)
        for _ in range(rng.randint(*SERVING_LINES)):
            yield _fill(rng, rng.choice(_SERVING), timestamps)


def _fill(rng: random.Random, template: str, timestamps: bool) -> str:
    line = template.format(
        d=f"05-{rng.randint(10, 28)} 16:{rng.randint(10, 59)}:{rng.randint(10, 59)}",
        n=rng.randint(1, 99999),
        f=f"{rng.random() * 100:.2f}",
        h=f"{rng.getrandbits(48):012x}",
    )
    if timestamps:
        line = f"2025-11-12T10:{rng.randint(10, 59)}:{rng.randint(10, 59)}.{rng.randint(0, 999999999):09d}Z {line}"
    return line
