"""report.md: the report as Markdown, readable and pasteable into an issue."""

from __future__ import annotations

from jetllm.core.attempt import MemoryFigures
from jetllm.core.plaintext import plain
from jetllm.core.probe import fact_lines
from jetllm.core.redact import clip
from jetllm.core.spec import Settings
from jetllm.core.units import GIB, size
from jetllm.report.model import Report
from jetllm.report.rows import headline, rows
from jetllm.search.ladder import describe


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>") or " "


def _host(report: Report) -> list[str]:
    facts = report.facts
    if facts is None:
        return ["- host facts: not recorded"]
    j, n, s = facts.jetson, facts.nvml, facts.system
    lines = [f"- platform: {facts.platform.arch} {facts.platform.os_release or ''}".rstrip()]
    if j.is_jetson:
        lines.append(f"- Jetson: {j.model or '?'}, L4T {j.l4t or '?'}, JetPack {j.jetpack or '?'}")
    lines.append(f"- driver: {n.driver_version or '-'}, CUDA (driver) {n.cuda_driver_version or '-'}")
    if s.memory_total_bytes:
        lines.append(f"- memory: {s.memory_total_bytes / GIB:.1f} GiB")
    lines.append(f"- Docker: {facts.docker.server_version or 'not reachable'}; "
                 f"runtimes: {', '.join(facts.docker.runtimes) or '-'}")
    return lines


