"""The command line: one Typer app; each command lives in jetllm/commands/.

This module and the command modules import only typer and the standard
library at load time; each command imports the stage it runs when it runs,
so `jetllm --version` and `--help` stay fast.
"""

from __future__ import annotations

import os
import sys

import typer

try:  # Typer >= 0.23 vendors Click; older releases use the click package.
    from typer._click import exceptions as click_exc
except ImportError:  # pragma: no cover
    from click import exceptions as click_exc  # type: ignore[no-redef]

from jetllm import __version__
from jetllm.commands import COMMAND_MODULES
from jetllm.envelope import INTERNAL_ERROR, INTERRUPTED, USAGE_ERROR, ErrorItem, Outcome, write
from jetllm.errors import JetllmError
from jetllm.exitcodes import ExitCode
from jetllm.plaintext import plain

app = typer.Typer(
    name="jetllm",
    help="Bring up an OpenAI-compatible LLM server on NVIDIA hardware (Jetson first).",
    no_args_is_help=True,
    add_completion=False,
    # Rich tracebacks with locals could print a token; we print one line instead.
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"jetllm {__version__}\n")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool | None = typer.Option(
        None, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks of internal errors."),
) -> None:
    if debug:
        os.environ["JETLLM_DEBUG"] = "1"


for _module in COMMAND_MODULES:
    _module.register(app)


def _fail(message: str, fix: str | None, code: ExitCode, error_class: str) -> Outcome:
    sys.stderr.write(plain(f"jetllm: error: {message}\n"))
    if fix:
        sys.stderr.write(plain(f"  fix: {fix}\n"))
    return Outcome(int(code), None, (ErrorItem(error_class, message, fix),))


def _command(argv: list[str]) -> str:
    """The command a command line names ("try", "profiles show"), for the JSON envelope."""
    words = [a for a in argv if a != "--" and not a.startswith("-")]
    if not words:
        return "jetllm"
    if words[0] == "profiles" and len(words) > 1 and words[1] == "show":
        return "profiles show"
    return words[0]


def _wants_json(argv: list[str]) -> bool:
    return "--json" in argv[: argv.index("--")] if "--" in argv else "--json" in argv


def run(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code (tests call this in-process).

    With --json, exactly one JSON document goes to stdout whatever happens:
    the command's Outcome, or the error that stopped it (jetllm/envelope.py).
    """
    args = list(sys.argv[1:] if argv is None else argv)
    outcome = _run(args)
    if outcome.exit_code == ExitCode.INTERRUPTED:  # Ctrl-C or SIGTERM, whichever layer caught it
        sys.stderr.write("jetllm: interrupted\n")
        if not outcome.errors:
            outcome = Outcome(outcome.exit_code, outcome.data,
                              (ErrorItem(INTERRUPTED, "interrupted (Ctrl-C or SIGTERM)"),))
    # Exit 0 without data is --help or --version: their text is the answer.
    if _wants_json(args) and (outcome.exit_code != 0 or outcome.data is not None):
        return write(_command(args), outcome)
    return int(outcome.exit_code)


def _run(argv: list[str]) -> Outcome:
    try:
        result = app(args=argv, prog_name="jetllm", standalone_mode=False)
        if isinstance(result, Outcome):
            return result
        return Outcome(int(result) if isinstance(result, int) else 0)
    except typer.Exit as done:
        return Outcome(int(done.exit_code))
    except click_exc.NoArgsIsHelpError as bare:
        # `jetllm` or `jetllm profiles` alone: show what there is to run.
        sys.stderr.write(bare.format_message() + "\n")
        return Outcome(int(ExitCode.USAGE), None,
                       (ErrorItem(USAGE_ERROR, "no command given (see 'jetllm --help')"),))
    except click_exc.UsageError as bad:
        where = bad.ctx.command_path if bad.ctx else "jetllm"
        return _fail(f"{bad.format_message()} (see '{where} --help')", None, ExitCode.USAGE, USAGE_ERROR)
    except click_exc.ClickException as bad:
        return _fail(bad.format_message(), None, ExitCode.USAGE, USAGE_ERROR)
    except (KeyboardInterrupt, typer.Abort):
        return Outcome(int(ExitCode.INTERRUPTED))
    except JetllmError as failure:
        return _fail(failure.message, failure.fix, failure.exit_code, failure.error_class)
    except BrokenPipeError:
        # `jetllm ... --json | head`: the reader left; not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return Outcome(int(ExitCode.OK))
    except Exception as bug:  # the one place that maps bugs to a line
        if os.environ.get("JETLLM_DEBUG"):
            raise
        return _fail(
            f"internal error: {type(bug).__name__}: {bug}",
            "rerun with --debug and report the traceback",
            ExitCode.NOT_WORKING,
            INTERNAL_ERROR,
        )


def main() -> None:
    from jetllm.runtime.signals import install_sigterm_handler

    install_sigterm_handler()  # `kill`, `docker stop`, a CI timeout: cleaned up like Ctrl-C
    sys.exit(run())
