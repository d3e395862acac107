"""jetllm: bring up an OpenAI-compatible LLM server on NVIDIA hardware."""

__version__ = "0.1.0"
