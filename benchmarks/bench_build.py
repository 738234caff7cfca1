"""Benchmark: ``policylens build`` against the naive loop and the plain-script bound, side by side.

Run on demand (not part of the tests):
    ./dev bench   or   .venv/bin/python benchmarks/bench_build.py [--repeat N] [--skip-naive]

The workload is eight parameterisations of ``benchmarks/build/bench_brief.py`` (pandas +
matplotlib, 1,000 rows, two charts, one table), as in tooling.md §4.2. Every mode runs in the
same session, on the same machine, and is reported as a ratio:

* **naive loop**: for each brief, ``papermill`` CLI then ``jupyter nbconvert --to html
  --no-input`` CLI, one after the other (what a Makefile does). HTML only.
* **plain-script bound**: one Python process imports the stack once and ``exec``s the
  notebook's code for each brief in turn (no notebook, no kernel, no HTML or PDF).
* **policylens build**: ``--force --jobs <cores>`` into a fresh folder, HTML *and* PDF.
* **policylens build, kernel engine**: the fallback, one fresh Jupyter kernel per brief.

Targets (issue 5): the build at least 8x faster than the naive loop, and within 1.5x of the
plain-script bound. Also measured: a no-op rebuild (everything up to date).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK = REPO / "benchmarks" / "build" / "bench_brief.py"
MATRIX = REPO / "benchmarks" / "build" / "matrix.yaml"
COUNTRIES = ("FR", "DE", "ES", "IT", "GB", "PL", "NL", "BE")
BIN = Path(sys.executable).parent
# A fixed data version: the benchmark brief does not read the curated data.
ENV = {**os.environ, "PYTHONHASHSEED": "0", "SOURCE_DATE_EPOCH": "1764115200",
       "MPLBACKEND": "Agg", "POLICYLENS_CURATED_DIR": str(REPO / "tests/fixtures/build/curated")}


CPU: dict[str, float] = {}  # mode -> CPU seconds (user + sys) of the last run, children included


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(cmd: list[str], mode: str, **kw) -> float:
    cpu, start = _cpu(), time.perf_counter()
    subprocess.run(cmd, check=True, env=ENV, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, **kw)
    CPU[mode] = _cpu() - cpu
    return time.perf_counter() - start


def naive_loop(work: Path) -> float:
    """papermill CLI + nbconvert CLI per brief, sequentially."""
    ipynb = work / "bench_brief.ipynb"
    subprocess.run([str(BIN / "jupytext"), "--to", "ipynb", "-o", str(ipynb), str(NOTEBOOK)],
                   check=True, env=ENV, capture_output=True)
    cpu, start = _cpu(), time.perf_counter()
    for country in COUNTRIES:
        out = work / f"out_{country}.ipynb"
        subprocess.run([str(BIN / "papermill"), str(ipynb), str(out), "-p", "country", country,
                        "-k", "python3", "--language", "python"], check=True, env=ENV,
                       capture_output=True)
        subprocess.run([str(BIN / "jupyter-nbconvert"), "--to", "html", "--no-input", str(out)],
                       check=True, env=ENV, capture_output=True)
    CPU["naive_loop"] = _cpu() - cpu
    return time.perf_counter() - start


def script_bound(work: Path) -> float:
    """The notebook's code exec'd 8 times in one process that imported the stack once."""
    script = work / "script_bound.py"
    script.write_text(_script_source(), encoding="utf-8")
    return _timed([sys.executable, str(script), str(NOTEBOOK), *COUNTRIES], "script_bound",
                  cwd=REPO)


def _script_source() -> str:
    return r'''
import contextlib, io, re, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt, numpy, pandas
from policylens import report
source = open(sys.argv[1], encoding="utf-8").read()
cells = re.split(r"^# %%.*\n", source, flags=re.M)
code = "\n".join(c for c in cells if not c.lstrip().startswith("# "))
for country in sys.argv[2:]:
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(code.replace('country = "FR"', f"country = {country!r}"), "brief", "exec"),
             {"__name__": "__main__"})
    plt.close("all")
'''


def policylens_build(out: Path, *extra: str, mode: str = "build") -> float:
    """``policylens build`` of the eight briefs into ``out``."""
    return _timed([str(BIN / "policylens"), "build", "--matrix", str(MATRIX), "--out", str(out),
                   *extra], mode, cwd=REPO)


def main() -> None:
    """Run every mode, print times and ratios, save them to benchmarks/results/."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of the fast modes (median)")
    parser.add_argument("--skip-naive", action="store_true", help="skip the slow naive loop")
    args = parser.parse_args()
    cores = len(os.sched_getaffinity(0))
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        results["script_bound_s"] = statistics.median(
            script_bound(work) for _ in range(args.repeat))
        results["build_s"] = statistics.median(
            policylens_build(work / f"fork{i}", "--force", "--jobs", str(cores))
            for i in range(args.repeat))
        policylens_build(work / "fork0", mode="noop")  # settle: picks up any input edited meanwhile
        results["noop_rebuild_s"] = statistics.median(
            policylens_build(work / "fork0", mode="noop") for _ in range(args.repeat))
        results["build_kernel_engine_s"] = policylens_build(
            work / "kernel", "--force", "--jobs", str(cores), "--engine", "kernel",
            mode="kernel_engine")
        if not args.skip_naive:
            results["naive_loop_s"] = naive_loop(work)
    report = {"cores": cores, "briefs": len(COUNTRIES), "load_avg_1min": os.getloadavg()[0],
              **{k: round(v, 3) for k, v in results.items()},
              **{f"cpu_{k}_s": round(v, 3) for k, v in CPU.items()}}
    report["build_vs_script_bound"] = round(results["build_s"] / results["script_bound_s"], 2)
    report["kernel_engine_vs_script_bound"] = round(
        results["build_kernel_engine_s"] / results["script_bound_s"], 2)
    if "naive_loop_s" in results:
        report["naive_loop_vs_build"] = round(results["naive_loop_s"] / results["build_s"], 1)
        report["cpu_naive_loop_vs_build"] = round(CPU["naive_loop"] / CPU["build"], 1)
    # CPU seconds are less sensitive to other load on the machine than wall-clock time.
    report["cpu_build_vs_script_bound"] = round(CPU["build"] / CPU["script_bound"], 2)
    for key, value in report.items():
        print(f"{key:<32}{value}")
    out = REPO / "benchmarks" / "results" / "bench_build.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
