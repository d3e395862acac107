"""Backends a bring-up leaves out before anything starts: one result each, with
the failure class, the cause and the fix, and the image it would have run."""

from __future__ import annotations

from pathlib import Path

from jetllm.catalog import load_profile
from jetllm.core.diagnosis import FailureClass
from jetllm.core.facts import HostFacts
from jetllm.search.candidates import StopReason, Verdict
from jetllm.search.stages import Overrides, Stages

HOSTS = Path(__file__).resolve().parent.parent / "fixtures" / "profiles" / "hosts"


def host(name: str) -> HostFacts:
    return HostFacts.model_validate_json((HOSTS / f"{name}.json").read_text())


def test_gpu_backends_on_a_host_without_a_driver_are_gpu_runtime_missing() -> None:
    selection = Stages(facts=host("x86-cpu")).candidates([load_profile(n) for n in ("vllm", "sglang", "ollama")])
    assert [c.backend for c in selection.candidates] == ["ollama"]  # it has a CPU image
    left = {r.candidate.name: r for r in selection.left_out}
    assert set(left) == {"vllm", "sglang"}
    vllm = left["vllm"]
    assert vllm.verdict is Verdict.LEFT_OUT and vllm.stop is StopReason.LEFT_OUT and vllm.attempts == []
    assert vllm.candidate.image == "vllm/vllm-openai:latest"  # what a GPU would run here
    assert vllm.diagnosis is not None and vllm.diagnosis.failure_class is FailureClass.GPU_RUNTIME_MISSING
    assert vllm.diagnosis.cause.startswith("vllm needs the GPU and no NVIDIA driver answers on this host")
    assert vllm.diagnosis.fix.startswith("install the NVIDIA driver") and "nvidia-ctk" in vllm.diagnosis.fix


def test_a_jetson_without_an_image_for_its_l4t_release_says_so() -> None:
    selection = Stages(facts=host("xavier-r35.4.1"), overrides=Overrides(model="Qwen/Qwen2.5-0.5B-Instruct")
                       ).candidates([load_profile("vllm")])
    assert selection.candidates == []
    (vllm,) = selection.left_out
    assert vllm.candidate.image == "" and vllm.diagnosis is not None
    assert vllm.diagnosis.failure_class is FailureClass.LIBRARY_MISMATCH
    assert "no Jetson image for L4T 35.4.1" in vllm.diagnosis.cause and "--image" in vllm.diagnosis.fix
