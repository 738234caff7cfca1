"""Repository-relative paths, resolved once. No side effects at import."""

from __future__ import annotations

import os
from pathlib import Path

# The source tree: src/policylens/paths.py -> repository root two levels above the package.
REPO_ROOT = Path(os.environ.get("POLICYLENS_ROOT", Path(__file__).resolve().parents[2]))
DATA_DIR = REPO_ROOT / "data"
CURATED_DIR = DATA_DIR / "curated"
TIDY_DIR = DATA_DIR / "tidy"
NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
REPORTS_DIR = REPO_ROOT / "reports"
BRIEF_MATRIX = REPORTS_DIR / "briefs.yaml"
DOCS_DIR = REPO_ROOT / "docs"
CODEBOOK = DOCS_DIR / "codebook.md"
LOCK_FILE = REPO_ROOT / "requirements" / "lock.txt"
SEEDS_DIR = REPO_ROOT.parent / "shared" / "seeds"
