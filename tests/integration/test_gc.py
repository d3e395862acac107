"""`jetllm gc`, `jetllm try --keep` and doctor's leftover check against the real daemon.

Other tests and other test runs may have jetllm containers on the same daemon,
so these only ever remove their own: by run id (`--run`), or with JETLLM_LABELS
holding a label of the test's own, which `jetllm gc` honours.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from jetllm.core import labels
from tests.fixtures.backends.images import fakellm_image
from tests.integration.try_support import containers_of, read_until, write_profile
from tests.support.cli import CliResult, interrupt, run_jetllm, start_jetllm

pytestmark = [pytest.mark.docker, pytest.mark.timeout(180)]


@pytest.fixture(scope="module")
def image(docker_client: Any) -> str:
    return fakellm_image(docker_client)


@dataclass
class Runs:
    """jetllm runs of one test, whose containers carry the test's own label."""

    client: Any
    image: str
    folder: Path
    tag: str = field(default_factory=lambda: f"jetllm-tests.case={uuid.uuid4().hex[:12]}")
    processes: list[subprocess.Popen[str]] = field(default_factory=list)

    @property
    def env(self) -> dict[str, str]:
        return {"JETLLM_LABELS": f"{os.environ.get('JETLLM_LABELS', '')},{self.tag}"}

    def jetllm(self, *args: str) -> CliResult:
        return run_jetllm(*args, env=self.env)

    def containers(self) -> list[Any]:
        return list(self.client.containers.list(all=True, filters={"label": [f"{labels.MANAGED}=1", self.tag]}))

    def kept(self) -> Any:
        """A backend left running with --keep by a `jetllm try` that has ended."""
        profile, name = write_profile(self.folder)
        result = self.jetllm("try", "--profile", str(profile), "--image", self.image, "--keep")
        assert result.exit_code == 0, result.stderr
        (container,) = containers_of(self.client, backend=name)
        return container

    def live(self, *args: str) -> tuple[subprocess.Popen[str], Any]:
        """A `jetllm try ARGS` still running: its backend loads for ever, and it waits."""
        profile, name = write_profile(self.folder, knobs={"load_seconds": 600})
        process = start_jetllm("try", "--profile", str(profile), "--image", self.image, "--timeout", "300",
                               *args, env=self.env)
        self.processes.append(process)
        read_until(process, "waiting:")
        (container,) = containers_of(self.client, backend=name)
        return process, container

    def killed(self, *args: str) -> Any:
        """The container of a `jetllm try ARGS` killed with SIGKILL: nothing of jetllm ran to remove it."""
        process, container = self.live(*args)
        process.kill()
        process.communicate(timeout=30)
        return container

    def end(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
            process.communicate(timeout=30)
        for container in self.containers():
            container.remove(force=True)


@pytest.fixture
def runs(docker_client: Any, image: str, tmp_path: Path) -> Iterator[Runs]:
    found = Runs(docker_client, image, tmp_path)
    try:
        yield found
    finally:
        found.end()


def _names(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {item["name"]: item for item in items}


def test_gc_leaves_a_live_run_and_a_kept_backend_and_removes_a_killed_runs(runs):
    kept = runs.kept()
    process, live = runs.live()
    killed = runs.killed()
    older = runs.client.containers.create(  # as a jetllm without owner labels left it
        runs.image, entrypoint=["true"],
        labels={labels.MANAGED: "1", labels.RUN: "older1", **labels.extra_labels(runs.env)})
    assert live.labels[labels.PID] == str(process.pid)  # each names the jetllm that started it

    result = runs.jetllm("gc", "--json")
    assert result.exit_code == 0, result.stderr
    removed, left = _names(result.data()["removed"]), _names(result.data()["left"])
    assert set(removed) == {killed.name}
    assert removed[killed.name]["state"] == "orphaned"
    assert {name: item["state"] for name, item in left.items()} == {
        kept.name: "kept", live.name: "running", older.name: "unknown"}
    assert {c.name for c in runs.containers()} == {kept.name, live.name, older.name}
    assert process.poll() is None  # the live run goes on

    again = runs.jetllm("gc")
    assert again.exit_code == 0, again.stderr
    kept_run = kept.labels[labels.RUN]
    assert "nothing to remove" in again.stdout
    assert f"left {kept.name} (kept with --keep; remove with jetllm gc --run {kept_run})" in again.stdout
    assert (f"left {live.name} (its jetllm process {process.pid} is still running; "
            "that run removes it when it ends)") in again.stdout
    assert f"left {older.name} (no owner labels: an older jetllm started it; " in again.stdout
    stopped = interrupt(process)  # the live run still removes its own container
    assert stopped.exit_code == 130, stopped.stderr
    assert {c.name for c in runs.containers()} == {kept.name, older.name}


def test_a_keep_run_killed_before_it_served_left_an_orphan(runs):
    # --keep keeps a backend that served; one whose run was killed while it loaded is litter.
    kept = runs.kept()
    killed = runs.killed("--keep")
    assert killed.labels[labels.KEEP] == "1"  # asked to keep it, before it could serve
    result = runs.jetllm("gc", "--json")
    assert result.exit_code == 0, result.stderr
    removed, left = _names(result.data()["removed"]), _names(result.data()["left"])
    assert set(removed) == {killed.name}
    assert removed[killed.name]["state"] == "orphaned"
    assert "ended before it served" in removed[killed.name]["reason"]
    assert {name: item["state"] for name, item in left.items()} == {kept.name: "kept"}
    assert [c.name for c in runs.containers()] == [kept.name]


def test_gc_run_and_all_remove_whatever_their_state(runs):
    kept = runs.kept()
    process, live = runs.live()
    result = runs.jetllm("gc", "--run", live.labels[labels.RUN], "--json")
    assert result.exit_code == 0, result.stderr
    assert [(item["name"], item["state"]) for item in result.data()["removed"]] == [(live.name, "running")]
    assert result.data()["left"] == []  # another run's container is not this one's business
    _, stderr = process.communicate(timeout=60)  # the run sees its container go, and ends
    assert process.returncode == 1 and "Traceback" not in stderr
    assert [c.name for c in runs.containers()] == [kept.name]

    _, live = runs.live()
    result = runs.jetllm("gc", "--all", "--json")
    assert result.exit_code == 0, result.stderr
    removed = _names(result.data()["removed"])
    assert {name: item["state"] for name, item in removed.items()} == {kept.name: "kept", live.name: "running"}
    assert runs.containers() == []


def test_doctor_tells_kept_running_and_orphaned_apart(runs):
    kept = runs.kept()
    process, live = runs.live()
    killed = runs.killed()
    result = runs.jetllm("doctor", "--json")
    docker = result.data()["facts"]["docker"]
    states = {c["name"]: c["state"] for c in docker["jetllm_containers"]}
    assert (states[kept.name], states[live.name], states[killed.name]) == ("kept", "running", "orphaned")
    assert killed.name in docker["leftover_containers"]
    assert kept.name not in docker["leftover_containers"] and live.name not in docker["leftover_containers"]
    (check,) = [c for c in result.data()["checks"] if c["id"] == "leftover-containers"]
    assert check["status"] == "warn" and check["fix"] == "jetllm gc"
    message = check["message"]
    assert "a killed jetllm run left: " in message and killed.name in message.split(";")[0]
    assert f"{kept.name} (kept with --keep; remove with `jetllm gc --run {kept.labels[labels.RUN]}`)" in message
    assert f"{live.name} (its jetllm process {process.pid} is still running)" in message


def test_gc_with_docker_down_says_why_and_how_to_fix_it(jetllm, tmp_path):
    result = jetllm("gc", env={"DOCKER_HOST": f"unix://{tmp_path}/docker.sock"})
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"jetllm: error: Cannot connect to the Docker daemon at unix://{tmp_path}")
    assert "fix: sudo systemctl start docker" in result.stderr and "Traceback" not in result.stderr


def test_gc_removes_what_a_killed_run_left(jetllm, docker_client, image):
    run = uuid.uuid4().hex[:12]
    tags = {labels.RUN: run, labels.BACKEND: "fakellm", labels.MANAGED: "1"}
    running = docker_client.containers.run(image, entrypoint=["sleep", "300"], labels=tags, detach=True,
                                           name=f"jetllm-fakellm-{run}-left")
    exited = docker_client.containers.create(image, entrypoint=["true"], labels=tags)
    result = jetllm("gc", "--run", run, "--json")
    assert result.exit_code == 0, result.stderr
    removed = _names(result.data()["removed"])
    assert set(removed) == {running.name, exited.name}
    assert removed[running.name]["status"] == "running" and removed[running.name]["run"] == run
    assert containers_of(docker_client, run=run) == []
    result = jetllm("gc", "--run", run)
    assert result.exit_code == 0 and "nothing to remove" in result.stdout


def test_keep_leaves_a_working_backend_and_says_how_to_reach_it(jetllm, docker_client, image, tmp_path):
    profile, name = write_profile(tmp_path)
    ci_job = {"JETLLM_LABELS": f"{os.environ.get('JETLLM_LABELS', '')},ci.job=4711"}
    result = jetllm("try", "--profile", str(profile), "--image", image, "--keep", env=ci_job)
    try:
        assert result.exit_code == 0, result.stderr
        (kept,) = containers_of(docker_client, backend=name)
        assert kept.labels["ci.job"] == "4711"  # the user's own label, for their own cleanup
        run = kept.labels[labels.RUN]
        assert kept.name in result.stdout and f"jetllm gc --run {run}" in result.stdout
        url = next(word for word in result.stdout.split() if word.startswith("http://127.0.0.1:"))
        models = httpx.get(url.rstrip("/") + "/models", timeout=5).json()
        assert models["data"][0]["id"] == "tiny"
        gc = jetllm("gc", "--run", run)
        assert gc.exit_code == 0 and kept.name in gc.stdout
    finally:
        for container in containers_of(docker_client, backend=name):
            container.remove(force=True)
    assert containers_of(docker_client, backend=name) == []


def test_keep_in_a_narrow_log_keeps_its_instructions_indented(jetllm, docker_client, image, tmp_path):
    # What a CI log shows: stdout to a pipe, 50 columns; every wrapped line stays under its label.
    profile, name = write_profile(tmp_path)
    result = jetllm("try", "--profile", str(profile), "--image", image, "--keep", env={"COLUMNS": "50"})
    try:
        assert result.exit_code == 0, result.stderr
        lines = result.stdout.splitlines()
        assert [line for line in lines if line != line.rstrip()] == []
        checks = ("chat-stream", "chat", "tool-call", "tool-call-stream", "tool-round-trip", "structured-output",
                  "sanity")  # the smoke suite, a row each
        rows = ("ready ", "settings ", "timings ", "smoke ", "reply ", *(f"{c} " for c in checks), "kept ", "try it ",
                "stop it ")
        assert [line for line in lines if not line.startswith((*rows, " "))] == []
        assert [line.split()[0] for line in lines if not line.startswith(" ")] == [
            "ready", "settings", "timings", "smoke", "reply", *checks, "kept", "try", "stop"]
        (kept,) = containers_of(docker_client, backend=name)
        words = " ".join(result.stdout.split())
        assert f"jetllm gc --run {kept.labels[labels.RUN]}" in words
        assert "start to ready" in words  # it became ready
    finally:
        for container in containers_of(docker_client, backend=name):
            container.remove(force=True)
