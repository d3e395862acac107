"""Entries for messages several programs print (triton.yaml, (platform.yaml,
model.yaml, hub.yaml) or that a program's file gained for its own wording
(sglang.yaml, tensorrt-llm.yaml): fed the lines as their sources print them."""

from __future__ import annotations

import pytest

from jetllm.classify import FailureClass, classify_text

C = FailureClass

CASES = [
    # facebookresearch/xformers fmha autogen kernels (printf from the device), as a DGX Spark (sm_121) or Thor (sm_110) prints it
    ("FATAL: kernel `fmha_cutlassF_bf16_aligned_64x128_rf_sm80` is for sm80-sm100, but was built for sm110", None, False,
     C.UNSUPPORTED_GPU, "cutlass_kernel_built_for_other_sm"),
    ("FATAL: kernel `fmha_cutlassB_f16_aligned_64x64_k32_sm75` is for sm75-sm80, but was built for sm121", "vllm", False,
     C.UNSUPPORTED_GPU, "cutlass_kernel_built_for_other_sm"),
    # vllm modelopt.py / sglang modelopt_quant.py
    ("ValueError: Current platform does not support NVFP4 quantization. Please use Blackwell and above.", "sglang", True,
     C.UNSUPPORTED_GPU, "quant_platform_unsupported"),
    ("    raise ValueError(\"Current platform does not support MXFP4 quantization.\")", "vllm", False,
     C.UNSUPPORTED_GPU, "quant_platform_unsupported"),
    # L4T libnvrm_mem on JetPack 6
    ("NvMapMemAllocInternalTagged: 1075072515 error 12", None, True, C.GPU_OOM, "jetson_nvmap_enomem"),
    ("NvMapMemHandleAlloc: error 12", "pytorch", True, C.GPU_OOM, "jetson_nvmap_enomem"),
    # tensorrt_llm/models/modeling_utils.py PretrainedConfig.from_dict
    ("    model_cls = MODEL_MAP[config['architecture']]\nKeyError: 'Gemma3ForConditionalGeneration'", "tensorrt-llm", False,
     C.UNSUPPORTED_MODEL, "model_map_key_error"),
    # a config class without the field the backend reads
    ("AttributeError: 'Phi4MMConfig' object has no attribute 'num_key_value_heads'", "sglang", True,
     C.UNSUPPORTED_MODEL, "model_config_missing_attribute"),
    # hf-hub (Rust): ureq and reqwest clients
    ('Could not get file "config.json" from API: RequestError(Status(401, Response[status: 401, status_text: Unauthorized, '
     'url: https://huggingface.co/mistralai/Mistral-7B-Instruct-v0.3/resolve/main/config.json]))', None, False,
     C.MODEL_UNAVAILABLE, "hf_hub_rust_unauthorized"),
    ("Error: request error: HTTP status client error (403 Forbidden) for url (https://huggingface.co/google/gemma-2-9b-it/resolve/main/tokenizer.json)",
     None, False, C.MODEL_UNAVAILABLE, "hf_hub_rust_unauthorized"),
    # sgl-kernel/python/sgl_kernel/flash_attn.py
    ("ImportError: Can not import sgl_kernel. Please check your installation.", "sglang", True, C.LIBRARY_MISMATCH, "sgl_kernel_import_failed"),
    # TensorRT-LLM internal cutlass MoE kernels (TLLM_CHECK_WITH_INFO)
    ("  what():  [TensorRT-LLM][ERROR] Assertion failed: MOE GEMM2 Config is not set (/src/cpp/tensorrt_llm/kernels/internal_cutlass_kernels/src/moe_gemm/moe_kernels.cu:2711)",
     "tensorrt-llm", True, C.UNSUPPORTED_GPU, "trtllm_moe_gemm_no_config"),
]


@pytest.mark.parametrize(("text", "backend", "jetson", "expected", "signature"), CASES, ids=[f"{c[4]}-{i}" for i, c in enumerate(CASES)])
def test_messages_as_their_sources_print_them(text: str, backend: str | None, jetson: bool, expected: FailureClass, signature: str) -> None:
    d = classify_text(text + "\n", backend=backend, jetson=jetson)
    assert (d.failure_class, d.signature) == (expected, signature)


