"""One running container of an attempt: start it, follow its log, wait, end it."""

from __future__ import annotations

import queue
import threading
from typing import Any

from jetllm.runtime import docker as rt_docker
from jetllm.runtime import ports
from jetllm.runtime.events import Note, ProgressCallback
from jetllm.runtime.follow import FileFollower, follow_stdout
from jetllm.runtime.logtail import LogTail
from jetllm.runtime.ready import ReadyResult, wait_ready
from jetllm.runtime.redact import Redactor
from jetllm.runtime.signals import shielded
from jetllm.runtime.spec import ContainerSpec

_PORT_TAKEN = ("port is already allocated", "address already in use")


class StartFailed(Exception):
    """The daemon refused to create or start the container (its message, redacted)."""


class Session:
    def __init__(self, client: Any, spec: ContainerSpec, run_id: str, redactor: Redactor,
                 progress: ProgressCallback, keep: bool = False) -> None:
        self.client, self.spec, self.run_id, self.keep = client, spec, run_id, keep
        self.redact, self.progress = redactor, progress
        self.container: Any = None
        self.name: str | None = None
        self.host_port: int | None = None
        self.tail = LogTail(redactor, ready=spec.ready.log_line)
        self._signals: queue.Queue[tuple[str, Any]] = queue.Queue()
        self._stdout: threading.Thread | None = None
        self._file: FileFollower | None = None

    def start(self) -> None:
        spec = self.spec
        port = spec.host_port  # named by the user: used as it is, never moved
        if port is None:
            port = ports.choose(spec.container_port, spec.host_address)
            if port != spec.container_port:
                self.progress(Note(f"port {spec.container_port} is taken on {spec.host_address}; "
                                   f"using {port}"))
        for attempt in range(2):
            self.name = rt_docker.container_name(spec, self.run_id)
            kwargs = rt_docker.create_kwargs(spec, host_port=port, run_id=self.run_id, name=self.name,
                                             keep=self.keep)
            try:
                with shielded():  # a container the daemon created is always known here, to be removed
                    self.container = rt_docker.start(self.client, kwargs)
                break
            except Exception as exc:  # docker-py APIError and friends
                message = self.redact(str(getattr(exc, "explanation", None) or exc))
                taken = any(m in message for m in _PORT_TAKEN)
                if attempt == 0 and taken and spec.host_port is None:
                    lost, port = port, ports.any_free(spec.host_address)  # lost a race for it
                    self.progress(Note(f"port {lost} was taken meanwhile; using {port}"))
                    continue
                raise StartFailed(message) from exc
        self.host_port = port
        self._follow()

    def _on_line(self) -> None:
        if self.tail.ready_event.is_set() and not getattr(self, "_posted", False):
            self._posted = True
            self._signals.put(("log", self.tail.ready_line))

    def _follow(self) -> None:
        self._stdout = follow_stdout(self.container, self.tail, self._on_line)
        if self.spec.ready.log_file:
            self._file = FileFollower(self.container, self.spec.ready.log_file, self.tail, self._on_line)

    def wait(self, timeout_s: float) -> ReadyResult:
        assert self.host_port is not None
        return wait_ready(self.container, self.spec, self.host_port, self.tail, self._signals,
                          timeout_s, self.progress)

    def drain_logs(self) -> None:
        """After an exit: let the followers read the last lines (the crash's cause)."""
        if self._stdout is not None:
            self._stdout.join(timeout=2)
        if self._file is not None:
            self._file.drain()

    def catch_up_logs(self) -> None:
        """Before a served attempt is reported: a log file is polled, so read what it holds now
        (stdout is streamed as it comes)."""
        if self._file is not None:
            self._file.catch_up()

    def exit_state(self) -> tuple[int | None, bool]:
        return rt_docker.state(self.container) if self.container is not None else (None, False)

    @property
    def server_url(self) -> str:
        """The server's root on its published port (base_url without the API prefix)."""
        return f"http://{ports.reach_address(self.spec.host_address)}:{self.host_port}"

    @property
    def base_url(self) -> str:
        return f"{self.server_url}{self.spec.api_base}"

    def remove(self) -> None:
        if self._file is not None:
            self._file.stop()
        if self.container is not None:
            rt_docker.remove(self.container)
