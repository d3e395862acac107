"""run_attempt(): one real try of one ContainerSpec, from prerequisites to stop.

prerequisites -> pull -> start -> ready -> smoke -> stop, returning an
Attempt whatever happens. The container is removed on every path (success,
failure, timeout, exception, Ctrl-C, SIGTERM, SIGHUP, SIGQUIT) unless `keep` is
set and the backend served (then it is renamed NAME-kept: see jetllm/core/owner.py);
on an interruption the container is removed and the KeyboardInterrupt
re-raised. A daemon that stops answering is reported as docker_unavailable,
and what could not be removed is said, never claimed removed.
"""

from __future__ import annotations

import os
import time
import uuid
from typing import TYPE_CHECKING

from jetllm.core.attempt import Attempt, AttemptOutcome, MemoryFigures, Smoke, SmokeCheck, Timings
from jetllm.core.diagnosis import Diagnosis, ExitState, FailureClass
from jetllm.core.events import Event, Note, Phase, ProgressCallback, ignore
from jetllm.core.facts import HostFacts
from jetllm.core.load import LoadPlan, LoadSweep
from jetllm.core.redact import Redactor
from jetllm.core.signals import interruptions, shielded
from jetllm.core.spec import ContainerSpec, GpuHandover
from jetllm.runtime import diagnose, prereq
from jetllm.runtime.docker import secret_values
from jetllm.runtime.pull import PullFailed, ensure_image
from jetllm.runtime.session import PortTaken, Session, StartFailed

if TYPE_CHECKING:
    from collections.abc import Callable

    from docker import DockerClient

    from jetllm.core.compat import Compatibility
    from jetllm.core.probe import ProbeResult

    Prober = Callable[[DockerClient, ContainerSpec], ProbeResult]

LOG_TAIL_LINES = 60  # kept in the Attempt; the classifier reads up to LogTail's limit


def new_run_id() -> str:
    return uuid.uuid4().hex[:12]


class _Run:
    def __init__(self, spec: ContainerSpec, facts: HostFacts, progress: ProgressCallback) -> None:
        self.spec, self.facts, self.progress = spec, facts, progress
        self.jetson = facts.jetson.is_jetson
        self.redact = Redactor(secret_values(spec, os.environ))
        self.begin = time.monotonic()
        self.timings: dict[str, float | None] = {}
        self.exit_state: ExitState | None = None
        self.session: Session | None = None
        self.prober: Prober | None = None
        self.probe: ProbeResult | None = None
        self.load: LoadPlan | None = None

    def attempt(self, outcome: AttemptOutcome, diagnosis: Diagnosis | None = None,
                smoke: Smoke | None = None, kept: bool = False) -> Attempt:
        session = self.session
        started = session is not None and session.container is not None
        served = outcome is AttemptOutcome.READY and session is not None
        return Attempt(
            backend=self.spec.backend,
            image=self.spec.image,
            settings=self.spec.settings,
            outcome=outcome,
            diagnosis=diagnosis,
            timings=Timings(**{k: round(v, 3) if v is not None else None for k, v in
                               {**self.timings, "total_s": time.monotonic() - self.begin}.items()}),
            smoke=smoke,
            exit_state=self.exit_state,
            log_tail=session.tail.lines(LOG_TAIL_LINES) if session is not None else [],
            container_started=started,
            base_url=session.base_url if served and session is not None else None,
            container_name=session.name if kept and session is not None else None,
            probe=self.probe,
            memory=self.figures(),
        )

    def figures(self) -> MemoryFigures | None:
        """What the backend printed about its memory, read over the whole session log: the
        start lines leave the kept tail once requests are served."""
        from jetllm.classify.figures import read_figures

        if self.session is None:
            return None
        measured = read_figures(self.session.tail.lines(), backend=self.spec.backend)
        return MemoryFigures(measured=measured) if measured else None

    def failed(self, diagnosis: Diagnosis) -> Attempt:
        return self.attempt(AttemptOutcome.FAILED, diagnosis)

    def log_diagnosis(self, fallback: FailureClass, cause: str, said: str | None = None) -> Diagnosis:
        """The log's cause, read with what the server answered (`said`) as its last line."""
        assert self.session is not None and self.exit_state is not None
        lines = [*self.session.tail.lines(), *([said] if said else [])]
        found = diagnose.of_log(lines, self.exit_state, fallback, cause,
                                backend=self.spec.backend, jetson=self.jetson)
        return _with_memory_limit(found, self.spec)


