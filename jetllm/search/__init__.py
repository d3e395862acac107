"""The bring-up search: candidates in preference order, preflight first, then
per candidate a ladder of settings walked by bisection and steered by each
failure's diagnosis (see steer.py for the rules and the start-count bound).

Plain data in, plain data out: `run_search` takes the candidates and two
functions (preflight, attempt), and returns a SearchResult that the report
renders. jetllm/search/stages.py binds those functions to the real stages.
"""

from jetllm.core.ladder import Knob, Ladder, bisection_bound
from jetllm.search.budget import Budget, parse_duration
from jetllm.search.candidates import (
    Candidate,
    CandidateResult,
    PreflightVerdict,
    SearchResult,
    StopReason,
    Verdict,
)
from jetllm.search.ladder import describe
from jetllm.search.loop import rank, run_search
from jetllm.search.steer import Policy, search_candidate

__all__ = [
    "Budget",
    "Candidate",
    "CandidateResult",
    "Knob",
    "Ladder",
    "Policy",
    "PreflightVerdict",
    "SearchResult",
    "StopReason",
    "Verdict",
    "bisection_bound",
    "describe",
    "parse_duration",
    "rank",
    "run_search",
    "search_candidate",
]
