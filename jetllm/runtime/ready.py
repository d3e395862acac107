"""Waiting for a backend to serve: health endpoint, ready log line, exit, timeout.

Four sources run at once and the first decisive one wins:
- the health endpoint (or /v1/models where a backend has none, like MLC)
  answering an ok status; a loading status (llama-server's 503) means alive;
  a connection that is accepted but never answered (trtllm-serve binds its
  port before it listens, and docker-proxy accepts for any port) is not ready;
- the profile's ready line appearing in the log;
- the container exiting, reported by a blocking container.wait() in a thread,
  so a crash is seen the moment it happens;
- the deadline, which makes it a startup timeout.
The backend is reached only through its published 127.0.0.1 port.
"""

from __future__ import annotations

import queue
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from jetllm.core.events import ProgressCallback, Waiting
from jetllm.core.spec import ContainerSpec
from jetllm.runtime.logtail import LogTail
from jetllm.runtime.ports import reach_address

if TYPE_CHECKING:
    from docker.models.containers import Container

HEALTH_POLL_S = 0.25
PROGRESS_EVERY_S = 0.5


@dataclass(frozen=True, slots=True)
class ReadyResult:
    ready: bool
    source: str | None  # "health" | "log" when ready
    exited: bool
    exit_code: int | None
    timed_out: bool
    elapsed_s: float


def health_url(spec: ContainerSpec, host_port: int) -> str:
    path = spec.ready.health_path or f"{spec.api_base.rstrip('/')}/models"
    return f"http://{reach_address(spec.host_address)}:{host_port}{path}"


def _probe_health(url: str, spec: ContainerSpec, signals: queue.Queue[tuple[str, Any]],
                  state: dict[str, str], stop: threading.Event) -> None:
    import httpx

    ok, loading = set(spec.ready.ok_statuses), set(spec.ready.loading_statuses)
    timeout = httpx.Timeout(2.0, connect=1.0)
    with httpx.Client(timeout=timeout, trust_env=False) as client:
        while not stop.is_set():
            try:
                status = client.get(url).status_code
            except httpx.HTTPError:
                status = None  # not listening, or accepted and not answered: not yet
            if status in ok:
                signals.put(("health", status))
                return
            if status in loading:
                state["state"] = "loading"
            stop.wait(HEALTH_POLL_S)


def _wait_exit(container: Container, signals: queue.Queue[tuple[str, Any]]) -> None:
    try:
        result = container.wait()
        signals.put(("exit", result.get("StatusCode")))
    except Exception:  # noqa: BLE001 (removed under us: the attempt is ending anyway)
        signals.put(("exit", None))


def wait_ready(container: Container, spec: ContainerSpec, host_port: int, tail: LogTail,
               signals: queue.Queue[tuple[str, Any]], timeout_s: float,
               progress: ProgressCallback) -> ReadyResult:
    """Block until the backend serves, exits, or timeout_s passes.

    `signals` is the queue the log followers post ("log", line) to when the
    ready line shows; this function adds the health prober and exit waiter.
    """
    stop = threading.Event()
    state = {"state": "starting"}
    threading.Thread(target=_wait_exit, args=(container, signals), daemon=True,
                     name="jetllm-wait").start()
    threading.Thread(target=_probe_health, daemon=True, name="jetllm-health",
                     args=(health_url(spec, host_port), spec, signals, state, stop)).start()
    start = time.monotonic()
    next_report = 0.0
    try:
        while True:
            elapsed = time.monotonic() - start
            if elapsed >= timeout_s:
                return ReadyResult(False, None, False, None, True, elapsed)
            if elapsed >= next_report:
                progress(Waiting(elapsed, tail.last(), state["state"]))
                next_report = elapsed + PROGRESS_EVERY_S
            try:
                kind, value = signals.get(timeout=min(0.1, timeout_s - elapsed))
            except queue.Empty:
                continue
            elapsed = time.monotonic() - start
            if kind == "exit":
                return ReadyResult(False, None, True, value, False, elapsed)
            return ReadyResult(True, kind, False, None, False, elapsed)
    finally:
        stop.set()
