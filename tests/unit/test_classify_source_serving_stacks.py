"""Messages of the Python serving stacks and the libraries under them (vLLM, SGLang,
TensorRT-LLM / trtllm-serve, PyTorch and torchvision, Transformers, huggingface_hub), each
fed as its source prints it (format strings with realistic values filled in); ordinary
INFO/WARNING and readiness lines of the same programs must not read as failures."""

from __future__ import annotations

import pytest

from jetllm.classify import FailureClass, classify_text

C = FailureClass

CASES = [
    # vllm-project/vllm vllm/platforms/interface.py @ v0.10 (logger.warning "Failed to import from vllm._C with %r")
    ("WARNING 09-01 10:00:00 [interface.py:197] Failed to import from vllm._C with ModuleNotFoundError(\"No module named 'vllm._C'\")",
     "vllm", C.LIBRARY_MISMATCH, "vllm_custom_ops_not_loaded"),
    # vllm/_custom_ops.py @ v0.6 ("Error in calling custom op %s: %s\nPossibly you have built or installed an obsolete version of vllm.")
    ("ERROR 08-31 15:52:59 _custom_ops.py:37] Possibly you have built or installed an obsolete version of vllm.",
     "vllm", C.LIBRARY_MISMATCH, "vllm_custom_ops_not_loaded"),
    # an ImportError naming an undefined symbol: the loader's wording (library.yaml) is the stronger cause
    ("WARNING 05-22 08:41:53 [cuda.py:44] Failed to import from vllm._C with ImportError('/usr/local/lib/python3.12/"
     "dist-packages/vllm/_C.abi3.so: undefined symbol: _ZN3c104cuda9SetDeviceEa')",
     "vllm", C.LIBRARY_MISMATCH, "undefined_symbol"),
    # vllm/entrypoints/chat_utils.py @ v0.6.3-v0.12
    ("ValueError: As of transformers v4.44, default chat template is no longer allowed, so you must provide a chat "
     "template if the tokenizer does not define one.", "vllm", C.UNSUPPORTED_MODEL, "vllm_chat_template_missing"),
    # transformers tokenization_utils_base.py @ v4.44 (get_chat_template)
    ("ValueError: Cannot use chat template functions because tokenizer.chat_template is not set and no template "
     "argument was passed! For information about writing templates and setting the tokenizer.chat_template attribute, "
     "please see the documentation at https://huggingface.co/docs/transformers/main/en/chat_templating",
     "sglang", C.UNSUPPORTED_MODEL, "vllm_chat_template_missing"),
    # CPython argparse, as vLLM's and SGLang's parsers print it
    ("usage: api_server.py [-h] [--host HOST] [--port PORT]\n"
     "api_server.py: error: unrecognized arguments: --enable-auto-toolchoice", "vllm", C.UNKNOWN, "server_cli_argument_rejected"),
    ("vllm serve: error: argument --kv-cache-dtype: invalid choice: 'fp4' (choose from 'auto', 'fp8', 'fp8_e4m3', 'fp8_e5m2')",
     "vllm", C.UNKNOWN, "server_cli_argument_rejected"),
    ("vllm serve: error: argument --gpu-memory-utilization: invalid float value: '90%'", "vllm", C.UNKNOWN,
     "server_cli_argument_rejected"),
    ("launch_server.py: error: unrecognized arguments: --max-model-len 4096", "sglang", C.UNKNOWN, "server_cli_argument_rejected"),
    # torch/_dynamo/exc.py BackendCompilerFailed; torch/_inductor/exc.py InvalidCxxCompiler
    ("torch._dynamo.exc.BackendCompilerFailed: backend='inductor' raised:\nAssertionError: expected size 4==8, stride 1==1 at dim=0",
     "vllm", C.UNKNOWN, "torch_compile_backend_failed"),
    ("torch._inductor.exc.InductorError: InvalidCxxCompiler: No working C++ compiler found in "
     "torch._inductor.config.cpp.cxx: (None, 'g++')", "vllm", C.LIBRARY_MISMATCH, "torch_inductor_no_cxx_compiler"),
    # triton python/triton/runtime/build.py
    ("RuntimeError: Failed to find C compiler. Please specify via CC environment variable.", "vllm", C.LIBRARY_MISMATCH,
     "torch_inductor_no_cxx_compiler"),
    # vllm/v1/engine/core.py "EngineCore encountered a fatal error." alone is a symptom
    ("(EngineCore_0 pid=284) ERROR 09-01 10:07:00 [core.py:720] EngineCore encountered a fatal error.", "vllm", C.UNKNOWN,
     "vllm_engine_start_failed"),
    # sgl-project/sglang srt/entrypoints/engine.py, managers/scheduler.py; symptoms alone are unknown
    ("RuntimeError: Initialization failed. Please see the error messages above.", "sglang", C.UNKNOWN, "sglang_child_failed"),
    # sglang server.py @ v0.2.x
    ("Initialization failed. warmup error: [Errno 111] Connection refused", "sglang", C.UNKNOWN, "sglang_child_failed"),
    ("[2025-06-01 10:00:00] Rank 0 scheduler is dead. Please check if there are relevant logs.", "sglang", C.UNKNOWN,
     "sglang_child_failed"),
    ("[2025-06-01 10:00:00] Received sigquit from a child process. It usually means the child failed.", "sglang", C.UNKNOWN,
     "sglang_child_failed"),
    # ... and with the cause above them, the cause decides
    ("[2025-06-01 10:00:00 TP0] Scheduler hit an exception: Traceback (most recent call last):\n"
     "RuntimeError: The memory capacity is unbalanced. Some GPUs may be occupied by other processes. "
     "pre_model_load_memory=19.22, local_gpu_memory=30.54, local_gpu_memory * 0.9=27.49\n"
     "[2025-06-01 10:00:01] Received sigquit from a child process. It usually means the child failed.",
     "sglang", C.GPU_OOM, "sglang_memory_unbalanced"),
    # sglang layers/attention/attention_registry.py
    ("AssertionError: FlashAttention v3 Backend requires SM>=80 and SM<=90. Please use `--attention-backend flashinfer`.",
     "sglang", C.UNSUPPORTED_GPU, "sglang_attention_backend_sm"),
    # TensorRT-LLM assert.h TLLM_CHECK_WITH_INFO with a kernel's "not supported" text
    ("[TensorRT-LLM][ERROR] Assertion failed: Unsupported data type, pre SM 80 GPUs do not support bfloat16 "
     "(/src/tensorrt_llm/cpp/tensorrt_llm/kernels/decoderMaskedMultiheadAttention.cu:112)",
     "tensorrt-llm", C.UNSUPPORTED_GPU, "trtllm_assert_not_supported"),
    ("[TensorRT-LLM][ERROR] Assertion failed: FP8 context FMHA is not supported on this device "
     "(/src/tensorrt_llm/cpp/tensorrt_llm/common/attentionOp.cpp:2011)", "tensorrt-llm", C.UNSUPPORTED_GPU,
     "trtllm_assert_not_supported"),
    # tensorrt_llm/executor/proxy.py: a symptom alone; the worker's error above it decides
    ("RuntimeError: Executor worker returned error", "tensorrt-llm", C.UNKNOWN, "trtllm_assert"),
    ("[TRT-LLM] [E] Failed to initialize executor on rank 0: Executor creation failed due to insufficient GPU memory.\n"
     "RuntimeError: Executor worker returned error", "tensorrt-llm", C.GPU_OOM, "trtllm_executor_insufficient_memory"),
    # click, as trtllm-serve prints it
    ("Usage: trtllm-serve serve [OPTIONS] MODEL\nTry 'trtllm-serve serve --help' for help.\n\n"
     "Error: No such option: --max-model-len", "tensorrt-llm", C.UNKNOWN, "trtllm_serve_cli_rejected"),
    ("Error: Invalid value for '--backend': 'trt' is not one of 'pytorch', 'tensorrt', '_autodeploy'.",
     "tensorrt-llm", C.UNKNOWN, "trtllm_serve_cli_rejected"),
    # torch/utils/cpp_extension.py
    ("RuntimeError: \nThe detected CUDA version (12.6) mismatches the version that was used to compile\n"
     "PyTorch (11.8). Please make sure to use the same CUDA versions.", "vllm", C.LIBRARY_MISMATCH,
     "torch_extension_cuda_version_mismatch"),
    ("OSError: CUDA_HOME environment variable is not set. Please set it to your CUDA install root.", "sglang",
     C.LIBRARY_MISMATCH, "torch_extension_no_cuda_home"),
    # torch/utils/cpp_extension.py: alone, a symptom
    ("ninja: build stopped: subcommand failed.\nRuntimeError: Error building extension 'fused_adam'", "pytorch",
     C.UNKNOWN, "torch_extension_build_failed"),
    # pytorch/vision torchvision/extension.py _assert_has_ops
    ("RuntimeError: Couldn't load custom C++ ops. This can happen if your PyTorch and torchvision versions are "
     "incompatible, or if you had errors while compiling torchvision from source. For further information on the "
     "compatible versions, check https://github.com/pytorch/vision#installation for the compatibility matrix.",
     "vllm", C.LIBRARY_MISMATCH, "torchvision_ops_not_loaded"),
    # torch/csrc/DataLoader.cpp SIGBUS handler; ATen MapAllocator; /dev/shm ENOSPC
    ("ERROR: Unexpected bus error encountered in worker. This might be caused by insufficient shared memory (shm).\n"
     "Bus error (core dumped)", "pytorch", C.UNKNOWN, "torch_shm_exhausted"),
    ("RuntimeError: unable to write to file </torch_1385_2771863536_0>: No space left on device (28)", "vllm", C.UNKNOWN,
     "torch_shm_exhausted"),
    ("OSError: [Errno 28] No space left on device: '/dev/shm/psm_8c3b1f2a'", "vllm", C.UNKNOWN, "torch_shm_exhausted"),
    # bash / strsignal(SIGBUS): alone, an unknown that names /dev/shm in its fix
    ("INFO 09-01 10:00:30 [gpu_model_runner.py:1953] Model loading took 2.87 GiB and 12.52 seconds\n"
     "/entrypoint.sh: line 3:    27 Bus error (core dumped) vllm serve Qwen/Qwen3-0.6B", "vllm", C.UNKNOWN,
     "bus_error"),
    # glibc dlerror for libraries JetPack torch wheels and TensorRT-LLM link
    ("ImportError: libcudss.so.0: cannot open shared object file: No such file or directory", "vllm",
     C.LIBRARY_MISMATCH, "cuda_userspace_lib_missing"),
    ("ImportError: libmpi.so.40: cannot open shared object file: No such file or directory", "tensorrt-llm",
     C.LIBRARY_MISMATCH, "cuda_userspace_lib_missing"),
    ("OSError: libnvToolsExt.so.1: cannot open shared object file: No such file or directory", "pytorch",
     C.LIBRARY_MISMATCH, "cuda_userspace_lib_missing"),
    # transformers dynamic_module_utils.py (v4.37+ and v4.30 wording); vllm transformers_utils/tokenizer.py
    ("ValueError: The repository for nvidia/NVIDIA-Nemotron-Nano-9B-v2 contains custom code which must be executed to "
     "correctly load the model. You can inspect the repository content at https://hf.co/nvidia/NVIDIA-Nemotron-Nano-9B-v2.\n"
     "Please pass the argument `trust_remote_code=True` to allow custom code to be run.", "vllm", C.UNSUPPORTED_MODEL,
     "hf_trust_remote_code_required"),
    ("ValueError: Loading THUDM/chatglm3-6b requires you to execute the configuration file in that repo on your local "
     "machine. Make sure you have read the code there to avoid malicious use, then set the option "
     "`trust_remote_code=True` to remove this error.", "vllm", C.UNSUPPORTED_MODEL, "hf_trust_remote_code_required"),
    ("RuntimeError: Failed to load the tokenizer. If the tokenizer is a custom tokenizer not yet available in the "
     "HuggingFace transformers library, consider setting `trust_remote_code=True` in LLM or using the "
     "`--trust-remote-code` flag in the CLI.", "vllm", C.UNSUPPORTED_MODEL, "hf_trust_remote_code_required"),
    # transformers models/auto/tokenization_auto.py
    ("ValueError: Tokenizer class TokenizersBackend does not exist or is not currently imported.", "vllm",
     C.UNSUPPORTED_MODEL, "hf_tokenizer_class_missing"),
    # transformers utils/versions.py
    ("ImportError: huggingface-hub>=0.34.0,<1.0 is required for a normal functioning of this module, but found "
     "huggingface-hub==1.2.3.\nTry: `pip install transformers -U` or `pip install -e '.[dev]'` if you're working with git main",
     "vllm", C.LIBRARY_MISMATCH, "transformers_dependency_version"),
    # transformers configuration_auto.py: a Transformers without the model type raises KeyError from the mapping
    ('  File "/usr/local/lib/python3.10/dist-packages/transformers/models/auto/configuration_auto.py", line 710, in __getitem__\n'
     "    raise KeyError(key)\nKeyError: 'qwen3'", "vllm", C.UNSUPPORTED_MODEL, "transformers_config_mapping_keyerror"),
    # huggingface_hub utils/_http.py (v1.x and the 0.2x requests wording)
    ("huggingface_hub.errors.HfHubHTTPError: \n\n429 Too Many Requests: you have reached your 'resolvers' rate limit.\n"
     "Retry after 120 seconds (0/3000 requests remaining in current 300s window).\n"
     "Url: https://huggingface.co/Qwen/Qwen3-0.6B/resolve/main/config.json.", "vllm", C.MODEL_UNAVAILABLE, "hf_rate_limited"),
    ("requests.exceptions.HTTPError: 429 Client Error: Too Many Requests for url: "
     "https://huggingface.co/api/models/Qwen/Qwen3-0.6B/revision/main", "vllm", C.MODEL_UNAVAILABLE, "hf_rate_limited"),
    # huggingface_hub file_download.py (hf_transfer, Xet, consistency check); xet-core's error text
    ("ValueError: Fast download using 'hf_transfer' is enabled (HF_HUB_ENABLE_HF_TRANSFER=1) but 'hf_transfer' package is "
     "not available in your environment. Try `pip install hf_transfer`.", "vllm", C.MODEL_UNAVAILABLE, "hf_transfer_unavailable"),
    ("RuntimeError: An error occurred while downloading using `hf_transfer`. Consider disabling HF_HUB_ENABLE_HF_TRANSFER "
     "for better error handling.", "sglang", C.MODEL_UNAVAILABLE, "hf_transfer_unavailable"),
    ("RuntimeError: Data processing error: CAS service error : ReqwestMiddleware Error: Request failed after 5 retries",
     "vllm", C.MODEL_UNAVAILABLE, "hf_xet_download_failed"),
    ("OSError: Consistency check failed: file should be of size 4965799096 but has size 1203441664 "
     "(model-00001-of-00002.safetensors).\nWe are sorry for the inconvenience. Please retry with `force_download=True`.",
     "vllm", C.MODEL_UNAVAILABLE, "hf_download_incomplete"),
    # huggingface_hub utils/_headers.py, utils/_http.py
    ("huggingface_hub.errors.LocalTokenNotFoundError: Token is required (`token=True`), but no token found. You need to "
     "provide a token or be logged in to Hugging Face with `hf auth login` or `huggingface_hub.login`.", "vllm",
     C.MODEL_UNAVAILABLE, "hf_token_missing_or_disabled"),
    ("huggingface_hub.errors.DisabledRepoError: 403 Client Error.\n\nCannot access repository for url "
     "https://huggingface.co/api/models/someone/model.\nAccess to this resource is disabled.", "vllm",
     C.MODEL_UNAVAILABLE, "hf_token_missing_or_disabled"),
    # vllm/platforms/cuda.py @ v0.11-v0.12 (get_attn_backend_cls)
    ("(EngineCore_DP0 pid=260) ValueError: No valid attention backend found for cuda with AttentionSelectorConfig("
     "head_size=256, dtype=torch.bfloat16, kv_cache_dtype=fp8, block_size=None, use_mla=False, has_sink=False). "
     "Reasons: {FLASH_ATTN: [compute capability not supported], FLASHINFER: [kv_cache_dtype not supported]}.",
     "vllm", C.UNSUPPORTED_GPU, "vllm_no_attention_backend"),
    ("ValueError: Selected backend AttentionBackendEnum.FLASHINFER is not valid for this configuration. "
     "Reason: ['head_size not supported']", "vllm", C.UNSUPPORTED_GPU, "vllm_no_attention_backend"),
    # vllm/config/cache.py as a pydantic dataclass @ v0.10.2+
    ("pydantic_core._pydantic_core.ValidationError: 1 validation error for CacheConfig\ngpu_memory_utilization\n"
     "  Input should be less than or equal to 1 [type=less_than_equal, input_value=1.5, input_type=float]",
     "vllm", C.UNKNOWN, "vllm_config_validation_error"),
    # ... and a "Value error" an entry knows decides
    ("pydantic_core._pydantic_core.ValidationError: 1 validation error for ModelConfig\n"
     "  Value error, User-specified max_model_len (65536) is greater than the derived max_model_len "
     "(max_position_embeddings=40960 or model_max_length=None in model's config.json). To allow overriding this maximum, "
     "set the env var VLLM_ALLOW_LONG_MAX_MODEL_LEN=1. [type=value_error, input_value=ArgsKwargs((), {...}), input_type=ArgsKwargs]",
     "vllm", C.UNSUPPORTED_MODEL, "vllm_max_model_len_above_model"),
    # safetensors bindings/python/src/lib.rs (Debug and Display wordings); torch inline_container.cc; CPython _pickle.c
    ("safetensors_rust.SafetensorError: Error while deserializing header: HeaderTooLarge", "vllm",
     C.MODEL_UNAVAILABLE, "weights_file_corrupt"),
    ("safetensors_rust.SafetensorError: Error while deserializing header: incomplete metadata, file not fully covered",
     "sglang", C.MODEL_UNAVAILABLE, "weights_file_corrupt"),
    ("RuntimeError: PytorchStreamReader failed reading zip archive: failed finding central directory", "pytorch",
     C.MODEL_UNAVAILABLE, "weights_file_corrupt"),
    ("_pickle.UnpicklingError: invalid load key, 'v'.", "vllm", C.MODEL_UNAVAILABLE, "weights_file_corrupt"),
    # transformers modeling_utils.py
    ("OSError: Error no file named pytorch_model.bin, model.safetensors, tf_model.h5, model.ckpt.index or "
     "flax_model.msgpack found in directory /models/Qwen2.5-0.5B-Instruct.", "pytorch", C.MODEL_UNAVAILABLE,
     "transformers_no_weights_file"),
    # sglang srt/configs/model_config.py: the raise (the env var unset)
    ("ValueError: User-specified context_length (65536) is greater than the derived context_length (32768). This may "
     "lead to incorrect model outputs or CUDA errors. Note that the derived context_length may differ from "
     "max_position_embeddings in the model's config. To allow overriding this maximum, set the env var "
     "SGLANG_ALLOW_OVERWRITE_LONGER_CONTEXT_LEN=1", "sglang", C.UNSUPPORTED_MODEL, "sglang_context_length_above_model"),
    # tokenizers serde, as raised to Python
    ("Exception: data did not match any variant of untagged enum ModelWrapper at line 1251003 column 3", "vllm",
     C.UNSUPPORTED_MODEL, "tokenizers_json_too_new"),
    ("Exception: data did not match any variant of untagged enum PyPreTokenizerTypeWrapper at line 69 column 3", "sglang",
     C.UNSUPPORTED_MODEL, "tokenizers_json_too_new"),
    # transformers modeling_gguf_pytorch_utils.py
    ("ValueError: GGUF model with architecture qwen3moe is not supported yet.", "vllm", C.UNSUPPORTED_MODEL,
     "transformers_gguf_arch_unsupported"),
    # CPython import_from, between packages of the image
    ("ImportError: cannot import name 'Qwen2_5_VLImageProcessor' from 'transformers.models.qwen2_5_vl' "
     "(/usr/local/lib/python3.10/dist-packages/transformers/models/qwen2_5_vl/__init__.py)", "vllm", C.LIBRARY_MISMATCH,
     "python_package_import_mismatch"),
    ("ImportError: cannot import name 'cached_download' from 'huggingface_hub' "
     "(/usr/local/lib/python3.10/dist-packages/huggingface_hub/__init__.py)", "pytorch", C.LIBRARY_MISMATCH,
     "python_package_import_mismatch"),
    # requests / urllib3 against the Hub and its CDN
    ("requests.exceptions.HTTPError: 503 Server Error: Service Unavailable for url: "
     "https://huggingface.co/Qwen/Qwen3-0.6B/resolve/main/model.safetensors", "vllm", C.MODEL_UNAVAILABLE,
     "hf_server_or_cdn_failed"),
    ("requests.exceptions.ReadTimeout: HTTPSConnectionPool(host='cdn-lfs-us-1.hf.co', port=443): Read timed out. "
     "(read timeout=10)", "vllm", C.MODEL_UNAVAILABLE, "hf_server_or_cdn_failed"),
    # NVRTC's compile log, as torch's CUDA JIT prints it
    ("RuntimeError: nvrtc: error: failed to open libnvrtc-builtins.so.12.1.\n  Make sure that libnvrtc-builtins.so.12.1 "
     "is installed correctly.", "pytorch", C.LIBRARY_MISMATCH, "nvrtc_builtins_missing"),
    # pip / uv installing at container start
    ("ERROR: flash_attn-2.7.4-cp310-cp310-linux_x86_64.whl is not a supported wheel on this platform.", "vllm",
     C.LIBRARY_MISMATCH, "python_wheel_not_for_platform"),
    ("error: Distribution `torch==2.8.0 @ registry+https://download.pytorch.org/whl/cu128` can't be installed because it "
     "doesn't have a source distribution or wheel for the current platform", "sglang", C.LIBRARY_MISMATCH,
     "python_wheel_not_for_platform"),
    ("ERROR: Could not find a version that satisfies the requirement vllm==0.10.2 (from versions: none)\n"
     "ERROR: No matching distribution found for vllm==0.10.2", "vllm", C.LIBRARY_MISMATCH, "python_package_not_found"),
    # pip (before and after 24.1) and uv, building a package from source at install time
    ("  error: subprocess-exited-with-error\nERROR: Could not build wheels for flash-attn, which is required to install "
     "pyproject.toml-based projects", "vllm", C.LIBRARY_MISMATCH, "python_wheel_build_failed"),
    ("ERROR: Failed to build installable wheels for some pyproject.toml based projects (flash-attn)", "sglang",
     C.LIBRARY_MISMATCH, "python_wheel_build_failed"),
    ("  × Failed to build `flash-attn==2.7.4.post1`\n  ├─▶ The build backend returned an error", "vllm",
     C.LIBRARY_MISMATCH, "python_wheel_build_failed"),
    # ... and a CUDA version mismatch printed during the build is the stronger cause
    ("RuntimeError:\nThe detected CUDA version (12.6) mismatches the version that was used to compile\nPyTorch (12.8). "
     "Please make sure to use the same CUDA versions.\nERROR: Failed to build installable wheels for some pyproject.toml "
     "based projects (flash-attn)", "vllm", C.LIBRARY_MISMATCH, "torch_extension_cuda_version_mismatch"),
    # transformers tokenization_utils_base.py
    ("OSError: Can't load tokenizer for '/models/Qwen2.5-0.5B-Instruct'. If you were trying to load it from "
     "'https://huggingface.co/models', make sure you don't have a local directory with the same name. Otherwise, make "
     "sure '/models/Qwen2.5-0.5B-Instruct' is the correct path to a directory containing all relevant files for a "
     "Qwen2TokenizerFast tokenizer.", "vllm", C.MODEL_UNAVAILABLE, "transformers_cannot_load_files"),
    # flashinfer jit/cpp_ext.py, reached from vLLM's FlashInfer sampler
    ("(EngineCore_0 pid=91) RuntimeError: Could not find nvcc and default cuda_home='/usr/local/cuda' doesn't exist",
     "vllm", C.LIBRARY_MISMATCH, "flashinfer_jit_no_nvcc"),
    # vllm quantization/bitsandbytes.py
    ("ImportError: Please install bitsandbytes>=0.45.3 via `pip install bitsandbytes>=0.45.3` to use bitsandbytes "
     "quantizer.", "vllm", C.LIBRARY_MISMATCH, "vllm_bitsandbytes_missing"),
    # transformers configuration_llama.py @ v4.42; vllm rotary_embedding.py @ v0.5
    ("ValueError: `rope_scaling` must be a dictionary with two fields, `type` and `factor`, got {'factor': 8.0, "
     "'low_freq_factor': 1.0, 'high_freq_factor': 4.0, 'original_max_position_embeddings': 8192, 'rope_type': 'llama3'}",
     "vllm", C.UNSUPPORTED_MODEL, "rope_scaling_format_unknown"),
    ("ValueError: Unknown RoPE scaling type llama3", "vllm", C.UNSUPPORTED_MODEL, "rope_scaling_format_unknown"),
    # CPython OSError on the Hugging Face cache
    ("PermissionError: [Errno 13] Permission denied: '/root/.cache/huggingface/hub/models--Qwen--Qwen3-0.6B/blobs/"
     "a1b2c3.incomplete'", "vllm", C.MODEL_UNAVAILABLE, "hf_cache_not_writable"),
    ("OSError: [Errno 30] Read-only file system: '/data/huggingface/hub/.locks/models--Qwen--Qwen3-0.6B'", "sglang",
     C.MODEL_UNAVAILABLE, "hf_cache_not_writable"),
    # transformers configuration_auto.py: the ValueError's second paragraph, alone on vLLM's ERROR line
    ("ERROR 03-12 18:19:00 engine.py:400] You can update Transformers with the command `pip install --upgrade "
     "transformers`. If this does not work, and the checkpoint is very new, then there may not be a release version that "
     "supports this model yet.", "vllm", C.UNSUPPORTED_MODEL, "transformers_unknown_model_type"),
    # httpx's wording, as huggingface_hub 1.x raises a status it does not word itself
    ("huggingface_hub.errors.HfHubHTTPError: Client error '403 Forbidden' for url "
     "'https://huggingface.co/api/models/meta-llama/Llama-3.2-1B/revision/main'\n"
     "For more information check: https://developer.mozilla.org/en-US/docs/Web/HTTP/Status/403", "vllm",
     C.MODEL_UNAVAILABLE, "hf_httpx_status_error"),
    ("huggingface_hub.errors.HfHubHTTPError: Server error '502 Bad Gateway' for url "
     "'https://cas-bridge.xethub.hf.co/xet-bridge-us/abc'", "sglang", C.MODEL_UNAVAILABLE, "hf_httpx_status_error"),
    # a full disk while downloading stays disk_full, above the incomplete download it causes
    ("OSError: [Errno 28] No space left on device\nOSError: Consistency check failed: file should be of size 4965799096 "
     "but has size 1203441664 (model-00001-of-00002.safetensors).", "vllm", C.DISK_FULL, "no_space_left"),
    # sglang model_runner.py (2026 releases): the weights leave no room for the KV pool
    ("ValueError: Loaded weights leave no GPU memory for the KV cache under --mem-fraction-static=0.5. Raise "
     "--mem-fraction-static above 0.612 (minimum viable = 1 - available/pre = 0.6118).", "sglang", C.KV_CACHE_INSUFFICIENT,
     "sglang_kv_pool_too_small"),
]


