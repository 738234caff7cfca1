"""The workflow's data-diff job, run here on a throwaway git repository with a data change.

The two scripts of the job are taken from .github/workflows/briefs.yml and run as GitHub runs
them (bash -eo pipefail), with the variables GitHub provides pointed at temporary files.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
WORKFLOW = REPO / ".github" / "workflows" / "briefs.yml"
FIXTURE = REPO / "tests" / "fixtures" / "publishing" / "curated"
NICE = "data/curated/deployments/FR-NICE-CARNIVAL-2019.yaml"


def _git(repo: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@localhost",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@localhost",
    }
    result = subprocess.run(
        ["git", "-C", str(repo), *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return result.stdout.strip()


def _scripts() -> list[str]:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    return [
        s["run"]
        for s in workflow["jobs"]["data-diff"]["steps"]
        if "run" in s and "BASE_SHA" in s["run"]
    ]


def _run(script: str, repo: Path, env: dict) -> None:
    subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        cwd=repo,
        env=env,
        check=True,
        timeout=240,
    )


@pytest.fixture()
def repo(tmp_path) -> Path:
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURE, repo / "data" / "curated")
    (repo / ".venv").symlink_to(REPO / ".venv")
    _git(repo, "init", "-q")
    _git(repo, "add", "data")
    _git(repo, "commit", "-q", "-m", "base")
    return repo


def _env(repo: Path, base: str) -> dict:
    out = repo.parent
    return {
        **os.environ,
        "BASE_SHA": base,
        "POLICYLENS_ROOT": str(repo),
        "GITHUB_OUTPUT": str(out / "output"),
        "GITHUB_STEP_SUMMARY": str(out / "summary"),
    }


def test_data_change_is_summarised(repo):
    base = _git(repo, "rev-parse", "HEAD")
    path = repo / NICE
    path.write_text(
        path.read_text(encoding="utf-8").replace("    value: 2350\n", "    value: 2400\n"),
        encoding="utf-8",
    )
    _git(repo, "commit", "-q", "-am", "head")
    changed, diff = _scripts()
    env = _env(repo, base)
    _run(changed, repo, env)
    assert (repo.parent / "output").read_text() == "data=true\n"
    _run(diff, repo, env)
    summary = (repo.parent / "summary").read_text(encoding="utf-8")
    assert "| `figures` | 0 | 1 | 0 | 0 |" in summary
    assert "`FR-NICE-CARNIVAL-2019-F06` | `FR-NICE-CARNIVAL-2019` | 2350 → **2400**" in summary


def test_no_data_change_says_so(repo):
    base = _git(repo, "rev-parse", "HEAD")
    (repo / "notes.txt").write_text("not data\n")
    _git(repo, "add", "notes.txt")
    _git(repo, "commit", "-q", "-m", "head")
    changed, _ = _scripts()
    env = _env(repo, base)
    _run(changed, repo, env)
    assert (repo.parent / "output").read_text() == "data=false\n"
    assert "does not change `data/`" in (repo.parent / "summary").read_text(encoding="utf-8")


def test_base_data_the_head_code_refuses_is_reported_not_fatal(repo):
    # A base whose data does not validate (here: a figure with an unknown metric code).
    path = repo / NICE
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "    metric: cameras\n", "    metric: camerass\n", 1
        ),
        encoding="utf-8",
    )
    _git(repo, "commit", "-q", "-am", "broken base")
    base = _git(repo, "rev-parse", "HEAD")
    _git(repo, "revert", "--no-edit", "HEAD")
    _, diff = _scripts()
    _run(diff, repo, _env(repo, base))
    summary = (repo.parent / "summary").read_text(encoding="utf-8")
    assert "does not validate with this branch's code" in summary
    assert "camerass" in summary
