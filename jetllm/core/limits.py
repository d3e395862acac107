"""Bounds on what jetllm reads: file sizes, field lengths, nesting, durations.

Input beyond these is bad input (one line, exit 2), never a hang or a crash.
Each value is far above what jetllm itself writes or ships, and low enough
that reading and printing the largest accepted input takes seconds.
"""

from __future__ import annotations

KIB = 1 << 10
MIB = 1 << 20

# A shipped profile is under 4 KiB and 250 values; a profile of 1 MiB parses
# in about a second. The value count also bounds YAML anchors that expand
# ("billion laughs"): aliases are counted as often as they are used.
PROFILE_MAX_BYTES = 1 * MIB
PROFILE_MAX_VALUES = 10_000

# `jetllm doctor --json` writes about 10 KiB.
FACTS_MAX_BYTES = 1 * MIB

# A report keeps up to 60 log lines of at most 2000 characters per attempt:
# a few MiB for a long bring-up. json.loads and validation of 64 MiB take
# seconds.
REPORT_MAX_BYTES = 64 * MIB

# Values in a JSON document (facts, report): a report of 100 attempts holds
# some 20,000.
JSON_MAX_VALUES = 1_000_000

# Integers anywhere: sizes, counts and ports fit in 64 bits; a longer one
# breaks arithmetic (an int too large for a float) or Python's int parser.
MAX_INT = 1 << 64

# One string field (a description, an image, a cause, a log line): jetllm
# cuts log lines at 2000 characters and paths are at most 4096 bytes. Rich
# wraps a long field in time that grows faster than its length (5 MB: 36 s).
FIELD_MAX_CHARS = 64 * KIB

# Nesting of any document: a report is about 10 levels deep. Deeper input
# would otherwise end in a RecursionError in the parser or the validation.
MAX_DEPTH = 64

# Any wait or time budget (--timeout, --budget, --attempt-timeout, a
# profile's ready.timeout_s): the slowest model load on the slowest board
# takes hours; inf or nan would wait forever, and a huge value overflows the
# thread waits.
MAX_WAIT_S = 7 * 24 * 3600.0

# `jetllm classify` reads at most this much: the end of a larger regular file
# (a failed start ends its log with its cause), and standard input up to this
# size. Scanning it takes seconds; /dev/zero or a FIFO would never end.
CLASSIFY_MAX_BYTES = 64 * MIB

# A container log line is kept to this many characters (runtime/logtail.py),
# and of a line that has not ended yet, the log follower holds this many bytes
# (a character takes at most 4 in UTF-8): a line that never ends costs no more.
LOG_LINE_MAX_CHARS = 2000
LOG_LINE_MAX_BYTES = 4 * LOG_LINE_MAX_CHARS
