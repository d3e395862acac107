"""The container stack, CUDA and memory (container.yaml, cuda.yaml, memory.yaml): messages
these programs can print that the first signatures did not know, fed as their sources print
them (format strings filled in with realistic values; the source is named above each group)."""

from __future__ import annotations

import pytest

from jetllm.classify import FailureClass, classify_text

C = FailureClass

RUNC = ("docker: Error response from daemon: failed to create task for container: failed to create shim task: OCI runtime create failed: "
        "runc create failed: unable to start container process: error during container init: ")

CASES = [
    # --- Docker daemon and registries ---
    # moby client/request.go: Docker Desktop stopped, older CLI (the pipe error alone)
    ('error during connect: Get "http://%2F%2F.%2Fpipe%2FdockerDesktopLinuxEngine/v1.47/version": '
     "open //./pipe/dockerDesktopLinuxEngine: The system cannot find the file specified.", C.DOCKER_UNAVAILABLE, "docker_daemon_unreachable"),
    # moby daemon/config/config.go: dockerd refuses a broken daemon.json (after editing it for the nvidia runtime)
    ("dockerd[1234]: unable to configure the Docker daemon with file /etc/docker/daemon.json: invalid character '}' looking for beginning of object key string",
     C.DOCKER_UNAVAILABLE, "dockerd_failed_to_start"),
    # Go crypto/x509, crypto/tls, net/http under moby's distribution code and containerd's resolver
    ('docker: Error response from daemon: Get "https://registry-1.docker.io/v2/": tls: failed to verify certificate: '
     "x509: certificate signed by unknown authority.", C.IMAGE_PULL_FAILED, "registry_tls_untrusted"),
    ('Error response from daemon: Get "https://nvcr.io/v2/": x509: certificate has expired or is not yet valid', C.IMAGE_PULL_FAILED, "registry_tls_untrusted"),
    ('docker: Error response from daemon: Get "https://registry.local:5000/v2/": http: server gave HTTP response to HTTPS client.',
     C.IMAGE_PULL_FAILED, "registry_tls_untrusted"),
    ('failed to resolve reference "nvcr.io/nvidia/vllm:25.09-py3": failed to do request: Head "https://nvcr.io/v2/nvidia/vllm/manifests/25.09-py3": '
     "tls: failed to verify certificate: x509: certificate signed by unknown authority", C.IMAGE_PULL_FAILED, "registry_tls_untrusted"),
    # moby daemon/internal/distribution/xfer/download.go, pull_v2.go; daemon/internal/layer/layer.go
    ("docker: failed to register layer: Error processing tar file(exit status 1): unexpected EOF.", C.IMAGE_PULL_FAILED, "docker_layer_register_failed"),
    ("filesystem layer verification failed for digest sha256:9f0a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4", C.IMAGE_PULL_FAILED,
     "docker_layer_register_failed"),
    ("failed to register layer: max depth exceeded", C.IMAGE_PULL_FAILED, "docker_max_depth_exceeded"),
    # a full disk while registering a layer stays disk_full
    ("docker: failed to register layer: write /usr/local/lib/python3.12/dist-packages/torch/lib/libtorch_cuda.so: no space left on device.",
     C.DISK_FULL, "no_space_left"),
    # moby daemon/images/image.go
    ("docker: Error response from daemon: No such image: dustynv/vllm:r36.4.0.", C.IMAGE_PULL_FAILED, "docker_no_such_image"),
    # containerd core/remotes/docker/resolver.go (containerd image store): unknown tag, unknown repository
    ('docker: Error response from daemon: failed to resolve reference "docker.io/vllm/vllm-openai:v9.9.9": docker.io/vllm/vllm-openai:v9.9.9: not found.',
     C.IMAGE_PULL_FAILED, "docker_manifest_unknown"),
    ('docker: Error response from daemon: failed to resolve reference "docker.io/library/nope:latest": pull access denied, repository does not exist or '
     "may require authorization: server message: insufficient_scope: authorization failed.", C.IMAGE_PULL_FAILED, "docker_pull_denied"),
    # distribution errcode NAME_UNKNOWN; ghcr.io's DENIED through moby registry_errors.go
    ("Error response from daemon: name unknown: repository name not known to registry", C.IMAGE_PULL_FAILED, "docker_manifest_unknown"),
    ("docker: Error response from daemon: error from registry: denied: denied", C.IMAGE_PULL_FAILED, "docker_pull_denied"),
    ('Error response from daemon: Head "https://ghcr.io/v2/ggml-org/llama.cpp/manifests/server-cuda-b9999": denied: denied', C.IMAGE_PULL_FAILED,
     "docker_pull_denied"),
    # docker/distribution registry/client/errors.go (vendored by moby); containerd fetcher/resolver @ v1.7 and errors.go @ v2.0
    ('Error response from daemon: error parsing HTTP 403 response body: unexpected end of JSON input: ""', C.IMAGE_PULL_FAILED, "registry_http_refused"),
    ("docker: Error response from daemon: received unexpected HTTP status: 500 Internal Server Error.", C.IMAGE_PULL_FAILED, "registry_http_refused"),
    ("failed to copy: httpReadSeeker: failed open: unexpected status code https://nvcr.io/v2/nvidia/tritonserver/blobs/sha256:9f0a1b2c: 403 Forbidden",
     C.IMAGE_PULL_FAILED, "registry_http_refused"),
    ('docker: Error response from daemon: failed to resolve reference "nvcr.io/nvidia/vllm:25.09-py3": unexpected status from HEAD request to '
     "https://nvcr.io/v2/nvidia/vllm/manifests/25.09-py3: 403 Forbidden.", C.IMAGE_PULL_FAILED, "registry_http_refused"),
    # Docker Desktop's WSL shim without the distro's integration turned on
    ("The command 'docker' could not be found in this WSL 2 distro.", C.DOCKER_UNAVAILABLE, "docker_cli_missing"),
    # docker inspect / kubectl describe pasted with the log
    ('            "OOMKilled": true,', C.HOST_OOM_KILLED, "container_state_oomkilled"),
    ("      Reason:       OOMKilled", C.HOST_OOM_KILLED, "container_state_oomkilled"),
    ('Error response from daemon: Get "https://registry-1.docker.io/v2/": EOF', C.IMAGE_PULL_FAILED, "docker_registry_network"),
    # nvidia-smi with the driver but no GPU
    ("No devices were found", C.GPU_RUNTIME_MISSING, "nvidia_smi_no_devices"),
    # distribution registry/client/auth/session.go (a private registry without docker login)
    ('Error response from daemon: Head "https://123456789012.dkr.ecr.us-east-1.amazonaws.com/v2/llm/manifests/latest": no basic auth credentials',
     C.IMAGE_PULL_FAILED, "docker_pull_denied"),
    # moby daemon/volume/mounts/validate.go
    ('docker: Error response from daemon: invalid mount config for type "bind": bind source path does not exist: /home/me/models.',
     C.MODEL_UNAVAILABLE, "docker_bind_source_missing"),
    # --- NVIDIA container stack ---
    # podman / crun (CDI)
    ("Error: setting up CDI devices: unresolvable CDI devices nvidia.com/gpu=all", C.GPU_RUNTIME_MISSING, "nvct_cdi_unresolvable"),
    ("Error: crun: setting up CDI devices: unresolvable CDI devices nvidia.com/gpu=all", C.GPU_RUNTIME_MISSING, "nvct_cdi_unresolvable"),
    # the toolkit's runtime (daemon.json) or hook uninstalled
    ("docker: Error response from daemon: failed to create task for container: failed to create shim task: OCI runtime create failed: unable to retrieve "
     "OCI runtime error (open /run/containerd/io.containerd.runtime.v2.task/moby/3f2a/log.json: no such file or directory): "
     "fork/exec /usr/bin/nvidia-container-runtime: no such file or directory: unknown.", C.GPU_RUNTIME_MISSING, "docker_unknown_runtime"),
    (RUNC + "error running hook #0: fork/exec /usr/bin/nvidia-container-runtime-hook: no such file or directory: unknown.", C.GPU_RUNTIME_MISSING,
     "docker_unknown_runtime"),
    # nvidia-container-toolkit internal/oci/runtime_low_level.go
    ("nvidia-container-runtime: error locating runtime: no runtime binary found from candidate list: [docker-runc runc crun]", C.GPU_RUNTIME_MISSING,
     "nvct_no_low_level_runtime"),
    # libnvidia-container src/cli: the other error kinds
    ("nvidia-container-cli: container error: cgroup subsystem devices not found: unknown", C.GPU_RUNTIME_MISSING, "nvct_cli_init_error"),
    ("nvidia-container-cli: requirement error: invalid expression: unknown", C.GPU_RUNTIME_MISSING, "nvct_cli_init_error"),
    ("nvidia-container-cli: initialization error: driver rpc error: timed out: unknown", C.GPU_RUNTIME_MISSING, "nvct_cli_init_error"),
    ("nvidia-container-cli: permission error: capability change failed: operation not permitted: unknown", C.GPU_RUNTIME_MISSING, "nvct_cli_init_error"),
    # runc 1.0.0-rc9x: a failed prestart hook (docker 19.03)
    ('docker: Error response from daemon: OCI runtime create failed: container_linux.go:345: starting container process caused "process_linux.go:430: '
     'container init caused \\"process_linux.go:413: running prestart hook 1 caused \\\\\\"error running hook: exit status 1, stdout: , stderr: '
     'exec command: [/usr/bin/nvidia-container-cli --load-kmods configure]\\\\\\"\\"": unknown.', C.GPU_RUNTIME_MISSING, "oci_hook_failed"),
    # nvidia-cdi-hook create-symlinks.go @ v1.17.0 (CDI mode); nvidia-container-runtime before v1.4 (its log)
    ('time="2024-11-05T10:00:00Z" level=error msg="failed to create link [libnvidia-vulkan-producer.so.550.120 '
     '/usr/lib/x86_64-linux-gnu/libnvidia-vulkan-producer.so]: failed to check if link exists: unexpected link target: libnvidia-vulkan-producer.so.550.127"',
     C.GPU_RUNTIME_MISSING, "nvct_hook_symlink"),
    ("2019/07/23 14:19:45 ERROR: inject NVIDIA hook: stat /usr/bin/nvidia-container-runtime-hook: no such file or directory", C.GPU_RUNTIME_MISSING,
     "docker_unknown_runtime"),
    # runc 1.0.0-rc10 with docker 19.03-20.10
    ("docker: Error response from daemon: OCI runtime create failed: container_linux.go:380: starting container process caused: process_linux.go:545: "
     "container init caused: Running hook #1:: error running hook: exit status 1, stdout: , stderr: : unknown.", C.GPU_RUNTIME_MISSING, "oci_hook_failed"),
    # containerd httpreadseeker.go / content helpers.go: a layer download cut off
    ('failed to copy: httpReadSeeker: failed open: failed to do request: Get "https://production.cloudflare.docker.com/registry-v2/docker/registry/v2/'
     'blobs/sha256/ab/abcd/data": dial tcp 104.16.100.207:443: i/o timeout', C.IMAGE_PULL_FAILED, "registry_blob_download_failed"),
    ("docker: failed to copy: read tcp 172.17.0.1:40000->104.16.100.207:443: read: connection reset by peer.", C.IMAGE_PULL_FAILED,
     "registry_blob_download_failed"),
    # moby daemon/server/middleware/version.go (Docker 29 raised the minimum API version)
    ("Error response from daemon: client version 1.41 is too old. Minimum supported API version is 1.44, please upgrade your client to a newer version",
     C.DOCKER_UNAVAILABLE, "docker_api_version_mismatch"),
    ("Error response from daemon: client version 1.52 is too new. Maximum supported API version is 1.43", C.DOCKER_UNAVAILABLE, "docker_api_version_mismatch"),
    # nvidia-container-toolkit internal/runtime: a modifier that failed for a reason no stronger entry names
    ("docker: Error response from daemon: failed to create task for container: failed to create shim task: OCI runtime create failed: failed to create "
     "NVIDIA Container Runtime: failed to construct OCI spec modifier: failed to construct CSV modifier: failed to get image requirements: "
     "invalid CUDA version 12: unknown.", C.GPU_RUNTIME_MISSING, "nvct_runtime_create_failed"),
    # ... and one whose cause a stronger entry names
    ("docker: Error response from daemon: failed to create shim task: OCI runtime create failed: failed to create NVIDIA Container Runtime: failed to "
     "construct OCI spec modifier: failed to construct CDI modifier: failed to inject CDI devices: unresolvable CDI devices nvidia.com/gpu=all: unknown.",
     C.GPU_RUNTIME_MISSING, "nvct_cdi_unresolvable"),
    # moby pkg/oci/devices_linux.go: a CDI name given to a Docker with CDI off (a /dev path stays docker_custom_device_missing)
    ('docker: Error response from daemon: error gathering device information while adding custom device "nvidia.com/gpu=all": no such file or directory.',
     C.GPU_RUNTIME_MISSING, "docker_cdi_not_enabled"),
    ('docker: Error response from daemon: error gathering device information while adding custom device "/dev/nvhost-ctrl": no such file or directory.',
     C.GPU_RUNTIME_MISSING, "docker_custom_device_missing"),
    # nvidia-container-toolkit internal/platform-support/tegra/csv/csv.go (CSV mode without JetPack's CSV files)
    ("failed to read the contents of /etc/nvidia-container-runtime/host-files-for-container.d: open /etc/nvidia-container-runtime/host-files-for-container.d: "
     "no such file or directory", C.GPU_RUNTIME_MISSING, "nvct_csv_files_missing"),
    # --- kernel and user-space OOM killers ---
    # linux mm/oom_kill.c @ v6.6, cgroup OOM (lower-case "out of memory")
    ("[12345.678901] Memory cgroup out of memory: Killed process 4321 (python3) total-vm:34567890kB, anon-rss:12345678kB, file-rss:0kB, "
     "shmem-rss:0kB, UID:0 pgtables:40960kB oom_score_adj:0", C.HOST_OOM_KILLED, "kernel_oom_killer"),
    # linux mm/oom_kill.c @ v4.9-v4.19 (L4T r32 kernels)
    ("[ 1234.567890] Out of memory: Kill process 4321 (python3) score 912 or sacrifice child", C.HOST_OOM_KILLED, "kernel_oom_killer"),
    ("[ 1234.567890] Memory cgroup out of memory: Kill process 4321 (python3) score 999 or sacrifice child", C.HOST_OOM_KILLED, "kernel_oom_killer"),
    ("[ 1234.600000] Killed process 4321 (python3) total-vm:3456789kB, anon-rss:1234567kB, file-rss:0kB, shmem-rss:0kB", C.HOST_OOM_KILLED,
     "kernel_oom_killer"),
    ("[ 1234.700000] oom_reaper: reaped process 4321 (python3), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB", C.HOST_OOM_KILLED, "kernel_oom_killer"),
    ("[ 1235.000000] Task in /docker/3f2a killed as a result of limit of /docker/3f2a", C.HOST_OOM_KILLED, "kernel_oom_killer"),
    # systemd src/oom/oomd-util.c, oomd-manager.c; earlyoom kill.c
    ("systemd-oomd[812]: Killed /user.slice/user-1000.slice/user@1000.service/app.slice/docker.scope due to memory pressure for "
     "/user.slice/user-1000.slice/user@1000.service being 78.91% > 50.00% for > 20s with reclaim activity", C.HOST_OOM_KILLED, "userspace_oom_killer"),
    ("systemd-oomd[812]: Killed /system.slice/docker-3f2a.scope due to memory used (15.2G) / total (15.6G) and swap used (3.9G) / total (4.0G) "
     "being more than 90.00%", C.HOST_OOM_KILLED, "userspace_oom_killer"),
    ('earlyoom: sending SIGTERM to process 4321 uid 0 "python3": badness 912, VmRSS 12000 MiB', C.HOST_OOM_KILLED, "userspace_oom_killer"),
    # cpython MemoryError / ENOMEM; pytorch c10/core/impl/alloc_cpu.cpp; libstdc++ bad_alloc
    ("MemoryError", C.HOST_OOM_KILLED, "host_alloc_failed"),
    ("OSError: [Errno 12] Cannot allocate memory", C.HOST_OOM_KILLED, "host_alloc_failed"),
    ("RuntimeError: DefaultCPUAllocator: can't allocate memory: you tried to allocate 4294967296 bytes. Error code 12 (Cannot allocate memory)",
     C.HOST_OOM_KILLED, "host_alloc_failed"),
    ("RuntimeError: [enforce fail at alloc_cpu.cpp:114] data. DefaultCPUAllocator: not enough memory: you tried to allocate 4294967296 bytes.",
     C.HOST_OOM_KILLED, "host_alloc_failed"),
    ("terminate called after throwing an instance of 'std::bad_alloc'", C.HOST_OOM_KILLED, "cxx_bad_alloc"),
    # Go runtime (Ollama's server, dockerd) and runc's re-exec under ENOMEM
    ("fatal error: runtime: out of memory", C.HOST_OOM_KILLED, "host_alloc_failed"),
    ("docker: Error response from daemon: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: "
     "fork/exec /proc/self/exe: cannot allocate memory: unknown.", C.HOST_OOM_KILLED, "host_alloc_failed"),
    # --- CUDA: numbers without text (error-check macros), CUresult names, more texts ---
    ("CUDA error 35 at /workspace/src/kernel.cu:88", C.DRIVER_TOO_OLD, "cuda_error_number_insufficient_driver"),
    ("Cuda error 100 at line 45", C.GPU_RUNTIME_MISSING, "cuda_error_number_no_device"),
    ("CUDA error 209 at /src/x.cu:10", C.UNSUPPORTED_GPU, "cuda_error_number_no_kernel_image"),
    ("CUDA error code=222 at /src/x.cu:10", C.DRIVER_TOO_OLD, "cuda_error_number_ptx_or_compat"),
    ("CUDA error 804 at /src/x.cu:10", C.DRIVER_TOO_OLD, "cuda_error_number_ptx_or_compat"),
    ("CUDA error 34 at /src/x.cu:10", C.GPU_RUNTIME_MISSING, "cuda_error_number_stub_library"),
    ("CUDA failure 2: out of memory ; GPU=0 ; hostname=orin ; file=/src/a.cu ; line=10 ; expr=cudaMalloc(&p, n);", C.GPU_OOM,
     "cuda_error_number_out_of_memory"),
    ("CUDA_ERROR_NO_BINARY_FOR_GPU", C.UNSUPPORTED_GPU, "cuda_driver_no_binary_for_gpu"),
    ("RuntimeError: Triton Error [CUDA]: CUDA_ERROR_NO_DEVICE", C.GPU_RUNTIME_MISSING, "cuda_driver_no_device"),
    ("RuntimeError: CUDA error: MPS client failed to connect to the MPS control daemon or the MPS server", C.GPU_RUNTIME_MISSING, "cuda_mps_unavailable"),
    ("RuntimeError: CUDA error: PTX JIT compilation was disabled", C.UNSUPPORTED_GPU, "cuda_jit_disabled"),
    ("RuntimeError: CUDA error: unknown error", C.GPU_RUNTIME_MISSING, "cuda_unknown_error"),
    # 803: the libcuda loaded is not the kernel driver's (a compat library found first), not the driver's age
    ("cuInit failed: CUDA_ERROR_SYSTEM_DRIVER_MISMATCH", C.LIBRARY_MISMATCH, "cuda_error_number_driver_mismatch"),
    ("CUDA error 803 at /src/x.cu:10", C.LIBRARY_MISMATCH, "cuda_error_number_driver_mismatch"),
    # pytorch c10/cuda/CUDAFunctions.cpp: "Error %d: %s" after cudaGetDeviceCount()
    ("RuntimeError: Unexpected error from cudaGetDeviceCount(). Did you run some cuda functions before calling NumCudaDevices() "
     "that might have already set an error? Error 803: system has unsupported display driver / cuda driver combination",
     C.LIBRARY_MISMATCH, "cuda_driver_library_mismatch"),
    # CUDA driver_types.h cudaErrorInvalidClusterSize = 912, as torch's and vLLM's checks print cudaGetErrorString
    ("RuntimeError: launch_cooperative_cluster, /workspace/csrc/topk.cu:48, topk launch failed: a kernel launch error has "
     "occurred due to cluster misconfiguration", C.UNSUPPORTED_GPU, "cuda_cluster_misconfigured"),
    # glibc dlerror for a library no entry names
    ("OSError: libnvpl_lapack_lp64_gomp.so.0: cannot open shared object file: No such file or directory",
     C.LIBRARY_MISMATCH, "generic_shared_object_missing"),
    # vllm model_loader/bitsandbytes_loader.py
    ("AttributeError: Model Qwen2VLForConditionalGeneration does not support BitsAndBytes quantization yet. No 'packed_modules_mapping' found.",
     C.UNSUPPORTED_MODEL, "vllm_bnb_model_unsupported"),
    # the NVIDIA kernel module (dmesg): Xid 79 and ECC Xids
    ("[  812.345678] NVRM: Xid (PCI:0000:01:00): 79, pid=1234, name=python3, GPU has fallen off the bus.", C.UNKNOWN, "nvrm_xid_gpu_lost"),
    ("[  812.345678] NVRM: Xid (PCI:0000:01:00): 48, pid=1234, name=python3, An uncorrectable double bit error (DBE) has been detected on GPU in the "
     "framebuffer at partition 6, subpartition 0.", C.UNKNOWN, "nvrm_xid_gpu_lost"),
    # generic.yaml: signals any program dies of (bash/glibc strsignal, cpython faulthandler, Go runtime, PyTorch DataLoader)
    ("Illegal instruction (core dumped)", C.ARCH_MISMATCH, "illegal_instruction"),
    ("Fatal Python error: Illegal instruction", C.ARCH_MISMATCH, "illegal_instruction"),
    ("SIGILL: illegal instruction", C.ARCH_MISMATCH, "illegal_instruction"),
    ("Bus error (core dumped)", C.UNKNOWN, "bus_error"),
    ("ERROR: Unexpected bus error encountered in worker. This might be caused by insufficient shared memory (shm).", C.UNKNOWN, "torch_shm_exhausted"),
    ("RuntimeError: CUDA error: too many blocks in cooperative launch", C.UNSUPPORTED_GPU, "cuda_launch_out_of_resources"),
    # the program's own CUDA usage errors: reported weakly, by name (runtime text, NCCL's and THC's formats, CUresult name)
    ("RuntimeError: CUDA error: invalid resource handle", C.UNKNOWN, "cuda_usage_error"),
    ("Cuda failure 'invalid device context'", C.UNKNOWN, "cuda_usage_error"),
    ("cuda runtime error (400) : invalid resource handle at /pytorch/aten/src/THC/THCGeneral.cpp:12", C.UNKNOWN, "cuda_usage_error"),
    ("[TensorRT-LLM][ERROR] CUDA driver error in cuStreamSynchronize(stream): CUDA_ERROR_INVALID_HANDLE", C.UNKNOWN, "cuda_usage_error"),
    # cudnn-frontend graph_interface.h through PyTorch's cuDNN attention (MHA.cpp)
    ("RuntimeError: cuDNN Frontend error: [cudnn_frontend] Error: No execution plans support the graph.", C.UNSUPPORTED_GPU, "cudnn_frontend_no_plan"),
    # cuDNN 9 names; cuFFT / cuSOLVER / cuSPARSE as PyTorch prints them
    ("RuntimeError: cuDNN error: CUDNN_STATUS_NOT_SUPPORTED_ARCH_MISMATCH", C.UNSUPPORTED_GPU, "cudnn_arch_mismatch"),
    ("RuntimeError: cuDNN error: CUDNN_STATUS_INTERNAL_ERROR_DEVICE_ALLOCATION_FAILED", C.GPU_OOM, "cudnn_not_initialized"),
    ("RuntimeError: cuDNN error: CUDNN_STATUS_MAPPING_ERROR", C.UNKNOWN, "cudnn_execution_failed"),
    ("RuntimeError: cuFFT error: CUFFT_ALLOC_FAILED", C.GPU_OOM, "cuda_math_lib_init_failed"),
    ("RuntimeError: cusolver error: CUSOLVER_STATUS_NOT_INITIALIZED, when calling `cusolverDnCreate(handle)`", C.GPU_OOM, "cuda_math_lib_init_failed"),
    ("RuntimeError: CUDA error: CUSPARSE_STATUS_INSUFFICIENT_RESOURCES when calling `cusparseCreate(handle)`", C.GPU_OOM, "cuda_math_lib_init_failed"),
    ("RuntimeError: cuSPARSE error: CUSPARSE_STATUS_ARCH_MISMATCH", C.UNSUPPORTED_GPU, "cuda_math_lib_arch_mismatch"),
    ("RuntimeError: cuFFT error: CUFFT_INTERNAL_ERROR", C.UNKNOWN, "cuda_math_lib_failed"),
    # NVML C names (go-nvml, DCGM) and the WSL wording
    ("nvmlInit_v2 failed: NVML_ERROR_DRIVER_NOT_LOADED", C.GPU_RUNTIME_MISSING, "nvml_driver_not_loaded"),
    ("nvmlDeviceGetMemoryInfo failed: NVML_ERROR_NOT_SUPPORTED", C.UNKNOWN, "nvml_not_supported"),
    ("Failed to initialize NVML: GPU access blocked by the operating system", C.GPU_RUNTIME_MISSING, "nvml_init_failed_in_container"),
    ("failed to init nvml: NVML_ERROR_LIB_RM_VERSION_MISMATCH", C.LIBRARY_MISMATCH, "nvml_driver_library_mismatch"),
    # cncf-tags/container-device-interface pkg/cdi/spec.go, as podman prints it on a registry refresh
    ('Error: setting up CDI devices: failed to load CDI Spec failed to parse CDI Spec "/etc/cdi/nvidia.yaml": failed to unmarshal '
     'CDI Spec: error unmarshaling JSON: while decoding JSON: json: unknown field "additionalGids"', C.GPU_RUNTIME_MISSING,
     "cdi_spec_unreadable"),
    # containers/common libimage, as podman warns before running an image of another platform
    ("WARNING: image platform (linux/arm64) does not match the expected platform (linux/amd64)", C.ARCH_MISMATCH,
     "docker_platform_warning"),
    # Windows ERROR_DISK_FULL (112) as Rust's io::Error prints it
    ("Error: failed to write model file: There is not enough space on the disk. (os error 112)", C.DISK_FULL, "no_space_left"),
]