@pytest.mark.parametrize("line", [
    # healthy lines that share words with the entries above
    "INFO 06-01 10:00:00 [cuda.py:240] Using XFormers backend.",
    "[2025-06-01 10:00:10 TP0] Load weight end. type=Qwen2ForCausalLM, dtype=torch.bfloat16, avail mem=50.1 GB",
    "[TensorRT-LLM][WARNING] Have not found any valid GEMM config for shape (m=8, n=768, k=2048). Will try to use default or fail at runtime",
    '2024-07-24T18:26:25.496879Z  INFO mistralrs_core::pipeline::normal: Loading `tokenizer.json` at `meta-llama/Llama-3.2-1B-Instruct`',
    "INFO 06-01 10:00:00 [config.py:520] This model supports multiple tasks: {'generate'}. Defaulting to 'generate'.",
])
def test_healthy_lines_match_no_signature(line: str) -> None:
    assert classify_text(line + "\n").signature == "no-evidence"


def test_a_cuda_out_of_memory_after_nvmap_decides() -> None:
    # NvMap's ENOMEM is survivable (TensorRT retries other tactics): a CUDA OOM after it is the stronger reading
    d = classify_text("NvMapMemAllocInternalTagged: 1075072515 error 12\n"
                      "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 7.44 GiB\n",
                      backend="pytorch", jetson=True)
    assert d.failure_class is C.GPU_OOM and d.signature != "jetson_nvmap_enomem"


@pytest.mark.parametrize(("text", "backend", "expected", "signature"), [
    # ollama discover/gpu_info_nvcuda.c, gpu_info_cudart.c @ v0.12.0 with CUDA's codes 35 and 100
    ('time=2025-03-01T10:00:00.000Z level=INFO source=gpu.go:612 msg="Unable to load cudart library /usr/lib/ollama/cuda_v12/libcudart.so.12.8.90: '
     'cudart init failure: 35"', "ollama", C.DRIVER_TOO_OLD, "ollama_driver_too_old"),
    ('time=2025-03-01T10:00:00.000Z level=INFO source=gpu.go:602 msg="unable to load cuda driver library" library=/usr/lib/libcuda.so.1 '
     'error="cuda driver library init failure: 100"', "ollama", C.GPU_RUNTIME_MISSING, "ollama_cuda_no_device"),
    # sgl-kernel flash_attn.py
    ("NotImplementedError: flash_attn at sgl-kernel is only supported on sm90 and above", "sglang", C.UNSUPPORTED_GPU, "sglang_fa3_needs_sm90"),
    # hf-hub (Rust), a file the repository does not have
    ('Error: RequestError(Status(404, Response[status: 404, status_text: Not Found, url: https://huggingface.co/Qwen/Qwen2.5-0.5B/resolve/main/tokenizer.model]))',
     None, C.MODEL_UNAVAILABLE, "hf_hub_rust_not_found"),
])
def test_more_wordings_of_the_same_programs(text: str, backend: str | None, expected: FailureClass, signature: str) -> None:
    d = classify_text(text + "\n", backend=backend)
    assert (d.failure_class, d.signature) == (expected, signature)


def test_other_init_failure_codes_are_not_read_as_a_driver_or_device_cause() -> None:
    # 350 starts with 35 and 1000 with 100: the codes are read whole
    for code in ("350", "1000", "999"):
        d = classify_text(f'time=2025-03-01T10:00:00.000Z level=INFO msg="unable to load cuda driver library" error="cuda driver library init failure: {code}"\n',
                          backend="ollama")
        assert d.signature not in ("ollama_driver_too_old", "ollama_cuda_no_device")


