"""Removing the containers a killed run left behind (label jetllm.managed=1).

Only orphaned ones by default (their jetllm process is gone, see jetllm/core/owner.py):
a live run's container, a kept one and one whose owner cannot be judged from here
are left, with the reason. `run_id` removes that run's containers and `everything`
all of them, whatever their state. Without a run id and with JETLLM_LABELS set,
only containers that carry those labels are considered: one CI job's, on a
shared runner.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from jetllm.core import labels
from jetllm.core.owner import State, judge

if TYPE_CHECKING:
    from docker import DockerClient


@dataclass(frozen=True, slots=True)
class Found:
    name: str
    id: str
    backend: str | None
    run: str | None
    status: str  # what it was doing: running, exited, created
    image: str | None
    state: State
    reason: str  # why it is in that state

    def to_json(self) -> dict[str, str | None]:
        return {"name": self.name, "id": self.id, "backend": self.backend, "run": self.run,
                "status": self.status, "image": self.image, "state": self.state.value,
                "reason": self.reason}


@dataclass(frozen=True, slots=True)
class Collected:
    removed: list[Found] = field(default_factory=list)
    left: list[Found] = field(default_factory=list)


def collect(client: DockerClient, run_id: str | None = None, *, everything: bool = False) -> Collected:
    """Remove the orphaned jetllm containers (all of run_id's, or every one with
    `everything`); say what was removed and what was left."""
    wanted = [f"{labels.MANAGED}=1"]
    if run_id:
        wanted.append(f"{labels.RUN}={run_id}")
    else:
        wanted.extend(f"{key}={value}" for key, value in labels.extra_labels().items())
    done = Collected()
    for container in client.containers.list(all=True, filters={"label": wanted}):
        tags = container.labels or {}
        verdict = judge(tags, name=container.name or "")
        found = Found(container.name or container.short_id, container.short_id, tags.get(labels.BACKEND), tags.get(labels.RUN),
                      container.status, container.attrs.get("Config", {}).get("Image"),
                      verdict.state, verdict.reason)
        if not (run_id or everything or verdict.state is State.ORPHANED):
            done.left.append(found)
            continue
        try:
            container.remove(force=True, v=True)
        except Exception:  # noqa: BLE001 (another gc or the run itself removed it first)
            continue
        done.removed.append(found)
    return done