@pytest.mark.parametrize(("line", "expected", "signature"), CASES, ids=[c[2] + f"-{i}" for i, c in enumerate(CASES)])
def test_stack_messages_as_their_sources_print_them(line: str, expected: FailureClass, signature: str) -> None:
    d = classify_text(line + "\n")
    assert (d.failure_class, d.signature) == (expected, signature)


def test_a_gpu_kernel_s_illegal_instruction_is_not_a_cpu_one() -> None:
    d = classify_text("RuntimeError: CUDA error: an illegal instruction was encountered\n")
    assert d.signature == "cuda_kernel_fault"


def test_an_application_xid_is_no_hardware_fault() -> None:
    # Xid 13 (graphics engine exception) follows a program's own bug, not the GPU's
    d = classify_text("[  812.3] NVRM: Xid (PCI:0000:01:00): 13, pid=1234, name=python3, Graphics Exception on (GPC 0, TPC 1)\n")
    assert d.signature != "nvrm_xid_gpu_lost"


def test_an_os_invalid_argument_is_no_cuda_error() -> None:
    assert classify_text("OSError: [Errno 22] Invalid argument\n").signature != "cuda_usage_error"


def test_on_jetson_a_math_library_that_cannot_start_is_a_library_mismatch() -> None:
    d = classify_text("RuntimeError: cusolver error: CUSOLVER_STATUS_NOT_INITIALIZED, when calling `cusolverDnCreate(handle)`\n", jetson=True)
    assert d.failure_class is C.LIBRARY_MISMATCH


