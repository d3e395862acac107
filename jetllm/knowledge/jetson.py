"""Jetson boards: the SoC -> CUDA compute capability table (data/jetson_soc.yaml)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field

from jetllm.core.datafile import load_yaml
from jetllm.core.record import Record
from jetllm.knowledge import DATA_DIR
from jetllm.knowledge.versions import VersionText

TABLE_PATH = DATA_DIR / "jetson_soc.yaml"


class SocTable(Record):
    schema_version: int = 1
    cuda_arch: dict[str, VersionText] = Field(min_length=1)  # "nvidia,tegra234" -> "8.7"


def load_table(path: Path = TABLE_PATH) -> dict[str, str]:
    """{soc: compute capability}; a malformed file is jetllm's own bug (ShippedFileError)."""
    return load_yaml(path, SocTable, shipped=True).cuda_arch


@lru_cache(maxsize=1)
def _shipped() -> dict[str, str]:
    return load_table()


def cuda_arch(soc: str | None) -> str | None:
    """The compute capability of a Jetson SoC ("nvidia,tegra234" -> "8.7"), None if not known."""
    return _shipped().get(soc) if soc else None
