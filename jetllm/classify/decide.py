"""From hits and exit state to one Diagnosis: root cause over symptom.

Precedence (see signatures/README.md for the strength scale):
1. Every matching signature and every telling exit state is a candidate with
   a strength. Specific causes (a driver too old, a full disk, a KV cache
   that does not fit) are strong; symptoms that follow many causes (a
   generic `Killed`, a runner timeout, exit 139) are weak. The strongest
   candidate wins, so a CUDA OOM (70) beats the RuntimeError traceback
   around it, and an OOM-killer line (90) beats `Killed` (25).
2. Ties go to the signature listed for the backend given, then to the line
   that came first: later errors in a log are usually consequences.
3. Exit state: OOMKilled (88) outranks in-log GPU memory errors (an OOM kill
   is what ended the process; on Jetson both are one memory) but not causes
   that explain it less ambiguously. Exit 137 without OOMKilled, exit 139
   and a timeout are weak: any cause in the log beats them.
4. Signatures of class `none` mark readiness. `none` needs evidence of
   health: with no candidate, a non-zero exit is `unknown`; exit 0 with no
   readiness (in state or log) is `unknown`; a caller's report that it served
   (state.ready), or a readiness line with no error marker after it, is
   `none`; error markers (an exception, a fatal line) are `unknown` with the
   decisive line as evidence; a log with neither is `unknown`.
5. A log holding more than one command that starts a server (a pasted session
   that tried twice) is judged by its last attempt: causes seen only before the
   last such command drop out, if the last attempt shows a cause of its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from jetllm.classify.catalog import Catalog, Signature
from jetllm.classify.scan import Hits
from jetllm.core.diagnosis import Diagnosis, Evidence, ExitState, FailureClass, RetrySmaller

MAX_EVIDENCE = 3


@dataclass(frozen=True, slots=True)
class Candidate:
    failure_class: FailureClass
    strength: int
    first_line: int  # 0 for exit-state candidates: the log gives no line
    id: str
    signature: Signature | None = None
    cause: str | None = None
    retry_smaller: RetrySmaller | None = None


def _exit_candidates(state: ExitState) -> list[Candidate]:
    found = []
    if state.oom_killed:
        found.append(
            Candidate(
                FailureClass.HOST_OOM_KILLED, 88, 0, "exit:oom_killed",
                cause=f"the kernel's OOM killer ended the container (exit {state.exit_code or 137}, OOMKilled)",
            )
        )  # fmt: skip
    elif state.exit_code == 137 and not state.timed_out:
        found.append(
            Candidate(
                FailureClass.HOST_OOM_KILLED, 20, 0, "exit:137",
                cause="the process was killed with SIGKILL (exit 137), most often by the kernel for host memory",
            )
        )  # fmt: skip
    if state.exit_code == 139:
        found.append(
            Candidate(
                FailureClass.UNKNOWN, 15, 0, "exit:139",
                cause="the process crashed with a segmentation fault (exit 139); the log names no cause",
            )
        )  # fmt: skip
    if state.timed_out and not state.ready:
        found.append(Candidate(FailureClass.STARTUP_TIMEOUT, 10, 0, "exit:timed_out"))
    return found


def _rank(candidate: Candidate, backend: str | None) -> tuple[int, int, int]:
    listed = bool(candidate.signature and backend and backend in candidate.signature.backends)
    return (candidate.strength, int(listed), -(candidate.first_line or 1 << 62))


def decide(
    hits: Hits, state: ExitState | None, catalog: Catalog, *, backend: str | None, jetson: bool
) -> Diagnosis:
    by_id = {sig.id: sig for sig in catalog.signatures}
    candidates: list[Candidate] = []
    ready_in_log = False
    for sig_id, kept in hits.first.items():
        sig = by_id[sig_id]
        cls = sig.class_for(jetson)
        if cls is FailureClass.NONE:
            ready_in_log = True
            continue
        candidates.append(Candidate(cls, sig.strength, kept[0].line, sig.id, sig, sig.cause, sig.retry_smaller))
    if hits.starts > 1:  # several attempts: the last one's cause, where the last one names one
        candidates = [c for c in candidates if hits.last[c.id] > hits.last_start] or candidates
    if state is not None:
        candidates.extend(_exit_candidates(state))
    if candidates:
        best = max(candidates, key=lambda c: _rank(c, backend))
        evidence = _evidence(best, candidates, hits)
        if best.failure_class is FailureClass.UNKNOWN and hits.decisive:  # a generic symptom: show the decisive line
            evidence = _with(evidence, Evidence(line=hits.decisive.line, text=hits.decisive.text))
        fix = best.signature.fix.text(jetson) if best.signature and best.signature.fix else None
        return build(catalog, best.failure_class, cause=best.cause, evidence=evidence, jetson=jetson,
                     retry_smaller=best.retry_smaller, fix=fix, signature=best.id)  # fmt: skip
    decisive = [Evidence(line=hits.decisive.line, text=hits.decisive.text)] if hits.decisive else []
    if state is not None and state.exit_code not in (None, 0):
        return build(catalog, FailureClass.UNKNOWN, jetson=jetson, signature="exit:nonzero", evidence=decisive,
                     cause=f"the process exited with code {state.exit_code}; its log names no known cause")  # fmt: skip
    if state is not None and state.exit_code == 0 and not state.ready and not ready_in_log:
        return build(catalog, FailureClass.UNKNOWN, jetson=jetson, signature="exit:0-not-ready",
                     retry_smaller=RetrySmaller.NO,
                     cause="the process exited with code 0 before it served: its command returned instead of "
                     "serving (a one-shot command, or an image whose command needs a TTY)")  # fmt: skip
    last_ready = max((hits.last[sig.id] for sig in catalog.signatures
                      if sig.id in hits.last and sig.class_for(jetson) is FailureClass.NONE), default=0)  # fmt: skip
    if (state is not None and state.ready) or (last_ready and hits.last_marker < last_ready):
        return build(catalog, FailureClass.NONE, jetson=jetson)
    if decisive:
        return build(catalog, FailureClass.UNKNOWN, jetson=jetson, signature="marker", evidence=decisive,
                     cause="the log shows a failure no signature names (the decisive line is the evidence)")  # fmt: skip
    return build(catalog, FailureClass.UNKNOWN, jetson=jetson, signature="no-evidence",
                 cause="no failure line was found in the log, and no line shows the server ready")  # fmt: skip


_MEMORY = {
    FailureClass.GPU_OOM, FailureClass.KV_CACHE_INSUFFICIENT,
    FailureClass.CUDA_ALLOCATOR_ASSERT, FailureClass.HOST_OOM_KILLED,
}  # fmt: skip


def _evidence(best: Candidate, candidates: list[Candidate], hits: Hits) -> list[Evidence]:
    """The deciding lines first, then other lines of the same class, in log order.
    An OOM kill has no line of its own: it shows the log's memory errors, if any."""
    chosen: dict[int, str] = {}
    same_class = [c for c in candidates if c.failure_class is best.failure_class and c.first_line]
    if not same_class and best.failure_class in _MEMORY:
        same_class = sorted((c for c in candidates if c.failure_class in _MEMORY and c.first_line),
                            key=lambda c: -c.strength)[:1]  # fmt: skip
    same_class.sort(key=lambda c: c.id != best.id)
    for candidate in same_class:
        for hit in hits.first.get(candidate.id, []):
            if len(chosen) < MAX_EVIDENCE:
                chosen.setdefault(hit.line, hit.text)
    return [Evidence(line=line, text=text) for line, text in sorted(chosen.items())]


def _with(evidence: list[Evidence], line: Evidence) -> list[Evidence]:
    """`line` added to the evidence (in log order), within MAX_EVIDENCE."""
    if any(e.line == line.line for e in evidence):
        return evidence
    return sorted([*evidence[: MAX_EVIDENCE - 1], line], key=lambda e: e.line)


def build(
    catalog: Catalog,
    failure_class: FailureClass,
    *,
    cause: str | None = None,
    evidence: Iterable[Evidence] = (),
    jetson: bool = False,
    retry_smaller: RetrySmaller | None = None,
    fix: str | None = None,
    signature: str | None = None,
) -> Diagnosis:
    info = catalog.classes[failure_class]
    return Diagnosis(
        failure_class=failure_class,
        cause=cause or info.cause,
        evidence=list(evidence),
        fix=fix or info.fix.text(jetson),
        retry_smaller=retry_smaller or info.retry_smaller,
        signature=signature,
    )
