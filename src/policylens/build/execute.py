"""Run brief notebooks: forked warm workers, or fresh Jupyter kernels where fork is missing.

**Fork engine (default on POSIX).** The build process becomes a *warm parent*: it imports what
the notebooks import (pandas, matplotlib, policylens, ...), calls the matrix's ``warm`` functions
(e.g. ``policylens.load`` so the curated data is read once), builds an IPython shell, compiles
the HTML template, and reads every notebook. Then it forks one child per brief, ``--jobs`` at a
time. A child runs the notebook's cells in-process in that shell (the same IPython machinery a
kernel uses: magics, display, tracebacks), renders HTML and PDF and writes them into its staging
folder. Forking copies the warm state for free, so a brief costs its own work, not a kernel start
and the re-import of the scientific stack.

A child is a brief's "kernel": a cell that runs too long gets ``CellTimeout`` (SIGALRM); a brief
that runs too long is sent SIGTERM, then SIGKILL; a child that dies (``os._exit``, a signal, a
crash) is noticed by ``waitpid``. Each child records the cell it is running and writes its
partial notebook after each cell, so the failure message names the cell and the executed
notebook is kept for debugging.

**Kernel engine (fallback).** Where ``os.fork`` does not exist (or with ``--engine kernel``),
each brief runs in a fresh ipykernel through ``nbclient`` (the engine papermill uses), ``--jobs``
at a time in threads, with the same timeouts, and is rendered the same way.
"""

from __future__ import annotations

import ast
import gc
import hashlib
import importlib
import json
import os
import re
import signal
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from policylens.build.render import BriefContext

INJECTED_TAG = "injected-parameters"
GRACE_SECONDS = 3.0
POLL_SECONDS = 0.01


@dataclass
class Job:
    """One brief to execute and render."""

    id: str
    nb_path: Path
    parameters: dict
    cell_timeout: float
    brief_timeout: float
    workdir: Path  # staging/<id>/: outputs in out/, scratch files beside
    ctx: BriefContext


@dataclass
class Outcome:
    """What happened to one brief."""

    id: str
    ok: bool
    seconds: float = 0.0
    files: dict[str, str] = field(default_factory=dict)  # name -> sha256, in workdir/out
    title: str = ""
    subtitle: str = ""
    error: str = ""
    notebook: Path | None = None  # executed notebook kept for debugging


class CellTimeout(BaseException):
    """A cell ran longer than its timeout (BaseException: user code cannot swallow it)."""


class BriefStopped(BaseException):
    """The build stopped this brief (brief timeout or Ctrl-C)."""


# --- notebooks ------------------------------------------------------------------------------


_MARKER = re.compile(r"^# %%(?P<rest>.*)$")
_MAGIC = re.compile(r"^#\s?[%!?]", re.M)
_HEADER = re.compile(r"\A(#[^\n]*\n)*?# ---\n(#[^\n]*\n)*?# ---\n")


def _percent_cells(text: str) -> list[tuple[str, dict, str]] | None:
    """(cell type, metadata, source) of a percent file, or None if jupytext must read it.

    Covers what brief notebooks use: ``# %%`` code cells with ``key=value`` metadata such as
    ``tags=["parameters"]``, and ``# %% [markdown]`` cells. Files with escaped magics or other
    cell kinds go to jupytext, which costs ~0.3 s of imports.
    """
    text = _HEADER.sub("", text, count=1)
    cells: list[tuple[str, dict, list[str]]] = []
    for line in text.splitlines():
        match = _MARKER.match(line)
        if match:
            rest = match["rest"].strip()
            kind = "code"
            if rest.startswith("[markdown]"):
                kind, rest = "markdown", rest[len("[markdown]"):].strip()
            elif rest.startswith("["):
                return None
            metadata = {}
            for key, value in re.findall(r"(\w+)=(\[[^\]]*\]|\"[^\"]*\"|\S+)", rest):
                try:
                    metadata[key] = ast.literal_eval(value)
                except (ValueError, SyntaxError):
                    return None
            cells.append((kind, metadata, []))
        elif cells:
            cells[-1][2].append(line)
        elif line.strip():
            cells.append(("code", {}, [line]))
    out = []
    for kind, metadata, lines in cells:
        source = "\n".join(lines).strip("\n")
        if kind == "code" and _MAGIC.search(source):
            return None
        if kind == "markdown":
            source = "\n".join(re.sub(r"^# ?", "", ln) for ln in source.splitlines())
        out.append((kind, metadata, source))
    return out


