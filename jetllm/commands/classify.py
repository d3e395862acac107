"""`jetllm classify LOG|-`: name the cause of a failed start from its log."""

from __future__ import annotations

import typer

from jetllm.envelope import Outcome

BACKEND_ALIASES = {
    "vllm": "vllm", "ollama": "ollama", "llama.cpp": "llama.cpp", "llamacpp": "llama.cpp",
    "llama-cpp": "llama.cpp", "llama-server": "llama.cpp", "tensorrt-llm": "tensorrt-llm",
    "trtllm": "tensorrt-llm", "trt-llm": "tensorrt-llm", "sglang": "sglang", "pytorch": "pytorch",
    "torch": "pytorch", "docker": "docker", "nvidia-container-toolkit": "nvidia-container-toolkit",
    "huggingface-hub": "huggingface-hub", "hf": "huggingface-hub", "mlc-llm": "mlc-llm", "mlc": "mlc-llm",
}  # fmt: skip


def register(app: typer.Typer) -> None:
    @app.command("classify")
    def classify(
        log: str = typer.Argument(..., metavar="LOG|-", help="Log file to read, or - for standard input."),
        backend: str | None = typer.Option(None, "--backend", help="Backend that wrote the log (vllm, ollama, llama.cpp, tensorrt-llm, sglang, ...)."),
        exit_code: int | None = typer.Option(None, "--exit-code", help="The container's exit code."),
        oom_killed: bool = typer.Option(False, "--oom-killed", help="Docker reported OOMKilled."),
        timed_out: bool = typer.Option(False, "--timed-out", help="It was stopped for not becoming ready in time."),
        platform: str | None = typer.Option(None, "--platform", help="jetson or x86 (default: detected)."),
        as_json: bool = typer.Option(False, "--json", help="Print one JSON document."),
    ) -> Outcome:
        """Name the failure class of a backend log, with evidence, fix and retry_smaller."""
        from jetllm.classify.render import run_classify

        return run_classify(log, backend=_backend(backend), exit_code=exit_code, oom_killed=oom_killed,
                     timed_out=timed_out, platform=_platform(platform), as_json=as_json)  # fmt: skip


def _backend(value: str | None) -> str | None:
    if value is None:
        return None
    name = BACKEND_ALIASES.get(value.lower())
    if name is None:
        raise typer.BadParameter(f"unknown backend {value!r}; one of: {', '.join(sorted(set(BACKEND_ALIASES.values())))}", param_hint="--backend")
    return name


def _platform(value: str | None) -> str | None:
    if value is not None and value.lower() not in ("jetson", "x86"):
        raise typer.BadParameter(f"{value!r} is not jetson or x86", param_hint="--platform")
    return value.lower() if value else None
