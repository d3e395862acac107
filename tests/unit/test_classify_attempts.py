"""A log pasted with more than one attempt (the same command run again) is judged by
its last attempt: an earlier attempt's cause does not outrank the cause that ended the
last one (decide.py, rule 5)."""

from __future__ import annotations

from jetllm.classify import FailureClass, classify_text

C = FailureClass

DAEMON_DOWN = (
    "docker: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?.\n"
    "See 'docker run --help'.\n"
)
PORT_TAKEN = (
    "docker: Error response from daemon: driver failed programming external connectivity on endpoint vllm "
    "(5f0c1e): Bind for 0.0.0.0:8000 failed: port is already allocated.\n"
)
RUN = "user@orin:~$ docker run -d --runtime nvidia -p 8000:8000 dustynv/vllm:r36.4.0\n"


def test_the_last_attempt_decides_not_the_strongest_line() -> None:
    d = classify_text(RUN + DAEMON_DOWN + RUN + "3f9a0c2b1d\n" + PORT_TAKEN, backend="docker")
    assert d.failure_class is C.PORT_IN_USE
    assert any("port is already allocated" in e.text for e in d.evidence)


def test_the_order_of_the_attempts_is_what_counts() -> None:
    d = classify_text(RUN + PORT_TAKEN + RUN + DAEMON_DOWN, backend="docker")
    assert d.failure_class is C.DOCKER_UNAVAILABLE


def test_one_attempt_keeps_root_cause_over_symptom() -> None:
    # without a second command line both errors belong to one run: the stronger cause wins
    assert classify_text(RUN + DAEMON_DOWN + PORT_TAKEN, backend="docker").failure_class is C.DOCKER_UNAVAILABLE
    assert classify_text(DAEMON_DOWN + PORT_TAKEN, backend="docker").failure_class is C.DOCKER_UNAVAILABLE


def test_a_last_attempt_that_names_no_cause_leaves_the_earlier_one() -> None:
    d = classify_text(RUN + PORT_TAKEN + RUN + "3f9a0c2b1d\n", backend="docker")
    assert d.failure_class is C.PORT_IN_USE


def test_vllm_serve_run_twice_is_judged_by_the_second_run() -> None:
    first = (
        "$ vllm serve Qwen/Qwen2.5-7B-Instruct --max-model-len 32768\n"
        "ERROR 09-01 10:00:40 [core.py:700] ValueError: No available memory for the cache blocks. Try increasing "
        "`gpu_memory_utilization` when initializing the engine.\n"
    )
    second = (
        "$ vllm serve Qwen/Qwen2.5-7B-Instruct --max-model-len 8192 --gpu-memory-utilization 0.98\n"
        "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 1.02 GiB. GPU 0 has a total capacity of "
        "23.64 GiB of which 512.00 MiB is free.\n"
    )
    assert classify_text(first, backend="vllm").failure_class is C.KV_CACHE_INSUFFICIENT
    assert classify_text(first + second, backend="vllm").failure_class is C.GPU_OOM


def test_a_command_quoted_inside_a_message_is_not_an_attempt() -> None:
    hint = 'INFO hint: start it with "docker run --gpus all -p 8000:8000 image"\n'
    d = classify_text(hint + DAEMON_DOWN + hint + PORT_TAKEN, backend="docker")
    assert d.failure_class is C.DOCKER_UNAVAILABLE