def render_markdown(report: Report) -> str:
    out = ["# jetllm bringup report", "", f"**{headline(report)}**", ""]
    model = report.model or "profile default"
    if report.model_info is not None:
        model += f" (GGUF: {report.model_info.describe()})"
    out += [f"- model: {model}",
            f"- when: {report.created_at} (jetllm {report.jetllm_version}, "
            f"report schema {report.jetllm_report_version})",
            f"- time to verdict: {report.elapsed_s:.0f} s; container starts: {report.starts}"]
    if report.require:
        out.append(f"- required (--require): {', '.join(report.require)}")
    if report.budget_spent:
        out.append(f"- the time budget ({report.budget_s:.0f} s) ran out: see 'not tried'")
    out += ["", "## Host", "", *_host(report), "", "## Candidates", "",
            "| | backend | image | verdict | best settings | tok/s | TTFT | starts | cause | fix |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows(report):
        cause = f"`{r.failure_class}`: {r.cause}" if r.failure_class else r.cause
        if r.untried:
            cause += f" (not tried: {r.untried})"
        out.append("| " + " | ".join(_cell(x) for x in (
            "**winner**" if r.winner else (str(r.rank) if r.rank else ""), r.name, f"`{r.image}`",
            r.verdict, r.settings, r.tokens_per_s, r.ttft, str(r.starts), cause, r.fix)) + " |")
    out += [""]
    if any(result.attempts for result in report.candidates):
        out += ["## Attempts", ""]
    for result in report.candidates:
        if not result.attempts:
            continue
        out.append(f"### {result.candidate.name}")
        out.append("")
        for n, attempt in enumerate(result.attempts, start=1):
            what = attempt.outcome.value
            if attempt.diagnosis is not None:
                what = f"{attempt.diagnosis.failure_class.value}"
                if attempt.diagnosis.evidence:
                    what += f": `{clip(attempt.diagnosis.evidence[0].text, 160)}`"
            secs = attempt.timings.total_s
            took = f" ({secs:.0f} s)" if secs is not None else ""
            out.append(f"{n}. {describe(attempt.settings)}: {what}{took}")
            if attempt.memory is not None:
                out.append(f"   - memory: {_memory(attempt.memory)}")
            if attempt.memory is not None and attempt.memory.ran:
                out.append(f"   - ran with: {_ran(attempt.settings, attempt.memory.ran)}")
        probe = next((a.probe for a in result.attempts if a.probe is not None), None)
        if probe is not None:
            out += ["", f"Probe of `{probe.image}` before the first model load: {probe.verdict}", "", "```"]
            out += [*fact_lines(probe.facts), *(f"{p.failure_class.value}: {p.message}" for p in probe.problems)]
            out.append("```")
        out.append("")
    out += _checks(report)
    out += _load(report)
    out += _soak(report)
    winner = report.winning
    if winner is not None:
        out += ["## Run it", "", "```sh", "docker compose up -d   # in this folder",
                "set -a; . ./.env; set +a   # OPENAI_BASE_URL for OpenAI clients", "```", ""]
    return plain("\n".join(out).rstrip() + "\n")  # data as text: no terminal control codes


def _memory(figures: MemoryFigures) -> str:
    """Predicted against measured, in a line: the figures the backend printed, sizes in bytes."""
    said = []
    if figures.predicted_bytes is not None:
        usable = f" of {size(figures.usable_bytes)} usable" if figures.usable_bytes is not None else ""
        said.append(f"predicted {size(figures.predicted_bytes)}{usable}")
    printed = []
    for name, value in figures.measured.items():
        if name.endswith("_bytes"):
            amount = size(int(abs(value)))
            printed.append(f"{name.removesuffix('_bytes')} {'-' if value < 0 else ''}{amount}")
        else:
            printed.append(f"{name} {value:g}")
    if printed:
        said.append("measured " + ", ".join(printed))
    return "; ".join(said) or "no figures"


def _ran(asked: Settings, ran: dict[str, int]) -> str:
    """The settings the backend says it ran with, and what was asked where the two differ."""
    said = []
    for name, value in ran.items():
        wanted = getattr(asked, name, None)
        differs = name != "gpu_layers" and wanted is not None and wanted != value  # -ngl 999 means all
        said.append(f"{name} {value}" + (f" (asked {wanted})" if differs else ""))
    return ", ".join(said)


def _checks(report: Report) -> list[str]:
    """The smoke suite of each candidate that served: what an application would meet."""
    served = [r for r in report.candidates if r.best_attempt is not None and r.best_attempt.checks]
    if not served:
        return []
    out = ["## Smoke checks", "", "| candidate | check | status | detail | ms |", "|---|---|---|---|---|"]
    for result in served:
        assert result.best_attempt is not None
        for check in result.best_attempt.checks:
            ms = f"{check.ms:.0f}" if check.ms is not None else "-"
            out.append("| " + " | ".join(_cell(x) for x in (
                result.candidate.name, check.name, check.status.value, clip(check.detail, 200), ms)) + " |")
    out.append("")
    winner = report.winning
    if winner is not None and winner.spec is not None and winner.spec.tool_call_args and winner.best_attempt:
        called = any(c.name == "tool-call" and c.status.value == "pass" for c in winner.best_attempt.checks)
        flags = " ".join(winner.spec.tool_call_args)
        out += [f"Tool calls {'work' if called else 'were tried'} with the server flags `{flags}` "
                "(the profile's `tool_calls` for this model; docker-compose.yml carries them).", ""]
    return out


LATENCY_SVG = "latency.svg"


def _s(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _load(report: Report) -> list[str]:
    """Each concurrency sweep as a table; the winner's also as a plot (latency.svg, beside it)."""
    swept = [r for r in report.candidates if r.best_attempt is not None and r.best_attempt.load is not None]
    if not swept:
        return []
    out = ["## Latency under load", ""]
    for result in swept:
        assert result.best_attempt is not None and result.best_attempt.load is not None
        sweep = result.best_attempt.load
        out += [f"### {result.candidate.name}", "",
                f"Streamed requests, {sweep.max_tokens} output tokens each, the same prompt at every "
                "level, a warm-up round per level left out. Seconds.", "",
                "| concurrency | requests | errors | TTFT p50 | TTFT p95 | ITL p50 | ITL p95 | total p50 "
                "| total p95 | tokens/s | target |",
                "|---|---|---|---|---|---|---|---|---|---|---|"]
        for lv in sweep.levels:
            meets = "-" if lv.meets_target is None else ("meets" if lv.meets_target else "misses")
            out.append("| " + " | ".join((
                str(lv.concurrency), str(lv.requests), str(lv.errors), _s(lv.ttft_p50), _s(lv.ttft_p95),
                _s(lv.itl_p50), _s(lv.itl_p95), _s(lv.total_p50), _s(lv.total_p95),
                f"{lv.tokens_per_s:.1f}" if lv.tokens_per_s is not None else "-", meets)) + " |")
        out.append("")
        if sweep.target_p95_s is not None:
            best = f"concurrency {sweep.best}" if sweep.best else "no level"
            out += [f"Target p95 {sweep.target_p95_s:g} s: {best} meets it.", ""]
        if sweep.stopped:
            out += [f"Stopped early: {_cell(sweep.stopped)}", ""]
        if result.candidate.name == report.winner:
            out += [f"![latency under load]({LATENCY_SVG})", ""]
    return out


def _soak(report: Report) -> list[str]:
    soak = report.soak
    if soak is None:
        return []
    verdict = soak.verdict + (" (interrupted: the figures so far)" if soak.interrupted else "")
    drift = "-" if soak.latency_drift is None else f"{soak.latency_drift * 100:+.1f} %"
    memory = [s.container_memory_bytes for s in soak.samples if s.container_memory_bytes is not None]
    out = ["## Soak", "", f"**{verdict}**", "",
           f"- {soak.duration_s:.0f} s of {soak.planned_s:.0f} s at concurrency {soak.concurrency}"
           + (f" ({soak.ended_early})" if soak.ended_early else ""),
           f"- requests: {soak.requests}, failed: {soak.errors}"
           + (f" (first: {_cell(clip(soak.first_error, 160))})" if soak.first_error else ""),
           f"- response time p50, first tenth {_s(soak.latency_first_p50_s)} s, last tenth "
           f"{_s(soak.latency_last_p50_s)} s (drift {drift}); p95 {_s(soak.latency_p95_s)} s"]
    if memory:
        out.append(f"- container memory: {memory[0] / 2**20:.0f} MiB at start, {memory[-1] / 2**20:.0f} MiB "
                   f"at end, peak {max(memory) / 2**20:.0f} MiB; restarts {soak.restarts}")
    available = [s.mem_available_bytes for s in soak.samples if s.mem_available_bytes is not None]
    nvmap = [s.nvmap_used_bytes for s in soak.samples if s.nvmap_used_bytes is not None]
    if available:
        out.append(f"- host MemAvailable: lowest {min(available) / 2**20:.0f} MiB"
                   + (f"; NvMap (GPU memory) peak {max(nvmap) / 2**20:.0f} MiB" if nvmap else ""))
    if soak.power_mode:
        out.append(f"- Jetson power mode: {soak.power_mode}")
    temps = [s.temp_max_c for s in soak.samples if s.temp_max_c is not None]
    clocks = [s.gpu_freq_hz for s in soak.samples if s.gpu_freq_hz is not None]
    top = next((s.gpu_max_freq_hz for s in soak.samples if s.gpu_max_freq_hz), None)
    if temps or clocks:
        out.append("- Jetson thermals: " + "; ".join(
            ([f"hottest zone {max(temps):.1f} C"] if temps else [])
            + ([f"GPU clock {min(clocks) / 1e6:.0f} to {max(clocks) / 1e6:.0f} MHz"
                + (f" of {top / 1e6:.0f} MHz max" if top else "")] if clocks else [])))
    out += [f"- note: {_cell(note)}" for note in soak.notes]
    if soak.diagnosis is not None:
        d = soak.diagnosis
        out.append(f"- cause: `{d.failure_class.value}`: {_cell(d.cause)}")
        out += [f"  - log: `{clip(e.text, 160)}`" for e in d.evidence[:2]]
        out.append(f"- fix: {_cell(d.fix)}")
    return [*out, "", "Its figures as a Prometheus textfile: `jetllm_soak.prom`.", ""]
