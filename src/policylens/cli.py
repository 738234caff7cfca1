"""The ``policylens`` command line: a thin dispatcher over ``policylens.commands``.

Every module in ``policylens/commands/`` is one subcommand. It defines ``NAME``, ``HELP``,
``add_arguments(parser)`` and ``run(args) -> int``, and imports heavy libraries inside ``run`` so
that ``policylens --help`` and a no-op build stay fast.

Exit codes (shared by every subcommand):
  0 success · 1 invalid data · 2 usage or configuration error · 3 partial failure
  (some briefs failed, the rest were built) · 4 infrastructure failure (lock held, disk, kernel).
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys

from policylens import commands

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_PARTIAL, EXIT_INFRA = 0, 1, 2, 3, 4


def command_modules() -> dict[str, object]:
    """Subcommand name -> module, for every module in ``policylens.commands``."""
    found = {}
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        found[module.NAME] = module
    return found


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser, one subparser per command module."""
    parser = argparse.ArgumentParser(prog="policylens", description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="\n".join(__doc__.splitlines()[6:]))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module in command_modules().items():
        p = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(p)
        p.set_defaults(_run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``policylens`` script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return int(args._run(args) or 0)
    except KeyboardInterrupt:
        print("policylens: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`policylens stats | head`): not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
