"""jetllm's image probe, Python part: run by the image's own python3 from probe.sh.

Prints key=value lines: the driver's CUDA version through libcuda (ctypes), torch
and whether CUDA initialises, the device and its compute capability, the arch list
torch was built for, and the installed vLLM, SGLang and TensorRT-LLM versions (read
from package metadata, not imported). Loads no model; never raises.
Written for old interpreters too (no f-strings): images carry what they carry.
"""

import ctypes
import sys


def say(key, value):
    text = str(value).replace("\r", " ").replace("\n", " | ")
    sys.stdout.write("%s=%s\n" % (key, text[:2000]))


def driver():
    try:
        lib = ctypes.CDLL("libcuda.so.1")
    except OSError as exc:
        say("cuda_driver_error", exc)
        return
    say("cuda_init", lib.cuInit(0))
    version = ctypes.c_int(0)
    if lib.cuDriverGetVersion(ctypes.byref(version)) == 0 and version.value:
        say("cuda_driver_version", "%d.%d" % (version.value // 1000, (version.value % 1000) // 10))


def torch_facts():
    try:
        import torch
    except ImportError as exc:
        if "No module named" in str(exc) and "torch" in str(exc).split("No module named")[-1][:12]:
            say("torch_version", "")
        else:
            say("torch_error", "%s: %s" % (type(exc).__name__, exc))
        return
    except Exception as exc:  # noqa: BLE001 (a broken install says why)
        say("torch_error", "%s: %s" % (type(exc).__name__, exc))
        return
    say("torch_version", getattr(torch, "__version__", ""))
    say("torch_cuda", getattr(getattr(torch, "version", None), "cuda", "") or "")
    try:
        say("torch_arch_list", " ".join(torch.cuda.get_arch_list()))
        available = torch.cuda.is_available()
        say("torch_cuda_available", 1 if available else 0)
        if available:
            say("torch_device", torch.cuda.get_device_name(0))
            say("torch_capability", "%d.%d" % tuple(torch.cuda.get_device_capability(0)))
    except Exception as exc:  # noqa: BLE001
        say("torch_error", "%s: %s" % (type(exc).__name__, exc))


def versions():
    try:
        from importlib import metadata
    except ImportError:
        return
    for key, name in (("vllm_version", "vllm"), ("sglang_version", "sglang"),
                      ("tensorrt_llm_version", "tensorrt_llm")):
        try:
            say(key, metadata.version(name))
        except Exception:  # noqa: BLE001 (not installed)
            pass


driver()
torch_facts()
versions()