def run_attempt(spec: ContainerSpec, *, facts: HostFacts, pull_policy: str = "missing",
                keep: bool = False, force: bool = False, run_id: str | None = None,
                progress: ProgressCallback | None = None, client: DockerClient | None = None,
                preflight: Compatibility | None = None, probe: Prober | None = None,
                load: LoadPlan | None = None) -> Attempt:
    """One attempt of `spec` on this host; see the module docstring. `preflight`:
    its answer for spec.image when the caller has one (bringup), so it is not asked again.
    `probe`: probes the image once it is here, before the model load (bringup); a blocker
    ends the attempt there, with no backend started. `load`: a concurrency sweep once it
    served and passed its smoke request."""
    run = _Run(spec, facts, progress or ignore)
    run.prober = probe
    run.load = load
    with interruptions():
        result: Attempt | None = None
        interrupted = False
        try:
            result = _attempt(run, pull_policy, force, keep, run_id or new_run_id(), client, preflight)
        except KeyboardInterrupt:
            interrupted = True
            raise
        finally:  # however the attempt ended (result is None when it raised)
            result = _end(run, result, keep, interrupted)
        assert result is not None
        return result


def _end(run: _Run, result: Attempt | None, keep: bool, interrupted: bool) -> Attempt | None:
    """Keep the container (keep, and it served) or remove it, shielded from signals; a signal
    that lands before the shield is up is an interruption: the container is removed all the same."""
    came: KeyboardInterrupt | None = None
    while True:
        try:
            with shielded():
                result = _settle(run, result, keep, interrupted)
            break
        except KeyboardInterrupt as exc:
            came, result, interrupted = came or exc, None, True
    if came is not None:
        raise came
    return result


def _settle(run: _Run, result: Attempt | None, keep: bool, interrupted: bool) -> Attempt | None:
    """Once per session (again it does nothing): a served container kept, else removed;
    it says what happened, and only what did."""
    session = run.session
    if session is None or session.container is None or session.name is None:
        return result
    if keep and result is not None and result.outcome is AttemptOutcome.READY:
        if session.keep_it():
            return result.model_copy(update={"container_name": session.name})
        _say(run, Note(f"could not mark container {session.name} kept (the Docker daemon did not "
                       "answer): removing it"))
    name = session.name
    why = "stopping and removing the container"
    if interrupted:
        why = f"interrupted: {why}"
    _say(run, Phase("stopping", f"{why} {name}"))
    if keep:  # and it did not serve
        _say(run, Note("--keep keeps a backend only once it has served"))
    failed = session.remove()
    if failed is None:
        _say(run, Note(f"container {name} removed"))
    else:
        _say(run, Note(f"could not remove container {name}: {failed}; `jetllm gc` removes it "
                       "once this run has ended and the Docker daemon answers (its labels name "
                       "this run's process)"))
    return result


def _say(run: _Run, event: Event) -> None:
    """Progress while cleaning up: a terminal that went away (SIGHUP) must not stop it."""
    try:
        run.progress(event)
    except OSError:
        pass


def _attempt(run: _Run, pull_policy: str, force: bool, keep: bool, run_id: str, client: DockerClient | None,
             preflight: Compatibility | None) -> Attempt:
    spec, facts, progress = run.spec, run.facts, run.progress
    if not force:
        progress(Phase("checking", "prerequisites (Docker, the NVIDIA runtime, preflight of the image)"))
        problem = prereq.check(spec, facts, pull_policy=pull_policy, known=preflight)
        if problem is not None:
            return run.attempt(AttemptOutcome.SKIPPED, problem)
    if client is None:
        from jetllm.dockerenv import DockerUnavailable, connect

        try:
            client = connect()
        except DockerUnavailable as exc:
            return run.failed(diagnose.of_message(exc.message, FailureClass.DOCKER_UNAVAILABLE,
                                                  jetson=run.jetson))
    try:
        run.timings["pull_s"] = ensure_image(client, spec.image, pull_policy, facts, progress)
    except PullFailed as exc:
        return run.failed(exc.diagnosis)
    if run.prober is not None:
        blocked = _probe(run, client)
        if blocked is not None:
            return blocked
    progress(Phase("starting", f"starting {spec.backend}"))
    run.session = session = Session(client, spec, run_id, run.redact, progress, keep=keep)
    asked = time.monotonic()  # start to ready counts create and start too, as a user waits them
    try:
        session.start()
    except PortTaken as exc:
        return run.failed(_port_taken(run, exc))
    except StartFailed as exc:
        cause = f"Docker could not start the container: {exc}"
        return run.failed(diagnose.of_message(str(exc), FailureClass.UNKNOWN, cause=cause,
                                              jetson=run.jetson))
    progress(Phase("waiting", f"waiting for {spec.backend} on {session.base_url}"))
    ready = session.wait(spec.ready.timeout_s)
    run.timings["start_to_ready_s"] = time.monotonic() - asked
    if not ready.ready:
        return _not_ready(run, ready.exited, ready.exit_code)
    run.exit_state = ExitState(ready=True)
    if spec.model_pull is not None and spec.served_model:
        failed = _pull_model(run)
        if failed is not None:
            return failed
    return _smoke(run)


