"""Helpers shared by the build tests: run ``policylens build`` as a program, hash outputs."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import psutil

from policylens.build.plan import code_hash

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "build"
EPOCH = "1764115200"  # 2025-11-26
CODE_SHA256 = code_hash()


def build(*args: str, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run ``policylens build ARGS`` in a fresh process with a fixed date and hash seed."""
    full_env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PYTHONHASHSEED": "0",
                "COLUMNS": "200",
                # a fixed data version, whatever happens to data/curated meanwhile
                "POLICYLENS_CURATED_DIR": str(FIXTURES / "curated"),
                # the code part of the input hash pinned to this test session's code
                "POLICYLENS_CODE_SHA256": CODE_SHA256, **(env or {})}
    return subprocess.run([sys.executable, "-m", "policylens", "build", *args], cwd=REPO,
                          env=full_env, capture_output=True, text=True, timeout=timeout)


def matrix(name: str) -> str:
    """Path of a fixture matrix."""
    return str(FIXTURES / name)


def hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of every published file under ``folder`` (the .build work folder left out)."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*"))
            if p.is_file() and ".build" not in p.relative_to(folder).parts}


def processes_with_marker(marker: str) -> list[psutil.Process]:
    """Live processes whose environment has POLICYLENS_TEST_MARKER=marker.

    Pass ``env={"POLICYLENS_TEST_MARKER": marker}`` to :func:`build`: forked workers and Jupyter
    kernels inherit it, so this finds any worker or kernel the build left behind.
    """
    found = []
    for proc in psutil.process_iter(["status"]):
        try:
            if proc.info["status"] != psutil.STATUS_ZOMBIE and proc.environ().get(
                    "POLICYLENS_TEST_MARKER") == marker:
                found.append(proc)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return found
