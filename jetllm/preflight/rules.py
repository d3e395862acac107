"""The other rules: architecture, L4T release, GPU architectures, disk."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from jetllm.core import units
from jetllm.core.compat import ImageInfo, Reason, Severity
from jetllm.core.diagnosis import FailureClass
from jetllm.knowledge import cuda, l4t, versions

if TYPE_CHECKING:
    from jetllm.core.facts import HostFacts


def host_arch(facts: HostFacts) -> str:
    return {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}.get(
        facts.platform.arch, facts.platform.arch
    )


def architecture_rule(info: ImageInfo, facts: HostFacts) -> list[Reason]:
    arch = host_arch(facts)
    offered = sorted({p.text() for p in info.platforms} or ({info.platform.text()} if info.platform else set()))
    if info.platform and info.platform.architecture == arch:
        return [Reason(rule="architecture", severity=Severity.INFO, failure_class=FailureClass.ARCH_MISMATCH,
                       message=f"the image has linux/{arch}, this host's architecture")]
    return [Reason(rule="architecture", severity=Severity.BLOCKER, failure_class=FailureClass.ARCH_MISMATCH,
                   message=f"the image offers {', '.join(offered) or 'no platform'}; this host is linux/{arch}",
                   fix=f"use an image built for linux/{arch}")]


def l4t_rule(reference: str, labels: dict[str, str], facts: HostFacts) -> list[Reason]:
    """reference.md 2.1: a Jetson image runs only on a compatible L4T release."""
    built = l4t.from_tag(reference) or l4t.from_labels(labels)
    if built is None:
        return []
    cls = FailureClass.LIBRARY_MISMATCH
    shown = f"r{l4t.text(built)}"
    if not facts.jetson.is_jetson:
        return [Reason(rule="l4t", severity=Severity.BLOCKER, failure_class=cls,
                       message=f"the image is built for Jetson (L4T {shown}); this host is not a Jetson",
                       fix="use the backend's x86_64 or arm64 server image")]
    host = l4t.parse(facts.jetson.l4t)
    if host is None:
        return [Reason(rule="l4t", severity=Severity.WARNING, failure_class=FailureClass.UNKNOWN,
                       message=f"the image is built for L4T {shown}; this Jetson's L4T release is not known")]
    if l4t.compatible(built, host):
        return [Reason(rule="l4t", severity=Severity.INFO, failure_class=cls,
                       message=f"the image is built for L4T {shown}; this Jetson runs L4T {l4t.text(host)}")]
    return [Reason(rule="l4t", severity=Severity.BLOCKER, failure_class=cls,
                   message=f"the image is built for L4T {shown}; this Jetson runs L4T {l4t.text(host)}"
                   + (" (an r36.4+ host runs only r36.4+ images)" if host[0] == 36 == built[0] else ""),
                   fix=f"use an image tagged for r{l4t.text(host[:2])}")]


def _archs(value: str) -> list[tuple[tuple[int, int], bool]] | None:
    """[(major, minor), ptx] from "7.0 8.0+PTX", "80;86;90-real", "sm_87"; None for "all"/"native"."""
    found = []
    for token in re.split(r"[\s;,]+", value.strip()):
        low = token.lower()
        if not low:
            continue
        if low.startswith(("all", "native")):
            return None
        match = re.fullmatch(r"(?:sm_|compute_)?(\d+)(?:\.(\d+))?[af]?(\+ptx|-real|-virtual)?", low)
        if not match:
            continue
        major, minor, suffix = match.groups()
        cc = (int(major), int(minor)) if minor is not None else (int(major[:-1]), int(major[-1]))
        found.append((cc, suffix in ("+ptx", "-virtual") or low.startswith("compute_")))
    return found or None


def gpu_arch_rule(env: dict[str, str], facts: HostFacts) -> list[Reason]:
    gpu = facts.nvml.gpus[0] if facts.nvml.gpus else None
    host_text = (gpu.compute_capability if gpu else None) or facts.jetson.cuda_arch
    host = versions.parse(host_text)
    if host is None or len(host) < 2:
        return []
    cc = (host[0], host[1])
    for name in cuda.table().arch_list_env:
        archs = _archs(env.get(name, ""))
        if archs is None:
            continue
        exact = any(a == cc for a, _ in archs)
        ptx = any(p and a <= cc for a, p in archs)
        # A dGPU runs cubins built for a lower minor of its major; a Jetson
        # image must name the SoC's arch itself (vLLM's list without 8.7 does not run on Orin).
        binary = not facts.jetson.is_jetson and any(a[0] == cc[0] and a[1] <= cc[1] for a, _ in archs)
        if exact or ptx or binary:
            return [Reason(rule="gpu_arch", severity=Severity.INFO, failure_class=FailureClass.UNSUPPORTED_GPU,
                           message=f"{name} covers sm_{cc[0]}{cc[1]}")]
        return [Reason(rule="gpu_arch", severity=Severity.BLOCKER, failure_class=FailureClass.UNSUPPORTED_GPU,
                       message=f"{name}={env[name]} has no kernels for this GPU (sm_{cc[0]}{cc[1]})",
                       fix="use an image built for this GPU (on Jetson: a dustynv/... build)")]
    return []


def disk_rule(info: ImageInfo, facts: HostFacts) -> list[Reason]:
    size, free = info.compressed_size, facts.docker.root_dir_free_bytes
    if not size or free is None:
        return []
    shown = f"{units.size(size)} compressed; {units.size(free)} free where Docker keeps images"
    factor = cuda.disk_unpack_factor()
    cls = FailureClass.DISK_FULL
    if size > free:
        return [Reason(rule="disk", severity=Severity.BLOCKER, failure_class=cls, message=f"the image is {shown}",
                       fix="free space (docker system prune) or move Docker's data-root")]
    if size * factor > free:
        return [Reason(rule="disk", severity=Severity.WARNING, failure_class=cls,
                       message=f"the image is {shown}; unpacked it needs about {factor:g}x that")]
    return [Reason(rule="disk", severity=Severity.INFO, failure_class=cls, message=f"the image is {shown}")]
