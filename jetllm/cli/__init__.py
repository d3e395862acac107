"""The command line: one Typer app; each command lives in its own module here
(its options, checks and body), and picks a view from jetllm.render.

This module and the command modules import only typer, the standard library
and the light records they return at load time; each command imports the stage it runs when it runs,
so `jetllm --version` and `--help` stay fast.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Annotated, Protocol, cast

import typer

from jetllm import __version__
from jetllm.cli import bringup, classify, doctor, gc, model, preflight, probe, profiles, report, soak, try_
from jetllm.cli.options import Invocation
from jetllm.core.errors import JetllmError
from jetllm.core.exitcodes import ExitCode
from jetllm.core.outcome import INTERNAL_ERROR, INTERRUPTED, USAGE_ERROR, ErrorItem, Outcome
from jetllm.core.plaintext import plain
from jetllm.render.envelope import write

app = typer.Typer(
    name="jetllm",
    help="Bring up an OpenAI-compatible LLM server on NVIDIA hardware (Jetson first).",
    no_args_is_help=True,
    add_completion=False,
    # Rich tracebacks with locals could print a token; we print one line instead.
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


# Click's exception classes, reached through Typer's public BadParameter: Typer
# >= 0.26 vendors Click privately, older releases use the click package.
_CLICK = {cls.__name__: cls for cls in typer.BadParameter.__mro__}
ClickException: type[Exception] = _CLICK["ClickException"]
ClickUsageError: type[Exception] = _CLICK["UsageError"]


class _ClickError(Protocol):
    def format_message(self) -> str: ...


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"jetllm {__version__}\n")
        raise typer.Exit(ExitCode.OK)  # an eager option ends the run before any command


@app.callback()
def _root(
    ctx: typer.Context,
    version: Annotated[bool | None, typer.Option(
        "--version", callback=_version, is_eager=True, help="Print the version and exit.")] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of internal errors.")] = False,
) -> None:
    if debug and isinstance(ctx.obj, Invocation):
        ctx.obj.debug = True


for _module in (doctor, classify, profiles, preflight, probe, try_, gc, bringup, report, model, soak):
    _module.register(app)


def _fail(message: str, fix: str | None, code: ExitCode, error_class: str) -> Outcome:
    from jetllm.core.redact import redact_shapes

    # It may quote an argument; "field 'env.HF_TOKEN': ..." is no secret's value.
    message, fix = redact_shapes(message, named=False), redact_shapes(fix, named=False) if fix else fix
    sys.stderr.write(plain(f"jetllm: error: {message}\n"))
    if fix:
        sys.stderr.write(plain(f"  fix: {fix}\n"))
    return Outcome(code, None, (ErrorItem(error_class, message, fix),))


def _command(argv: list[str]) -> str:
    """The command a command line names ("try", "profiles show"), for the JSON envelope."""
    words = [a for a in argv if a != "--" and not a.startswith("-")]
    if not words:
        return "jetllm"
    if words[0] == "profiles" and len(words) > 1 and words[1] == "show":
        return "profiles show"
    if words[0] == "model" and len(words) > 1 and words[1] == "inspect":
        return "model inspect"
    return words[0]


def _wants_json(argv: list[str]) -> bool:
    return "--json" in argv[: argv.index("--")] if "--" in argv else "--json" in argv


def run(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code (tests call this in-process).

    With --json, exactly one JSON document goes to stdout whatever happens:
    the command's Outcome, or the error that stopped it (jetllm/render/envelope.py).
    """
    from jetllm.core.signals import finishing

    args = list(sys.argv[1:] if argv is None else argv)
    outcome = _run(Invocation(argv=args, debug=bool(os.environ.get("JETLLM_DEBUG"))))
    finishing()  # the outcome is known: a signal now must not cut the output short
    if outcome.exit_code == ExitCode.INTERRUPTED:  # Ctrl-C or another signal, whichever layer caught it
        sys.stderr.write("jetllm: interrupted\n")
        if not outcome.errors:
            outcome = Outcome(outcome.exit_code, outcome.data,
                              (ErrorItem(INTERRUPTED, "interrupted (Ctrl-C, SIGTERM, SIGHUP or SIGQUIT)"),))
    # Exit 0 without data is --help or --version: their text is the answer.
    if _wants_json(args) and (outcome.exit_code != ExitCode.OK or outcome.data is not None):
        return write(_command(args), outcome)
    return int(outcome.exit_code)


def _run(run: Invocation) -> Outcome:
    if not run.argv:  # `jetllm` alone: show what there is to run, as bad usage
        with contextlib.redirect_stdout(sys.stderr):
            _run(Invocation(argv=["--help"]))
        return Outcome(ExitCode.USAGE, None, (ErrorItem(USAGE_ERROR, "no command given (see 'jetllm --help')"),))
    try:
        # Every command returns an Outcome; an int is the code of an Exit (--help, --version).
        result = app(args=run.argv, prog_name="jetllm", standalone_mode=False, obj=run)
        if isinstance(result, Outcome):
            return result
        return Outcome(result if isinstance(result, int) else ExitCode.OK)
    except typer.Exit as done:
        return Outcome(done.exit_code)
    except ClickUsageError as bad:
        context = getattr(bad, "ctx", None)
        where = context.command_path if context else "jetllm"
        return _fail(f"{_words(bad)} (see '{where} --help')", None, ExitCode.USAGE, USAGE_ERROR)
    except ClickException as bad:
        return _fail(_words(bad), None, ExitCode.USAGE, USAGE_ERROR)
    except (KeyboardInterrupt, typer.Abort):
        return Outcome(ExitCode.INTERRUPTED)
    except JetllmError as failure:
        return _fail(failure.message, failure.fix, failure.exit_code, failure.error_class)
    except BrokenPipeError:
        # `jetllm ... --json | head`: the reader left; not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return Outcome(ExitCode.OK)
    except Exception as bug:  # the one place that maps bugs to a line
        if run.debug:
            raise
        return _fail(
            f"internal error: {type(bug).__name__}: {bug}",
            "rerun with --debug and report the traceback",
            ExitCode.NOT_WORKING,
            INTERNAL_ERROR,
        )


def _words(bad: Exception) -> str:
    return cast(_ClickError, bad).format_message()


def main() -> None:
    from jetllm.core.signals import finishing, install_handlers

    install_handlers()  # kill, a CI timeout, a closed terminal (HUP), Ctrl-\\ (QUIT): like Ctrl-C
    try:
        code = run()
    except KeyboardInterrupt:  # in the instant between the command's end and finishing()
        code = int(ExitCode.INTERRUPTED)
    finishing()  # also when run() ended early: exit with the code, not by a late signal
    sys.exit(code)
