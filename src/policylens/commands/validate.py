"""``policylens validate``: report every problem in the curated data, sorted by file and line."""

from __future__ import annotations

import json
import sys

NAME = "validate"
HELP = "Check the curated data and list every problem with file:line, record, field, value and what was expected."


def add_arguments(parser) -> None:
    """Options of ``policylens validate``."""
    parser.add_argument("--data", metavar="DIR", help="curated folder (default: data/curated)")
    parser.add_argument("--json", action="store_true", help="print the problems as JSON")


def run(args) -> int:
    """Exit 0 when valid, 1 when any problem was found, 2 when the folder does not exist."""
    import policylens
    from policylens.curated import read_curated
    from policylens.validate import find_issues

    root = policylens.curated_dir(args.data)
    if not root.is_dir():
        print(f"policylens validate: no such folder: {root}", file=sys.stderr)
        return 2
    data = read_curated(root)
    issues = find_issues(data)
    if args.json:
        print(json.dumps([i.as_dict() for i in issues], indent=2, ensure_ascii=False))
    else:
        for issue in issues:
            print(issue.render())
        files = len(data.file_sha256)
        verdict = f"{len(issues)} problem(s)" if issues else "valid"
        print(f"{verdict}: {len(data.records)} records in {files} files under {root}", file=sys.stderr)
    return 1 if issues else 0
