"""What importers share: the vendor crosswalk, errors, reconciliation, output, combine, CLI."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from importer_helpers import CURATED_CROSSWALK, IMPORT_FIXTURES

from policylens import cli, schema
from policylens.importers import combine, common, oxcgrt, read_imported, table

AIGS = IMPORT_FIXTURES / "carnegie_aigs.csv"
MAPPING = table.Path(table.__file__).parent / "mappings" / "carnegie_aigs.yaml"


def test_the_curated_organisations_are_the_crosswalk():
    # The repository's own curated aliases: the crosswalk the importers use by default.
    crosswalk = common.curated_crosswalk()
    cases = {
        "Huawei": "huawei",
        "Huawei Technologies": "huawei",
        "华为": "huawei",
        "HUAWEI TECHNOLOGIES CO., LTD": "huawei",
        "Hikvision": "hikvision",
        "Hangzhou Hikvision": "hikvision",
        "Ant Financial": "ant-group",
        "Ant Group": "ant-group",
    }
    assert {text: crosswalk.match(text) for text in cases} == cases
    assert crosswalk.match("Acme Vision") == ""


def test_unknown_strings_get_a_hint_never_a_match():
    crosswalk = common.curated_crosswalk(CURATED_CROSSWALK)
    assert crosswalk.match("Huaweii") == ""
    assert crosswalk.suggest("Huaweii") == "huawei"


def test_normalise_name_drops_case_punctuation_and_legal_suffixes():
    assert common.normalise_name("Axon Enterprise, Inc.") == common.normalise_name(
        "axon enterprise"
    )
    assert common.normalise_name("Huawei Technologies Co., Ltd.") == "huawei technologies"
    assert common.normalise_name("Co") == "co"  # a name is never emptied


def test_split_vendor_text_removes_duplicates_in_order():
    assert common.split_vendor_text("Huawei; huawei ;ZTE\nHuawei.") == ["Huawei", "ZTE"]


def test_reconciliation_is_enforced(tmp_path):
    result = oxcgrt.import_file(IMPORT_FIXTURES / "h3_contact_tracing.csv")
    result.rows_imported -= 1
    with pytest.raises(AssertionError, match="rows read"):
        common.write_import(result, tmp_path / "out")
    assert not (tmp_path / "out" / "deployments.csv").exists()


def test_header_only_file_is_an_error(tmp_path):
    empty = tmp_path / "h3.csv"
    empty.write_text('"","country_code","country_name","01Jan2020"\n', encoding="utf-8")
    with pytest.raises(common.ImportInputError, match="no data rows"):
        oxcgrt.import_file(empty)


def test_empty_and_missing_files_are_errors(tmp_path):
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(common.ImportInputError, match="empty"):
        oxcgrt.import_file(tmp_path / "empty.csv")
    with pytest.raises(common.ImportInputError, match="no such file"):
        oxcgrt.import_file(tmp_path / "missing.csv")
    with pytest.raises(common.ImportInputError, match="unknown encoding"):
        oxcgrt.import_file(IMPORT_FIXTURES / "h3_contact_tracing.csv", encoding="klingon")


def test_truncated_multibyte_character_at_end_of_file(tmp_path):
    bad = tmp_path / "h3.csv"
    bad.write_bytes((IMPORT_FIXTURES / "h3_contact_tracing.csv").read_bytes() + "é".encode()[:1])
    with pytest.raises(common.ImportInputError, match="--encoding"):
        oxcgrt.import_file(bad)


def test_outputs_read_back_keep_na_and_every_table(tmp_path):
    result = table.import_file(AIGS, MAPPING, crosswalk=common.curated_crosswalk(CURATED_CROSSWALK))
    out = tmp_path / "aigs"
    common.write_import(result, out)
    report = json.loads((out / "import_report.json").read_text(encoding="utf-8"))
    assert report["rows_read"] == report["rows_imported"] + report["rows_rejected"] == 6
    assert report["file_sha256"] == result.file.sha256
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert {r["name"] for r in package["resources"]} == set(schema.TABLES)
    assert package["policylens_import"]["rows_rejected"] == 2
    tables = read_imported(out)
    assert set(tables) == set(schema.TABLES)
    unknown = pd.read_csv(out / "unknown_vendors.csv", dtype=str, keep_default_na=False)
    assert list(unknown["vendor_text"]) == ["Acme Vision"]


def test_combine_puts_curated_and_imported_rows_together(tmp_path, valid_dir):
    import policylens

    curated = policylens.load(valid_dir)
    out = tmp_path / "h3"
    common.write_import(oxcgrt.import_file(IMPORT_FIXTURES / "h3_contact_tracing.csv"), out)
    data = combine(curated, out)
    deployments = data.deployments
    assert deployments["origin_dataset"].value_counts()[lambda s: s > 0].to_dict() == {
        "oxcgrt": 3,
        "curated": len(curated.deployments),
    }
    assert str(deployments["start_date_earliest"].dtype).startswith("datetime")
    assert "NA" in set(deployments["country_code"].dropna())  # Namibia survived the round trip
    assert len(data.events) == len(curated.events) + 8
    with pytest.raises(ValueError, match="duplicate"):
        combine(curated, out, out)


def test_cli_exit_codes_and_atomic_output(tmp_path, capsys):
    out = tmp_path / "ox"
    code = cli.main(
        ["import", "oxcgrt", str(IMPORT_FIXTURES / "oxcgrt_v1_withnotes.csv"), "--out", str(out)]
    )
    assert code == 3  # imported, with rejected rows
    assert "read 19 rows, imported 16, rejected 3" in capsys.readouterr().err
    renamed = tmp_path / "renamed.csv"
    renamed.write_text("CountryName,Country Code,Date,H3_Contact tracing\n", encoding="utf-8")
    code = cli.main(["import", "oxcgrt", str(renamed), "--out", str(tmp_path / "bad")])
    assert code == 1 and not (tmp_path / "bad").exists()
    assert "missing or renamed: 'CountryCode'" in capsys.readouterr().err
    bad_map = tmp_path / "map.yaml"
    bad_map.write_text("dataset: x\n", encoding="utf-8")
    code = cli.main(
        [
            "import",
            "table",
            str(AIGS),
            "--mapping",
            str(bad_map),
            "--out",
            str(tmp_path / "t"),
            "--curated",
            str(CURATED_CROSSWALK),
        ]
    )
    assert code == 2
    code = cli.main(
        ["import", "oxcgrt", str(IMPORT_FIXTURES / "h3_contact_tracing.csv"), "--out", str(out)]
    )
    assert code == 3 and (out / "import_report.json").is_file()
