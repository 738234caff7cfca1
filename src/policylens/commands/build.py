"""``policylens build``: every brief of the matrix as HTML and PDF, plus the index and manifest.

Exit codes: 0 every selected brief is built or up to date · 2 usage or matrix error (nothing
ran) · 3 partial failure (the briefs listed as failed kept their last good outputs; the others
were built) · 4 infrastructure failure (another build holds the output folder's lock, a shard
folder cannot be merged, the disk is full) · 130 interrupted.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import time
from pathlib import Path

NAME = "build"
HELP = "Build every brief (HTML and PDF), reports/index.html and reports/manifest.json."
EXIT_OK, EXIT_USAGE, EXIT_PARTIAL, EXIT_INFRA, EXIT_INTERRUPTED = 0, 2, 3, 4, 130


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options of ``policylens build``."""
    parser.add_argument("--out", type=Path, help="output folder (default: reports/)")
    parser.add_argument("--matrix", type=Path,
                        help="brief matrix (default: reports/briefs.yaml)")
    parser.add_argument("--only", nargs="+", metavar="NAME",
                        help="only these briefs: a notebook name or a brief id "
                             "(e.g. country_profile or country_profile-FR.en)")
    parser.add_argument("--lang", choices=("en", "fr"), help="only briefs in this language")
    parser.add_argument("--jobs", type=int, metavar="N",
                        help="briefs built in parallel (default: the number of cores)")
    parser.add_argument("--shard", metavar="K/N",
                        help="build only the K-th of N stable shares of the matrix (for CI)")
    parser.add_argument("--force", action="store_true", help="rebuild briefs that are up to date")
    parser.add_argument("--engine", choices=("auto", "fork", "kernel"), default="auto",
                        help="fork: warm forked workers (default where available); "
                             "kernel: a fresh Jupyter kernel per brief")
    parser.add_argument("--merge", nargs="+", type=Path, metavar="DIR",
                        help="instead of building, merge shard output folders into --out")


def _err(message: str) -> None:
    print(f"policylens build: {message}", file=sys.stderr)


def _reexec_for_determinism() -> None:
    """Re-run the command with PYTHONHASHSEED=0 (set iteration order) when it is not set.

    Only when running as the ``policylens`` program; an embedding process is left alone.
    """
    if os.environ.get("PYTHONHASHSEED") == "0" or os.environ.get("POLICYLENS_NO_REEXEC"):
        return
    prog = Path(sys.argv[0]).name
    if prog not in ("policylens", "__main__.py"):
        return
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    os.execve(sys.executable, [sys.executable, *sys.orig_argv[1:]], env)


def _parse_shard(text: str | None) -> tuple[int, int] | None:
    if text is None:
        return None
    match = re.fullmatch(r"(\d+)/(\d+)", text)
    if not match or not 1 <= int(match[1]) <= int(match[2]):
        raise ValueError(f"--shard {text!r}: expected K/N with 1 <= K <= N, e.g. 1/4")
    return int(match[1]), int(match[2])


def _select(matrix, args) -> list:
    from policylens.build.plan import shard_of

    briefs = matrix.briefs
    shard = _parse_shard(args.shard)
    if shard:
        briefs = shard_of(briefs, *shard)
    if args.only:
        known = {b.id for b in matrix.briefs} | set(matrix.notebooks)
        unknown = [n for n in args.only if n not in known]
        if unknown:
            raise ValueError(f"--only: unknown brief or notebook {', '.join(unknown)}; "
                             f"notebooks: {', '.join(sorted(matrix.notebooks))}")
        briefs = [b for b in briefs if b.id in args.only or b.notebook.name in args.only]
    if args.lang:
        briefs = [b for b in briefs if b.lang == args.lang]
    return sorted(briefs, key=lambda b: b.id)


