"""Shared test settings: reproducible dates and paths to the fixture data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

TESTS = Path(__file__).parent
REPO = TESTS.parent
FIXTURES = TESTS / "fixtures"
SEEDS = REPO.parent / "shared" / "seeds"

# Validation refuses dates after the build date; pin it so fixtures never expire or drift.
os.environ.setdefault("SOURCE_DATE_EPOCH", "1764115200")  # 2025-11-26
os.environ.setdefault("PYTHONHASHSEED", "0")


@pytest.fixture
def valid_dir() -> Path:
    """The small valid curated dataset every invalid case is derived from."""
    return FIXTURES / "curated_valid"