@pytest.mark.parametrize(("text", "backend", "jetson", "expected", "signature"), [
    # ggml-cuda common.cuh no_device_code (llama.cpp, and Ollama's vendored ggml)
    ("/app/ggml/src/ggml-cuda/mmq.cuh:3111: ERROR: CUDA kernel mul_mat_q has no device code compatible with CUDA arch 610. "
     "ggml-cuda.cu was compiled for: 700,750,800", "llama.cpp", False, C.UNSUPPORTED_GPU, "ggml_no_device_code_for_arch"),
    ("//ml/backend/ggml/ggml/src/ggml-cuda/fattn-mma-f16.cuh:1390: ERROR: CUDA kernel flash_attn_ext_f16 has no device code compatible "
     "with CUDA arch 720. ggml-cuda.cu was compiled for: 500,600,610,700,750,800,860,870", "ollama", True, C.UNSUPPORTED_GPU, "ggml_no_device_code_for_arch"),
    ("ggml-cuda/mmvq.cu:512: ERROR: HIP kernel mul_mat_vec_q has no device code compatible with HIP arch 1030.", None, False,
     C.UNSUPPORTED_GPU, "ggml_no_device_code_for_arch"),
    ("ERROR: ggml-cuda was compiled without support for the current GPU architecture.", "llama.cpp", False,
     C.UNSUPPORTED_GPU, "ggml_no_device_code_for_arch"),
    # tiny-cuda-nn bindings/torch/tinycudann/modules.py
    ("OSError: Could not find compatible tinycudann extension for compute capability 72.", "pytorch", True,
     C.UNSUPPORTED_GPU, "torch_extension_no_build_for_cc"),
    # TVM's runtime memory manager under MLC LLM
    ("InternalError: Check failed: (offset + needed_size <= this->buffer.size) is false: storage allocation failure, "
     "attempted to allocate 2565120 at offset 0 in region that is 516096bytes", "mlc-llm", False, C.UNSUPPORTED_MODEL, "tvm_storage_region_overrun"),
    # Go's net.Listen error as `ollama serve` returns it, in English and localised by Windows
    ("Error: listen tcp 127.0.0.1:11434: bind: Only one usage of each socket address (protocol/network address/port) is normally permitted.",
     "ollama", False, C.PORT_IN_USE, "go_listen_bind_failed"),
    ("Error: listen tcp 0.0.0.0:11434: bind: Normalerweise darf jede Socketadresse (Protokoll, Netzwerkadresse oder Anschluss) nur jeweils einmal verwendet werden.",
     "ollama", False, C.PORT_IN_USE, "go_listen_bind_failed"),
    ("listen tcp :8080: bind: Only one usage of each socket address (protocol/network address/port) is normally permitted.",
     None, False, C.PORT_IN_USE, "go_listen_bind_failed"),
    ("Error: listen tcp 127.0.0.1:11434: bind: address already in use", "ollama", False, C.PORT_IN_USE, "port_in_use"),
    # bash's "Killed" right after a tqdm bar that had no newline
    ("Loading checkpoint shards:  33%|███▎      | 1/3 [00:12<00:24, 12.1s/it]Killed", "pytorch", False, C.HOST_OOM_KILLED, "shell_killed"),
])
def test_wordings_that_carry_over_to_new_logs(text: str, backend: str | None, jetson: bool, expected: FailureClass, signature: str) -> None:
    d = classify_text(text + "\n", backend=backend, jetson=jetson)
    assert (d.failure_class, d.signature) == (expected, signature)


@pytest.mark.parametrize("line", [
    # bind failures that are not a held port
    "Error: listen tcp 0.0.0.0:80: bind: permission denied",
    "Error: listen tcp 192.168.7.2:11434: bind: cannot assign requested address",
])
def test_other_bind_failures_are_not_read_as_a_held_port(line: str) -> None:
    assert classify_text(line + "\n", backend="ollama").failure_class is not C.PORT_IN_USE


@pytest.mark.parametrize("line", [
    # healthy lines sharing the new entries' words
    'time=2025-06-01T10:00:00.000Z level=INFO source=routes.go:1297 msg="Listening on 127.0.0.1:11434 (version 0.12.3)"',
    "UserWarning: tinycudann was built for lower compute capability (86) than the system's (87). Performance may be suboptimal.",
    "Loading checkpoint shards: 100%|██████████| 3/3 [00:09<00:00,  3.02s/it]",
    "[TensorRT-LLM][INFO] Engine version 0.21.0 found in the config file, assuming engine(s) built by new builder API.",
])
def test_healthy_lines_near_the_new_entries_are_not_failures(line: str) -> None:
    d = classify_text(line + "\n")
    assert d.signature == "no-evidence" or d.failure_class is C.NONE  # Ollama's "Listening on" is a readiness line
