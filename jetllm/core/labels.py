"""Labels on every container jetllm starts, so that it can always find and remove them."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

RUN = "jetllm.run"  # a run id shared by all containers of one jetllm invocation
BACKEND = "jetllm.backend"  # the backend (profile) name
MANAGED = "jetllm.managed"  # always "1": the filter `jetllm gc` uses
# Who started it, so that `jetllm gc` and doctor can tell a live run's container
# from one a killed run left (jetllm/core/owner.py judges them).
HOST = "jetllm.host"  # the host name of the machine jetllm ran on
PID = "jetllm.pid"  # the process id of that jetllm
PID_START = "jetllm.pid_start"  # that process's start time (/proc/PID/stat): a reused id is another process
PROBE = "jetllm.probe"  # "1" on the short-lived container that probes an image (no model load)
KEEP = "jetllm.keep"  # "1" when started with --keep: left running on purpose if it serves
# Labels cannot change once a container exists: one started with --keep is renamed
# NAME-kept when it has served, and only then counts as kept (jetllm/core/owner.py).
KEPT_SUFFIX = "-kept"

# Labels of the user's own on every container, e.g. a CI job's id on a shared
# runner: JETLLM_LABELS="ci.job=4711,owner=smoke" (then docker ps --filter label=ci.job=4711).
EXTRA_ENV = "JETLLM_LABELS"
_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")


def extra_labels(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The labels JETLLM_LABELS asks for; ValueError names the first bad entry."""
    raw = (os.environ if environ is None else environ).get(EXTRA_ENV, "")
    found: dict[str, str] = {}
    for entry in filter(None, (part.strip() for part in raw.split(","))):
        key, sep, value = entry.partition("=")
        key = key.strip()
        if not sep or not _KEY.match(key):
            raise ValueError(f"{EXTRA_ENV}: {entry!r} is not KEY=VALUE")
        if key.startswith("jetllm."):
            raise ValueError(f"{EXTRA_ENV}: {key!r} is jetllm's own label")
        found[key] = value.strip()
    return found
