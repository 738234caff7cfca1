"""``policylens import``: OxCGRT, Atlas of Surveillance or mapped tables into the tidy tables."""

from __future__ import annotations

import sys

NAME = "import"
HELP = "Import an external dataset (oxcgrt, atlas, a mapped table) into the tidy tables."

_EPILOG = """Output (in --out): every tidy table as CSV and Parquet, datapackage.json, codebook.md,
import_report.json (rows read = imported + rejected), rejected_rows.csv (row, reason) and
unknown_vendors.csv (vendor strings the crosswalk does not know). Exit codes: 0 imported,
1 invalid input (nothing written), 2 usage or mapping error, 3 imported with rejected rows."""


def add_arguments(parser) -> None:
    """Subcommands ``oxcgrt``, ``atlas`` and ``table``."""
    import argparse

    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = _EPILOG
    sub = parser.add_subparsers(dest="import_format", metavar="FORMAT")
    specs = {
        "oxcgrt": "OxCGRT v1 or timeseries CSV: H3 (manual contact tracing) as dated events",
        "atlas": "EFF Atlas of Surveillance CSV (28 columns): agency x technology deployments",
        "table": "a country x technology x vendor table (CSV or XLSX) read through a mapping file",
    }
    for name, text in specs.items():
        p = sub.add_parser(
            name,
            help=text,
            description=text,
            epilog=_EPILOG,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        p.add_argument("file", metavar="FILE", help="the file to import")
        p.add_argument(
            "--out", metavar="DIR", required=True, help="output folder (written atomically)"
        )
        p.add_argument(
            "--encoding",
            metavar="NAME",
            default=None,
            help="text encoding of a CSV file (default utf-8; e.g. cp1252, latin-1)",
        )
        if name != "oxcgrt":
            p.add_argument(
                "--curated",
                metavar="DIR",
                default=None,
                help="curated folder whose organisations are the vendor crosswalk "
                "(default data/curated)",
            )
        if name == "table":
            p.add_argument(
                "--mapping",
                metavar="MAP.yaml",
                required=True,
                help="mapping file (see docs/importing.md)",
            )


def _crosswalk(args):
    from policylens.importers import common

    return common.curated_crosswalk(args.curated)


def run(args) -> int:
    """Import one file and print its reconciliation; exit 0, 1, 2 or 3 (rows rejected)."""
    from policylens.errors import CurationError
    from policylens.importers import atlas, common, oxcgrt, table

    fmt = getattr(args, "import_format", None)
    if not fmt:
        print(
            "policylens import: choose a format: oxcgrt, atlas or table "
            "(see policylens import --help)",
            file=sys.stderr,
        )
        return 2
    try:
        if fmt == "oxcgrt":
            result = oxcgrt.import_file(args.file, args.encoding or "utf-8")
        elif fmt == "atlas":
            result = atlas.import_file(args.file, args.encoding or "utf-8", _crosswalk(args))
        else:
            result = table.import_file(args.file, args.mapping, args.encoding, _crosswalk(args))
        names = common.write_import(result, args.out)
    except common.MappingError as exc:
        print("\n".join(exc.problems), file=sys.stderr)
        print("policylens import: the mapping file is invalid; nothing written.", file=sys.stderr)
        return 2
    except common.ImportInputError as exc:
        print("\n".join(exc.problems), file=sys.stderr)
        print("policylens import: nothing written.", file=sys.stderr)
        return 1
    except CurationError as exc:
        print(exc.render(), file=sys.stderr)
        print(
            "policylens import: the curated data (the vendor crosswalk) is invalid; "
            "nothing written.",
            file=sys.stderr,
        )
        return 1
    print(result.summary(), file=sys.stderr)
    print(f"wrote {len(names)} files to {args.out}", file=sys.stderr)
    return 3 if result.rejected else 0
