"""What jetllm knows about the NVIDIA stack, kept as data (data/*.yaml) with
one loader each: the L4T -> JetPack table and L4T image rules (l4t), CUDA ->
minimum driver (cuda), and the one version parser they share (versions)."""

from __future__ import annotations

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
