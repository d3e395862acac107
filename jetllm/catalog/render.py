"""render(): a profile + this host's facts + settings -> one ContainerSpec.

Reads no Docker and starts nothing (runtime/docker.py does that). It looks at
this machine in three places: whether Settings.model names a local file or
folder (then mounted read-only and passed by its path in the container), and,
where the facts lack them (a facts file written by hand), the CPU count and
the Hugging Face cache folder (core/resources.py hf_cache_dir).
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from jetllm.catalog.platform import choose
from jetllm.catalog.templates import fill, fill_command, fill_env
from jetllm.catalog.volumes import check_volume
from jetllm.core.errors import UsageError
from jetllm.core.resources import hf_cache_dir
from jetllm.core.spec import SETTINGS_KNOBS

if TYPE_CHECKING:
    from jetllm.catalog.profile import Profile
    from jetllm.core.facts import HostFacts
    from jetllm.core.spec import ContainerSpec, Mount, Settings

# Template names a profile may use besides its knobs.
# model: the model as the backend sees it (a local path becomes its path in the
# container); model_file / model_repo: the same, set only when it is a local
# file or folder / a hub id, so a command can pick the flag (llama-server's
# --model PATH or --hf-repo ID[:QUANT]).
TEMPLATE_VARS = ("model", "model_name", "model_file", "model_repo", "served_model", "port",
                 "threads", "hf_cache")
MODEL_VARS = ("model", "model_name", "model_file", "model_repo")
MODELS_DIR = PurePosixPath("/models")  # where a local model appears in the container


def _hf_cache(facts: HostFacts) -> str:
    """The host's Hugging Face home (the folder holding hub/), to share downloads."""
    path = Path(facts.system.hf_cache_dir or hf_cache_dir())
    return str(path.parent if path.name == "hub" else path)


def _model(name: str | None, formats: list[str]) -> tuple[str | None, str | None, list[Mount]]:
    """(model as the backend sees it, its short name, mounts it needs)."""
    from jetllm.core.spec import Mount
    from jetllm.modelinfo.names import parse

    if name is None:
        return None, None, []
    given = parse(name)
    if given.kind == "local":
        local = Path(name).expanduser().resolve()
        target = str(MODELS_DIR / local.name)
        short = local.name.removesuffix(".gguf") if local.is_file() else local.name
        return target, short, [Mount(source=str(local), target=target, read_only=True)]
    if "ollama" in formats:
        return given.for_ollama, given.for_ollama, []  # ORG/REPO:QUANT is hf.co/ORG/REPO:QUANT
    return name, name, []


def needs_model(profile: Profile) -> bool:
    """Whether the profile's command names the model (llama-server does; Ollama pulls by request)."""
    items = [*(profile.entrypoint or []), *profile.command]
    flat = [part for item in items for part in ([item] if isinstance(item, str) else item)]
    return any(f"{{{name}}}" in part for part in flat for name in MODEL_VARS)


def require_model(profile: Profile, settings: Settings) -> None:
    """UsageError when starting this profile needs a model and none is given or default."""
    if not (settings.model or profile.default_model) and needs_model(profile):
        raise UsageError(f"{profile.name} has no default model: pass --model "
                         "(a local file or folder is mounted read-only)")


def require_knobs(profile: Profile, settings: Settings) -> None:
    """UsageError when a setting is given that this backend has no knob for (it would be ignored)."""
    for name in SETTINGS_KNOBS:
        if getattr(settings, name) is not None and name not in profile.knobs:
            flag = "--" + name.replace("_", "-")
            takes = ", ".join("--" + k.replace("_", "-") for k in profile.knobs if k in SETTINGS_KNOBS)
            raise UsageError(f"{profile.name} has no {flag} setting; it takes {takes or 'none of them'}")


def knob_values(profile: Profile, settings: Settings) -> dict[str, Any]:
    """Each knob's value: the setting where given, else the profile's default."""
    values = profile.defaults()
    for name in SETTINGS_KNOBS:
        given = getattr(settings, name)
        if given is not None:
            values[name] = given
        else:
            values.setdefault(name, None)
    values.update(settings.extra)
    return values


def tool_call_args(profile: Profile, model: str | None) -> tuple[str, ...]:
    """The profile's tool-call flags for this model's family (none when no entry matches)."""
    import re

    for entry in profile.tool_calls:
        if re.search(entry.match, model or "", re.IGNORECASE):
            return tuple(entry.args)
    return ()


def render(
    profile: Profile, facts: HostFacts, settings: Settings, *, image: str | None = None
) -> ContainerSpec:
    from jetllm.core.spec import ContainerSpec, GpuHandover

    platform, variant = choose(profile, facts, image)
    knobs = knob_values(profile, settings)
    model, model_name, mounts = _model(settings.model or profile.default_model, list(profile.formats))
    values: dict[str, Any] = {
        **knobs,
        "model": model,
        "model_name": model_name,
        "model_file": model if mounts else None,
        "model_repo": model if model is not None and not mounts else None,
        "port": profile.port,
        "threads": facts.system.cpu_count or os.cpu_count() or 4,
        "hf_cache": _hf_cache(facts),
    }
    values["served_model"] = fill(profile.served_model, values)
    for volume in variant.volumes if variant.volumes is not None else profile.volumes:
        source = fill(volume.source, values)
        if source is not None:
            if source != volume.source:  # a template: checked once filled (the file was on load)
                check_volume(source, volume.read_only, f"{profile.path or profile.name}: volume '{volume.source}'")
            mounts.append(volume.model_copy(update={"source": source}))
    gpu = {
        "jetson": GpuHandover.RUNTIME,
        "x86_64": GpuHandover.DEVICE_REQUEST,
        "sbsa": GpuHandover.DEVICE_REQUEST,
    }.get(platform, GpuHandover.NONE)
    tty = variant.tty if variant.tty is not None else profile.tty
    tools = tool_call_args(profile, model)
    return ContainerSpec(
        backend=profile.name,
        image=variant.image,
        entrypoint=variant.entrypoint if variant.entrypoint is not None else profile.entrypoint,
        command=(*fill_command(variant.command if variant.command is not None else profile.command, values),
                 *tools),
        tool_call_args=tools,
        healthcheck_tool=variant.healthcheck_tool or profile.healthcheck_tool,
        env=fill_env({**profile.env, **variant.env}, values),
        secret_env=list(profile.secret_env),
        container_port=profile.port,
        gpu=gpu,
        runtime="nvidia" if gpu is GpuHandover.RUNTIME else None,
        mounts=mounts,
        shm_size=profile.shm_size,
        ipc_host=profile.ipc_host,
        tty=tty,
        cap_drop_all=profile.cap_drop_all,
        ready=profile.ready.for_platform(platform, variant.log_file),
        api_base=profile.api_base,
        served_model=values["served_model"],
        model_pull=profile.model_pull,
        settings=settings.model_copy(update={"model": settings.model or profile.default_model}).with_knobs(
            {k: v for k, v in knobs.items() if v is not None}),
    )
