"""Who owns a jetllm container, and whether that owner still wants it.

Every container carries its owner (labels HOST, PID, PID_START) and whether it
was started with --keep; one started so is renamed NAME-kept once it has served. judge() is the one place that turns those labels into
a state; `jetllm gc` removes only what it calls orphaned, and doctor reports
the same states.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

from jetllm.core import labels


class State(str, Enum):
    KEPT = "kept"  # started with --keep: left running on purpose
    RUNNING = "running"  # its jetllm process is alive on this host
    ORPHANED = "orphaned"  # its jetllm process is gone: a killed run left it
    UNKNOWN = "unknown"  # no owner labels (an older jetllm) or another host's: cannot be judged here


@dataclass(frozen=True, slots=True)
class Verdict:
    state: State
    reason: str  # in words, for the user


def process_start(pid: int) -> str | None:
    """A process's start time in clock ticks since boot (field 22 of /proc/PID/stat), or None
    when it has ended. Ticks since boot, not psutil's epoch time: that one moves when the clock
    is set (NTP on a board without a clock battery), and labels of older versions hold ticks.
    psutil.AccessDenied: it exists, but its start time is hidden from this user."""
    import psutil  # here, not at the top: most commands never judge an owner

    try:
        process = psutil.Process(pid)
        if process.status() == psutil.STATUS_ZOMBIE:  # a zombie has ended; only its exit status is left
            return None
        since_boot = process.create_time() - psutil.boot_time()
    except psutil.NoSuchProcess:
        return None
    return str(round(since_boot * os.sysconf("SC_CLK_TCK")))


def owner_labels(*, keep: bool = False) -> dict[str, str]:
    """The labels that name this process as a container's owner."""
    pid = os.getpid()
    found = {labels.HOST: socket.gethostname(), labels.PID: str(pid),
             labels.PID_START: process_start(pid) or ""}
    return {**found, labels.KEEP: "1"} if keep else found


def _alive(pid: str, started: str) -> bool:
    import psutil

    if not pid.isdigit():
        return False
    try:
        now = process_start(int(pid))
    except psutil.AccessDenied:  # it exists, under another user
        return True
    return now is not None and (not started or now == started)


def judge(tags: Mapping[str, str], *, name: str) -> Verdict:
    """The state of a jetllm container, from its labels and name, as seen from this host."""
    here = socket.gethostname()
    owner_host, pid = tags.get(labels.HOST), tags.get(labels.PID)
    asked_keep = tags.get(labels.KEEP) == "1"
    if owner_host == here and pid is not None and _alive(pid, tags.get(labels.PID_START, "")):
        return Verdict(State.RUNNING, f"its jetllm process {pid} is still running")
    # Kept once it served (renamed); an older jetllm, without owner labels, did not rename.
    if asked_keep and (name.endswith(labels.KEPT_SUFFIX) or owner_host is None or pid is None):
        return Verdict(State.KEPT, "kept with --keep")
    if owner_host is None or pid is None:
        return Verdict(State.UNKNOWN, "no owner labels: an older jetllm started it")
    if owner_host != here:
        return Verdict(State.UNKNOWN, f"started by jetllm on host {owner_host}, which cannot be checked from here")
    if asked_keep:
        return Verdict(State.ORPHANED, f"started with --keep, but its jetllm process {pid} ended before it served")
    return Verdict(State.ORPHANED, f"its jetllm process {pid} is gone")
