"""How soon after a backend's ready line does jetllm act? Measured, printed, and
held to a generous bound (the measure is the point, not a tight assertion)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from jetllm.core.events import Event, Phase
from tests.fixtures.backends.images import fakellm_image
from tests.integration.try_support import containers_of, write_profile
from tests.support.docker_log import stamped_lines

pytestmark = [pytest.mark.docker, pytest.mark.timeout(120)]
READY_LINE = "Application startup complete"


def ready_latency(client: Any, profile: Path, image: str, log_line: bool) -> float:
    from jetllm.catalog import load_profile, render
    from jetllm.core.spec import Settings
    from jetllm.facts import probe_host
    from jetllm.runtime import run_attempt

    facts = probe_host()
    spec = render(load_profile(str(profile)), facts, Settings(), image=image)
    acted: list[float] = []

    def progress(event: Event) -> None:
        if isinstance(event, Phase) and event.name == "smoke":
            acted.append(time.time())

    attempt = run_attempt(spec, facts=facts, keep=True, progress=progress, client=client)
    (container,) = containers_of(client, backend=spec.backend)
    try:
        assert attempt.outcome.value == "ready", attempt.diagnosis
        logs = stamped_lines(container.logs(timestamps=True))
        printed = next(t.timestamp() for t, text in logs if READY_LINE in text)
    finally:
        container.remove(force=True)
    return acted[0] - printed


@pytest.mark.parametrize("log_line", [True, False], ids=["ready-line", "health-only"])
def test_readiness_is_detected_promptly(docker_client, tmp_path, log_line):
    image = fakellm_image(docker_client)
    # Only one source can fire: a health path that never answers ok, or no ready line.
    ready = {"health_path": "/not-a-health-endpoint"} if log_line else {"log_line": None}
    profile, _ = write_profile(tmp_path, ready=ready)
    latencies = [ready_latency(docker_client, profile, image, log_line) for _ in range(3)]
    print(f"\nreadiness detected {', '.join(f'{x * 1000:.0f} ms' for x in latencies)} "
          f"after the ready line ({'log line watched' if log_line else 'health endpoint only'})")
    assert max(latencies) < 2.0