def test_a_named_cause_outranks_the_host_allocation_symptom() -> None:
    # the CUDA OOM PyTorch raises (torch.OutOfMemoryError) is not Python's MemoryError
    d = classify_text("torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 15.29 GiB\n")
    assert d.failure_class is C.GPU_OOM
    # the kernel's kill names the cause that bad_alloc only hints at
    d = classify_text("terminate called after throwing an instance of 'std::bad_alloc'\n"
                      "[ 99.1] Out of memory: Killed process 77 (llama-server) total-vm:9000000kB, anon-rss:8000000kB, file-rss:0kB\n")
    assert d.signature == "kernel_oom_killer"


# Ordinary lines of the same programs: nothing here may read as a failure.
HEALTHY = """\
Unable to find image 'dustynv/vllm:r36.4.0' locally
r36.4.0: Pulling from dustynv/vllm
3f2a1b2c3d4e: Pull complete
Digest: sha256:50ab2378567a62b811a2967759dd91f254864c3495cbe50576bd8a85bc6edd56
Status: Downloaded newer image for dustynv/vllm:r36.4.0
NVIDIA Container Runtime Hook version 1.17.8
Auto-detected mode as 'csv'
NVML library version: 570.86
CUDA Version 12.6.68
[    5.123456] systemd[1]: Started Userspace Out-Of-Memory (OOM) Killer.
[    6.000000] nvgpu: 17000000.gpu   nvgpu_pmu_init:123  [INFO]  PMU init done
warning: failed to mlock 1073741824-byte buffer (after previously locking 0 bytes): Cannot allocate memory
Try increasing RLIMIT_MEMLOCK ('ulimit -l' as root).
            "OOMKilled": false,
earlyoom v1.7: mem avail: 12345 of 15677 MiB (78.75%), swap free: 2047 of 2047 MiB (100.00%)
INFO 09-01 10:00:05 [cuda.py:398] Using Flash Attention backend on V1 engine.
INFO 09-01 10:00:30 [gpu_worker.py:276] Available KV cache memory: 4.21 GiB
INFO:     Application startup complete.
"""


def test_healthy_stack_lines_are_not_failures() -> None:
    for jetson in (False, True):
        assert classify_text(HEALTHY, backend="vllm", jetson=jetson).failure_class is C.NONE


def test_ptx_from_a_newer_toolchain_is_the_driver_on_a_server_and_a_build_for_another_platform_on_jetson() -> None:
    # CUDA driver_types.h cudaErrorUnsupportedPtxVersion = 222, as ggml's CUDA_CHECK prints it
    line = "CUDA error: the provided PTX was compiled with an unsupported toolchain.\n"
    server, jetson = classify_text(line, backend="ollama"), classify_text(line, backend="ollama", jetson=True)
    assert server.failure_class is C.DRIVER_TOO_OLD and "driver" in server.fix
    assert jetson.failure_class is C.LIBRARY_MISMATCH and "JetPack" in jetson.fix
