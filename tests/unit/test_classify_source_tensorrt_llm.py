"""tensorrt-llm.yaml: TensorRT-LLM's C++ asserts, its Python executor and
model lookup, TensorRT engine deserialisation and Triton's readiness line,
as those print them."""

from __future__ import annotations

import pytest

from jetllm.classify import FailureClass, classify_text

C = FailureClass

START = """\
[TensorRT-LLM] TensorRT-LLM version: 0.21.0
[06/21/2025-01:30:00] [TRT-LLM] [I] Compute capability: (12, 0)
[TensorRT-LLM][INFO] Loaded engine size: 15448 MiB
"""

CASES = [
    # cpp/tensorrt_llm/common/attentionOp.cpp (TLLM_CHECK_WITH_INFO via assert.h)
    ("terminate called after throwing an instance of 'tensorrt_llm::common::TllmException'\n"
     "  what():  [TensorRT-LLM][ERROR] Assertion failed: FP8 FMHA cannot be enabled except on Ada or Hopper or Blackwell Arch. "
     "(/code/tensorrt_llm/cpp/tensorrt_llm/common/attentionOp.cpp:2357)", C.UNSUPPORTED_GPU, "trtllm_fp8_fmha_arch"),
    ("[TensorRT-LLM][ERROR] Assertion failed: Unsupported SM version 75 (/src/tensorrt_llm/cpp/tensorrt_llm/kernels/cutlass_kernels/fp8_gemm.cu:88)",
     C.UNSUPPORTED_GPU, "trtllm_unsupported_sm"),
    ("RuntimeError: Unsupported SM version for FP8 block scaling GEMM", C.UNSUPPORTED_GPU, "trtllm_unsupported_sm"),  # thop/fp8BlockScalingGemm.cpp
    # tensorrt_llm/models/automodel.py; tensorrt_llm/_torch/models/modeling_auto.py
    ("NotImplementedError: The given huggingface model architecture DeepseekV3ForCausalLM is not supported in TRT-LLM yet",
     C.UNSUPPORTED_MODEL, "trtllm_hf_arch_not_supported"),
    ("ValueError: Unknown architecture for AutoModelForCausalLM: GraniteForCausalLM", C.UNSUPPORTED_MODEL, "trtllm_hf_arch_not_supported"),
    # tensorrt_llm/_torch/pyexecutor/py_executor_creator.py: the component that did not fit decides
    ("[07/08/2025-19:47:15] [TRT-LLM] [RANK 1] [E] Failed to initialize executor on rank 1: Executor creation failed due to insufficient GPU memory.\n\n"
     "The following component could not be created: KV cache\nTotal GPU memory (GiB): 140.06\n", C.KV_CACHE_INSUFFICIENT, "trtllm_kv_cache_not_created"),
    ("[07/08/2025-19:47:15] [TRT-LLM] [RANK 0] [E] Failed to initialize executor on rank 0: Executor creation failed due to insufficient GPU memory.\n\n"
     "The following component could not be created: Model\n", C.GPU_OOM, "trtllm_executor_insufficient_memory"),
    # batch manager (v0.6-v0.8)
    ("[TensorRT-LLM][ERROR] maxTokensInPagedKvCache must be large enough to process at least 1 sequence to completion "
     "(i.e. must be larger than beam_width * tokensPerBlock * maxBlocksPerSeq)", C.KV_CACHE_INSUFFICIENT, "trtllm_kv_cache_not_created"),
    # TensorRT runtime deserialisation
    ("[TensorRT-LLM][ERROR] 1: [stdArchiveReader.cpp::StdArchiveReaderInitCommon::46] Error Code 1: Serialization "
     "(Serialization assertion stdVersionRead == kSERIALIZATION_VERSION failed.Version tag does not match. Note: Current Version: 238, Serialized Engine Version: 236)",
     C.LIBRARY_MISMATCH, "trtllm_engine_deserialize"),
    ("[TensorRT-LLM][ERROR] 3: getPluginCreator could not find plugin: GPTAttention version: 1", C.LIBRARY_MISMATCH, "trtllm_engine_deserialize"),
    # assert.h: a check no other entry names
    ("[TensorRT-LLM][ERROR] Assertion failed: mNextBlocks.empty() (/src/cpp/tensorrt_llm/batch_manager/kvCacheManager.cpp:160)", C.UNKNOWN, "trtllm_assert"),
]


@pytest.mark.parametrize(("text", "expected", "signature"), CASES, ids=[f"{c[2]}-{i}" for i, c in enumerate(CASES)])
def test_tensorrt_llm_messages_as_they_are_printed(text: str, expected: FailureClass, signature: str) -> None:
    d = classify_text(START + text + "\n", backend="tensorrt-llm")
    assert (d.failure_class, d.signature) == (expected, signature)


@pytest.mark.parametrize("ready", [
    "I0410 16:58:08.52 1 http_server.cc:4713] Started HTTPService at 0.0.0.0:8000",
    "INFO:     Application startup complete.",
])
def test_readiness_lines_read_as_none(ready: str) -> None:
    assert classify_text(START + ready + "\n", backend="tensorrt-llm").failure_class is C.NONE


def test_ordinary_info_and_warning_lines_match_no_signature() -> None:
    log = START + ("[TensorRT-LLM][INFO] Max KV cache blocks per sequence: 65 [window size=2051], tokens per block=32, primary blocks=116617\n"
                   "[TensorRT-LLM][INFO] [MemUsageChange] Allocated 78.30 GiB for max tokens in paged KV cache (3731744).\n"
                   "[TensorRT-LLM][WARNING] Attention workspace size is not enough, increase the size from 0 bytes to 67462144 bytes\n")
    assert classify_text(log, backend="tensorrt-llm").signature == "no-evidence"


@pytest.mark.parametrize(("text", "signature"), [
    # libnvinfer's version check, as TensorRT-LLM's logger forwards it (library.yaml)
    ("[TensorRT-LLM][ERROR] 6: The engine plan file is not compatible with this version of TensorRT, expecting library version 10.3.0.26 "
     "got 10.4.0.26, please rebuild.", "tensorrt_engine_mismatch"),
    # cpp/tensorrt_llm/runtime/tllmRuntime.cpp
    ("[TensorRT-LLM][ERROR] Assertion failed: Failed to deserialize cuda engine (/src/tensorrt_llm/cpp/tensorrt_llm/runtime/tllmRuntime.cpp:168)",
     "trtllm_engine_deserialize_failed"),
    # both: the version line names the cause
    ("[TensorRT-LLM][ERROR] 6: The engine plan file is not compatible with this version of TensorRT, expecting library version 9.2.0.5 "
     "got 9.3.0.1, please rebuild.\n[TensorRT-LLM][ERROR] Assertion failed: Failed to deserialize cuda engine (tllmRuntime.cpp:72)",
     "tensorrt_engine_mismatch"),
])
def test_an_engine_of_another_tensorrt_version(text: str, signature: str) -> None:
    d = classify_text(START + text + "\n", backend="tensorrt-llm")
    assert (d.failure_class, d.signature) == (C.LIBRARY_MISMATCH, signature)
