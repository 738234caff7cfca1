"""``policylens stats``: counts of the curated data against the dataset's minimums."""

from __future__ import annotations

NAME = "stats"
HELP = "Print record counts (deployments, countries, events, figures, claims, sources) against the minimums."

# Minimum coverage the briefs were designed for; below these a comparison is thin.
MINIMUMS = {"deployments": 30, "countries": 12, "dated events": 80, "figures": 50}


def add_arguments(parser) -> None:
    """Options of ``policylens stats``."""
    parser.add_argument("--data", metavar="DIR", help="curated folder (default: data/curated)")


def coverage(data) -> dict[str, int]:
    """Counts that the minimums and the summary talk about."""
    d = data.tables
    return {
        "deployments": len(d["deployments"]),
        "countries": int(d["deployments"]["country_code"].dropna().nunique()),
        "dated events": int(d["events"]["event_date"].notna().sum()),
        "figures": len(d["figures"]),
        "claims": len(d["claims"]),
        "sources": len(d["sources"]),
        "organisations": len(d["organisations"]),
        "citations": len(d["citations"]),
        "quotes": int(d["citations"]["quote"].notna().sum()),
    }


def run(args) -> int:
    """Exit 0 when every minimum holds, 1 when one does not or the data is invalid."""
    from policylens.commands import load_or_report

    data = load_or_report("stats", args.data)
    if data is None:
        return 1
    counts = coverage(data)
    short = False
    for name, count in counts.items():
        minimum = MINIMUMS.get(name)
        mark = "" if minimum is None else (f"  (minimum {minimum}: {'ok' if count >= minimum else 'SHORT'})")
        short |= minimum is not None and count < minimum
        print(f"{name:<14}{count:>6}{mark}")
    claims = data.tables["claims"]
    if len(claims):
        print("claims by verdict: " + ", ".join(f"{k} {v}" for k, v in claims["verdict"].value_counts().items() if v))
    return 1 if short else 0
