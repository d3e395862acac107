"""One ladder for the catalog and the search: the profile's steps as written for
`profiles show` and the first settings, refined for the search to walk; knob
values land in the same Settings fields (or extra) on both sides."""

from __future__ import annotations

from pathlib import Path

from jetllm.catalog import load_file, render
from jetllm.core.facts import HostFacts
from jetllm.core.spec import Settings
from jetllm.search.ladder import refined

HOSTS = Path(__file__).parent.parent / "fixtures" / "profiles" / "hosts"
PROFILE = """\
name: laddered
description: a profile with a Settings knob, a profile-specific one and a repeated step
formats: [hf]
port: 8000
images:
  x86_64: [{image: "example/server:1"}]
command: ["--mem", "{gpu_util}", "--batch", "{batch}", "--len", "{max_len}"]
knobs:
  gpu_util: {continuous: true, ladder: {default: [0.9, 0.7, 0.5]}}
  batch: {default: 8, ladder: {default: [16, 8, 8, 4]}}
  max_len: {ladder: {default: [4096, 2048]}}
"""


def _profile_and_host(tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "laddered.yaml"
    path.write_text(PROFILE)
    facts = HostFacts.model_validate_json((HOSTS / "x86-rtx4090-550.json").read_text())
    return load_file(path), facts


def test_the_catalog_keeps_the_steps_as_written(tmp_path: Path) -> None:
    profile, facts = _profile_and_host(tmp_path)
    ladder = profile.ladder(facts)
    assert [(k.name, k.values, k.continuous) for k in ladder.knobs] == [
        ("gpu_util", [0.9, 0.7, 0.5], True), ("batch", [16, 8, 8, 4], False), ("max_len", [4096, 2048], False)]
    # A Settings knob is its field, any other knob goes to extra.
    assert ladder.first() == Settings(gpu_util=0.9, max_len=4096, extra={"batch": 16})


def test_the_search_walks_the_refined_ladder_from_the_same_model(tmp_path: Path) -> None:
    profile, facts = _profile_and_host(tmp_path)
    walked = refined(profile.ladder(facts))
    # the context at every multiple of 1024 between its ladder points
    assert [k.values for k in walked.knobs] == [[0.9, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6, 0.55, 0.5], [16, 8, 4],
                                                [4096, 3072, 2048]]
    base = Settings(model="org/model", extra={"seed": 1})
    # The base's model and extra are kept; the knobs are set as the catalog sets them.
    assert walked.settings({"gpu_util": 2, "batch": 1}, base) == Settings(
        model="org/model", gpu_util=0.8, max_len=4096, extra={"seed": 1, "batch": 8})


def test_a_rendered_spec_records_the_knobs_as_the_search_sets_them(tmp_path: Path) -> None:
    profile, facts = _profile_and_host(tmp_path)
    chosen = refined(profile.ladder(facts)).settings({"gpu_util": 4}, Settings(model="org/model"))
    spec = render(profile, facts, chosen)
    assert spec.command == ("--mem", "0.7", "--batch", "16", "--len", "4096")
    assert spec.settings == chosen
