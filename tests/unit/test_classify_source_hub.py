"""hub.yaml: huggingface_hub's errors (utils/_http.py, file_download.py,
errors.py) and Transformers' wording of them (utils/hub.py), as printed."""

from __future__ import annotations

import pytest

from jetllm.classify import FailureClass, classify_text

C = FailureClass

CASES = [
    # _http.py hf_raise_for_status: GatedRepo, with the Hub's X-Error-Message appended
    ("huggingface_hub.errors.GatedRepoError: 401 Client Error. (Request ID: Root=1-67a0-3c1b)\n\n"
     "Cannot access gated repo for url https://huggingface.co/meta-llama/Llama-3.2-1B-Instruct/resolve/main/config.json.\n"
     "Access to model meta-llama/Llama-3.2-1B-Instruct is restricted. You must have access to it and be authenticated to access it. Please log in.\n",
     C.MODEL_UNAVAILABLE, "hf_unauthorized_or_gated"),
    # transformers utils/hub.py
    ("OSError: You are trying to access a gated repo.\nMake sure to have access to it at https://huggingface.co/google/gemma-2-2b-it.\n",
     C.MODEL_UNAVAILABLE, "hf_unauthorized_or_gated"),
    ("huggingface_hub.errors.HfHubHTTPError: 401 Client Error: Unauthorized for url: https://huggingface.co/api/models/x/y (Request ID: Root=1-6)\n"
     "Invalid credentials in Authorization header\n", C.MODEL_UNAVAILABLE, "hf_unauthorized_or_gated"),
    # _http.py: RepoNotFound, RevisionNotFound, EntryNotFound
    ("huggingface_hub.errors.RepositoryNotFoundError: 404 Client Error. (Request ID: Root=1-68)\n\n"
     "Repository Not Found for url: https://huggingface.co/api/models/Qwen/Qwen9-0.5B/revision/main.\n"
     "Please make sure you specified the correct `repo_id` and `repo_type`.\n", C.MODEL_UNAVAILABLE, "hf_not_found"),
    ("Revision Not Found for url: https://huggingface.co/api/models/Qwen/Qwen2.5-0.5B/revision/v9.\n", C.MODEL_UNAVAILABLE, "hf_not_found"),
    ("Entry Not Found for url: https://huggingface.co/Qwen/Qwen2.5-0.5B/resolve/main/model.gguf.\n", C.MODEL_UNAVAILABLE, "hf_not_found"),
    ("huggingface_hub.errors.RemoteEntryNotFoundError: 404 Client Error. (Request ID: Root=1-69)\n", C.MODEL_UNAVAILABLE, "hf_not_found"),
    # transformers cached_file
    ("OSError: qwen/qwen-nope is not a local folder and is not a valid model identifier listed on 'https://huggingface.co/models'\n",
     C.MODEL_UNAVAILABLE, "hf_not_found"),
    ("OSError: /models/llama does not appear to have a file named config.json. Checkout 'https://huggingface.co//models/llama/tree/None' for available files.\n",
     C.MODEL_UNAVAILABLE, "hf_not_found"),
    # file_download.py, _http.py: offline
    ("huggingface_hub.errors.LocalEntryNotFoundError: Cannot find the requested files in the disk cache and outgoing traffic has been disabled. "
     "To enable hf.co look-ups and downloads online, set 'local_files_only' to False.\n", C.MODEL_UNAVAILABLE, "hf_offline"),
    ("huggingface_hub.errors.OfflineModeIsEnabled: Cannot reach https://huggingface.co/api/models/x: offline mode is enabled. "
     "To disable it, please unset the `HF_HUB_OFFLINE` environment variable.\n", C.MODEL_UNAVAILABLE, "hf_offline"),
    ("OSError: We couldn't connect to 'https://huggingface.co' to load this file, couldn't find it in the cached files and it looks like "
     "meta-llama/Llama-3.1-8B is not the path to a directory containing a file named config.json.\n", C.MODEL_UNAVAILABLE, "hf_offline"),
    # file_download.py _check_disk_space
    ("UserWarning: Not enough free disk space to download the file. The expected file size is: 4965.80 MB. "
     "The target location /root/.cache/huggingface/hub/models--x/blobs only has 1203.44 MB free disk space.\n", C.DISK_FULL, "hf_not_enough_disk"),
    ("requests.exceptions.ConnectionError: HTTPSConnectionPool(host='huggingface.co', port=443): Max retries exceeded with url: "
     "/api/models/Qwen/Qwen2.5-0.5B (Caused by NewConnectionError('Failed to establish a new connection: [Errno 101] Network is unreachable'))\n",
     C.MODEL_UNAVAILABLE, "hf_offline"),
    # utils/_validators.py; transformers utils/hub.py: a local path that is not there
    ("huggingface_hub.errors.HFValidationError: Repo id must be in the form 'repo_name' or 'namespace/repo_name': '/models/qwen'. Use `repo_type` argument if needed.\n",
     C.MODEL_UNAVAILABLE, "hf_invalid_repo_id"),
    ("OSError: Incorrect path_or_model_id: '/models/qwen'. Please provide either the path to a local folder or the repo_id of a model on the Hub.\n",
     C.MODEL_UNAVAILABLE, "hf_invalid_repo_id"),
]


@pytest.mark.parametrize(("text", "expected", "signature"), CASES, ids=[f"{c[2]}-{i}" for i, c in enumerate(CASES)])
def test_hub_errors_as_huggingface_hub_and_transformers_print_them(text: str, expected: FailureClass, signature: str) -> None:
    d = classify_text(text, backend="vllm")
    assert (d.failure_class, d.signature) == (expected, signature)


def test_an_ordinary_download_is_no_failure() -> None:
    log = ("Fetching 4 files: 100%|##########| 4/4 [00:12<00:00,  3.10s/it]\n"
           "model.safetensors: 100%|##########| 988M/988M [00:09<00:00, 102MB/s]\n")
    assert classify_text(log, backend="vllm").signature == "no-evidence"


@pytest.mark.parametrize(("line", "expected", "signature"), [
    # model.yaml, transformers models/auto/configuration_auto.py and auto_factory.py
    ("ValueError: The checkpoint you are trying to load has model type `qwen3` but Transformers does not recognize this architecture. "
     "This could be because of an issue with the checkpoint, or because your version of Transformers is out of date.",
     C.UNSUPPORTED_MODEL, "transformers_unknown_model_type"),
    ("ValueError: Unrecognized configuration class <class 'transformers.models.qwen3.configuration_qwen3.Qwen3Config'> for this kind of AutoModel: "
     "AutoModelForCausalLM.", C.UNSUPPORTED_MODEL, "transformers_unknown_model_type"),
    ("ValueError: Unrecognized model in /models/qwen. Should have a `model_type` key in its config.json, or contain one of the following strings in its name: "
     "albert, align, altclip", C.MODEL_UNAVAILABLE, "transformers_not_a_model_folder"),
])
def test_transformers_model_errors(line: str, expected: FailureClass, signature: str) -> None:
    d = classify_text(line + "\n", backend="vllm")
    assert (d.failure_class, d.signature) == (expected, signature)