def run(args: argparse.Namespace) -> int:
    """Build the selected briefs; see the module docstring for exit codes."""
    _reexec_for_determinism()
    from policylens import paths
    from policylens.build import plan
    from policylens.build.lock import BuildLock, LockHeld

    root = paths.REPO_ROOT
    out_dir = (args.out or paths.REPORTS_DIR).resolve()
    os.environ.setdefault("SOURCE_DATE_EPOCH", plan.default_source_date_epoch(root))
    if args.merge:
        return _merge(args.merge, out_dir)
    from policylens.build.matrix import MatrixError, read_matrix

    try:
        matrix = read_matrix(args.matrix or paths.BRIEF_MATRIX, root, out_dir)
        selected = _select(matrix, args)
    except MatrixError as exc:
        _err(f"the brief matrix has {len(exc.problems)} problem(s); nothing was built:")
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_USAGE
    except ValueError as exc:
        _err(str(exc))
        return EXIT_USAGE
    if args.jobs is not None and args.jobs < 1:
        _err("--jobs: expected a positive number")
        return EXIT_USAGE
    try:
        with BuildLock(out_dir):
            return _build(matrix, selected, args, root, out_dir)
    except LockHeld as exc:
        _err(str(exc))
        return EXIT_INFRA
    except KeyboardInterrupt:
        _err("interrupted; workers stopped, published outputs unchanged for unfinished briefs")
        return EXIT_INTERRUPTED
    except OSError as exc:
        _err(f"cannot write the outputs: {exc}")
        return EXIT_INFRA
    except Exception:  # noqa: BLE001 - a bug in the build itself: show it, say it is not the data
        import traceback

        traceback.print_exc()
        _err("internal error in the build (not in a brief); outputs already published are intact")
        return EXIT_INFRA


def _merge(shards: list[Path], out_dir: Path) -> int:
    from policylens.build.lock import BuildLock, LockHeld
    from policylens.build.site import MergeError, merge

    try:
        with BuildLock(out_dir):
            entries = merge([s.resolve() for s in shards], out_dir)
    except (MergeError, LockHeld) as exc:
        _err(str(exc))
        return EXIT_INFRA
    print(f"merged {len(entries)} briefs from {len(shards)} folders into {out_dir}")
    return EXIT_OK


def _build(matrix, selected, args, root: Path, out_dir: Path) -> int:
    from policylens.build import plan
    from policylens.build.site import write_site

    start = time.monotonic()
    work = out_dir / plan.WORK_DIR
    shutil.rmtree(work / "staging", ignore_errors=True)  # left by a build that was killed
    manifest = plan.read_manifest(out_dir)
    matrix_ids = {b.id for b in matrix.briefs}
    entries = {k: v for k, v in manifest["briefs"].items() if k in matrix_ids}
    for gone in set(manifest["briefs"]) - matrix_ids:  # a brief removed from the matrix
        for rel in manifest["briefs"][gone].get("outputs", {}):
            if "/" in rel and not rel.startswith(("/", "..")):
                (out_dir / rel).unlink(missing_ok=True)
    shared = plan.shared_inputs(root)
    todo = []
    for brief in selected:
        inputs = plan.brief_inputs(brief, shared)
        ihash = plan.input_hash(inputs)
        if args.force or not plan.up_to_date(entries.get(brief.id), ihash, out_dir):
            todo.append((brief, inputs, ihash))
    skipped = len(selected) - len(todo)
    outcomes = []
    try:
        if todo:
            outcomes = _execute(todo, matrix, args, shared, out_dir, entries)
        write_site(out_dir, entries)
    finally:  # also on Ctrl-C: no half-built brief is left behind
        shutil.rmtree(work / "staging", ignore_errors=True)
    failed = [o for o in outcomes if not o.ok]
    _summary(len(outcomes) - len(failed), skipped, failed, time.monotonic() - start, out_dir)
    return EXIT_PARTIAL if failed else EXIT_OK


