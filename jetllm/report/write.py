"""Writing reports whole or not at all: every file goes to a temporary name in
the target directory and is renamed into place; the report directory is built
in a hidden folder beside its target and swapped with it in one step.

The report folder (--out) holds only what jetllm wrote: an earlier report is
replaced, recognised by its report.json and the files that lists; a folder
holding anything else is refused, never emptied."""

from __future__ import annotations

import ctypes
import errno
import json
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

from jetllm.core.errors import UsageError
from jetllm.core.files import atomic_write
from jetllm.core.redact import Redactor
from jetllm.core.signals import shielded
from jetllm.report.compose import render_compose, render_env
from jetllm.report.junit import render_junit
from jetllm.report.markdown import LATENCY_SVG, render_markdown
from jetllm.report.model import REPORT_FILE, Report
from jetllm.report.plot import latency_svg
from jetllm.report.prom import soak_textfile
from jetllm.search.ladder import describe

PRIVATE = {".env": 0o600}  # where the user is told to put the secrets the service needs
LOGS = "logs"
# Hidden folders beside --out: a report being written, and (where two folders cannot be
# swapped in one step) the report it replaces until the new one is in place.
NEW, OLD = "jetllm-new-", "jetllm-old-"


def check_writable(path: Path, option: str) -> None:
    """UsageError (one line) unless `path` can be written: a probe folder is made and removed
    where it will be written, or in the nearest folder above that exists (the rest is
    created then). A probe a killed run leaves beside --out is removed by recover()."""
    place = path.parent
    while not os.path.lexists(place) and place != place.parent:
        place = place.parent
    if not place.is_dir():
        raise UsageError(f"{option} {path}: {place} is not a folder")
    try:
        os.rmdir(tempfile.mkdtemp(prefix=f".{path.name}.{NEW}", dir=place))
    except OSError as exc:
        raise UsageError(f"{option} {path}: cannot write in {place}: {exc.strerror or exc}") from exc


def check_out_dir(out: Path, junit: Path | None = None) -> None:
    """Before a run: `out` and `junit` can be written (UsageError, one line, if not), and
    `out` may be replaced (see check_out_content)."""
    where = out.resolve()
    if where == Path.cwd().resolve() or where == where.parent:
        raise UsageError(f"--out {out}: the report folder is replaced as a whole: give it a folder of its own")
    check_writable(out, "--out")
    check_out_content(out, junit)
    if junit is not None:
        if junit.is_dir():
            raise UsageError(f"--junit {junit}: is a folder")
        if not _inside(junit, out):  # inside, it is written with the report
            check_writable(junit, "--junit")


def check_out_content(out: Path, junit: Path | None = None) -> None:
    """UsageError unless `out` is absent, empty, or a report jetllm wrote (with this run's
    --junit file). What a killed run left beside it is cleared first (a note says so)."""
    if os.path.lexists(out) and not out.is_dir():
        raise UsageError(f"--out {out}: exists and is not a folder")
    note = recover(out)
    if note:
        sys.stderr.write(f"jetllm: {note}\n")
    if junit is not None and _inside(junit, out) == ".":
        raise UsageError(f"--junit {junit}: is the --out folder")
    foreign = first_foreign(out, junit) if out.is_dir() else None
    if foreign is not None:
        raise UsageError(f"--out {out}: {foreign} is not part of a jetllm report; jetllm replaces only "
                         f"its own report files: choose another --out, or move {foreign} away")


