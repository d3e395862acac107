"""Checks on the host: the Jetson release, free disk, swap."""

from __future__ import annotations

from jetllm.core.checks import Check, Status, gib
from jetllm.core.facts import HostFacts
from jetllm.core.units import GIB

# A backend image takes 8-20 GiB once pulled and extracted (vLLM, SGLang and
# TensorRT-LLM images, x86 and Jetson alike; Ollama and llama.cpp about 3-5),
# and a pull needs room for the compressed layers too.
DOCKER_FAIL_BYTES = 20 * GIB
DOCKER_WARN_BYTES = 40 * GIB
# A 7-8B model is about 5 GiB as a 4-bit GGUF and 16 GiB in BF16.
MODELS_FAIL_BYTES = 10 * GIB
MODELS_WARN_BYTES = 30 * GIB
# Jetsons with 16 GB or less run out of memory loading a model without swap.
SWAP_BOARD_MAX_BYTES = 16 * GIB
SWAP_FIX = (
    "add a swap file on the fastest disk (NVMe): `sudo fallocate -l 16G /swapfile && sudo chmod "
    "600 /swapfile && sudo mkswap /swapfile && sudo swapon /swapfile`, and add "
    "`/swapfile none swap sw 0 0` to /etc/fstab"
)


def jetson_release(facts: HostFacts) -> Check:
    jetson = facts.jetson
    board = jetson.model or jetson.soc or "Jetson"
    if not jetson.l4t:
        return Check(
            id="jetson-release",
            status=Status.FAIL,
            message=f"{board}: L4T release unknown ({jetson.error})",
            fix="flash JetPack with NVIDIA SDK Manager (https://developer.nvidia.com/sdk-manager)",
        )
    power = f", power mode {jetson.power_mode}" if jetson.power_mode else ""
    if not jetson.jetpack:
        return Check(
            id="jetson-release",
            status=Status.WARN,
            message=f"{board}: L4T {jetson.l4t} is not in jetllm's L4T table{power}",
            fix="upgrade jetllm (`pip install -U jetllm`); jetllm compares L4T releases, so the rest still works",
        )
    return Check(
        id="jetson-release",
        status=Status.PASS,
        message=f"{board}: L4T {jetson.l4t} (JetPack {jetson.jetpack}), CUDA arch {jetson.cuda_arch or '?'}{power}",
    )


def _disk(check_id: str, what: str, where: str | None, free: int | None, error: str | None,
          fail: int, warn: int, why: str, fix: str) -> Check:
    if free is None:
        return Check(id=check_id, status=Status.WARN, message=f"free disk for {what} unknown: {error or 'not measured'}", fix=fix)
    found = f"{gib(free)} free" + (f" at {where}" if where else "") + f" for {what}"
    if free < fail:
        return Check(id=check_id, status=Status.FAIL, message=f"{found}; below {gib(fail)}: {why}", fix=fix)
    if free < warn:
        return Check(id=check_id, status=Status.WARN, message=f"{found}; below {gib(warn)}: {why}", fix=fix)
    return Check(id=check_id, status=Status.PASS, message=found)


def docker_disk(facts: HostFacts) -> Check:
    docker = facts.docker
    if not docker.reachable:
        return Check(id="docker-disk", status=Status.PASS, message="not checked: Docker is not reachable")
    return _disk(
        "docker-disk", "images", docker.root_dir, docker.root_dir_free_bytes, docker.root_dir_free_error,
        DOCKER_FAIL_BYTES, DOCKER_WARN_BYTES,
        "a backend image takes 8-20 GiB once extracted",
        "free space (`docker system prune`, `docker image prune -a`) or move Docker's data-root to a "
        'larger disk ("data-root" in /etc/docker/daemon.json, then `sudo systemctl restart docker`)',
    )


def models_disk(facts: HostFacts) -> Check:
    system = facts.system
    return _disk(
        "models-disk", "the Hugging Face cache", system.hf_cache_dir, system.hf_cache_free_bytes,
        system.hf_cache_free_error, MODELS_FAIL_BYTES, MODELS_WARN_BYTES,
        "a 7-8B model takes about 5 GiB at 4 bits and 16 GiB in BF16",
        "free space (`hf cache delete` removes cached models) or point HF_HOME at a larger disk",
    )


def swap(facts: HostFacts) -> Check:
    system, jetson = facts.system, facts.jetson
    total = system.memory_total_bytes
    swap_total = system.swap_total_bytes or 0
    found = f"RAM {gib(total)}, swap {gib(swap_total)}"
    if not jetson.is_jetson or total is None or total > SWAP_BOARD_MAX_BYTES:
        return Check(id="swap", status=Status.PASS, message=f"{found} (swap matters on Jetsons with 16 GB or less)")
    if swap_total == 0:
        return Check(
            id="swap",
            status=Status.WARN,
            message=f"{found}: a Jetson with 16 GB or less shares it with the GPU, and a model load "
            "without swap ends in an out-of-memory kill",
            fix=SWAP_FIX,
        )
    return Check(id="swap", status=Status.PASS, message=found)
