"""container.yaml: Docker CLI/daemon, runc and the NVIDIA container stack, fed
the messages as their sources print them (format strings filled in)."""

from __future__ import annotations

import pytest

from jetllm.classify import FailureClass, classify_text

C = FailureClass

CASES = [
    # moby client/request.go @ docker-v29.7.2 (CLI >= 29) and the older wording
    ("permission denied while trying to connect to the docker API at unix:///var/run/docker.sock", C.DOCKER_UNAVAILABLE, "docker_socket_permission"),
    ("permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Get \"http://%2Fvar%2Frun%2Fdocker.sock/v1.47/containers/json\": dial unix /var/run/docker.sock: connect: permission denied", C.DOCKER_UNAVAILABLE, "docker_socket_permission"),
    ("failed to connect to the docker API at unix:///var/run/docker.sock; check if the path is correct and if the daemon is running: dial unix /var/run/docker.sock: connect: no such file or directory", C.DOCKER_UNAVAILABLE, "docker_daemon_unreachable"),
    # moby client/errors.go
    ("Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?", C.DOCKER_UNAVAILABLE, "docker_daemon_unreachable"),
    # moby daemon/internal/distribution/errors.go, pull_v2.go, containerd/image_pull.go
    ("docker: Error response from daemon: pull access denied for jetllm/nope, repository does not exist or may require 'docker login': denied: requested access to the resource is denied", C.IMAGE_PULL_FAILED, "docker_pull_denied"),
    ("Error response from daemon: manifest for dustynv/vllm:r36.9.9 not found: manifest unknown: manifest unknown", C.IMAGE_PULL_FAILED, "docker_manifest_unknown"),
    ("toomanyrequests: You have reached your unauthenticated pull rate limit. https://www.docker.com/increase-rate-limit", C.IMAGE_PULL_FAILED, "docker_rate_limit"),
    ("docker: invalid reference format: repository name (library/Ollama) must be lowercase.", C.IMAGE_PULL_FAILED, "docker_invalid_reference"),
    ("docker: Error response from daemon: no matching manifest for linux/arm64/v8 in the manifest list entries.", C.ARCH_MISMATCH, "docker_no_matching_manifest"),
    # runc: ENOEXEC of the image's entrypoint
    ("exec /usr/bin/python3: exec format error", C.ARCH_MISMATCH, "exec_format_error"),
    # libnetwork portallocator.go; daemon/container_operations.go (docker 28+ prefix)
    ("docker: Error response from daemon: failed to set up container networking: driver failed programming external connectivity on endpoint jetllm-x (3f2a): Bind for 127.0.0.1:8000 failed: port is already allocated", C.PORT_IN_USE, "port_in_use"),
    ("docker: Error response from daemon: Ports are not available: exposing port TCP 0.0.0.0:8080 -> 0.0.0.0:0: listen tcp 0.0.0.0:8080: "
     "bind: An attempt was made to access a socket in a way forbidden by its access permissions.", C.PORT_IN_USE, "port_in_use"),
    ("write /var/lib/docker/tmp/GetImageBlob123: no space left on device", C.DISK_FULL, "no_space_left"),
    # moby daemon/errors.go, runtime_unix.go, pkg/oci/devices_linux.go
    ('docker: Error response from daemon: could not select device driver "" with capabilities: [[gpu]].', C.GPU_RUNTIME_MISSING, "docker_gpu_driver_missing"),
    ("docker: Error response from daemon: unknown or invalid runtime name: nvidia.", C.GPU_RUNTIME_MISSING, "docker_unknown_runtime"),
    ('docker: Error response from daemon: error gathering device information while adding custom device "/dev/nvhost-ctrl": no such file or directory.', C.GPU_RUNTIME_MISSING, "docker_custom_device_missing"),
    # libnvidia-container (nvidia-container-cli) as the runc hook reports it
    ("nvidia-container-cli: initialization error: nvml error: driver not loaded: unknown", C.GPU_RUNTIME_MISSING, "nvct_driver_not_loaded"),
    ("nvidia-container-cli: initialization error: load library failed: libnvidia-ml.so.1: cannot open shared object file: no such file or directory: unknown", C.GPU_RUNTIME_MISSING, "nvct_driver_not_loaded"),
    ("nvidia-container-cli: mount error: failed to add device rules: unable to find any existing device filters attached to the cgroup: bpf_prog_query(BPF_CGROUP_DEVICE) failed: operation not permitted: unknown", C.GPU_RUNTIME_MISSING, "nvct_device_rules_denied"),
    ("nvidia-container-cli: requirement error: unsatisfied condition: cuda>=12.6, please update your driver to a newer version, or use an earlier cuda container: unknown", C.DRIVER_TOO_OLD, "nvct_unsatisfied_cuda"),
    # nvidia-container-toolkit cmd/nvidia-container-runtime-hook/hook_config.go: --gpus on a Jetson (CSV mode)
    ("docker: Error response from daemon: failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: "
     "unable to start container process: error during container init: error running hook #0: error running hook: exit status 1, stdout: , stderr: "
     "Auto-detected mode as 'csv'\ninvoking the NVIDIA Container Runtime Hook directly (e.g. specifying the docker --gpus flag) is not supported. "
     "Please use the NVIDIA Container Runtime (e.g. specify the --runtime=nvidia flag) instead.: unknown", C.GPU_RUNTIME_MISSING, "nvct_hook_needs_runtime"),
    # nvidia-container-toolkit internal/modifier/cdi/registry.go; moby daemon/cdi.go
    ("failed to create NVIDIA Container Runtime: failed to construct OCI spec modifier: failed to construct CDI modifier: failed to inject CDI devices: unresolvable CDI devices nvidia.com/gpu=all: unknown", C.GPU_RUNTIME_MISSING, "nvct_cdi_unresolvable"),
    ("docker: Error response from daemon: CDI device injection failed: unresolvable CDI devices nvidia.com/gpu=all", C.GPU_RUNTIME_MISSING, "nvct_cdi_unresolvable"),
    # moby client/request.go (Windows, Docker Desktop not running)
    ('error during connect: this error may indicate that the docker daemon is not running: Get "http://%2F%2F.%2Fpipe%2Fdocker_engine/v1.24/containers/json": '
     "open //./pipe/docker_engine: The system cannot find the file specified.", C.DOCKER_UNAVAILABLE, "docker_daemon_unreachable"),
    # containerd resolver: a private registry without docker login
    ('docker: Error response from daemon: Head "https://nvcr.io/v2/nvidia/tritonserver/manifests/24.05-trtllm-python-py3": unauthorized: <html>', C.IMAGE_PULL_FAILED, "docker_pull_denied"),
    # docker/cli before 19.03 (cobra)
    ("unknown flag: --gpus\nSee 'docker run --help'.", C.GPU_RUNTIME_MISSING, "docker_gpus_flag_unknown"),
    # libnvidia-container nvc_mount.c: an image that bundles libcuda
    ("nvidia-container-cli: mount error: file creation failed: /var/lib/docker/overlay2/9f1c/merged/usr/lib/aarch64-linux-gnu/libcuda.so.1: file exists: unknown",
     C.LIBRARY_MISMATCH, "nvct_mount_file_exists"),
]


