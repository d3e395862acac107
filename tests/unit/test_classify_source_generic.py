"""Every shipped signature says where its wording comes from; generic.yaml's wordings as programs print them."""

from __future__ import annotations

import re

import pytest

from jetllm.classify import FailureClass, classify_text
from jetllm.classify.catalog import default_catalog

# A source names a file (a source file, header, script or library) or a release (a version,
# `@ ref`), or says the program is closed source or that no one source holds the wording.
_FILE = re.compile(r"\b[\w-]+\.(?:py|go|c|cc|cpp|h|hpp|cu|cuh|rs|sh|ya?ml|md|json|so)\b|\bdocs\.[\w.]+/")
_RELEASE = re.compile(r"@ ?\S|\d+\.(?:\d+|x)\b|\bR\d{2}\b")
_STATED = re.compile(r"closed source|no single source")


def test_every_shipped_signature_names_a_source_with_a_file_or_release() -> None:
    missing = [
        f"{sig.file}:{sig.id}"
        for sig in default_catalog().signatures
        if not sig.source or not (_FILE.search(sig.source) or _RELEASE.search(sig.source) or _STATED.search(sig.source))
    ]
    assert missing == []


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Error: timed out waiting for llama runner to start - progress 0.00 - ", FailureClass.STARTUP_TIMEOUT),
        ("bash: line 1:    42 Segmentation fault      (core dumped) ./llama-server -m m.gguf", FailureClass.UNKNOWN),
        ("[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x7f00]", FailureClass.UNKNOWN),
        ("Traceback (most recent call last):", FailureClass.UNKNOWN),
        ("Fatal Python error: Aborted", FailureClass.UNKNOWN),
        ("terminate called after throwing an instance of 'std::runtime_error'", FailureClass.UNKNOWN),
        ("RuntimeError: Engine core initialization failed. See root cause above. Failed core proc(s): {}",
         FailureClass.UNKNOWN),
        ("INFO:     Uvicorn running on http://0.0.0.0:8000 (Press CTRL+C to quit)", FailureClass.NONE),
        ("INFO:     Application startup complete.", FailureClass.NONE),
        ("[2025-01-01 10:00:00] The server is fired up and ready to roll!", FailureClass.NONE),
        ("main: server is listening on http://0.0.0.0:8080 - starting the main loop", FailureClass.NONE),
        ("srv  llama_server: listening on http://127.0.0.1:8080", FailureClass.NONE),
        ('time=2025-06-01T10:00:00Z level=INFO source=routes.go:1234 msg="Listening on [::]:11434 (version 0.9.0)"',
         FailureClass.NONE),
    ],
)  # fmt: skip
def test_generic_wordings(line: str, expected: FailureClass) -> None:
    d = classify_text(line + "\n")
    assert (d.failure_class, d.signature != "no-evidence") == (expected, True)
