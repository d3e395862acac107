"""Writing reports whole or not at all: every file goes to a temporary name in
the target directory and is renamed into place; the report directory is built
beside its target and renamed over it in one step."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

from jetllm.core.errors import UsageError
from jetllm.core.files import atomic_write
from jetllm.core.redact import Redactor
from jetllm.report.compose import render_compose, render_env
from jetllm.report.junit import render_junit
from jetllm.report.markdown import render_markdown
from jetllm.report.model import REPORT_FILE, Report
from jetllm.search.ladder import describe

PRIVATE = {".env": 0o600}  # where the user is told to put the secrets the service needs


def check_out_dir(out: Path) -> None:
    """UsageError unless `out` is absent, empty, or an earlier report (safe to replace)."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out}: exists and is not a directory")
    if out.is_dir() and any(out.iterdir()) and not (out / REPORT_FILE).is_file():
        raise UsageError(f"{out}: not empty and not a jetllm report; choose another --out")


def _files(report: Report) -> dict[str, str]:
    redact = Redactor()
    files: dict[str, str] = {"report.md": render_markdown(report)}
    winner = report.winning
    if winner is not None and winner.spec is not None:
        files["docker-compose.yml"] = render_compose(winner.spec)
        files[".env"] = render_env(winner.spec)
    for result in report.candidates:
        for n, attempt in enumerate(result.attempts, start=1):
            if attempt.outcome.value == "ready":
                continue
            d = attempt.diagnosis
            head = [f"# {result.candidate.name} attempt {n}: {attempt.image}",
                    f"# settings: {describe(attempt.settings)}",
                    f"# class: {d.failure_class.value if d else 'unknown'}"]
            if d is not None:
                head.append(f"# fix: {d.fix}")
            slug = re.sub(r"[^A-Za-z0-9._-]+", "-", result.candidate.name).strip("-")
            files[f"logs/{slug}-{n}.log"] = "\n".join(
                redact(line) for line in [*head, *attempt.log_tail]) + "\n"
    return files


def write_report_dir(report: Report, out: Path) -> Report:
    """Write report.json, report.md, compose + .env (winner) and logs/ under `out`,
    replacing an earlier report there; return the report with its file list."""
    check_out_dir(out)
    files = _files(report)
    report = report.model_copy(update={"files": sorted([REPORT_FILE, *files])})
    files[REPORT_FILE] = report.model_dump_json(indent=2, by_alias=True) + "\n"
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    old: Path | None = None
    try:
        for name, text in files.items():
            atomic_write(staging / name, text, PRIVATE.get(name))
        staging.chmod(0o755)
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old.", dir=out.parent))
            os.replace(out, old / "previous")
        os.replace(staging, out)
    except BaseException:
        if old is not None and not out.exists():
            os.replace(old / "previous", out)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    return report


def write_junit(report: Report, path: Path) -> None:
    atomic_write(path, render_junit(report))
