"""`jetllm model inspect MODEL`: a model's format, size and KV-cache figures, and the
largest context that fits on this machine (or another's, --facts FILE)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from jetllm.cli.options import Facts, Json
from jetllm.core.exitcodes import ExitCode
from jetllm.core.outcome import Outcome


def inspect_cmd(model: str, facts_file: Path | None, as_json: bool) -> Outcome:
    from jetllm.facts import host_facts
    from jetllm.modelinfo.estimate import backends_for, fits_table, usable_memory
    from jetllm.modelinfo.inspect import inspect_model
    from jetllm.render.model import render

    report = inspect_model(model)
    document: dict[str, Any] = report.model_dump(mode="json")
    document["memory"], document["fits"] = None, []
    if report.shape is not None and report.shape.sized:
        facts = host_facts(facts_file)
        memory = usable_memory(facts)
        if memory is not None:
            # without a GPU only llama.cpp runs (on the CPU)
            gpu = bool(facts.nvml.gpus) or facts.nvml.shared_memory or facts.jetson.is_jetson
            document["memory"] = memory.model_dump(mode="json")
            document["fits"] = [fit.model_dump(mode="json") for fit in fits_table(
                report.shape, memory, gpu=gpu, backends=backends_for(report.shape.format, gpu=gpu))]
    if not as_json:
        render(document)
    return Outcome(ExitCode.OK, document)


def register(app: typer.Typer) -> None:
    model_app = typer.Typer(name="model", help="What a model is and what fits: jetllm model inspect MODEL.",
                            no_args_is_help=True, rich_markup_mode=None)

    @model_app.command("inspect")
    def inspect(
        model: Annotated[str, typer.Argument(metavar="MODEL", help="HF repo (ORG/REPO, ORG/REPO:QUANT for a GGUF), local folder or .gguf file, or Ollama tag.")],
        facts_file: Facts = None,
        as_json: Json = False,
    ) -> Outcome:
        """Format, parameters, weight bytes, KV bytes per token, and the largest context that fits at 1, 4 and 8 sequences."""
        return inspect_cmd(model, facts_file, as_json)

    app.add_typer(model_app)
