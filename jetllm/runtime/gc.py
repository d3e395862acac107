"""Removing containers a killed run left behind (label jetllm.managed=1)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jetllm import labels


@dataclass(frozen=True, slots=True)
class Removed:
    name: str
    id: str
    backend: str | None
    run: str | None
    status: str  # what it was doing: running, exited, created
    image: str | None

    def to_json(self) -> dict[str, str | None]:
        return {"name": self.name, "id": self.id, "backend": self.backend, "run": self.run,
                "status": self.status, "image": self.image}


def collect(client: Any, run_id: str | None = None) -> list[Removed]:
    """Remove every jetllm container (only those of `run_id` when given); say which."""
    wanted = [f"{labels.MANAGED}=1"]
    if run_id:
        wanted.append(f"{labels.RUN}={run_id}")
    removed: list[Removed] = []
    for container in client.containers.list(all=True, filters={"label": wanted}):
        tags = container.labels or {}
        image = container.attrs.get("Config", {}).get("Image")
        try:
            container.remove(force=True, v=True)
        except Exception:  # noqa: BLE001 (another gc or the run itself removed it first)
            continue
        removed.append(Removed(container.name, container.short_id, tags.get(labels.BACKEND),
                               tags.get(labels.RUN), container.status, image))
    return removed
