"""--require: what the user needs of the winner, met or not by a candidate's smoke checks.

    unmet(result, ["tool-calls", "streaming"]) -> ["tool-calls: tool-call fail: ..."]

A requirement names the checks that must pass (jetllm/smoke/suite.py); a warning
counts as met where it is only a missing extra (usage on a chat), not for the
sanity prompt. A check the backend did not run or skipped is not met.
"""

from __future__ import annotations

from collections.abc import Sequence

from jetllm.core.attempt import CheckStatus, SmokeCheck
from jetllm.core.errors import UsageError
from jetllm.core.redact import clip
from jetllm.search.candidates import CandidateResult

REQUIREMENTS: dict[str, tuple[str, ...]] = {
    "streaming": ("chat-stream",),
    "chat": ("chat",),
    "tool-calls": ("tool-call", "tool-call-stream", "tool-round-trip"),
    "structured-output": ("structured-output",),
    "sanity": ("sanity",),
}
WARN_IS_MET = frozenset({"chat-stream", "chat"})
LATENCY = "latency"  # --target-p95: some level of the concurrency sweep meets it


def parse_requirements(text: str | None) -> list[str]:
    """`tool-calls,streaming` -> the names, each checked; a UsageError names the bad one."""
    names = [n.strip() for n in (text or "").split(",") if n.strip()]
    for name in names:
        if name not in REQUIREMENTS:
            raise UsageError(f"--require: unknown requirement {name!r}; known: {', '.join(REQUIREMENTS)}")
    return list(dict.fromkeys(names))


def _met(check: SmokeCheck | None) -> bool:
    if check is None:
        return False
    return check.status is CheckStatus.PASS or (check.status is CheckStatus.WARN and check.name in WARN_IS_MET)


def unmet(result: CandidateResult, required: Sequence[str]) -> list[str]:
    """Each requirement the candidate's best attempt does not meet, with the check that says why."""
    best = result.best_attempt
    checks = {c.name: c for c in best.checks} if best is not None else {}
    missing = []
    for name in required:
        if name == LATENCY:
            sweep = best.load if best is not None else None
            if sweep is None or sweep.best is None:
                target = f"{sweep.target_p95_s:g} s" if sweep and sweep.target_p95_s else "the target"
                missing.append(f"{LATENCY} (no concurrency level has p95 within {target})")
            continue
        for check_name in REQUIREMENTS[name]:
            check = checks.get(check_name)
            if not _met(check):
                why = f"{check.status.value}: {clip(check.detail, 120)}" if check else "not checked"
                missing.append(f"{name} ({check_name} {why})")
                break
    return missing
