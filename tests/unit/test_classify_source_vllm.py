"""vLLM's own messages (vllm.yaml), V0 and V1, as it prints them; its startup INFO lines
and readiness lines must read as health, and a log cut after a readiness line is `none`."""

from __future__ import annotations

import pytest

from jetllm.classify import ExitState, FailureClass, classify_text

C = FailureClass

# (log as printed, class). Sources (vllm-project/vllm): v1/core/kv_cache_utils.py,
# v1/worker/gpu_worker.py, worker/worker.py and executor/executor_base.py (V0),
# v1/engine/core.py, v1/engine/utils.py, v1/executor/multiproc_executor.py,
# executor/multiproc_worker_utils.py, config.py, model_executor/model_loader/utils.py.
CASES = [
    ("ValueError: No available memory for the cache blocks. Try increasing `gpu_memory_utilization` when initializing "
     "the engine.", C.KV_CACHE_INSUFFICIENT),
    ("ValueError: To serve at least one request with the models's max seq len (32768), (4.00 GiB KV cache is needed, "
     "which is larger than the available KV cache memory (1.25 GiB). Based on the available memory, the estimated maximum "
     "model length is 10240. Try increasing `gpu_memory_utilization` or decreasing `max_model_len` when initializing the "
     "engine.", C.KV_CACHE_INSUFFICIENT),
    ("ValueError: The model's max seq len (32768) is larger than the maximum number of tokens that can be stored in KV "
     "cache (13104). Try increasing `gpu_memory_utilization` or decreasing `max_model_len` when initializing the engine.",
     C.KV_CACHE_INSUFFICIENT),
    ("(EngineCore_0 pid=5839) INFO 08-20 18:04:22 [gpu_worker.py:276] Available KV cache memory: -2.14 GiB\n"
     "(EngineCore_0 pid=5839) ERROR 08-20 18:04:22 [core.py:700] EngineCore failed to start.", C.KV_CACHE_INSUFFICIENT),
    ("INFO 02-26 09:54:05 worker.py:267] model weights take 5.20GiB; non_torch_memory takes 0.03GiB; PyTorch activation "
     "peak memory takes 1.42GiB; the rest of the memory reserved for KV Cache is -1.05GiB.", C.KV_CACHE_INSUFFICIENT),
    ("INFO 02-26 09:54:05 executor_base.py:111] # cuda blocks: 0, # CPU blocks: 4681\n"
     "INFO 02-26 09:54:05 executor_base.py:116] Maximum concurrency for 4096 tokens per request: 0.00x",
     C.KV_CACHE_INSUFFICIENT),
    ("INFO 02-26 09:54:05 executor_base.py:116] Maximum concurrency for 4096 tokens per request: 0.47x",
     C.KV_CACHE_INSUFFICIENT),
    ("ValueError: Free memory on device (6.12/7.44 GiB) on startup is less than desired GPU memory utilization (0.9, "
     "6.70 GiB). Decrease GPU memory utilization or reduce GPU memory used by other processes.", C.GPU_OOM),
    ("AssertionError: Error in memory profiling. Initial free memory 10.2 GiB, current free memory 11.5 GiB. This happens "
     "when other processes sharing the same container release GPU memory while vLLM is profiling during initialization.",
     C.GPU_OOM),
    ("(APIServer pid=1) RuntimeError: Engine core initialization failed. See root cause above. Failed core proc(s): "
     "{'EngineCore_0': -9}", C.HOST_OOM_KILLED),
    ("ERROR 08-25 16:17:39 multiproc_worker_utils.py:120] Worker VllmWorkerProcess pid 1049 died, exit code: -9\n"
     "INFO 08-25 16:17:39 multiproc_worker_utils.py:123] Killing local vLLM worker processes", C.HOST_OOM_KILLED),
    ("ValueError: torch.bfloat16 is not supported for quantization method awq. Supported dtypes: [torch.float16]",
     C.UNSUPPORTED_MODEL),
    ("ValueError: Quantization method specified in the model config (gptq) does not match the quantization method "
     "specified in the `quantization` argument (awq).", C.UNSUPPORTED_MODEL),
    ("ValueError: Cannot find the config file for awq", C.UNSUPPORTED_MODEL),
    ("ValueError: User-specified max_model_len (131072) is greater than the derived max_model_len "
     "(max_position_embeddings=32768 or model_max_length=None in model's config.json). This may lead to incorrect model "
     "outputs or CUDA errors.", C.UNSUPPORTED_MODEL),
    ("ValueError: Total number of attention heads (32) must be divisible by tensor parallel size (3).",
     C.UNSUPPORTED_MODEL),
    ("INFO 09-01 10:00:00 [__init__.py:253] No platform detected, vLLM is running on UnspecifiedPlatform\n"
     "RuntimeError: Failed to infer device type", C.GPU_RUNTIME_MISSING),
    ("INFO 09-01 10:00:00 [__init__.py:253] No platform detected, vLLM is running on UnspecifiedPlatform\n"
     "Traceback (most recent call last):\nAttributeError: 'NoneType' object has no attribute 'device_type'",
     C.GPU_RUNTIME_MISSING),
    ("RuntimeError: Cannot find any model weights with `/models/Qwen2.5-7B-Instruct`", C.MODEL_UNAVAILABLE),
    ("ValueError: max_num_batched_tokens (2048) is smaller than max_model_len (8192). This effectively limits the "
     "maximum sequence length to max_num_batched_tokens and makes vLLM reject longer sequences. Please increase "
     "max_num_batched_tokens or decrease max_model_len.", C.UNKNOWN),
    ("NotImplementedError: No operator found for `memory_efficient_attention_forward` with inputs:\n"
     "     query       : shape=(1, 1024, 32, 128) (torch.bfloat16)\n"
     "`cutlassF` is not supported because:\n    requires device with capability > (8, 0) but your GPU has capability "
     "(7, 5) (too old)", C.UNSUPPORTED_GPU),
    # symptoms alone are unknown; with the root cause above them the cause decides
    ("(EngineCore_0 pid=284) ERROR 09-01 10:00:00 [core.py:700] EngineCore failed to start.", C.UNKNOWN),
    ("(VllmWorker rank=0 pid=301) ERROR 09-01 10:00:00 [multiproc_executor.py:546] WorkerProc failed to start.",
     C.UNKNOWN),
    ("ERROR 03-01 10:00:00 [engine.py:411] RuntimeError: Engine process failed to start. See stack trace for the root "
     "cause.", C.UNKNOWN),
    ("(VllmWorker rank=0 pid=301) torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 1.25 GiB. GPU 0 has a "
     "total capacity of 23.55 GiB of which 1.18 GiB is free.\n"
     "(EngineCore_0 pid=284) ERROR 09-01 10:00:00 [core.py:700] EngineCore failed to start.\n"
     "(EngineCore_0 pid=284) Exception: WorkerProc initialization failed due to an exception in a background process. "
     "See stack trace for root cause.\n"
     "(APIServer pid=1) RuntimeError: Engine core initialization failed. See root cause above. Failed core proc(s): {}",
     C.GPU_OOM),
]