@pytest.mark.parametrize(("text", "backend", "expected", "signature"), CASES, ids=[f"{c[3]}-{i}" for i, c in enumerate(CASES)])
def test_serving_stack_messages_classify_as_their_source_means(
        text: str, backend: str, expected: FailureClass, signature: str) -> None:
    d = classify_text(text + "\n", backend=backend)
    assert (d.failure_class, d.signature) == (expected, signature)


# Ordinary lines of the same programs, each followed by the program's readiness line: health.
HEALTHY = [
    ("vllm", "INFO 09-01 10:00:00 [__init__.py:241] Automatically detected platform cuda.\n"
             "INFO 09-01 10:00:02 [core.py:58] Initializing a V1 LLM engine (v0.10.1) with config: model='Qwen/Qwen3-0.6B', "
             "tokenizer='Qwen/Qwen3-0.6B', trust_remote_code=True, dtype=torch.bfloat16, max_seq_len=4096\n"
             "WARNING 09-01 10:00:01 [arg_utils.py:1320] --max-num-batched-tokens is set; chunked prefill is enabled.\n"
             "INFO 09-01 10:00:10 [backends.py:530] Using cache directory: /root/.cache/vllm/torch_compile_cache/ab12 for vLLM's torch.compile\n"
             "INFO 09-01 10:00:20 [backends.py:541] Dynamo bytecode transform time: 6.21 s\n"
             "INFO 09-01 10:00:30 [monitor.py:34] torch.compile takes 9.85 s in total\n"
             "INFO 09-01 10:00:31 [chat_utils.py:470] Detected the chat template content format to be 'string'.\n"
             "INFO 09-01 10:00:56 [launcher.py:29] Available routes are:\n"),
    ("sglang", "[2025-06-01 10:00:00] server_args=ServerArgs(model_path='Qwen/Qwen3-0.6B', mem_fraction_static=0.8, trust_remote_code=False)\n"
               "[2025-06-01 10:00:05 TP0] Load weight end. type=Qwen3ForCausalLM, dtype=torch.bfloat16, avail mem=60.1 GB\n"
               "[2025-06-01 10:00:08 TP0] Capture cuda graph end. Time elapsed: 3.20 s. mem usage=0.4 GB. avail mem=20.1 GB.\n"
               "[2025-06-01 10:00:10] The server is fired up and ready to roll!\n"),
    ("tensorrt-llm", "[TensorRT-LLM][INFO] Loaded engine size: 2048 MiB\n"
                     "[TensorRT-LLM][WARNING] Fix optionalParams : KV cache reuse disabled because model was not built with paged context FMHA support\n"
                     "[TensorRT-LLM][INFO] Max KV cache pages per sequence: 64\n"
                     "INFO:     Application startup complete.\n"),
    ("sglang", "[2026-02-14 02:07:50] Warning: Target model's context_length (8192) is greater than the derived context_length "
               "(2048). This may lead to incorrect model outputs or CUDA errors. Note that the derived context_length may differ "
               "from max_position_embeddings in the model's config.\n"
               "[2026-02-14 02:08:10] The server is fired up and ready to roll!\n"),
    ("vllm", "Fetching 4 files: 100%|##########| 4/4 [00:12<00:00,  3.10s/it]\n"
             "UserWarning: The `local_dir_use_symlinks` argument is deprecated and ignored in `hf_hub_download`.\n"
             "INFO 09-01 10:00:56 [api_server.py:1880] Starting vLLM API server 0 on http://0.0.0.0:8000\n"),
]


