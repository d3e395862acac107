"""The profile schema: one YAML file per backend, validated on load.

Every field is documented in README ("Profiles"); a file that does not fit
gives one line naming the file, the field and the problem (catalog/load.py).
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, field_validator, model_validator

from jetllm.core.limits import MAX_WAIT_S
from jetllm.core.record import Record
from jetllm.core.spec import ModelPullSpec, Mount, ReadySpec

PLATFORMS = ("jetson", "x86_64", "sbsa", "cpu")
HostPlatform = Literal["jetson", "x86_64", "sbsa", "cpu"]
# What the image has to run the compose healthcheck's one-token completion with.
HealthTool = Literal["curl", "wget", "python3", "none"]
ModelFormat = Literal["hf", "awq", "gptq", "fp8", "gguf", "ollama", "trt_engine"]
# A command item is one argument, or a group of arguments dropped together
# when any knob it names is unset (["--max-model-len", "{max_len}"]).
CommandItem = str | list[str]
Step = float | int | str
_URL_PATH = re.compile(r"/[A-Za-z0-9._~!$&'()*+,;=:@%/?-]*")


def _server_path(path: str) -> str:
    """A path on the backend's own server ("/health", "/v1"), joined to http://127.0.0.1:PORT."""
    if not _URL_PATH.fullmatch(path):
        raise ValueError(f"{path!r} is not a path on the server like /health (no scheme, host or spaces)")
    return path


ServerPath = Annotated[str, AfterValidator(_server_path)]
HttpStatus = Annotated[int, Field(ge=100, le=599)]
Seconds = Annotated[float, Field(gt=0, le=MAX_WAIT_S, allow_inf_nan=False)]


class ImageVariant(Record):
    """One image a user would choose, with what differs for it."""

    image: str
    l4t: str | None = None  # jetson: the L4T release it is built for ("36.4", "38.2")
    cuda: str | None = None  # the CUDA it carries, as its tag or docs say
    source: str | None = None  # where the tag was seen
    note: str | None = None
    entrypoint: list[str] | None = None  # replaces the profile's
    command: list[CommandItem] | None = None  # replaces the profile's
    env: dict[str, str] = Field(default_factory=dict)  # added to the profile's
    volumes: list[Mount] | None = None  # replaces the profile's
    tty: bool | None = None
    log_file: str | None = None  # read the log here, not from stdout
    healthcheck_tool: HealthTool | None = None  # replaces the profile's

    @field_validator("image")
    @classmethod
    def _reference(cls, image: str) -> str:
        from jetllm.core.reference import parse

        parse(image)  # ValueError names what is wrong
        return image


class Images(Record):
    """Images by platform, most preferred first."""

    jetson: list[ImageVariant] = Field(default_factory=list)
    x86_64: list[ImageVariant] = Field(default_factory=list)
    sbsa: list[ImageVariant] = Field(default_factory=list)
    cpu: list[ImageVariant] = Field(default_factory=list)

    @field_validator("jetson")
    @classmethod
    def _jetson_needs_l4t(cls, variants: list[ImageVariant]) -> list[ImageVariant]:
        for variant in variants:
            if not variant.l4t:
                raise ValueError(f"{variant.image}: a Jetson image needs 'l4t' (e.g. \"36.4\")")
        return variants

    @model_validator(mode="after")
    def _some_image(self) -> Images:
        if not (self.jetson or self.x86_64 or self.sbsa or self.cpu):
            raise ValueError("no image for any platform (jetson, x86_64, sbsa, cpu)")
        return self


class ReadyConfig(ReadySpec):
    """A profile's `ready:`: the spec's ReadySpec, checked as a user's file must be,
    and a longer timeout for Jetson."""

    health_path: ServerPath | None = "/health"
    ok_statuses: tuple[HttpStatus, ...] = (200,)
    loading_statuses: tuple[HttpStatus, ...] = (503,)
    log_file: str | None = Field(default=None, pattern=r"^/")  # a path inside the container
    timeout_s: Seconds = 600.0
    timeout_s_jetson: Seconds | None = None  # loads from eMMC/NVMe are slower

    @field_validator("log_line")
    @classmethod
    def _regex(cls, log_line: str | None) -> str | None:
        if log_line is not None:
            try:
                re.compile(log_line)
            except re.error as bad:
                raise ValueError(f"not a regular expression: {bad}") from None
        return log_line

    def for_platform(self, platform: str, log_file: str | None = None) -> ReadySpec:
        """The ReadySpec on this platform; `log_file` (an image's own) replaces the profile's."""
        jetson = platform == "jetson" and self.timeout_s_jetson
        return ReadySpec.model_validate({**self.model_dump(exclude={"timeout_s_jetson"}),
                                         "timeout_s": self.timeout_s_jetson if jetson else self.timeout_s,
                                         "log_file": log_file or self.log_file})


