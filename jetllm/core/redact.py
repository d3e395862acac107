"""Secrets never leave jetllm: every log line, message and written file passes here.

One place for the three rules:
- by name: an env var, flag or key named like a secret (is_secret_name);
- by value: the values of secret env vars and secret flags, replaced outright;
- by shape: well-known token formats (SHAPES), wherever they appear.
Text is redacted before it is cut, and a cut drops the word it would split
(clip, window), so a cut never leaves a secret's prefix behind.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jetllm.core.spec import ContainerSpec

MASK = "***"
ELLIPSIS = "…"

# A name is split into lower-case words ("HF_TOKEN", "--api-key", "apiKey", "vllm.api_key").
# It is secret when its last word says so: WANDB_KEY, OPENAI_API_KEY, --hf-token,
# DB_PASS, CLIENT_SECRET, GOOGLE_APPLICATION_CREDENTIALS; not TOKEN_DELAY, MAX_TOKENS,
# --max-num-batched-tokens, TOKENIZERS_PARALLELISM, PASSWORD_FILE or secret.log.
# "key", "pass" and "pat" alone are no secret's name ("token", "password" alone are).
_LAST_WORDS = frozenset({"token", "secret", "secrets", "password", "passwd", "passphrase", "credential",
                         "credentials", "apikey", "accesskey", "secretkey", "privatekey"})
_LAST_OF_SEVERAL = frozenset({"key", "pass", "pat"})
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NOT_ALNUM = re.compile(r"[^A-Za-z0-9]+")


def name_words(name: str) -> list[str]:
    return [w.lower() for w in _NOT_ALNUM.split(_CAMEL.sub("_", name)) if w]


def is_secret_name(name: str) -> bool:
    words = name_words(name)
    return bool(words) and (words[-1] in _LAST_WORDS or (words[-1] in _LAST_OF_SEVERAL and len(words) > 1))


@dataclass(frozen=True, slots=True)
class Shape:
    """A token format: its `secret` group is masked. A shape with a `value` pattern
    is a name and a separator (`name` group): the value after it is masked when
    the name is a secret name and the value is no plain number."""

    what: str
    pattern: re.Pattern[str]
    value: re.Pattern[str] | None = None


# A value runs to the next space, quote or bracket; a ${NAME} reference is one value.
# Names are bounded ({0,63}), and a value is read only after a secret name, so
# that no line costs more than linear time.
_VALUE = r"(?:\$\{\w+\}|[^\s\"'`,;<>()\[\]{}]+)"
SHAPES: tuple[Shape, ...] = tuple(Shape(what, re.compile(pattern), re.compile(value) if value else None)
                                  for what, pattern, value in (
    # Formats as secret scanners (gitleaks) know them, with lengths a little looser.
    ("OpenAI key: sk-, sk-proj-, sk-svcacct-, sk-admin-",
     r"\b(?P<secret>sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,})", None),
    ("Hugging Face token: hf_ + 34 letters", r"\b(?P<secret>hf_[A-Za-z0-9]{20,})", None),
    ("Hugging Face organisation token", r"\b(?P<secret>api_org_[A-Za-z0-9]{20,})", None),
    ("GitHub token: ghp_, gho_, ghu_, ghs_, ghr_ + 36", r"\b(?P<secret>gh[pousr]_[A-Za-z0-9]{30,})", None),
    ("GitHub fine-grained token: github_pat_", r"\b(?P<secret>github_pat_[A-Za-z0-9_]{30,})", None),
    ("GitLab token: glpat-, gldt-, glrt-, ...",
     r"\b(?P<secret>gl(?:pat|dt|ptt|rt|cbt|ft|imt|oas|soat|agent)-[A-Za-z0-9_.-]{20,})", None),
    ("AWS access key id: AKIA, ASIA, ... + 16",
     r"\b(?P<secret>(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16})\b", None),
    ("Slack token: xoxb-, xoxa-, xoxp-, xoxr-, ...", r"\b(?P<secret>xox[abposre]-[A-Za-z0-9-]{10,})", None),
    ("JSON Web Token: eyJ....eyJ....",
     r"\b(?P<secret>eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*)", None),
    ("Bearer credentials", r"(?i)\bbearer\s+(?P<secret>[A-Za-z0-9._~+/-]{8,}=*)", None),
    ("Authorization header",
     r"(?i)\bauthorization[\"']?\s*[:=]\s*[\"']?(?:(?:basic|bearer|digest|token)\s+|(?!basic|bearer|digest|token))"
     r"(?P<secret>[^\s\"']{3,})", None),
    ("user:password@ in a URL", r"(?i)\b[a-z][a-z0-9+.-]{0,31}://[^\s/:@]+:(?P<secret>[^\s/@]+)@", None),
    ("a secret flag: --api-key VALUE, --token=VALUE",
     r"(?<![\w-])--?(?P<name>[A-Za-z][A-Za-z0-9_-]{0,63})(?:=|\s+)[\"']?", r"(?!-)" + _VALUE),
    ("a secret key=value or key: value",
     r"\b(?P<name>[A-Za-z][A-Za-z0-9_.-]{0,63})[\"']?\s*[:=]\s*(?:\[?[\"'])?", _VALUE),
))
_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")


def _kept(secret: str) -> bool:
    """Values that are no secret: masked already, a ${NAME} reference."""
    return secret.startswith((MASK, "${"))


def _masked(match: re.Match[str]) -> str:
    if _kept(match["secret"]):
        return match[0]
    start, end = (at - match.start() for at in match.span("secret"))
    return match[0][:start] + MASK + match[0][end:]


def _apply(shape: Shape, text: str) -> str:
    if shape.value is None:
        return shape.pattern.sub(_masked, text)
    # A name that is no secret's may be followed by one ("model: api_key=..."):
    # the search goes on right after the name, not after its value.
    out: list[str] = []
    pos = 0
    while (match := shape.pattern.search(text, pos)) is not None:
        value = shape.value.match(text, match.end()) if is_secret_name(match["name"]) else None
        if value is None or _kept(value[0]) or len(value[0]) < 4 or _NUMBER.fullmatch(value[0]):
            out.append(text[pos : match.end("name")])
            pos = match.end("name")
        else:
            out.append(text[pos : value.start()] + MASK)
            pos = value.end()
    out.append(text[pos:])
    return "".join(out)


def redact_shapes(text: str, *, named: bool = True) -> str:
    """`text` with token formats masked; `named`: also values after a secret name."""
    for shape in SHAPES:
        if named or shape.value is None:
            text = _apply(shape, text)
    return text


def looks_secret(text: str) -> bool:
    return redact_shapes(text) != text


class Redactor:
    """Masks the given secret values and anything shaped like a token."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        # Longest first, so that a secret containing another is masked whole.
        self._values = sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for value in self._values:
            text = text.replace(value, MASK)
        return redact_shapes(text)


