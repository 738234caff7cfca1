"""Export: a valid Frictionless package, byte-identical on rerun, CSV that round-trips, atomic writes."""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
from pathlib import Path

import pandas as pd
import pytest

import policylens
from policylens import package, schema
from policylens.cli import main


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def test_export_is_byte_identical_on_rerun(tmp_path, valid_dir):
    assert main(["export", "--data", str(valid_dir), "--out", str(tmp_path / "a")]) == 0
    assert main(["export", "--data", str(valid_dir), "--out", str(tmp_path / "b")]) == 0
    first, second = _digests(tmp_path / "a"), _digests(tmp_path / "b")
    assert first == second
    assert {f"{t}.csv" for t in schema.TABLES} | {f"{t}.parquet" for t in schema.TABLES} | {
        "datapackage.json", "codebook.md"} == set(first)


def test_package_passes_frictionless_validate(tmp_path, valid_dir):
    import frictionless  # in the test lock: a missing install must fail, not skip
    assert main(["export", "--data", str(valid_dir), "--out", str(tmp_path)]) == 0
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["type", "note"])
    rows = {task.name: task.stats["rows"] for task in report.tasks}
    assert rows["deployments"] == 1 and rows["citations"] > 0


def test_csv_round_trips_exactly_including_namibia(tmp_path, valid_dir):
    root = tmp_path / "curated"
    shutil.copytree(valid_dir, root)
    orgs = root / "organisations" / "fixture.yaml"
    orgs.write_text(orgs.read_text(encoding="utf-8").replace("country_code: MC", "country_code: NA"), encoding="utf-8")
    data = policylens.load(root)
    for name in schema.TABLES:
        written = package.csv_bytes(data.tables[name], name)
        path = tmp_path / f"{name}.csv"
        path.write_bytes(written)
        back = package.read_csv(path)
        assert list(back.columns) == list(schema.TABLES[name].fields)
        buffer = io.StringIO(newline="")
        csv.writer(buffer, lineterminator="\n").writerows([list(back.columns), *back.itertuples(index=False)])
        assert buffer.getvalue().encode("utf-8") == written
    organisations = package.read_csv(tmp_path / "organisations.csv")
    assert "NA" in set(organisations["country_code"])


def test_text_cells_are_never_spreadsheet_formulas_in_csv_quoting(tmp_path, valid_dir):
    root = tmp_path / "curated"
    shutil.copytree(valid_dir, root)
    dep = root / "deployments" / "FR-NICE-CARNIVAL-2019.yaml"
    dep.write_text(dep.read_text(encoding="utf-8").replace("place_name: Nice", "place_name: '=1+1, \"Nice\"'"),
                   encoding="utf-8")
    data = policylens.load(root)
    written = package.csv_bytes(data.tables["deployments"], "deployments").decode()
    assert '"=1+1, ""Nice"""' in written  # stored verbatim, quoted per RFC 4180


def test_failed_export_leaves_previous_package_untouched(tmp_path, valid_dir, monkeypatch):
    out = tmp_path / "out"
    assert main(["export", "--data", str(valid_dir), "--out", str(out)]) == 0
    before = _digests(out)

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(package, "parquet_bytes", boom)
    with pytest.raises(OSError):
        main(["export", "--data", str(valid_dir), "--out", str(out)])
    assert _digests(out) == before
    assert not [p for p in out.iterdir() if p.name.startswith(".staging")]


def test_invalid_data_exports_nothing(tmp_path, valid_dir, capsys):
    root = tmp_path / "curated"
    shutil.copytree(valid_dir, root)
    dep = root / "deployments" / "FR-NICE-CARNIVAL-2019.yaml"
    dep.write_text(dep.read_text(encoding="utf-8").replace("status: pilot", "status: nope"), encoding="utf-8")
    assert main(["export", "--data", str(root), "--out", str(tmp_path / "out")]) == 1
    assert not (tmp_path / "out").exists()
    assert "invalid-code" in capsys.readouterr().err


def test_load_gives_typed_tables_and_a_summary(valid_dir):
    data = policylens.load(valid_dir)
    deployments = data.deployments
    assert isinstance(deployments["category"].dtype, pd.CategoricalDtype)
    assert str(deployments["start_date_earliest"].dtype).startswith("datetime64")
    assert deployments.loc[0, "end_date_latest"] == pd.Timestamp("2019-02-20")
    assert data.figures["value"].dtype == "Float64"
    assert "1 deployments in 1 countries" in repr(data)
    assert "<table>" in data._repr_html_()
    assert data.citations["quote_language_code"].dropna().eq("fr").all()
    assert len(data.version) == 12


def test_missing_and_partial_dates_are_written_as_plain_text(tmp_path, valid_dir):
    root = tmp_path / "curated"
    shutil.copytree(valid_dir, root)
    dep = root / "deployments" / "FR-NICE-CARNIVAL-2019.yaml"
    dep.write_text(dep.read_text(encoding="utf-8").replace("end_date: 2019-02-20\n", ""), encoding="utf-8")
    assert main(["export", "--data", str(root), "--out", str(tmp_path / "out")]) == 0
    text = (tmp_path / "out" / "deployments.csv").read_text(encoding="utf-8")
    assert "NaT" not in text and "00:00:00" not in text
    row = package.read_csv(tmp_path / "out" / "deployments.csv").iloc[0]
    assert (row["start_date_earliest"], row["end_date"], row["end_date_latest"]) == ("2019-02-16", "", "")
