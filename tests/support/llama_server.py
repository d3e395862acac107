"""Test tooling for the real backend: llama.cpp's `llama-server`, built from
the llama-cpp-python source distribution (which vendors llama.cpp, server
included), packed FROM scratch into an image, and a tiny GGUF model for it.

Everything is cached by what it is made from, so a second run reuses it in
seconds:

- the sdist: `<cache>/sdist/`, fetched once with `pip download`;
- the binary: `<cache>/llama-server/<key>/llama-server`, where key hashes the
  sdist, the CMake flags and the source of the build steps;
- the image: `jetllm-test/llama-server:<key>` (the binary's key plus the
  Dockerfile), looked up in the daemon before anything is built;
- the model: `<cache>/models/<key>/tiny-llama.gguf`, where key hashes the
  vocabulary file it takes its tokenizer from and the model's recipe.

The cache lives in $JETLLM_TEST_CACHE, or ~/.cache/jetllm-tests.

Run `python -m tests.support.llama_server` to build (or find) both and print
them.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import io
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np

from tests.support.network import without_proxy

LLAMA_CPP_PYTHON_VERSION = "0.3.36"
SDIST_NAME = f"llama_cpp_python-{LLAMA_CPP_PYTHON_VERSION}.tar.gz"
VENDOR = "vendor/llama.cpp"
IMAGE_REPOSITORY = "jetllm-test/llama-server"
SERVER_PATH = "/app/llama-server"
BUILD_JOBS = int(os.environ.get("JETLLM_TEST_BUILD_JOBS", "2"))

# A static, portable (no -march=native), network-free CPU build. OpenMP off:
# the static link fails on libgomp.so otherwise. The UI is neither built
# (needs npm) nor downloaded (no network in tests).
CMAKE_FLAGS: tuple[str, ...] = (
    "-DCMAKE_BUILD_TYPE=Release",
    "-DBUILD_SHARED_LIBS=OFF",
    "-DCMAKE_EXE_LINKER_FLAGS=-static",
    "-DGGML_NATIVE=OFF",
    "-DGGML_OPENMP=OFF",
    "-DLLAMA_CURL=OFF",
    "-DLLAMA_OPENSSL=OFF",
    "-DLLAMA_BUILD_SERVER=ON",
    "-DLLAMA_BUILD_TESTS=OFF",
    "-DLLAMA_BUILD_EXAMPLES=OFF",
    "-DLLAMA_BUILD_UI=OFF",
    "-DLLAMA_USE_PREBUILT_UI=OFF",
)

DOCKERFILE = f"""FROM scratch
COPY llama-server {SERVER_PATH}
COPY tmp /tmp
ENV PATH=/app
ENTRYPOINT ["{SERVER_PATH}"]
"""


T = TypeVar("T")
Say = Callable[[str], None]  # where progress lines go (pytest: the terminal, past its capture)
HEARTBEAT_S = 60.0  # the longest a build stays silent: one file compiles for minutes
_PROGRESS = re.compile(r"\[\s*(?:(\d+)%|(\d+)/(\d+))\]")  # make's [ 45%], ninja's [120/267]


def cache_dir() -> Path:
    root = os.environ.get("JETLLM_TEST_CACHE") or Path.home() / ".cache" / "jetllm-tests"
    path = Path(root)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _log(message: str) -> None:
    print(f"[llama-server tooling] {message}", file=sys.stderr, flush=True)


def follow_build(build: Callable[[], T], log: Path, say: Say = _log,
                 heartbeat: float = HEARTBEAT_S, poll: float = 1.0) -> T:
    """Run `build` (which writes its output to `log`) in a worker thread, and
    meanwhile say each line where the build's percentage moves (make's
    `[ 45%] Building ...`), and a line after every `heartbeat` seconds
    without one. Returns what `build` returns, or raises what it raised."""
    started = last_said = time.monotonic()
    percent, offset, partial, last_line = -1, 0, "", ""
    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(build)
        while True:
            finished = bool(wait([future], timeout=poll).done)
            try:
                with log.open("rb") as handle:
                    handle.seek(offset)
                    chunk = handle.read()
            except FileNotFoundError:
                chunk = b""
            offset += len(chunk)
            *lines, partial = (partial + chunk.decode(errors="replace")).split("\n")
            for line in lines:
                last_line = line.strip() or last_line
                found = _PROGRESS.match(line.strip())
                if not found:
                    continue
                done, of = found.group(2, 3)
                now = int(found.group(1)) if found.group(1) else 100 * int(done) // max(int(of), 1)
                if now != percent:
                    percent = now
                    say(line.strip())
                    last_said = time.monotonic()
            if finished:
                return future.result()
            if time.monotonic() - last_said >= heartbeat:
                elapsed = int(time.monotonic() - started)
                say(f"still building, {elapsed // 60}m{elapsed % 60:02d}s so far (last: {last_line or 'no output yet'})")
                last_said = time.monotonic()


@functools.lru_cache(maxsize=8)
def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _key(*parts: str | bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() if isinstance(part, str) else part)
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def _source_of(*functions: Callable[..., object]) -> str:
    return "\n".join(inspect.getsource(function) for function in functions)


def fetch_sdist(cache: Path | None = None, say: Say = _log) -> Path:
    """The llama-cpp-python sdist, downloaded once from PyPI with pip."""
    target_dir = (cache or cache_dir()) / "sdist"
    target = target_dir / SDIST_NAME
    if target.is_file():
        return target
    target_dir.mkdir(parents=True, exist_ok=True)
    say(f"downloading llama-cpp-python=={LLAMA_CPP_PYTHON_VERSION} (sdist) with pip")
    with tempfile.TemporaryDirectory(dir=target_dir) as tmp:
        # The one download the suite makes: the harness fetching its own build input,
        # not jetllm. So pip runs without the proxy variables that lead every CLI
        # subprocess to the suite's refusing proxy (tests/support/network.py).
        subprocess.run(
            [
                sys.executable, "-m", "pip", "download", "--disable-pip-version-check",
                "--no-deps", "--no-binary", "llama-cpp-python",
                f"llama-cpp-python=={LLAMA_CPP_PYTHON_VERSION}", "-d", tmp,
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            env=without_proxy(),
        )
        os.replace(Path(tmp) / SDIST_NAME, target)
    return target


def _extract(sdist: Path, dest: Path, members_under: str) -> Path:
    """Extract the files under `members_under` (relative to the sdist's top
    directory) into dest; return that directory inside dest."""
    prefix = f"{SDIST_NAME.removesuffix('.tar.gz')}/{members_under}"
    with tarfile.open(sdist) as tar:
        members = [m for m in tar.getmembers() if m.name.startswith(prefix)]
        tar.extractall(dest, members=members, filter="data")
    return dest / prefix


def _compile(source: Path, build: Path, jobs: int, log: Path) -> Path:
    with log.open("w") as out:
        subprocess.run(
            ["cmake", "-S", str(source), "-B", str(build), *CMAKE_FLAGS],
            check=True, stdout=out, stderr=subprocess.STDOUT,
        )
        subprocess.run(
            ["cmake", "--build", str(build), "--target", "llama-server", "-j", str(jobs)],
            check=True, stdout=out, stderr=subprocess.STDOUT,
        )
    binary = build / "bin" / "llama-server"
    if not binary.is_file():
        raise RuntimeError(f"the build finished without {binary}")
    return binary


def server_key(sdist: Path) -> str:
    return _key(_sha256_file(sdist), *CMAKE_FLAGS, _source_of(_extract, _compile))


def build_server(sdist: Path, cache: Path | None = None, jobs: int = BUILD_JOBS, say: Say = _log) -> Path:
    """The static llama-server binary, built once per server_key, its progress
    said as it goes."""
    root = cache or cache_dir()
    target = root / "llama-server" / server_key(sdist) / "llama-server"
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    log = target.parent / "build.log"
    log.unlink(missing_ok=True)  # a failed build's log would be followed as this one's
    say(f"building llama-server from {sdist.name} with -j{jobs} (about ten minutes on two cores; log: {log})")
    started = time.monotonic()
    with tempfile.TemporaryDirectory(dir=root) as tmp:
        source = _extract(sdist, Path(tmp) / "src", VENDOR)
        try:
            binary = follow_build(lambda: _compile(source, Path(tmp) / "build", jobs, log), log, say)
        except subprocess.CalledProcessError as exc:
            tail = "\n".join(log.read_text(errors="replace").splitlines()[-40:])
            raise RuntimeError(f"llama-server build failed ({exc}); last lines:\n{tail}") from exc
        staged = target.with_suffix(".part")
        shutil.copy2(binary, staged)
        os.replace(staged, target)
    say(f"built llama-server in {time.monotonic() - started:.0f}s ({target.stat().st_size >> 20} MiB)")
    return target


def image_tag(sdist: Path) -> str:
    return f"{IMAGE_REPOSITORY}:{_key(server_key(sdist), DOCKERFILE)}"


def image_exists(client: object, tag: str) -> bool:
    import docker

    assert isinstance(client, docker.DockerClient)
    try:
        client.images.get(tag)
    except docker.errors.ImageNotFound:
        return False
    return True


def server_image(client: object, sdist: Path, cache: Path | None = None, say: Say = _log) -> str:
    """`jetllm-test/llama-server:<key>` FROM scratch with the static binary;
    reused when the daemon already has it (the binary is not even needed then)."""
    tag = image_tag(sdist)
    if image_exists(client, tag):
        return tag
    binary = build_server(sdist, cache, say=say).read_bytes()
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, content, mode in (("Dockerfile", DOCKERFILE.encode(), 0o644), ("llama-server", binary, 0o755)):
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(content), mode
            tar.addfile(info, io.BytesIO(content))
        tmp = tarfile.TarInfo("tmp")
        tmp.type, tmp.mode = tarfile.DIRTYPE, 0o1777
        tar.addfile(tmp)
    buffer.seek(0)
    client.images.build(fileobj=buffer, custom_context=True, tag=tag, rm=True, forcerm=True)  # type: ignore[attr-defined]
    return tag


# The tiny model: a llama with two layers, 64 wide, random weights (fixed
# seed), and the real SentencePiece tokenizer of llama.cpp's vocab-only test
# file. It claims a 131072-token trained context, as current models do, so a
# memory-limited bring-up has something to search down from.
VOCAB_FILE = "models/ggml-vocab-llama-spm.gguf"
TINY_MODEL_NAME = "tiny-llama.gguf"
CHATML_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)


@dataclass(frozen=True)
class TinyShape:
    layers: int = 2
    width: int = 64
    heads: int = 4
    feed_forward: int = 128
    context: int = 131072
    seed: int = 6


def _write_tiny_model(vocab: Path, target: Path, shape: TinyShape) -> None:
    from gguf import GGMLQuantizationType, GGUFReader, GGUFValueType, GGUFWriter, LlamaFileType

    reader = GGUFReader(vocab)
    writer = GGUFWriter(target, "llama")
    writer.add_name("jetllm tiny llama (random weights)")
    writer.add_context_length(shape.context)
    writer.add_embedding_length(shape.width)
    writer.add_block_count(shape.layers)
    writer.add_feed_forward_length(shape.feed_forward)
    writer.add_head_count(shape.heads)
    writer.add_head_count_kv(shape.heads)
    writer.add_rope_dimension_count(shape.width // shape.heads)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_file_type(LlamaFileType.ALL_F32)
    for name, field in reader.fields.items():
        if not name.startswith("tokenizer."):
            continue
        kind = GGUFValueType(field.types[0])
        sub = GGUFValueType(field.types[1]) if kind == GGUFValueType.ARRAY else None
        writer.add_key_value(name, field.contents(), kind, sub)
    writer.add_chat_template(CHATML_TEMPLATE)
    vocab_size = len(reader.fields["tokenizer.ggml.tokens"].contents())

    rng = np.random.default_rng(shape.seed)

    def weight(rows: int, cols: int) -> np.ndarray:
        values: np.ndarray = (rng.standard_normal((rows, cols)) / np.sqrt(cols)).astype(np.float32)
        return values

    ones = np.ones(shape.width, dtype=np.float32)
    writer.add_tensor("token_embd.weight", weight(vocab_size, shape.width), raw_dtype=GGMLQuantizationType.F32)
    writer.add_tensor("output_norm.weight", ones)
    for i in range(shape.layers):
        block = f"blk.{i}"
        writer.add_tensor(f"{block}.attn_norm.weight", ones)
        for part in ("attn_q", "attn_k", "attn_v", "attn_output"):
            writer.add_tensor(f"{block}.{part}.weight", weight(shape.width, shape.width))
        writer.add_tensor(f"{block}.ffn_norm.weight", ones)
        writer.add_tensor(f"{block}.ffn_gate.weight", weight(shape.feed_forward, shape.width))
        writer.add_tensor(f"{block}.ffn_up.weight", weight(shape.feed_forward, shape.width))
        writer.add_tensor(f"{block}.ffn_down.weight", weight(shape.width, shape.feed_forward))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def tiny_model(sdist: Path, cache: Path | None = None, shape: TinyShape = TinyShape()) -> Path:
    """The tiny GGUF model, written once per (vocab file, recipe)."""
    root = cache or cache_dir()
    recipe = (repr(shape), VOCAB_FILE, CHATML_TEMPLATE, _source_of(_write_tiny_model))
    target = root / "models" / _key(_sha256_file(sdist), *recipe) / TINY_MODEL_NAME
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=root) as tmp:
        vocab = _extract(sdist, Path(tmp), f"{VENDOR}/{VOCAB_FILE}")
        staged = target.with_suffix(".part")
        _write_tiny_model(vocab, staged, shape)
        os.replace(staged, target)
    return target


def main() -> None:
    import docker

    started = time.monotonic()
    sdist = fetch_sdist()
    image = server_image(docker.from_env(timeout=300), sdist)
    model = tiny_model(sdist)
    print(f"image {image}")
    print(f"model {model} ({model.stat().st_size >> 20} MiB)")
    print(f"ready in {time.monotonic() - started:.1f}s")


if __name__ == "__main__":
    main()
