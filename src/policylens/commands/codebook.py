"""``policylens codebook``: regenerate docs/codebook.md from the schema."""

from __future__ import annotations

NAME = "codebook"
HELP = "Rewrite docs/codebook.md from src/policylens/schema.py and vocab.py."


def add_arguments(parser) -> None:
    """Options of ``policylens codebook``."""
    parser.add_argument("--out", metavar="FILE", help="output file (default: docs/codebook.md)")


def run(args) -> int:
    """Write the codebook; exit 0."""
    from pathlib import Path

    from policylens import paths
    from policylens.package import codebook_markdown, write_files_atomically

    target = Path(args.out) if args.out else paths.CODEBOOK
    write_files_atomically(target.parent, {target.name: codebook_markdown().encode("utf-8")})
    print(f"wrote {target}")
    return 0
