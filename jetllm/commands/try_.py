"""`jetllm try BACKEND`: one real attempt, measured and, when it fails, classified."""

from __future__ import annotations

from pathlib import Path

import typer

from jetllm.envelope import Outcome

HELP = """One attempt: resolve the backend's image for this machine, pull it if needed,
start it with the given settings, wait until it serves, send one streamed chat
request, measure, stop it, and say what happened. Exit 0 ready, 1 failed, 2 bad usage."""


def register(app: typer.Typer) -> None:
    @app.command("try", help=HELP)
    def try_(
        backend: str | None = typer.Argument(None, help="vllm, ollama, llama.cpp, sglang, tensorrt-llm"),
        profile: Path | None = typer.Option(None, "--profile", help="A profile YAML file instead of BACKEND."),
        image: str | None = typer.Option(None, "--image", help="Use this image instead of the profile's."),
        model: str | None = typer.Option(None, "--model", help="HF id, GGUF path or Ollama tag."),
        gpu_util: float | None = typer.Option(None, "--gpu-util", help="Fraction of GPU memory (0-1]."),
        max_len: int | None = typer.Option(None, "--max-len", help="Context length."),
        concurrency: int | None = typer.Option(None, "--concurrency", help="Max parallel sequences."),
        gpu_layers: int | None = typer.Option(None, "--gpu-layers", help="Layers offloaded (llama.cpp, Ollama)."),
        quantization: str | None = typer.Option(None, "--quantization", help="Passed to the backend (awq, gptq, fp8, ...)."),
        port: int | None = typer.Option(None, "--port", help="Host port (on 127.0.0.1)."),
        memory: str | None = typer.Option(None, "--memory", help="Host memory limit, e.g. 8g."),
        timeout: float | None = typer.Option(None, "--timeout", help="Seconds to wait for readiness."),
        pull: str = typer.Option("missing", "--pull", help="missing, always or never."),
        keep: bool = typer.Option(False, "--keep", help="Leave a working backend running."),
        force: bool = typer.Option(False, "--force", help="Skip the prerequisite checks."),
        facts: Path | None = typer.Option(None, "--facts", help="Host facts from `jetllm doctor --json`."),
        json: bool = typer.Option(False, "--json", help="Print the Attempt as JSON."),
    ) -> Outcome:
        from jetllm.runtime.command import TryOptions, run_try
        from jetllm.runtime.spec import Settings

        settings = Settings(model=model, gpu_util=gpu_util, max_len=max_len, concurrency=concurrency,
                            gpu_layers=gpu_layers, quantization=quantization)
        return run_try(TryOptions(backend, profile, image, settings, port, memory, timeout, pull,
                                  keep, force, facts, json))
