"""`jetllm probe`'s terminal view (stdout): the verdict, the facts the container
showed, each problem with its fix."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jetllm.render.console import out

if TYPE_CHECKING:
    from rich.console import Console

    from jetllm.runtime.probe import ProbeFacts, ProbeResult


def fact_lines(facts: ProbeFacts) -> list[str]:
    """The probe's facts as short lines (also the report's, per candidate)."""
    lines = []
    cuda = facts.libcuda_target if facts.libcuda and facts.libcuda_target != facts.libcuda else None
    lines.append(f"libcuda   {facts.libcuda or 'none'}" + (f" -> {cuda}" if cuda else "")
                 + (f" ({facts.libcuda_kind})" if facts.libcuda_kind else ""))
    lines.append(f"devices   {' '.join(facts.dev_nodes) or 'none'}")
    if facts.cuda_driver_version or facts.cuda_init is not None:
        lines.append(f"driver    CUDA {facts.cuda_driver_version or '?'} (cuInit {facts.cuda_init})")
    if facts.image_l4t:
        lines.append(f"image L4T r{facts.image_l4t}")
    if facts.torch_version or facts.torch_error:
        torch = (f"torch {facts.torch_version} CUDA {facts.torch_cuda or 'none'}"
                 + (f", available {'yes' if facts.torch_cuda_available else 'no'}"
                    if facts.torch_cuda_available is not None else "")
                 + (f", {facts.torch_device} (cc {facts.torch_capability})" if facts.torch_device else "")
                 + (f", archs {' '.join(facts.torch_arch_list)}" if facts.torch_arch_list else ""))
        lines.append(f"torch     {torch if facts.torch_version else facts.torch_error}")
    if facts.llama_server:
        lines.append(f"llama.cpp {'; '.join(facts.llama_devices) or 'no device listed'}")
    servers = [f"{name} {version}" for name, version in (
        ("vLLM", facts.vllm_version), ("SGLang", facts.sglang_version),
        ("TensorRT-LLM", facts.tensorrt_llm_version), ("Ollama", facts.ollama_version)) if version]
    if servers:
        lines.append(f"servers   {', '.join(servers)}")
    return lines


def render(result: ProbeResult | None, *, message: str | None = None, fix: str | None = None,
           console: Console | None = None) -> None:
    console = console or out()
    if result is None:
        console.print(f"not probed: {message}", soft_wrap=True)
        if fix:
            console.print(f"  fix: {fix}", soft_wrap=True)
        return
    took = f" in {result.duration_s:.2f} s" if result.duration_s is not None else ""
    console.print(f"{result.image}: {result.verdict}{took} (GPU handed over: {result.gpu.value})", soft_wrap=True)
    if result.note:
        console.print(f"  {result.note}", soft_wrap=True)
    if result.ran:
        for line in fact_lines(result.facts):
            console.print(f"  {line}", soft_wrap=True)
    for problem in result.problems:
        console.print(f"  x {problem.failure_class.value}: {problem.message}", soft_wrap=True)
        if problem.fix:
            console.print(f"      fix: {problem.fix}", soft_wrap=True)
