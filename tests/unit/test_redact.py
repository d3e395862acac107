"""Redaction: secrets by name, by value and by shape, masked wherever text goes;
ordinary log text left alone; a cut never leaves a secret's prefix."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from jetllm.core.limits import LOG_LINE_MAX_CHARS as MAX_LINE_CHARS
from jetllm.core.redact import (
    Redactor,
    args_without_secrets,
    clip,
    env_without_secrets,
    is_secret_name,
    secret_args,
)
from jetllm.core.spec import ModelPullSpec
from jetllm.runtime.logtail import LogTail
from jetllm.runtime.model_pull import ModelPullFailed, pull_model
from jetllm.smoke.chat import SmokeFailed, chat
from jetllm.smoke.sse import BadStream, events

# Real formats, built here so that no scanner takes this file for a leak.
ALNUM = "aB3dE5gH7jK9mN1pQ2rS4tU6vW8xY0zC"  # 32 characters
OPENAI_LEGACY = "sk-" + ALNUM[:20] + "T3BlbkFJ" + ALNUM[-20:]
OPENAI_PROJECT = "sk-proj-" + (ALNUM * 3)[:74] + "T3BlbkFJ" + (ALNUM * 3)[-74:]
HF = "hf_" + "AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEfGh"  # hf_ and 34 letters
GITHUB = {p: p + (ALNUM + "Zz9y")[:36] for p in ("ghp_", "gho_", "ghu_", "ghs_", "ghr_")}
GITHUB_FINE = "github_pat_11" + ALNUM[:20] + "_" + (ALNUM * 2)[:59]
GITLAB = "glpat-" + ALNUM[:20]
AWS_KEY_ID = "AKIA" + "IOSFODNN7EXAMPLE"
SLACK = ["xoxb-" + "1234567890-1234567890123-" + ALNUM[:24], "xoxp-1234567890-1234567890-1234567890-" + ALNUM,
         "xoxa-2-" + ALNUM, "xoxr-" + ALNUM]
JWT = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvZSJ9."
       "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c")

WHOLE_TOKENS = [OPENAI_LEGACY, OPENAI_PROJECT, HF, *GITHUB.values(), GITHUB_FINE, GITLAB, AWS_KEY_ID, *SLACK, JWT]


@pytest.mark.parametrize("token", WHOLE_TOKENS, ids=lambda t: t[:7])
def test_each_token_format_is_masked_wherever_it_stands(token: str) -> None:
    redact = Redactor()
    for line in (f"INFO using {token} now", f'{{"value": "{token}"}}', f"value={token};", token):
        masked = redact(line)
        assert token not in masked and "***" in masked, line
        assert masked == line.replace(token, "***")


@pytest.mark.parametrize(("line", "expected"), [
    ("Authorization: Bearer abcdef123456789", "Authorization: Bearer ***"),
    ("authorization: Basic dXNlcjpwYXNzd29yZA==", "authorization: Basic ***"),
    ('"Authorization": "tok-123456789"', '"Authorization": "***"'),
    ("exec server --api-key s3cr3tvalue --port 8000", "exec server --api-key *** --port 8000"),
    ("exec server --api-key=s3cr3tvalue", "exec server --api-key=***"),
    ("exec server --api_key s3cr3tvalue", "exec server --api_key ***"),
    ("exec server --token s3cr3tvalue", "exec server --token ***"),
    ("exec server --hf-token 'quoted-s3cr3t'", "exec server --hf-token '***'"),
    ("fetching https://alice:pa55w0rd@registry.example/v2/", "fetching https://alice:***@registry.example/v2/"),
    ("WANDB_KEY=0123abcd4567", "WANDB_KEY=***"),
    ("OPENAI_KEY: plainvalue", "OPENAI_KEY: ***"),
    ("non-default args: {'model': 'tiny', 'api_key': ['plainvalue']}",
     "non-default args: {'model': 'tiny', 'api_key': ['***']}"),
    ("model: x api_key=plainvalue", "model: x api_key=***"),
    ("db_password=hunter22 apiKey: zzzz9999", "db_password=*** apiKey: ***"),
])
def test_secrets_by_header_flag_url_and_name(line: str, expected: str) -> None:
    assert Redactor()(line) == expected


ORDINARY = [
    "INFO 11-12 10:00:03 Avg prompt throughput: 12.5 tokens/s, generated 512 tokens",
    "max_tokens=512 prompt_tokens: 17 completion_tokens: 7 total_tokens: 24",
    "token count: 42, token budget 8192",
    "print_info: BOS token        = 151643 '<|endoftext|>'",
    "print_info: EOT token = 151645 '<|im_end|>'",
    "pad_token: [PAD] unk_token: <unk>",
    "tokenizer.ggml.eos_token_id u32 = 151645",
    "Using a slow tokenizer; tokenizer_mode=auto",
    "TOKENIZERS_PARALLELISM=false HF_HUB_ENABLE_HF_TRANSFER=1",
    "hf_transfer is not installed; hf_hub_download falls back",
    "exec server --max-num-batched-tokens 8192 --token-delay 0.05 --max-tokens 256",
    "Pass --api-key or set it in the environment",
    "pulling sha256:4f6b1c6e3a0d2b9e8f7a6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a",
    "commit 3f2a1b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a built 2025-11-12T10:00:03Z",
    "request 123e4567-e89b-12d3-a456-426614174000 served in 0.2 s",
    "Uvicorn running on http://0.0.0.0:8000 (Press CTRL+C to quit)",
    "Loading safetensors checkpoint shards: 100% | 4/4 [00:02<00:00, 1.9it/s]",
    "key: model.layers.0.self_attn.q_proj.weight",
    "cannot read /tmp/logs/secret.log: permission denied",
    "RuntimeError: NVML_SUCCESS == r INTERNAL ASSERT FAILED at CUDACachingAllocator.cpp:1131",
]


@pytest.mark.parametrize("line", ORDINARY)
def test_ordinary_log_text_is_left_alone(line: str) -> None:
    assert Redactor()(line) == line


def test_secret_names_one_rule() -> None:
    secret = ["HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "WANDB_KEY", "OPENAI_KEY", "OPENAI_API_KEY", "NGC_API_KEY",
              "AWS_ACCESS_KEY", "AWS_SECRET_ACCESS_KEY", "DB_PASSWORD", "MY_PASSWD", "SMTP_PASS", "GITHUB_PAT",
              "GOOGLE_APPLICATION_CREDENTIALS", "CLIENT_SECRET", "apiKey", "accessToken", "--api-key",
              "--api_key", "--token", "--hf-token", "APIKEY"]
    plain = ["TOKENIZERS_PARALLELISM", "MAX_TOKENS", "TOKEN_DELAY", "--token-delay", "--max-num-batched-tokens",
             "--tokenizer", "KEY", "PATH", "PWD", "MONKEY", "--api-key-file", "HF_HOME", "max_tokens",
             "SECRET_NAME", "PASSWORD_FILE", "secret.log", "HF_TOKEN_PATH"]
    assert [n for n in secret if not is_secret_name(n)] == []
    assert [n for n in plain if is_secret_name(n)] == []


def test_values_of_secret_env_and_flags_are_found() -> None:
    assert secret_args(["--model", "m", "--api-key", "plain-value", "--token=other-value", "--port", "1"]) == {
        "JETLLM_API_KEY": "plain-value", "JETLLM_TOKEN": "other-value"}
    assert args_without_secrets(["--model", "m", "--api-key", "plain-value", "--token=other-value", HF]) == [
        "--model", "m", "--api-key", "${JETLLM_API_KEY}", "--token=${JETLLM_TOKEN}", "***"]
    env = {"WANDB_KEY": "w-value", "LOG": "INFO", "NOTE": OPENAI_LEGACY, "TOKENIZERS_PARALLELISM": "false"}
    assert env_without_secrets(env) == {"WANDB_KEY": "${WANDB_KEY}", "LOG": "INFO", "NOTE": "${NOTE}",
                                        "TOKENIZERS_PARALLELISM": "false"}


def test_a_cut_never_leaves_a_prefix() -> None:
    known = "Zy9" * 10  # a secret known by value, shaped like nothing
    for secret, redact in ((known, Redactor([known])), (JWT, Redactor()), (HF, Redactor())):
        line = "x " * (MAX_LINE_CHARS // 2 - 5) + secret + " and more"
        assert line.index(secret) < MAX_LINE_CHARS < line.index(secret) + len(secret)
        tail = LogTail(redact)
        tail.add(line)
        kept = tail.lines()[0]
        assert len(kept) <= MAX_LINE_CHARS and secret[:6] not in kept, kept[-40:]
        assert secret[:6] not in clip(line, MAX_LINE_CHARS, redact)
    assert clip("short line", 100) == "short line"
    assert clip("words and a longword", 15) == "words and a…"


@pytest.fixture
def refusing_server() -> Iterator[tuple[str, list[bytes]]]:
    """A server on 127.0.0.1 that answers every request HTTP 500 with the body the test sets."""
    body: list[bytes] = [b""]

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(500)
            self.send_header("Content-Length", str(len(body[0])))
            self.end_headers()
            self.wfile.write(body[0])

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", body
    finally:
        server.shutdown()
        server.server_close()


def test_a_servers_answer_is_redacted_before_it_is_cut(refusing_server: tuple[str, list[bytes]]) -> None:
    url, body = refusing_server
    with pytest.raises(BadStream) as bad:
        list(events(["data: {not json " + "x " * 50 + JWT]))  # the 120-character cut falls inside it
    body[0] = ("upstream said: " + "y " * 85 + JWT).encode()  # the 200-character cut falls inside it
    with pytest.raises(SmokeFailed) as smoke:
        chat(url + "/v1", model="m", timeout_s=5)
    with pytest.raises(ModelPullFailed) as pull:
        pull_model(url, ModelPullSpec(path="/api/pull"), "m", lambda event: None)
    for message in (str(bad.value), str(smoke.value), str(pull.value)):
        assert JWT[:8] not in message, message


def test_an_error_that_quotes_an_argument_masks_its_secret(jetllm) -> None:
    for extra in ([], ["--json"]):
        result = jetllm("try", "vllm", "--model", "https://bob:pa55-w0rd-9@models.example/m.gguf", *extra)
        assert result.exit_code == 2 and "bob:***@models.example" in result.stderr + result.stdout
        assert "pa55-w0rd-9" not in result.stderr + result.stdout


@pytest.mark.parametrize("line", ["a-" * 20000, "a." * 20000, "a:" * 20000, "a://b/" * 7000, "token:" * 7000],
                         ids=["dashes", "dots", "colons", "urls", "names"])
def test_no_line_costs_more_than_linear_time(line: str) -> None:
    """A log line is redacted whole before it is cut: a long one must not stall the attempt."""
    import time

    start = time.perf_counter()
    Redactor(["some-known-value"])(line)
    assert time.perf_counter() - start < 2.0


def test_an_error_names_a_secret_field_unmasked(jetllm, tmp_path) -> None:
    profile = tmp_path / "p.yaml"
    text = (Path(__file__).parents[1] / "fixtures" / "backends" / "fakellm.yaml").read_text()
    profile.write_text(text.replace("secret_env: [HF_TOKEN]", "secret_env: [HF_TOKEN]\nenv: {WANDB_KEY: '{nosuch}'}"))
    result = jetllm("try", "--profile", str(profile))
    assert result.exit_code == 2
    assert "field 'env.WANDB_KEY': unknown knob '{nosuch}'" in result.stderr
