"""render(): a profile + this host's facts + settings -> one ContainerSpec.

Pure: reads no Docker and starts nothing (runtime/docker.py does that). The
one look at the world is whether Settings.model names a local file or folder,
which is then mounted read-only and passed by its path in the container.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from jetllm.catalog.platform import choose
from jetllm.catalog.templates import fill, fill_command, fill_env
from jetllm.catalog.volumes import check_volume
from jetllm.errors import UsageError

if TYPE_CHECKING:
    from jetllm.catalog.profile import Profile
    from jetllm.facts.models import HostFacts
    from jetllm.runtime.spec import ContainerSpec, Mount, Settings

# Template names a profile may use besides its knobs.
# model: the model as the backend sees it (a local path becomes its path in the
# container); model_file / model_repo: the same, set only when it is a local
# file or folder / a hub id, so a command can pick the flag (llama-server's
# --model PATH or --hf-repo ID[:QUANT]).
TEMPLATE_VARS = ("model", "model_name", "model_file", "model_repo", "served_model", "port",
                 "threads", "hf_cache")
MODEL_VARS = ("model", "model_name", "model_file", "model_repo")
KNOB_SETTINGS = ("gpu_util", "max_len", "concurrency", "gpu_layers", "quantization")  # the try/bringup flags
MODELS_DIR = PurePosixPath("/models")  # where a local model appears in the container


def _hf_cache(facts: HostFacts) -> str:
    """The host's Hugging Face home (the folder holding hub/), to share downloads."""
    known = facts.system.hf_cache_dir
    if known:
        path = Path(known)
        return str(path.parent if path.name == "hub" else path)
    home = os.environ.get("HF_HOME") or str(Path.home() / ".cache" / "huggingface")
    return home


def _model(name: str | None, formats: list[str]) -> tuple[str | None, str | None, list[Mount]]:
    """(model as the backend sees it, its short name, mounts it needs)."""
    from jetllm.models.names import parse
    from jetllm.runtime.spec import Mount

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
    for name in KNOB_SETTINGS:
        if getattr(settings, name) is not None and name not in profile.knobs:
            flag = "--" + name.replace("_", "-")
            takes = ", ".join("--" + k.replace("_", "-") for k in profile.knobs if k in KNOB_SETTINGS)
            raise UsageError(f"{profile.name} has no {flag} setting; it takes {takes or 'none of them'}")


def knob_values(profile: Profile, settings: Settings) -> dict[str, Any]:
    """Each knob's value: the setting where given, else the profile's default."""
    values = profile.defaults()
    for name in KNOB_SETTINGS:
        given = getattr(settings, name)
        if given is not None:
            values[name] = given
        else:
            values.setdefault(name, None)
    values.update(settings.extra)
    return values


def render(
    profile: Profile, facts: HostFacts, settings: Settings, *, image: str | None = None
) -> ContainerSpec:
    from jetllm.catalog.profile import settings_with
    from jetllm.runtime.spec import ContainerSpec, GpuHandover, Mount, ReadySpec

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
            mounts.append(Mount(source=source, target=volume.target, read_only=volume.read_only))
    gpu = {
        "jetson": GpuHandover.RUNTIME,
        "x86_64": GpuHandover.DEVICE_REQUEST,
        "sbsa": GpuHandover.DEVICE_REQUEST,
    }.get(platform, GpuHandover.NONE)
    ready = profile.ready
    timeout = ready.timeout_s_jetson if platform == "jetson" and ready.timeout_s_jetson else ready.timeout_s
    tty = variant.tty if variant.tty is not None else profile.tty
    return ContainerSpec(
        backend=profile.name,
        image=variant.image,
        entrypoint=variant.entrypoint if variant.entrypoint is not None else profile.entrypoint,
        command=fill_command(variant.command if variant.command is not None else profile.command, values),
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
        ready=ReadySpec(
            health_path=ready.health_path,
            ok_statuses=list(ready.ok_statuses),
            loading_statuses=list(ready.loading_statuses),
            log_line=ready.log_line,
            log_file=variant.log_file or ready.log_file,
            timeout_s=timeout,
        ),
        api_base=profile.api_base,
        served_model=values["served_model"],
        model_pull=profile.model_pull,
        settings=settings_with(
            {k: v for k, v in knobs.items() if v is not None},
            settings.model_copy(update={"model": settings.model or profile.default_model}),
        ),
    )