def read_notebook(path: Path) -> Any:
    """A jupytext percent file as an nbformat notebook with stable cell ids."""
    import nbformat

    text = path.read_text(encoding="utf-8")
    cells = _percent_cells(text)
    if cells is None:
        import jupytext

        nb = jupytext.reads(text, fmt="py:percent")
    else:
        new = {"code": nbformat.v4.new_code_cell, "markdown": nbformat.v4.new_markdown_cell}
        nb = nbformat.v4.new_notebook(cells=[new[kind](source, metadata=metadata)
                                             for kind, metadata, source in cells])
    nb.nbformat, nb.nbformat_minor = 4, 5
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i}"  # jupytext makes random ids; the build needs the same ones
    nb.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                  "language": "python"},
                   "language_info": {"name": "python"},
                   "policylens": {"source": path.name}}
    return nb


def parameterise(nb: Any, parameters: dict) -> Any:
    """A copy of ``nb`` with an ``injected-parameters`` cell after the ``parameters`` cell.

    Same layout as papermill's, but values are written with ``repr`` of the types our schema
    gave them (papermill would guess), and the cell id is stable.
    """
    import copy

    import nbformat

    nb = copy.deepcopy(nb)
    index = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    source = "# Parameters\n" + "".join(f"{k} = {v!r}\n" for k, v in sorted(parameters.items()))
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": [INJECTED_TAG]})
    cell["id"] = INJECTED_TAG
    nb.cells.insert(index + 1, cell)
    nb.metadata["policylens"] = {**nb.metadata.get("policylens", {}), "parameters": parameters}
    return nb


def notebook_json(nb: Any) -> str:
    """The notebook as stable JSON (sorted keys, no timing metadata)."""
    return json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def _cell_label(nb: Any, index: int) -> str:
    cell = nb["cells"][index]
    first = next((ln.strip() for ln in cell["source"].splitlines()
                  if ln.strip() and not ln.strip().startswith("#")), "")
    source = nb["metadata"].get("policylens", {}).get("source", "the notebook")
    if cell["id"].startswith("cell-"):  # ids are cell-<position in the source file>
        where = f"{source}, cell {int(cell['id'][5:]) + 1}"
    else:
        where = f"{source}, {cell['id']} cell"
    return f"{where} ({first[:60]!r})"


# --- warm parent ----------------------------------------------------------------------------


def notebook_imports(source: str) -> list[str]:
    """Top-level module names a notebook imports (warmed in the parent before forking)."""
    try:
        tree = ast.parse("\n".join(ln for ln in source.splitlines() if not ln.lstrip().startswith(
            ("%", "!"))))
    except SyntaxError:
        return []
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return list(dict.fromkeys(names))


def warm_up(warm: tuple[str, ...], sources: list[str], log: Callable[[str], None]) -> None:
    """Import and load, once, everything the briefs share; then build the IPython shell."""
    os.environ["MPLBACKEND"] = "Agg"
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from policylens import report
    from policylens.build import render

    for module in dict.fromkeys(m for s in sources for m in notebook_imports(s)):
        try:
            importlib.import_module(module)
        except Exception:  # noqa: BLE001,S112 - the notebook itself will report a broken import
            continue
    for spec in warm:
        module, _, func = spec.partition(":")
        try:
            getattr(importlib.import_module(module), func)()
        except Exception as exc:  # noqa: BLE001 - the briefs that need it fail with the details
            log(f"warm-up {spec} failed: {type(exc).__name__}: {str(exc)[:200]}")
    _warm_figure(plt, report)
    for module in LAZY_MODULES:
        try:
            importlib.import_module(module)
        except ImportError:
            pass
    import nh3  # noqa: F401
    import typst  # noqa: F401

    render.warm_html()
    _shell()


