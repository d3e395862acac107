"""Messages of the LLM servers users try beside jetllm's five backends (text-generation-inference,
Triton, NIM, lmdeploy, mistral.rs, LocalAI, llama-cpp-python, exllamav2 / tabbyAPI), each fed as
its source prints it (format strings with realistic values filled in); their ordinary INFO /
WARNING lines and readiness lines must not read as failures. A corpus case of these programs has
backend `other`."""

from __future__ import annotations

import pytest

from jetllm.classify import FailureClass, classify_text

C = FailureClass

CASES = [
    # huggingface/text-generation-inference server/.../flash_causal_lm.py (warmup), as the shard raises it
    ("RuntimeError: Not enough memory to handle 4096 prefill tokens. You need to decrease `--max-batch-prefill-tokens`",
     C.GPU_OOM, "tgi_prefill_tokens_oom"),
    # ... and as the router wraps it (backends/v3/src/lib.rs V3Error::Warmup, Debug form)
    ('Error: Warmup(Generation("Not enough memory to handle 16000 prefill tokens. You need to decrease '
     '`--max-batch-prefill-tokens`"))', C.GPU_OOM, "tgi_prefill_tokens_oom"),
    # backends/v3/src/lib.rs V3Error::NotEnoughMemory: Display and Debug
    ("2024-06-01T10:00:05.000000Z ERROR text_generation_router: router/src/main.rs:400: Not enough memory to handle "
     "`max_total_tokens=8192`", C.KV_CACHE_INSUFFICIENT, "tgi_max_total_tokens_no_room"),
    ("Error: NotEnoughMemory(8192)", C.KV_CACHE_INSUFFICIENT, "tgi_max_total_tokens_no_room"),
    # server/.../models/__init__.py get_model; models/custom_modeling/vlm.py
    ("ValueError: Unsupported model type gemma3n", C.UNSUPPORTED_MODEL, "tgi_unsupported_model_type"),
    ("RuntimeError: Unsupported model type qwen2_5_vl", C.UNSUPPORTED_MODEL, "tgi_unsupported_model_type"),
    # layers/attention/cuda.py (and utils/flash_attn.py before v2.1)
    ("ImportError: GPU with CUDA capability 7 0 is not supported", C.UNSUPPORTED_GPU,
     "tgi_flash_attention_gpu_unsupported"),
    ("ImportError: GPU with CUDA capability 7 5 is not supported for Flash Attention V2", C.UNSUPPORTED_GPU,
     "tgi_flash_attention_gpu_unsupported"),
    ("ImportError: Flash Attention V2 is not installed.\nUse the official Docker image "
     "(ghcr.io/huggingface/text-generation-inference:latest) or install flash attention v2 with "
     "`cd server && make install install-flash-attention-v2-cuda`", C.LIBRARY_MISMATCH,
     "tgi_flash_attention_not_installed"),
    # models/__init__.py FLASH_ATT_ERROR_MESSAGE
    ("NotImplementedError: Sharded Llama requires Flash Attention enabled models.", C.UNSUPPORTED_GPU,
     "tgi_requires_flash_attention"),
    # utils/flash_attn.py ImportError("CUDA is not available"), logged by models/__init__.py as a warning
    ("2024-06-01T10:00:03.000000Z  WARN text_generation_launcher: Could not import Flash Attention enabled models: "
     "CUDA is not available", C.GPU_RUNTIME_MISSING, "tgi_cuda_not_available"),
    # launcher/src/main.rs: symptoms alone are unknown
    ("2024-06-01T10:00:09.000000Z ERROR text_generation_launcher: Shard 0 failed to start", C.UNKNOWN,
     "tgi_shard_failed"),
    ("Error: ShardCannotStart", C.UNKNOWN, "tgi_shard_failed"),
    # server/text_generation_server/interceptor.py
    ("2024-06-01T10:00:15.000000Z ERROR text_generation_launcher: Method Warmup encountered an error.", C.UNKNOWN,
     "tgi_shard_failed"),
    # ... and the shard's traceback above them names the cause
    ("2024-06-01T10:00:08.000000Z ERROR text_generation_launcher: Error when initializing model\n"
     "Traceback (most recent call last):\n"
     "ValueError: Unsupported model type gemma3n\n"
     "2024-06-01T10:00:09.000000Z ERROR text_generation_launcher: Shard 0 failed to start\n"
     "Error: ShardCannotStart", C.UNSUPPORTED_MODEL, "tgi_unsupported_model_type"),
    # triton-inference-server/core src/backend_model.cc
    ("E0601 10:00:00.000000 1 model_lifecycle.cc:654] \"failed to load 'ensemble' version 1: Invalid argument: unable "
     "to find backend library for backend 'tensorrtllm', try specifying runtime on the model configuration.\"",
     C.LIBRARY_MISMATCH, "triton_backend_library_missing"),
    # core model_lifecycle.cc with the Python backend stub's exception
    ("E0601 10:00:00.000000 1 model_lifecycle.cc:654] \"failed to load 'vllm_model' version 1: Internal: "
     "ModuleNotFoundError: No module named 'vllm'\"", C.LIBRARY_MISMATCH, "triton_python_backend_module_missing"),
    # core model_repository_manager.cc; server src/main.cc: symptoms
    ("error: creating server: Internal - failed to load all models", C.UNKNOWN, "triton_model_load_failed"),
    ("E0601 10:00:00.000000 1 model_lifecycle.cc:654] \"failed to load 'llama' version 1: Internal: unable to create "
     "stream: operation not supported\"", C.UNKNOWN, "triton_model_load_failed"),
    # ... where the text after "unable to create stream" is a CUDA cause, the CUDA entries decide
    ("E0601 10:00:00.000000 1 model_lifecycle.cc:654] \"failed to load 'llama' version 1: Internal: unable to create "
     "stream: CUDA driver version is insufficient for CUDA runtime version\"", C.DRIVER_TOO_OLD,
     "cuda_insufficient_driver"),
    # NIM for LLMs 1.x (closed source; as its log prints it) and 2.x
    ("ERROR 06-23 15:41:21.19 utils.py:21] Could not find a profile that is currently runnable with the detected "
     "hardware. Please check the system information below and make sure you have enough free GPUs.",
     C.UNSUPPORTED_GPU, "nim_no_runnable_profile"),
    ("ERROR 2026-08-31 10:00:00 profile.py:88] Could not match a profile in manifest", C.UNSUPPORTED_GPU,
     "nim_no_runnable_profile"),
    # InternLM/lmdeploy lmdeploy/pytorch/models/patch.py; check_env/base.py
    ("RuntimeError: Can not found rewrite for architectures: ['Gemma3nForConditionalGeneration']", C.UNSUPPORTED_MODEL,
     "lmdeploy_architecture_unsupported"),
    ("2025-01-01 10:00:00,000 - lmdeploy - ERROR - base.py:55 - <Model> check failed!\nPlease check your environment.",
     C.UNKNOWN, "lmdeploy_check_env_failed"),
    # TurboMind's check_cuda_error (<= v0.6) and ReportCudaError (v0.7+): read by the CUDA entries
    ("RuntimeError: [TM][ERROR] CUDA runtime error: out of memory /lmdeploy/src/turbomind/utils/allocator.h:231 ",
     C.GPU_OOM, "cuda_error_out_of_memory"),
    ("[TM][FATAL] cuda_utils.cc(28): CUDA error: no kernel image is available for execution on the device",
     C.UNSUPPORTED_GPU, "cuda_no_kernel_image"),
    # EricLBuehler/mistral.rs via candle cuda_backend/device.rs ("{cuda:?} when loading {module_name}")
    ('Error: DriverError(CUDA_ERROR_NOT_FOUND, "named symbol not found") when loading dequantize_block_q4_0_f16',
     C.UNSUPPORTED_GPU, "mistralrs_kernel_not_found_when_loading"),
    # mistral.rs pipeline/loaders/normal_loaders.rs
    ("Error: Unsupported Hugging Face Transformers -CausalLM model class `Gemma4ForConditionalGeneration`. "
     "Please raise an issue.", C.UNSUPPORTED_MODEL, "mistralrs_architecture_unsupported"),
    # cudarc's Debug of a named driver error: the CUDA entries decide
    ('Error: DriverError(CUDA_ERROR_OUT_OF_MEMORY, "out of memory")', C.GPU_OOM, "cuda_error_out_of_memory"),
    # mudler/LocalAI pkg/model/initializers.go; core/cli/worker/worker_llamacpp.go
    ("10:00AM ERR Server error error=\"backend not found: llama-cpp\" ip=127.0.0.1 latency=2ms method=POST "
     "status=500 url=/v1/chat/completions", C.LIBRARY_MISMATCH, "localai_backend_not_found"),
    ("10:00AM ERR llama-cpp backend not found, failed to install it error=\"no backend found with name llama-cpp\"",
     C.LIBRARY_MISMATCH, "localai_backend_not_found"),
    ("could not load model - all backends returned error: 1 error occurred:", C.LIBRARY_MISMATCH,
     "localai_backend_not_found"),
    # pkg/model/loader.go and initializers.go: symptoms of the backend's failure
    ("10:00AM ERR Server error error=\"failed to load model with internal loader: could not load model: rpc error: "
     "code = Unavailable desc = error reading from server: EOF\"", C.UNKNOWN, "localai_backend_process_failed"),
    ("grpc service not ready: backend process exited with code 1", C.UNKNOWN, "localai_backend_process_failed"),
    # ... and the backend's own line above names the cause
    ("10:00AM DBG GRPC(qwen-127.0.0.1:37915): stderr llama_model_load: error loading model: error loading model "
     "architecture: unknown model architecture: 'qwen3next'\n"
     "10:00AM ERR Server error error=\"failed to load model with internal loader: could not load model: rpc error: "
     "code = Unknown desc = failed to load model\"", C.UNSUPPORTED_MODEL, "llama_cpp_unknown_arch"),
    # abetlen/llama-cpp-python llama_cpp/_ctypes_extensions.py
    ("FileNotFoundError: Shared library with base name 'llama' not found", C.LIBRARY_MISMATCH,
     "llama_cpp_python_lib_not_found"),
    ("RuntimeError: Failed to load shared library '/usr/local/lib/python3.10/dist-packages/llama_cpp/lib/libllama.so': "
     "libggml-cuda.so: cannot open shared object file: No such file or directory", C.LIBRARY_MISMATCH,
     "llama_cpp_python_lib_load_failed"),
    # ... where the dlopen error names a CUDA library, the loader entry decides
    ("RuntimeError: Failed to load shared library '/usr/local/lib/python3.10/dist-packages/llama_cpp/lib/libllama.so': "
     "libcudart.so.12: cannot open shared object file: No such file or directory", C.LIBRARY_MISMATCH,
     "cuda_userspace_lib_missing"),
    # llama_cpp/llama.py, _internals.py
    ("ValueError: Model path does not exist: /models/llama-2-7b-chat.Q4_K_M.gguf", C.MODEL_UNAVAILABLE,
     "llama_cpp_python_model_path_missing"),
    ("ValueError: Failed to load model from file: /models/gemma-3n-E4B-it-Q4_K_M.gguf", C.UNSUPPORTED_MODEL,
     "llama_cpp_python_model_load_failed"),
    ("ValueError: Failed to create llama_context", C.GPU_OOM, "llama_cpp_python_context_failed"),
    # ... with llama.cpp's own reason above, it decides
    ("llama_model_load: error loading model: error loading model architecture: unknown model architecture: 'gemma3n'\n"
     "llama_load_model_from_file: failed to load model\n"
     "ValueError: Failed to load model from file: /models/gemma-3n-E4B-it-Q4_K_M.gguf", C.UNSUPPORTED_MODEL,
     "llama_cpp_unknown_arch"),
    # theroyallab/tabbyAPI backends/exllamav3/model.py, main.py, common/model.py
    ("RuntimeError: Unable to run ExllamaV3 because an unsupported GPU is found in this configuration. \n"
     "All GPUs must be ampere (30 series) or newer. AMD GPUs are not supported.", C.UNSUPPORTED_GPU,
     "tabbyapi_exllamav3_gpu_unsupported"),
    ("ERROR: Inference dependencies for TabbyAPI are not installed.\nPlease update your environment by running an "
     "update script (update_scripts/update_deps.sh)", C.LIBRARY_MISMATCH, "tabbyapi_dependencies_missing"),
    ("ValueError: The exllamav3 backend is selected, but required dependencies are not installed.",
     C.LIBRARY_MISMATCH, "tabbyapi_dependencies_missing"),
    # turboderp/exllamav2 exllamav2/config.py
    ("ValueError:  ## No .safetensors files found in /models/Llama-3-8B-exl2", C.MODEL_UNAVAILABLE,
     "exllamav2_no_safetensors"),
    ("ValueError:  ## Could not find model.layers.0.mlp.gate_proj.* in model", C.UNSUPPORTED_MODEL,
     "exllamav2_tensor_missing"),
    # mlc-ai/mlc-llm python/mlc_llm/chat_module.py, cpp/llm_chat.cc
    ("ValueError: Cannot find the model library that corresponds to `Llama-2-7b-chat-hf-q4f16_1`.\n"
     "`Llama-2-7b-chat-hf-q4f16_1` is either provided in the `chat_config` you passed in, or specified in "
     "dist/Llama-2-7b-chat-hf-q4f16_1/mlc-chat-config.json.", C.MODEL_UNAVAILABLE, "mlc_model_library_not_found"),
]