def _with_memory_limit(diagnosis: Diagnosis, spec: ContainerSpec) -> Diagnosis:
    """An OOM kill under a limit jetllm set (--memory): that limit is the one to raise, so the
    fix says so in place of the class's general advice (which says the same less precisely)."""
    if diagnosis.failure_class is not FailureClass.HOST_OOM_KILLED or not spec.memory_limit:
        return diagnosis
    fix = (f"The container ran under --memory {spec.memory_limit}: raise it, or ask for less "
           "(a shorter context, a smaller model, fewer CPU-resident layers).")
    return diagnosis.model_copy(update={"fix": fix})


def _pull_model(run: _Run) -> Attempt | None:
    """A server that fetches its model once up (Ollama): None when it has it."""
    from jetllm.runtime.model_pull import ModelPullFailed, pull_model

    session, spec = run.session, run.spec
    assert session is not None and spec.model_pull is not None and spec.served_model
    run.progress(Phase("model", f"{spec.backend} is fetching {spec.served_model}"))
    start = time.monotonic()
    try:
        if not pull_model(session.server_url, spec.model_pull, spec.served_model, run.progress):
            run.progress(Note(f"{spec.backend} already holds {spec.served_model}"))
    except ModelPullFailed as exc:
        message = run.redact(str(exc))
        cause = f"{spec.backend} could not fetch {spec.served_model}: {message}"
        return run.failed(run.log_diagnosis(FailureClass.MODEL_UNAVAILABLE, cause, said=message))
    finally:
        run.timings["model_pull_s"] = time.monotonic() - start
    return None


def _port_taken(run: _Run, exc: PortTaken) -> Diagnosis:
    """The port the user named was taken after jetllm checked it: refused as the check refuses
    it (the same words), never moved."""
    from jetllm.runtime.ports import port_in_use

    taken = port_in_use(exc.port, exc.address)
    found = diagnose.of_class(FailureClass.PORT_IN_USE, f"{taken.message} (taken after jetllm "
                              "checked it, before the container started)", jetson=run.jetson)
    return found.model_copy(update={"fix": taken.fix})


def _daemon_gone(run: _Run, error: str, doing: str) -> Attempt:
    """The Docker daemon stopped answering mid-attempt: nothing to read the exit or the log
    from, and its container may remain; the run's owner labels are how `jetllm gc` finds it."""
    from jetllm.dockerenv import FIXES, docker_host

    session = run.session
    assert session is not None
    cause = (f"the Docker daemon at {docker_host()} stopped answering {doing} ({error}); "
             f"the container {session.name} may remain: its labels name this jetllm run, so "
             "once the run has ended `jetllm gc` finds it as an orphan and removes it")
    fix = (f"{FIXES['not_running']}; then `jetllm gc` (or `jetllm gc --run {session.run_id}` "
           "for this run's containers)")
    found = diagnose.of_class(FailureClass.DOCKER_UNAVAILABLE, cause, jetson=run.jetson)
    return run.failed(found.model_copy(update={"fix": fix}))


def _not_ready(run: _Run, exited: bool, exit_code: int | None) -> Attempt:
    session = run.session
    assert session is not None
    gone = session.daemon_error() if exited else None
    if gone is not None:
        return _daemon_gone(run, gone, f"while jetllm waited for {run.spec.backend}")
    if exited:
        session.drain_logs()
        code, oom = session.exit_state()
        run.exit_state = ExitState(exit_code=code if code is not None else exit_code, oom_killed=oom)
        cause = f"the container exited with code {run.exit_state.exit_code} before it served"
        return run.failed(run.log_diagnosis(FailureClass.UNKNOWN, cause))
    run.exit_state = ExitState(timed_out=True)
    cause = f"{run.spec.backend} did not become ready within {run.spec.ready.timeout_s:g} s"
    return run.failed(run.log_diagnosis(FailureClass.STARTUP_TIMEOUT, cause))