@pytest.mark.parametrize(("backend", "log"), HEALTHY, ids=[h[0] + str(i) for i, h in enumerate(HEALTHY)])
def test_ordinary_lines_of_these_programs_read_as_health(backend: str, log: str) -> None:
    assert classify_text(log, backend=backend).failure_class is C.NONE


# INFO/WARNING lines of the same programs that read like failures but are not; each is
# followed by a readiness line and must leave the start healthy.
ORDINARY = [
    # vllm/platforms/cuda.py: backend fallbacks
    "INFO 09-01 10:00:00 [cuda.py:240] Cannot use FlashAttention-2 backend for Volta and Turing GPUs.",
    "INFO 09-01 10:00:00 [cuda.py:289] Cannot use FlashAttention-2 backend because the vllm.vllm_flash_attn package is not "
    "found. Make sure that vllm_flash_attn was built and installed (on by default).",
    # vllm marlin_utils_fp8.py, config.py, arg_utils.py
    "WARNING 09-01 10:00:00 [marlin_utils_fp8.py:76] Your GPU does not have native support for FP8 computation but FP8 "
    "quantization is being used. Weight-only FP8 compression will be used leveraging the Marlin kernel.",
    "WARNING 09-01 10:00:00 [config.py:2700] Casting torch.bfloat16 to torch.float16.",
    "WARNING 09-01 10:00:00 [arg_utils.py:1700] Compute Capability < 8.0 is not supported by the V1 Engine. Falling back to V0.",
    "WARNING 09-01 10:00:00 [tokenizer.py:250] Using a slow tokenizer. This might cause a significant slowdown. Consider "
    "using a fast tokenizer instead.",
    # torch/_inductor/utils.py
    "W0901 10:00:00.000000 1 torch/_inductor/utils.py:1250] [0/0] Not enough SMs to use max_autotune_gemm mode",
    # transformers dynamic_module_utils.py, after trust_remote_code was given
    "A new version of the following files was downloaded from https://huggingface.co/microsoft/Phi-3-mini-4k-instruct: "
    "- configuration_phi3.py . Make sure to double-check they do not contain any added malicious code.",
    # huggingface_hub file_download.py: Xet falls back to HTTP
    "Xet Storage is enabled for this repo, but the 'hf_xet' package is not installed. Falling back to regular HTTP download. "
    "For better performance, install the package with: `pip install huggingface_hub[hf_xet]` or `pip install hf_xet`",
    # TensorRT-LLM runtime; SGLang server_args.py
    "[TensorRT-LLM][WARNING] Device 0 peer access Device 1 is not available.",
    "[2025-06-01 10:00:00] WARNING server_args.py:1000: Cuda graph is disabled because of using torch native attention backend",
]


@pytest.mark.parametrize("line", ORDINARY, ids=[line[:40] for line in ORDINARY])
def test_ordinary_warnings_before_readiness_are_health(line: str) -> None:
    log = line + "\nINFO:     Application startup complete.\n"
    assert classify_text(log, backend="vllm").failure_class is C.NONE


def test_vllm_without_a_platform_on_jetson_names_the_tegra_release_file() -> None:
    """vllm/platforms/__init__.py: without NVML, vLLM detects Jetson by /etc/nv_tegra_release."""
    log = "INFO 09-01 10:00:00 [__init__.py:253] No platform detected, vLLM is running on UnspecifiedPlatform\n"
    jetson = classify_text(log, backend="vllm", jetson=True)
    assert (jetson.failure_class, jetson.signature) == (C.UNSUPPORTED_GPU, "vllm_no_platform")
    assert "/etc/nv_tegra_release" in jetson.fix
    desktop = classify_text(log, backend="vllm")
    assert desktop.failure_class is C.GPU_RUNTIME_MISSING and "--gpus all" in desktop.fix