@pytest.mark.parametrize(("text", "expected", "signature"), CASES, ids=[f"{c[2]}-{i}" for i, c in enumerate(CASES)])
def test_other_server_messages_classify_as_their_source_means(
        text: str, expected: FailureClass, signature: str) -> None:
    d = classify_text(text + "\n", backend="other")
    assert (d.failure_class, d.signature) == (expected, signature)


# Ordinary start-up lines of each server, ending in its readiness line: health.
HEALTHY = [
    # text-generation-inference launcher and router (launcher/src/main.rs, router/src/server.rs)
    "2024-06-01T10:00:00.000000Z  INFO text_generation_launcher: Args { model_id: \"Qwen/Qwen2.5-0.5B-Instruct\", "
    "sharded: None, num_shard: None, quantize: None, max_batch_prefill_tokens: Some(4096) }\n"
    "2024-06-01T10:00:00.100000Z  INFO download: text_generation_launcher: Starting check and download process for "
    "Qwen/Qwen2.5-0.5B-Instruct\n"
    "2024-06-01T10:00:04.000000Z  INFO download: text_generation_launcher: Successfully downloaded weights for "
    "Qwen/Qwen2.5-0.5B-Instruct\n"
    "2024-06-01T10:00:04.100000Z  INFO shard-manager: text_generation_launcher: Starting shard rank=0\n"
    "2024-06-01T10:00:06.000000Z  WARN text_generation_launcher: Could not import Flash Attention enabled models: "
    "`USE_FLASH_ATTENTION` is false.\n"
    "2024-06-01T10:00:14.100000Z  INFO shard-manager: text_generation_launcher: Waiting for shard to be ready... rank=0\n"
    "2024-06-01T10:00:15.000000Z  INFO shard-manager: text_generation_launcher: Shard ready in 10.9s rank=0\n"
    "2024-06-01T10:00:15.100000Z  INFO text_generation_launcher: Starting Webserver\n"
    "2024-06-01T10:00:15.200000Z  INFO text_generation_router_v3: backends/v3/src/lib.rs:125: Warming up model\n"
    "2024-06-01T10:00:16.000000Z  INFO text_generation_router_v3: backends/v3/src/lib.rs:137: Setting max batch total "
    "tokens to 244432\n"
    "2024-06-01T10:00:16.100000Z  INFO text_generation_router::server: router/src/server.rs:2302: Connected\n",
    # Triton (core model_lifecycle.cc, server grpc_server.cc / http_server.cc / main.cc)
    "I0601 10:00:00.000000 1 pinned_memory_manager.cc:277] \"Pinned memory pool is created at '0x7f1c00000000' with "
    "size 268435456\"\n"
    "I0601 10:00:01.000000 1 model_lifecycle.cc:472] \"loading: llama:1\"\n"
    "I0601 10:00:20.000000 1 model_lifecycle.cc:839] \"successfully loaded 'llama'\"\n"
    "I0601 10:00:20.100000 1 grpc_server.cc:2463] \"Started GRPCInferenceService at 0.0.0.0:8001\"\n"
    "I0601 10:00:20.200000 1 http_server.cc:4692] \"Started HTTPService at 0.0.0.0:8000\"\n"
    "I0601 10:00:20.300000 1 http_server.cc:362] \"Started Metrics Service at 0.0.0.0:8002\"\n",
    # LocalAI (core/cli/run.go @ v3.8+), after its backend loaded the model
    "10:00AM INF Starting LocalAI threads=8 modelsPath=/models\n"
    "10:00AM INF LocalAI version version=v3.9.0\n"
    "10:00AM INF LocalAI is started and running address=:8080\n",
    # lmdeploy serve api_server (archs.py warning, api_server.py banner with its ANSI colours)
    "2025-01-01 10:00:00,000 - lmdeploy - WARNING - archs.py:53 - Fallback to pytorch engine because "
    "'/models/Qwen3-0.6B' not supported by turbomind engine.\n"
    "2025-01-01 10:00:10,000 - lmdeploy - INFO - builder.py:63 - matching vision model: Qwen2VLModel\n"
    "HINT:    Please open \033[93m\033[1mhttp://0.0.0.0:23333\033[0m in a browser for detailed api usage!!!\n"
    "INFO:     Uvicorn running on http://0.0.0.0:23333 (Press CTRL+C to quit)\n",
    # exllamav2 attn.py's warning, then tabbyAPI's uvicorn
    " ## Warning: Flash Attention is installed but unsupported GPUs were detected.\n"
    "INFO:     Loading model: /models/Llama-3-8B-exl2\n"
    "INFO:     Model successfully loaded.\n"
    "INFO:     Uvicorn running on http://0.0.0.0:5000 (Press CTRL+C to quit)\n",
    # NIM 1.x profile selection, then its uvicorn
    "INFO 06-23 15:41:21.19 ngc_profile.py:224] Detected 2 compatible profile(s).\n"
    "INFO 06-23 15:41:21.19 ngc_injector.py:152] Selected profile: 8835c31752fbc67ef658b20a9f78e056914fdef0660206d82f252d62fd96064d (vllm-bf16-tp1)\n"
    "INFO 06-23 15:42:00.00 server.py:82] Started server process [1]\n"
    "INFO 06-23 15:42:00.00 server.py:217] Uvicorn running on http://0.0.0.0:8000 (Press CTRL+C to quit)\n",
]


@pytest.mark.parametrize("log", HEALTHY, ids=["tgi", "triton", "localai", "lmdeploy", "tabbyapi", "nim"])
def test_ordinary_start_up_of_these_servers_reads_as_health(log: str) -> None:
    assert classify_text(log, backend="other").failure_class is C.NONE


@pytest.mark.parametrize("line", [
    "2024-06-01T10:00:16.100000Z  INFO text_generation_router::server: router/src/server.rs:2302: Connected",
    "I0601 10:00:20.100000 1 grpc_server.cc:2463] \"Started GRPCInferenceService at 0.0.0.0:8001\"",
    "HINT:    Please open http://0.0.0.0:23333 in a browser for detailed api usage!!!",
    "10:00AM INF LocalAI API is listening! Please connect to the endpoint for API documentation. endpoint=http://0.0.0.0:8080",
])
def test_readiness_lines_alone_read_as_ready(line: str) -> None:
    assert classify_text(line + "\n", backend="other").failure_class is C.NONE
