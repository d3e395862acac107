"""The profiles' tool-call flags: per model family, added to the command."""

from __future__ import annotations

import pytest

from jetllm.catalog import load_profile, render
from jetllm.catalog.render import tool_call_args
from jetllm.core.facts import HostFacts, PlatformFacts
from jetllm.core.spec import Settings


@pytest.mark.parametrize(("model", "parser"), [
    ("Qwen/Qwen2.5-3B-Instruct-AWQ", "hermes"),
    ("Qwen/Qwen3-8B", "hermes"),
    ("Qwen/Qwen3.5-4B", "qwen3_coder"),
    ("Qwen/Qwen3-Coder-30B-A3B-Instruct", "qwen3_coder"),
    ("meta-llama/Llama-3.2-3B-Instruct", "llama3_json"),
    ("meta-llama/Llama-4-Scout-17B-16E-Instruct", "llama4_pythonic"),
    ("mistralai/Mistral-7B-Instruct-v0.3", "mistral"),
])
def test_vllm_gets_the_parser_of_the_model_family(model: str, parser: str) -> None:
    assert tool_call_args(load_profile("vllm"), model) == ("--enable-auto-tool-choice", "--tool-call-parser", parser)


@pytest.mark.parametrize(("model", "parser"), [
    ("Qwen/Qwen2.5-7B-Instruct", "qwen25"),
    ("Qwen/Qwen3-Coder-30B-A3B-Instruct", "qwen3_coder"),
    ("meta-llama/Llama-3.1-8B-Instruct", "llama3"),
    ("meta-llama/Llama-4-Scout-17B-16E-Instruct", "llama4"),
    ("deepseek-ai/DeepSeek-V3-0324", "deepseekv3"),
    ("openai/gpt-oss-20b", "gpt-oss"),
])
def test_sglang_gets_the_parser_of_the_model_family(model: str, parser: str) -> None:
    assert tool_call_args(load_profile("sglang"), model) == ("--tool-call-parser", parser)


def test_a_family_without_an_entry_gets_no_flags() -> None:
    assert tool_call_args(load_profile("vllm"), "microsoft/phi-2") == ()


def test_llama_server_gets_jinja_for_every_model_and_the_command_carries_it() -> None:
    facts = HostFacts(platform=PlatformFacts(arch="x86_64"))
    spec = render(load_profile("llama.cpp"), facts, Settings(model="bartowski/SmolLM2-135M-Instruct-GGUF"))
    assert spec.tool_call_args == ("--jinja",)
    assert spec.command[-1] == "--jinja"
