"""`jetllm probe`: the probes run inside fixture images on a private Docker daemon whose
`nvidia` runtime is a stand-in for NVIDIA's (tests/support/fake_nvidia_runtime.py), as
seen from a Jetson Orin NX on L4T r36.4.3 (--facts). Each case gets its class in
seconds, and no container is left."""

from __future__ import annotations

import json
import platform
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from jetllm.core import labels
from tests.integration.try_support import FIXTURE_PROFILE
from tests.support import probe_images
from tests.support.cli import start_jetllm
from tests.support.fake_nvidia_runtime import NODES, daemon_config
from tests.support.private_daemon import PrivateDaemon, started_daemon

pytestmark = [pytest.mark.docker, pytest.mark.timeout(300)]

ORIN = Path(__file__).parents[1] / "fixtures" / "profiles" / "hosts" / "orin-nx-r36.4.3.json"
LIMIT_S = 10.0


@pytest.fixture(scope="module")
def daemon(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivateDaemon]:
    yield from started_daemon(daemon_config(tmp_path_factory.mktemp("runtime")))


def probe(cli, daemon: PrivateDaemon, image: str, *args: str):  # type: ignore[no-untyped-def]
    started = time.monotonic()
    result = cli("probe", image, "--facts", str(ORIN), "--json", *args, env={"DOCKER_HOST": daemon.docker_host})
    took = time.monotonic() - started
    assert took < LIMIT_S, f"the probe took {took:.1f} s"
    left = daemon.client().containers.list(all=True, filters={"label": f"{labels.MANAGED}=1"})
    assert left == [], [c.name for c in left]
    return result


def test_no_libcuda_is_gpu_runtime_missing(cli, daemon):
    result = probe(cli, daemon, probe_images.bare(daemon.client()))
    assert result.exit_code == 1
    data = result.data()
    assert data["verdict"] == "gpu_runtime_missing" and data["gpu"] == "runtime" and data["ran"] is True
    assert data["facts"]["libcuda"] is None
    assert sorted(data["facts"]["dev_nodes"]) == sorted(NODES)  # the runtime handed the nodes over
    (error,) = result.errors()
    assert error["class"] == "gpu_runtime_missing" and "no libcuda.so.1" in error["message"]
    assert "--runtime nvidia" in error["fix"]


def test_a_toolkit_stub_is_gpu_runtime_missing(cli, daemon):
    result = probe(cli, daemon, probe_images.stub(daemon.client()))
    assert result.exit_code == 1
    facts = result.data()["facts"]
    assert facts["libcuda_kind"] == "stub"
    assert facts["libcuda_target"] == "/usr/local/cuda/lib64/stubs/libcuda.so"
    (error,) = result.errors()
    assert error["class"] == "gpu_runtime_missing" and "stub" in error["message"]


def test_an_r35_image_on_an_r36_host_is_library_mismatch(cli, daemon):
    result = probe(cli, daemon, probe_images.jetson(daemon.client(), probe_images.R35))
    assert result.exit_code == 1
    data = result.data()
    assert data["facts"]["image_l4t"] == "35.4.1" and data["facts"]["libcuda_kind"] == "driver"
    assert [p["class"] for p in data["problems"]] == ["library_mismatch"]
    assert "L4T r35.4.1; this Jetson runs L4T r36.4.3" in data["problems"][0]["message"]
    assert "r36.4" in data["problems"][0]["fix"]


def test_the_same_image_built_for_r36_is_ok(cli, daemon):
    result = probe(cli, daemon, probe_images.jetson(daemon.client()))
    assert result.exit_code == 0, result.stdout
    data = result.data()
    assert data["verdict"] == "ok" and data["problems"] == [] and result.errors() == []
    assert data["facts"]["image_l4t"] == "36.4.3"


def test_torch_without_the_gpus_arch_is_unsupported_gpu(cli, daemon):
    result = probe(cli, daemon, probe_images.torch_sbsa(daemon.client()))
    assert result.exit_code == 1
    data = result.data()
    assert data["facts"]["torch_arch_list"] == ["sm_90", "compute_90"]
    assert data["facts"]["torch_capability"] == "8.7"
    (error,) = result.errors()
    assert error["class"] == "unsupported_gpu" and "sm_87" in error["message"]


def test_llama_cpp_without_a_gpu_device_is_cpu_fallback(cli, daemon):
    result = probe(cli, daemon, probe_images.llama_cpu(daemon.client()))
    assert result.exit_code == 0  # it works, from the CPU: reported, not a failure
    data = result.data()
    assert data["verdict"] == "cpu_fallback"
    assert data["facts"]["llama_devices"] == ["(none)"]
    (problem,) = data["problems"]
    assert problem["class"] == "cpu_fallback" and "dustynv/llama_cpp" in problem["fix"]
    assert "Ollama" not in problem["fix"]


def test_ollama_on_a_jetson_without_jetson_jetpack_is_cpu_fallback(cli, daemon):
    result = probe(cli, daemon, probe_images.ollama(daemon.client()))
    assert result.exit_code == 0
    data = result.data()
    assert data["verdict"] == "cpu_fallback" and data["facts"]["ollama_version"] == "0.12.3"
    (problem,) = data["problems"]
    assert "JETSON_JETPACK" in problem["message"] and "JETSON_JETPACK=6" in problem["fix"]
    told = probe(cli, daemon, probe_images.ollama(daemon.client(), jetpack="6")).data()
    assert told["verdict"] == "ok" and told["facts"]["jetson_jetpack"] == "6"


