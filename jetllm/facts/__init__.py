"""Host probes -> HostFacts: what `jetllm doctor` learns about a machine.

probe_host() runs every probe (none short-circuits another) and never raises;
load_facts() reads back what `jetllm doctor --json` printed, so another
machine's facts can be judged or planned for.
"""

from __future__ import annotations

import os
from pathlib import Path

from jetllm.core.facts import HostFacts

ROOT_ENV = "JETLLM_HOST_ROOT"

__all__ = ["HostFacts", "ROOT_ENV", "default_root", "host_facts", "load_facts", "probe_host"]


def default_root() -> Path:
    """$JETLLM_HOST_ROOT (a fixture tree in tests), else /."""
    return Path(os.environ.get(ROOT_ENV) or "/")


def host_facts(facts_file: Path | str | None = None) -> HostFacts:
    """The facts a command works from: a saved `--facts` file, else this host's."""
    return load_facts(facts_file) if facts_file else probe_host(default_root())


def probe_host(root: Path = Path("/")) -> HostFacts:
    """All host facts; `root` prefixes every file read (/etc, /proc, /sys)."""
    from jetllm.facts import docker_host, jetson, nvml, platform, system

    jetson_facts = jetson.probe(root)
    return HostFacts(
        platform=platform.probe(root),
        jetson=jetson_facts,
        nvml=nvml.probe(integrated=jetson_facts.is_jetson),
        docker=docker_host.probe(root),
        system=system.probe(root),
        host_root=str(root),
    )


def load_facts(path: Path | str) -> HostFacts:
    """HostFacts from a `jetllm doctor --json` file (the envelope, its data, or its "facts").

    A file that is missing, not JSON or not facts is a UsageError with one line.
    """
    from pydantic import ValidationError

    from jetllm.core.errors import UsageError
    from jetllm.core.inputs import load_json
    from jetllm.core.limits import FACTS_MAX_BYTES, JSON_MAX_VALUES
    from jetllm.core.record import field_error

    source = Path(path)
    document = load_json(source, limit=FACTS_MAX_BYTES, max_values=JSON_MAX_VALUES)
    if isinstance(document, dict) and isinstance(document.get("data"), dict):  # the --json envelope
        document = document["data"]
    if isinstance(document, dict) and isinstance(document.get("facts"), dict):
        document = document["facts"]
    try:
        return HostFacts.model_validate(document)
    except ValidationError as exc:
        raise UsageError(f"{source}: {field_error(exc)}", fix="write it with `jetllm doctor --json > FILE`") from exc
