"""Report files from a scripted search: report.json round trip, report.md,
JUnit, compose + .env, redacted logs, and writes that are whole or nothing."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from jetllm.core.diagnosis import Diagnosis, FailureClass
from jetllm.core.errors import UsageError
from jetllm.core.facts import HostFacts, PlatformFacts
from jetllm.core.spec import ContainerSpec, GpuHandover, Mount, Settings
from jetllm.render.bringup import render_table
from jetllm.report import build_report, load_report, write_junit, write_report_dir
from jetllm.report import write as write_module
from jetllm.report.compose import render_compose
from jetllm.report.junit import render_junit
from jetllm.report.markdown import render_markdown
from jetllm.report.model import Report
from jetllm.search import Budget, Candidate, CandidateResult, PreflightVerdict, StopReason, Verdict, run_search
from tests.support.needs import unavailable
from tests.unit.search_fakes import FakeWorld, candidate, diagnosis, vllm_ladder

A = FailureClass.CUDA_ALLOCATOR_ASSERT


def spec_of(c: Candidate, s: Settings) -> ContainerSpec:
    return ContainerSpec(
        backend=c.backend, image=c.image, container_port=8000,
        command=["--model", s.model or "", "--gpu-memory-utilization", str(s.gpu_util)],
        env={"HF_TOKEN": "hf_realsecretvalue123456", "VLLM_LOGGING": "INFO"},
        secret_env=["HF_TOKEN"], gpu=GpuHandover.RUNTIME, runtime="nvidia", settings=s,
    )


def make_report(all_fail: bool = False, spec_of=spec_of):  # type: ignore[no-untyped-def]
    world = FakeWorld(
        rules={
            "vllm": (lambda s: A) if all_fail else (lambda s: None if s.gpu_util <= 0.55 else A),
            "bad": lambda s: FailureClass.LIBRARY_MISMATCH,
        },
        speed={"vllm": 31.5},
    )
    nv = candidate("nvidia-vllm", vllm_ladder()).model_copy(update={"backend": "vllm"})
    checks = {"nvidia-vllm": PreflightVerdict(compatible=False, reasons=["image needs driver >= 580.82"],
                                   diagnosis=diagnosis(FailureClass.DRIVER_TOO_OLD))}
    result = run_search(
        [nv, candidate("vllm", vllm_ladder()), candidate("bad")],
        preflight=lambda c: checks.get(c.name, PreflightVerdict(compatible=True)),
        attempt=world, budget=Budget(clock=world.clock), spec_of=spec_of,
    )
    facts = HostFacts(platform=PlatformFacts(arch="aarch64"))
    return build_report(result, facts=facts, command=["jetllm", "bringup"],
                        model="Qwen/Qwen2.5-3B-Instruct-AWQ", version="0.0.0")


def test_report_directory_files(tmp_path: Path) -> None:
    report = write_report_dir(make_report(), tmp_path / "out")
    out = tmp_path / "out"
    assert report.exit_code == 0 and report.winner == "vllm"
    names = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert names == sorted(report.files)
    assert {"report.json", "report.md", "docker-compose.yml", ".env"} <= set(names)
    assert any(n.startswith("logs/bad-") for n in names)
    document = json.loads((out / "report.json").read_text())
    assert document["jetllm_report_version"] == "1"
    assert [c["verdict"] for c in document["candidates"]] == ["incompatible", "works", "failed"]
    assert load_report(out) == report
    everything = "".join(p.read_text() for p in out.rglob("*") if p.is_file())
    assert "hf_realsecretvalue" not in everything and "hf_abcdefghij" not in everything


def test_compose_and_env_for_the_winner(tmp_path: Path) -> None:
    write_report_dir(make_report(), tmp_path)
    compose = yaml.safe_load((tmp_path / "docker-compose.yml").read_text())
    service = compose["services"]["vllm"]
    assert service["image"] == "example/vllm:1"
    assert service["command"][-1] == "0.55"
    assert service["environment"] == {"HF_TOKEN": "${HF_TOKEN}", "VLLM_LOGGING": "INFO"}
    assert service["runtime"] == "nvidia"
    assert service["ports"] == ["127.0.0.1:8000:8000"]
    env = (tmp_path / ".env").read_text()
    assert "OPENAI_BASE_URL=http://127.0.0.1:8000/v1" in env and "OPENAI_API_KEY=" in env


def test_markdown_names_winner_and_every_cause(tmp_path: Path) -> None:
    write_report_dir(make_report(), tmp_path)
    md = (tmp_path / "report.md").read_text()
    assert "Winner: vllm" in md and "gpu_util=0.55" in md
    assert "image needs driver >= 580.82" in md or "driver_too_old" in md
    assert "library_mismatch" in md and "fix for library_mismatch" in md


def test_junit_one_case_per_candidate(tmp_path: Path) -> None:
    report = make_report(all_fail=True)
    assert report.exit_code == 1 and report.winner is None
    write_junit(report, tmp_path / "smoke.xml")
    suite = ET.parse(tmp_path / "smoke.xml").getroot().find("testsuite")
    assert suite is not None and suite.get("tests") == "3" and suite.get("failures") == "3"
    messages = [case.find("failure").get("message") for case in suite.iter("testcase")]  # type: ignore[union-attr]
    assert messages[0].startswith("driver_too_old: fix for driver_too_old")
    assert messages[1].startswith("cuda_allocator_assert:")
    assert messages[2].startswith("library_mismatch: fix for library_mismatch")
    assert "<testsuites>" in render_junit(report)


def test_table_highlights_winner() -> None:
    from rich.console import Console

    buffer = io.StringIO()
    render_table(make_report(), Console(file=buffer, width=220, no_color=True), written_to="out/")
    text = buffer.getvalue()
    assert "* vllm" in text and "Winner: vllm" in text and "Report written to out/" in text
    assert "library_mismatch" in text


def test_failed_write_leaves_previous_report_intact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    write_report_dir(make_report(), out)
    before = (out / "report.json").read_text()

    def boom(_report: object) -> str:
        raise OSError("disk full")

    monkeypatch.setattr(write_module, "render_markdown", boom)
    with pytest.raises(OSError):
        write_report_dir(make_report(all_fail=True), out)
    assert (out / "report.json").read_text() == before
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_load_report_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such report directory"):
        load_report(tmp_path / "missing")
    with pytest.raises(UsageError, match="no report.json"):
        load_report(tmp_path)
    (tmp_path / "report.json").write_text('{"jetllm_report_version": "99"}')
    with pytest.raises(UsageError, match="schema version"):
        load_report(tmp_path)
    (tmp_path / "report.json").write_text("{not json")
    with pytest.raises(UsageError, match="not valid JSON"):
        load_report(tmp_path)


def test_out_dir_that_is_not_a_report_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(UsageError, match="notes.txt is not part of a jetllm report"):
        write_report_dir(make_report(), tmp_path)


def left_out_report(image: str = "example/vllm:1"):  # type: ignore[no-untyped-def]
    """One backend that works (llama) and one left out before the search (vllm, no GPU)."""
    world = FakeWorld(rules={"llama": lambda s: None})
    left = CandidateResult(
        candidate=candidate("vllm", image=image), verdict=Verdict.LEFT_OUT, stop=StopReason.LEFT_OUT,
        diagnosis=Diagnosis.model_validate({"class": "gpu_runtime_missing", "cause": "vllm needs the GPU",
                                            "fix": "install the NVIDIA driver", "retry_smaller": "no"}))
    result = run_search([candidate("llama")], preflight=lambda c: PreflightVerdict(compatible=True), attempt=world,
                        budget=Budget(clock=world.clock), spec_of=spec_of, left_out=[left])
    return build_report(result, facts=None, command=["jetllm", "bringup"], model=None, version="0.0.0")


def table_text(report) -> str:  # type: ignore[no-untyped-def]
    from rich.console import Console

    buffer = io.StringIO()
    render_table(report, Console(file=buffer, width=220, no_color=True))
    return buffer.getvalue()


def test_a_left_out_backend_is_a_row_and_a_failing_junit_case() -> None:
    report = left_out_report()
    assert report.exit_code == 0 and report.winner == "llama"
    assert [(c.candidate.name, c.verdict) for c in report.candidates] == [
        ("llama", Verdict.WORKS), ("vllm", Verdict.LEFT_OUT)]
    row = next(ln for ln in table_text(report).splitlines() if ln.startswith("vllm "))
    assert row.split()[:3] == ["vllm", "left", "out"] and "gpu_runtime_missing" in row
    md_row = next(ln for ln in render_markdown(report).splitlines() if "| vllm |" in ln)
    assert "left out" in md_row and "vllm needs the GPU" in md_row and "install the NVIDIA driver" in md_row
    suite = ET.fromstring(render_junit(report)).find("testsuite")
    assert suite is not None and suite.get("tests") == "2" and suite.get("failures") == "1"
    failures = {case.get("classname"): case.find("failure") for case in suite.iter("testcase")}
    assert failures["jetllm.bringup.llama"] is None
    vllm = failures["jetllm.bringup.vllm"]
    assert vllm is not None and vllm.get("type") == "gpu_runtime_missing"
    assert vllm.get("message") == "gpu_runtime_missing: install the NVIDIA driver"


def one_failed(image: str | None = None):  # type: ignore[no-untyped-def]
    world = FakeWorld(rules={"vllm": lambda s: FailureClass.LIBRARY_MISMATCH})
    one = run_search([candidate("vllm", image=image)], preflight=lambda c: PreflightVerdict(compatible=True),
                     attempt=world, budget=Budget(clock=world.clock))
    return build_report(one, facts=None, command=[], model=None, version="0.0.0")


def test_counts_are_plural_by_count() -> None:
    report = one_failed()
    assert "(1 candidate; causes and fixes above)" in render_markdown(report)
    assert "(1 candidate; causes and fixes above)" in table_text(report)
    assert "(3 candidates;" in render_markdown(make_report(all_fail=True))


@pytest.mark.parametrize("image,shown", [
    ("nvcr.io/nvidia/vllm:25.09-py3", "nvcr.io/nvidia/vllm:25.09-py3"),
    ("127.0.0.1:5055/nvidia/vllm:25.09-py3", "127.0.0.1:5055/nvidia/vllm:25.09-py3"),
    ("ghcr.io/ggml-org/llama.cpp:server", "ghcr.io/ggml-org/llama.cpp:server"),
    ("docker.io/library/ubuntu:22.04", "ubuntu:22.04"),
    ("docker.io/vllm/vllm-openai:latest", "vllm/vllm-openai:latest"),
])
def test_images_are_shown_as_one_pulls_them(image: str, shown: str) -> None:
    report = one_failed(image)
    details = [ln.split() for ln in table_text(report).splitlines()]
    assert ["vllm", shown] in details
    assert f"| vllm | `{shown}` |" in render_markdown(report)
    names = [case.get("name") for case in ET.fromstring(render_junit(report)).iter("testcase")]
    assert f"vllm ({shown})" in names


def test_junit_file_is_written_with_the_report_files_mode(tmp_path: Path) -> None:
    import os
    import stat

    umask = os.umask(0o022)
    try:
        report = write_report_dir(make_report(), tmp_path / "out")
        write_junit(report, tmp_path / "smoke.xml")
    finally:
        os.umask(umask)
    modes = {name: stat.S_IMODE((tmp_path / name).stat().st_mode)
             for name in ("out/report.json", "out/report.md", "smoke.xml")}
    assert modes == {"out/report.json": 0o644, "out/report.md": 0o644, "smoke.xml": 0o644}


def cache_spec() -> ContainerSpec:
    return ContainerSpec(backend="llama.cpp", image="ghcr.io/ggml-org/llama.cpp:server", container_port=8080,
                         mounts=[Mount(source="jetllm-llama-cache", target="/root/.cache/llama.cpp"),
                                 Mount(source="/srv/models", target="/models", read_only=True)])


def test_compose_lets_compose_create_the_cache_volume_under_its_own_name() -> None:
    compose = yaml.safe_load(render_compose(cache_spec()))
    assert compose["volumes"] == {"jetllm-llama-cache": {"name": "jetllm-llama-cache"}}
    assert compose["services"]["llama-cpp"]["volumes"] == [
        "jetllm-llama-cache:/root/.cache/llama.cpp", "/srv/models:/models:ro"]


def test_docker_compose_accepts_the_compose_file(tmp_path: Path) -> None:
    """The Compose v2 plugin where it is installed, else Debian's docker-compose (CI installs it)."""
    import shutil
    import subprocess

    docker = shutil.which("docker")
    if docker and subprocess.run([docker, "compose", "version"], capture_output=True).returncode == 0:
        compose = [docker, "compose"]
    elif shutil.which("docker-compose"):
        compose = ["docker-compose"]
    else:
        unavailable("neither `docker compose` nor `docker-compose` is installed")
    (tmp_path / "docker-compose.yml").write_text(render_compose(cache_spec()))
    done = subprocess.run([*compose, "config"], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    volume = yaml.safe_load(done.stdout)["volumes"]["jetllm-llama-cache"]
    assert volume["name"] == "jetllm-llama-cache" and not volume.get("external")


API_KEY, WANDB, OPENAI, SHAPED = "plain-api-key-1234", "wandb-value-5678", "openai-value-9012", "hf_" + "Qx" * 17


def leaky_spec_of(c: Candidate, s: Settings) -> ContainerSpec:
    """A profile with a literal --api-key, secrets named *_KEY and one shaped like a token."""
    spec = spec_of(c, s)
    return spec.model_copy(update={
        "command": [*spec.command, "--api-key", API_KEY],
        "env": {**spec.env, "WANDB_KEY": WANDB, "OPENAI_KEY": OPENAI, "EXTRA_ARGS": f"--hf {SHAPED}"}})


def test_compose_refers_to_secrets_and_env_file_is_private(tmp_path: Path) -> None:
    import os
    import stat

    out = tmp_path / "out"
    report = write_report_dir(make_report(spec_of=leaky_spec_of), out)
    for path in out.rglob("*"):
        if path.is_file():
            text = path.read_text()
            assert not [v for v in (API_KEY, WANDB, OPENAI, SHAPED) if v in text], path
    service = yaml.safe_load((out / "docker-compose.yml").read_text())["services"]["vllm"]
    assert service["command"][-2:] == ["--api-key", "${JETLLM_API_KEY}"]
    assert {k: service["environment"][k] for k in ("WANDB_KEY", "OPENAI_KEY", "EXTRA_ARGS", "VLLM_LOGGING")} == {
        "WANDB_KEY": "${WANDB_KEY}", "OPENAI_KEY": "${OPENAI_KEY}", "EXTRA_ARGS": "${EXTRA_ARGS}",
        "VLLM_LOGGING": "INFO"}
    env = (out / ".env").read_text()
    for name in ("JETLLM_API_KEY", "WANDB_KEY", "OPENAI_KEY", "EXTRA_ARGS", "HF_TOKEN"):
        assert f"# {name}=" in env
    assert stat.S_IMODE(os.stat(out / ".env").st_mode) == 0o600
    assert report.winning is not None and report.winning.spec is not None
    assert "${JETLLM_API_KEY}" in report.winning.spec.command
    # Rendered straight from a spec that holds the values, too.
    direct = render_compose(leaky_spec_of(candidate("vllm"), Settings(gpu_util=0.5)))
    assert not [v for v in (API_KEY, WANDB, OPENAI, SHAPED) if v in direct]


def test_junit_is_well_formed_xml_whatever_a_log_held() -> None:
    document = one_failed().to_json()
    document["candidates"][0]["diagnosis"]["cause"] = "ImportError \x1b[31m\x00\x08\x0c: libcudart"
    junit = render_junit(Report.model_validate(document))
    failure = ET.fromstring(junit.split("\n", 1)[1]).find("testsuite/testcase/failure")
    assert failure is not None and failure.text is not None
    assert failure.text.startswith("ImportError [31m: libcudart")