# Modules libraries import on first use; imported once here rather than in every worker. Only
# modules whose import changes no global state (pandas' plotting module, for one, registers
# matplotlib unit converters, so it stays out).
LAZY_MODULES = ("pyarrow.pandas_compat", "IPython.core.logger", "bdb")


def _warm_figure(plt, report) -> None:
    """Render a small figure with text, ticks and a legend: fonts, glyph paths, SVG backend."""
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot([2019, 2020, 2021], [3, 1, 2], label="Déploiements 0123456789")
    ax.bar([2019, 2020], [1, 2], label="ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijklmnopqrstuvwxyz")
    ax.set_title("Warm-up: ,.;:!?()[]%/-–")
    ax.set_xlabel("année")
    ax.legend()
    report.figure_svg(fig)
    plt.close(fig)


def _shell():
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    if InteractiveShell.initialized():
        return InteractiveShell.instance()
    config = Config()
    config.HistoryManager.enabled = False  # no sqlite file, no saving thread (fork-safe)
    config.InteractiveShell.xmode = "Plain"
    config.InteractiveShell.colors = "nocolor"
    return InteractiveShell.instance(config=config)


# --- in-process execution (fork child) ------------------------------------------------------


def _outputs(captured, result) -> list[dict]:
    outputs: list[dict] = []
    for name, text in (("stdout", captured.stdout), ("stderr", captured.stderr)):
        if text:
            outputs.append({"output_type": "stream", "name": name, "text": text})
    for rich in captured.outputs:
        outputs.append({"output_type": "display_data", "data": dict(rich.data),
                        "metadata": dict(rich.metadata or {})})
    err = result.error_before_exec or result.error_in_exec
    if err is not None:
        tb = traceback.format_exception(type(err), err, err.__traceback__)
        outputs.append({"output_type": "error", "ename": type(err).__name__,
                        "evalue": str(err), "traceback": [line.rstrip("\n") for line in tb]})
    return outputs


def _on_alarm(signum, frame):
    raise CellTimeout("the cell ran longer than its timeout")


def _on_term(signum, frame):
    raise BriefStopped("stopped by the build (brief timeout or interrupt)")


def execute_in_process(nb: Any, cwd: Path, cell_timeout: float, workdir: Path) -> str | None:
    """Run every code cell of ``nb`` in this process's IPython shell, filling its outputs.

    Returns:
        None on success, else "<cell>: <Exception>: <message>".
    """
    import random

    from IPython.utils.capture import capture_output

    shell = _shell()
    os.chdir(cwd)
    random.seed(0)
    try:
        import numpy

        numpy.random.seed(0)
    except ImportError:
        pass
    signal.signal(signal.SIGALRM, _on_alarm)
    count = 0
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        count += 1
        (workdir / "progress").write_text(_cell_label(nb, index), encoding="utf-8")
        with capture_output(stdout=True, stderr=True, display=True) as captured:
            signal.setitimer(signal.ITIMER_REAL, cell_timeout)
            try:
                result = shell.run_cell(cell.source, store_history=False, silent=False)
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
        cell.outputs = _outputs(captured, result)
        cell.execution_count = count
        (workdir / "partial.ipynb").write_text(notebook_json(nb), encoding="utf-8")
        err = result.error_before_exec or result.error_in_exec
        if err is not None:
            if isinstance(err, CellTimeout):
                return f"{_cell_label(nb, index)}: timed out after {cell_timeout:g} s"
            return f"{_cell_label(nb, index)}: {type(err).__name__}: {err}"
    return None


def _write_json(path: Path, data: dict) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


def render_job(nb: Any, job: Job) -> dict:
    """Render an executed notebook into ``workdir/out``; the result record for the parent."""
    from policylens.build import render

    files, title = render.render_outputs(nb, job.ctx, job.workdir / "typst")
    out = job.workdir / "out"
    out.mkdir(parents=True, exist_ok=True)
    hashes = {}
    for name, data in files.items():
        (out / name).write_bytes(data)
        hashes[name] = hashlib.sha256(data).hexdigest()
    (job.workdir / "executed.ipynb").write_text(notebook_json(nb), encoding="utf-8")
    return {"ok": True, "files": hashes, "title": title.get("text", ""),
            "subtitle": title.get("subtitle", "")}


