"""The classifier's data files: each loads, bad ones fail with file and field, and
every class of failure-classes.md has signatures for the backends that print it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from jetllm.classify.catalog import DATA_DIR, default_catalog, load_catalog, required_literal
from jetllm.core.diagnosis import FailureClass
from jetllm.core.errors import ShippedFileError

SIGNATURE_FILES = sorted((DATA_DIR / "signatures").glob("*.yaml"))

# Which backends must have a signature for each class (what each backend prints).
REQUIRED = {
    FailureClass.DRIVER_TOO_OLD: {"nvidia-container-toolkit", "pytorch", "vllm", "llama.cpp", "ollama", "sglang", "tensorrt-llm"},
    FailureClass.GPU_RUNTIME_MISSING: {"docker", "nvidia-container-toolkit", "pytorch", "vllm", "llama.cpp", "ollama", "sglang", "tensorrt-llm"},
    FailureClass.CUDA_ALLOCATOR_ASSERT: {"pytorch", "vllm", "sglang", "tensorrt-llm"},
    FailureClass.GPU_OOM: {"pytorch", "vllm", "llama.cpp", "ollama", "sglang", "tensorrt-llm"},
    FailureClass.KV_CACHE_INSUFFICIENT: {"vllm", "llama.cpp", "ollama", "sglang", "tensorrt-llm"},
    FailureClass.HOST_OOM_KILLED: {"ollama", "vllm", "sglang", "pytorch"},
    FailureClass.ARCH_MISMATCH: {"docker"},
    FailureClass.UNSUPPORTED_GPU: {"pytorch", "vllm", "llama.cpp", "ollama", "sglang", "tensorrt-llm"},
    FailureClass.UNSUPPORTED_MODEL: {"vllm", "llama.cpp", "ollama", "sglang", "tensorrt-llm"},
    FailureClass.MODEL_UNAVAILABLE: {"huggingface-hub", "vllm", "ollama", "llama.cpp", "sglang", "tensorrt-llm"},
    FailureClass.IMAGE_PULL_FAILED: {"docker"},
    FailureClass.DISK_FULL: {"docker", "huggingface-hub"},
    FailureClass.PORT_IN_USE: {"docker"},
    FailureClass.DOCKER_UNAVAILABLE: {"docker"},
    FailureClass.LIBRARY_MISMATCH: {"tensorrt-llm", "ollama", "llama.cpp"},
    FailureClass.STARTUP_TIMEOUT: {"ollama", "vllm", "sglang", "tensorrt-llm"},
}


@pytest.mark.parametrize("path", SIGNATURE_FILES, ids=lambda p: p.name)
def test_each_signature_file_loads_alone(path: Path, tmp_path: Path) -> None:
    (tmp_path / "signatures").mkdir()
    shutil.copy(DATA_DIR / "classes.yaml", tmp_path)
    shutil.copy(path, tmp_path / "signatures")
    assert load_catalog(tmp_path).signatures


@pytest.mark.parametrize(("failure_class", "backends"), REQUIRED.items(), ids=lambda v: str(v)[:30])
def test_every_class_has_signatures_for_its_backends(failure_class: FailureClass, backends: set[str]) -> None:
    covered: set[str] = set()
    for sig in default_catalog().signatures:
        if failure_class in (sig.failure_class, sig.jetson_class):
            covered |= {b for b in sig.backends if b != "any"} if "any" not in sig.backends else set(backends)
    assert backends <= covered, f"{failure_class.value}: no signature for {sorted(backends - covered)}"


def _catalog_with(tmp_path: Path, text: str) -> Path:
    (tmp_path / "signatures").mkdir()
    shutil.copy(DATA_DIR / "classes.yaml", tmp_path)
    (tmp_path / "signatures" / "bad.yaml").write_text(text)
    return tmp_path


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("- id: x\n  class: gpu_oomm\n  strength: 5\n  backends: [vllm]\n  source: 'a/b x.c @ v1'\n  patterns: ['out of memory']\n", "class"),
        ("- id: x\n  class: gpu_oom\n  strength: 500\n  backends: [vllm]\n  source: 'a/b x.c @ v1'\n  patterns: ['out of memory']\n", "strength"),
        ("- id: x\n  class: gpu_oom\n  strength: 5\n  backends: [nope]\n  source: 'a/b x.c @ v1'\n  patterns: ['out of memory']\n", "backends"),
        ("- id: x\n  class: gpu_oom\n  strength: 5\n  backends: [vllm]\n  source: 'a/b x.c @ v1'\n  patterns: ['out (of memory']\n", "patterns"),
        ("- id: x\n  class: gpu_oom\n  strength: 5\n  backends: [vllm]\n  source: 'a/b x.c @ v1'\n  patterns: ['a|b']\n", "patterns"),
        ("- id: x\n  class: gpu_oom\n  strength: 5\n  backends: [vllm]\n  source: 'a/b x.c @ v1'\n", "patterns"),
        ("- id: x\n  class: gpu_oom\n  strength: 5\n  backends: [vllm]\n  source: 'a/b x.c @ v1'\n  patterns: ['oom!']\n  colour: red\n", "colour"),
        ("- id: x\n  class: gpu_oom\n  strength: 5\n  backends: [vllm]\n  source: 'a/b x.c @ v1'\n  patterns: ['x']\n  cause: a: b\n", "not valid YAML"),
        ("- id: x\n  class: gpu_oom\n  strength: 5\n  backends: [vllm]\n  patterns: ['out of memory']\n", "source"),
    ],
)
def test_a_bad_signature_names_file_and_field(tmp_path: Path, text: str, names: str) -> None:
    with pytest.raises(ShippedFileError) as caught:
        load_catalog(_catalog_with(tmp_path, text))
    assert "bad.yaml" in caught.value.message and names in caught.value.message
    assert caught.value.message.startswith("internal error: shipped file ") and "\n" not in caught.value.message


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    entry = "- id: x\n  class: gpu_oom\n  strength: 5\n  backends: [vllm]\n  source: 'a/b x.c @ v1'\n  patterns: ['out of memory']\n"
    with pytest.raises(ShippedFileError, match="already used"):
        load_catalog(_catalog_with(tmp_path, entry * 2))


def test_adding_a_signature_needs_no_code(tmp_path: Path) -> None:
    from jetllm.classify.decide import decide
    from jetllm.classify.reader import blocks_from_lines
    from jetllm.classify.scan import scan

    root = _catalog_with(tmp_path, "- id: mlc_oom\n  class: gpu_oom\n  strength: 70\n  backends: [mlc-llm]\n  source: 'a/b x.c @ v1'\n  patterns: ['TVMError: [^\\n]*Insufficient GPU memory']\n")
    catalog = load_catalog(root)
    hits = scan(blocks_from_lines(["ok", "TVMError: Check failed: Insufficient GPU memory error"]), catalog)
    assert decide(hits, None, catalog, backend=None, jetson=False).failure_class is FailureClass.GPU_OOM


def test_required_literal() -> None:
    assert required_literal(r"cudaMalloc failed: out of memory") == "cudaMalloc failed: out of memory"
    assert required_literal(r"unable to allocate CUDA\d* buffer") == "unable to allocate CUDA"
    assert required_literal(r"a|b") is None


@pytest.mark.parametrize(
    ("pattern", "literal", "matching"),
    [
        (r"Traceback \(most recent call last\)", "Traceback (most recent call last)",
         ["Traceback (most recent call last):"]),
        (r"(?i)timed? ?out waiting for (?:the )?server", "out waiting for",
         ["Timeout waiting for server", "timed out waiting for the server"]),
        (r"requests? failed", "request", ["request failed", "requests failed"]),
        (r"errors{0,2}: x", "error", ["error: x", "errorss: x"]),
        (r"out of memory+ now", "out of memor", ["out of memoryyy now"]),
        (r"nvidia-smi[^\]]*\] (?:is|are) gone", "nvidia-smi", ["nvidia-smi [0] is gone"]),
        (r"\bENOSPC\b", "ENOSPC", ["write: ENOSPC"]),
        (r"docker\.service: (?:Failed|Start)", "docker.service:", ["docker.service: Failed"]),
        (r"cannot open (shared object|library) file", "cannot open", ["cannot open library file"]),
        (r"disk full|no space left", None, ["no space left"]),  # a top-level | : no literal
        (r"(?x) no \ space", None, ["no space"]),  # verbose mode: spaces are not literal
        (r"\x41llocation failed", None, ["Allocation failed"]),  # escapes not decoded
        (r"xa{2}bcdef{1,3}g", "bcde", ["xaabcdefffg"]),
    ],
)
def test_required_literal_is_in_every_match(pattern: str, literal: str | None, matching: list[str]) -> None:
    """The literal the prefilter looks for is in every line the regex matches; when
    the scan of the pattern is unsure it gives none rather than a wrong one."""
    found = required_literal(pattern)
    assert found == literal
    for text in matching:
        match = re.search(pattern, text)
        assert match, (pattern, text)
        if found is not None:
            assert found.lower() in match.group(0).lower()
