"""A Hugging Face repo's figures without its weights, through huggingface_hub:
the file list with sizes, config.json, and the safetensors headers
(get_safetensors_metadata reads them with range requests); for a GGUF in a
repo ("ORG/REPO:Q4_K_M"), the file chosen by its quantization and its header,
read with range requests too.

huggingface_hub reads HF_TOKEN, HF_ENDPOINT, HF_HUB_OFFLINE and the local
cache itself; jetllm never prints the token. Offline, the figures come from
the cached snapshot (config.json, and the headers of cached weights).
A gated, private or missing repo is model_unavailable, with the fix.
"""

from __future__ import annotations

import json
import re
import struct
from pathlib import Path
from typing import Any

from jetllm.core.diagnosis import FailureClass
from jetllm.core.errors import JetllmError
from jetllm.modelinfo.gguf_info import header_info
from jetllm.modelinfo.shape import ModelShape, from_config, from_gguf, local_folder, parameter_count, quant_bits

GGUF_HEADER_READS = (1 << 21, 1 << 23, 1 << 25, 1 << 27)  # 2 MiB first; a large vocabulary needs more
TIMEOUT_S = 30.0
UNAVAILABLE = FailureClass.MODEL_UNAVAILABLE.value


def unavailable(repo: str, exc: Exception) -> JetllmError:
    from huggingface_hub.errors import GatedRepoError, RepositoryNotFoundError

    if isinstance(exc, GatedRepoError):
        return JetllmError(f"{repo} is a gated repository: its files need an accepted licence and a token",
                           fix=f"accept the licence on the model page of {repo}, then set HF_TOKEN to a token of "
                               "that account", failure_class=UNAVAILABLE)
    if isinstance(exc, RepositoryNotFoundError):
        return JetllmError(f"{repo} was not found on the Hub (missing, or private to an account)",
                           fix="check the repo id; for a private repo set HF_TOKEN to a token that can read it",
                           failure_class=UNAVAILABLE)
    return JetllmError(f"cannot read {repo} from the Hub: {type(exc).__name__}: {exc}".splitlines()[0],
                       fix="check the network (HF_ENDPOINT names another Hub), or set HF_HUB_OFFLINE=1 to use the "
                           "local cache", failure_class=UNAVAILABLE)


# The client's transport errors by class name: requests, httpx or httpx2 by huggingface_hub's version.
TRANSPORT_ERRORS = ("HTTPError", "TransportError", "RequestError", "RequestException", "TimeoutException")


def _transport(exc: BaseException) -> bool:
    return any(cls.__name__ in TRANSPORT_ERRORS for cls in type(exc).__mro__)


def hub_shape(repo: str, quant: str | None = None) -> ModelShape:
    from huggingface_hub import constants
    from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError, OfflineModeIsEnabled

    if constants.HF_HUB_OFFLINE:
        return _cached(repo, quant)
    try:
        return _gguf(repo, quant) if quant else _checkpoint(repo)
    except (OfflineModeIsEnabled, LocalEntryNotFoundError):
        return _cached(repo, quant)
    except (HfHubHTTPError, OSError, ValueError) as exc:  # the Hub refused
        raise unavailable(repo, exc) from None
    except Exception as exc:  # the Hub out of reach: the transport's own error class (re-raised if not one)
        if not _transport(exc):
            raise
        raise unavailable(repo, exc) from None


def _files(repo: str) -> dict[str, int | None]:
    from huggingface_hub import HfApi

    info = HfApi().model_info(repo, files_metadata=True, timeout=TIMEOUT_S)
    return {sibling.rfilename: sibling.size for sibling in info.siblings or ()}