def test_the_time_limit_ends_a_probe_that_hangs(cli, daemon):
    result = probe(cli, daemon, probe_images.sleepy(daemon.client()), "--timeout", "2")
    assert result.exit_code == 1
    data = result.data()
    assert data["timed_out"] is True and data["ran"] is False and data["container_removed"] is True
    assert data["duration_s"] < 6
    assert "did not finish within 2 s" in result.errors()[0]["message"]


def test_human_output_names_facts_and_fix(cli, daemon):
    image = probe_images.stub(daemon.client())
    result = cli("probe", image, "--facts", str(ORIN), env={"DOCKER_HOST": daemon.docker_host})
    assert result.exit_code == 1
    assert f"{image}: gpu_runtime_missing" in result.stdout
    assert "libcuda   /usr/lib/aarch64-linux-gnu/libcuda.so.1 -> /usr/local/cuda/lib64/stubs/libcuda.so (stub)" \
        in result.stdout
    assert "fix: " in result.stdout


def test_a_daemon_without_the_nvidia_runtime(cli, docker_client):
    """This host's own daemon has no `nvidia` runtime: the daemon's refusal is the finding."""
    image = probe_images.bare(docker_client)
    result = cli("probe", image, "--facts", str(ORIN), "--json")
    assert result.exit_code == 1
    (error,) = result.errors()
    assert error["class"] == "gpu_runtime_missing" and "nvidia" in error["message"]
    assert docker_client.containers.list(all=True, filters={"label": [f"{labels.MANAGED}=1",
                                                                       f"{labels.BACKEND}=image"]}) == []


def test_an_image_the_daemon_lacks_is_not_pulled(cli, docker_client):
    result = cli("probe", "jetllm-test/probe-absent:never", "--json")
    assert result.exit_code == 1
    (error,) = result.errors()
    assert error["class"] == "image_pull_failed" and "is not here" in error["message"]
    assert "docker load" in error["fix"]


def test_bringup_ends_a_non_starter_before_any_model_load(cli, daemon, tmp_path):
    """bringup probes the candidate's image first: no libcuda ends it with no backend started,
    and the report shows what the probe saw."""
    image = probe_images.bare(daemon.client())
    profile = yaml.safe_load(FIXTURE_PROFILE.read_text())
    profile["name"] = "fakellm-probed"
    profile["images"] = {"jetson": [{"image": image, "l4t": "36.4"}]}
    profile_file = tmp_path / "fakellm-probed.yaml"
    profile_file.write_text(yaml.safe_dump(profile))
    # The Orin's facts, on this machine's architecture (the fixture images are built for it).
    facts = json.loads(ORIN.read_text())
    facts["platform"]["arch"] = platform.machine()
    facts_file = tmp_path / "facts.json"
    facts_file.write_text(json.dumps(facts))
    out = tmp_path / "report"
    result = cli("bringup", "--profile", str(profile_file), "--facts", str(facts_file), "--out", str(out),
                 "--json", env={"DOCKER_HOST": daemon.docker_host})
    assert result.exit_code == 1, result.stderr
    (candidate,) = result.data()["candidates"]
    assert candidate["verdict"] == "failed" and candidate["diagnosis"]["class"] == "gpu_runtime_missing"
    (attempt,) = candidate["attempts"]
    assert attempt["container_started"] is False  # the model was never loaded
    assert attempt["probe"]["facts"]["libcuda"] is None
    assert "no libcuda.so.1" in candidate["diagnosis"]["cause"]
    markdown = (out / "report.md").read_text()
    assert f"Probe of `{image}` before the first model load: gpu_runtime_missing" in markdown
    assert "libcuda   none" in markdown
    assert daemon.client().containers.list(all=True, filters={"label": f"{labels.MANAGED}=1"}) == []


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_mid_probe_removes_its_container(daemon, signum):
    client = daemon.client()
    image = probe_images.sleepy(client)
    process = start_jetllm("probe", image, "--facts", str(ORIN), "--timeout", "60", "--json",
                           env={"DOCKER_HOST": daemon.docker_host})
    deadline = time.monotonic() + 30
    running: list = []
    for _ in range(300):  # until the probe's container runs (bounded by count and time)
        running = client.containers.list(filters={"label": f"{labels.PROBE}=1"})
        if running or time.monotonic() > deadline or process.poll() is not None:
            break
        time.sleep(0.1)
    assert running, "the probe's container never ran"
    process.send_signal(signum)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert json.loads(stdout)["status"] == "interrupted"
    assert client.containers.list(all=True, filters={"label": f"{labels.MANAGED}=1"}) == []


def test_a_profile_is_probed_with_its_image_for_this_platform(cli, daemon, tmp_path):
    image = probe_images.jetson(daemon.client())
    profile = yaml.safe_load(FIXTURE_PROFILE.read_text())
    profile["name"] = "fakellm-jetson"
    profile["images"] = {"cpu": [{"image": "example/not-this:1"}], "jetson": [{"image": image, "l4t": "36.4"}]}
    path = tmp_path / "fakellm-jetson.yaml"
    path.write_text(yaml.safe_dump(profile))
    result = cli("probe", "--profile", str(path), "--facts", str(ORIN), "--json",
                 env={"DOCKER_HOST": daemon.docker_host})
    assert result.exit_code == 0, result.stdout
    data = result.data()
    assert data["image"] == image and data["backend"] == "fakellm-jetson" and data["gpu"] == "runtime"
    assert data["verdict"] == "ok"
