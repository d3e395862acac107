"""report.md: the report as Markdown, readable and pasteable into an issue."""

from __future__ import annotations

from jetllm.core.attempt import MemoryFigures
from jetllm.core.plaintext import plain
from jetllm.core.probe import fact_lines
from jetllm.core.redact import clip
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
        probe = next((a.probe for a in result.attempts if a.probe is not None), None)
        if probe is not None:
            out += ["", f"Probe of `{probe.image}` before the first model load: {probe.verdict}", "", "```"]
            out += [*fact_lines(probe.facts), *(f"{p.failure_class.value}: {p.message}" for p in probe.problems)]
            out.append("```")
        out.append("")
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