def _listed(out: Path) -> set[str] | None:
    """The files out/report.json lists, when it is a report jetllm wrote (else None)."""
    try:
        document = json.loads((out / REPORT_FILE).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    if not isinstance(document, dict) or "jetllm_report_version" not in document:
        return None
    files = document.get("files")
    if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
        return None
    return {*files, REPORT_FILE}


def first_foreign(out: Path, junit: Path | None = None) -> str | None:
    """The first entry under `out` that is not part of the report there (its path in `out`),
    or None. The --junit file of this run counts as part of it."""
    listed = _listed(out) if (out / REPORT_FILE).is_file() else set()
    if listed is None:
        return REPORT_FILE
    inside = _inside(junit, out) if junit is not None else None
    if inside:
        listed.add(inside)
    folders = {LOGS} | {parent.as_posix() for name in listed for parent in Path(name).parents}

    def walk(folder: Path, prefix: str) -> str | None:
        for entry in sorted(folder.iterdir()):
            name = f"{prefix}{entry.name}"
            if entry.is_dir() and not entry.is_symlink() and name in folders:
                found = walk(entry, f"{name}/")
                if found is not None:
                    return found
            elif not (entry.is_file() and not entry.is_symlink() and name in listed):
                return name
        return None

    return walk(out, "")


def _inside(path: Path, folder: Path) -> str | None:
    """`path` relative to `folder` (posix), when it lies inside it."""
    try:
        return path.resolve().relative_to(folder.resolve()).as_posix()
    except ValueError:
        return None


def _remove(folder: Path) -> None:
    """Remove a folder of ours, whole: Ctrl-C waits until it is gone (shutil.rmtree cut short
    by one raises a bad-file-descriptor error in its place, and leaves half the folder)."""
    with shielded():
        shutil.rmtree(folder, ignore_errors=True)


def _hidden(out: Path, kind: str) -> list[Path]:
    """The hidden folders of `kind` (NEW or OLD) beside `out`."""
    prefix = f".{out.name}.{kind}"
    try:
        return sorted(p for p in out.parent.iterdir()
                      if p.name.startswith(prefix) and p.is_dir() and not p.is_symlink())
    except OSError:
        return []


def recover(out: Path) -> str | None:
    """What a run killed while writing left beside `out`: a report half written is removed;
    a previous report moved aside is put back when `out` is missing (a note says so), else removed."""
    for partial in _hidden(out, NEW):
        _remove(partial)
    note = None
    for previous in _hidden(out, OLD):
        if not os.path.lexists(out) and (previous / REPORT_FILE).is_file():
            try:
                os.rename(previous, out)
            except OSError:
                continue  # left as it is; the write says why it cannot go on
            note = f"put back the previous report at {out} (a run was killed while replacing it)"
        else:
            _remove(previous)
    return note


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux renameat2 RENAME_EXCHANGE); False where the
    C library or the file system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    renameat2.restype = ctypes.c_int
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _swap_in(staging: Path, out: Path) -> None:
    """Put the folder `staging` at `out`; at no moment is there no report at `out` when one was there."""
    if not os.path.lexists(out):
        os.rename(staging, out)
    elif _exchange(staging, out):
        _remove(staging)  # it holds the previous report now
    else:  # two steps: a run killed between them leaves the previous report for recover()
        old = staging.with_name(staging.name.replace(NEW, OLD, 1))
        os.rename(out, old)
        try:
            os.rename(staging, out)
        except BaseException:
            if not os.path.lexists(out):
                os.rename(old, out)
            raise
        _remove(old)


def _files(report: Report) -> dict[str, str]:
    redact = Redactor()
    files: dict[str, str] = {"report.md": render_markdown(report)}
    winner = report.winning
    if winner is not None and winner.spec is not None:
        files["docker-compose.yml"] = render_compose(winner.spec, winner)
        files[".env"] = render_env(winner.spec)
    if report.soak is not None:
        files["jetllm_soak.prom"] = soak_textfile(report.soak)
    if winner is not None and winner.best_attempt is not None and winner.best_attempt.load is not None:
        files[LATENCY_SVG] = latency_svg(winner.best_attempt.load, f"{winner.candidate.name}: latency under load")
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
            files[f"{LOGS}/{slug}-{n}.log"] = "\n".join(
                redact(line) for line in [*head, *attempt.log_tail]) + "\n"
    return files


def write_report_dir(report: Report, out: Path, junit: Path | None = None) -> Report:
    """Write report.json, report.md, compose + .env (winner) and logs/ under `out`,
    replacing an earlier report there, and the JUnit file `junit` (part of the report
    when it lies inside `out`); return the report with its file list."""
    check_out_content(out, junit)
    files = _files(report)
    inside = _inside(junit, out) if junit is not None else None
    report = report.model_copy(update={"files": sorted({REPORT_FILE, *files, *([inside] if inside else [])})})
    if inside:
        files[inside] = render_junit(report)
    # json.dumps over the dumped record: pydantic's own JSON writer would turn a Ctrl-C
    # arriving mid-way into a serialisation error.
    files[REPORT_FILE] = json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n"
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.{NEW}", dir=out.parent))
    try:
        for name, text in files.items():
            atomic_write(staging / name, text, PRIVATE.get(name))
        staging.chmod(0o755)
        _swap_in(staging, out)
    except BaseException:
        _remove(staging)
        raise
    if junit is not None and not inside:
        write_junit(report, junit)
    return report


def write_junit(report: Report, path: Path) -> None:
    atomic_write(path, render_junit(report))
