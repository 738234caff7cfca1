"""One module per ``policylens`` subcommand (see ``policylens.cli``)."""

from __future__ import annotations

import sys


def load_or_report(command: str, path=None, *, include_retracted: bool = False, consequence: str = ""):
    """``policylens.load()``, or None after printing every data problem for ``command``.

    Commands return exit code 1 (invalid data) when this returns None.
    """
    import policylens
    from policylens.errors import CurationError

    try:
        return policylens.load(path, include_retracted=include_retracted)
    except CurationError as exc:
        print(exc.render(), file=sys.stderr)
        if consequence:
            print(f"policylens {command}: {consequence}", file=sys.stderr)
        return None
