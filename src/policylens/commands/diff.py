"""``policylens diff OLD NEW``: what changed between two exported data packages."""

from __future__ import annotations

import sys

NAME = "diff"
HELP = (
    "Compare two exported data packages (folders from `policylens export`): records added, "
    "changed, retracted, removed, and figures whose value or support status changed."
)


def add_arguments(parser) -> None:
    """Options of ``policylens diff``."""
    parser.add_argument(
        "old",
        metavar="OLD",
        help="earlier package: a folder (datapackage.json + CSVs) or a release zip",
    )
    parser.add_argument("new", metavar="NEW", help="folder of the later package")
    parser.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    parser.add_argument("--out", metavar="FILE", help="write to FILE instead of standard output")


def run(args) -> int:
    """Exit 0 when compared (whether or not they differ); 2 when a folder is not a data package."""
    from policylens.diff import (
        PackageError,
        diff_packages,
        read_package,
        render_json,
        render_markdown,
    )

    try:
        old, new = read_package(args.old), read_package(args.new)
    except PackageError as exc:
        print(f"policylens diff: {exc}", file=sys.stderr)
        return 2
    result = diff_packages(old, new)
    text = render_json(result) if args.json else render_markdown(result)
    if args.out:
        from pathlib import Path

        from policylens.package import write_files_atomically

        out = Path(args.out)
        write_files_atomically(
            out.parent if str(out.parent) else Path("."), {out.name: text.encode("utf-8")}
        )
    else:
        sys.stdout.write(text)
    return 0