def _smoke(run: _Run) -> Attempt:
    from jetllm.smoke import SmokeFailed, chat
    from jetllm.smoke.models import served_model
    from jetllm.smoke.suite import run_suite

    session = run.session
    assert session is not None
    run.progress(Phase("smoke", "sending one streamed chat request"))
    start = time.monotonic()
    try:
        model = run.spec.served_model or served_model(session.base_url)
        smoke = chat(session.base_url, model=model)
    except SmokeFailed as exc:
        run.timings["smoke_s"] = time.monotonic() - start
        gone = session.daemon_error()
        if gone is not None:
            return _daemon_gone(run, gone, "during the smoke request")
        code, oom = session.exit_state()
        running = code == 0 and not oom and _running(session)
        run.exit_state = ExitState(exit_code=None if running else code, oom_killed=oom, ready=True)
        message = run.redact(str(exc))
        return run.failed(run.log_diagnosis(FailureClass.UNKNOWN, message, said=message))
    run.progress(Phase("smoke", "checking chat, tool calls, structured output and a known answer"))
    checks = [c.model_copy(update={"detail": run.redact(_with_flags(c, run.spec))})
              for c in run_suite(session.base_url, model, first=smoke)]
    run.timings["smoke_s"] = time.monotonic() - start
    sweep = _sweep(run, model) if run.load is not None else None
    session.catch_up_logs()
    return run.attempt(AttemptOutcome.READY, _cpu_fallback(run), smoke=smoke).model_copy(
        update={"checks": checks, "load": sweep})


def _probe(run: _Run, client: DockerClient) -> Attempt | None:
    """Probe the image before the model load: a blocker ends the attempt (no backend started)."""
    from jetllm.classify import diagnosis_for

    assert run.prober is not None
    run.progress(Phase("probing", f"probing {run.spec.image} (the GPU as the container sees it)"))
    run.probe = found = run.prober(client, run.spec)
    if found.blocker is None:
        if found.cpu_fallback is not None:
            run.progress(Note(f"probe: {found.cpu_fallback.message}"))
        return None
    blocker = found.blocker
    cause = f"the probe of the image found: {blocker.message}"
    return run.failed(diagnosis_for(blocker.failure_class, cause=cause, jetson=run.jetson, fix=blocker.fix))


def _cpu_fallback(run: _Run) -> Diagnosis | None:
    """A GPU was handed over, yet the backend's start log says it serves from the CPU:
    a verdict of its own (cpu_fallback), else None."""
    from jetllm.classify import classify_lines

    if run.session is None or run.spec.gpu is GpuHandover.NONE:
        return None
    found = classify_lines(run.session.tail.lines(), exit_state=ExitState(ready=True),
                           backend=run.spec.backend, jetson=run.jetson)
    if found.failure_class is FailureClass.CPU_FALLBACK:
        return found
    said = run.probe.cpu_fallback if run.probe is not None else None
    if said is None:
        return None
    from jetllm.classify import diagnosis_for

    return diagnosis_for(FailureClass.CPU_FALLBACK, cause=f"the probe of the image found: {said.message}",
                         jetson=run.jetson, fix=said.fix)


def _sweep(run: _Run, model: str) -> LoadSweep:
    from jetllm.smoke.load import concurrency_sweep

    assert run.session is not None and run.load is not None
    plan = run.load
    run.progress(Phase("load", f"concurrency sweep {', '.join(map(str, plan.levels))}"))
    sweep = concurrency_sweep(run.session.base_url, model, plan.levels, target_p95_s=plan.target_p95_s,
                              say=lambda line: run.progress(Note(line)))
    return sweep.model_copy(update={"levels": [
        level.model_copy(update={"error": run.redact(level.error) if level.error else None})
        for level in sweep.levels]})


def _with_flags(check: SmokeCheck, spec: ContainerSpec) -> str:
    """A tool-call check's detail names the profile's flags the server ran with."""
    if check.name.startswith("tool-call") and spec.tool_call_args:
        return f"{check.detail} (server flags: {' '.join(spec.tool_call_args)})"
    return check.detail


def _running(session: Session) -> bool:
    try:
        return session.container is not None and bool(session.container.attrs.get("State", {}).get("Running"))
    except Exception:  # noqa: BLE001 (removed or gone: it is not running)
        return False
