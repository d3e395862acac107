"""`jetllm gc` and `jetllm try --keep` against the real daemon.

Other tests may run jetllm containers at the same time, so these only ever
remove their own: by run id (`--run`), never a bare `jetllm gc`.
"""

from __future__ import annotations

import os
import uuid
from typing import Any

import httpx
import pytest

from jetllm import labels
from tests.fixtures.backends.images import fakellm_image
from tests.integration.try_support import containers_of, write_profile

pytestmark = [pytest.mark.docker, pytest.mark.timeout(120)]


@pytest.fixture(scope="module")
def image(docker_client: Any) -> str:
    return fakellm_image(docker_client)


def test_gc_removes_what_a_killed_run_left(jetllm, docker_client, image):
    run = uuid.uuid4().hex[:12]
    tags = {labels.RUN: run, labels.BACKEND: "fakellm", labels.MANAGED: "1"}
    running = docker_client.containers.run(image, entrypoint=["sleep", "300"], labels=tags, detach=True,
                                           name=f"jetllm-fakellm-{run}-left")
    exited = docker_client.containers.create(image, entrypoint=["true"], labels=tags)
    result = jetllm("gc", "--run", run, "--json")
    assert result.exit_code == 0, result.stderr
    removed = {item["name"]: item for item in result.json()["removed"]}
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
        rows = ("ready ", "settings ", "timings ", "smoke ", "reply ", "kept ", "try it ", "stop it ")
        assert [line for line in lines if not line.startswith((*rows, " "))] == []
        assert [line.split()[0] for line in lines if not line.startswith(" ")] == [
            "ready", "settings", "timings", "smoke", "reply", "kept", "try", "stop"]
        (kept,) = containers_of(docker_client, backend=name)
        words = " ".join(result.stdout.split())
        assert f"jetllm gc --run {kept.labels[labels.RUN]}" in words
        assert "start to ready" in words  # it became ready
    finally:
        for container in containers_of(docker_client, backend=name):
            container.remove(force=True)
