"""Doctor's terminal output: a short facts summary and the table of checks (stdout)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jetllm.core.checks import Check, Status, gib
from jetllm.core.facts import HostFacts
from jetllm.render.console import out

if TYPE_CHECKING:
    from rich.console import Console

STYLES = {Status.PASS: "green", Status.WARN: "yellow", Status.FAIL: "bold red"}


def summary_lines(facts: HostFacts) -> list[tuple[str, str]]:
    platform, jetson, nvml, docker, system = (
        facts.platform, facts.jetson, facts.nvml, facts.docker, facts.system
    )
    lines = [("Platform", f"{platform.arch}, {platform.os_release or 'unknown OS'}, kernel {platform.kernel}")]
    if jetson.is_jetson:
        power = f", power mode {jetson.power_mode}" if jetson.power_mode else ""
        lines.append(
            ("Jetson", f"{jetson.model or jetson.soc}, L4T {jetson.l4t or '?'} (JetPack {jetson.jetpack or '?'}){power}")
        )
    if nvml.available:
        gpus = "; ".join(
            f"{g.name} (cc {g.compute_capability or '?'}, memory "
            f"{'shared' if nvml.shared_memory else gib(g.memory_total_bytes)})"
            for g in nvml.gpus
        )
        lines.append(("NVIDIA", f"driver {nvml.driver_version}, CUDA {nvml.cuda_driver_version}; {gpus or 'no GPU'}"))
    else:
        lines.append(("NVIDIA", f"no NVML: {nvml.error}"))
    if docker.reachable:
        lines.append(
            ("Docker", f"{docker.server_version}, runtimes {', '.join(docker.runtimes)} "
             f"(default {docker.default_runtime or 'unknown'}), "
             f"{docker.root_dir or 'data root unknown,'} {gib(docker.root_dir_free_bytes)} free")
        )
    else:
        lines.append(("Docker", f"unreachable ({docker.error_kind})"))
    memory = f"RAM {gib(system.memory_available_bytes)} available of {gib(system.memory_total_bytes)}, swap {gib(system.swap_total_bytes)}"
    if system.nvmap_used_bytes is not None:
        memory += f", NvMapMemUsed {gib(system.nvmap_used_bytes)}"
    lines.append(("Memory", f"{memory}; {system.cpu_count} CPUs"))
    lines.append(("Models", f"{system.hf_cache_dir or 'cache folder unknown'}, {gib(system.hf_cache_free_bytes)} free"))
    return lines


def render(facts: HostFacts, checks: list[Check], console: Console | None = None) -> None:
    """Facts first, then one line per check; a fix, where there is one, on the line below.

    A borderless grid rather than a four-column table: fixes are whole
    commands, and narrow columns would fold them mid-word on an 80-column
    terminal or in a CI log.
    """
    from rich.table import Table
    from rich.text import Text

    console = console or out()
    facts_table = Table(show_header=False, box=None, pad_edge=False)
    facts_table.add_column(style="bold", no_wrap=True)
    facts_table.add_column(overflow="fold")
    for name, value in summary_lines(facts):
        facts_table.add_row(name, value)
    console.print(facts_table)
    console.print()

    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True)
    grid.add_column(no_wrap=True, style="bold")
    grid.add_column(overflow="fold")
    for check in checks:
        text = Text(check.message)
        if check.fix:
            text.append("\nfix:", style="dim").append(f" {check.fix}")
        grid.add_row(Text(check.status.value.upper(), style=STYLES[check.status]), check.id, text)
    console.print(grid)
    counts = {status: sum(c.status is status for c in checks) for status in Status}
    console.print(
        f"\n{counts[Status.FAIL]} failed, {counts[Status.WARN]} warning(s), {counts[Status.PASS]} passed"
    )
