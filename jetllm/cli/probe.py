"""`jetllm probe IMAGE|BACKEND`: run the project's probes inside the image, in
seconds and before any model load: what the container sees of the GPU, the
image's L4T release, torch and its arch list, the servers' versions, and each
problem as a class with its fix. Works from the images the daemon holds (no pull,
no registry): an offline board probes what `docker load` brought.

Exit 0 no blocker (a CPU fallback is reported, not a failure); 1 a blocker, or the
image is not here; 2 bad input.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from jetllm.cli.options import Facts, Json, check_seconds
from jetllm.core.exitcodes import ExitCode
from jetllm.core.outcome import ErrorItem, Outcome


def probe_cmd(target: str | None, profile_file: Path | None, facts_file: Path | None,
              timeout_s: float, as_json: bool) -> Outcome:
    from jetllm.catalog import is_backend, load_profile, render
    from jetllm.core.errors import UsageError
    from jetllm.core.spec import Settings
    from jetllm.dockerenv import connect
    from jetllm.facts import host_facts
    from jetllm.render.probe import render as render_probe
    from jetllm.runtime.attempt import new_run_id
    from jetllm.runtime.probe import image_present, image_spec, run_probe

    check_seconds("--timeout", timeout_s)
    if profile_file is None and not target:
        raise UsageError("name an image or a backend (jetllm probe vllm)")
    facts = host_facts(facts_file)
    if profile_file is None and target and not is_backend(target):
        spec = image_spec(target, facts)
    else:
        profile = load_profile(str(profile_file) if profile_file else str(target))
        spec = render(profile, facts, Settings())
    client = connect()
    if not image_present(client, spec.image):
        message = f"{spec.image} is not here: the probe runs only images the daemon holds (no pull)"
        fix = f"pull it (`docker pull {spec.image}`), or on an offline host `docker load -i FILE.tar`"
        data = {"image": spec.image, "backend": None if spec.backend == "image" else spec.backend,
                "verdict": "not_probed", "note": message}
        if not as_json:
            render_probe(None, message=message, fix=fix)
        return Outcome(ExitCode.NOT_WORKING, data if as_json else None,
                       (ErrorItem("image_pull_failed", message, fix),))
    result = run_probe(client, spec, facts, run_id=new_run_id(), timeout_s=timeout_s)
    blocker = result.blocker
    code = ExitCode.NOT_WORKING if blocker is not None or (not result.ran and not result.problems) else ExitCode.OK
    errors: tuple[ErrorItem, ...] = ()
    if code != ExitCode.OK:
        errors = ((ErrorItem(blocker.failure_class.value, blocker.message, blocker.fix),) if blocker
                  else (ErrorItem("unknown", result.note or "the probe did not run"),))
    if as_json:
        return Outcome(code, result.to_json(), errors)
    render_probe(result)
    return Outcome(code)


def register(app: typer.Typer) -> None:
    @app.command("probe")
    def probe(
        target: Annotated[str | None, typer.Argument(
            help="An image the daemon holds, or a backend (vllm): its image for this machine.")] = None,
        profile_file: Annotated[Path | None, typer.Option(
            "--profile", help="Probe the image of this profile file.")] = None,
        timeout: Annotated[float, typer.Option(
            "--timeout", help="Seconds the probe may take before it is stopped.")] = 30.0,
        facts_file: Facts = None,
        as_json: Json = False,
    ) -> Outcome:
        """Probe an image in seconds, before any model load: does the container see the GPU, and can it use it?"""
        return probe_cmd(target, profile_file, facts_file, timeout, as_json)
