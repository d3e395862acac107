"""A ContainerSpec -> docker-py create() arguments, without a daemon."""

from __future__ import annotations

import os
import socket

import pytest

from jetllm.core import labels
from jetllm.core.owner import owner_labels
from jetllm.core.redact import Redactor
from jetllm.core.spec import ContainerSpec, GpuHandover, Mount
from jetllm.runtime.docker import create_kwargs, secret_values


def _spec(**changes: object) -> ContainerSpec:
    base = ContainerSpec(backend="vllm", image="vllm/vllm-openai:latest", container_port=8000,
                         env={"VLLM_LOGGING_LEVEL": "INFO"}, secret_env=["HF_TOKEN"],
                         mounts=[Mount(source="/data/hf", target="/root/.cache/huggingface")])
    return base.model_copy(update=changes)


def test_least_privilege_labels_and_loopback_port() -> None:
    kwargs = create_kwargs(_spec(), host_port=18000, run_id="r1", name="n", environ={})
    assert kwargs["labels"] == {labels.RUN: "r1", labels.BACKEND: "vllm", labels.MANAGED: "1", **owner_labels()}
    assert kwargs["ports"] == {"8000/tcp": ("127.0.0.1", 18000)}
    assert kwargs["privileged"] is False and kwargs["init"] is True
    assert kwargs["security_opt"] == ["no-new-privileges"]
    assert kwargs["volumes"] == {"/data/hf": {"bind": "/root/.cache/huggingface", "mode": "rw"}}
    assert "runtime" not in kwargs and "device_requests" not in kwargs


def test_gpu_hand_over_per_spec() -> None:
    jetson = create_kwargs(_spec(gpu=GpuHandover.RUNTIME, runtime="nvidia"), host_port=1, run_id="r",
                           name="n", environ={})
    assert jetson["runtime"] == "nvidia"
    x86 = create_kwargs(_spec(gpu=GpuHandover.DEVICE_REQUEST), host_port=1, run_id="r", name="n", environ={})
    (request,) = x86["device_requests"]
    assert request["Count"] == -1 and request["Capabilities"] == [["gpu"]]
    cdi = create_kwargs(_spec(gpu=GpuHandover.CDI), host_port=1, run_id="r", name="n", environ={})
    assert cdi["device_requests"][0]["DeviceIDs"] == ["nvidia.com/gpu=all"]


def test_memory_limit_tty_and_token_pass_through() -> None:
    spec = _spec(memory_limit="8g", tty=True)
    kwargs = create_kwargs(spec, host_port=1, run_id="r", name="n", environ={"HF_TOKEN": "hf_abcdefgh12345"})
    assert kwargs["mem_limit"] == "8g" and kwargs["memswap_limit"] == "8g"
    assert kwargs["tty"] is True and kwargs["stdin_open"] is True
    assert kwargs["environment"] == {"VLLM_LOGGING_LEVEL": "INFO", "HF_TOKEN": "hf_abcdefgh12345"}
    assert "HF_TOKEN" not in create_kwargs(spec, host_port=1, run_id="r", name="n", environ={})["environment"]
    assert secret_values(spec, {"HF_TOKEN": "hf_abcdefgh12345"}) == ["hf_abcdefgh12345"]


def test_redaction_of_values_and_token_shapes() -> None:
    redact = Redactor(["s3cr3t-value"])
    assert redact("token is s3cr3t-value here") == "token is *** here"
    assert redact("HF_TOKEN=hf_abcdefghijklmnop") == "HF_TOKEN=***"
    assert redact("Authorization: Bearer abcdef123456789") == "Authorization: Bearer ***"
    assert redact("api_key: sk-12345678") == "api_key: ***"
    assert redact("INFO loading model Qwen/Qwen2.5-0.5B") == "INFO loading model Qwen/Qwen2.5-0.5B"


def test_the_users_own_labels_come_along_and_never_replace_ours() -> None:
    environ = {"JETLLM_LABELS": "ci.job=4711, owner=smoke"}
    kwargs = create_kwargs(_spec(), host_port=1, run_id="r1", name="n", environ=environ)
    assert kwargs["labels"] == {"ci.job": "4711", "owner": "smoke", labels.RUN: "r1",
                                labels.BACKEND: "vllm", labels.MANAGED: "1", **owner_labels()}
    for bad in ("ci.job", "=4711", "jetllm.run=mine"):
        with pytest.raises(ValueError, match="JETLLM_LABELS"):
            labels.extra_labels({"JETLLM_LABELS": bad})


def test_every_container_names_its_owner_and_whether_it_is_kept() -> None:
    plain = create_kwargs(_spec(), host_port=1, run_id="r", name="n", environ={})["labels"]
    assert plain[labels.HOST] == socket.gethostname() and plain[labels.PID] == str(os.getpid())
    assert plain[labels.PID_START].isdigit() and labels.KEEP not in plain
    kept = create_kwargs(_spec(), host_port=1, run_id="r", name="n", environ={}, keep=True)["labels"]
    assert kept[labels.KEEP] == "1"
