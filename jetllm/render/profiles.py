"""`jetllm profiles`'s terminal views (stdout): the list of profiles, and one
profile as it resolves for a host (`profiles show`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jetllm.render.console import out

if TYPE_CHECKING:
    from rich.console import Console

    from jetllm.catalog.profile import Profile
    from jetllm.catalog.show import Shown

PLATFORMS = ("jetson", "x86_64", "sbsa", "cpu")


def render_list(profiles: list[Profile], console: Console | None = None) -> None:
    """One row per profile: its formats, port, the platforms it has images for."""
    from rich.table import Table

    table = Table("backend", "formats", "port", "platforms", "description", box=None)
    for p in profiles:
        platforms = [k for k in PLATFORMS if getattr(p.images, k)]
        table.add_row(p.name, ", ".join(p.formats), str(p.port), ", ".join(platforms), p.description)
    (console or out()).print(table)


def _rows(shown: Shown) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    spec = shown.spec
    if spec is None:
        assert shown.no_image is not None
        rows.append(("this host", f"no image it can run: {shown.no_image.message}"))
        if shown.no_image.fix:
            rows.append(("", f"fix: {shown.no_image.fix}"))
    else:
        rows.append(("image", f"{spec.image}  " + (f"(runtime {spec.runtime})" if spec.runtime
                                                   else f"(gpu {spec.gpu.value})")))
        others = [v.image for v in shown.variants if v.image != spec.image]
        if others:
            rows.append(("also", ", ".join(others)))
        rows.append(("command", " ".join([*(spec.entrypoint or []), *spec.command])))
        rows += [("env", f"{key}={value}") for key, value in spec.env.items()]
        rows += [("volume", f"{m.source}:{m.target}{':ro' if m.read_only else ''}") for m in spec.mounts]
        rows.append(("port", f"{spec.container_port}  api {spec.api_base}  ready {spec.ready.health_path}"))
        if spec.model_pull is not None:
            rows.append(("model", f"fetched once up: POST {spec.model_pull.path} ({spec.served_model})"))
    for knob in shown.ladder.knobs:
        kind = "continuous" if knob.continuous else "stepped"
        rows.append(("ladder", f"{knob.name}: {' > '.join(str(s) for s in knob.values)} ({kind})"))
    for n, choice in enumerate(shown.choices):
        where = f"{choice.platform} (L4T {choice.l4t})" if choice.l4t else choice.platform
        rows.append(("" if n else "platforms", f"{where}: {choice.image or 'none'}"))
    return rows


def render_shown(shown: Shown, console: Console | None = None) -> None:
    from rich.table import Table
    from rich.text import Text

    console = console or out()
    profile = shown.profile
    head = Table.grid(padding=(0, 1))
    head.add_column(no_wrap=True)
    head.add_column(overflow="fold")
    head.add_row(Text(f"{profile.name}:"), Text(f"{profile.description}  [{shown.platform}]"))
    console.print(head)
    grid = Table.grid(padding=(0, 2))
    grid.add_column(width=0)  # the indent: the padding after this empty column
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for label, text in _rows(shown):
        grid.add_row("", label, Text(text))
    console.print(grid)
