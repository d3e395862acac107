"""The real stages behind the search: profiles -> candidates, preflight, and
one attempt (render + run_attempt). Everything else in search/ is pure."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from jetllm.core.diagnosis import FailureClass
from jetllm.core.ladder import Ladder
from jetllm.core.spec import ContainerSpec, Settings
from jetllm.search.candidates import Candidate, CandidateResult, PreflightVerdict, StopReason, Verdict
from jetllm.search.ladder import refined

if TYPE_CHECKING:
    from docker import DockerClient

    from jetllm.catalog import Profile
    from jetllm.core.attempt import Attempt
    from jetllm.core.compat import Compatibility
    from jetllm.core.facts import HostFacts
    from jetllm.core.load import LoadPlan
    from jetllm.core.probe import ProbeResult
    from jetllm.modelinfo.shape import ModelShape
    from jetllm.search.predict import Prediction


@dataclass(frozen=True, kw_only=True)
class Overrides:
    model: str | None = None
    image: str | None = None
    gpu_util: float | None = None  # a ceiling: the search starts here and only steps down
    max_len: int | None = None  # likewise
    memory: str | None = None  # a container memory ceiling (docker --memory)
    pull: str = "missing"  # missing, always or never
    try_anyway: bool = False  # start a candidate predicted not to fit, rather than leave it out


def cpu_view(facts: HostFacts) -> HostFacts:
    """The same host as a CPU-only one: how a profile with only CPU images is rendered."""
    from jetllm.core.facts import JetsonFacts, NvmlFacts

    return facts.model_copy(update={"jetson": JetsonFacts(), "nvml": NvmlFacts()})


@dataclass(frozen=True)
class Selection:
    """What a bring-up searches, and what it leaves out before anything starts (with why)."""

    candidates: list[Candidate]
    left_out: list[CandidateResult]
    # Each candidate's profile, and whether it runs as on a CPU-only host (its only images are cpu).
    profiles: dict[str, tuple[Profile, bool]] = field(default_factory=dict)


@dataclass
class Stages:
    """Selects the candidates, then (bound to them) runs the real stages."""

    facts: HostFacts
    overrides: Overrides = field(default_factory=Overrides)
    run_id: str | None = None
    progress: Callable[[Any], None] | None = None
    model_context: int | None = None  # a local GGUF's trained context: no step searches above it
    profiles: dict[str, tuple[Profile, bool]] = field(default_factory=dict)  # bound: a Selection's profiles
    answers: dict[str, Compatibility] = field(default_factory=dict)  # image -> preflight's, once per run
    probes: dict[str, ProbeResult] = field(default_factory=dict)  # image -> its probe, once per run
    shape: ModelShape | None = None  # the model's memory figures, where known: the ladder starts at what fits
    load: LoadPlan | None = None  # --concurrency-sweep: each attempt that serves is measured under load
    fit: dict[str, bool] = field(default_factory=dict)  # image -> whether its llama.cpp takes --fit (autofit.py)

    def candidates(self, profiles: list[Profile]) -> Selection:
        from jetllm.catalog import candidates as variants_for
        from jetllm.search.predict import memory_for

        found: list[Candidate] = []
        left_out: list[CandidateResult] = []
        chosen: dict[str, tuple[Profile, bool]] = {}
        for profile in profiles:
            _platform, variants = variants_for(profile, self.facts)
            cpu = not variants and bool(profile.images.cpu)
            if cpu:
                variants = list(profile.images.cpu)
            images = [self.overrides.image] if self.overrides.image else [v.image for v in variants]
            why = self._left_out(profile, images)
            if why is not None:
                left_out.append(why)
                continue
            facts = cpu_view(self.facts) if cpu else self.facts
            ladder = refined(self._ladder(profile.ladder(facts)))
            ladder, misfit, room = self._predicted(profile.name, ladder, cpu, images)
            if misfit is not None:
                left_out.append(misfit)
                continue
            memory = memory_for(self.facts, self.overrides.memory, gpu=self._gpu(cpu))
            for n, image in enumerate(images):
                name = profile.name if n == 0 else f"{profile.name}#{n + 1}"
                chosen[name] = (profile, cpu)
                found.append(Candidate(
                    name=name, backend=profile.name, image=image, ladder=ladder,
                    base=self._base(ladder), profile=profile.path or profile.name,
                    alternative_of=profile.name if n else None, room=room, memory=memory,
                ))
        return Selection(candidates=found, left_out=left_out, profiles=chosen)

    def bind(self, selection: Selection) -> Stages:
        """These stages for the candidates of `selection`: spec() and attempt() render their profiles."""
        return replace(self, profiles=dict(selection.profiles))

    def _left_out(self, profile: Profile, images: list[str]) -> CandidateResult | None:
        """A profile that cannot run here as asked: a result with the class, cause and fix."""
        from jetllm.catalog.platform import gpu_platform, no_image, no_image_class
        from jetllm.catalog.render import needs_model
        from jetllm.classify import diagnosis_for
        from jetllm.modelinfo.formats import FORMAT_NAMES, format_mismatch
        from jetllm.runtime.prereq import no_driver

        name, model, jetson = profile.name, self.overrides.model, self.facts.jetson.is_jetson
        gpu_images = [v.image for v in getattr(profile.images, gpu_platform(self.facts))]
        takes = " or ".join(FORMAT_NAMES.get(f, f) for f in profile.formats)
        mismatch = format_mismatch(list(profile.formats), model)
        if not (model or profile.default_model) and needs_model(profile):
            diagnosis = diagnosis_for(
                FailureClass.MODEL_UNAVAILABLE, cause=f"{name} has no default model and no --model was given",
                fix=f"pass --model with a model {name} loads ({takes})", jetson=jetson)
        elif mismatch is not None:
            diagnosis = diagnosis_for(
                FailureClass.UNSUPPORTED_MODEL, cause=f"{name} {mismatch.removeprefix('it ')}", jetson=jetson,
                fix=f"pass a model {name} loads ({takes}), or use a backend that loads this one "
                    "(`jetllm profiles` lists the formats each takes)")
        elif not images and no_image_class(profile, self.facts) == FailureClass.GPU_RUNTIME_MISSING.value:
            diagnosis, images = no_driver(name, self.facts), gpu_images  # the driver's fix, and what would run
        elif not images:
            message, fix = no_image(profile, self.facts)
            failure = FailureClass(no_image_class(profile, self.facts))
            diagnosis = diagnosis_for(failure, cause=message, fix=fix, jetson=jetson)
        else:
            return None
        candidate = Candidate(name=name, backend=name, image=images[0] if images else "",
                              profile=profile.path or name)
        return CandidateResult(candidate=candidate, verdict=Verdict.LEFT_OUT, stop=StopReason.LEFT_OUT,
                               diagnosis=diagnosis)

    def _ladder(self, ladder: Ladder) -> Ladder:
        knobs = []
        for knob in ladder.knobs:
            ceiling = getattr(self.overrides, knob.name, None)
            context = self.model_context if knob.name == "max_len" else None
            if context and ceiling is not None:
                ceiling = min(ceiling, context)
            elif context and context < max(knob.values):
                ceiling = context  # the shipped ladder reaches past what the model was trained on
            knobs.append(knob.capped(ceiling) if ceiling is not None else knob)
        return ladder.model_copy(update={"knobs": knobs})

    def _gpu(self, cpu: bool) -> bool:
        nvml = self.facts.nvml
        return not cpu and (bool(nvml.gpus) or nvml.shared_memory or self.facts.jetson.is_jetson)

    def _prediction(self, backend: str, ladder: Ladder, cpu: bool) -> Prediction | None:
        from jetllm.search.predict import memory_for, predict

        memory = memory_for(self.facts, self.overrides.memory, gpu=self._gpu(cpu)) if self.shape is not None else None
        if self.shape is None or memory is None:
            return None
        return predict(ladder, backend, self.shape, memory, gpu=self._gpu(cpu))

    def _predicted(self, backend: str, ladder: Ladder, cpu: bool,
                   images: list[str]) -> tuple[Ladder, CandidateResult | None, list[int]]:
        """The ladder from the most ambitious context predicted to fit; or, when none is, the
        candidate left out as a predicted misfit with the figures (unless --try-anyway)."""
        from jetllm.classify import diagnosis_for
        from jetllm.core.units import size
        from jetllm.search.predict import trimmed

        prediction = self._prediction(backend, ladder, cpu)
        if prediction is None:
            return ladder, None, []
        if prediction.start_context is not None:
            return trimmed(ladder, prediction), None, prediction.room
        if self.overrides.try_anyway:
            return ladder, None, []
        price = prediction.cost
        failure = FailureClass.GPU_OOM if self._gpu(cpu) else FailureClass.HOST_OOM_KILLED
        diagnosis = diagnosis_for(
            failure, jetson=self.facts.jetson.is_jetson,
            cause=f"predicted not to fit, not started: at its smallest context ({price.context}) {backend} needs "
                  f"{size(price.total_bytes)} (weights {size(price.weights_bytes)}, KV cache {size(price.kv_bytes)}, "
                  f"overheads {size(price.overhead_bytes)}), {size(prediction.usable_bytes)} usable "
                  f"({prediction.how})",
            fix="free memory, use a smaller or more quantized model, or pass --try-anyway to start it regardless")
        candidate = Candidate(name=backend, backend=backend, image=images[0] if images else "", ladder=ladder,
                              profile=backend)
        return ladder, CandidateResult(candidate=candidate, verdict=Verdict.LEFT_OUT, stop=StopReason.LEFT_OUT,
                                       diagnosis=diagnosis), []

    def _base(self, ladder: Ladder) -> Settings:
        values: dict[str, Any] = {"model": self.overrides.model}
        for name in ("gpu_util", "max_len"):
            given = getattr(self.overrides, name)
            if given is not None and ladder.knob(name) is None:
                values[name] = given
        return Settings(**values)

    def answer(self, image: str) -> Compatibility:
        """Preflight's answer for `image`, asked once per run: every attempt reuses it."""
        from jetllm.preflight import Compatibility, Reason, Severity, check

        if image not in self.answers:
            try:
                found = check(image, self.facts, pull_allowed=self.overrides.pull != "never")
            except OSError as exc:  # the daemon or the network failed where preflight does not catch it
                found = Compatibility(image=image, compatible=None, failure_class=FailureClass.UNKNOWN, reasons=[
                    Reason(rule="registry", severity=Severity.WARNING, failure_class=FailureClass.UNKNOWN,
                           message=f"preflight could not read the image: {exc}")])
            self.answers[image] = found
        return self.answers[image]

    def preflight(self, candidate: Candidate) -> PreflightVerdict:
        from jetllm.preflight import Severity, diagnosis

        found = self.answer(candidate.image)
        if found.compatible is not False:
            notes = [r.message for r in found.reasons if r.severity is Severity.WARNING]
            if found.compatible is None and not notes:
                notes = [r.message for r in found.reasons][:1] or ["registry metadata unavailable"]
            return PreflightVerdict(compatible=found.compatible, reasons=notes)
        blockers = [r.message for r in found.reasons if r.severity is Severity.BLOCKER]
        return PreflightVerdict(compatible=False, reasons=blockers,
                     diagnosis=diagnosis(found, jetson=self.facts.jetson.is_jetson))

    def spec(self, candidate: Candidate, settings: Settings) -> ContainerSpec:
        from jetllm.catalog import render

        profile, cpu = self.profiles[candidate.name]
        facts = cpu_view(self.facts) if cpu else self.facts
        spec = render(profile, facts, settings, image=candidate.image)
        if self.overrides.memory:
            spec = spec.model_copy(update={"memory_limit": self.overrides.memory})
        return spec

    def attempt(self, candidate: Candidate, settings: Settings, timeout: float | None) -> Attempt:
        from jetllm.runtime import run_attempt
        from jetllm.search.autofit import fit_off, takes_fit

        fits_itself = "fit" in self.profiles[candidate.name][0].knobs  # llama.cpp: turned off where it can be
        if fits_itself:
            known = self.fit.get(candidate.image)
            settings = fit_off(settings, takes_fit([], candidate.image) if known is None else known)
        spec = self.spec(candidate, settings)
        if timeout is not None and timeout < spec.ready.timeout_s:
            spec = spec.model_copy(update={"ready": spec.ready.model_copy(update={"timeout_s": timeout})})
        if timeout is not None and spec.model_pull is not None and timeout < spec.model_pull.timeout_s:
            pull = spec.model_pull.model_copy(update={"timeout_s": timeout})
            spec = spec.model_copy(update={"model_pull": pull})
        attempt = run_attempt(spec, facts=self.facts, pull_policy=self.overrides.pull,
                              run_id=self.run_id, progress=self.progress, preflight=self.answer(spec.image),
                              probe=self.probe, load=self.load)
        if fits_itself and (learned := takes_fit(attempt.log_tail, candidate.image)) is not None:
            self.fit[candidate.image] = learned
        return self._with_memory(candidate, attempt)

    def probe(self, client: DockerClient, spec: ContainerSpec) -> ProbeResult:
        """The image's probe, run once per run before its first model load."""
        from jetllm.runtime.probe import run_probe

        if spec.image not in self.probes:
            self.probes[spec.image] = run_probe(client, spec, self.facts, run_id=self.run_id or "probe")
        return self.probes[spec.image]

    def _with_memory(self, candidate: Candidate, attempt: Attempt) -> Attempt:
        """The attempt with its predicted memory against what the backend printed."""
        from jetllm.core.attempt import MemoryFigures
        from jetllm.search.autofit import ran_settings

        measured = attempt.measured
        figures = MemoryFigures(measured=measured, ran=ran_settings(measured))
        if self.shape is not None and self.shape.sized and attempt.settings.max_len:
            from jetllm.modelinfo.estimate import cost
            from jetllm.search.predict import memory_for

            gpu = self._gpu(self.profiles[candidate.name][1])
            price = cost(candidate.backend, self.shape, attempt.settings.max_len, gpu=gpu, resident=True)
            memory = memory_for(self.facts, self.overrides.memory, gpu=gpu)
            figures = figures.model_copy(update={
                "predicted_bytes": price.total_bytes, "usable_bytes": memory.usable_bytes if memory else None,
                "predicted": {"weights_bytes": price.weights_bytes, "kv_bytes": price.kv_bytes,
                              "overhead_bytes": price.overhead_bytes}})
        if not measured and figures.predicted_bytes is None:
            return attempt
        return attempt.model_copy(update={"memory": figures})


def load_profiles(files: list[str], backends: list[str] | None, facts: HostFacts) -> list[Profile]:
    """--profile files, then the --backends named (custom profiles first), else every
    shipped profile with an image for this host, in the catalog's order."""
    from jetllm.catalog import candidates as variants_for
    from jetllm.catalog import list_profiles, load_profile

    custom = [load_profile(path) for path in files]
    if not backends:
        if custom:
            return custom
        shipped = list_profiles()
        return [p for p in shipped if variants_for(p, facts)[1] or p.images.cpu]
    by_name = {p.name: p for p in custom}
    return [by_name.get(name) or load_profile(name) for name in backends]
