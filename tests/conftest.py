"""Shared test settings: reproducible dates and paths to the fixture data."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

TESTS = Path(__file__).parent
REPO = TESTS.parent
FIXTURES = TESTS / "fixtures"
SEEDS = REPO.parent / "shared" / "seeds"



def _last_commit_time() -> str:
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=REPO, capture_output=True, text=True, check=True)
        return out.stdout.strip() or str(int(time.time()))
    except (OSError, subprocess.CalledProcessError):
        return str(int(time.time()))


# Validation refuses dates after the build date; like ./dev, pin it to the last commit so a run is
# reproducible and the curated accessed dates (never later than their commit) stay valid.
os.environ.setdefault("SOURCE_DATE_EPOCH", _last_commit_time())
os.environ.setdefault("PYTHONHASHSEED", "0")


@pytest.fixture
def valid_dir() -> Path:
    """The small valid curated dataset every invalid case is derived from."""
    return FIXTURES / "curated_valid"
