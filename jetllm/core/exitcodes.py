"""The exit codes every jetllm command uses (see README, "Exit codes")."""

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0  # what was asked works
    NOT_WORKING = 1  # checked and found not working
    USAGE = 2  # bad usage or bad input
    INTERRUPTED = 130  # Ctrl-C
