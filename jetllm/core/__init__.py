"""The records and small utilities every stage shares: settings and container
spec, attempt, diagnosis, host facts, compatibility, doctor checks, errors and
exit codes, labels and ownership, redaction, signals, events.

Nothing here imports another jetllm package: this is the bottom layer.
"""
