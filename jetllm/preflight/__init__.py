"""Preflight: will this image run on this host? Decided from the registry's
manifest and config alone, before a byte of a layer is pulled.

    check(image_ref: str, facts: HostFacts, *, client: httpx.Client | None = None) -> Compatibility
    diagnosis(result: Compatibility, *, jetson: bool) -> Diagnosis | None

Compatibility(image, compatible: True | False | None, failure_class, reasons,
digest, compressed_size, platform). compatible is None when the registry
could not be read (unknown); every Reason names its rule, severity
(blocker / warning / info), the failure class it predicts, and a fix.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jetllm.classify.models import FailureClass
from jetllm.preflight.models import Compatibility, ImageInfo, Reason, Severity

if TYPE_CHECKING:
    import httpx

    from jetllm.classify.models import Diagnosis
    from jetllm.facts.models import HostFacts

__all__ = ["Compatibility", "ImageInfo", "Reason", "Severity", "check", "diagnosis", "judge"]


def judge(reference: str, info: ImageInfo, facts: HostFacts) -> list[Reason]:
    """Every rule's reasons for an image the registry described."""
    from jetllm.preflight import rules, rules_cuda

    reasons = rules.architecture_rule(info, facts)
    if reasons[0].severity is not Severity.BLOCKER:
        reasons += rules.l4t_rule(reference, info.labels, facts)
        no_driver = rules_cuda.driver_rule(info.env, facts)
        reasons += no_driver or (rules_cuda.require_rule(info.env, facts) + rules_cuda.cuda_rule(info.env, facts)
                                 + rules.gpu_arch_rule(info.env, facts))
    reasons += rules.disk_rule(info, facts)
    return reasons


def _verdict(image: str, reasons: list[Reason], info: ImageInfo | None, known: bool) -> Compatibility:
    blockers = [r for r in reasons if r.severity is Severity.BLOCKER]
    if blockers:
        compatible, cls = False, blockers[0].failure_class
    elif not known:
        compatible, cls = None, FailureClass.UNKNOWN
    else:
        compatible, cls = True, FailureClass.NONE
    return Compatibility(
        image=image, compatible=compatible, failure_class=cls, reasons=reasons,
        digest=info.digest if info else None,
        compressed_size=info.compressed_size if info else None,
        platform=info.platform.text() if info and info.platform else None,
    )


def check(image_ref: str, facts: HostFacts, *, client: httpx.Client | None = None) -> Compatibility:
    """Judge `image_ref` for the host `facts` describe (UsageError if it is no image reference)."""
    from jetllm.errors import UsageError
    from jetllm.preflight import reference, rules
    from jetllm.preflight.registry import RegistryError, inspect

    try:
        ref = reference.parse(image_ref)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    try:
        info = inspect(ref, rules.host_arch(facts), client)
    except RegistryError as exc:
        # The tag alone still decides the L4T rule.
        reasons = rules.l4t_rule(image_ref, {}, facts)
        severity = Severity.BLOCKER if exc.not_found else Severity.WARNING
        reasons.append(Reason(rule="registry", severity=severity, failure_class=FailureClass.IMAGE_PULL_FAILED,
                              message=exc.message,
                              fix=None if exc.reachable else "check the network or the registry address"))
        return _verdict(image_ref, reasons, None, known=False)
    return _verdict(image_ref, judge(image_ref, info, facts), info, known=True)


def diagnosis(result: Compatibility, *, jetson: bool) -> Diagnosis | None:
    """An incompatible verdict as a failed start's Diagnosis: preflight's class,
    its first blocker as the cause, that blocker's fix; None unless incompatible."""
    from jetllm.classify import diagnosis_for

    first = next((r for r in result.reasons if r.severity is Severity.BLOCKER), None)
    if result.compatible is not False or first is None:
        return None
    found = diagnosis_for(result.failure_class, cause=first.message, jetson=jetson)
    return found.model_copy(update={"fix": first.fix}) if first.fix else found
