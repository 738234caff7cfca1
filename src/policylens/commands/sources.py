"""``policylens sources verify-quotes``: check quotes against archived source texts."""

from __future__ import annotations

import sys

NAME = "sources"
HELP = "Work with sources: `verify-quotes --archive DIR` checks every quote against archived texts."


def add_arguments(parser) -> None:
    """Sub-commands of ``policylens sources``."""
    sub = parser.add_subparsers(dest="sources_command", metavar="ACTION", required=True)
    verify = sub.add_parser("verify-quotes", help="check that each quote appears in its source's archived text")
    verify.add_argument("--archive", metavar="DIR", required=True,
                        help="folder of source texts, matched to sources by SHA-256 (text_sha256)")
    verify.add_argument("--data", metavar="DIR", help="curated folder (default: data/curated)")


def run(args) -> int:
    """Exit 0 when every archived quote is found, 1 when one is not, 2 when the archive is missing."""
    from pathlib import Path

    from policylens.commands import load_or_report
    from policylens.quotes import check_quotes

    archive = Path(args.archive)
    if not archive.is_dir():
        print(f"policylens sources verify-quotes: no such folder: {archive}", file=sys.stderr)
        return 2
    data = load_or_report("sources", args.data, include_retracted=True)
    if data is None:
        return 1
    checks, missing = check_quotes(data.sources, data.citations, archive)
    bad = [c for c in checks if not c.found]
    for c in bad:
        print(f"NOT FOUND in {c.archive_file} ({c.source_id}) for {c.target_id}: {c.quote[:100]!r}")
    for source_id in missing:
        print(f"note: the text of {source_id} is not in {archive}", file=sys.stderr)
    print(f"{len(checks) - len(bad)} of {len(checks)} quotes found in {len(set(c.source_id for c in checks))} "
          f"archived source(s)", file=sys.stderr)
    return 1 if bad else 0
