"""The bring-up report: one versioned record, written as report.json and
rendered from it (terminal, report.md, JUnit, compose). `jetllm report DIR`
re-renders a saved one, so every renderer reads only this record."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError

from jetllm.core.diagnosis import Diagnosis
from jetllm.core.errors import UsageError
from jetllm.core.exitcodes import ExitCode
from jetllm.core.facts import HostFacts
from jetllm.core.inputs import load_json
from jetllm.core.limits import JSON_MAX_VALUES, REPORT_MAX_BYTES
from jetllm.core.record import Record, field_error
from jetllm.core.soak import SoakResult
from jetllm.modelinfo import GgufInfo
from jetllm.search.candidates import CandidateResult, SearchResult, Verdict

REPORT_SCHEMA_VERSION = "1"
REPORT_FILE = "report.json"

ReportStatus = Literal["works", "none_working", "interrupted"]


class Report(Record):
    jetllm_report_version: str = REPORT_SCHEMA_VERSION
    jetllm_version: str
    created_at: str
    command: list[str] = Field(default_factory=list)
    run_id: str | None = None  # every container of this run carries the label jetllm.run=RUN_ID
    status: ReportStatus
    exit_code: int
    model: str | None = None
    model_info: GgufInfo | None = None  # a local GGUF model's header
    facts: HostFacts | None = None
    elapsed_s: float
    budget_s: float | None = None
    budget_spent: bool = False
    interrupted: bool = False
    first: bool = False
    winner: str | None = None  # the name of the rank-1 candidate
    require: list[str] = Field(default_factory=list)  # --require: exit 0 only when the winner meets them
    soak: SoakResult | None = None  # --soak: the winner, once more, under a request loop
    candidates: list[CandidateResult]
    files: list[str] = Field(default_factory=list)  # written beside report.json

    def result(self, name: str | None) -> CandidateResult | None:
        return next((c for c in self.candidates if c.candidate.name == name), None)

    @property
    def winning(self) -> CandidateResult | None:
        return self.result(self.winner)

    @property
    def starts(self) -> int:
        return sum(c.starts for c in self.candidates)

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)


def build_report(
    search: SearchResult,
    *,
    facts: HostFacts | None,
    command: list[str],
    model: str | None,
    version: str,
    run_id: str | None = None,
    model_info: GgufInfo | None = None,
    require: list[str] | None = None,
) -> Report:
    from jetllm.core.redact import args_without_secrets

    winner = search.winner
    if search.interrupted:
        status: ReportStatus = "interrupted"
        code = ExitCode.INTERRUPTED
    elif winner is not None:
        status, code = "works", ExitCode.NOT_WORKING if winner.unmet else ExitCode.OK
    else:
        status, code = "none_working", ExitCode.NOT_WORKING
    return Report(
        jetllm_version=version,
        created_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        command=args_without_secrets(command),
        run_id=run_id,
        status=status,
        exit_code=code,
        model=model,
        model_info=model_info,
        facts=facts,
        elapsed_s=search.elapsed_s,
        budget_s=search.budget_s,
        budget_spent=search.budget_spent,
        interrupted=search.interrupted,
        first=search.first,
        winner=winner.candidate.name if winner else None,
        require=list(require or []),
        candidates=[_redacted(result) for result in search.results],
    )


def with_soak(report: Report, soak: SoakResult) -> Report:
    """The soak's verdict joins the report: interrupted is 130, not stable is 1."""
    update: dict[str, Any] = {"soak": soak}
    if soak.interrupted:
        update.update(status="interrupted", interrupted=True, exit_code=ExitCode.INTERRUPTED)
    elif soak.verdict != "stable" and report.exit_code == ExitCode.OK:
        update["exit_code"] = ExitCode.NOT_WORKING
    return report.model_copy(update=update)


def _redacted(result: CandidateResult) -> CandidateResult:
    """The runtime redacts logs already; a report redacts again before anything is kept."""
    from jetllm.core.redact import Redactor, spec_without_secrets

    redact = Redactor()

    def clean(diagnosis: Diagnosis | None) -> Diagnosis | None:
        if diagnosis is None:
            return None
        evidence = [e.model_copy(update={"text": redact(e.text)}) for e in diagnosis.evidence]
        return diagnosis.model_copy(update={"evidence": evidence, "cause": redact(diagnosis.cause)})

    attempts = [
        a.model_copy(update={"log_tail": [redact(line) for line in a.log_tail],
                             "diagnosis": clean(a.diagnosis)})
        for a in result.attempts
    ]
    spec = spec_without_secrets(result.spec) if result.spec is not None else None
    return result.model_copy(update={"attempts": attempts, "diagnosis": clean(result.diagnosis), "spec": spec})


def load_report(directory: Path) -> Report:
    """The report saved in `directory`; UsageError (one line) when there is none or it is bad."""
    path = directory / REPORT_FILE
    if not directory.is_dir():
        raise UsageError(f"{directory}: no such report directory")
    if not path.exists():
        raise UsageError(f"{directory}: no {REPORT_FILE} here (is this a jetllm bringup --out folder?)")
    document = load_json(path, limit=REPORT_MAX_BYTES, max_values=JSON_MAX_VALUES)
    version = document.get("jetllm_report_version") if isinstance(document, dict) else None
    if version != REPORT_SCHEMA_VERSION:
        raise UsageError(
            f"{path}: report schema version {version!r}, this jetllm reads {REPORT_SCHEMA_VERSION!r}"
        )
    try:
        return Report.model_validate(document)
    except ValidationError as exc:
        raise UsageError(f"{path}: {field_error(exc)}") from exc


def verdict_word(result: CandidateResult) -> str:
    if result.verdict is Verdict.WORKS and result.best_attempt is not None and result.best_attempt.on_cpu:
        return "works (CPU)"
    return {
        Verdict.WORKS: "works",
        Verdict.FAILED: "failed",
        Verdict.INCOMPATIBLE: "incompatible",
        Verdict.NOT_TRIED: "not tried",
        Verdict.LEFT_OUT: "left out",
        Verdict.INTERRUPTED: "interrupted",
    }[result.verdict]