@pytest.mark.parametrize(("line", "expected", "signature"), CASES, ids=[c[2] + f"-{i}" for i, c in enumerate(CASES)])
def test_container_messages_as_their_sources_print_them(line: str, expected: FailureClass, signature: str) -> None:
    d = classify_text(line + "\n", backend="docker")
    assert (d.failure_class, d.signature) == (expected, signature)


def test_a_driver_library_mismatch_is_not_read_as_a_missing_runtime() -> None:
    # nvml's own text wins over the generic "initialization error" of nvidia-container-cli
    d = classify_text("nvidia-container-cli: initialization error: nvml error: driver/library version mismatch: unknown\n")
    assert d.failure_class is C.LIBRARY_MISMATCH


HEALTHY = """\
Unable to find image 'ollama/ollama:0.6.8' locally
0.6.8: Pulling from ollama/ollama
Digest: sha256:50ab2378567a62b811a2967759dd91f254864c3495cbe50576bd8a85bc6edd56
Status: Downloaded newer image for ollama/ollama:0.6.8
"""


def test_an_ordinary_pull_matches_no_signature() -> None:
    # docker/cli create.go and the daemon's pull progress: no failure, and no readiness either
    assert classify_text(HEALTHY, backend="docker").signature == "no-evidence"


RUNC = ("docker: Error response from daemon: failed to create task for container: failed to create shim task: OCI runtime create failed: "
        "runc create failed: unable to start container process: error during container init: ")

