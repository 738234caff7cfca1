"""``policylens cite``: the sources behind a deployment or a brief, for reference managers."""

from __future__ import annotations

import sys

NAME = "cite"
HELP = (
    "Print the sources behind a deployment or a brief (or the whole dataset) as BibTeX, CSL-JSON "
    "or RIS, for Zotero and other reference managers."
)


def add_arguments(parser) -> None:
    """Options of ``policylens cite``."""
    parser.add_argument(
        "--format",
        choices=("bibtex", "csl-json", "ris"),
        default="bibtex",
        help="output format (default: bibtex)",
    )
    which = parser.add_mutually_exclusive_group()
    which.add_argument(
        "--deployment",
        metavar="ID",
        action="append",
        help="a deployment id (repeat for several): its sources and those of its events, "
        "figures and organisations' roles",
    )
    which.add_argument(
        "--brief",
        metavar="NAME",
        help="a brief of the matrix, e.g. country_profile-FR.en (the language may be left out): "
        "the sources its sources section lists",
    )
    parser.add_argument("--data", metavar="DIR", help="curated folder (default: data/curated)")
    parser.add_argument(
        "--matrix", metavar="FILE", help="brief matrix (default: reports/briefs.yaml)"
    )
    parser.add_argument("--out", metavar="FILE", help="write to FILE instead of standard output")


def _brief(name: str, matrix_path):
    """The matrix brief called ``name`` (with or without its ``.lang`` suffix)."""
    from policylens import paths
    from policylens.build.matrix import read_matrix

    matrix = read_matrix(matrix_path, paths.REPO_ROOT, paths.REPORTS_DIR)
    found = [b for b in matrix.briefs if name in (b.id, b.id.rsplit(".", 1)[0])]
    variants = {(b.notebook.name, repr(sorted(b.parameters.items()))) for b in found}
    if len(variants) > 1:
        raise LookupError(
            f"brief {name!r} matches briefs with different parameters: "
            + ", ".join(sorted(b.id for b in found))
        )
    if not found:
        known = sorted({b.id.rsplit(".", 1)[0] for b in matrix.briefs})
        from policylens.errors import did_you_mean

        raise LookupError(
            f"no brief {name!r} in {matrix.path}{did_you_mean(name, known)}; "
            f"expected one of: {', '.join(known[:30])}"
        )
    return found[0]


def _source_ids(args, data) -> list[str]:
    from pathlib import Path

    from policylens import citations, paths
    from policylens.errors import did_you_mean

    if args.deployment:
        known = set(data.tables["deployments"]["deployment_id"].astype(str))
        unknown = [d for d in args.deployment if d not in known]
        if unknown:
            raise LookupError(
                "; ".join(f"unknown deployment id {d!r}{did_you_mean(d, known)}" for d in unknown)
            )
        return sorted(
            {s for d in args.deployment for s in citations.sources_for_deployment(d, data)}
        )
    if args.brief:
        brief = _brief(args.brief, Path(args.matrix) if args.matrix else paths.BRIEF_MATRIX)
        # The notebook runs with its own defaults for what the matrix leaves out.
        defaults = citations.notebook_defaults(brief.notebook.path.read_text(encoding="utf-8"))
        params = {**defaults, **brief.parameters}
        params.pop("lang", None)
        return citations.sources_for_brief(brief.notebook.name, params, data)
    return sorted(set(data.tables["citations"]["source_id"].astype(str)))


def run(args) -> int:
    """Exit 0 when printed, 1 when the data is invalid, 2 for an unknown deployment or brief."""
    from policylens import citations
    from policylens.commands import load_or_report
    from policylens.build.matrix import MatrixError

    data = load_or_report("cite", args.data)
    if data is None:
        return 1
    try:
        ids = _source_ids(args, data)
    except LookupError as exc:
        print(f"policylens cite: {exc.args[0]}", file=sys.stderr)
        return 2
    except MatrixError as exc:  # every problem of the matrix, one per line
        print(f"policylens cite: {exc}", file=sys.stderr)
        return 2
    text = citations.render(ids, data, args.format)
    if args.out:
        from pathlib import Path

        from policylens.package import write_files_atomically

        out = Path(args.out)
        write_files_atomically(out.parent, {out.name: text.encode("utf-8")})
    else:
        sys.stdout.write(text)
    print(f"policylens cite: {len(ids)} source(s)", file=sys.stderr)
    return 0
