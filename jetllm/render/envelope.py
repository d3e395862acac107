"""The one JSON document every command prints with --json, in every outcome.

    {"jetllm_json_version": "1", "jetllm_version": "...", "command": "try",
     "status": "not_working", "exit_code": 1,
     "data": {...the command's own document, or null...},
     "errors": [{"class": "...", "message": "...", "fix": "..."}]}

`status` follows the exit code; `errors` says why it is not 0 (empty on 0).
An error's `class` is a failure class (failure-classes: driver_too_old,
gpu_runtime_missing, ...), a doctor check id for a failed check, or one of
usage_error, internal_error, interrupted.

Commands return an Outcome (jetllm/core/outcome.py); the CLI writes the envelope (jetllm/cli/__init__.py), so
an error raised anywhere still ends in one document on stdout.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any

from jetllm.core.exitcodes import ExitCode
from jetllm.core.outcome import INTERNAL_ERROR, ErrorItem, Outcome

JSON_VERSION = "1"
KEYS = ("jetllm_json_version", "jetllm_version", "command", "status", "exit_code", "data", "errors")

_STATUS = {
    ExitCode.OK: "ok",
    ExitCode.NOT_WORKING: "not_working",
    ExitCode.USAGE: "bad_usage",
    ExitCode.INTERRUPTED: "interrupted",
}



def status_of(exit_code: int, errors: Sequence[ErrorItem]) -> str:
    if any(e.error_class == INTERNAL_ERROR for e in errors):
        return INTERNAL_ERROR
    try:
        return _STATUS[ExitCode(exit_code)]
    except ValueError:
        return "not_working"


def document(command: str, outcome: Outcome) -> dict[str, Any]:
    from jetllm import __version__

    return {
        "jetllm_json_version": JSON_VERSION,
        "jetllm_version": __version__,
        "command": command,
        "status": status_of(outcome.exit_code, outcome.errors),
        "exit_code": int(outcome.exit_code),
        "data": outcome.data,
        "errors": [e.to_json() for e in outcome.errors],
    }


def write(command: str, outcome: Outcome) -> int:
    """Print the envelope on stdout; returns the exit code it carries.

    Data that does not serialise is a bug of ours: it becomes an internal
    error in the same shape, never a half-written document.
    """
    try:
        text = json.dumps(document(command, outcome), indent=2)
    except (TypeError, ValueError) as bug:
        outcome = Outcome(ExitCode.NOT_WORKING, None,
                          (ErrorItem(INTERNAL_ERROR, f"cannot write JSON: {bug}",
                                     "rerun with --debug and report the traceback"),))
        text = json.dumps(document(command, outcome), indent=2)
    sys.stdout.write(text + "\n")
    sys.stdout.flush()
    return int(outcome.exit_code)
