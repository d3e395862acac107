"""Local model files: what a GGUF file says about itself (architecture,
trained context, size), read from its header, for planning a bring-up and
for the report."""

from jetllm.modelinfo.gguf_info import GgufInfo, gguf_info, local_gguf

__all__ = ["GgufInfo", "gguf_info", "local_gguf"]
