"""cpu_fallback: a backend that served from the CPU although a GPU was handed over
works, but ranks below every GPU candidate, and the report and JUnit say so with the fix."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from jetllm.classify import classify_text
from jetllm.core.attempt import Attempt, AttemptOutcome
from jetllm.core.diagnosis import FailureClass
from jetllm.core.facts import HostFacts, PlatformFacts
from jetllm.core.spec import Settings
from jetllm.report import build_report
from jetllm.report.junit import render_junit
from jetllm.report.markdown import render_markdown
from jetllm.search import Budget, Candidate, PreflightVerdict, Verdict, run_search
from tests.unit.search_fakes import FakeWorld, candidate

# What Ollama logs when it finds no GPU (discover/types.go, LogDetails).
OLLAMA_ON_CPU = ('time=2025-07-01T17:59:51.470Z level=INFO source=types.go:60 msg="inference compute" '
                 'id=cpu library=cpu compute="" name=cpu description=cpu libdirs=ollama driver="" '
                 'pci_id="" type="" total="15.3 GiB" available="12.1 GiB"')


def test_the_start_logs_name_a_cpu_fallback():
    for log, backend in ((OLLAMA_ON_CPU, "ollama"),
                         ("warning: no usable GPU found, --gpu-layers option will be ignored", "llama.cpp"),
                         ("INFO 12-03 10:00:01 [__init__.py:253] Automatically detected platform cpu.", "vllm")):
        found = classify_text(f"{log}\nready\n", backend=backend, jetson=True)
        assert found.failure_class is FailureClass.CPU_FALLBACK, log
    ollama = classify_text(OLLAMA_ON_CPU, backend="ollama", jetson=True)
    assert "JETSON_JETPACK=6" in ollama.fix
    gpu = OLLAMA_ON_CPU.replace("library=cpu", "library=cuda")
    assert classify_text(gpu, backend="ollama").failure_class is not FailureClass.CPU_FALLBACK


def test_a_real_failure_outranks_the_fallback_line():
    log = f"{OLLAMA_ON_CPU}\nError: llama runner process has terminated: signal: killed\n"
    assert classify_text(log, backend="ollama").failure_class is not FailureClass.CPU_FALLBACK


class OnCpu(FakeWorld):
    """Backends in `cpu` serve, from the CPU (their diagnosis says cpu_fallback)."""

    cpu: tuple[str, ...] = ("ollama",)

    def __call__(self, c: Candidate, settings: Settings, timeout: float | None) -> Attempt:
        attempt = super().__call__(c, settings, timeout)
        if c.backend in self.cpu and attempt.outcome is AttemptOutcome.READY:
            return attempt.model_copy(update={"diagnosis": classify_text(OLLAMA_ON_CPU, backend="ollama",
                                                                         jetson=True)})
        return attempt


def search():  # type: ignore[no-untyped-def]
    # Ollama on the CPU is the faster of the two here: it still ranks below vLLM on the GPU.
    world = OnCpu(rules={"ollama": lambda s: None, "vllm": lambda s: None}, speed={"ollama": 50.0, "vllm": 20.0})
    return run_search([candidate("ollama"), candidate("vllm")], preflight=lambda c: PreflightVerdict(compatible=True),
                      attempt=world, budget=Budget(clock=world.clock))


def test_a_cpu_fallback_works_but_ranks_below_the_gpu():
    result = search()
    assert [r.verdict for r in result.results] == [Verdict.WORKS, Verdict.WORKS]
    assert [r.rank for r in result.results] == [2, 1]
    assert result.winner is not None and result.winner.candidate.backend == "vllm"


def test_report_and_junit_show_the_fallback_and_its_fix():
    report = build_report(search(), facts=HostFacts(platform=PlatformFacts(arch="aarch64")),
                          command=["jetllm", "bringup"], model="tiny", version="0.0.0")
    markdown = render_markdown(report)
    assert "works (CPU)" in markdown and "cpu_fallback" in markdown
    cases = {case.get("name"): case for case in ET.fromstring(render_junit(report)).iter("testcase")}
    ollama = next(case for name, case in cases.items() if name and name.startswith("ollama"))
    assert ollama.find("failure") is None  # it works
    out = ollama.findtext("system-out") or ""
    assert "verdict: works (CPU)" in out and "cpu_fallback: Ollama found no usable GPU" in out
    assert "JETSON_JETPACK" in out


def test_a_probe_found_fallback_is_kept_in_the_report_and_read_back(tmp_path):
    """The probe behind a verdict travels in report.json and `jetllm report` reads it back."""
    from jetllm.core.probe import ProbeFacts, ProbeProblem, ProbeResult
    from jetllm.report import load_report, write_report_dir

    probe = ProbeResult(image="example/ollama:1", ran=True, facts=ProbeFacts(ollama="/usr/bin/ollama"),
                        problems=(ProbeProblem.model_validate(
                            {"class": "cpu_fallback", "message": "no JETSON_JETPACK", "fix": "set it"}),))

    class Probed(OnCpu):
        def __call__(self, c: Candidate, settings: Settings, timeout: float | None) -> Attempt:
            return super().__call__(c, settings, timeout).model_copy(update={"probe": probe})

    world = Probed(rules={"ollama": lambda s: None}, speed={"ollama": 5.0})
    result = run_search([candidate("ollama")], preflight=lambda c: PreflightVerdict(compatible=True),
                        attempt=world, budget=Budget(clock=world.clock))
    report = build_report(result, facts=HostFacts(platform=PlatformFacts(arch="aarch64")),
                          command=["jetllm", "bringup"], model="tiny", version="0.0.0")
    written = write_report_dir(report, tmp_path / "out")
    again = load_report(tmp_path / "out")
    assert again == written
    kept = again.candidates[0].attempts[0].probe
    assert kept is not None and kept.verdict == "cpu_fallback"
    markdown = (tmp_path / "out" / "report.md").read_text()
    assert "Probe of `example/ollama:1` before the first model load: cpu_fallback" in markdown
    assert "cpu_fallback: no JETSON_JETPACK" in markdown
