"""``policylens release VERSION --out DIR``: a dated, reproducible data-package zip."""

from __future__ import annotations

import sys

NAME = "release"
HELP = (
    "Write a versioned data package zip (tables, datapackage.json, codebook, changelog excerpt, "
    "SHA-256 checksums), byte-identical when rebuilt from the same commit."
)


def add_arguments(parser) -> None:
    """Options of ``policylens release``."""
    parser.add_argument(
        "version", metavar="VERSION", help="calendar version YYYY.MM.DD (or YYYY.MM.DD.N)"
    )
    parser.add_argument(
        "--out", metavar="DIR", default="dist", help="output folder (default: dist)"
    )
    parser.add_argument("--data", metavar="DIR", help="curated folder (default: data/curated)")
    parser.add_argument(
        "--changelog", metavar="FILE", help="data changelog (default: data/CHANGELOG.md)"
    )
    parser.add_argument(
        "--citation", metavar="FILE", help="CITATION.cff to include (default: the repository's)"
    )
    parser.add_argument(
        "--include-retracted",
        action="store_true",
        help="keep retracted records (marked record_status=retracted)",
    )


def run(args) -> int:
    """Exit 0 when written, 1 when the data is invalid, 2 for a bad version or missing changelog."""
    from pathlib import Path

    from policylens import paths
    from policylens.commands import load_or_report
    from policylens.release import ReleaseError, make_release, parse_version

    try:
        parse_version(args.version)
    except ReleaseError as exc:
        print(f"policylens release: {exc}", file=sys.stderr)
        return 2
    changelog_path = Path(args.changelog) if args.changelog else paths.DATA_DIR / "CHANGELOG.md"
    if not changelog_path.is_file():
        print(
            f"policylens release: {changelog_path}: not found; expected the data changelog",
            file=sys.stderr,
        )
        return 2
    citation_path = Path(args.citation) if args.citation else paths.REPO_ROOT / "CITATION.cff"
    data = load_or_report("release", args.data, include_retracted=args.include_retracted,
                          consequence="nothing written; fix the problems above.")
    if data is None:
        return 1
    try:
        made = make_release(
            data.tables,
            args.version,
            data.version,
            Path(args.out),
            changelog_path.read_text(encoding="utf-8"),
            citation_path.read_bytes() if citation_path.is_file() else None,
        )
    except ReleaseError as exc:
        print(f"policylens release: {exc}", file=sys.stderr)
        return 2
    print(f"{made.sha256}  {made.path}")
    print(
        f"policylens release: {len(made.files)} files, data as of {made.data_as_of or 'unknown'}",
        file=sys.stderr,
    )
    return 0
