"""What a build must do: input hashes, the manifest, and which briefs are up to date.

Only the standard library is imported here (plus the matrix), so that a build with nothing to do
finishes in a fraction of a second.

A brief's *inputs* are its notebook source, its typed parameters and language, the data version,
the lock file and the build code (the ``policylens`` package, the HTML and Typst templates
included). Their SHA-256 over canonical JSON is the brief's ``input_hash``. A brief is up to date
when the manifest records the same input hash and every output it lists exists with the recorded
SHA-256.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import time
from pathlib import Path
from typing import Any

from policylens.build.matrix import Brief

MANIFEST = "manifest.json"
INDEX = "index.html"
BRIEFS_DIR = "briefs"
WORK_DIR = ".build"
MANIFEST_FORMAT = 1
PACKAGE_DIR = Path(__file__).resolve().parents[1]
# The package's code and data files (pyproject's package-data), whose change can change a brief.
CODE_PATTERNS = ("*.py", "*.j2", "*.css", "*.typ", "*.json", "*.html", "*.jinja", "*.po", "*.mo",
                 "*.txt", "*.csv", "*.otf")


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str | None:
    """Hex SHA-256 of a file, or None when it cannot be read."""
    try:
        return sha256_bytes(path.read_bytes())
    except OSError:
        return None


def tree_hash(root: Path, patterns: tuple[str, ...]) -> str:
    """SHA-256 over the relative paths and contents of the files matching ``patterns``."""
    digest = hashlib.sha256()
    files = sorted({p for pat in patterns for p in root.rglob(pat) if p.is_file()})
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def code_hash() -> str:
    """Hash of the policylens package: code, templates and package data (locales, geodata)."""
    return tree_hash(PACKAGE_DIR, CODE_PATTERNS)


def data_version(root: Path) -> str:
    """``policylens.data_version()`` when the package has it, else a hash of data/curated/."""
    import policylens

    func = getattr(policylens, "data_version", None)
    if callable(func):
        return str(func())
    curated = Path(os.environ.get("POLICYLENS_CURATED_DIR") or root / "data" / "curated")
    return tree_hash(curated, ("*",))[:12] if curated.is_dir() else "no-data"


def build_date() -> str:
    """The build date (UTC, ``YYYY-MM-DD``) from SOURCE_DATE_EPOCH; never the wall clock."""
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "0") or 0)
    return time.strftime("%Y-%m-%d", time.gmtime(epoch))


def default_source_date_epoch(root: Path) -> str:
    """The last commit's time, as ./dev sets it, or 0 outside a git checkout."""
    try:
        out = subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%ct"],
                             capture_output=True, text=True, timeout=10, check=False)
        return out.stdout.strip() or "0"
    except (OSError, subprocess.SubprocessError):
        return "0"


def brief_inputs(brief: Brief, shared: dict[str, str]) -> dict[str, Any]:
    """Everything a brief's outputs depend on, by hash or value."""
    return {
        "notebook": brief.notebook.rel_path,
        "notebook_sha256": sha256_bytes(brief.notebook.path.read_bytes()),
        "parameters": brief.parameters,
        "lang": brief.lang,
        "data_version": shared["data_version"],
        "lock_sha256": shared["lock_sha256"],
        "code_sha256": shared["code_sha256"],
    }


def input_hash(inputs: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of ``inputs``."""
    return sha256_bytes(json.dumps(inputs, sort_keys=True, ensure_ascii=False).encode())


def shared_inputs(root: Path) -> dict[str, str]:
    """The inputs every brief shares."""
    return {"data_version": data_version(root),
            "lock_sha256": sha256_file(root / "requirements" / "lock.txt") or "none",
            # The override exists for tests run in a working tree others are editing.
            "code_sha256": os.environ.get("POLICYLENS_CODE_SHA256") or code_hash()}


def read_manifest(out_dir: Path) -> dict[str, Any]:
    """The manifest of ``out_dir``, or an empty one."""
    try:
        data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"format": MANIFEST_FORMAT, "briefs": {}}
    if not isinstance(data, dict) or not isinstance(data.get("briefs"), dict):
        return {"format": MANIFEST_FORMAT, "briefs": {}}
    return data


def up_to_date(entry: dict[str, Any] | None, ihash: str, out_dir: Path) -> bool:
    """Whether the published outputs of a brief match its inputs and the manifest."""
    if not entry or entry.get("input_hash") != ihash:
        return False
    outputs = entry.get("outputs") or {}
    return bool(outputs) and all(
        sha256_file(out_dir / rel) == digest for rel, digest in outputs.items())


def shard_of(briefs: list[Brief], k: int, n: int) -> list[Brief]:
    """The K-th of N stable, balanced shares of the matrix (briefs sorted by id, round robin)."""
    ordered = sorted(briefs, key=lambda b: b.id)
    return [b for i, b in enumerate(ordered) if i % n == k - 1]
