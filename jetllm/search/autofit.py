"""llama.cpp's own sizing: builds since late 2025 fit unset settings to free memory by
default (`-fit, --fit [on|off]`, default on; `-ngl` defaults to auto), so a step the
search sets could silently mean something else. A bring-up turns it off for each step
(the env form, LLAMA_ARG_FIT=off: a build without the flag ignores the variable, where
it would stop on an unknown --fit) unless the build is known to lack it; what the server
ran with is read back from its log (classify/figures.yaml, ran_*) and reported.

Sources: ggml-org/llama.cpp common/arg.cpp ("-fit", "--fit" [on|off]: "whether to adjust
unset arguments to fit in device memory", default on, env LLAMA_ARG_FIT), added by PR
#16653; the default-on behaviour arrived between b7450 (2025-12-14) and b7550 (2025-12-27).
A build tells: its help names the flag, its start log says it is "fitting params to device
memory", an older one refuses the argument, or its build number (the start log's
"build: N (", or the image tag's bN) is known.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from jetllm.core.spec import Settings

FIT_SINCE = 7550  # builds from here on take --fit (and fit by default)
FIT_BEFORE = 7450  # builds before this one have no --fit
_HELP = re.compile(r"-fit,\s+--fit \[on\|off\]")
_UNKNOWN = re.compile(r"(?:invalid|unknown) argument: -{1,2}fit\b")
_BUILD_LINE = re.compile(r"\bbuild(?::| =)? (\d+) \(")  # "build: 7003 (", "build 7003 (", "build = 7003 ("
_BUILD_TAG = re.compile(r"(?:^|[-_:])b(\d{3,6})(?:$|[-_.])")
_FITTING = re.compile(r"fitting params to (?:free )?(?:device )?memory")  # its own fitting ran: the flag exists
# What the figures call a setting that ran, against the Settings field it is
RAN = {"ran_context": "max_len", "ran_sequences": "concurrency", "ran_gpu_layers": "gpu_layers"}


def build_number(lines: Iterable[str], image: str = "") -> int | None:
    """The build a log prints at start ("build: 7003 (596a297cb) ..."), else the image tag's ("b5283-r36.4")."""
    for line in lines:
        found = _BUILD_LINE.search(line)
        if found and int(found.group(1)):  # builds from a source archive print 0
            return int(found.group(1))
    tag = image.rsplit("/", 1)[-1].partition(":")[2]
    found = _BUILD_TAG.search(tag)
    return int(found.group(1)) if found else None


def takes_fit(lines: Iterable[str], image: str = "") -> bool | None:
    """Whether this build takes --fit: its help or its refusal says so, else its build number;
    None when nothing tells (its fitting is then turned off by the env form, which any build takes)."""
    lines = list(lines)
    for line in lines:
        if _UNKNOWN.search(line):
            return False
        if _HELP.search(line) or _FITTING.search(line):
            return True
    build = build_number(lines, image)
    if build is None or FIT_BEFORE <= build < FIT_SINCE:
        return None
    return build >= FIT_SINCE


def fit_off(settings: Settings, takes: bool | None) -> Settings:
    """The settings with llama.cpp's own fitting off, unless the build is known to lack it."""
    return settings if takes is False else settings.with_knobs({"fit": "off"})


def ran_settings(figures: Mapping[str, float]) -> dict[str, int]:
    """The settings the backend says it really ran with (max_len, concurrency, gpu_layers). At its
    default verbosity llama-server prints only its slots: one slot's context is then the whole."""
    ran = {field: int(figures[name]) for name, field in RAN.items() if name in figures}
    if "max_len" not in ran and figures.get("ran_sequences") == 1 and "ran_context_per_sequence" in figures:
        ran["max_len"] = int(figures["ran_context_per_sequence"])
    return dict(sorted(ran.items()))
