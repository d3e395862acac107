"""What jetllm knows about the NVIDIA stack, kept as data (data/*.yaml), each
file's shape a record read with core/datafile.py: the L4T -> JetPack table and
L4T image rules (l4t), Jetson SoC -> CUDA compute capability (jetson), CUDA ->
minimum driver (cuda), and the one version parser they share (versions)."""

from __future__ import annotations

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
