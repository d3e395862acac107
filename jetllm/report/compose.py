"""docker-compose.yml and .env for the winner: exactly the image, command, env,
runtime and ports that worked. Secrets appear as ${NAME} references, never values
(a secret flag's value as ${JETLLM_FLAG}); .env names them for the user to fill in."""

from __future__ import annotations

import re
from typing import Any

from jetllm.core.redact import is_secret_env, references, spec_without_secrets
from jetllm.core.spec import ContainerSpec, GpuHandover
from jetllm.report.health import RESTART, healthcheck, restart_notes
from jetllm.search.candidates import CandidateResult


def _secret_names(spec: ContainerSpec) -> list[str]:
    """Every variable the service needs from the shell or .env: secret env (values that
    are ${NAME} references already, or would be) and the ${JETLLM_...} of secret flags."""
    env = {k for k, v in spec.env.items() if v == f"${{{k}}}" or is_secret_env(k, v, spec.secret_env)}
    flags = references([*(spec.entrypoint or []), *spec.command])
    return sorted({*spec.secret_env, *env, *flags})


def service_name(backend: str) -> str:
    return re.sub(r"[^a-z0-9_-]+", "-", backend.lower()).strip("-") or "llm"


def host_port(spec: ContainerSpec) -> int:
    return spec.host_port or spec.container_port


def compose_service(spec: ContainerSpec, result: CandidateResult | None = None) -> dict[str, Any]:
    spec = spec_without_secrets(spec)
    service: dict[str, Any] = {"image": spec.image}
    if spec.entrypoint is not None:
        service["entrypoint"] = list(spec.entrypoint)
    if spec.command:
        service["command"] = list(spec.command)
    env = {**spec.env, **{name: f"${{{name}}}" for name in spec.secret_env}}
    if env:
        service["environment"] = env
    if spec.runtime:
        service["runtime"] = spec.runtime
    if spec.gpu is GpuHandover.DEVICE_REQUEST:
        service["deploy"] = {"resources": {"reservations": {"devices": [
            {"driver": "nvidia", "count": "all", "capabilities": ["gpu"]}]}}}
    elif spec.gpu is GpuHandover.CDI:
        service["devices"] = ["nvidia.com/gpu=all"]
    port = host_port(spec)
    service["ports"] = [f"{spec.host_address}:{port}:{spec.container_port}"]
    if spec.mounts:
        service["volumes"] = [
            f"{m.source}:{m.target}" + (":ro" if m.read_only else "") for m in spec.mounts]
    if spec.shm_size:
        service["shm_size"] = spec.shm_size
    if spec.ipc_host:
        service["ipc"] = "host"
    if spec.memory_limit:
        service["mem_limit"] = spec.memory_limit
    if spec.tty:
        service["tty"] = True
    service["init"] = spec.init
    service["security_opt"] = ["no-new-privileges:true"]
    if spec.cap_drop_all:
        service["cap_drop"] = ["ALL"]
    service["restart"] = RESTART
    check = healthcheck(spec, result)
    if check is not None:
        service["healthcheck"] = check
    return service


def render_compose(spec: ContainerSpec, result: CandidateResult | None = None) -> str:
    """The compose file; `result` (the winner's search) sizes the healthcheck and says
    in comments what a restart cannot help."""
    import textwrap

    import yaml

    service = compose_service(spec, result)
    document: dict[str, Any] = {"services": {service_name(spec.backend): service}}
    named = sorted({m.source for m in spec.mounts if "/" not in m.source})
    if named:
        # Compose creates a missing volume; `name` keeps it unprefixed, so a cache
        # jetllm filled (e.g. jetllm-llama-cache) is the one the service uses.
        document["volumes"] = {name: {"name": name} for name in named}
    header = ("# Written by jetllm bringup: the settings that worked on this machine.\n"
              "# Start: docker compose up -d   (secrets come from your shell or .env)\n")
    for note in restart_notes(spec, result, service.get("healthcheck")):
        header += "".join(f"# {line}\n" for line in textwrap.wrap(note, 88))
    body: str = yaml.safe_dump(document, sort_keys=False, default_flow_style=False)
    return header + body


def render_env(spec: ContainerSpec) -> str:
    lines = [
        "# Written by jetllm bringup: point OpenAI-compatible clients at the winner.",
        f"OPENAI_BASE_URL=http://127.0.0.1:{host_port(spec)}{spec.api_base}",
        "# The server does not check a key unless you configure one; clients want one set.",
        "OPENAI_API_KEY=sk-no-key-required",
    ]
    if spec.served_model:
        lines.append(f"OPENAI_MODEL={spec.served_model}")
    for name in _secret_names(spec_without_secrets(spec)):
        lines.append(f"# {name}=   (set it here or in your shell; docker compose reads it)")
    return "\n".join(lines) + "\n"