class KnobSpec(Record):
    """A setting a bring-up walks down, as written: its default and its steps per platform
    (Profile.ladder turns it into the ladder's Knob for one platform)."""

    default: Step | None = None
    continuous: bool = False  # bisectable between steps (a fraction), or stepped only
    # platform (or "default") -> steps, most ambitious first
    ladder: dict[str, list[Step]] = Field(default_factory=dict)
    help: str | None = None
    # Its direction by cause (failure classes): after one in up_on the search never steps it
    # down (the backend asks for more of it); a non-empty down_on limits stepping it down to those.
    up_on: list[str] = Field(default_factory=list)
    down_on: list[str] = Field(default_factory=list)

    @field_validator("up_on", "down_on")
    @classmethod
    def _known_classes(cls, classes: list[str]) -> list[str]:
        from jetllm.core.diagnosis import FailureClass

        known = {c.value for c in FailureClass}
        unknown = [c for c in classes if c not in known]
        if unknown:
            raise ValueError(f"unknown failure class {unknown[0]!r}")
        return classes

    @field_validator("ladder")
    @classmethod
    def _known_platforms(cls, ladder: dict[str, list[Step]]) -> dict[str, list[Step]]:
        for key, steps in ladder.items():
            if key != "default" and key not in PLATFORMS:
                raise ValueError(f"unknown platform {key!r} (use default, {', '.join(PLATFORMS)})")
            if not steps:
                raise ValueError(f"ladder {key!r} is empty")
        return ladder


class ToolCallFlags(Record):
    """The server arguments that make tool calls work for a model family: the first
    entry whose `match` (a regular expression, any case) is found in the model's name."""

    match: str = ".*"
    args: list[str] = Field(min_length=1)
    source: str | None = None  # where the pairing comes from

    @field_validator("match")
    @classmethod
    def _regex(cls, match: str) -> str:
        try:
            re.compile(match)
        except re.error as exc:
            raise ValueError(f"not a regular expression: {exc}") from None
        return match


class ProfileSpec(Record):
    """The YAML file as written (Profile adds where it came from)."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    description: str
    formats: list[ModelFormat] = Field(min_length=1)
    images: Images
    port: int = Field(gt=0, lt=65536)
    api_base: ServerPath = "/v1"
    entrypoint: list[str] | None = None
    command: list[CommandItem] = Field(default_factory=list)
    env: dict[str, str] = Field(default_factory=dict)
    secret_env: list[str] = Field(default_factory=list)
    # Each source a template: a host path ("{hf_cache}") or a named volume ("jetllm-ollama").
    volumes: list[Mount] = Field(default_factory=list)
    shm_size: str | None = Field(default=None, pattern=r"^\d+[bkmg]?$")
    ipc_host: bool = False
    tty: bool = False
    cap_drop_all: bool = False  # the server runs without any capability (llama-server)
    ready: ReadyConfig = Field(default_factory=ReadyConfig)
    served_model: str = "{model_name}"  # template: the "model" of a chat request
    default_model: str | None = None  # a small model to start with when none is given
    model_pull: ModelPullSpec | None = None
    knobs: dict[str, KnobSpec] = Field(default_factory=dict)
    tool_calls: list[ToolCallFlags] = Field(default_factory=list)  # per model family
    healthcheck_tool: HealthTool = "none"  # what the compose healthcheck runs in the image

    @model_validator(mode="after")
    def _knobs_are_used(self) -> ProfileSpec:
        # A knob that no template names would be stepped by a bring-up for nothing.
        variants = [v for platform in PLATFORMS for v in getattr(self.images, platform)]
        templates = json.dumps([self.entrypoint, self.command, self.env, self.served_model,
                                [v.model_dump() for v in self.volumes],
                                [v.model_dump() for v in variants]])
        for name in self.knobs:
            if f"{{{name}}}" not in templates:
                raise ValueError(f"knob {name!r} is not used in command, env or volumes "
                                 f"(write {{{name}}} where the backend takes it)")
        return self
