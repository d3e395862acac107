"""Labels on every container jetllm starts, so that it can always find and remove them."""

RUN = "jetllm.run"  # a run id shared by all containers of one jetllm invocation
BACKEND = "jetllm.backend"  # the backend (profile) name
MANAGED = "jetllm.managed"  # always "1": the filter `jetllm gc` uses
