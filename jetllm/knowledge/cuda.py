"""CUDA versions: the table of minimum drivers (jetllm/knowledge/data/cuda_driver.yaml),
the CUDA an image carries, and the CUDA this host's driver supports."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import Field

from jetllm.core.datafile import load_yaml
from jetllm.core.record import Record
from jetllm.knowledge import DATA_DIR
from jetllm.knowledge.versions import Version, VersionText, parse, version

if TYPE_CHECKING:
    from jetllm.core.facts import HostFacts

TABLE_PATH = DATA_DIR / "cuda_driver.yaml"


class ForwardCompat(Record):
    datacenter_names: list[str]  # substrings of an NVML GPU name that mark a datacenter GPU
    image_markers: list[str]  # env vars an image sets when it ships cuda-compat


class CudaTable(Record):
    """cuda_driver.yaml (its comments say what each part is and where it comes from)."""

    schema_version: int = 1
    minor_version_compatibility: dict[str, VersionText]  # CUDA major -> driver floor
    toolkit_min_driver: dict[VersionText, VersionText] = Field(min_length=1)
    forward_compat: ForwardCompat
    jetson_max_container_cuda: dict[str, VersionText]  # L4T major -> newest container CUDA
    arch_list_env: list[str]
    disk_unpack_factor: float = Field(gt=1)  # layers unpack to about this many times their download


def load_table(path: Path = TABLE_PATH) -> CudaTable:
    """The table in `path`; a malformed one is jetllm's own bug (ShippedFileError)."""
    return load_yaml(path, CudaTable, shipped=True)


@lru_cache(maxsize=1)
def table() -> CudaTable:
    return load_table()


def disk_unpack_factor() -> float:
    """Extracting an image's layers needs about this many times their compressed size."""
    return table().disk_unpack_factor


def text(value: Version, parts: int = 2) -> str:
    return ".".join(str(p) for p in value[:parts])


def min_driver(cuda: Version) -> str | None:
    """The toolkit driver for this CUDA (x.y.z; x.y means its GA release)."""
    drivers = table().toolkit_min_driver
    exact = ".".join(str(p) for p in (cuda + (0, 0))[:3])
    if exact in drivers:
        return drivers[exact]
    same_minor = [k for k in drivers if version(k)[:2] == cuda[:2]]
    return drivers[min(same_minor, key=version)] if same_minor else None


def mvc_floor(cuda: Version) -> str | None:
    return table().minor_version_compatibility.get(str(cuda[0]))


def image_cuda(env: dict[str, str]) -> Version | None:
    """CUDA_VERSION ("13.0.1.012" in NGC images, "12.9.1" in nvidia/cuda)."""
    found = parse(env.get("CUDA_VERSION"))
    return found[:3] if found else None


def host_cuda(facts: HostFacts) -> Version | None:
    """The newest CUDA the host driver supports: NVML's answer, else from the driver table."""
    reported = parse(facts.nvml.cuda_driver_version)
    if reported:
        return reported[:2]
    driver = parse(facts.nvml.driver_version)
    if driver is None or facts.jetson.is_jetson:
        return None
    supported = [version(k) for k, v in table().toolkit_min_driver.items() if version(v) <= driver]
    return max(supported)[:2] if supported else None


def ships_compat(env: dict[str, str]) -> bool:
    markers = table().forward_compat.image_markers
    return any(m in env for m in markers) or "compat" in env.get("LD_LIBRARY_PATH", "")


def datacenter(facts: HostFacts) -> bool:
    names = [g.name or "" for g in facts.nvml.gpus]
    return any(mark in f" {name} " for name in names for mark in table().forward_compat.datacenter_names)


def brand(facts: HostFacts) -> str | None:
    """NVML's brand as the toolkit matches it; guessed from the GPU name (facts carry no brand)."""
    if datacenter(facts):
        return "tesla"
    name = " ".join(g.name or "" for g in facts.nvml.gpus)
    for word, value in (("GeForce", "geforce"), ("Quadro", "quadro"), ("RTX", "nvidiartx"), ("TITAN", "titan")):
        if word in name:
            return value
    return None


def jetson_ceiling(facts: HostFacts) -> Version | None:
    """The newest container CUDA this Jetson runs through cuda-compat."""
    release = parse(facts.jetson.l4t)
    ceiling = table().jetson_max_container_cuda.get(str(release[0])) if release else None
    return parse(ceiling)
