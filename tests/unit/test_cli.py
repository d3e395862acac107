"""The CLI's contract: version, help, and exit code 2 with one line on bad usage."""

from __future__ import annotations

from jetllm import __version__


def test_version(jetllm):
    result = jetllm("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"jetllm {__version__}"


def test_unknown_command_is_usage_error(jetllm):
    result = jetllm("frobnicate")
    assert result.exit_code == 2
    assert "No such command 'frobnicate'" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_unknown_option_is_usage_error(jetllm):
    result = jetllm("--frobnicate")
    assert result.exit_code == 2
    assert "No such option: --frobnicate" in result.stderr
