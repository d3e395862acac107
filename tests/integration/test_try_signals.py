"""Signals at random moments of a `jetllm try`: whenever one lands, the run ends as
interrupted (130), or as it would have (0) when it had finished, and leaves no
container of its own in any state (created, running, exited)."""

from __future__ import annotations

import json
import random
import signal
import socket
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from jetllm.core import labels
from tests.fixtures.backends.images import fakellm_image
from tests.integration.try_support import write_profile
from tests.support.cli import start_jetllm

pytestmark = [pytest.mark.docker, pytest.mark.timeout(180)]

SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)
MAX_TRIALS, MAX_SECONDS = 15, 60.0


def catches_sigterm(pid: int) -> bool:
    """The process catches SIGTERM (SigCgt in /proc), which Python alone does not: jetllm's
    main() has begun. Before that a signal meets Python's defaults, not jetllm."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    caught = int(next(line.split()[1] for line in status.splitlines() if line.startswith("SigCgt:")), 16)
    return bool(caught & (1 << (signal.SIGTERM - 1)))


class Run:
    """One `jetllm try --json` in the background; stderr is read as it comes."""

    def __init__(self, profile: Path, image: str) -> None:
        self.process = start_jetllm("try", "--profile", str(profile), "--image", image, "--json")
        self.lines: list[str] = []
        self.starting = threading.Event()  # "starting:": the container is about to be created
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        deadline = time.monotonic() + 30
        while not catches_sigterm(self.process.pid):
            assert self.process.poll() is None and time.monotonic() < deadline, "jetllm never handled SIGTERM"
            time.sleep(0.005)
        self.began = time.monotonic()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line)
            if line.startswith("starting:"):
                self.starting.set()

    def finish(self) -> tuple[int, str, str]:
        stdout = self.process.stdout.read() if self.process.stdout else ""
        self.process.wait(timeout=60)
        self._reader.join(timeout=10)
        return self.process.returncode, stdout, "".join(self.lines)


def left_by(client: Any, pid: int) -> list[Any]:
    """Every container (any state) whose owner labels name process `pid` on this host."""
    wanted = [f"{labels.MANAGED}=1", f"{labels.PID}={pid}", f"{labels.HOST}={socket.gethostname()}"]
    return list(client.containers.list(all=True, filters={"label": wanted}))


def test_a_signal_at_any_moment_leaves_nothing(docker_client, tmp_path):
    image = fakellm_image(docker_client)
    profile, _ = write_profile(tmp_path, knobs={"load_seconds": 0.5})
    baseline = Run(profile, image)
    code, _, stderr = baseline.finish()
    assert code == 0, stderr
    span = time.monotonic() - baseline.began  # from jetllm's handlers to its exit

    rng = random.Random()
    seed = rng.randrange(2**32)
    rng.seed(seed)
    started, trials = time.monotonic(), []
    while len(trials) < MAX_TRIALS and time.monotonic() - started < MAX_SECONDS:
        signum = rng.choice(SIGNALS)
        run = Run(profile, image)
        if len(trials) % 2:  # any moment of the run
            at = rng.uniform(0, span)
            moment = f"{at:.3f} s in"
            time.sleep(max(0.0, run.began + at - time.monotonic()))
        else:  # around the container's creation and start
            at = rng.uniform(0, 0.3)
            moment = f"{at:.3f} s after 'starting:'"
            run.starting.wait(30)
            time.sleep(at)
        if run.process.poll() is None:
            run.process.send_signal(signum)
        code, stdout, stderr = run.finish()
        trial = f"trial {len(trials) + 1} (seed {seed}): {signum.name} {moment}, exit {code}"
        trials.append(trial)
        leftovers = [(c.name, c.status) for c in left_by(docker_client, run.process.pid)]
        assert leftovers == [], f"{trial} left {leftovers}\n{stderr}"
        assert "Traceback" not in stderr, f"{trial}\n{stderr}"
        assert code in (0, 130), f"{trial}: exit {code}\n{stderr}"
        envelope = json.loads(stdout)
        if code == 0:  # it had finished before the signal was handled
            assert envelope["status"] == "ok" and envelope["data"]["outcome"] == "ready", trial
        else:
            assert envelope["status"] == "interrupted", trial
    print(f"\n{len(trials)} trials in {time.monotonic() - started:.1f} s (run span {span:.2f} s):\n  "
          + "\n  ".join(trials))
    assert len(trials) >= 5, "too few trials in the time allowed to mean anything"
