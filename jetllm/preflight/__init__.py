"""Preflight: will this image run on this host? Decided from the image's
metadata alone, before a byte of a layer is pulled: the local Docker daemon's
copy when it holds one, else the registry's manifest and config.

    check(image_ref: str, facts: HostFacts, *, pull_allowed: bool = True,
          client: httpx.Client | None = None) -> Compatibility
    diagnosis(result: Compatibility, *, jetson: bool) -> Diagnosis | None

Compatibility(image, compatible: True | False | None, failure_class, reasons,
digest, compressed_size, platform, source). compatible is None when neither
the daemon nor the registry could say (unknown); every Reason names its rule,
severity (blocker / warning / info), the failure class it predicts, and a fix.
With pull_allowed False (--pull never) no registry is read: an image the
daemon does not hold is not here, image_pull_failed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jetllm.core.compat import Compatibility, ImageInfo, Reason, Severity, Source
from jetllm.core.diagnosis import FailureClass

if TYPE_CHECKING:
    import httpx

    from jetllm.core.diagnosis import Diagnosis
    from jetllm.core.facts import HostFacts

__all__ = ["Compatibility", "ImageInfo", "Reason", "Severity", "Source", "check", "diagnosis", "judge", "not_here_fix"]


def not_here_fix(image: str) -> str:
    """The fix for an image that is not here under --pull never (preflight and the pull say the same)."""
    return f"The image is not here: pull it (`docker pull {image}`) or drop --pull never."


def judge(reference: str, info: ImageInfo, facts: HostFacts) -> list[Reason]:
    """Every rule's reasons for an image the daemon or the registry described."""
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
        source=info.source if info else None,
    )


def check(image_ref: str, facts: HostFacts, *, pull_allowed: bool = True,
          client: httpx.Client | None = None) -> Compatibility:
    """Judge `image_ref` for the host `facts` describe (UsageError if it is no image reference)."""
    from jetllm.core import reference
    from jetllm.core.errors import UsageError
    from jetllm.preflight import rules
    from jetllm.preflight.local import DaemonUnreadable, held
    from jetllm.preflight.registry import RegistryError, inspect

    try:
        ref = reference.parse(image_ref)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    try:
        local, unread = held(image_ref, str(ref)), None
    except DaemonUnreadable as exc:
        local, unread = None, str(exc)
    # The daemon's copy is one platform of what the tag names: it answers for a
    # host of its architecture, or when no registry may be read (it is what would run).
    arch = rules.host_arch(facts)
    ours = local is not None and local.platform is not None and local.platform.architecture == arch
    if local is not None and (ours or not pull_allowed):
        return _verdict(image_ref, judge(image_ref, local, facts), local, known=True)
    other = [] if local is None or local.platform is None else [Reason(
        rule="local", severity=Severity.INFO, failure_class=FailureClass.ARCH_MISMATCH,
        message=f"the local Docker daemon holds it for {local.platform.text()} only; "
        f"the registry tells what linux/{arch} gets")]
    # The tag alone still decides the L4T rule.
    reasons = other + rules.l4t_rule(image_ref, {}, facts)
    if not pull_allowed:
        if unread is None:
            reasons.append(Reason(rule="local", severity=Severity.BLOCKER, failure_class=FailureClass.IMAGE_PULL_FAILED,
                                  message=f"{image_ref} is not here: the local Docker daemon does not hold it, "
                                  "and --pull never forbids pulling it", fix=not_here_fix(image_ref)))
        else:
            reasons.append(Reason(rule="local", severity=Severity.WARNING, failure_class=FailureClass.UNKNOWN,
                                  message=f"{unread}; --pull never allows no registry read"))
        return _verdict(image_ref, reasons, None, known=False)
    try:
        info = inspect(ref, arch, client)
    except RegistryError as exc:
        severity = Severity.BLOCKER if exc.not_found else Severity.WARNING
        reasons.append(Reason(rule="registry", severity=severity, failure_class=FailureClass.IMAGE_PULL_FAILED,
                              message=exc.message,
                              fix=None if exc.reachable else "check the network or the registry address"))
        return _verdict(image_ref, reasons, None, known=False)
    return _verdict(image_ref, other + judge(image_ref, info, facts), info, known=True)


def diagnosis(result: Compatibility, *, jetson: bool) -> Diagnosis | None:
    """An incompatible verdict as a failed start's Diagnosis: preflight's class,
    its first blocker as the cause, that blocker's fix; None unless incompatible."""
    from jetllm.classify import diagnosis_for

    first = next((r for r in result.reasons if r.severity is Severity.BLOCKER), None)
    if result.compatible is not False or first is None:
        return None
    found = diagnosis_for(result.failure_class, cause=first.message, jetson=jetson)
    return found.model_copy(update={"fix": first.fix}) if first.fix else found