def _checkpoint(repo: str) -> ModelShape:
    from huggingface_hub import get_safetensors_metadata, hf_hub_download
    from huggingface_hub.errors import NotASafetensorsRepoError

    files = _files(repo)
    if "config.json" not in files:
        raise JetllmError(f"{repo} has no config.json: not a transformers checkpoint",
                          fix=f"for a GGUF repo name the quantization: {repo}:Q4_K_M", failure_class=UNAVAILABLE)
    config = json.loads(Path(hf_hub_download(repo, "config.json", etag_timeout=TIMEOUT_S)).read_text("utf-8"))
    weight_bytes = parameters = None
    try:
        metadata = get_safetensors_metadata(repo)
        tensors = [(name, str(tensor.dtype), list(tensor.shape))
                   for file in metadata.files_metadata.values() for name, tensor in file.tensors.items()]
        weight_bytes = sum(tensor.data_offsets[1] - tensor.data_offsets[0]
                           for file in metadata.files_metadata.values() for tensor in file.tensors.values())
        parameters = parameter_count(tensors, quant_bits(config))
    except NotASafetensorsRepoError:
        weights = [size or 0 for name, size in files.items() if name.endswith((".bin", ".pt", ".pth"))]
        weight_bytes = sum(weights) or None
    return from_config(config, source="Hub: config.json + safetensors headers", weight_bytes=weight_bytes,
                       parameters=parameters)


def gguf_file(repo: str, names: list[str], quant: str) -> str:
    """The .gguf file in the repo that carries the quantization in its name (the first shard of a split one)."""
    mark = re.compile(rf"(?<![a-z0-9]){re.escape(quant.lower())}(?![a-z0-9_])")
    found = sorted(name for name in names if name.lower().endswith(".gguf") and mark.search(name.lower()))
    found = [name for name in found if "-of-" not in name or "00001-of-" in name]
    if not found:
        kinds = sorted({name.rsplit("/", 1)[-1] for name in names if name.lower().endswith(".gguf")})
        raise JetllmError(f"{repo} has no GGUF file for {quant}" + (f" (it has: {', '.join(kinds)})" if kinds else ""),
                          fix=f"name one of its quantizations: {repo}:QUANT", failure_class=UNAVAILABLE)
    return found[0]


def _gguf(repo: str, quant: str) -> ModelShape:
    from huggingface_hub import get_session, hf_hub_url, hf_raise_for_status
    from huggingface_hub.utils import build_hf_headers  # type: ignore[attr-defined]  # a lazy module's export

    files = _files(repo)
    name = gguf_file(repo, list(files), quant)
    size = files.get(name) or 0
    url = hf_hub_url(repo, name)
    for limit in GGUF_HEADER_READS:
        response = get_session().get(url, headers={**build_hf_headers(), "Range": f"bytes=0-{limit - 1}"},
                                     timeout=TIMEOUT_S)
        hf_raise_for_status(response)
        data: Any = response.content
        try:
            info = header_info(data, file_size=size or len(data), name=f"{repo}/{name}")
        except (struct.error, IndexError):
            if len(data) < limit:
                raise ValueError(f"{name}: not a readable GGUF header") from None
            continue
        except ValueError as exc:
            raise ValueError(f"{name}: {exc}") from None
        return from_gguf(info).model_copy(update={"source": f"Hub: GGUF header of {name}"})
    raise ValueError(f"{name}: the GGUF header is larger than {GGUF_HEADER_READS[-1] >> 20} MiB")


def _cached(repo: str, quant: str | None) -> ModelShape:
    """The figures from the local Hub cache (HF_HUB_OFFLINE, or the Hub out of reach)."""
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import LocalEntryNotFoundError

    try:
        folder = Path(snapshot_download(repo, local_files_only=True))
    except (LocalEntryNotFoundError, OSError, ValueError):
        raise JetllmError(f"{repo} is not in the local Hugging Face cache and the Hub is not used (offline)",
                          fix=f"run once online (unset HF_HUB_OFFLINE) or download it: hf download {repo}",
                          failure_class=UNAVAILABLE) from None
    if quant:
        from jetllm.modelinfo.gguf_info import gguf_info

        name = gguf_file(repo, [str(p.relative_to(folder)) for p in folder.rglob("*.gguf")], quant)
        return from_gguf(gguf_info(folder / name)).model_copy(update={"source": f"cache: GGUF header of {name}"})
    if not (folder / "config.json").is_file():
        raise JetllmError(f"the cached snapshot of {repo} has no config.json", failure_class=UNAVAILABLE,
                          fix=f"download it again: hf download {repo}")
    return local_folder(folder).model_copy(update={"source": "cache: config.json + safetensors headers"})
