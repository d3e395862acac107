"""NVIDIA_REQUIRE_* as the NVIDIA container toolkit evaluates them.

reference.md 3.1 (nvidia-container-toolkit internal/config/image/cuda_image.go):
within one variable, space-separated expressions are ORed and the comma-
separated constraints inside one expression are ANDed; several NVIDIA_REQUIRE_*
variables are ANDed; NVIDIA_REQUIRE_JETPACK* are ignored; NVIDIA_DISABLE_REQUIRE
(a bool) turns every check off; an image with CUDA_VERSION and no
NVIDIA_REQUIRE_CUDA requires cuda>=major.minor. Properties: cuda (the newest
CUDA the host driver supports), driver, arch (compute capability of GPU 0),
brand. In Jetson's csv mode only cuda and arch are known, so a brand/driver
term never matches there.

Evaluation is three-valued: a term whose property is not known is None, and
None propagates unless another term decides (True OR None is True).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from jetllm.knowledge.versions import compare, version

PROPERTIES = ("cuda", "driver", "arch", "brand")
_TERM = re.compile(r"^(cuda|driver|arch|brand)(>=|<=|==|=|>|<)([A-Za-z0-9._-]+)$")
_TRUE = ("1", "true", "t", "yes", "y", "on")


@dataclass(frozen=True, slots=True)
class Term:
    prop: str
    op: str
    value: str

    def __str__(self) -> str:
        return f"{self.prop}{self.op}{self.value}"


Expression = tuple[Term, ...]  # ANDed
Requirement = tuple[Expression, ...]  # ORed


def parse_requirement(text: str) -> Requirement:
    """One variable's value -> ORed expressions of ANDed terms (ValueError if malformed)."""
    expressions: list[Expression] = []
    for expression in text.split():
        terms = []
        for constraint in expression.split(","):
            match = _TERM.match(constraint.strip())
            if not match:
                raise ValueError(f"cannot read constraint {constraint!r}")
            terms.append(Term(*match.groups()))
        expressions.append(tuple(terms))
    return tuple(expressions)


def requirements(env: Mapping[str, str]) -> dict[str, str]:
    """The requirement variables the toolkit would check, by name."""
    if env.get("NVIDIA_DISABLE_REQUIRE", "").strip().lower() in _TRUE:
        return {}
    found = {
        key: value
        for key, value in env.items()
        if key.startswith("NVIDIA_REQUIRE_")
        and not key.startswith("NVIDIA_REQUIRE_JETPACK")
        and value.strip()
    }
    if "NVIDIA_REQUIRE_CUDA" not in env and env.get("CUDA_VERSION"):
        try:
            major_minor = version(env["CUDA_VERSION"])[:2]
        except ValueError:
            return found
        found["CUDA_VERSION"] = "cuda>=" + ".".join(str(p) for p in major_minor)
    return found


def evaluate_term(
    term: Term, props: Mapping[str, str | None], missing: bool | None = None
) -> bool | None:
    """`missing`: the value of a term whose property the host does not report
    (False in csv mode, where the toolkit knows only cuda and arch)."""
    have = props.get(term.prop)
    if have is None:
        return missing
    if term.prop == "brand":
        same = have.lower() == term.value.lower()
        return same if term.op in ("=", "==") else None
    try:
        order = compare(version(have), version(term.value))
    except ValueError:
        return None
    return {
        ">=": order >= 0, "<=": order <= 0, ">": order > 0, "<": order < 0, "=": order == 0, "==": order == 0,
    }[term.op]


def _all(values: list[bool | None]) -> bool | None:
    return False if False in values else (None if None in values else True)


def _any(values: list[bool | None]) -> bool | None:
    return True if True in values else (None if None in values else False)


def evaluate(
    requirement: Requirement, props: Mapping[str, str | None], missing: bool | None = None
) -> bool | None:
    return _any([_all([evaluate_term(t, props, missing) for t in expr]) for expr in requirement])


def cuda_floor(requirement: Requirement) -> str | None:
    """The `cuda>=X` an image asks for without help from a brand/driver branch."""
    for expression in requirement:
        if len(expression) == 1 and expression[0].prop == "cuda" and expression[0].op in (">=", ">"):
            return expression[0].value
    return None
