"""``policylens export``: write the tidy tables as a Frictionless data package."""

from __future__ import annotations

import sys

NAME = "export"
HELP = "Validate, then write the tidy tables (CSV and Parquet), datapackage.json and the codebook to a folder."


def add_arguments(parser) -> None:
    """Options of ``policylens export``."""
    parser.add_argument("--out", metavar="DIR", default="data/tidy", help="output folder (default: data/tidy)")
    parser.add_argument("--data", metavar="DIR", help="curated folder (default: data/curated)")
    parser.add_argument("--include-retracted", action="store_true",
                        help="keep retracted records (marked record_status=retracted)")


def run(args) -> int:
    """Exit 0 when written, 1 when the data is invalid (nothing is written)."""
    from policylens.commands import load_or_report
    from policylens.package import write_package

    data = load_or_report("export", args.data, include_retracted=True,
                          consequence="nothing written; fix the problems above.")
    if data is None:
        return 1
    tables = dict(data.tables)
    if not args.include_retracted:
        tables = {n: df[df["record_status"] != "retracted"] if "record_status" in df.columns else df
                  for n, df in tables.items()}
    names = write_package(tables, args.out, data.version)
    print(f"wrote {len(names)} files to {args.out} (data version {data.version})", file=sys.stderr)
    return 0
