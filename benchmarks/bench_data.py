"""Benchmark: load + validate + export, on the real data and on synthetic data made from the schema.

Run on demand (not part of the tests):  ./dev bench   or   .venv/bin/python benchmarks/bench_data.py

Every figure is reported as a ratio against a baseline measured in the same run: a plain
``yaml.safe_load`` of the same files (what any script reading the data would pay at least).
Linearity is checked by validating 2,500, 5,000 and 10,000 synthetic deployments and comparing the
time per deployment.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

import yaml

from policylens import paths, schema, vocab
from policylens.curated import read_curated
from policylens.package import write_package
from policylens.tables import build_tables
from policylens.validate import find_issues

SIZES = (2_500, 5_000, 10_000)


def _value(name: str, rng: random.Random, i: int) -> str:
    field = schema.FIELDS[name]
    if field.vocabulary:
        return rng.choice(list(vocab.VOCABULARIES[field.vocabulary].codes))
    if field.type == "partial_date":
        return rng.choice([f"{2010 + i % 10}", f"{2010 + i % 10}-0{1 + i % 9}", f"{2010 + i % 10}-0{1 + i % 9}-1{i % 9}"])
    if field.type in ("number", "integer"):
        return str(rng.randint(1, 100_000))
    if field.type == "url":
        return f"https://example.org/{i}"
    return f"{name} {i}"


def synthetic_dataset(root: Path, deployments: int, seed: int = 0) -> None:
    """Write ``deployments`` synthetic deployment files (2 events, 2 figures each) plus their sources."""
    rng = random.Random(seed)
    for folder in schema.CURATED_FOLDERS.values():
        (root / folder).mkdir(parents=True, exist_ok=True)
    sources = [{"source_id": f"src-{k}", "url": f"https://example.org/s/{k}", "source_title": f"Source {k}",
                "title_status": "as_published", "publisher_name": "Example", "published_date": "2019-01-01",
                "language_code": "en", "source_kind": "major_media"} for k in range(deployments)]
    # Several files, as curators would split them: one file is capped at 1 MB.
    for start in range(0, len(sources), 1000):
        chunk = yaml.safe_dump(sources[start:start + 1000], allow_unicode=True, sort_keys=False)
        (root / "sources" / f"synthetic-{start // 1000:03d}.yaml").write_text(chunk)
    (root / "organisations" / "synthetic.yaml").write_text(yaml.safe_dump([
        {"organisation_id": "org-0", "organisation_name": "Org", "organisation_kind": "company"}]))
    for i in range(deployments):
        did = f"XX-SYN-{i:05d}"
        # A fresh list per use: a shared object would be written as a YAML alias, which the loader refuses.
        def cite() -> list[dict]:
            return [{"source_id": f"src-{i}", "quote": "words", "citation_role": "supports"}]  # noqa: B023

        record = {key: _value(key, rng, i) for key in ("title", "place_name", "category", "status", "summary")}
        record.update(deployment_id=did, country_code="FR", geographic_level="city", start_date="2015",
                      end_date="2019-06-30", sources=cite(),
                      organisations=[{"organisation_id": "org-0", "role": "vendor", "sources": cite()}],
                      events=[{"event_id": f"{did}-E{k}", "event_date": f"2016-0{k + 1}", "event_type": "launched",
                               "description": "x", "sources": cite()} for k in range(2)],
                      figures=[{"figure_id": f"{did}-F{k}", "metric": "cameras", "value": str(100 + k), "unit": "count",
                                "as_of_date": "2017", "figure_basis": "reported", "support_status": "single_source",
                                "sources": cite()} for k in range(2)])
        (root / "deployments" / f"{did}.yaml").write_text(yaml.safe_dump(record, sort_keys=False))


def _time(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def measure(root: Path, repeat: int) -> dict[str, float]:
    """Seconds for the baseline and each stage on the folder ``root``."""
    files = sorted(root.rglob("*.yaml"))
    baseline = _time(lambda: [yaml.safe_load(p.read_text(encoding="utf-8")) for p in files], repeat)
    read = _time(lambda: read_curated(root), repeat)
    data = read_curated(root)
    issues = []
    validate = _time(lambda: issues.append(find_issues(data)), repeat)
    if issues[-1]:
        print(f"  note: {root} has {len(issues[-1])} validation problem(s); timings still comparable")
    tables = build_tables(data)
    with tempfile.TemporaryDirectory() as out:
        export = _time(lambda: write_package(tables, Path(out), "bench"), 1)
    return {"safe_load": baseline, "read": read, "validate": validate,
            "tables": _time(lambda: build_tables(data), 1), "export": export}


def report(label: str, t: dict[str, float]) -> None:
    """Print one line of timings as ratios to the baseline."""
    total = t["read"] + t["validate"] + t["tables"] + t["export"]
    print(f"{label:<28} safe_load {t['safe_load']:.3f}s | read x{t['read'] / t['safe_load']:.2f} "
          f"validate x{t['validate'] / t['safe_load']:.2f} tables x{t['tables'] / t['safe_load']:.2f} "
          f"export x{t['export'] / t['safe_load']:.2f} | whole pipeline x{total / t['safe_load']:.2f}")


def main() -> None:
    """Run the benchmark and print ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    report("real data", measure(paths.CURATED_DIR, args.repeat))
    per_record = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in SIZES:
            root = Path(tmp) / str(size)
            synthetic_dataset(root, size)
            t = measure(root, 1)
            report(f"synthetic {size:,} deployments", t)
            per_record[size] = t["validate"] / size
    smallest = per_record[SIZES[0]]
    print("validation time per deployment, relative to the smallest run: "
          + ", ".join(f"{size:,}: x{per_record[size] / smallest:.2f}" for size in SIZES)
          + "  (x1.00 everywhere = linear)")


if __name__ == "__main__":
    main()