# Where text is cut, a word the cut splits is dropped whole: a secret's start
# is no less a secret. A word here runs between spaces, quotes and separators.
WORD = r"[^\s\"'`,;]"
_LAST_WORD = re.compile(WORD + r"+\Z")
_FIRST_WORD = re.compile(r"\A" + WORD + "+")
_IS_WORD = re.compile(WORD)


def window(text: str, start: int, end: int) -> str:
    """text[start:end] without the words its edges split, with … where it was cut.

    A word that fills the whole window is cut, not dropped: there is nothing else
    to show, and no secret of a shape not masked already runs that long."""
    start, end = max(0, start), min(len(text), end)
    part = text[start:end]
    if end < len(text) and _IS_WORD.match(text[end]) and _LAST_WORD.sub("", part).strip():
        part = _LAST_WORD.sub("", part)
    if start > 0 and _IS_WORD.match(text[start - 1]) and _FIRST_WORD.sub("", part).strip():
        part = _FIRST_WORD.sub("", part)
    if end < len(text):
        part = part.rstrip() + ELLIPSIS
    return ELLIPSIS + part.lstrip() if start > 0 else part


def clip(text: str, limit: int, redact: Redactor | None = None) -> str:
    """At most `limit` characters of `text`, redacted first (shapes, or `redact`)."""
    text = (redact or redact_shapes)(text)
    return text if len(text) <= limit else window(text, 0, limit - 1)


# Secrets in a command line: a value after a secret flag, or a whole argument
# shaped like a token.
def secret_args(args: Iterable[str]) -> dict[str, str]:
    """Variable name -> value for each secret flag in `args` (--api-key V -> JETLLM_API_KEY)."""
    found: dict[str, str] = {}
    items = list(args)
    for n, arg in enumerate(items):
        flag, value = _flag_value(arg, items[n + 1] if n + 1 < len(items) else None)
        if flag is not None and value and not value.startswith("${"):
            found[_variable(flag)] = value
    return found


def _flag_value(arg: str, following: str | None) -> tuple[str | None, str | None]:
    if not arg.startswith("-") or not is_secret_name(arg.split("=", 1)[0]):
        return None, None
    if "=" in arg:
        flag, value = arg.split("=", 1)
        return flag, value
    if following is not None and not following.startswith("-"):
        return arg, following
    return None, None


def _variable(flag: str) -> str:
    return "JETLLM_" + "_".join(name_words(flag)).upper()


def args_without_secrets(args: Sequence[str]) -> list[str]:
    """`args` as a file may keep them: secret flag values become ${JETLLM_NAME} references,
    other arguments shaped like a token are masked."""
    kept: list[str] = []
    after_flag: str | None = None
    for n, arg in enumerate(args):
        if after_flag is not None:
            kept.append(f"${{{after_flag}}}")
            after_flag = None
            continue
        flag, value = _flag_value(arg, args[n + 1] if n + 1 < len(args) else None)
        if flag is not None and value is not None and not value.startswith("${"):
            if "=" in arg:
                kept.append(f"{flag}=${{{_variable(flag)}}}")
            else:
                kept.append(arg)
                after_flag = _variable(flag)
            continue
        kept.append(redact_shapes(arg))
    return kept


def is_secret_env(name: str, value: str, secret_env: Iterable[str] = ()) -> bool:
    """A secret by the profile's word (secret_env), by its name, or by its value's shape."""
    return name in secret_env or is_secret_name(name) or looks_secret(value)


def env_without_secrets(env: Mapping[str, str], secret_env: Iterable[str] = ()) -> dict[str, str]:
    names = set(secret_env)
    return {k: (f"${{{k}}}" if is_secret_env(k, v, names) else v) for k, v in env.items()}


def spec_without_secrets(spec: ContainerSpec) -> ContainerSpec:
    """The spec as a report or a compose file may keep it: secret env values and
    secret flag values become ${NAME} references."""
    from jetllm.core.record import frozen_map

    entrypoint = tuple(args_without_secrets(spec.entrypoint)) if spec.entrypoint is not None else None
    return spec.model_copy(update={"env": frozen_map(env_without_secrets(spec.env, spec.secret_env)),
                                   "command": tuple(args_without_secrets(spec.command)),
                                   "entrypoint": entrypoint})


_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def references(args: Iterable[str]) -> list[str]:
    """The ${NAME} variables `args` refer to."""
    return [m[1] for arg in args for m in _REFERENCE.finditer(arg)]
