"""The CI workflow, checked here without GitHub: structure, pins, and every command it runs.

Each ``policylens ...`` command line in a ``run:`` script is parsed by the real argument parser
(GitHub expressions and shell variables replaced by a placeholder), so a renamed command or option
fails here rather than in CI. Each ``./dev <task>`` must be a task of the ``dev`` script.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml

from policylens import cli

REPO = Path(__file__).parents[2]
WORKFLOW = REPO / ".github" / "workflows" / "briefs.yml"
PINNED = re.compile(r"^(?P<action>[\w.-]+/[\w./-]+)@(?P<sha>[0-9a-f]{40})$")
# Shell syntax that ends a command (pipes, redirections, lists).
SHELL_END = re.compile(r"\s(?:\|\|?|&&|;|>>?|2>|<)\s")


@pytest.fixture(scope="module")
def workflow() -> dict:
    # PyYAML reads the key `on` as True (YAML 1.1); give it its name back.
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))
    return data


def _steps(workflow: dict):
    for job_name, job in workflow["jobs"].items():
        for step in job.get("steps", []):
            yield job_name, step


def _run_lines(workflow: dict):
    for job_name, step in _steps(workflow):
        for line in str(step.get("run", "")).splitlines():
            yield job_name, line.strip()


def _neutral(text: str) -> str:
    """Replace ``${{ expr }}`` and ``$VAR`` / ``${VAR...}`` with a placeholder a parser accepts."""
    text = re.sub(r"\$\{\{[^}]*\}\}", "X", text)
    return re.sub(r"\$\{[^}]*\}|\$[A-Za-z_]\w*", "X", text)


def policylens_commands(workflow: dict) -> list[tuple[str, list[str]]]:
    """``(job, argv)`` of every ``policylens`` command line in the workflow's scripts."""
    found = []
    for job_name, line in _run_lines(workflow):
        # `./dev build ARGS` runs `policylens build ARGS`.
        match = re.search(r"(?:^|\s|/)policylens\s+(.*)$", line) or re.search(
            r"(?:^|\s)\./dev\s+(build\s.*)$", line
        )
        if not match or line.startswith("#"):
            continue
        command = SHELL_END.split(" " + match[1] + " ")[0]
        found.append((job_name, shlex.split(_neutral(command))))
    return found


def dev_tasks() -> set[str]:
    """The task names the ``dev`` script's ``case`` accepts."""
    text = (REPO / "dev").read_text(encoding="utf-8")
    return set(re.findall(r"^\s+([a-z]+)\)", text, flags=re.M))


def test_triggers_and_jobs(workflow):
    assert {"push", "pull_request"} <= set(workflow["on"])
    assert {"check", "plan", "build", "site", "deploy", "data-diff"} <= set(workflow["jobs"])
    assert workflow["permissions"] == {"contents": "read"}


def test_every_action_is_pinned_by_full_commit_sha():
    text = WORKFLOW.read_text(encoding="utf-8")
    uses = re.findall(r"^\s*(?:-\s*)?uses:\s*(\S+)(.*)$", text, flags=re.M)
    assert uses
    for ref, comment in uses:
        assert PINNED.match(ref), f"{ref}: pin actions by their 40-character commit SHA"
        assert re.search(r"#\s*v\d", comment), f"{ref}: say which tag the SHA is, e.g. '# v4.2.4'"


def test_every_policylens_command_exists_and_parses():
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    commands = policylens_commands(data)
    names = {argv[0] for _, argv in commands}
    assert {"validate", "build", "export", "diff"} <= names
    known = cli.command_modules()
    parser = cli.build_parser()
    for job_name, argv in commands:
        assert argv[0] in known, (
            f"job {job_name}: `policylens {argv[0]}` is not a policylens command"
        )
        try:
            parser.parse_args(argv)
        except SystemExit:
            pytest.fail(f"job {job_name}: `policylens {' '.join(argv)}` is refused by the CLI")