def _execute(todo, matrix, args, shared, out_dir: Path, entries: dict) -> list:
    from policylens.build import execute, plan, render
    from policylens.build.site import publish_brief, write_site

    engine = args.engine
    if engine == "auto":
        engine = "fork" if execute.fork_available() else "kernel"
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    n_jobs = max(1, min(args.jobs or cores or 1, len(todo)))
    staging = out_dir / plan.WORK_DIR / "staging" / str(os.getpid())
    failed_dir = out_dir / plan.WORK_DIR / "failed"
    date = plan.build_date()
    jobs, by_id = [], {}
    for brief, inputs, ihash in todo:
        ctx = render.BriefContext(brief.id, brief.notebook.name, brief.lang,
                                  brief.all_parameters, shared["data_version"], date)
        nb = brief.notebook
        jobs.append(execute.Job(brief.id, nb.path, brief.all_parameters, nb.cell_timeout,
                                nb.brief_timeout, staging / brief.id, ctx))
        by_id[brief.id] = (brief, inputs, ihash)
    progress = _Progress(len(jobs))
    notebooks = {p: execute.read_notebook(p) for p in sorted({b.notebook.path for b, _, _ in todo})}
    if engine == "fork":
        progress.message(f"warming up {n_jobs} worker(s)")
        execute.warm_up(matrix.warm, [p.read_text(encoding="utf-8") for p in notebooks],
                        progress.message)

    def done(outcome) -> None:
        brief, inputs, ihash = by_id[outcome.id]
        if outcome.ok:
            old = entries.get(brief.id, {}).get("outputs", {})
            publish_brief(staging / brief.id / "out", out_dir, outcome.files, old)
            entries[brief.id] = {
                "notebook": brief.notebook.name, "lang": brief.lang,
                "parameters": brief.parameters, "title": outcome.title,
                "subtitle": outcome.subtitle, "inputs": inputs, "input_hash": ihash,
                "outputs": {f"{plan.BRIEFS_DIR}/{n}": h for n, h in sorted(outcome.files.items())}}
            (failed_dir / f"{brief.id}.ipynb").unlink(missing_ok=True)
            write_site(out_dir, entries)
        elif outcome.notebook is not None:
            failed_dir.mkdir(parents=True, exist_ok=True)
            os.replace(outcome.notebook, failed_dir / f"{brief.id}.ipynb")
            outcome.notebook = failed_dir / f"{brief.id}.ipynb"
        progress.done(outcome)

    runner = execute.run_forked if engine == "fork" else execute.run_kernels
    with progress:
        return runner(jobs, n_jobs, notebooks, progress.start, done)


class _Progress:
    """A rich progress bar on a terminal, one line per event otherwise."""

    def __init__(self, total: int):
        from rich.console import Console

        self.console = Console(stderr=True)
        self.total = total
        self.bar = None
        if self.console.is_terminal:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            # auto_refresh=False: no refresh thread, so forking workers stays safe.
            self.bar = Progress(TextColumn("{task.description}"), BarColumn(),
                                MofNCompleteColumn(), console=self.console, auto_refresh=False)
            self.task = self.bar.add_task("building briefs", total=total)

    def __enter__(self):
        if self.bar:
            self.bar.start()
        return self

    def __exit__(self, *exc):
        if self.bar:
            self.bar.stop()

    def message(self, text: str) -> None:
        self.console.print(f"[dim]{text}[/dim]", highlight=False)

    def start(self, job) -> None:
        if self.bar:
            self.bar.update(self.task, description=f"building {job.id}")
            self.bar.refresh()

    def done(self, outcome) -> None:
        from rich.markup import escape

        if outcome.ok:
            self.console.print(f"[green]built[/green]  {escape(outcome.id)} "
                               f"({outcome.seconds:.1f} s)", highlight=False)
        else:
            where = f"\n         executed notebook: {outcome.notebook}" if outcome.notebook else ""
            self.console.print(f"[red]FAILED[/red] {escape(outcome.id)}: "
                               f"{escape(outcome.error)}{escape(where)}", highlight=False)
        if self.bar:
            self.bar.advance(self.task)
            self.bar.refresh()


def _summary(built: int, skipped: int, failed: list, seconds: float, out_dir: Path) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"policylens build → {out_dir}", title_justify="left")
    for col in ("built", "skipped (up to date)", "failed", "time"):
        table.add_column(col, justify="right")
    table.add_row(str(built), str(skipped), str(len(failed)), f"{seconds:.2f} s")
    console = Console(stderr=True)
    console.print(table)
    if failed:
        console.print(f"[red]{len(failed)} brief(s) failed[/red]; their last good outputs stay "
                      "published. Exit code 3 (partial failure).", highlight=False)
