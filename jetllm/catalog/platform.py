"""Which platform a host is, and which of a profile's images fits it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from jetllm.catalog.schema import HostPlatform, ImageVariant
from jetllm.core.errors import NoImageForHost, UsageError
from jetllm.knowledge import l4t

if TYPE_CHECKING:
    from jetllm.catalog.profile import Profile
    from jetllm.core.facts import HostFacts


def has_gpu(facts: HostFacts) -> bool:
    return facts.jetson.is_jetson or facts.nvml.available or bool(facts.nvml.gpus)


def gpu_platform(facts: HostFacts) -> HostPlatform:
    """The GPU platform of this host, whether or not a GPU answered."""
    if facts.jetson.is_jetson:
        return "jetson"
    return "x86_64" if facts.platform.arch in ("x86_64", "amd64") else "sbsa"


def host_platform(facts: HostFacts) -> HostPlatform:
    """jetson, x86_64 or sbsa (arm64 servers) with a GPU; cpu without one."""
    return gpu_platform(facts) if has_gpu(facts) else "cpu"


def host_l4t(facts: HostFacts) -> l4t.Release | None:
    return l4t.parse(facts.jetson.l4t)


def jetson_fits(variant: ImageVariant, facts: HostFacts) -> bool:
    host = host_l4t(facts)
    built = l4t.parse(variant.l4t)
    if host is None or built is None:
        return host is None  # L4T unknown: take the first, preflight will judge
    return l4t.compatible(built, host)


def candidates(profile: Profile, facts: HostFacts) -> tuple[HostPlatform, list[ImageVariant]]:
    """This host's platform and the profile's images for it, most preferred first."""
    platform = host_platform(facts)
    variants = list(getattr(profile.images, platform))
    if platform == "jetson":
        variants = [variant for variant in variants if jetson_fits(variant, facts)]
    return platform, variants


def choose(profile: Profile, facts: HostFacts, image: str | None) -> tuple[HostPlatform, ImageVariant]:
    """The variant to run; `image` replaces its image name (a custom build)."""
    platform, variants = candidates(profile, facts)
    if image is not None:
        # A custom image where the profile lists none for this platform (a
        # GPU-less host, another L4T) borrows another variant's settings; the
        # hand-over still follows this host (none without a GPU).
        base = variants[0] if variants else _fallback(profile, facts)
        return platform, base.model_copy(update={"image": image})
    if not variants:
        message, fix = no_image(profile, facts)
        raise NoImageForHost(message, fix=fix, failure_class=no_image_class(profile, facts))
    return platform, variants[0]


def no_image(profile: Profile, facts: HostFacts) -> tuple[str, str]:
    """Why the profile lists no image for this host, and the fix."""
    platform = host_platform(facts)
    return _no_image(profile, platform, facts), _no_image_fix(platform)


def no_image_class(profile: Profile, facts: HostFacts) -> str:
    """The failure class of having no image here: no GPU answers where the profile's images
    need one, images built for another L4T release, or for another platform."""
    if host_platform(facts) == "cpu" and getattr(profile.images, gpu_platform(facts)):
        return "gpu_runtime_missing"
    return "library_mismatch" if facts.jetson.is_jetson else "arch_mismatch"


def _fallback(profile: Profile, facts: HostFacts) -> ImageVariant:
    for key in (gpu_platform(facts), "x86_64", "sbsa", "jetson", "cpu"):
        variants = getattr(profile.images, key)
        if variants:
            return variants[0]  # type: ignore[no-any-return]
    raise UsageError(f"profile {profile.name} has no images")  # the schema forbids it


def _no_image_fix(platform: str) -> str:
    if platform == "cpu":
        return ("run it where `jetllm doctor` finds an NVIDIA driver and runtime, "
                "or pick a backend with a CPU image (llama.cpp, ollama)")
    return "pass --image with an image built for this machine, or use --profile with your own"


def _no_image(profile: Profile, platform: str, facts: HostFacts) -> str:
    if platform == "cpu":
        return f"{profile.name} needs an NVIDIA GPU and this host has none (no cpu image in its profile)"
    if platform == "jetson":
        listed = ", ".join(f"{v.image} (r{v.l4t})" for v in profile.images.jetson) or "none"
        return (
            f"{profile.name}: no Jetson image for L4T {facts.jetson.l4t or 'unknown'}; "
            f"the profile lists {listed}; pass --image to use another"
        )
    return f"{profile.name}: no image for {platform}; pass --image to use one"


@dataclass(frozen=True, slots=True)
class PlatformChoice:
    """The image a host of this platform (on Jetson: of this L4T release) runs; None: none."""

    platform: HostPlatform
    image: str | None
    l4t: str | None = None

    def to_json(self) -> dict[str, str | None]:
        return {"platform": self.platform, "l4t": self.l4t, "image": self.image}


def choices(profile: Profile) -> list[PlatformChoice]:
    """The image chosen on each platform: on Jetson one per L4T release the profile
    names (releases that run the same images count once), then x86_64, sbsa, cpu."""
    found: list[PlatformChoice] = []
    seen: list[l4t.Release] = []
    for listed in profile.images.jetson:
        host = l4t.parse(listed.l4t)
        if host is None or any(l4t.compatible(host, r) and l4t.compatible(r, host) for r in seen):
            continue
        seen.append(host)
        fits = (v for v in profile.images.jetson
                if (built := l4t.parse(v.l4t)) is not None and l4t.compatible(built, host))
        found.append(PlatformChoice("jetson", next(fits, listed).image, listed.l4t))
    for platform in ("x86_64", "sbsa", "cpu"):
        variants = getattr(profile.images, platform)
        found.append(PlatformChoice(platform, variants[0].image if variants else None))
    return found
