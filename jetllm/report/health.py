"""The winner's compose healthcheck and restart policy, from what the run learned.

The healthcheck proves generation: a one-token chat completion from inside the
container, with what the image has (the profile's healthcheck_tool: curl,
busybox wget or python3), not only /health (a server can say 200 there with its
engine dead). Its start period and interval follow the measured start-to-ready
time. The restart policy is bounded (on-failure:3): an endless unless-stopped
loop on a unified-memory board can starve it until SSH stops answering.
"""

from __future__ import annotations

import json
import math
from typing import Any

from jetllm.core.diagnosis import RetrySmaller
from jetllm.core.spec import ContainerSpec
from jetllm.search.candidates import CandidateResult

RESTART = "on-failure:3"
RETRIES = 3


def probe(spec: ContainerSpec, timeout_s: int) -> list[str] | None:
    """The healthcheck's test (CMD form), or None when the image has nothing to run it with."""
    url = f"http://127.0.0.1:{spec.container_port}{spec.api_base.rstrip('/')}/chat/completions"
    body = json.dumps({"model": spec.served_model or "default", "max_tokens": 1, "temperature": 0,
                       "messages": [{"role": "user", "content": "ping"}]}, separators=(",", ":"))
    header = "Content-Type: application/json"
    if spec.healthcheck_tool == "curl":
        return ["CMD", "curl", "-fsS", "-o", "/dev/null", "-m", str(timeout_s), "-H", header, "-d", body, url]
    if spec.healthcheck_tool == "wget":  # busybox's too: it fails on a status >= 400
        # No -T: busybox 1.35's wget crashes with it; Docker's own timeout bounds the check.
        return ["CMD", "wget", "-q", "-O", "/dev/null", "--header", header, "--post-data", body, url]
    if spec.healthcheck_tool == "python3":
        code = ("import json,sys,urllib.request as u;"
                f"r=u.urlopen(u.Request({url!r},data={body.encode()!r},headers={{'Content-Type':'application/json'}}),"
                f"timeout={timeout_s});sys.exit(0 if json.load(r).get('choices') else 1)")
        return ["CMD", "python3", "-c", code]
    return None


def healthcheck(spec: ContainerSpec, result: CandidateResult | None) -> dict[str, Any] | None:
    """The compose `healthcheck`, sized from the best attempt's figures (defaults without them)."""
    best = result.best_attempt if result is not None else None
    ready_s = best.timings.start_to_ready_s if best is not None else None
    answer_s = best.smoke.total_s if best is not None and best.smoke is not None else None
    timeout = max(10, math.ceil(5 * (answer_s or 0)))
    test = probe(spec, timeout)
    if test is None:
        return None
    ready = ready_s if ready_s is not None else 60.0
    return {
        "test": test,
        "interval": f"{min(60, max(10, math.ceil(ready / 4)))}s",
        "timeout": f"{timeout}s",
        "retries": RETRIES,
        "start_period": f"{max(30, math.ceil(2 * ready))}s",  # twice the measured start: a colder cache
    }


def restart_notes(spec: ContainerSpec, result: CandidateResult | None, check: dict[str, Any] | None
                  ) -> list[str]:
    """Comment lines for the compose file: why the restart policy is bounded, what a
    restart cannot help, and how the healthcheck was sized."""
    notes = [f"restart: {RESTART}: a crash is restarted three times, then the service stays down "
             "for you to look at (docker compose logs); an endless unless-stopped loop can take a "
             "unified-memory board down with it."]
    seen: dict[str, RetrySmaller] = {}
    for attempt in result.attempts if result is not None else []:
        d = attempt.diagnosis
        if d is not None and d.retry_smaller is not RetrySmaller.SOMETIMES:
            seen.setdefault(d.failure_class.value, d.retry_smaller)
    for klass, retry in seen.items():
        if retry is RetrySmaller.YES:
            notes.append(f"A restart cannot help a {klass} (seen at larger settings in this run): it "
                         "comes back at the same settings; lower them instead.")
        else:
            notes.append(f"A restart cannot help a {klass} (seen in this run): it fails the same way "
                         "every time.")
    if check is None:
        notes.append(f"No healthcheck: the image {spec.image} has neither curl, wget nor python3 "
                     "(the profile's healthcheck_tool) to ask for a completion with.")
    else:
        best = result.best_attempt if result is not None else None
        ready = best.timings.start_to_ready_s if best is not None else None
        measured = f"it took {ready:.0f} s to serve here" if ready is not None else "not measured"
        notes.append(f"healthcheck: a one-token completion, not only /health; start_period and "
                     f"interval from the start-to-ready time ({measured}). Plain Docker only marks "
                     "the service unhealthy; restarting an unhealthy one needs an orchestrator "
                     "or a watcher (autoheal).")
    return notes