@pytest.mark.parametrize(("log", "expected"), CASES, ids=lambda v: str(v)[:60])
def test_vllm_messages_classify_as_their_source_means(log: str, expected: FailureClass) -> None:
    d = classify_text(log, backend="vllm")
    assert d.failure_class is expected, d.signature
    assert d.signature and not d.signature.startswith(("marker", "no-evidence"))


V1_HEALTHY = """\
INFO 09-01 10:00:00 [__init__.py:241] Automatically detected platform cuda.
(APIServer pid=1) INFO 09-01 10:00:02 [api_server.py:1805] vLLM API server version 0.10.1.1
(EngineCore_0 pid=284) INFO 09-01 10:00:30 [gpu_model_runner.py:1953] Model loading took 2.87 GiB and 12.52 seconds
(EngineCore_0 pid=284) INFO 09-01 10:00:40 [gpu_worker.py:276] Available KV cache memory: 10.25 GiB
(EngineCore_0 pid=284) INFO 09-01 10:00:40 [kv_cache_utils.py:849] GPU KV cache size: 95,952 tokens
(EngineCore_0 pid=284) INFO 09-01 10:00:40 [kv_cache_utils.py:853] Maximum concurrency for 4,096 tokens per request: 23.43x
(EngineCore_0 pid=284) INFO 09-01 10:00:55 [core.py:214] init engine (profile, create kv cache, warmup model) took 25.03 seconds
(APIServer pid=1) INFO 09-01 10:00:56 [api_server.py:1880] Starting vLLM API server 0 on http://0.0.0.0:8000
(APIServer pid=1) INFO 09-01 10:00:56 [launcher.py:29] Available routes are:
(APIServer pid=1) INFO 09-01 10:00:56 [launcher.py:37] Route: /health, Methods: GET
"""

V0_HEALTHY = """\
INFO 02-26 09:54:05 worker.py:267] Memory profiling takes 3.25 seconds
INFO 02-26 09:54:05 worker.py:267] the current vLLM instance can use total_gpu_memory (23.64GiB) x gpu_memory_utilization (0.90) = 21.28GiB
INFO 02-26 09:54:05 worker.py:267] model weights take 14.99GiB; non_torch_memory takes 0.11GiB; PyTorch activation peak memory takes 1.42GiB; the rest of the memory reserved for KV Cache is 4.76GiB.
INFO 02-26 09:54:05 executor_base.py:111] # cuda blocks: 2436, # CPU blocks: 2048
INFO 02-26 09:54:05 executor_base.py:116] Maximum concurrency for 4096 tokens per request: 9.52x
INFO 02-26 09:54:20 llm_engine.py:431] init engine (profile, create kv cache, warmup model) took 20.92 seconds
INFO 02-26 09:54:21 api_server.py:756] Starting vLLM API server on http://0.0.0.0:8000
"""


@pytest.mark.parametrize("log", [V1_HEALTHY, V0_HEALTHY], ids=["v1", "v0"])
def test_a_healthy_start_is_none(log: str) -> None:
    assert classify_text(log, backend="vllm").failure_class is C.NONE


READY = ("init engine (profile", "Starting vLLM API server", "Available routes are")


@pytest.mark.parametrize("ready", READY)
def test_each_readiness_line_is_evidence_of_health(ready: str) -> None:
    """The startup INFO lines alone are no evidence of health; any one readiness line is."""
    lines = V1_HEALTHY.splitlines()
    progress = [line for line in lines if not any(r in line for r in READY)]
    assert classify_text("\n".join(progress), backend="vllm").failure_class is C.UNKNOWN
    with_ready = [*progress, next(line for line in lines if ready in line)]
    assert classify_text("\n".join(with_ready), backend="vllm").failure_class is C.NONE


def test_a_failure_after_readiness_is_still_the_failure() -> None:
    log = V1_HEALTHY + "ERROR 09-01 10:05:00 [core.py:700] RuntimeError: CUDA error: an illegal memory access was encountered\n"
    d = classify_text(log, backend="vllm", exit_state=ExitState(exit_code=1))
    assert d.failure_class is C.UNKNOWN and d.signature == "cuda_kernel_fault"