def _child(job: Job, nb_template: Any) -> int:
    """Body of a forked worker: execute, render, record the result; never returns."""
    signal.signal(signal.SIGTERM, _on_term)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    # A worker lives for one brief: collecting cycles costs more than the memory it would free.
    gc.disable()
    code = 1
    try:
        nb = parameterise(nb_template, job.parameters)
        error = execute_in_process(nb, job.nb_path.parent, job.cell_timeout, job.workdir)
        if error:
            (job.workdir / "executed.ipynb").write_text(notebook_json(nb), encoding="utf-8")
            _write_json(job.workdir / "result.json", {"ok": False, "error": error})
        else:
            (job.workdir / "progress").write_text("rendering HTML and PDF", encoding="utf-8")
            _write_json(job.workdir / "result.json", render_job(nb, job))
            code = 0
    except BaseException as exc:  # noqa: BLE001 - a child must always report and exit
        where = (job.workdir / "progress").read_text(encoding="utf-8") if (
            job.workdir / "progress").exists() else "rendering"
        try:
            _write_json(job.workdir / "result.json", {
                "ok": False, "error": f"{where}: {type(exc).__name__}: {exc}"})
        except BaseException:  # noqa: BLE001,S110 - nothing more can be done in a dying child
            pass
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)  # skip the parent's atexit handlers and buffered files


def _read_outcome(job: Job, status: int | None, seconds: float, stopped: str = "") -> Outcome:
    result_path = job.workdir / "result.json"
    result = json.loads(result_path.read_text(encoding="utf-8")) if result_path.exists() else None
    nb = job.workdir / "executed.ipynb"
    if not nb.exists() and (job.workdir / "partial.ipynb").exists():
        nb = job.workdir / "partial.ipynb"
    progress = job.workdir / "progress"
    where = progress.read_text(encoding="utf-8") if progress.exists() else "start-up"
    if stopped:
        return Outcome(job.id, False, seconds, error=f"{where}: {stopped}",
                       notebook=nb if nb.exists() else None)
    if result is None:
        how = (f"signal {signal.Signals(-status).name}" if status is not None and status < 0
               else f"exit status {status}")
        return Outcome(job.id, False, seconds,
                       error=f"{where}: the kernel died ({how}) before the brief finished",
                       notebook=nb if nb.exists() else None)
    if not result["ok"]:
        return Outcome(job.id, False, seconds, error=result["error"],
                       notebook=nb if nb.exists() else None)
    return Outcome(job.id, True, seconds, files=result["files"], title=result["title"],
                   subtitle=result["subtitle"], notebook=nb)


def run_forked(jobs: list[Job], n_jobs: int, notebooks: dict[Path, Any],
               on_start: Callable[[Job], None],
               on_done: Callable[[Outcome], None]) -> list[Outcome]:
    """Fork one warm child per job, ``n_jobs`` at a time; enforce the brief timeouts.

    On any exception (Ctrl-C included) every running child is killed and reaped before the
    exception propagates, so no worker outlives the build.
    """
    pending = list(reversed(jobs))
    running: dict[int, tuple[Job, float, float | None]] = {}  # pid -> job, start, SIGTERM time
    outcomes: list[Outcome] = []
    sys.stdout.flush()
    sys.stderr.flush()
    # Objects the parent made stay out of the children's garbage collections, so children do
    # not write to (and copy) the pages the warm parent shares with them.
    gc.freeze()
    try:
        while pending or running:
            while pending and len(running) < n_jobs:
                job = pending.pop()
                job.workdir.mkdir(parents=True, exist_ok=True)
                on_start(job)
                pid = os.fork()
                if pid == 0:  # pragma: no cover - runs in the child
                    _child(job, notebooks[job.nb_path])
                running[pid] = (job, time.monotonic(), None)
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid in running:
                job, start, termed = running.pop(pid)
                code = os.waitstatus_to_exitcode(status)
                stopped = (f"timed out: the brief ran longer than {job.brief_timeout:g} s"
                           if termed else "")
                outcome = _read_outcome(job, code, time.monotonic() - start, stopped)
                outcomes.append(outcome)
                on_done(outcome)
                continue
            now = time.monotonic()
            for pid, (job, start, termed) in list(running.items()):
                if termed is None and now - start > job.brief_timeout:
                    os.kill(pid, signal.SIGTERM)
                    running[pid] = (job, start, now)
                elif termed is not None and now - termed > GRACE_SECONDS:
                    os.kill(pid, signal.SIGKILL)
            time.sleep(POLL_SECONDS)
    finally:
        for pid in running:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for pid in running:
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
    return outcomes


