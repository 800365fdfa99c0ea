"""`incident-console`: the command line.

Subcommands live in `console.commands.*`, one module each, registered in `COMMANDS`. Every
command takes the same common flags. This module and the command modules import nothing heavy
at import time (no textual, no aiobotocore, no moto) so that ``--help`` is instant.

Errors a user can fix (bad flags, bad config, no credentials, unknown stack, unreachable
endpoint) end in one message and exit code 2; anything unexpected in one line pointing to the
log file, exit code 1. A traceback is never printed.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path

COMMANDS = ("dashboard", "demo", "status", "check", "incident", "tail", "changes",
            "config-path")
_MODULES = {"config-path": "config_path"}


class CliParser(argparse.ArgumentParser):
    """argparse, but a bad flag ends in one line that says what to run for help."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: {message}\n  run `{self.prog} --help` for the options\n")


def add_common_flags(parser: argparse.ArgumentParser) -> None:
    """The flags every command takes. Defaults are SUPPRESS so that a flag given before the
    subcommand is not reset by the subcommand's own copy."""
    s = argparse.SUPPRESS
    group = parser.add_argument_group("environment")
    group.add_argument("--env", default=s, metavar="NAME",
                       help="environment from the config file")
    group.add_argument("--profile", default=s, help="AWS profile (default: AWS_PROFILE)")
    group.add_argument("--region", default=s,
                       help="AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, eu-west-1)")
    group.add_argument("--endpoint-url", default=s, metavar="URL",
                       help="AWS endpoint URL, e.g. an emulator (default: AWS_ENDPOINT_URL)")
    group.add_argument("--stack", default=s,
                       help="CloudFormation stack (default: children-drawing-prod)")
    group.add_argument("--cluster", default=s, help="ECS cluster (default: from the stack)")
    group.add_argument("--service", default=s, help="ECS service (default: from the stack)")
    group.add_argument("--log-group", dest="log_groups", action="append", default=s,
                       metavar="NAME", help="log group, repeatable (default: from the task "
                       "definition)")
    mode = group.add_mutually_exclusive_group()
    mode.add_argument("--read-only", dest="write", action="store_false", default=s,
                      help="never change AWS state (the default)")
    mode.add_argument("--write", dest="write", action="store_true", default=s,
                      help="allow actions that change AWS state, after confirmation")
    group.add_argument("--config", type=Path, default=s, metavar="FILE",
                       help="config file (default: see `incident-console config-path`)")


def build_parser() -> argparse.ArgumentParser:
    parser = CliParser(
        prog="incident-console",
        description="A terminal incident console for the children-drawing-prod deployment "
        "on AWS: live panes, a log tail that loses nothing, guided runbooks. Without a "
        "command it opens the dashboard.",
    )
    add_common_flags(parser)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND",
                                       parser_class=CliParser)
    for name in COMMANDS:
        module = command_module(name)
        sub = subparsers.add_parser(name, help=module.HELP, description=module.DESCRIPTION)
        module.add_arguments(sub)
        add_common_flags(sub)
    return parser


def command_module(name: str):
    return importlib.import_module(f"console.commands.{_MODULES.get(name, name)}")


def flags_from(args: argparse.Namespace):
    from console.config import Flags

    return Flags(
        env=getattr(args, "env", None),
        profile=getattr(args, "profile", None),
        region=getattr(args, "region", None),
        endpoint_url=getattr(args, "endpoint_url", None),
        stack=getattr(args, "stack", None),
        cluster=getattr(args, "cluster", None),
        service=getattr(args, "service", None),
        log_groups=tuple(getattr(args, "log_groups", ()) or ()),
        write=getattr(args, "write", None),
        config=getattr(args, "config", None),
    )


def main(argv: Sequence[str] | None = None) -> int:
    return _run(argv)[1]


def _run(argv: Sequence[str] | None) -> tuple[str, int]:
    """The command's name and its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    name = args.command or "dashboard"
    from console.errors import run_guarded

    return name, run_guarded(lambda: command_module(name).run(args), prog=parser.prog)


# One-shot commands that only read AWS and write stdout, stderr and the log.
QUICK_EXIT = ("status", "check", "changes")


def entry() -> None:
    """The console script. A one-shot read command ends as soon as its output and log are
    written, without the interpreter's teardown: freeing botocore's service models and every
    module took ~0.2 s after `status` had printed, a sixth of its run. Everything else exits
    as Python does."""
    name, code = _run(None)
    if name not in QUICK_EXIT:
        sys.exit(code)
    import logging
    import os

    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):  # the reader left: nothing more to write
        pass
    logging.shutdown()
    os._exit(code)
