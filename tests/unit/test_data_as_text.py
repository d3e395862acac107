"""Data is printed as text: what comes from report files, profiles, facts and
logs reaches the terminal as the characters it holds, never as Rich markup,
an emoji code or a terminal control sequence."""

from __future__ import annotations

import json
from pathlib import Path

from tests.unit.test_report import make_report

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
# An escape sequence that would clear the screen, one that would retitle the
# terminal, the one-byte CSI (C1), Rich markup and an emoji code.
HOSTILE = "x \x1b[2J \x1b]0;owned\x07 \x9b31m [bold]b[/bold] [/] :ok:"
CONTROLS = ("\x1b", "\x9b", "\x07")


def assert_literal(output: str) -> None:
    assert not [c for c in CONTROLS if c in output], repr(output)
    for text in ("[bold]b[/bold]", "[/]", ":ok:"):
        assert text in output, output
    assert "\N{SQUARED OK}" not in output


def test_report_fields_are_printed_as_text(jetllm, tmp_path: Path) -> None:
    document = make_report().to_json()
    candidate = document["candidates"][0]
    candidate["candidate"]["image"] = f"example/img:1 {HOSTILE}"
    candidate["diagnosis"]["cause"] = f"cause {HOSTILE}"
    candidate["diagnosis"]["fix"] = f"fix {HOSTILE}"
    (tmp_path / "report.json").write_text(json.dumps(document))
    for args in ((), ("--md",)):
        result = jetllm("report", str(tmp_path), *args)
        assert result.exit_code == document["exit_code"], result.stderr
        assert_literal(result.stdout)
        assert "[2J" in result.stdout and f"cause {HOSTILE}".translate({ord(c): None for c in CONTROLS}) in result.stdout


def test_a_profile_description_is_printed_as_text(jetllm, tmp_path: Path) -> None:
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    quoted = json.dumps(HOSTILE)  # a JSON string is a YAML double-quoted scalar
    text = (FIXTURES / "profiles" / "custom.yaml").read_text()
    (profiles / "my-llama.yaml").write_text(text.replace("description: my own llama-server build",
                                                         f"description: {quoted}"))
    for args in (("profiles",), ("profiles", "show", "my-llama")):
        result = jetllm(*args, env={"JETLLM_CONFIG_DIR": str(tmp_path), "COLUMNS": "400"})
        assert result.exit_code == 0, result.stderr
        assert_literal(result.stdout)


def test_facts_are_printed_as_text(jetllm, tmp_path: Path) -> None:
    facts = tmp_path / "facts.json"
    facts.write_text(json.dumps({"platform": {"arch": "x86_64", "os_release": HOSTILE, "kernel": "6.1"}}))
    result = jetllm("doctor", "--facts", str(facts), env={"COLUMNS": "400"})
    assert result.exit_code in (0, 1) and "internal error" not in result.stderr, result.stderr
    assert_literal(result.stdout)


def test_log_evidence_is_printed_as_text(jetllm) -> None:
    log = f"loading\ntorch.OutOfMemoryError: CUDA out of memory. {HOSTILE}\n"
    result = jetllm("classify", "-", stdin=log, env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.stderr
    assert "gpu_oom" in result.stdout
    assert_literal(result.stdout)