# --- kernel engine (fallback) ---------------------------------------------------------------


SETUP_SOURCE = ("import random as _pl_random\n_pl_random.seed(0)\n"
                "try:\n    import numpy as _pl_np\n    _pl_np.random.seed(0)\nexcept ImportError:\n"
                "    pass\n")


def _error_cell(nb: Any) -> int | None:
    for index, cell in enumerate(nb.cells):
        if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            return index
    return None


def execute_with_kernel(job: Job, nb_template: Any) -> Outcome:
    """Run one brief in a fresh ipykernel through nbclient, then render it."""
    import asyncio

    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    start = time.monotonic()
    job.workdir.mkdir(parents=True, exist_ok=True)
    nb = parameterise(nb_template, job.parameters)
    setup = nbformat.v4.new_code_cell(SETUP_SOURCE, metadata={"tags": ["policylens-setup"]})
    setup["id"] = "policylens-setup"
    nb.cells.insert(0, setup)
    client = NotebookClient(nb, timeout=job.cell_timeout, kernel_name="python3",
                            record_timing=False, shutdown_kernel="immediate",
                            resources={"metadata": {"path": str(job.nb_path.parent)}})
    error = ""
    try:
        asyncio.run(asyncio.wait_for(client.async_execute(), job.brief_timeout))
    except CellExecutionError as exc:
        index = _error_cell(nb)
        where = _cell_label(nb, index) if index is not None else "a cell"
        error = f"{where}: {exc.ename}: {exc.evalue}"
    except CellTimeoutError:
        error = f"a cell: timed out after {job.cell_timeout:g} s"
    except (asyncio.TimeoutError, TimeoutError):
        error = f"timed out: the brief ran longer than {job.brief_timeout:g} s"
    except DeadKernelError:
        error = "the kernel died before the brief finished"
    nb_path = job.workdir / "executed.ipynb"
    for cell in nb.cells:  # nbclient's per-cell timing is not part of the brief
        cell.get("metadata", {}).pop("execution", None)
    nb_path.write_text(notebook_json(nb), encoding="utf-8")
    if error:
        return Outcome(job.id, False, time.monotonic() - start, error=error, notebook=nb_path)
    try:
        result = render_job(nb, job)
    except Exception as exc:  # noqa: BLE001 - one brief's rendering failure stays its own
        return Outcome(job.id, False, time.monotonic() - start,
                       error=f"rendering: {type(exc).__name__}: {exc}", notebook=nb_path)
    return Outcome(job.id, True, time.monotonic() - start, files=result["files"],
                   title=result["title"], subtitle=result["subtitle"], notebook=nb_path)


def run_kernels(jobs: list[Job], n_jobs: int, notebooks: dict[Path, Any],
                on_start: Callable[[Job], None],
               on_done: Callable[[Outcome], None]) -> list[Outcome]:
    """Run each job in its own kernel, ``n_jobs`` threads at a time."""
    from concurrent.futures import ThreadPoolExecutor, as_completed

    outcomes = []
    with ThreadPoolExecutor(max_workers=n_jobs) as pool:
        futures = {}
        for job in jobs:
            on_start(job)
            futures[pool.submit(execute_with_kernel, job, notebooks[job.nb_path])] = job
        try:
            for future in as_completed(futures):
                outcome = future.result()
                outcomes.append(outcome)
                on_done(outcome)
        except BaseException:
            for f in futures:
                f.cancel()
            raise
    return outcomes


def fork_available() -> bool:
    """Whether the fork engine can run here."""
    return hasattr(os, "fork") and hasattr(signal, "setitimer")
