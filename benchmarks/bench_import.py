"""Benchmark: the OxCGRT importer on a synthetic 1,000,000-row v1 file, against pandas.read_csv.

Run on demand (not part of the tests):  .venv/bin/python benchmarks/bench_import.py [--rows N]

Every figure is a ratio against a baseline measured in the same run: ``pandas.read_csv`` of the
same file (``dtype=str, keep_default_na=False``, the way the file must be read to keep "NA"), which
only parses the file into memory and does nothing else. Each measurement runs in a fresh Python
process, so peak memory (``ru_maxrss`` minus the resident size before the call) is that call's own.
The importer is also run on a file a quarter the size: its peak memory should barely change
(streaming), while ``read_csv``'s grows with the file.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

INDICATORS = (
    "C1_School closing",
    "C2_Workplace closing",
    "C3_Cancel public events",
    "C4_Restrictions on gatherings",
    "C5_Close public transport",
    "C6_Stay at home requirements",
    "C7_Restrictions on internal movement",
    "C8_International travel controls",
    "H1_Public information campaigns",
    "H2_Testing policy",
)


def header() -> list[str]:
    """A v1 "withnotes" style header: identifiers, indicators with flag and notes, H3, indices."""
    cols = ["CountryName", "CountryCode", "RegionName", "RegionCode", "Jurisdiction", "Date"]
    for name in INDICATORS:
        code = name.split("_")[0]
        cols += [name, f"{code}_Flag", f"{code}_Notes"]
    cols += [
        "H3_Contact tracing",
        "H3_Flag",
        "H3_Notes",
        "ConfirmedCases",
        "ConfirmedDeaths",
        "StringencyIndex",
    ]
    return cols


def write_synthetic(path: Path, rows: int, days: int = 1000, seed: int = 0) -> None:
    """``rows`` daily rows: ``rows // days`` jurisdictions x ``days`` days; H3 changes ~every 60."""
    rng = random.Random(seed)
    start = dt.date(2020, 1, 1)
    dates = [(start + dt.timedelta(days=d)).strftime("%Y%m%d") for d in range(days)]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header())
        for j in range(max(rows // days, 1)):
            country, code = f"Country {j // 10}", f"C{j // 10:02d}"[-3:].rjust(3, "X")
            region, region_code, juris = (
                ("", "", "NAT_TOTAL")
                if j % 10 == 0
                else (f"Region {j}", f"{code}_{j}", "STATE_TOTAL")
            )
            level = 0
            for d in range(days):
                note = ""
                if rng.random() < 1 / 60:
                    level = rng.choice([x for x in (0, 1, 2) if x != level])
                    note = (
                        f"Level {level}: https://web.archive.org/web/2020{d:04d}/"
                        f"https://example.org/{j}/{d} "
                        f'["tracing, for {level} cases"] and https://example.org/{j}/{d}/b'
                    )
                row = [country, code, region, region_code, juris, dates[d]]
                for _ in INDICATORS:
                    row += [str(rng.randint(0, 3)), str(rng.randint(0, 1)), ""]
                row += [str(level), "", note, str(d * 10), str(d), f"{rng.random() * 100:.2f}"]
                writer.writerow(row)


def _rss_now() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * resource.getpagesize()


def child(kind: str, path: str) -> None:
    """Measure one call in this process; print JSON with seconds and peak memory growth."""
    import pandas as pd

    from policylens.importers import oxcgrt

    before = _rss_now()
    t0 = time.perf_counter()
    if kind == "importer":
        result = oxcgrt.import_file(Path(path))
        extra = {
            "rows_read": result.rows_read,
            "events": len(result.tables["events"]),
            "sources": len(result.tables["sources"]),
        }
    else:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        extra = {"rows_read": len(frame)}
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(
        json.dumps({"kind": kind, "seconds": seconds, "peak_bytes": max(peak - before, 0), **extra})
    )


def measure(kind: str, path: Path) -> dict:
    """Run ``child`` in a fresh interpreter and return its figures."""
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    """Write the synthetic files, measure, print the figures and their ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--child", nargs=2, metavar=("KIND", "FILE"), help=argparse.SUPPRESS)
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    with tempfile.TemporaryDirectory() as tmp:
        big, small = Path(tmp) / "oxcgrt_big.csv", Path(tmp) / "oxcgrt_quarter.csv"
        t0 = time.perf_counter()
        write_synthetic(big, args.rows)
        write_synthetic(small, args.rows // 4)
        print(
            f"synthetic files: {args.rows:,} rows ({big.stat().st_size / 1e6:.0f} MB) and "
            f"{args.rows // 4:,} rows "
            f"({small.stat().st_size / 1e6:.0f} MB), written in {time.perf_counter() - t0:.0f} s"
        )
        baseline = measure("read_csv", big)
        importer = measure("importer", big)
        quarter = measure("importer", small)
    mb = 1024 * 1024
    figures = {
        "rows": args.rows,
        "read_csv": baseline,
        "importer": importer,
        "importer_quarter_file": quarter,
        "time_ratio_importer_over_read_csv": importer["seconds"] / baseline["seconds"],
        "memory_ratio_importer_over_read_csv": importer["peak_bytes"]
        / max(baseline["peak_bytes"], 1),
        "importer_memory_ratio_full_over_quarter_file": importer["peak_bytes"]
        / max(quarter["peak_bytes"], 1),
    }
    print(
        f"pandas.read_csv (baseline): {baseline['seconds']:.2f} s, "
        f"peak +{baseline['peak_bytes'] / mb:.0f} MiB"
    )
    print(
        f"oxcgrt importer:            {importer['seconds']:.2f} s, "
        f"peak +{importer['peak_bytes'] / mb:.0f} MiB "
        f"({importer['events']:,} events, {importer['sources']:,} sources)"
    )
    print(
        f"importer on 1/4 of the rows: {quarter['seconds']:.2f} s, "
        f"peak +{quarter['peak_bytes'] / mb:.0f} MiB"
    )
    print(
        f"ratios: time importer/read_csv = {figures['time_ratio_importer_over_read_csv']:.2f}; "
        f"peak memory importer/read_csv = {figures['memory_ratio_importer_over_read_csv']:.2f}; "
        "importer peak memory full/quarter file = "
        f"{figures['importer_memory_ratio_full_over_quarter_file']:.2f}"
    )
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