TOOLKIT_HOOKS = [
    # libnvidia-container @ v1.17.0 through runc libcontainer/configs/config.go
    (RUNC + "error running hook #0: error running hook: exit status 1, stdout: , stderr: Auto-detected mode as 'legacy'\n"
     "nvidia-container-cli: error parsing IMEX info: unsupported IMEX channel value: all: unknown.", "nvct_imex_channel"),
    ('Error: container create failed: time="2024-11-12T14:03:56Z" level=error msg="runc create failed: unable to start container process: error during container init: '
     'error running hook #0: error running hook: exit status 1, stdout: , stderr: nvidia-container-cli.real: error parsing IMEX info: unsupported IMEX channel value: all\\n"',
     "nvct_imex_channel"),  # podman/CRI-O under the GPU operator
    # nvidia-cdi-hook create-symlinks @ v1.17.2 (logrus text format)
    ('time="2025-01-10T10:00:00Z" level=error msg="failed to create link [/usr/lib/aarch64-linux-gnu/nvidia/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json]: '
     'failed to create symlink: failed to remove existing file: remove /var/lib/docker/overlay2/abc/merged/etc/vulkan/icd.d/nvidia_icd.json: device or resource busy"',
     "nvct_hook_symlink"),
    # runc: a hook that failed with nothing the toolkit's signatures name
    (RUNC + "error running prestart hook #0: exit status 2, stdout: , stderr: ", "oci_hook_failed"),
    (RUNC + "error running hook #1: error running hook: signal: segmentation fault, stdout: , stderr: ", "oci_hook_failed"),
    (RUNC + "error running createRuntime hook #0: exit status 1, stdout: , stderr: ", "oci_hook_failed"),
]


@pytest.mark.parametrize(("text", "signature"), TOOLKIT_HOOKS, ids=[c[1] + f"-{i}" for i, c in enumerate(TOOLKIT_HOOKS)])
def test_toolkit_hook_failures_leave_no_gpu(text: str, signature: str) -> None:
    for jetson in (False, True):
        d = classify_text(text + "\n", backend="docker", jetson=jetson)
        assert (d.failure_class, d.signature) == (C.GPU_RUNTIME_MISSING, signature)


def test_the_hook_s_named_cause_wins_over_the_hook_failure() -> None:
    d = classify_text(RUNC + "error running hook #0: error running hook: exit status 1, stdout: , stderr: Auto-detected mode as 'legacy'\n"
                      "nvidia-container-cli: requirement error: unsatisfied condition: cuda>=12.6, please update your driver to a newer version\n")
    assert d.failure_class is C.DRIVER_TOO_OLD


@pytest.mark.parametrize("line", [
    # containers/image docker/docker_image_src.go, as podman prints it, with quay.io's and Docker Hub's refusals
    "Error: initializing source docker://quay.io/example/missing-image:latest: reading manifest latest in quay.io/example/missing-image: "
    "unauthorized: access to the requested resource is not authorized",
    "Error: initializing source docker://docker.io/library/private:1.0: reading manifest 1.0 in docker.io/library/private: "
    "requested access to the resource is denied",
])
def test_podman_pull_refusals(line: str) -> None:
    d = classify_text(line + "\n", backend="docker")
    assert (d.failure_class, d.signature) == (C.IMAGE_PULL_FAILED, "docker_pull_denied")


def test_a_healthy_toolkit_hook_is_no_failure() -> None:
    log = ('time="2025-01-10T10:00:00Z" level=info msg="Symlinking /var/lib/docker/overlay2/abc/merged/etc/vulkan/icd.d/nvidia_icd.json '
           'to /usr/lib/aarch64-linux-gnu/nvidia/nvidia_icd.json"\n'
           "Trying to pull quay.io/example/image:latest...\nGetting image source signatures\nCopying blob sha256:0a1b\nWriting manifest to image destination\n")
    assert classify_text(log, backend="docker").signature == "no-evidence"
