"""The Docker runtime: one attempt of one backend, and cleaning up after killed runs.

API (import from jetllm.runtime):

- run_attempt(spec: ContainerSpec, *, facts: HostFacts, pull_policy: str = "missing",
              keep: bool = False, force: bool = False, run_id: str | None = None,
              progress: ProgressCallback | None = None, client=None,
              preflight: Compatibility | None = None) -> Attempt
    prerequisites (from facts, and preflight's verdict on the image: `preflight`
    when the caller has it, else asked here; skipped with force) -> pull (policy "missing",
    "always" or "never"; free-disk check first) -> start (labels jetllm.run =
    run_id, jetllm.backend, jetllm.managed=1; port on 127.0.0.1, another free
    one when the usual is taken) -> ready (health endpoint, ready log line,
    container exit, timeout: the first wins) -> smoke (one streamed chat
    request) -> stop. Always returns an Attempt: outcome "ready", "failed"
    (with a Diagnosis from jetllm.classify) or "skipped" (a prerequisite
    failed; nothing was pulled or started). Never leaves a container running
    unless keep=True and the backend served (then Attempt.container_name and
    base_url say where). On Ctrl-C, SIGTERM, SIGHUP or SIGQUIT it removes the container and
    re-raises KeyboardInterrupt. `progress` receives jetllm.core.events
    (Phase, LayerProgress, Waiting, Note); `client` is a docker-py client
    (connected with jetllm.dockerenv.connect() when None). Pass one run_id to
    every attempt of a bring-up so that `jetllm gc --run ID` finds them all.
- collect(client, run_id: str | None = None, *, everything: bool = False) -> Collected
    removes the containers labelled jetllm.managed=1 whose jetllm process is
    gone (jetllm.core.owner judges them); all of run_id's when given, every one with
    everything; says which were removed and which were left, and why. What
    `jetllm gc` calls.
- new_run_id() -> str

Modules: spec (ContainerSpec), result (Attempt), docker (the only code that
turns a spec into a container), pull, prereq, session, follow, ready, smoke
lives in jetllm.smoke; view renders events and attempts with Rich for the CLI.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jetllm.runtime.attempt import new_run_id, run_attempt
    from jetllm.runtime.gc import Collected, collect

__all__ = ["Collected", "collect", "new_run_id", "run_attempt"]


def __getattr__(name: str) -> Any:
    # Deferred: `import jetllm.core.spec` (the catalog does) must not load docker or httpx.
    if name in ("run_attempt", "new_run_id"):
        from jetllm.runtime import attempt

        return getattr(attempt, name)
    if name in ("collect", "Collected"):
        from jetllm.runtime import gc

        return getattr(gc, name)
    raise AttributeError(name)
