"""The catalog: backend profiles (profiles/*.yaml) and how to start them here.

API (everything a caller needs; import from jetllm.catalog):

- load_profile(name_or_path: str) -> Profile
    A shipped profile by name ("vllm", "ollama", "llama.cpp", "tensorrt-llm",
    "sglang"), a profile in the user profile directory (resources.
    user_profiles_dir(); it wins on a name clash), or a YAML file path
    (`--profile FILE`). A bad file raises UsageError with one line
    "profiles/x.yaml: field 'images.jetson': ..."; an unknown name raises
    UsageError listing the known ones.
- list_profiles() -> list[Profile]
- is_backend(name) -> bool: a shipped or user profile has this name.
- render(profile, facts: HostFacts, settings: Settings, *, image: str | None = None)
      -> ContainerSpec
    Picks the image for this host (Jetson by L4T release, x86_64, sbsa = arm64
    server, cpu when the host has no GPU; `image` replaces the image name and
    keeps that variant's settings), fills the command/env templates from the
    settings (None = the profile's default; a flag group naming an unset knob
    is dropped), and sets port, GPU hand-over (RUNTIME + runtime "nvidia" on
    Jetson, DEVICE_REQUEST on x86_64/sbsa, NONE for cpu), volumes (model
    caches), shm/ipc, tty, readiness (health path, loading statuses, ready log
    line, log file, timeout) and the served model name. A Settings.model that is
    an existing local file or folder is mounted read-only under /models and the
    command gets that in-container path. spec.settings holds the effective
    knob values.
- Profile.ladder(facts) -> Ladder (jetllm/core/ladder.py)
    Ladder.knobs: [Knob(name, values, continuous)] in the order a bring-up
    steps them down, values (the profile's steps) most ambitious first, for
    this host's platform. continuous=True (gpu_util) may be bisected between
    steps; others are stepped. Ladder.first() -> Settings (every knob's first
    step); Settings.with_knobs({knob: value}) puts non-Settings knobs in
    Settings.extra.
- host_platform(facts) -> "jetson" | "x86_64" | "sbsa" | "cpu"
- candidates(profile, facts) -> (platform, [ImageVariant]): every image that fits.
"""

from __future__ import annotations

from jetllm.catalog.load import is_backend, list_profiles, load_file, load_profile
from jetllm.catalog.platform import candidates, host_platform
from jetllm.catalog.profile import Profile
from jetllm.catalog.render import render
from jetllm.catalog.schema import ImageVariant

__all__ = [
    "ImageVariant",
    "Profile",
    "candidates",
    "host_platform",
    "is_backend",
    "list_profiles",
    "load_file",
    "load_profile",
    "render",
]
