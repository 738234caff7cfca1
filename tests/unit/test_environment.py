"""The conda environment and the lock agree with pyproject.toml."""

from __future__ import annotations

import re
import tomllib

import yaml

from policylens import paths


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _runtime() -> dict[str, str]:
    deps = tomllib.loads((paths.REPO_ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    return {_name(d): d[len(_name(d)):].strip() for d in deps}


def test_environment_yml_mirrors_runtime_dependencies():
    env = yaml.safe_load((paths.REPO_ROOT / "environment.yml").read_text())
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    listed = {_name(d): d[len(_name(d)):].strip() for d in conda + pip if not d.startswith(("python", "pip", "-e"))}
    assert listed == _runtime()
    assert "python=3.11" in conda and "-e ." in pip


def test_lock_pins_every_runtime_dependency_with_hashes():
    lock = (paths.LOCK_FILE).read_text()
    pinned = {m.group(1).lower().replace("_", "-") for m in re.finditer(r"^([A-Za-z0-9_.-]+)==", lock, re.M)}
    assert set(_runtime()) <= pinned
    assert "--hash=sha256:" in lock
    # JupyterLab stays out of the build/CI lock: it slows every nbformat import.
    assert "jupyterlab" not in pinned
