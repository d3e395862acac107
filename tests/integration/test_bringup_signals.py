"""SIGINT, SIGTERM, SIGHUP or SIGQUIT at a random moment of `jetllm bringup`: in an attempt, between
attempts, just after the search, while the report is written, or twice. Each time
the run ends with exit 130 (or 0 when it had ended already), its report folder and
JUnit file on disk with the status matching the exit code, and no container of the
run left."""

from __future__ import annotations

import json
import random
import signal
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.bringup.scenario import FACTS, Scenario, prepare, remove_tags
from tests.support.cli import CliResult, start_jetllm

pytestmark = [pytest.mark.docker, pytest.mark.registry, pytest.mark.timeout(240)]

NAMES = ("trtllm-jetson", "vllm-jetson", "llamacpp-jetson")
STARTED = "candidates to try"  # bringup's line before its search: a trial's clock starts there
BETWEEN = ("(retry smaller:", ": works with")  # an attempt has just ended; another may follow
LAST = "llamacpp-jetson: works with"  # the search's last line: what follows is the report
STATUS = {130: "interrupted", 0: "works"}
TRIALS, SECONDS = 12, 40.0


@pytest.fixture(scope="module")
def scenario(docker_client: Any, local_registry: Any, tmp_path_factory: Any) -> Any:
    # A short vLLM-like load: one run holds several attempts, and the moments between them.
    made = prepare(docker_client, local_registry, tmp_path_factory.mktemp("signals"), variant="signals",
                   env_overrides={"vllm-jetson": {"LOAD_SECONDS": "0.2"}})
    yield made
    remove_tags(docker_client, made)


class Run:
    def __init__(self, scenario: Scenario, out: Path, junit: Path, json_output: bool, cache: Path) -> None:
        self.process = start_jetllm(
            "bringup", *scenario.profile_args(*NAMES), "--facts", str(FACTS), "--out", str(out),
            "--junit", str(junit), *(["--json"] if json_output else []), env={"JETLLM_CACHE_DIR": str(cache)})
        self.lines: list[str] = []

    def read_until(self, *marks: str, skip: int = 0) -> float | None:
        """Read stderr up to the (skip+1)-th line holding one of `marks`; when it came
        (None: the run ended first)."""
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line)
            if any(mark in line for mark in marks):
                if skip == 0:
                    return time.monotonic()
                skip -= 1
        return None

    def signal(self, sig: int) -> None:
        try:
            self.process.send_signal(sig)
        except ProcessLookupError:  # it had ended already
            pass

    def finish(self) -> CliResult:
        stdout, stderr = self.process.communicate(timeout=90)
        return CliResult(self.process.returncode, stdout, "".join(self.lines) + stderr)


def test_a_signal_at_any_moment_leaves_the_report(docker_client, scenario, tmp_path):
    # One whole run first: how long its search and report take, and how many attempts end.
    whole = Run(scenario, tmp_path / "whole", tmp_path / "whole.xml", False, tmp_path / "cache")
    began = whole.read_until(STARTED)
    assert began is not None
    done = whole.finish()
    span = time.monotonic() - began
    assert done.exit_code == 0, done.stderr
    ends = sum(1 for line in done.stderr.splitlines() if any(mark in line for mark in BETWEEN))

    rng = random.Random()
    deadline = time.monotonic() + SECONDS
    seen: list[str] = []
    for trial in range(TRIALS):
        if time.monotonic() > deadline:
            break
        kind = ("after the search", "between attempts", "anywhere", "twice")[trial % 4]
        sig = rng.choice([signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT])
        json_output = rng.random() < 0.5
        out, junit = tmp_path / f"out-{trial}", tmp_path / f"junit-{trial}.xml"
        run = Run(scenario, out, junit, json_output, tmp_path / "cache")
        began = run.read_until(STARTED)
        assert began is not None, run.finish().stderr
        if kind == "after the search":
            delay = rng.uniform(0, 0.15)
            run.read_until(LAST)
        elif kind == "between attempts":
            delay = rng.uniform(0, 0.01)
            run.read_until(*BETWEEN, skip=rng.randrange(ends))
        else:
            delay = rng.uniform(0, span)
        time.sleep(delay)
        run.signal(sig)
        if kind == "twice":
            time.sleep(rng.uniform(0, 0.3))
            run.signal(signal.SIGTERM if sig == signal.SIGINT else signal.SIGINT)
        result = run.finish()
        what = (f"trial {trial}, {sig.name} {kind} (+{delay:.3f} s), exit {result.exit_code}:\n"
                f"{result.stderr[-3000:]}")
        seen.append(f"{kind}: {result.exit_code}")

        assert result.exit_code in STATUS, what
        assert "Traceback" not in result.stderr, what
        report = json.loads((out / "report.json").read_text())
        assert (report["status"], report["exit_code"]) == (STATUS[result.exit_code], result.exit_code), what
        on_disk = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
        assert on_disk == sorted(report["files"]) and "report.md" in on_disk, what
        # the candidates' suite (each served candidate's smoke checks have a suite of their own)
        cases = ET.parse(junit).getroot().find("testsuite[@name='jetllm bringup']").iter("testcase")
        assert [c.get("classname") for c in cases] == [f"jetllm.bringup.{name}" for name in NAMES], what
        if json_output:
            assert result.json()["exit_code"] == result.exit_code, what
            assert result.data() == report, what
        left = docker_client.containers.list(all=True, filters={"label": f"jetllm.run={report['run_id']}"})
        assert left == [], what
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == [], what
    assert any(s.endswith(": 130") for s in seen), seen
