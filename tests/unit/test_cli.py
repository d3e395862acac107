"""The CLI's contract: version, help, and exit code 2 with one line on bad usage."""

from __future__ import annotations

import json
import os

import pytest
import typer

from jetllm import __version__
from jetllm.cli import app, run


def test_version(cli):
    result = cli("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"jetllm {__version__}"


def test_unknown_command_is_usage_error(cli):
    result = cli("frobnicate")
    assert result.exit_code == 2
    assert "No such command 'frobnicate'" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_unknown_option_is_usage_error(cli):
    result = cli("--frobnicate")
    assert result.exit_code == 2
    assert "No such option: --frobnicate" in result.stderr


def test_no_command_lists_the_commands_as_bad_usage(cli):
    result = cli()
    assert result.exit_code == 2 and result.stdout == ""
    assert "Commands:" in result.stderr and "bringup" in result.stderr


def test_debug_stays_with_its_run_and_out_of_the_environment(monkeypatch, capsys):
    monkeypatch.delenv("JETLLM_DEBUG", raising=False)
    assert run(["--debug", "profiles", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["status"] == "ok"
    assert "JETLLM_DEBUG" not in os.environ  # processes started later would inherit it


SHARED = ("--model", "--image", "--gpu-util", "--max-len", "--memory", "--pull", "--facts", "--json")


def test_try_and_bringup_say_the_same_of_the_options_they_share():
    commands = typer.main.get_command(app).commands  # type: ignore[attr-defined]
    helps = {name: {flag: param.help for param in commands[name].params for flag in param.opts}
             for name in ("try", "bringup")}
    assert {flag: helps["try"][flag] for flag in SHARED} == {flag: helps["bringup"][flag] for flag in SHARED}


@pytest.mark.parametrize("args,message", [
    (["--gpu-util", "1.5"], "--gpu-util must be in (0, 1], not 1.5"),
    (["--max-len", "0"], "--max-len must be at least 1, not 0"),
    (["--pull", "sometimes"], "--pull must be one of missing, always, never, not 'sometimes'"),
    (["--memory", "lots"], "--memory must be a size like 512m or 8g, not 'lots'"),
    (["--model", "./no-such.gguf"], "--model ./no-such.gguf: no such file or folder"),
    (["--image", "Not An Image"], "--image: not an image reference"),
])
def test_try_and_bringup_refuse_a_shared_option_with_the_same_line(cli, tmp_path, args, message):
    for command in (["try", "vllm"], ["bringup", "--backends", "vllm", "--out", str(tmp_path / "r")]):
        result = cli(*command, *args, cwd=tmp_path)
        assert result.exit_code == 2, result.stderr
        assert result.stderr.startswith(f"jetllm: error: {message}"), (command, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1


def test_each_run_prints_at_the_width_it_is_given(cli):
    """The consoles follow each run's streams and COLUMNS (none is kept from an earlier run)."""
    narrow, wide = cli("profiles", env={"COLUMNS": "50"}), cli("profiles", env={"COLUMNS": "200"})
    assert max(len(line) for line in narrow.stdout.splitlines()) <= 50
    assert max(len(line) for line in wide.stdout.splitlines()) > 50
