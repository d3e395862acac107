"""The `jetllm classify` command's work: check the input, classify, print."""

from __future__ import annotations

from jetllm.classify.models import Diagnosis, ExitState
from jetllm.envelope import Outcome
from jetllm.errors import UsageError
from jetllm.exitcodes import ExitCode

JSON_KEYS = ("class", "cause", "evidence", "fix", "retry_smaller")
_STYLE = {"none": "green", "unknown": "yellow"}


def _check_input(log: str) -> None:
    from jetllm.classify.reader import check_log_file
    from jetllm.console import err

    note = check_log_file(log)
    if note:
        err().print(note)


def run_classify(
    log: str,
    *,
    backend: str | None,
    exit_code: int | None,
    oom_killed: bool,
    timed_out: bool,
    platform: str | None,
    as_json: bool,
) -> Outcome:
    from jetllm.classify import classify_file, is_jetson

    _check_input(log)
    jetson = is_jetson() if platform is None else platform == "jetson"
    state = None
    if exit_code is not None or oom_killed or timed_out:
        state = ExitState(exit_code=exit_code, oom_killed=oom_killed, timed_out=timed_out)
    try:
        diagnosis = classify_file(log, exit_state=state, backend=backend, jetson=jetson)
    except OSError as exc:
        raise UsageError(f"cannot read {log}: {exc.strerror or exc}") from None
    if as_json:
        document = diagnosis.to_json()
        return Outcome(ExitCode.OK, {key: document[key] for key in JSON_KEYS})
    render(diagnosis)
    return Outcome(ExitCode.OK)


def render(diagnosis: Diagnosis) -> None:
    """Label / value rows in a borderless grid, so wrapped text stays indented."""
    from rich.table import Table
    from rich.text import Text

    from jetllm.console import out

    name = diagnosis.failure_class.value
    style = _STYLE.get(name, "bold red")
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row("class", Text(name, style=style))
    grid.add_row("cause", diagnosis.cause)
    if diagnosis.evidence:
        lines = Table.grid(padding=(0, 2))
        lines.add_column(style="dim", justify="right", no_wrap=True)
        lines.add_column(style="yellow", overflow="fold")
        for item in diagnosis.evidence:
            lines.add_row(str(item.line), item.text)
        grid.add_row("evidence", lines)
    grid.add_row("fix", diagnosis.fix)
    grid.add_row("retry_smaller", diagnosis.retry_smaller.value)
    out().print(grid)
