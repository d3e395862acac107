"""GGUF headers as llama.cpp's own writer (the gguf package) writes them, and
what a bring-up plans from them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from gguf import GGUFValueType, GGUFWriter, LlamaFileType

from jetllm.catalog import load_profile
from jetllm.core.errors import UsageError
from jetllm.core.facts import HostFacts
from jetllm.modelinfo import gguf_info, local_gguf
from jetllm.modelinfo.gguf_info import FILE_TYPES, VALUE_TYPES
from jetllm.search.stages import Overrides, Stages

HOSTS = Path(__file__).resolve().parent.parent / "fixtures" / "profiles" / "hosts"


def write_model(path: Path, context: int = 32768, file_type: LlamaFileType = LlamaFileType.MOSTLY_Q4_K_M) -> Path:
    writer = GGUFWriter(path, "qwen2")
    writer.add_name("Tiny Test Model")
    writer.add_context_length(context)
    writer.add_block_count(2)
    writer.add_embedding_length(8)
    writer.add_file_type(file_type)
    writer.add_token_list([f"tok{i}" for i in range(5000)])  # a string array to walk past
    writer.add_token_scores([0.0] * 5000)  # a numeric array to skip
    writer.add_tensor("token_embd.weight", np.zeros((5000, 8), dtype=np.float32))
    writer.add_tensor("output_norm.weight", np.ones(8, dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


def test_header_fields(tmp_path: Path) -> None:
    info = gguf_info(write_model(tmp_path / "m.gguf"))
    assert (info.architecture, info.name, info.context_length) == ("qwen2", "Tiny Test Model", 32768)
    assert (info.block_count, info.embedding_length) == (2, 8)
    assert info.parameters == 5000 * 8 + 8
    assert info.file_type == "Q4_K_M"
    assert info.file_size == (tmp_path / "m.gguf").stat().st_size
    assert info.describe().startswith("qwen2, trained context 32768, 40.0K parameters, Q4_K_M")


def test_reading_a_header_needs_neither_gguf_nor_numpy(tmp_path: Path) -> None:
    model = write_model(tmp_path / "m.gguf")
    code = ("import sys; from jetllm.modelinfo import gguf_info; "
            f"print(gguf_info({str(model)!r}).file_type, 'gguf' in sys.modules, 'numpy' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.split() == ["Q4_K_M", "False", "False"], done.stderr


def test_the_kept_tables_are_ggufs() -> None:
    """The value types and file types kept in gguf_info are gguf's: a type it adds or renumbers shows here."""
    assert VALUE_TYPES == {kind.name: kind.value for kind in GGUFValueType}
    assert {kind.name: kind.value for kind in LlamaFileType}.items() <= FILE_TYPES.items()


def test_local_gguf_tells_files_from_model_ids(tmp_path: Path) -> None:
    model = write_model(tmp_path / "m.gguf")
    other = tmp_path / "notes.txt"
    other.write_text("not a model")
    assert local_gguf(str(model)) == model
    assert local_gguf("Qwen/Qwen2.5-1.5B-Instruct") is None
    assert local_gguf("qwen2.5:0.5b") is None
    assert local_gguf(str(other)) is None
    assert local_gguf(None) is None


@pytest.mark.parametrize("cut", [3, 20, 200])
def test_truncated_or_foreign_file_is_one_line_usage_error(tmp_path: Path, cut: int) -> None:
    whole = write_model(tmp_path / "m.gguf").read_bytes()
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(whole[:cut])
    with pytest.raises(UsageError, match="not a readable GGUF file") as raised:
        gguf_info(broken)
    assert "\n" not in str(raised.value)


def llama_cpp_max_len_ladder(model_context: int | None, user_max_len: int | None = None) -> list[int]:
    facts = HostFacts.model_validate_json((HOSTS / "x86-cpu.json").read_text())
    stages = Stages(facts=facts, overrides=Overrides(model="m.gguf", max_len=user_max_len),
                    model_context=model_context)
    (candidate,) = stages.candidates([load_profile("llama.cpp")]).candidates
    knob = candidate.ladder.knob("max_len")
    assert knob is not None
    return [int(v) for v in knob.values]


def test_search_stays_within_the_models_trained_context() -> None:
    shipped = llama_cpp_max_len_ladder(None)
    assert llama_cpp_max_len_ladder(3000) == [3000, *[v for v in shipped if v < 3000]]
    # A user's --max-len above the trained context is capped at it; below it, the user's wins.
    assert llama_cpp_max_len_ladder(3000, user_max_len=262144)[0] == 3000
    assert llama_cpp_max_len_ladder(3000, user_max_len=2500)[0] == 2500
    # A model trained on more than the ladder's top changes nothing.
    assert llama_cpp_max_len_ladder(1 << 20) == shipped
