"""Every failure diagnosis comes from the classifier (jetllm.classify).

Messages and logs are classified as they are; where the classifier finds no
cause in them, the stage that failed names the class it implies (a pull that
failed is image_pull_failed, a hang is startup_timeout).
"""

from __future__ import annotations

from collections.abc import Sequence

from jetllm.core.diagnosis import Diagnosis, ExitState, FailureClass

_NO_CAUSE = (FailureClass.NONE, FailureClass.UNKNOWN)


def of_class(failure_class: FailureClass, cause: str, *, jetson: bool = False) -> Diagnosis:
    from jetllm.classify import diagnosis_for

    return diagnosis_for(failure_class, cause=cause, jetson=jetson)


def of_lines(lines: Sequence[str], *, exit_state: ExitState | None = None,
             backend: str | None = None, jetson: bool = False) -> Diagnosis:
    from jetllm.classify import classify_lines

    return classify_lines(list(lines), exit_state=exit_state, backend=backend, jetson=jetson)


def of_message(message: str, fallback: FailureClass, *, cause: str | None = None,
               jetson: bool = False) -> Diagnosis:
    """A daemon's error message: its class if the classifier names one, else `fallback`."""
    found = of_lines(message.splitlines() or [message], jetson=jetson)
    if found.failure_class in _NO_CAUSE:
        return of_class(fallback, cause or message, jetson=jetson)
    return found


def of_log(lines: Sequence[str], exit_state: ExitState, fallback: FailureClass, cause: str, *,
           backend: str | None, jetson: bool) -> Diagnosis:
    """A failed start: the log's cause if it has one, else `fallback` with `cause`."""
    found = of_lines(lines, exit_state=exit_state, backend=backend, jetson=jetson)
    if found.failure_class in _NO_CAUSE:
        return of_class(fallback, cause, jetson=jetson)
    return found
