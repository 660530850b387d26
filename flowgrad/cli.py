"""The `flowgrad` command: each subcommand lives in the module that owns its work and is
imported only when used, so `flowgrad --help` stays fast."""

from __future__ import annotations

import argparse
import importlib
import sys

# subcommand -> (module with add_arguments(parser) and run(args) -> int, one-line help)
COMMANDS = {
    "demo": ("flowgrad.demo", "train the book's models on toy data; write logs and plots"),
    "board": ("flowgrad.summary.board", "start TensorBoard on a log folder"),
    "doctor": ("flowgrad.doctor.cli", "read loss curves in event files and diagnose them"),
    "launch": ("flowgrad.distributed.launch", "run a program on several MPI workers"),
}


def main(argv=None) -> int:
    """Entry point of the `flowgrad` command."""
    parser = argparse.ArgumentParser(prog="flowgrad", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    argv = sys.argv[1:] if argv is None else list(argv)
    chosen = next((a for a in argv if not a.startswith("-")), None)
    for name, (module_name, help_text) in COMMANDS.items():
        command = sub.add_parser(name, help=help_text)
        if name == chosen:
            module = importlib.import_module(module_name)
            module.add_arguments(command)
            command.set_defaults(handler=module.run)
    args = parser.parse_args(argv)
    if getattr(args, "handler", None) is None:
        parser.print_help()
        return 2
    return int(args.handler(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
