"""CUDA versions: the table of minimum drivers (jetllm/knowledge/data/cuda_driver.yaml),
the CUDA an image carries, and the CUDA this host's driver supports."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

from jetllm.knowledge.versions import Version, parse, version

if TYPE_CHECKING:
    from jetllm.core.facts import HostFacts


@lru_cache(maxsize=1)
def table() -> dict[str, Any]:
    import yaml

    from jetllm.knowledge import DATA_DIR

    loaded = yaml.safe_load((DATA_DIR / "cuda_driver.yaml").read_text(encoding="utf-8"))
    return loaded if isinstance(loaded, dict) else {}


def text(value: Version, parts: int = 2) -> str:
    return ".".join(str(p) for p in value[:parts])


def min_driver(cuda: Version) -> str | None:
    """The toolkit driver for this CUDA (x.y.z; x.y means its GA release)."""
    drivers: dict[str, str] = table()["toolkit_min_driver"]
    exact = ".".join(str(p) for p in (cuda + (0, 0))[:3])
    if exact in drivers:
        return drivers[exact]
    same_minor = [k for k in drivers if version(k)[:2] == cuda[:2]]
    return drivers[min(same_minor, key=version)] if same_minor else None


def mvc_floor(cuda: Version) -> str | None:
    return table()["minor_version_compatibility"].get(str(cuda[0]))  # type: ignore[no-any-return]


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
    supported = [version(k) for k, v in table()["toolkit_min_driver"].items() if version(v) <= driver]
    return max(supported)[:2] if supported else None


def ships_compat(env: dict[str, str]) -> bool:
    markers = table()["forward_compat"]["image_markers"]
    return any(m in env for m in markers) or "compat" in env.get("LD_LIBRARY_PATH", "")


def datacenter(facts: HostFacts) -> bool:
    names = [g.name or "" for g in facts.nvml.gpus]
    return any(mark in f" {name} " for name in names for mark in table()["forward_compat"]["datacenter_names"])


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
    ceiling = table()["jetson_max_container_cuda"].get(str(release[0])) if release else None
    return parse(ceiling)
