"""The CI path of .github/workflows/briefs.yml, locally: build in 3 shards, merge, compare.

The workflow builds the brief matrix as N shards on N machines (``policylens build --shard K/N``)
and merges the shard folders into one site (``policylens build --merge``). Here: a 4-brief
fixture matrix built as 3 shards into 3 folders and merged must give exactly the files of a
single build. Each brief's sources section must list what ``policylens cite --brief`` returns.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from policylens import cli

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
PUB = REPO / "tests" / "fixtures" / "publishing"
MATRIX = PUB / "briefs.yaml"
CURATED = PUB / "curated"
BRIEFS = [
    "country_profile-CN.en",
    "country_profile-CN.fr",
    "country_profile-FR.en",
    "country_profile-FR.fr",
]


def _build(code: Path, *args: str) -> subprocess.CompletedProcess:
    # ``code`` is a snapshot of src/ taken once: the manifest hashes the package's code, so an edit
    # to src/policylens between the single build and the shard builds must not count as a change.
    env = {
        **os.environ,
        "SOURCE_DATE_EPOCH": "1795651200",
        "PYTHONHASHSEED": "0",
        "POLICYLENS_CURATED_DIR": str(CURATED),
        "POLICYLENS_ROOT": str(REPO),
        "PYTHONPATH": os.pathsep.join([str(code), os.environ.get("PYTHONPATH", "")]).rstrip(
            os.pathsep
        ),
    }
    result = subprocess.run(
        [sys.executable, "-m", "policylens", "build", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, (
        f"`policylens build {' '.join(args)}` exited {result.returncode}; "
        f"the workflow runs exactly this command.\n{result.stderr[-3000:]}"
    )
    return result


def _published(folder: Path) -> dict[str, str]:
    # The .build work folder (lock, failed notebooks) is not part of the site the workflow uploads.
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".build" not in p.relative_to(folder).parts
    }


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("shards")
    code = root / "src"
    shutil.copytree(
        REPO / "src" / "policylens",
        code / "policylens",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    out = {"single": root / "single", "merged": root / "site"}
    _build(code, "--matrix", str(MATRIX), "--out", str(out["single"]))
    shards = [root / f"shard-{k}" for k in (1, 2, 3)]
    for k, folder in enumerate(shards, 1):
        _build(code, "--matrix", str(MATRIX), "--out", str(folder), "--shard", f"{k}/3")
        out[f"shard-{k}"] = folder
    _build(code, "--merge", *map(str, shards), "--out", str(out["merged"]))
    return out


def test_three_shards_cover_the_matrix_once(builds):
    seen = []
    for k in (1, 2, 3):
        manifest = json.loads((builds[f"shard-{k}"] / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["briefs"], f"shard {k}/3 built nothing"
        seen += list(manifest["briefs"])
    assert sorted(seen) == BRIEFS


def test_merged_shards_equal_a_single_build(builds):
    single, merged = _published(builds["single"]), _published(builds["merged"])
    assert "index.html" in merged and "manifest.json" in merged
    assert sorted(merged) == sorted(single)
    differing = [name for name in single if single[name] != merged[name]]
    details = ""
    if "manifest.json" in differing:
        one, two = (
            json.loads((builds[k] / "manifest.json").read_text(encoding="utf-8"))
            for k in ("single", "merged")
        )
        details = "\n".join(
            f"{b}: {_changed(one['briefs'].get(b), two['briefs'].get(b))}"
            for b in sorted(set(one["briefs"]) | set(two["briefs"]))
        )
    assert not differing, (
        f"files that differ between the merged shards and a single build: {differing}\n{details}"
    )


def _changed(a, b, path="") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        return [
            c for k in sorted(set(a) | set(b)) for c in _changed(a.get(k), b.get(k), f"{path}.{k}")
        ]
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]


def test_every_briefs_sources_section_matches_cite(builds, capsys):
    for brief in BRIEFS:
        html = (builds["merged"] / "briefs" / f"{brief}.html").read_text(encoding="utf-8")
        listed = re.findall(r'class="pl-source-id">\[([^\]]+)\]', html)
        assert (
            cli.main(
                [
                    "cite",
                    "--data",
                    str(CURATED),
                    "--matrix",
                    str(MATRIX),
                    "--brief",
                    brief,
                    "--format",
                    "csl-json",
                ]
            )
            == 0
        )
        cited = [item["id"] for item in json.loads(capsys.readouterr().out)]
        assert listed and listed == cited, brief
