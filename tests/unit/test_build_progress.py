"""The first e2e run builds llama.cpp's server for about ten minutes; its
progress must reach the terminal, past pytest's capture, or the run looks hung.
A small shell script stands in for the build (cmake's own is not run here)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.llama_server import follow_build

REPO = Path(__file__).resolve().parents[2]

# Configure output, a silent second (one big file compiling), then make's lines.
FAKE_BUILD = """
echo '-- Configuring done'
sleep 1
for step in '[  0%] Building C object ggml.c.o' '[  0%] Building C object ggml-alloc.c.o' \
            '[ 12%] Building CXX object llama.cpp.o' '[ 50%] Building CXX object server.cpp.o' \
            '[100%] Built target llama-server'; do
  echo "$step"
done
"""


def fake_build(log: Path, script: str = FAKE_BUILD) -> str:
    with log.open("w") as out:
        subprocess.run(["sh", "-c", script], check=True, stdout=out, stderr=subprocess.STDOUT)
    return "built"


def test_each_new_percentage_and_a_heartbeat_are_said(tmp_path: Path) -> None:
    log = tmp_path / "build.log"
    said: list[str] = []
    result = follow_build(lambda: fake_build(log), log, said.append, heartbeat=0.3, poll=0.05)
    assert result == "built"
    progress = [line for line in said if line.startswith("[")]
    assert progress == [
        "[  0%] Building C object ggml.c.o",
        "[ 12%] Building CXX object llama.cpp.o",
        "[ 50%] Building CXX object server.cpp.o",
        "[100%] Built target llama-server",
    ]
    silent = [line for line in said if line.startswith("still building")]
    assert silent and "(last: -- Configuring done)" in silent[0]
    assert said.index(silent[0]) < said.index(progress[0])


def test_a_failed_build_raises_after_saying_how_far_it_got(tmp_path: Path) -> None:
    log = tmp_path / "build.log"
    said: list[str] = []
    with pytest.raises(subprocess.CalledProcessError):
        follow_build(lambda: fake_build(log, "echo '[ 37%] Building CXX object x.o'; exit 2"), log,
                     said.append, heartbeat=60, poll=0.05)
    assert said == ["[ 37%] Building CXX object x.o"]


INNER_TEST = f"""
import subprocess
from pathlib import Path

import pytest

from tests.support.llama_server import _log, follow_build
from tests.support.terminal import to_terminal

SCRIPT = {FAKE_BUILD!r}


@pytest.fixture(scope="session")
def built(pytestconfig, tmp_path_factory):
    log = tmp_path_factory.mktemp("build") / "build.log"
    _log("a plain stderr line, captured")

    def build():
        with log.open("w") as out:
            subprocess.run(["sh", "-c", SCRIPT], check=True, stdout=out)

    follow_build(build, log, to_terminal(pytestconfig, "[llama-server tooling]"), heartbeat=0.3, poll=0.05)


def test_uses_the_build(built):
    print("a test's own output, captured")
"""


def test_progress_reaches_the_terminal_under_pytest_capture(tmp_path: Path) -> None:
    (tmp_path / "test_inner.py").write_text(INNER_TEST)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--rootdir", str(tmp_path), str(tmp_path)],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    shown = done.stdout + done.stderr
    assert "captured" not in shown  # pytest's capture was on
    assert "[llama-server tooling] [ 50%] Building CXX object server.cpp.o" in done.stdout
    assert "[llama-server tooling] [100%] Built target llama-server" in done.stdout
    assert "[llama-server tooling] still building" in done.stdout
