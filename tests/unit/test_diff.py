"""``policylens diff`` on a hand-made change to the fixture data, exported by the real pipeline."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import policylens
from policylens import cli
from policylens.diff import PackageError, diff_packages, md_escape, read_package, render_markdown
from policylens.package import write_package

FIXTURE = Path(__file__).parents[1] / "fixtures" / "publishing" / "curated"
NICE = "deployments/FR-NICE-CARNIVAL-2019.yaml"


def _export(curated: Path, out: Path) -> Path:
    data = policylens.load(curated, include_retracted=True)
    write_package(data.tables, out, data.version)
    return out


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"fixture text {old!r} not found exactly once in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture(scope="module")
def packages(tmp_path_factory) -> tuple[Path, Path]:
    """The fixture exported as is (old) and after a curator's hand-made edits (new)."""
    root = tmp_path_factory.mktemp("diff")
    old_cur, new_cur = root / "old" / "curated", root / "new" / "curated"
    shutil.copytree(FIXTURE, old_cur)
    shutil.copytree(FIXTURE, new_cur)
    nice = new_cur / NICE
    # Provenance only: every origin_row of the file moves by two lines.
    nice.write_text("# edited\n\n" + nice.read_text(encoding="utf-8"), encoding="utf-8")
    _edit(nice, "    value: 2350\n", "    value: 2400\n")  # F06: value changed
    _edit(
        nice,
        "  - figure_id: FR-NICE-CARNIVAL-2019-F05\n",  # F05: retracted
        "  - figure_id: FR-NICE-CARNIVAL-2019-F05\n    record_status: retracted\n"
        "    retraction_reason: Test retraction.\n",
    )
    _edit(
        nice, "summary: >-\n  The city of Nice tested", "summary: >-\n  The city of Nice trialled"
    )
    # Remove the CN deployment and the only source it cites.
    (new_cur / "deployments" / "CN-HEALTHCODE-ALIPAY-2020.yaml").unlink()
    (new_cur / "sources" / "zh.yaml").unlink()
    return _export(old_cur, root / "old" / "pkg"), _export(new_cur, root / "new" / "pkg")


def test_reports_the_hand_made_change(packages):
    d = diff_packages(read_package(packages[0]), read_package(packages[1]))
    by = {t.table: t for t in d.tables}
    assert [(c.id, c.fields) for c in by["deployments"].changed] == [
        ("FR-NICE-CARNIVAL-2019", ["summary"])
    ]
    assert by["deployments"].removed == ["CN-HEALTHCODE-ALIPAY-2020"]
    assert by["figures"].retracted == ["FR-NICE-CARNIVAL-2019-F05"]
    assert [(c.id, c.fields) for c in by["figures"].changed] == [
        ("FR-NICE-CARNIVAL-2019-F06", ["value"])
    ]
    assert by["sources"].removed == ["51cto-2020-02-jiankangma"]
    assert by["citations"].removed == ["CN-HEALTHCODE-ALIPAY-2020@51cto-2020-02-jiankangma"]
    # Moved lines (origin_row) are not changes.
    assert not by["events"].changed and by["events"].unchanged > 0
    assert not by["citations"].changed
    assert all(not t.added for t in d.tables)
    figures = {(f.figure_id, f.old["value"], f.new["value"]) for f in d.figures}
    assert figures == {("FR-NICE-CARNIVAL-2019-F06", "2350", "2400")}


def test_support_status_change_is_a_figure_change(tmp_path, packages):
    new = tmp_path / "new"
    shutil.copytree(packages[0], new)
    path = new / "figures.csv"
    text = path.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("FR-NICE-CARNIVAL-2019-F07,"))
    assert row.count(",disputed,") == 1
    path.write_text(text.replace(row, row.replace(",disputed,", ",refuted,")), encoding="utf-8")
    d = diff_packages(read_package(packages[0]), read_package(new))
    (change,) = d.figures
    assert change.figure_id == "FR-NICE-CARNIVAL-2019-F07"
    assert (change.old["support_status"], change.new["support_status"]) == ("disputed", "refuted")
    assert change.old["value"] == change.new["value"]


def test_identical_packages_have_no_changes(packages):
    d = diff_packages(read_package(packages[0]), read_package(packages[0]))
    assert d.is_empty
    assert "No record was added" in render_markdown(d)


def test_cli_markdown_and_json(packages, capsys):
    assert cli.main(["diff", str(packages[0]), str(packages[1])]) == 0
    markdown = capsys.readouterr().out
    assert "| `figures` | 0 | 1 | 1 | 0 |" in markdown
    assert "2350 → **2400**" in markdown
    assert "`FR-NICE-CARNIVAL-2019`: `summary`" in markdown
    assert cli.main(["diff", "--json", str(packages[0]), str(packages[1])]) == 0
    data = json.loads(capsys.readouterr().out)
    figures = next(t for t in data["tables"] if t["table"] == "figures")
    assert figures["retracted"] == ["FR-NICE-CARNIVAL-2019-F05"]


def test_cli_names_a_folder_that_is_not_a_package(tmp_path, packages, capsys):
    assert cli.main(["diff", str(packages[0]), str(tmp_path)]) == 2
    assert f"{tmp_path / 'datapackage.json'}: not found" in capsys.readouterr().err


def test_markdown_escapes_data_values():
    escaped = md_escape("<img src=x onerror=alert(1)> | `x` [a](javascript:b)")
    assert "<" not in escaped and ">" not in escaped and "|" not in escaped.replace("&#124;", "")
    assert "\\[a\\]" in escaped and "\\`x\\`" in escaped


def test_release_zips_can_be_compared(tmp_path, packages):
    from datetime import UTC, datetime

    from policylens.release import zip_bytes

    zips = []
    for name, folder in (("old", packages[0]), ("new", packages[1])):
        files = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
        zips.append(tmp_path / f"policylens-data-{name}.zip")
        zips[-1].write_bytes(
            zip_bytes(files, f"policylens-data-{name}", datetime(2026, 11, 26, tzinfo=UTC))
        )
    from_zips = diff_packages(read_package(zips[0]), read_package(zips[1]))
    from_folders = diff_packages(read_package(packages[0]), read_package(packages[1]))
    assert from_zips.tables == from_folders.tables
    assert from_zips.figures == from_folders.figures and from_zips.figures
    (tmp_path / "bad.zip").write_bytes(b"not a zip")
    with pytest.raises(PackageError, match="not a readable zip"):
        read_package(tmp_path / "bad.zip")
