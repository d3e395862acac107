"""A data file that ships with jetllm and does not fit its shape is jetllm's own
bug: an internal error (exit 1) naming the file and the field, not bad usage
(exit 2), and not a KeyError from deep inside a rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from jetllm.core.errors import ShippedFileError
from jetllm.knowledge import cuda, jetson
from tests.support.package import PACKAGE, package_with

CUDA_TABLE = (PACKAGE / "knowledge" / "data" / "cuda_driver.yaml").read_text()


@pytest.mark.parametrize(
    ("relative", "text", "args", "complaint"),
    [
        ("classify/classes.yaml", "gpu_oom: {cause: x, fix: y, retry_smaller: 'yes'}\n",
         ("classify", "-", "--platform", "x86"), "no entry for ["),
        ("classify/signatures/memory.yaml", "- id: x\n  class: gpu_oom\n  strength: 500\n",
         ("classify", "-", "--platform", "x86"), "x: field 'strength'"),
        ("knowledge/data/l4t_jetpack.yaml", "l4t:\n  36.4: {jetpack: '6.1'}\n",
         ("doctor",), "key 36.4 is not a quoted MAJOR.MINOR.PATCH string"),
        ("knowledge/data/jetson_soc.yaml", "cuda_arch: {'nvidia,tegra234': 'Orin'}\n",
         ("doctor",), "field 'cuda_arch.nvidia,tegra234': not a version: 'Orin'"),
    ],
)
def test_a_malformed_shipped_file_is_an_internal_error(jetllm, fixtures_dir: Path, tmp_path: Path, relative: str,
                                                       text: str, args: tuple[str, ...], complaint: str) -> None:
    root = package_with(tmp_path, {relative: text})
    host = str(fixtures_dir / "hosts" / "orin-nx-r36.4.3")  # a Jetson: doctor reads both Jetson tables
    result = jetllm(*args, "--json", env={"PYTHONPATH": str(root), "JETLLM_HOST_ROOT": host}, cwd=root, stdin="")
    assert result.exit_code == 1 and result.json()["status"] == "internal_error", result.stderr
    (error,) = result.errors()
    assert error["class"] == "internal_error"
    assert error["message"].startswith(f"internal error: shipped file jetllm/{relative} is malformed: ")
    assert complaint in error["message"] and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("old", "new", "complaint"),
    [
        ("toolkit_min_driver:", "toolkit_min_drivers:", "field 'toolkit_min_driver': required field is missing"),
        ('"12.9.1": "575.57.08"', '"12.9.1": "575.57.O8"', "field 'toolkit_min_driver.12.9.1': not a version"),
        ("disk_unpack_factor: 2.5", "disk_unpack_factor: half", "field 'disk_unpack_factor'"),
    ],
)
def test_the_cuda_table_is_checked_when_read(tmp_path: Path, old: str, new: str, complaint: str) -> None:
    bad = tmp_path / "cuda_driver.yaml"
    bad.write_text(CUDA_TABLE.replace(old, new))
    with pytest.raises(ShippedFileError) as raised:
        cuda.load_table(bad)
    assert raised.value.exit_code == 1 and complaint in raised.value.message


def test_the_shipped_tables_fit() -> None:
    assert cuda.load_table().toolkit_min_driver["12.9.1"] == "575.57.08"
    assert jetson.cuda_arch("nvidia,tegra234") == "8.7" and jetson.cuda_arch("nvidia,tegra999") is None
