"""Output to a pipe or a file (a CI log, `> out.txt`): no line ends in spaces,
and a line that wraps keeps its indent under its label."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent.parent / "fixtures"
NARROW = {"COLUMNS": "60"}


def assert_plain(text: str, labels: tuple[str, ...]) -> None:
    """No trailing spaces; every line starts with a label or is indented under one."""
    lines = text.splitlines()
    assert len(lines) > 1
    for line in lines:
        assert line == line.rstrip(), f"trailing spaces: {line!r}"
        assert line.startswith(labels) or line.startswith(" ") or not line, f"not indented: {line!r}"


def test_classify(cli):
    log = FIXTURES / "logs" / "vllm-jetson-nvml-assert.log"
    result = cli("classify", str(log), "--platform", "jetson", env=NARROW)
    assert result.exit_code == 0, result.stderr
    assert_plain(result.stdout, ("class", "cause", "evidence", "fix", "retry_smaller"))


@pytest.mark.parametrize("name", ["vllm", "llama.cpp"])
def test_profiles_show(cli, name):
    result = cli("profiles", "show", name, "--facts", str(FIXTURES / "profiles" / "hosts" / "x86-cpu.json"),
                    env=NARROW)
    assert result.exit_code == 0, result.stderr
    assert_plain(result.stdout, (f"{name}: ",))


def test_doctor(cli):
    facts = FIXTURES / "bringup" / "orin-nx-r36.4.3.json"
    result = cli("doctor", "--facts", str(facts), env=NARROW)
    assert result.exit_code in (0, 1), result.stderr
    checks = result.stdout.split("\n\n")[1]  # the facts summary, then the checks
    assert_plain(checks, ("PASS", "WARN", "FAIL"))
    assert all(line == line.rstrip() for line in result.stdout.splitlines())