def test_every_dev_task_exists(workflow):
    tasks = dev_tasks()
    assert {"build", "test"} <= tasks
    used = [
        (job, m) for job, line in _run_lines(workflow) for m in re.findall(r"\./dev\s+(\w+)", line)
    ]
    assert {t for _, t in used} >= {"test", "build"}
    for job_name, task in used:
        assert task in tasks, f"job {job_name}: `./dev {task}` is not a task of the dev script"


def test_shards_are_built_as_a_configurable_matrix_and_merged(workflow):
    jobs = workflow["jobs"]
    assert int(workflow["env"]["BRIEF_SHARDS"]) >= 1
    assert "BRIEF_SHARDS" in jobs["plan"]["steps"][0]["run"]
    assert (
        jobs["build"]["strategy"]["matrix"]["shard"] == "${{ fromJSON(needs.plan.outputs.shards) }}"
    )
    commands = policylens_commands(workflow)
    assert ("build", ["build", "--shard", "X", "--out", "_shards/X"]) in commands
    assert any(job == "site" and "--merge" in argv for job, argv in commands)
    runs = " ".join(s.get("run", "") for _, s in _steps(workflow))
    assert './dev build --shard "$SHARD"' in runs


def test_plan_step_produces_the_shard_list(workflow, tmp_path):
    import json
    import os
    import subprocess

    script = workflow["jobs"]["plan"]["steps"][0]["run"]
    output = tmp_path / "out"
    env = {**os.environ, "BRIEF_SHARDS": "3", "GITHUB_OUTPUT": str(output)}
    subprocess.run(["bash", "-e", "-c", script], env=env, check=True, timeout=30)
    key, value = output.read_text().strip().split("=", 1)
    assert key == "shards" and json.loads(value) == ["1/3", "2/3", "3/3"]


def test_venv_cache_is_keyed_by_the_lock_file(workflow):
    caches = [s for _, s in _steps(workflow) if s.get("uses", "").startswith("actions/cache@")]
    assert caches
    for step in caches:
        assert step["with"]["path"] == ".venv"
        assert "hashFiles('requirements/lock.txt'" in step["with"]["key"]


def test_source_date_epoch_comes_from_the_commit(workflow):
    for name in ("check", "build", "site"):
        runs = [s.get("run", "") for s in workflow["jobs"][name]["steps"]]
        assert any("SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)" in r for r in runs), name


def test_pages_only_from_main(workflow):
    deploy = workflow["jobs"]["deploy"]
    assert "refs/heads/main" in deploy["if"] and "push" in deploy["if"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    pages_upload = [
        s
        for s in workflow["jobs"]["site"]["steps"]
        if s.get("uses", "").startswith("actions/upload-pages-artifact@")
    ]
    assert pages_upload and "refs/heads/main" in pages_upload[0]["if"]


def test_data_pull_requests_get_a_diff_summary(workflow):
    job = workflow["jobs"]["data-diff"]
    assert job["if"] == "github.event_name == 'pull_request'"
    script = "\n".join(s.get("run", "") for s in job["steps"])
    assert "git diff --quiet" in script and "-- data/" in script
    assert "--include-retracted" in script  # so retractions show as such, not as removals
    assert "GITHUB_STEP_SUMMARY" in script
    # Untrusted pull-request values reach scripts only through environment variables.
    for step in job["steps"]:
        assert "${{" not in step.get("run", ""), step.get("name")


def test_workflow_is_valid_against_the_github_workflow_schema(workflow):
    import json

    import jsonschema

    schema = json.loads(
        (REPO / "tests" / "fixtures" / "publishing" / "github-workflow.schema.json").read_text(
            encoding="utf-8"
        )
    )
    validator = jsonschema.Draft7Validator(schema)
    errors = [
        f"{'/'.join(map(str, e.path))}: {e.message[:200]}" for e in validator.iter_errors(workflow)
    ]
    assert not errors, "\n".join(errors)
    broken = {
        **workflow,
        "jobs": {**workflow["jobs"], "check": {**workflow["jobs"]["check"], "runs_on": "x"}},
    }
    assert list(validator.iter_errors(broken)), "the schema must reject an unknown job key"
