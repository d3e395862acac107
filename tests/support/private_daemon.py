"""A private Docker daemon, for tests that kill one: its own data root, exec root,
pid file, containerd namespace and unix socket under a temporary folder, and its
own Linux bridge, so that the shared daemon (its containers, its docker0, its
iptables rules) is never touched. No iptables rules, no userland proxy: its
containers' published ports lead nowhere, which these tests do not need.

(`--bridge=none` is not an option: a dockerd started with it deletes the host's
docker0 interface, the shared daemon's bridge.)

Needs root, dockerd and iproute2's `ip`.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docker
import pytest

from tests.support.needs import unavailable

START_TIMEOUT_S = 60


class PrivateDaemon:
    def __init__(self, config: str = "{}\n") -> None:
        self.config = config  # its daemon.json (e.g. a runtime named nvidia)
        self.tag = uuid.uuid4().hex[:8]
        self.bridge = f"jlt{self.tag}"  # at most 15 characters
        # Short: containerd's sockets live under the exec root, and a socket path has a limit.
        self.folder = Path(tempfile.mkdtemp(prefix="jlpd-"))
        self.process: subprocess.Popen[bytes] | None = None
        subprocess.run(["ip", "link", "add", self.bridge, "type", "bridge"], check=True)
        subprocess.run(["ip", "link", "set", self.bridge, "up"], check=True)

    @property
    def docker_host(self) -> str:
        return f"unix://{self.folder / 'docker.sock'}"

    def client(self) -> Any:
        return docker.DockerClient(base_url=self.docker_host, timeout=120)

    def start(self) -> None:
        # containerd dies with a killed daemon; where init does not reap, its zombie would pass
        # for a running containerd and the next daemon would wait for it in vain.
        stale = self.folder / "exec" / "containerd" / "containerd.pid"
        if stale.exists() and not _running(stale.read_text().strip()):
            stale.unlink()
        namespace = f"jetllm-test-{self.tag}"
        config = self.folder / "daemon.json"  # not the host's /etc/docker/daemon.json
        config.write_text(self.config)
        with open(self.folder / "dockerd.log", "ab") as log:
            self.process = subprocess.Popen(
                ["dockerd", "--config-file", str(config), "--data-root", str(self.folder / "data"),
                 "--exec-root", str(self.folder / "exec"), "--pidfile", str(self.folder / "dockerd.pid"), "-H", self.docker_host,
                 "--containerd-namespace", namespace, "--containerd-plugins-namespace", f"{namespace}-plugins",
                 "--bridge", self.bridge, "--iptables=false", "--ip-forward=false", "--ip-masq=false",
                 "--userland-proxy=false"],
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                self.client().ping()
                return
            except Exception:  # noqa: BLE001 (not answering yet)
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the private dockerd did not start:\n{self.log()[-3000:]}") from None
                time.sleep(0.2)

    def kill(self) -> None:
        """SIGKILL: the daemon dies at once, as in a crash or an OOM kill."""
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)

    def log(self) -> str:
        return (self.folder / "dockerd.log").read_text(errors="replace")

    def remove(self) -> None:
        """Stop it and remove every trace: its processes (containerd, shims), mounts, bridge, files."""
        self.stop()
        for pid in self._processes():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.2)
        mounts = [line.split()[1] for line in Path("/proc/mounts").read_text().splitlines()]
        for mount in sorted((m for m in mounts if m.startswith(str(self.folder))), key=len, reverse=True):
            subprocess.run(["umount", "-l", mount], check=False)
        subprocess.run(["ip", "link", "del", self.bridge], check=False, stderr=subprocess.DEVNULL)
        shutil.rmtree(self.folder, ignore_errors=True)

    def _processes(self) -> list[int]:
        """Processes this daemon started that outlived it (named by its folder on their command line)."""
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                command = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if str(self.folder).encode() in command:
                found.append(int(entry.name))
        return found


def _running(pid: str) -> bool:
    """A process that exists and has not ended (a zombie has)."""
    if not pid.isdigit():
        return False
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rfind(")") + 2:].split()[0] != "Z"


@pytest.fixture
def private_daemon() -> Iterator[PrivateDaemon]:
    yield from started_daemon()


def started_daemon(config: str = "{}\n") -> Iterator[PrivateDaemon]:
    if os.geteuid() != 0:
        unavailable("a private Docker daemon needs root")
    missing = [tool for tool in ("dockerd", "ip") if shutil.which(tool) is None]
    if missing:
        unavailable(f"a private Docker daemon needs {' and '.join(missing)}")
    daemon = PrivateDaemon(config)
    try:
        daemon.start()
        yield daemon
    finally:
        daemon.remove()
