"""``policylens release``: calendar versions, changelog excerpt, checksums, byte-identical zips."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pytest

from policylens import cli
from policylens.release import (
    ReleaseError,
    changelog_excerpt,
    data_as_of,
    parse_version,
    previous_release,
)

FIXTURE = Path(__file__).parents[1] / "fixtures" / "publishing" / "curated"
REPO = Path(__file__).parents[2]
EPOCH = "1795651200"  # 2026-11-26T00:00:00Z

CHANGELOG = """# Data changelog

## Unreleased

### 2027-01-10: Corrected a count

- F06 value.

## 2026.12.01

### 2026-11-30: Added Marseille

- New deployment.

## 2026.11.26

### 2026-11-26: Initial dataset

- First records.
"""


def _release(tmp: Path, version: str = "2026.11.26", *extra: str) -> Path:
    out = tmp / "out"
    code = cli.main(
        [
            "release",
            version,
            "--data",
            str(FIXTURE),
            "--out",
            str(out),
            "--changelog",
            str(REPO / "data" / "CHANGELOG.md"),
            *extra,
        ]
    )
    assert code == 0
    return out / f"policylens-data-{version}.zip"


@pytest.mark.parametrize("version", ["2026.11.26", "2026.01.01.1", "2024.02.29", "2026.11.26.12"])
def test_valid_versions(version):
    assert parse_version(version)[:3] == tuple(int(p) for p in version.split(".")[:3])


@pytest.mark.parametrize(
    "version",
    [
        "2026.11",
        "2026.11.1",
        "26.11.26",
        "2026.13.01",
        "2023.02.29",
        "2026.11.26.0",
        "v2026.11.26",
        "2026-11-26",
        "",
    ],
)
def test_invalid_versions_are_refused(version, tmp_path, capsys):
    with pytest.raises(ReleaseError, match="expected YYYY.MM.DD|is not a date"):
        parse_version(version)
    assert cli.main(["release", version, "--data", str(FIXTURE), "--out", str(tmp_path)]) == 2
    assert "policylens release: version" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_changelog_excerpt_since_previous_release():
    assert previous_release(CHANGELOG, "2027.01.15") == "2026.12.01"
    excerpt = changelog_excerpt(CHANGELOG, "2027.01.15")
    assert "Since release 2026.12.01." in excerpt
    assert "Corrected a count" in excerpt
    assert "Added Marseille" not in excerpt and "Initial dataset" not in excerpt
    # Rebuilding the 2026.12.01 release: its own section, not the initial one.
    old = changelog_excerpt(CHANGELOG, "2026.12.01")
    assert "Added Marseille" in old and "Initial dataset" not in old
    assert "First release" in changelog_excerpt(CHANGELOG, "2026.11.25")


def test_release_is_byte_identical_when_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    first = _release(tmp_path / "a").read_bytes()
    second = _release(tmp_path / "b").read_bytes()
    assert hashlib.sha256(first).hexdigest() == hashlib.sha256(second).hexdigest()


def test_release_contents(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    path = _release(tmp_path)
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
        names = [i.filename for i in infos]
        assert names == sorted(names)
        assert {i.date_time for i in infos} == {(2026, 11, 26, 0, 0, 0)}
        assert {i.external_attr >> 16 for i in infos} == {0o100644}
        prefix = "policylens-data-2026.11.26/"
        files = {n.removeprefix(prefix): archive.read(n) for n in names}
    for required in (
        "datapackage.json",
        "codebook.md",
        "CHANGELOG.md",
        "SHA256SUMS",
        "deployments.csv",
        "figures.parquet",
        "CITATION.cff",
    ):
        assert required in files
    sums = dict(reversed(line.split("  ", 1)) for line in files["SHA256SUMS"].decode().splitlines())
    assert set(sums) == set(files) - {"SHA256SUMS"}
    assert all(hashlib.sha256(files[n]).hexdigest() == digest for n, digest in sums.items())
    assert b"Initial dataset" in files["CHANGELOG.md"]
    # Dates are written as dates, not as pandas timestamps.
    assert b"00:00:00" not in files["figures.csv"]


def test_descriptor_has_version_and_data_as_of(tmp_path, monkeypatch):
    import json

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    with zipfile.ZipFile(_release(tmp_path)) as archive:
        package = json.loads(archive.read("policylens-data-2026.11.26/datapackage.json"))
    assert package["version"] == "2026.11.26"
    assert package["created"] == "2026-11-26T00:00:00Z"
    import policylens

    assert package["data_as_of"] == data_as_of(policylens.load(FIXTURE).tables)
    assert package["data_version"] == policylens.data_version(FIXTURE)


def test_release_validates_with_frictionless(tmp_path, monkeypatch):
    import frictionless  # in the test lock: a missing install must fail, not skip
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    with zipfile.ZipFile(_release(tmp_path)) as archive:
        archive.extractall(tmp_path / "x")
    report = frictionless.validate(
        tmp_path / "x" / "policylens-data-2026.11.26" / "datapackage.json"
    )
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]


def test_data_as_of_uses_the_earliest_day_of_partial_dates():
    import pandas as pd

    from policylens import schema

    def empty(name):
        return pd.DataFrame(columns=list(schema.TABLES[name].fields))

    tables = {n: empty(n) for n in schema.TABLES}
    tables["events"] = (
        tables["events"]
        .reindex(range(2))
        .assign(
            event_date_earliest=["2024-01-01", "2023-05-01"],
            event_date_latest=["2024-12-31", "2023-05-31"],
        )
    )
    tables["sources"] = tables["sources"].reindex(range(1)).assign(accessed_date=["2023-06-02"])
    assert data_as_of(tables) == "2024-01-01"


def test_bad_source_date_epoch_is_a_usage_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    assert cli.main(["release", "2026.11.26", "--data", str(FIXTURE), "--out", str(tmp_path)]) == 2
    assert "SOURCE_DATE_EPOCH='yesterday'" in capsys.readouterr().err
